import Basics
import Foundation
import Model
import Normalization
import Validation
import XLSXReading

/// The verdict on one submission: the entry of `check --format json` and of `report.json`.
public struct CheckEntry: Sendable {
  public var file: String
  public var sha256: String
  public var stationID: String?
  public var academicYear: String?
  /// 牵头培养单位 as normalized (SPEC §4), when the workbook gives one; not in the JSON report.
  public var college: String? = nil
  public var status: SubmissionStatus
  /// The station's state after the run (SPEC §9), when a register lists it; `pipeline run` sets
  /// it, `check` does not.
  public var stationState: StationState? = nil
  /// In report order: file-level first, then by sheet in workbook order, row, column.
  public var issues: [Issue]
  /// The sheets in workbook order, for grouping the issues.
  public var sheetOrder: [String]
}

/// Checks submissions: read → normalize → validate. Never throws on what a file contains; a file
/// that cannot be read from disk at all is an I/O error for the caller.
public struct Checker: Sendable {
  public let configuration: Configuration
  /// The stations' register (SPEC §9) when the store holds one: STA-001…STA-004 run only then.
  public let register: StationRegister?
  /// The store's accepted reports (SPEC §10): Y-001…Y-006 run only with them. Given, or still
  /// being read (`pipeline run` reads them while the first files are read and normalized): the
  /// checks wait for them only where they validate.
  private let crossYearSource: Pending<CrossYearIndex?>?
  private let givenCrossYear: CrossYearIndex?
  public var crossYear: CrossYearIndex? {
    givenCrossYear ?? ((try? crossYearSource?.value()) ?? nil)
  }

  public init(
    configuration: Configuration, register: StationRegister? = nil,
    crossYear: CrossYearIndex? = nil
  ) {
    self.configuration = configuration
    self.register = register
    givenCrossYear = crossYear
    crossYearSource = nil
  }

  /// A checker whose cross-year index is still being read by `source`.
  init(configuration: Configuration, crossYear source: Pending<CrossYearIndex?>) {
    self.configuration = configuration
    register = nil
    givenCrossYear = nil
    crossYearSource = source
  }

  /// Checks the workbook at `path`, named in the report as `name`.
  public func check(path: String, name: String? = nil) throws(XLSXError) -> CheckEntry {
    try examine(path: path, name: name).entry
  }

  /// Checks a workbook held in memory (an upload).
  public func check(bytes: [UInt8], name: String) -> CheckEntry {
    examine(bytes: bytes, name: name).entry
  }

  /// Checks the workbooks at `paths` as one batch (SPEC §5.1): each on its own, then the batch
  /// rules X-001…X-003 across them (``BatchRules``). The entries come in the order of `paths`; each
  /// gets its batch issues among its own in report order, and the older submissions of a station
  /// and year are `superseded` (whatever their own status; their own issues are still listed).
  /// Each normalized submission is kept only while it is reduced to what the batch rules need.
  /// Throws on the first file (in `paths` order) that cannot be read from disk at all.
  public func checkBatch(paths: [String]) throws(XLSXError) -> [CheckEntry] {
    var entries: [CheckEntry] = []
    var members: [BatchMember] = []
    entries.reserveCapacity(paths.count)
    members.reserveCapacity(paths.count)
    for path in paths {
      let (entry, submission, modified) = try examine(path: path, name: nil)
      members.append(
        BatchMember(
          file: entry.file, modified: modified, submission: submission,
          policy: configuration.policy,
          template: configuration.template))
      entries.append(entry)
    }
    return applyingBatchRules(to: entries, members: members)
  }

  /// The entries with the batch rules' issues merged in (report order kept) and the older of two
  /// submissions for one station and year marked superseded, whatever their own status.
  func applyingBatchRules(to entries: [CheckEntry], members: [BatchMember]) -> [CheckEntry] {
    var entries = entries
    let verdicts = BatchRules.check(members, template: configuration.template, stored: crossYear)
    for (i, verdict) in verdicts.enumerated()
    where !verdict.issues.isEmpty || verdict.supersededBy != nil {
      entries[i] = adding(verdict.issues, to: entries[i])
      if verdict.supersededBy != nil { entries[i].status = .superseded }
    }
    return entries
  }

  /// `entry` with `issues` merged in (report order kept) and its status judged again; a
  /// superseded entry stays superseded.
  func adding(_ issues: [Issue], to entry: CheckEntry) -> CheckEntry {
    guard !issues.isEmpty else { return entry }
    var updated = self.entry(
      entry.file, sha256: entry.sha256, issues: entry.issues + issues, sheets: entry.sheetOrder)
    updated.stationID = entry.stationID
    updated.academicYear = entry.academicYear
    updated.college = entry.college
    if entry.status == .superseded { updated.status = .superseded }
    return updated
  }

  /// Reads and checks the file at `path`; also returns its normalized submission (nil when
  /// unreadable) and its modification time.
  func examine(path: String, name: String?) throws(XLSXError) -> (
    entry: CheckEntry, submission: Submission?, modified: Date
  ) {
    let fileName = name ?? URL(fileURLWithPath: path).lastPathComponent
    let bytes: [UInt8]
    let modified: Date
    do {
      let attributes = try FileManager.default.attributesOfItem(atPath: path)
      modified = attributes[.modificationDate] as? Date ?? Date(timeIntervalSince1970: 0)
      let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
      guard size <= configuration.reader.maxFileBytes else {
        // Too large to hash and read: judged on its size alone.
        let tooLarge = entry(
          fileName, sha256: "",
          issues: [fileIssue(XLSXError(.limitExceeded(.fileBytes), "\(size) bytes"))],
          sheets: [])
        return (tooLarge, nil, modified)
      }
      bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
      throw XLSXError(.io, "\(path): \(error.localizedDescription)")
    }
    let checked = examine(bytes: bytes, name: fileName)
    return (checked.entry, checked.submission, modified)
  }

  /// Checks a workbook held in memory; also returns its normalized submission (nil when
  /// unreadable).
  func examine(bytes: [UInt8], name: String) -> (entry: CheckEntry, submission: Submission?) {
    // The digest is computed beside the reading, on another core.
    let digest = Slots<String>(count: 1)
    let hashing = DispatchGroup()
    DispatchQueue.global().async(group: hashing) { digest.set(0, SHA256.hex(bytes)) }
    var sha: String {
      hashing.wait()
      return digest.values[0]
    }
    do {
      let workbook = try Workbook(bytes: bytes, limits: configuration.reader)
      let normalizer = Normalizer(template: configuration.template)
      let (submission, found) = try normalizer.normalize(workbook)
      let validator = Validator(
        policy: configuration.policy, template: configuration.template, register: register,
        crossYear: crossYear)
      var entry = entry(
        name, sha256: sha, issues: found + validator.validate(submission),
        sheets: submission.sheetOrder)
      entry.stationID = submission.station?.text("station_id")
      entry.academicYear = submission.station?.academicYear("academic_year")?.description
      entry.college = submission.station?.text("college").flatMap { $0.isEmpty ? nil : $0 }
      return (entry, submission)
    } catch let error as XLSXError {
      return (entry(name, sha256: sha, issues: [fileIssue(error)], sheets: []), nil)
    } catch {
      // Not the reader's refusal (which is an XLSXError): our own failure, never blamed on the
      // file. It cannot be judged, so it is unreadable, and the message says whose fault it is.
      let failure = Issue(
        "FILE-001", sheet: nil, cell: nil,
        message:
          "审核程序未能完成本文件的审核（程序内部错误：\(error)），这不是文件本身的问题。请把本文件发给研究生院数据办公室处理。"
      )
      return (
        entry(name, sha256: sha, issues: [failure], sheets: []),
        nil
      )
    }
  }

  private func fileIssue(_ error: XLSXError) -> Issue {
    Issue(error.rule, sheet: nil, cell: nil, message: error.message, value: nil)
  }

  func entry(_ file: String, sha256: String, issues: [Issue], sheets: [String]) -> CheckEntry {
    let ordered = issues.sorted(by: Issue.reportOrder(sheetOrder: sheets))
    let status: SubmissionStatus =
      ordered.contains { $0.rule == "FILE-001" || $0.rule == "FILE-002" }
      ? .unreadable
      : ordered.contains { $0.severity == .error } ? .rejected : .accepted
    return CheckEntry(
      file: file, sha256: sha256, stationID: nil, academicYear: nil, status: status,
      issues: ordered,
      sheetOrder: sheets)
  }
}
