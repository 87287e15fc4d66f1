import Model
import Testing
import XLSXTestSupport

/// A 补助发放 row: 学号, 姓名, 发放月份, 应发, 实发, 发放日期.
private func payment(
  _ id: String, _ name: String, _ month: String, _ amount: Double, paidOn: (Int, Int, Int)?
) -> [SubmissionWorkbook.Value] {
  [
    .text(id), .text(name), .text(month), .number(amount), .number(amount),
    paidOn.map { .date($0.0, $0.1, $0.2) } ?? .empty,
  ]
}

/// DUP-002, DATE-003, SUB-002, SUB-003, SUB-004: each a case that triggers it and a near miss
/// that must not. 补助发放 of the baseline: 张三 rows 2–11 (2023-09…2024-06, 1500), 李四 rows
/// 12–21 (800), 王五 rows 22–25 (2024-03…06, 800); 工作站信息 B16 holds their sum, 26200.
@Suite struct PaymentRulesTests {
  // MARK: - DUP-002

  /// The repeat is flagged at its 发放月份; it still counts in the SUB-006 sum (§5.1), so a
  /// total that includes it is no issue.
  @Test func aRepeatedMonthIsFlaggedAtTheRepeat() {
    var wb = SubmissionWorkbook.valid()
    let row = wb.appendRow(
      "补助发放", payment("2022120345", "张三", "2023年9月", 1500, paidOn: (2023, 9, 25)))
    wb.set("工作站信息", "B16", .number(27_700))
    #expect(row == 26)
    #expect(found(wb) == ["DUP-002@补助发放!C26"])
  }

  /// Left at the old total, the repeat's 实发金额 makes the sum disagree: both issues, on purpose.
  @Test func aRepeatCountsInTheTotal() {
    var wb = SubmissionWorkbook.valid()
    wb.appendRow("补助发放", payment("2022120345", "张三", "2023-09", 1500, paidOn: (2023, 9, 25)))
    #expect(found(wb) == ["DUP-002@补助发放!C26", "SUB-006@工作站信息!B16"])
  }

  @Test func everyRepeatAfterTheFirstIsFlagged() {
    var wb = SubmissionWorkbook.valid()
    wb.appendRow("补助发放", payment("2023110021", "李四", "2023-12", 800, paidOn: (2023, 12, 25)))
    wb.appendRow("补助发放", payment("2023110021", "李四", "202312", 800, paidOn: (2023, 12, 25)))
    wb.set("工作站信息", "B16", .number(27_800))
    #expect(found(wb) == ["DUP-002@补助发放!C26", "DUP-002@补助发放!C27"])
  }

  /// A row edited into a month its student already has is a repeat; the month it used to pay
  /// is then missing (SUB-005), deliberately expected.
  @Test func aRowEditedIntoAnotherRowsMonthIsARepeat() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "C11", .text("2024-05"))  // 张三's 2024-06 row now says 2024-05
    #expect(found(wb) == ["DUP-002@补助发放!C11", "SUB-005@进站研究生!A2"])
    wb.set("补助发放", "C11", .text("2024-06"))
    wb.set("补助发放", "A25", .text("2023110021"))  // 王五's 2024-06 row now 李四's: repeats row 21
    #expect(found(wb) == ["DUP-002@补助发放!C25", "SUB-005@进站研究生!A4"])
  }

  /// The key is the normalized (学号, 发放月份): a 学号 stored as a number and a month typed as
  /// 202309 are the same key.
  @Test func theKeyIsComparedAfterNormalization() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "A2", .number(2_022_120_345))
    wb.set("补助发放", "C2", .number(202_309))
    #expect(found(wb) == [])  // the same month for another student (row 12) is no repeat either
    wb.appendRow(
      "补助发放",
      [
        .number(2_022_120_345), .text("张三"), .date(2023, 9, 1), .number(1500), .number(1500),
        .date(2023, 9, 25),
      ])
    wb.set("工作站信息", "B16", .number(27_700))
    #expect(found(wb) == ["DUP-002@补助发放!C26"])
  }

  // MARK: - DATE-003

  @Test func aMonthAfterTheAcademicYearIsFlagged() {
    var wb = SubmissionWorkbook.valid()
    wb.appendRow("补助发放", payment("2022120345", "张三", "2024-07", 1500, paidOn: (2024, 7, 25)))
    wb.set("工作站信息", "B16", .number(27_700))
    #expect(found(wb) == ["DATE-003@补助发放!C26"])
  }

  @Test func aMonthBeforeTheAcademicYearIsFlagged() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "G2", .date(2023, 6, 1))  // in station since June: only July on is owed
    wb.appendRow("补助发放", payment("2022120345", "张三", "2023-06", 1500, paidOn: (2023, 6, 25)))
    wb.appendRow("补助发放", payment("2022120345", "张三", "2023-07", 1500, paidOn: (2023, 7, 25)))
    wb.appendRow("补助发放", payment("2022120345", "张三", "2023-08", 1500, paidOn: (2023, 8, 25)))
    wb.set("工作站信息", "B16", .number(30_700))
    #expect(found(wb) == ["DATE-003@补助发放!C26"])
  }

  @Test func aMonthBeforeTheStayIsFlagged() {
    var wb = SubmissionWorkbook.valid()
    wb.appendRow("补助发放", payment("2023110088", "王五", "2024-02", 800, paidOn: (2024, 2, 25)))
    wb.set("工作站信息", "B16", .number(27_000))
    #expect(found(wb) == ["DATE-003@补助发放!C26"])
  }

  /// 李四 leaves on 2024-05-01: May is owed (one day), June has no day of the stay.
  @Test func aMonthAfterTheStayIsFlagged() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "H3", .date(2024, 5, 1))
    #expect(found(wb) == ["DATE-003@补助发放!C21"])
  }

  /// One day of the stay in a month is enough: entered on Feb 29th, left on Sep 1st.
  @Test func aMonthTouchedByOneDayOfTheStayIsNoIssue() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "G4", .date(2024, 2, 29))
    wb.appendRow("补助发放", payment("2023110088", "王五", "2024-02", 800, paidOn: (2024, 2, 29)))
    wb.set("进站研究生", "H2", .date(2023, 9, 1))  // 张三 left on his first day
    for row in (3...11).reversed() { wb.removeRow("补助发放", row) }
    wb.set("工作站信息", "B16", .number(26_200 - 9 * 1500 + 800))
    #expect(found(wb) == [])
  }

  /// For a student not in 进站研究生 only the academic year is checked (and REF-001 raised).
  @Test func anUnknownStudentsMonthIsCheckedAgainstTheYearOnly() {
    var wb = SubmissionWorkbook.valid()
    wb.appendRow("补助发放", payment("2023110099", "赵六", "2023-07", 800, paidOn: (2023, 7, 25)))
    wb.appendRow("补助发放", payment("2023110099", "赵六", "2024-07", 800, paidOn: (2024, 7, 25)))
    wb.set("工作站信息", "B16", .number(27_800))
    #expect(found(wb) == ["DATE-003@补助发放!C27", "REF-001@补助发放!A26", "REF-001@补助发放!A27"])
  }

  /// An unreadable 出站日期 makes the stay unknown: the month is checked against the year only.
  @Test func anUnknownStayIsCheckedAgainstTheYearOnly() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "H3", .text("2024年13月"))
    // Before 李四's 进站日期, but with the stay unknown only the year is checked.
    wb.appendRow("补助发放", payment("2023110021", "李四", "2023-08", 800, paidOn: (2023, 8, 25)))
    wb.appendRow("补助发放", payment("2023110021", "李四", "2024-07", 800, paidOn: (2024, 7, 25)))
    wb.set("工作站信息", "B16", .number(27_800))
    #expect(found(wb) == ["CELL-002@进站研究生!H3", "DATE-003@补助发放!C27"])
  }

  @Test func anUnreadableMonthIsCellTwoOnly() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "C2", .text("九月"))
    #expect(found(wb) == ["CELL-002@补助发放!C2"])
  }

  // MARK: - SUB-002

  @Test func aDueAmountBelowTheStandardIsFlagged() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "D12", .number(799.99))  // 李四, standard 800
    wb.set("补助发放", "E12", .number(799.99))
    wb.set("工作站信息", "B16", .number(26_199.99))
    #expect(found(wb) == ["SUB-002@补助发放!D12"])
  }

  /// A month with one day of the stay is owed the full standard: 800 is exactly right.
  @Test func theFullStandardForAPartMonthIsNoIssue() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "G4", .date(2024, 3, 31))  // 王五 entered on March's last day
    #expect(found(wb) == [])
    wb.set("补助发放", "D22", .number(900))  // above the standard, paid in full
    wb.set("补助发放", "E22", .number(900))
    wb.set("工作站信息", "B16", .number(26_300))
    #expect(found(wb) == [])
  }

  /// The exemption of 导师在设站单位承担项目 lifts the minimum, not the declared standard.
  @Test func theDeclaredStandardBindsUnderTheExemption() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "J3", .text("是"))
    wb.set("进站研究生", "I3", .number(400))
    for row in 12...21 {
      wb.set("补助发放", "D\(row)", .number(400))
      wb.set("补助发放", "E\(row)", .number(400))
    }
    wb.set("工作站信息", "B16", .number(22_200))
    #expect(found(wb) == [])
    wb.set("补助发放", "D13", .number(300))
    wb.set("补助发放", "E13", .number(300))
    wb.set("工作站信息", "B16", .number(22_100))
    #expect(found(wb) == ["SUB-002@补助发放!D13"])
  }

  /// An unreadable standard or 应发金额 is its CELL-002 only.
  @Test func anUnreadableAmountIsCellTwoOnly() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "D2", .text("一千五"))
    #expect(found(wb) == ["CELL-002@补助发放!D2"])
    wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "I2", .text("1500/月"))
    #expect(found(wb) == ["CELL-002@进站研究生!I2"])
  }

  // MARK: - SUB-003

  @Test func aPaymentBelowTheDueAmountIsFlagged() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "E2", .number(1499.99))
    wb.set("工作站信息", "B16", .number(26_199.99))
    #expect(found(wb) == ["SUB-003@补助发放!E2"])
  }

  /// Left at the old total, the short payment also makes the sum disagree: both, on purpose.
  @Test func aShortPaymentAlsoChangesTheTotal() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "E2", .text("1,000元"))
    #expect(found(wb) == ["SUB-003@补助发放!E2", "SUB-006@工作站信息!B16"])
  }

  @Test func aPaymentAboveTheDueAmountIsNoIssue() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "E2", .text("1500.01"))
    wb.set("工作站信息", "B16", .text("26,200.01"))
    #expect(found(wb) == [])
  }

  /// Nothing paid, no date: SUB-003 (not paid in full), not SUB-004.
  @Test func nothingPaidWithNoDateIsSubThreeOnly() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "E2", .number(0))
    wb.set("补助发放", "F2", .empty)
    wb.set("工作站信息", "B16", .number(24_700))
    #expect(found(wb) == ["SUB-003@补助发放!E2"])
  }

  // MARK: - SUB-004

  @Test func aPaymentAfterTheFollowingMonthIsLate() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "F2", .date(2023, 11, 1))  // for 2023-09: due by 2023-10-31
    #expect(found(wb) == ["SUB-004@补助发放!F2"])
  }

  @Test func aPaymentOnTheLastDayOfTheFollowingMonthIsOnTime() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "F2", .date(2023, 10, 31))
    wb.set("补助发放", "F6", .text("2024-02-29"))  // for 2024-01, a leap February
    wb.set("补助发放", "F7", .text("2024/2/1"))  // for 2024-02, paid early
    #expect(found(wb) == [])
    wb.set("补助发放", "F6", .text("2024-03-01"))
    #expect(found(wb) == ["SUB-004@补助发放!F6"])
  }

  /// SPEC §5.1: 实发金额 > 0 with a blank 发放日期 is CELL-001 at the empty cell (missing data,
  /// an error), not the SUB-004 finding.
  @Test func aPaymentWithNoDateIsCellOneAtTheEmptyCell() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "F25", .empty)
    let entry = check(wb)
    #expect(found(wb) == ["CELL-001@补助发放!F25"])
    #expect(entry.issues.first?.value == nil && entry.status == .rejected)
  }

  @Test func anUnreadablePaymentDateIsCellTwoOnly() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "F2", .text("9/25/2023"))
    #expect(found(wb) == ["CELL-002@补助发放!F2"])
  }

  /// A later due day in pipeline.json moves the verdict.
  @Test func theDueDayComesFromTheConfiguration() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "F2", .date(2023, 11, 30))
    var config = Configuration()
    #expect(found(wb, configuration: config) == ["SUB-004@补助发放!F2"])
    config.policy.paymentDueMonthsAfter = 2
    #expect(found(wb, configuration: config) == [])
  }

  // MARK: - The messages

  @Test func messagesGiveTheValuesInChinese() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "D12", .number(700))
    wb.set("补助发放", "E12", .number(650.5))
    wb.set("补助发放", "F12", .date(2023, 11, 1))
    wb.set("工作站信息", "B16", .number(26_050.5))
    let issues = check(wb).issues
    let message = { (rule: String) in issues.first { $0.rule == rule }?.message ?? "" }
    #expect(issues.map(\.rule).sorted() == ["SUB-002", "SUB-003", "SUB-004"])
    #expect(message("SUB-002").contains("700 元") && message("SUB-002").contains("800 元"))
    #expect(message("SUB-003").contains("650.5 元") && message("SUB-003").contains("49.5 元"))
    #expect(message("SUB-004").contains("2023-09") && message("SUB-004").contains("2023-10-31"))
  }
}
