import Basics
import Foundation
import Model
import Pipeline
import XLSXWriting

/// What a college gets back for a submission, and what its list shows: the file as it was put in
/// the inbox, its SHA-256, when it was received, the verdict and every issue. Kept as JSON (the
/// API's shape, `snake_case` keys) next to the submission's annotated copy.
public struct Receipt: Codable, Sendable, Equatable {
  public var id: String
  public var college: String
  /// The name the server gave the file in the inbox (`pipeline run` reports it by this name).
  public var file: String
  /// The name it was uploaded under (shown, never used as a path).
  public var uploadedName: String
  public var sha256: String
  /// UTC, ISO 8601 (`2024-07-11T02:03:04Z`).
  public var receivedAt: String
  /// Accepted, rejected or unreadable, as `check` says.
  public var status: SubmissionStatus
  /// 报送日期 after the deadline (RPT-001), or received after it.
  public var late: Bool
  public var stationID: String?
  public var academicYear: String?
  public var errors: Int
  /// 政策问题 (SPEC §5 `finding`); a receipt written before findings existed has none.
  public var findings: Int
  public var warnings: Int
  public var issues: [ReceiptIssue]
  /// For a rejected report, the one sentence SPEC §9 asks for: it does not count as reported on
  /// time until corrected (nil otherwise, and in receipts written before it existed).
  public var note: String?
  /// A later submission of this college for the same station and year supersedes this one (X-003
  /// in `pipeline run`); set when the list is read, not stored.
  public var superseded: Bool?

  enum CodingKeys: String, CodingKey {
    case id, college, file, sha256, status, late, errors, findings, warnings, issues, superseded
    case note
    case uploadedName = "uploaded_name"
    case receivedAt = "received_at"
    case stationID = "station_id"
    case academicYear = "academic_year"
  }

  init(
    id: String, college: String, file: String, uploadedName: String, entry: CheckEntry,
    receivedAt: Date, late: Bool
  ) {
    self.id = id
    self.college = college
    self.file = file
    self.uploadedName = uploadedName
    sha256 = entry.sha256
    self.receivedAt = receivedAt.formatted(.iso8601)
    status = entry.status
    self.late = late
    stationID = entry.stationID
    academicYear = entry.academicYear
    let counts = IssueCounts(entry.issues)
    errors = counts.errors
    findings = counts.findings
    warnings = counts.warnings
    issues = entry.issues.map(ReceiptIssue.init)
    note = entry.status == .rejected ? AnnotatedWorkbook.rejectedNote : nil
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    id = try c.decode(String.self, forKey: .id)
    college = try c.decode(String.self, forKey: .college)
    file = try c.decode(String.self, forKey: .file)
    uploadedName = try c.decode(String.self, forKey: .uploadedName)
    sha256 = try c.decode(String.self, forKey: .sha256)
    receivedAt = try c.decode(String.self, forKey: .receivedAt)
    status = try c.decode(SubmissionStatus.self, forKey: .status)
    late = try c.decode(Bool.self, forKey: .late)
    stationID = try c.decodeIfPresent(String.self, forKey: .stationID)
    academicYear = try c.decodeIfPresent(String.self, forKey: .academicYear)
    errors = try c.decode(Int.self, forKey: .errors)
    findings = try c.decodeIfPresent(Int.self, forKey: .findings) ?? 0
    warnings = try c.decode(Int.self, forKey: .warnings)
    issues = try c.decode([ReceiptIssue].self, forKey: .issues)
    superseded = try c.decodeIfPresent(Bool.self, forKey: .superseded)
    note = try c.decodeIfPresent(String.self, forKey: .note)
  }
}

/// One issue of a receipt: the fields of `check --format json`.
public struct ReceiptIssue: Codable, Sendable, Equatable {
  public var rule: String
  public var severity: Severity
  public var sheet: String?
  public var cell: String?
  public var message: String
  public var value: String?

  init(_ issue: Issue) {
    rule = issue.rule
    severity = issue.severity
    sheet = issue.sheet
    cell = issue.cell?.a1
    message = issue.message
    value = issue.value
  }
}

extension Receipt {
  /// Whether a submission received at `received` is late for its academic year: RPT-001 (the
  /// workbook's 报送日期 after the deadline), or received after the deadline in Beijing time.
  static func isLate(_ entry: CheckEntry, received: Date, policy: Policy) -> Bool {
    if entry.issues.contains(where: { $0.rule == "RPT-001" }) { return true }
    guard let year = entry.academicYear, let start = Int(year.prefix(4)) else { return false }
    let (y, m, d) = BeijingTime.day(of: received)
    guard let day = Day(year: y, month: m, day: d) else {
      return false
    }
    return day > policy.reportDeadline(for: AcademicYear(startYear: start))
  }
}
