import Model
import Testing
import XLSXTestSupport

/// DATE-005, RPT-001, PLT-001: each a case that triggers it and a near miss that must not.
@Suite struct StationRulesTests {
  @Test func recognitionLapsedPointsAtTheRecognitionDate() {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B9", .date(2019, 7, 1))  // valid to 2023-06-30; the year starts 2023-07-01
    #expect(found(wb) == ["DATE-005@工作站信息!B9"])
  }

  @Test func recognitionValidOnTheYearsFirstDayIsNoIssue() {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B9", .date(2019, 7, 2))  // valid to 2023-07-01: the first day counts
    #expect(found(wb) == [])
  }

  @Test func aReportAfterTheTenthOfJulyIsLate() {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B11", .date(2024, 7, 11))
    let entry = check(wb)
    #expect(found(wb) == ["RPT-001@工作站信息!B11"])
    #expect(entry.status == .accepted)  // a warning does not block acceptance
  }

  @Test func aReportOnTheTenthOfJulyIsOnTime() {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B11", .date(2024, 7, 10))
    #expect(found(wb) == [])
  }

  @Test func noPlatformIsAWarning() {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B7", .text("无"))
    #expect(found(wb) == ["PLT-001@工作站信息!B7"])
    wb.set("工作站信息", "B7", .text("其他"))
    #expect(found(wb) == [])
  }

  /// A moved deadline in pipeline.json moves the verdict.
  @Test func theDeadlineComesFromTheConfiguration() {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B11", .date(2024, 7, 20))
    var config = Configuration()
    #expect(found(wb, configuration: config) == ["RPT-001@工作站信息!B11"])
    config.policy.reportDeadlineDay = 31
    #expect(found(wb, configuration: config) == [])
  }
}
