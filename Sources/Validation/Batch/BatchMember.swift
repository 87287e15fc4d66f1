import Foundation
import Model

/// One submission of a batch, reduced to what the batch rules need: its file, when it was last
/// modified, its station and academic year, and the students of its 进站研究生 (学号, 姓名, stay and
/// where they stand). Made right after the submission is checked, so a batch of thousands of
/// workbooks never holds more than one normalized submission per worker in memory.
public struct BatchMember: Sendable {
  /// The file's name as the report shows it.
  public var file: String
  /// The file's modification time: the newer of two submissions for one station and year wins.
  public var modified: Date
  /// 工作站编号 and 报送学年, when valid (nil when missing or refused, or the file is unreadable).
  public var stationID: String?
  public var academicYear: AcademicYear?
  /// 牵头培养单位 as normalized (SPEC §4), when given: X-003 supersedes only within one college.
  public var college: String?
  /// The 进站研究生 sheet's name as submitted.
  var studentSheet: String
  var students: [Student]

  /// One row of 进站研究生 with a valid 学号.
  struct Student: Sendable {
    var id: String
    var idCell: CellReference
    var idText: String
    /// The normalized 姓名 and its cell; nil when blank or refused.
    var name: String?
    var nameCell: CellReference?
    var nameText: String?
    /// The stay as this workbook asserts it (see ``SharedStudentRules``); nil when unknown.
    var stay: ClosedRange<Day>?
    /// 出站日期 as given, nil when blank: with the stay's first day, the stay as the submitter
    /// wrote it, for messages.
    var left: Day?
    /// The 进站日期 cell and its text (Y-005 points there).
    var enteredCell: CellReference?
    var enteredText: String?
    var row: Int

    /// The row's student; nil when its 学号 is not valid. `yearEnd`: the last day of the
    /// workbook's academic year, when valid.
    init?(_ record: Record, _ context: RuleContext, yearEnd: Day?) {
      guard let id = record.text("student_id"), let idCell = record["student_id"] else {
        return nil
      }
      self.id = id
      self.idCell = idCell.cell
      idText = idCell.text
      name = record.text("name")
      nameCell = name == nil ? nil : record["name"]?.cell
      nameText = name == nil ? nil : record["name"]?.text
      left = record.day("left_on")
      enteredCell = record["entered_on"]?.cell
      enteredText = record["entered_on"]?.text
      stay = context.stay(of: record)
      // A blank 出站日期 says "still in station" as of this report: no further than the end of
      // the academic year it reports (a report of an earlier year says nothing about later).
      if let known = stay, left == nil, let yearEnd, known.lowerBound <= yearEnd {
        stay = known.lowerBound...yearEnd
      }
      row = record.row
    }
  }

  /// A member made from a checked submission; `submission` is nil for an unreadable file (which
  /// then takes part in no batch rule).
  public init(
    file: String, modified: Date, submission: Submission?, policy: Policy, template: Template
  ) {
    self.file = file
    self.modified = modified
    stationID = submission?.station?.text("station_id")
    academicYear = submission?.station?.academicYear("academic_year")
    college = submission?.station?.text("college").flatMap { $0.isEmpty ? nil : $0 }
    studentSheet = ""
    students = []
    guard let submission, let table = submission.tables["students"] else { return }
    let context = RuleContext(submission: submission, policy: policy, template: template)
    let yearEnd = context.yearEnd
    studentSheet = table.sheet
    students = table.records.compactMap { Student($0, context, yearEnd: yearEnd) }
  }

  /// Whether this member can supersede or be superseded: its station and year are both known.
  var key: StationYear? {
    guard let stationID, let academicYear else { return nil }
    return StationYear(stationID: stationID, academicYear: academicYear)
  }

  struct StationYear: Hashable {
    var stationID: String
    var academicYear: AcademicYear
  }
}
