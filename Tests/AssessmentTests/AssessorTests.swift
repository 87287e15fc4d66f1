import Assessment
import Model
import Store
import Testing

/// The 期满验收 engine on hand-built inputs.
@Suite struct AssessorTests {
  static func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Day(year: y, month: m, day: d)! }
  func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Self.day(y, m, d) }
  let y22 = AcademicYear(startYear: 2022)
  let y23 = AcademicYear(startYear: 2023)
  let policy = Policy.standard

  @Test func overlappingRowsOfOneStudentCountOnce() {
    // Two rows of one year for one 学号 (e.g. from two versions' worth of data): merged.
    let rows = [
      StoredStudent(
        academicYear: y22, studentID: "1", enteredOn: day(2022, 9, 1), leftOn: day(2022, 12, 31)),
      StoredStudent(
        academicYear: y22, studentID: "1", enteredOn: day(2022, 11, 1), leftOn: day(2023, 2, 28)),
      StoredStudent(
        academicYear: y22, studentID: "2", enteredOn: day(2022, 9, 1), leftOn: day(2022, 12, 31)),
      StoredStudent(
        academicYear: y22, studentID: "2", enteredOn: day(2022, 10, 1), leftOn: day(2023, 2, 26)),
    ]
    // 1: 2022-09-01…2023-02-28 = exactly 6 months; 2: two days short.
    #expect(
      Assessor.countedStudents(
        rows, from: day(2022, 9, 1), to: day(2026, 8, 31), months: 6, startMonth: 7) == 1)
  }

  @Test func separateStaysAddUp() {
    let rows = [
      StoredStudent(
        academicYear: y22, studentID: "1", enteredOn: day(2023, 3, 1), leftOn: day(2023, 5, 31)),
      StoredStudent(
        academicYear: y23, studentID: "1", enteredOn: day(2023, 8, 1), leftOn: day(2023, 10, 31)),
      StoredStudent(
        academicYear: y22, studentID: "2", enteredOn: day(2023, 3, 1), leftOn: day(2023, 5, 31)),
      StoredStudent(
        academicYear: y23, studentID: "2", enteredOn: day(2023, 8, 2), leftOn: day(2023, 10, 31)),
    ]
    // 184 days against 2023-03-01…2023-08-31 (184 days): counted; 183: not.
    #expect(
      Assessor.countedStudents(
        rows, from: day(2022, 9, 1), to: day(2026, 8, 31), months: 6, startMonth: 7) == 1)
  }

  /// A row with no stay in the window is listed with no days; the latest name wins.
  @Test func everyStudentIsListedWithItsDays() {
    let rows = [
      StoredStudent(
        academicYear: y22, studentID: "2", name: "乙", enteredOn: day(2021, 9, 1),
        leftOn: day(2022, 6, 30)),
      StoredStudent(
        academicYear: y22, studentID: "1", name: "甲", enteredOn: day(2022, 9, 1),
        leftOn: day(2022, 9, 30)),
      StoredStudent(academicYear: y23, studentID: "1", name: " 甲二 ", enteredOn: nil),
    ]
    let stays = Assessor.studentStays(
      rows, from: day(2022, 9, 1), to: day(2026, 8, 31), months: 6, startMonth: 7)
    #expect(
      stays == [
        Assessment.Student(
          studentID: "1", name: "甲二", firstDay: day(2022, 9, 1), days: 30, months: 1,
          counted: false),
        Assessment.Student(studentID: "2", name: "乙", days: 0, months: 0, counted: false),
      ])
  }

  static func verdict(
    _ file: String, _ year: AcademicYear, _ on: Day, _ status: SubmissionStatus,
    _ rules: [String: Int], findings: [Model.Issue] = []
  ) -> StoredVerdict {
    StoredVerdict(
      sha256: file, stationID: "S", academicYear: year, file: file, submittedOn: on,
      receivedAt: "2023-07-0\(file.count)T00:00:00Z", status: status, rules: rules,
      findings: findings)
  }

  @Test func subsidyProblemsThenAcceptedWithoutThemAreListed_aRejectedOnlyYearIsMissing() {
    let students = (0..<8).map {
      StoredStudent(
        academicYear: y22, studentID: "\($0)", enteredOn: day(2022, 9, 1), leftOn: day(2023, 6, 30))
    }
    var input = AssessmentInput(
      stationID: "S", recognizedOn: day(2022, 9, 1), accepted: [y22: day(2023, 7, 8)],
      verdicts: [
        Self.verdict("a", y22, day(2023, 7, 5), .rejected, ["SUB-003": 2, "CELL-001": 1]),
        Self.verdict("bb", y22, day(2023, 7, 8), .accepted, [:]),
      ], students: students)
    let a = Assessor.assess(input, policy: policy, asOf: day(2023, 8, 1))
    #expect(a.subsidyCompliant)
    #expect(a.grade == .qualified)
    #expect(a.years.first?.status == .onTime)  // the earliest 报送日期 decides
    #expect(a.manualReview.contains { $0.contains("SUB-003") })

    input.verdicts.append(
      Self.verdict("ccc", y23, day(2024, 7, 5), .rejected, ["SUB-004": 1, "SUB-006": 1]))
    let b = Assessor.assess(input, policy: policy, asOf: day(2024, 8, 1))
    #expect(b.subsidyCompliant)  // only accepted reports are weighed for 合格2
    #expect(b.grade == .unqualified && !b.final)
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
        Self.verdict("a", y22, day(2023, 7, 5), .rejected, ["CELL-001": 1]),
        Self.verdict("bb", y22, day(2023, 7, 20), .accepted, [:]),
      ])
    let a = Assessor.assess(input, policy: policy, asOf: day(2023, 8, 1))
    #expect(a.years.first?.status == .late)
    #expect(
      a.reasons.contains { $0.contains("2022-2023 学年逾期报送") && $0.contains("2023-07-20") })
  }

  /// The window ends the day before 认定日期's anniversary (``Policy/validityEnd(recognizedOn:)``),
  /// and its years start with the one holding 认定日期; without one, the earliest year reported.
  @Test func theWindowIsTheTermOfTheRecognition() {
    let recognized = Assessor.assess(
      AssessmentInput(stationID: "S", recognizedOn: day(2021, 10, 8), accepted: [:]),
      policy: policy, asOf: day(2025, 10, 7))
    #expect(recognized.from == day(2021, 10, 8) && recognized.to == day(2025, 10, 7))
    #expect(
      recognized.years.map(\.academicYear.description) == [
        "2021-2022", "2022-2023", "2023-2024", "2024-2025",
      ])
    #expect(!recognized.final)  // as-of is the window's last day
    #expect(recognized.manualReview.allSatisfy { !$0.contains("认定日期缺失") })

    let unknown = Assessor.assess(
      AssessmentInput(stationID: "S", recognizedOn: nil, accepted: [y23: day(2024, 7, 1)]),
      policy: policy, asOf: day(2024, 8, 1))
    #expect(unknown.from == day(2023, 7, 1) && unknown.to == day(2027, 6, 30))
    #expect(unknown.manualReview.first?.hasPrefix("认定日期缺失") == true)
  }

  /// A finding's message is listed without the closing words addressed to the submitter.
  @Test func personFindingsAreListedWithoutTheFindingNote() {
    let finding = Model.Issue(
      "SAF-001", sheet: "进站研究生", cell: CellReference("L2"),
      message: "安全教育为“否”。" + Model.Issue.findingNote)
    let input = AssessmentInput(
      stationID: "S", recognizedOn: day(2022, 9, 1), accepted: [y22: day(2023, 7, 1)],
      verdicts: [
        Self.verdict("r", y22, day(2023, 7, 1), .accepted, ["SAF-001": 1], findings: [finding])
      ])
    let a = Assessor.assess(input, policy: policy, asOf: day(2023, 8, 1))
    #expect(a.manualReview.contains("2022-2023 学年（r）SAF-001：安全教育为“否”。"))
  }

  // MARK: - The grade, one row per clause (SPEC §6 "The grade, exactly")

  /// One station over the window 2022-09-01…2026-08-31 (years 2022-2023…2025-2026, deadlines
  /// 7月10日), graded after it ended unless `asOf` says otherwise.
  struct Row: Sendable, CustomTestStringConvertible {
    var clause: String
    var students = 20
    var national = 1
    var provincial = 0
    /// Academic year start → 报送日期 of its accepted report; a year left out has none.
    var reported: [Int: (Int, Int, Int)] = [
      2022: (2023, 7, 1), 2023: (2024, 7, 1), 2024: (2025, 7, 1), 2025: (2026, 7, 1),
    ]
    /// Academic year start → the issues per rule of its accepted report.
    var rules: [Int: [String: Int]] = [:]
    var asOf = (2026, 9, 1)
    var grade: Grade
    /// Words one reason must hold (each list: one reason holding all of them).
    var reasons: [[String]] = []
    /// Words no reason may hold.
    var notReasons: [String] = []
    var statuses: [YearStatus] = [.onTime, .onTime, .onTime, .onTime]
    var subsidyCompliant = true
    var final = true
    var review: [String] = []
    var testDescription: String { clause }
  }

  static let grades: [Row] = [
    // Window and years (四(一) 每年按时上报; 合格1).
    Row(
      clause: "优秀: every year on time, 20 students, 1 国家级", grade: .excellent,
      reasons: [["20 人", "优秀3"], ["国家级 1 项", "优秀5"], ["每年按时报送"]],
      notReasons: ["未达优秀", "尚未结束"], review: ["优秀1", "优秀4", "设站条件"]),
    Row(
      clause: "合格1: one year late, alone: 不合格",
      reported: [2022: (2023, 7, 1), 2023: (2024, 7, 1), 2024: (2025, 7, 11), 2025: (2026, 7, 1)],
      grade: .unqualified,
      reasons: [
        ["2024-2025 学年逾期报送", "2025-07-10", "2025-07-11"], ["2024-2025 学年逾期报送", "合格1"],
        ["验收不合格", "三年内不得重新申报"],
      ],
      statuses: [.onTime, .onTime, .late, .onTime]),
    Row(
      clause: "合格1: a report on the deadline (7月10日) is on time",
      reported: [
        2022: (2023, 7, 10), 2023: (2024, 7, 10), 2024: (2025, 7, 10), 2025: (2026, 7, 10),
      ],
      grade: .excellent, notReasons: ["逾期"]),
    Row(
      clause: "合格1: one year missing, alone: 不合格",
      reported: [2022: (2023, 7, 1), 2024: (2025, 7, 1), 2025: (2026, 7, 1)],
      grade: .unqualified,
      reasons: [["2023-2024 学年未报送（截止 2024-07-10）"], ["2023-2024 学年未报送", "合格1"]],
      statuses: [.onTime, .missing, .onTime, .onTime]),
    Row(
      clause: "合格1: two years missing, not in a row: 不合格, not 撤销",
      reported: [2023: (2024, 7, 1), 2025: (2026, 7, 1)],
      grade: .unqualified, reasons: [["2022-2023 学年未报送", "2024-2025 学年未报送", "合格1"]],
      notReasons: ["撤销"], statuses: [.missing, .onTime, .missing, .onTime]),
    // Revocation (四(一) 连续两年未按时上报).
    Row(
      clause: "四(一): two years in a row missing: 撤销",
      reported: [2022: (2023, 7, 1), 2025: (2026, 7, 1)],
      grade: .revoked, reasons: [["连续 2 个学年（2023-2024、2024-2025）", "撤销"]],
      notReasons: ["合格1", "三年内不得重新申报"], statuses: [.onTime, .missing, .missing, .onTime]),
    Row(
      clause: "四(一): late, then missing, in a row: 撤销",
      reported: [2022: (2023, 7, 1), 2023: (2024, 7, 11), 2025: (2026, 7, 1)],
      grade: .revoked, reasons: [["2023-2024", "2024-2025", "撤销"]],
      statuses: [.onTime, .late, .missing, .onTime]),
    // Counted students (四(二) 合格3, 优秀3).
    Row(
      clause: "合格3 at exactly 8", students: 8, national: 0, grade: .qualified,
      reasons: [["8 人", "合格3"], ["少于 20 人", "优秀3"]], review: ["合格1", "合格4", "设站条件"]),
    Row(
      clause: "合格3 at 7: 不合格", students: 7, grade: .unqualified,
      reasons: [["7 人", "少于合格标准 8 人", "合格3"], ["三年内不得重新申报"]]),
    Row(
      clause: "优秀3 at 19: 合格", students: 19, grade: .qualified,
      reasons: [["19 人", "达到合格标准"], ["少于 20 人", "优秀3"]], notReasons: ["优秀5"]),
    // Outcomes (四(二) 优秀5).
    Row(
      clause: "优秀5 not met: 合格", national: 0, grade: .qualified,
      reasons: [["国家级 0 项", "省部级 0 项", "优秀5"]], notReasons: ["优秀3"]),
    Row(
      clause: "优秀5 met by 2 省部级", national: 0, provincial: 2, grade: .excellent,
      reasons: [["国家级 0 项、省部级 2 项", "优秀5"]]),
    Row(
      clause: "优秀5 not met by 1 省部级: 合格", national: 0, provincial: 1, grade: .qualified,
      reasons: [["省部级 1 项", "优秀5"]]),
    // Subsidies (四(二) 合格2/优秀2).
    Row(
      clause: "合格2: a late payment in an accepted report: 不合格", rules: [2023: ["SUB-004": 2]],
      grade: .unqualified, reasons: [["2023-2024", "SUB-004", "2 项", "合格2"]],
      subsidyCompliant: false),
    Row(
      clause: "合格2: below the minimum, not in full: 不合格",
      rules: [2022: ["SUB-001": 1], 2025: ["SUB-003": 1, "INS-001": 1]], grade: .unqualified,
      reasons: [["2022-2023", "SUB-001", "合格2"], ["2025-2026", "SUB-003", "合格2"]],
      subsidyCompliant: false),
    Row(
      clause: "SAF-001, MEN-001, MEN-002: listed for a person, the grade stands",
      rules: [2024: ["SAF-001": 1, "MEN-002": 1]], grade: .excellent,
      review: ["2024-2025 学年（r2024）SAF-001", "2024-2025 学年（r2024）MEN-002"]),
    // Not yet final: preliminary wording.
    Row(
      clause: "预评: one year late while the window is open", reported: [2022: (2023, 7, 11)],
      asOf: (2023, 8, 1), grade: .unqualified,
      reasons: [
        ["2022-2023 学年逾期报送", "合格1"], ["预评为不合格"],
        ["验收期（2022-09-01 至 2026-08-31）截至 2023-08-01 尚未结束"],
      ],
      notReasons: ["验收不合格"], statuses: [.late, .notDue, .notDue, .notDue], final: false),
    Row(
      clause: "预评: on time so far", reported: [2022: (2023, 7, 1)], asOf: (2023, 8, 1),
      grade: .excellent, reasons: [["尚未结束", "预评"]],
      statuses: [.onTime, .notDue, .notDue, .notDue], final: false),
    Row(
      clause: "预评 on the window's last day", asOf: (2026, 8, 31), grade: .excellent,
      reasons: [["截至 2026-08-31 尚未结束"]], final: false),
  ]

  @Test(arguments: grades)
  func theGradeFollowsEachClause(_ row: Row) {
    let students = (0..<row.students).map {
      StoredStudent(
        academicYear: y22, studentID: "\($0)", enteredOn: day(2022, 9, 1), leftOn: day(2023, 6, 30))
    }
    var accepted: [AcademicYear: Day?] = [:]
    var verdicts: [StoredVerdict] = []
    for (start, on) in row.reported.sorted(by: { $0.key < $1.key }) {
      let year = AcademicYear(startYear: start)
      accepted[year] = day(on.0, on.1, on.2)
      verdicts.append(
        Self.verdict("r\(start)", year, day(on.0, on.1, on.2), .accepted, row.rules[start] ?? [:]))
    }
    let levels =
      Array(repeating: "国家级", count: row.national)
      + Array(repeating: "省部级", count: row.provincial)
    let outcomes = levels.enumerated().map { i, level in
      StoredOutcome(
        academicYear: y23, kind: "论文", title: "成果\(i)", level: level,
        achievedOn: day(2024, 1, 1))
    }
    let input = AssessmentInput(
      stationID: "S", recognizedOn: day(2022, 9, 1), accepted: accepted, verdicts: verdicts,
      students: students, outcomes: outcomes)
    let a = Assessor.assess(
      input, policy: policy, asOf: day(row.asOf.0, row.asOf.1, row.asOf.2))
    #expect(a.grade == row.grade)
    #expect(a.revoked == (row.grade == .revoked))
    #expect(a.years.map(\.status) == row.statuses)
    #expect(a.final == row.final && a.subsidyCompliant == row.subsidyCompliant)
    #expect(a.from == day(2022, 9, 1) && a.to == day(2026, 8, 31))
    for words in row.reasons {
      #expect(
        a.reasons.contains { r in words.allSatisfy { r.contains($0) } }, "\(words) in \(a.reasons)")
    }
    for words in row.notReasons {
      #expect(!a.reasons.contains { $0.contains(words) }, "no \(words) in \(a.reasons)")
    }
    for item in row.review {
      #expect(a.manualReview.contains { $0.hasPrefix(item) }, "\(item) in \(a.manualReview)")
    }
    if row.grade != .unqualified {
      #expect(!a.reasons.contains { $0.contains("三年内不得重新申报") })
    }
  }
}

/// 期满验收 counts an outcome once across years — the same 成果类型 and 成果名称, punctuation and
/// white space ignored, as Y-004 compares them — and keeps the years that claimed it.
@Suite struct RepeatedOutcomeTests {
  @Test func anOutcomeClaimedTwiceCountsOnceWithBothYears() {
    func outcome(_ year: Int, _ kind: String, _ title: String) -> StoredOutcome {
      StoredOutcome(
        academicYear: AcademicYear(startYear: year), kind: kind, title: title, level: "国家级",
        achievedOn: Day(year: year + 1, month: 1, day: 1))
    }
    let input = AssessmentInput(
      stationID: "S", recognizedOn: Day(year: 2022, month: 9, day: 1), accepted: [:],
      outcomes: [
        outcome(2022, "论文", "某靶点研究：机制与应用"), outcome(2023, "论文", "某靶点研究 机制与应用"),
        // The near miss: the same name as another type is another outcome.
        outcome(2023, "专利", "某靶点研究：机制与应用"),
      ])
    let a = Assessor.assess(input, policy: .standard, asOf: Day(year: 2026, month: 9, day: 1)!)
    #expect(a.outcomeCount("国家级") == 2)
    #expect(
      a.outcomeList.map(\.claimedIn) == [
        [AcademicYear(startYear: 2022), AcademicYear(startYear: 2023)],
        [AcademicYear(startYear: 2023)],
      ])
  }
}
