import Model
import Testing
import XLSXTestSupport

/// REF-001: a 学号 in 补助发放 or 成果 that is not in 进站研究生 — cases that trigger it, near
/// misses that must not, and the cases where it is skipped. Students of the baseline:
/// 2022120345 张三, 2023110021 李四, 2023110088 王五 (进站研究生 rows 2–4); 成果 E2 lists
/// 「2022120345、2023110021」, E3 「2022120345」.
@Suite struct StudentReferenceRulesTests {
  /// A payment to an unknown student: REF-001 at its 学号 (no DATE-003 or SUB-002: the month
  /// is in the year, and there is no standard to compare with).
  @Test func aPaymentToAnUnknownStudentIsFlagged() {
    var wb = SubmissionWorkbook.valid()
    wb.appendRow(
      "补助发放",
      [
        .text("2023110099"), .text("赵六"), .text("2023-10"), .number(100), .number(100),
        .date(2023, 10, 25),
      ])
    wb.set("工作站信息", "B16", .number(26_300))
    #expect(found(wb) == ["REF-001@补助发放!A26"])
  }

  /// A known student's 学号 in another notation (stored as a number, full-width digits) is no
  /// issue.
  @Test func aKnownStudentInAnotherNotationIsNoIssue() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "A2", .number(2_022_120_345))
    wb.set("补助发放", "A12", .text("２０２３１１００２１"))
    wb.set("成果", "E2", .text(" 2022120345 ；2023110021 "))
    #expect(found(wb) == [])
  }

  /// One issue per 成果 cell, naming only the unknown IDs.
  @Test func anOutcomeNamingUnknownStudentsIsOneIssueAtItsCell() {
    var wb = SubmissionWorkbook.valid()
    wb.set("成果", "E2", .text("2022120345、2023110099，2023110100"))
    let issues = check(wb).issues
    #expect(found(wb) == ["REF-001@成果!E2"])
    let message = issues.first?.message ?? ""
    #expect(message.contains("2023110099、2023110100"))
    #expect(!message.contains("2022120345"))
  }

  @Test func anOutcomeOfKnownStudentsIsNoIssue() {
    var wb = SubmissionWorkbook.valid()
    wb.set("成果", "E3", .text("2023110088 2022120345/2023110021"))
    #expect(found(wb) == [])
  }

  /// A 学号 that is refused (CELL-004) is not looked up as well.
  @Test func aMalformedIDIsCellFourOnly() {
    var wb = SubmissionWorkbook.valid()
    wb.set("成果", "E3", .text("2022120345、20231100"))  // 8 digits: well-formed, unknown
    #expect(found(wb) == ["REF-001@成果!E3"])
    wb.set("成果", "E3", .text("2022120345、2023-1100"))
    #expect(found(wb) == ["CELL-004@成果!E3"])
  }

  /// When a student's own 学号 cannot be read, the unknown IDs elsewhere may be that student's:
  /// REF-001 is skipped (no cascade from the one bad cell).
  @Test func anUnreadableStudentIDSkipsTheCheck() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "A4", .text("2023-110088"))
    #expect(found(wb) == ["CELL-004@进站研究生!A4"])
  }

  /// Without 进站研究生 there is nothing to refer to: STR-001 only.
  @Test func aMissingStudentSheetSkipsTheCheck() {
    var wb = SubmissionWorkbook.valid()
    wb.removeSheet("进站研究生")
    #expect(found(wb) == ["STR-001@进站研究生"])
  }
}
