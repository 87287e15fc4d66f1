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
