#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The C calls' error number, read one way everywhere.
public enum Errno {
  /// Calls `call` again for as long as it fails with EINTR (a signal arrived mid-call).
  @inlinable
  public static func retrying<T: BinaryInteger>(_ call: () -> T) -> T {
    while true {
      let result = call()
      if result >= 0 || errno != EINTR { return result }
    }
  }

  /// The text of an error number (the current `errno` by default).
  public static func text(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
}
