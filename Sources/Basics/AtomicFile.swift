import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The one way the product writes a file: under a temporary name in the same folder
/// (`name.tmp-<pid>-<random>`, which no reader of the folder takes for a workbook), then renamed
/// over the final name, so a reader sees the old file or the new one, never a part; temporaries a
/// killed process left are removed by the next run (``removeAbandonedTemporaries(in:)``).
public enum AtomicFile {
  /// Why a file could not be written.
  public struct WriteFailed: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
  }

  /// A temporary name beside `path` for this process, unique (`suffix` tells apart the several
  /// temporaries of one write).
  public static func temporaryPath(for path: String, suffix: String = "") -> String {
    path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))" + suffix
  }

  /// Writes `bytes` to `path` atomically, the file's mode `permissions`.
  public static func write(
    _ bytes: [UInt8], to path: String, permissions: mode_t = 0o644
  ) throws(WriteFailed) {
    let temporary = temporaryPath(for: path)
    let fd = Errno.retrying {
      open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
    }
    guard fd >= 0 else { throw WriteFailed(path: path, reason: Errno.text()) }
    var written = 0
    let ok = bytes.withUnsafeBytes { buffer -> Bool in
      while written < buffer.count {
        let n = Errno.retrying {
          Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
        }
        guard n > 0 else { return false }
        written += n
      }
      return true
    }
    let reason = ok ? nil : Errno.text()
    guard close(fd) == 0, ok else {
      unlink(temporary)
      throw WriteFailed(path: path, reason: reason ?? Errno.text())
    }
    try commit(temporary, to: path)
  }

  /// Writes `text` (UTF-8) to `path` atomically.
  public static func write(_ text: String, to path: String, permissions: mode_t = 0o644)
    throws(WriteFailed)
  {
    try write(Array(text.utf8), to: path, permissions: permissions)
  }

  /// Moves a finished temporary file over `path` (removing the temporary when that fails), its
  /// mode first set to `permissions` when given.
  public static func commit(
    _ temporary: String, to path: String, permissions: mode_t? = nil
  ) throws(WriteFailed) {
    if let permissions, chmod(temporary, permissions) != 0 {
      let reason = Errno.text()
      unlink(temporary)
      throw WriteFailed(path: path, reason: reason)
    }
    guard rename(temporary, path) == 0 else {
      let reason = Errno.text()
      unlink(temporary)
      throw WriteFailed(path: path, reason: reason)
    }
  }

  /// Removes the temporary files (`name.tmp-<pid>-…`) in `directory` that a process killed
  /// mid-write left behind — only those whose writing process is gone: one still writing keeps
  /// its own.
  public static func removeAbandonedTemporaries(in directory: String) {
    let manager = FileManager.default
    for name in (try? manager.contentsOfDirectory(atPath: directory)) ?? [] {
      guard let marker = name.range(of: ".tmp-") else { continue }
      let pid = name[marker.upperBound...].prefix { $0.isNumber }
      if let pid = Int32(pid), pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH { continue }
      unlink(directory + "/" + name)
    }
  }
}
