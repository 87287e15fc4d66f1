import Model
import Pipeline
import Store
import Testing

/// The 期满验收 engine on hand-built inputs.
@Suite struct AssessorTests {
  func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Day(year: y, month: m, day: d)! }
  let y22 = AcademicYear(startYear: 2022)
  let y23 = AcademicYear(startYear: 2023)

  @Test func overlappingRowsOfOneStudentCountOnce() {
    // Two rows of one year for one 学号 (e.g. from two versions' worth of data): merged.
    let rows = [
      StoredStudent(academicYear: y22, studentID: "1", enteredOn: day(2022, 9, 1), leftOn: day(2022, 12, 31)),
      StoredStudent(academicYear: y22, studentID: "1", enteredOn: day(2022, 11, 1), leftOn: day(2023, 2, 28)),
      StoredStudent(academicYear: y22, studentID: "2", enteredOn: day(2022, 9, 1), leftOn: day(2022, 12, 31)),
      StoredStudent(academicYear: y22, studentID: "2", enteredOn: day(2022, 10, 1), leftOn: day(2023, 2, 26)),
    ]
    // 1: 2022-09-01…2023-02-28 = exactly 6 months; 2: two days short.
    #expect(
      Assessor.countedStudents(rows, from: day(2022, 9, 1), to: day(2026, 8, 31), months: 6, startMonth: 7) == 1)
  }

  @Test func separateStaysAddUp() {
    let rows = [
      StoredStudent(academicYear: y22, studentID: "1", enteredOn: day(2023, 3, 1), leftOn: day(2023, 5, 31)),
      StoredStudent(academicYear: y23, studentID: "1", enteredOn: day(2023, 8, 1), leftOn: day(2023, 10, 31)),
      StoredStudent(academicYear: y22, studentID: "2", enteredOn: day(2023, 3, 1), leftOn: day(2023, 5, 31)),
      StoredStudent(academicYear: y23, studentID: "2", enteredOn: day(2023, 8, 2), leftOn: day(2023, 10, 31)),
    ]
    // 184 days against 2023-03-01…2023-08-31 (184 days): counted; 183: not.
    #expect(
      Assessor.countedStudents(rows, from: day(2022, 9, 1), to: day(2026, 8, 31), months: 6, startMonth: 7) == 1)
  }

  func verdict(_ file: String, _ year: AcademicYear, _ on: Day, _ status: SubmissionStatus, _ rules: [String: Int]) -> StoredVerdict {
    StoredVerdict(
      sha256: file, stationID: "S", academicYear: year, file: file, submittedOn: on,
      receivedAt: "2023-07-0\(file.count)T00:00:00Z", status: status, rules: rules)
  }

  @Test func subsidyProblemsThenAcceptedWithoutThemAreListed_aRejectedOnlyYearIsMissing() {
    let students = (0..<8).map {
      StoredStudent(academicYear: y22, studentID: "\($0)", enteredOn: day(2022, 9, 1), leftOn: day(2023, 6, 30))
    }
    var input = AssessmentInput(
      stationID: "S", recognizedOn: day(2022, 9, 1), accepted: [y22: day(2023, 7, 8)],
      verdicts: [
        verdict("a", y22, day(2023, 7, 5), .rejected, ["SUB-003": 2, "CELL-001": 1]),
        verdict("bb", y22, day(2023, 7, 8), .accepted, [:]),
      ], students: students)
    let a = Assessor.assess(input, policy: Configuration().policy, asOf: day(2023, 8, 1))
    #expect(a.subsidyCompliant)
    #expect(a.grade == "合格")
    #expect(a.years.first?.status == .onTime)  // the earliest 报送日期 decides
    #expect(a.manualReview.contains { $0.contains("SUB-003") })

    input.verdicts.append(verdict("ccc", y23, day(2024, 7, 5), .rejected, ["SUB-004": 1, "SUB-006": 1]))
    let b = Assessor.assess(input, policy: Configuration().policy, asOf: day(2024, 8, 1))
    #expect(b.subsidyCompliant)  // only accepted reports are weighed for 合格2
    #expect(b.grade == "不合格" && !b.final)
    #expect(b.years.map(\.status) == [.onTime, .missing, .notDue, .notDue])
    #expect(b.reasons.contains { $0.contains("2023-2024") && $0.contains("合格1") })
    // Preliminary: the ban is not stated as decided.
    #expect(b.reasons.contains { $0.hasPrefix("预评为不合格") })
    #expect(!b.reasons.contains { $0.hasPrefix("验收不合格") })
  }

  /// SPEC §9: a rejected report does not count; the corrected, accepted one's 报送日期 decides.
  @Test func aRejectedReportOnTimeDoesNotMakeALateCorrectionOnTime() {
    let input = AssessmentInput(
      stationID: "S", recognizedOn: day(2022, 9, 1), accepted: [y22: day(2023, 7, 20)],
      verdicts: [
        verdict("a", y22, day(2023, 7, 5), .rejected, ["CELL-001": 1]),
        verdict("bb", y22, day(2023, 7, 20), .accepted, [:]),
      ])
    let a = Assessor.assess(input, policy: Configuration().policy, asOf: day(2023, 8, 1))
    #expect(a.years.first?.status == .late)
    #expect(a.reasons.contains { $0.contains("2022-2023 学年逾期报送") && $0.contains("2023-07-20") })
  }

  // MARK: - The grade, one row per clause (SPEC §6 "The grade, exactly")

  /// One station over the window 2022-09-01…2026-08-31 (years 2022-2023…2025-2026, deadlines
  /// 7月10日), graded after it ended unless `asOf` says otherwise.
  struct Row: Sendable, CustomTestStringConvertible {
    var clause: String
    var students = 20
    var national = 1
    /// Academic year start → 报送日期 of its accepted report; a year left out has none.
    var reported: [Int: (Int, Int, Int)] = [2022: (2023, 7, 1), 2023: (2024, 7, 1), 2024: (2025, 7, 1), 2025: (2026, 7, 1)]
    /// Academic year start → the issues per rule of its accepted report.
    var rules: [Int: [String: Int]] = [:]
    var asOf = (2026, 9, 1)
    var grade: String
    /// Words one reason must hold (each list: one reason holding all of them).
    var reasons: [[String]] = []
    var subsidyCompliant = true
    var final = true
    var review: [String] = []
    var testDescription: String { clause }
  }

  static let grades: [Row] = [
    Row(clause: "优秀: every year on time, 20 students, 1 国家级", grade: "优秀"),
    Row(clause: "优秀5 not met: 合格", national: 0, grade: "合格", reasons: [["优秀5"]]),
    Row(clause: "合格3 at exactly 8", students: 8, national: 0, grade: "合格"),
    Row(clause: "合格3 at 7: 不合格", students: 7, grade: "不合格", reasons: [["7 人", "合格3"], ["三年内不得重新申报"]]),
    Row(
      clause: "合格1: one year late, alone: 不合格",
      reported: [2022: (2023, 7, 1), 2023: (2024, 7, 1), 2024: (2025, 7, 11), 2025: (2026, 7, 1)],
      grade: "不合格", reasons: [["2024-2025 学年逾期报送", "合格1"]]),
    Row(
      clause: "合格1: one year missing, alone: 不合格",
      reported: [2022: (2023, 7, 1), 2024: (2025, 7, 1), 2025: (2026, 7, 1)],
      grade: "不合格", reasons: [["2023-2024 学年未报送", "合格1"]]),
    Row(
      clause: "合格1: two years missing, not in a row: 不合格, not 撤销",
      reported: [2023: (2024, 7, 1), 2025: (2026, 7, 1)],
      grade: "不合格", reasons: [["2022-2023 学年未报送", "2024-2025 学年未报送", "合格1"]]),
    Row(
      clause: "四(一): two years in a row late or missing: 撤销",
      reported: [2022: (2023, 7, 1), 2023: (2024, 7, 11), 2025: (2026, 7, 1)],
      grade: "撤销", reasons: [["2023-2024", "2024-2025", "撤销"]]),
    Row(
      clause: "合格2: a late payment in an accepted report: 不合格", rules: [2023: ["SUB-004": 2]],
      grade: "不合格", reasons: [["2023-2024", "SUB-004", "合格2"]], subsidyCompliant: false),
    Row(
      clause: "合格2: below the minimum, not in full: 不合格",
      rules: [2022: ["SUB-001": 1], 2025: ["SUB-003": 1, "INS-001": 1]], grade: "不合格",
      reasons: [["2022-2023", "SUB-001", "合格2"], ["2025-2026", "SUB-003", "合格2"]],
      subsidyCompliant: false),
    Row(
      clause: "SAF-001, MEN-001, MEN-002: listed for a person, the grade stands",
      rules: [2024: ["SAF-001": 1, "MEN-002": 1]], grade: "优秀",
      review: ["2024-2025 学年（r2024）SAF-001", "2024-2025 学年（r2024）MEN-002"]),
    Row(
      clause: "预评: one year late while the window is open", reported: [2022: (2023, 7, 11)],
      asOf: (2023, 8, 1), grade: "不合格", reasons: [["2022-2023 学年逾期报送", "合格1"], ["预评为不合格"]],
      final: false),
  ]

  @Test(arguments: grades)
  func theGradeFollowsEachClause(_ row: Row) {
    let students = (0..<row.students).map {
      StoredStudent(academicYear: y22, studentID: "\($0)", enteredOn: day(2022, 9, 1), leftOn: day(2023, 6, 30))
    }
    var accepted: [AcademicYear: Day?] = [:]
    var verdicts: [StoredVerdict] = []
    for (start, on) in row.reported.sorted(by: { $0.key < $1.key }) {
      let year = AcademicYear(startYear: start)
      accepted[year] = day(on.0, on.1, on.2)
      verdicts.append(verdict("r\(start)", year, day(on.0, on.1, on.2), .accepted, row.rules[start] ?? [:]))
    }
    let outcomes = (0..<row.national).map {
      StoredOutcome(academicYear: y23, kind: "论文", title: "成果\($0)", level: "国家级", achievedOn: day(2024, 1, 1))
    }
    let input = AssessmentInput(
      stationID: "S", recognizedOn: day(2022, 9, 1), accepted: accepted, verdicts: verdicts,
      students: students, outcomes: outcomes)
    let a = Assessor.assess(
      input, policy: Configuration().policy, asOf: day(row.asOf.0, row.asOf.1, row.asOf.2))
    #expect(a.grade == row.grade)
    #expect(a.final == row.final && a.subsidyCompliant == row.subsidyCompliant)
    for words in row.reasons {
      #expect(a.reasons.contains { r in words.allSatisfy { r.contains($0) } }, "\(words) in \(a.reasons)")
    }
    for item in row.review {
      #expect(a.manualReview.contains { $0.hasPrefix(item) }, "\(item) in \(a.manualReview)")
    }
    if row.grade != "不合格" { #expect(!a.reasons.contains { $0.contains("三年内不得重新申报") }) }
  }
}
