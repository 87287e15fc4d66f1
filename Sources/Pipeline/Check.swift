import Foundation
import Model
import Normalization
import Validation
import XLSXReading

/// The verdict on one submission: the entry of `check --format json` and of `report.json`.
public struct CheckEntry: Sendable {
  public enum Status: String, Sendable {
    case accepted, rejected, unreadable, superseded
  }

  public var file: String
  public var sha256: String
  public var stationID: String?
  public var academicYear: String?
  public var status: Status
  /// In report order: file-level first, then by sheet in workbook order, row, column.
  public var issues: [Issue]
  /// The sheets in workbook order, for grouping the issues.
  public var sheetOrder: [String]
}

/// Checks submissions: read → normalize → validate. Never throws on what a file contains; a file
/// that cannot be read from disk at all is an I/O error for the caller.
public struct Checker: Sendable {
  public let configuration: Configuration

  public init(configuration: Configuration) { self.configuration = configuration }

  /// Checks the workbook at `path`, named in the report as `name`.
  public func check(path: String, name: String? = nil) throws(XLSXError) -> CheckEntry {
    let fileName = name ?? URL(fileURLWithPath: path).lastPathComponent
    let bytes: [UInt8]
    do {
      let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
      guard size <= configuration.reader.maxFileBytes else {
        // Too large to hash and read: judged on its size alone.
        return entry(
          fileName, sha256: "", issues: [fileIssue(XLSXError(.limitExceeded(.fileBytes), "\(size) bytes"))],
          sheets: [])
      }
      bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
      throw XLSXError(.io, "\(path): \(error.localizedDescription)")
    }
    return check(bytes: bytes, name: fileName)
  }

  /// Checks a workbook held in memory (an upload).
  public func check(bytes: [UInt8], name: String) -> CheckEntry {
    // The digest is computed beside the reading, on another core.
    let digest = Digest()
    let hashing = DispatchGroup()
    DispatchQueue.global().async(group: hashing) { digest.value = SHA256.hex(bytes) }
    var sha: String {
      hashing.wait()
      return digest.value
    }
    do {
      let workbook = try Workbook(bytes: bytes, limits: configuration.reader)
      let normalizer = Normalizer(template: configuration.template)
      let (submission, found) = try normalizer.normalize(workbook)
      let validator = Validator(policy: configuration.policy, template: configuration.template)
      var entry = entry(name, sha256: sha, issues: found + validator.validate(submission), sheets: submission.sheetOrder)
      entry.stationID = submission.station?.text("station_id")
      entry.academicYear = submission.station?.academicYear("academic_year")?.description
      return entry
    } catch let error as XLSXError {
      return entry(name, sha256: sha, issues: [fileIssue(error)], sheets: [])
    } catch {
      return entry(name, sha256: sha, issues: [fileIssue(XLSXError(.malformedXML, "\(error)"))], sheets: [])
    }
  }

  /// The SHA-256 hex digest, written by the hashing thread before the group is left.
  private final class Digest: @unchecked Sendable {
    var value = ""
  }

  private func fileIssue(_ error: XLSXError) -> Issue {
    Issue(error.rule, sheet: nil, cell: nil, message: error.message, value: nil)
  }

  private func entry(_ file: String, sha256: String, issues: [Issue], sheets: [String]) -> CheckEntry {
    let ordered = issues.sorted(by: Issue.reportOrder(sheetOrder: sheets))
    let status: CheckEntry.Status =
      ordered.contains { $0.rule == "FILE-001" || $0.rule == "FILE-002" } ? .unreadable
      : ordered.contains { $0.severity == .error } ? .rejected : .accepted
    return CheckEntry(
      file: file, sha256: sha256, stationID: nil, academicYear: nil, status: status, issues: ordered,
      sheetOrder: sheets)
  }
}
