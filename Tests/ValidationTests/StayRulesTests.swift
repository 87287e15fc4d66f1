import Model
import Testing
import XLSXTestSupport

/// DATE-001, DATE-002, HC-001: each a case that triggers it and a near miss that must not.
///
/// Baseline (2023-2024, 2023-07-01…2024-06-30): 进站研究生 rows 2 张三 (from 2023-09-01),
/// 3 李四 (2023-09-01…2024-06-30), 4 王五 (from 2024-03-01, payments in 补助发放 rows 22–25 for
/// 2024-03…06, 800 each); G 进站日期, H 出站日期; 工作站信息 B14 进站研究生人数 = 3,
/// B16 生活补助发放总额 = 26200.
@Suite struct StayRulesTests {
  // MARK: - DATE-001

  /// 李四 leaves the day before he enters. His stay is unknown, so nothing that needs it fires:
  /// not DATE-002, not his payment rows, and not HC-001 while the reported 3 (or 2, without him)
  /// is possible; 4 is impossible under any reading of his dates.
  @Test(arguments: [
    (2, [String]()),
    (3, []),
    (4, ["HC-001@工作站信息!B14"]),
  ])
  func leavingBeforeEnteringPointsAtTheLeavingDate(_ headcount: Int, _ more: [String]) {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "H3", .date(2023, 8, 31))  // entered 2023-09-01
    wb.set("工作站信息", "B14", .number(Double(headcount)))
    #expect(found(wb) == (["DATE-001@进站研究生!H3"] + more).sorted())
  }

  @Test func theMessageNamesBothDates() throws {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "H3", .date(2023, 8, 31))
    let issue = try #require(check(wb).issues.first)
    #expect(issue.rule == "DATE-001")
    #expect(issue.message.contains("2023-08-31") && issue.message.contains("2023-09-01"))
  }

  /// Leaving on the day of entering is a one-day stay: 王五 in station on 2024-03-01 only, so
  /// his April–June payment rows go and the total drops by 2400.
  @Test func leavingOnTheDayOfEnteringIsNoIssue() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "H4", .date(2024, 3, 1))
    for row in [25, 24, 23] { wb.removeRow("补助发放", row) }
    wb.set("工作站信息", "B16", .number(23_800))
    #expect(found(wb) == [])
  }

  // MARK: - DATE-002

  /// 王五's stay misses the year (the day after it ends; or ending the day before it starts).
  /// His payment rows go and the headcount says 2, so DATE-002 is all that is left.
  @Test(arguments: [
    ((2024, 7, 1), nil as (Int, Int, Int)?),
    ((2023, 3, 1), (2023, 6, 30)),
  ])
  func aStayOutsideTheYearPointsAtTheEnteringDate(_ from: (Int, Int, Int), _ to: (Int, Int, Int)?) {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "G4", .date(from.0, from.1, from.2))
    wb.set("进站研究生", "H4", to.map { .date($0.0, $0.1, $0.2) } ?? .empty)
    for row in [25, 24, 23, 22] { wb.removeRow("补助发放", row) }
    wb.set("工作站信息", "B16", .number(23_000))
    wb.set("工作站信息", "B14", .number(2))
    #expect(found(wb) == ["DATE-002@进站研究生!G4"])
  }

  /// A student whose known stay misses the year is not counted: a headcount that includes him
  /// is HC-001 as well (the DATE-002 message says to remove him or correct his dates).
  @Test func aStudentOutsideTheYearIsNotCounted() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "G4", .date(2024, 7, 1))
    for row in [25, 24, 23, 22] { wb.removeRow("补助发放", row) }
    wb.set("工作站信息", "B16", .number(23_000))
    #expect(found(wb) == ["DATE-002@进站研究生!G4", "HC-001@工作站信息!B14"])
  }

  /// A stay that touches the year on its first day only (left 2023-07-01) counts: 王五 is then
  /// owed, and paid, July 2023 alone.
  @Test func aStayEndingOnTheYearsFirstDayIsInTheYear() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "G4", .date(2023, 3, 1))
    wb.set("进站研究生", "H4", .date(2023, 7, 1))
    for row in [25, 24, 23] { wb.removeRow("补助发放", row) }
    wb.set("补助发放", "C22", .text("2023-07"))
    wb.set("补助发放", "F22", .date(2023, 7, 25))
    wb.set("工作站信息", "B16", .number(23_800))
    #expect(found(wb) == [])
  }

  /// A stay that starts on the year's last day counts: 王五 is owed, and paid, June 2024 alone.
  @Test func aStayStartingOnTheYearsLastDayIsInTheYear() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "G4", .date(2024, 6, 30))
    for row in [24, 23, 22] { wb.removeRow("补助发放", row) }  // 2024-06 stays, now row 22
    wb.set("补助发放", "F22", .date(2024, 6, 30))
    wb.set("工作站信息", "B16", .number(23_800))
    #expect(found(wb) == [])
  }

  // MARK: - HC-001

  @Test(arguments: [0, 2, 4, 30])
  func aWrongHeadcountPointsAtItsValueCell(_ headcount: Int) throws {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B14", .number(Double(headcount)))
    #expect(found(wb) == ["HC-001@工作站信息!B14"])
    let issue = try #require(check(wb).issues.first)
    #expect(issue.message.contains("\(headcount) 人") && issue.message.contains("3 人"))
  }

  /// A 学号 listed twice (DUP-001) is one student.
  @Test(arguments: [(3, [String]()), (4, ["HC-001@工作站信息!B14"])])
  func theHeadcountCountsDistinct学号(_ headcount: Int, _ more: [String]) {
    var wb = SubmissionWorkbook.valid()
    wb.appendRow("进站研究生", wb.row("进站研究生", 3))
    wb.set("工作站信息", "B14", .number(Double(headcount)))
    #expect(found(wb) == (["DUP-001@进站研究生!A5"] + more).sorted())
  }

  /// A refused or missing 进站日期 leaves 李四's stay unknown: the headcount is judged against
  /// both readings (2 or 3) and only a number neither allows is HC-001.
  @Test(arguments: [
    (SubmissionWorkbook.Value.text("9/1/2023"), "CELL-002@进站研究生!G3"),
    (.empty, "CELL-001@进站研究生!G3"),
  ])
  func anUnknownStayWidensTheHeadcountsRange(
    _ entered: SubmissionWorkbook.Value, _ cellIssue: String
  ) {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "G3", entered)
    for (headcount, more) in [
      (1, ["HC-001@工作站信息!B14"]), (2, []), (3, []), (4, ["HC-001@工作站信息!B14"]),
    ] {
      wb.set("工作站信息", "B14", .number(Double(headcount)))
      #expect(found(wb) == ([cellIssue] + more).sorted(), "headcount \(headcount)")
    }
    let hc = check(wb).issues.first { $0.rule == "HC-001" }
    #expect(hc?.message.contains("应为 2 至 3 人") == true)
  }

  /// A refused 出站日期 also leaves the stay unknown.
  @Test func aRefusedLeavingDateIsOnlyItsCellIssue() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "H3", .text("6/30/2024"))
    #expect(found(wb) == ["CELL-002@进站研究生!H3"])
  }

  @Test func aRefusedHeadcountIsOnlyItsCellIssue() {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B14", .text("三人"))
    #expect(found(wb) == ["CELL-002@工作站信息!B14"])
  }

  /// Without a valid 报送学年 there is no year to place stays in: DATE-002 and HC-001 wait for
  /// it (a headcount of 4 or a stay outside 2023-2024 would otherwise be flagged).
  @Test func aRefusedAcademicYearSkipsTheYearsChecks() {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B10", .text("2023"))
    wb.set("工作站信息", "B14", .number(4))
    #expect(found(wb) == ["CELL-004@工作站信息!B10"])
  }

  /// A student who joins in the year's last month counts like any other.
  @Test func aNewStudentInJuneCounts() {
    var wb = SubmissionWorkbook.valid()
    wb.appendRow(
      "进站研究生",
      [
        .text("2023110099"), .text("赵六"), .text("硕士"), .text("生物与医药"), .text("刘教授"),
        .text("周研究员"), .date(2024, 6, 3), .empty, .number(800), .text("否"), .text("是"),
        .text("是"),
      ])
    wb.appendRow(
      "补助发放",
      [
        .text("2023110099"), .text("赵六"), .text("2024-06"), .number(800), .number(800),
        .date(2024, 6, 28),
      ])
    wb.set("工作站信息", "B16", .number(27_000))
    #expect(found(wb) == ["HC-001@工作站信息!B14"])  // still says 3
    wb.set("工作站信息", "B14", .number(4))
    #expect(found(wb) == [])
  }
}
