import Model
import Testing
import XLSXTestSupport

/// DATE-004: an outcome dated outside the academic year (2023-07-01 … 2024-06-30 in the
/// baseline; 成果 rows 2–3, 取得日期 in column D).
@Suite struct OutcomeRulesTests {
  @Test(arguments: [(2024, 7, 1), (2023, 6, 30), (2021, 1, 1)])
  func anOutcomeOutsideTheYearIsFlagged(_ date: (Int, Int, Int)) {
    var wb = SubmissionWorkbook.valid()
    wb.set("成果", "D3", .date(date.0, date.1, date.2))
    #expect(found(wb) == ["DATE-004@成果!D3"])
  }

  @Test(arguments: [(2023, 7, 1), (2024, 6, 30)])
  func anOutcomeOnTheYearsEdgeIsNoIssue(_ date: (Int, Int, Int)) {
    var wb = SubmissionWorkbook.valid()
    wb.set("成果", "D3", .date(date.0, date.1, date.2))
    #expect(found(wb) == [])
  }

  @Test func theMessageNamesTheOutcomeTheDateAndTheYear() {
    var wb = SubmissionWorkbook.valid()
    wb.set("成果", "D2", .text("2024年7月2日"))
    let issues = check(wb).issues
    #expect(found(wb) == ["DATE-004@成果!D2"])
    let message = issues.first?.message ?? ""
    #expect(message.contains("某靶点抑制剂的筛选与活性研究") && message.contains("2024-07-02"))
    #expect(message.contains("2023-2024"))
  }

  /// An unreadable 取得日期 is CELL-002 only; an unreadable 报送学年 (no year to compare with)
  /// is CELL-004 only.
  @Test func unreadableDatesAreCellIssuesOnly() {
    var wb = SubmissionWorkbook.valid()
    wb.set("成果", "D2", .text("7/2/2024"))
    #expect(found(wb) == ["CELL-002@成果!D2"])
    wb = SubmissionWorkbook.valid()
    wb.set("成果", "D2", .date(2025, 1, 1))
    wb.set("工作站信息", "B10", .text("2023-2025"))
    #expect(found(wb) == ["CELL-004@工作站信息!B10"])
  }

  /// 成果 with a header and no rows is no issue.
  @Test func anEmptyOutcomeSheetIsNoIssue() {
    var wb = SubmissionWorkbook.valid()
    wb.removeRow("成果", 3)
    wb.removeRow("成果", 2)
    #expect(found(wb) == [])
  }
}
