import Model
import Testing
import XLSXTestSupport

/// SUB-005 and SUB-006: each a case that triggers it and a near miss that must not, and the
/// no-cascade cases of SPEC §5.1. 补助发放 of the baseline: 张三 rows 2–11 (2023-09…2024-06, 1500),
/// 李四 rows 12–21 (800), 王五 rows 22–25 (2024-03…06, 800); 工作站信息 B16 = 26200.
@Suite struct PaymentCoverageRulesTests {
  // MARK: - SUB-005

  /// A removed month is reported at the student's 学号 in 进站研究生.
  @Test func aMonthWithNoPaymentRowIsFlaggedAtTheStudent() {
    var wb = SubmissionWorkbook.valid()
    wb.removeRow("补助发放", 5)  // 张三 2023-12
    wb.set("工作站信息", "B16", .number(24_700))
    #expect(found(wb) == ["SUB-005@进站研究生!A2"])
  }

  /// Several missing months of one student are one issue listing them all.
  @Test func allMissingMonthsOfAStudentAreOneIssue() {
    var wb = SubmissionWorkbook.valid()
    for row in [24, 22, 7] { wb.removeRow("补助发放", row) }  // 王五 2024-05, 2024-03; 张三 2024-02
    wb.set("工作站信息", "B16", .number(26_200 - 1500 - 1600))
    let issues = check(wb).issues
    #expect(found(wb) == ["SUB-005@进站研究生!A2", "SUB-005@进站研究生!A4"])
    let wang = issues.first { $0.cell?.a1 == "A4" }?.message ?? ""
    #expect(wang.contains("2024-03、2024-05"))
    #expect(!wang.contains("2024-04"))
  }

  /// One day of the stay makes a month owed: 王五 entered on Feb 29th.
  @Test func aMonthTouchedByOneDayIsOwed() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "G4", .date(2024, 2, 29))
    #expect(found(wb) == ["SUB-005@进站研究生!A4"])
    wb.appendRow(
      "补助发放",
      [
        .text("2023110088"), .text("王五"), .text("2024-02"), .number(800), .number(800),
        .date(2024, 3, 5),
      ])
    wb.set("工作站信息", "B16", .number(27_000))
    #expect(found(wb) == [])
  }

  /// Only months of the academic year are owed: a stay from 2023-06 owes 2023-07 on, and a
  /// stay that goes on past June owes nothing after it.
  @Test func onlyMonthsOfTheAcademicYearAreOwed() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "G3", .date(2023, 6, 15))  // 李四: owes 2023-07 and 2023-08 too
    #expect(found(wb) == ["SUB-005@进站研究生!A3"])
    let message = check(wb).issues.first?.message ?? ""
    #expect(message.contains("2023-07、2023-08"))
    #expect(!message.contains("2023-06"))
  }

  /// A row whose 发放月份 cannot be read may be the "missing" month: CELL-002 only.
  @Test func anUnreadableMonthIsNoMissingMonth() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "C5", .text("2023-13"))
    #expect(found(wb) == ["CELL-002@补助发放!C5"])
  }

  /// A row whose 学号 cannot be read may be anyone's: its month is not reported missing.
  @Test func anUnreadableStudentIDIsNoMissingMonth() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "A5", .text("2022-120345"))
    #expect(found(wb) == ["CELL-004@补助发放!A5"])
    wb.set("补助发放", "A5", .empty)
    #expect(found(wb) == ["CELL-001@补助发放!A5"])
  }

  /// An empty 补助发放 (header only) owes every student every month in station.
  @Test func anEmptyPaymentSheetOwesEveryMonth() {
    var wb = SubmissionWorkbook.valid()
    for row in (2...25).reversed() { wb.removeRow("补助发放", row) }
    wb.set("工作站信息", "B16", .number(0))
    #expect(
      found(wb) == ["SUB-005@进站研究生!A2", "SUB-005@进站研究生!A3", "SUB-005@进站研究生!A4"])
  }

  /// A missing 补助发放 sheet is STR-001 only: the rules that need it are skipped.
  @Test func aMissingPaymentSheetSkipsThePaymentRules() {
    var wb = SubmissionWorkbook.valid()
    wb.removeSheet("补助发放")
    #expect(found(wb) == ["STR-001@补助发放"])
  }

  // MARK: - SUB-006

  @Test func aTotalOffByOneFenIsFlagged() {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B16", .number(26_200.01))
    #expect(found(wb) == ["SUB-006@工作站信息!B16"])
    let message = check(wb).issues.first?.message ?? ""
    #expect(message.contains("26200.01") && message.contains("26200") && message.contains("0.01 元"))
  }

  /// The same total written as text, and amounts written as text, agree to the fen.
  @Test func anEqualTotalInAnyNotationIsNoIssue() {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B16", .text("¥26,200.00"))
    wb.set("补助发放", "D2", .text("1500.00元"))
    wb.set("补助发放", "E2", .text("1,500"))
    #expect(found(wb) == [])
  }

  /// SPEC §5.1: an unreadable 实发金额 is CELL-002 only; SUB-006 is skipped, since the sum is
  /// unknown (and SUB-003 too, which needs the amount).
  @Test func anUnreadablePaymentSkipsTheTotal() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "E2", .text("一千五百元"))
    #expect(found(wb) == ["CELL-002@补助发放!E2"])
    wb.set("补助发放", "E2", .text("-1500"))
    #expect(found(wb) == ["CELL-005@补助发放!E2"])
    wb.set("补助发放", "E2", .empty)
    #expect(found(wb) == ["CELL-001@补助发放!E2"])
  }

  /// SPEC §5.1: a repeated row (DUP-002) still counts in the sum.
  @Test func aRepeatedRowCountsInTheSum() {
    var wb = SubmissionWorkbook.valid()
    wb.appendRow("补助发放", wb.row("补助发放", 22))
    #expect(found(wb) == ["DUP-002@补助发放!C26", "SUB-006@工作站信息!B16"])
    wb.set("工作站信息", "B16", .number(27_000))
    #expect(found(wb) == ["DUP-002@补助发放!C26"])
  }

  /// An unreadable total is its CELL-002 only.
  @Test func anUnreadableTotalIsCellTwoOnly() {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B16", .text("两万六千二百元"))
    #expect(found(wb) == ["CELL-002@工作站信息!B16"])
  }

  /// An empty 补助发放 sums to zero: the old total disagrees (and every month is missing).
  @Test func anEmptyPaymentSheetSumsToZero() {
    var wb = SubmissionWorkbook.valid()
    for row in (2...25).reversed() { wb.removeRow("补助发放", row) }
    #expect(
      found(wb) == [
        "SUB-005@进站研究生!A2", "SUB-005@进站研究生!A3", "SUB-005@进站研究生!A4", "SUB-006@工作站信息!B16",
      ])
  }
}
