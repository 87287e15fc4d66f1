import Foundation

/// A fresh directory for one test, removed by the caller:
/// `let dir = try TemporaryDirectory(); defer { dir.remove() }`.
public final class TemporaryDirectory: Sendable {
  /// The directory, unique per instance, under the system temporary directory.
  public let url: URL

  /// Creates the directory.
  public init() throws {
    url = FileManager.default.temporaryDirectory
      .appendingPathComponent("XLSXTestSupport-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  /// Deletes the directory and everything in it. Failure is ignored: cleanup must not turn a
  /// passing test into a failing one.
  public func remove() {
    try? FileManager.default.removeItem(at: url)
  }
}

/// The permission bits of the file or folder at `path` (`0o600`), or -1 when it cannot be read.
public func fileMode(_ path: String) -> Int {
  ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber)?
    .intValue ?? -1
}
