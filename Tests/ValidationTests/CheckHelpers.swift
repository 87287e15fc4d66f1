import Model
import Pipeline
import Testing
import XLSXTestSupport

/// Checks a test workbook the way `pipeline check` does (read → normalize → validate).
func check(_ workbook: SubmissionWorkbook, configuration: Configuration = Configuration()) -> CheckEntry {
  Checker(configuration: configuration).check(bytes: workbook.build(), name: "test.xlsx")
}

/// The issues of a test workbook, as `rule@sheet!cell` strings (sheet-level: `rule@sheet`,
/// file-level: `rule`), sorted: compact to compare in one `#expect`.
func found(_ workbook: SubmissionWorkbook, configuration: Configuration = Configuration()) -> [String] {
  check(workbook, configuration: configuration).issues.map { issue in
    var s = issue.rule
    if let sheet = issue.sheet { s += "@" + sheet }
    if let cell = issue.cell { s += "!" + cell.a1 }
    return s
  }.sorted()
}

@Suite struct BaselineTests {
  /// The baseline every rule test starts from is accepted with no issue at all.
  @Test func theValidBaselineHasNoIssue() {
    let entry = check(.valid())
    #expect(entry.issues == [])
    #expect(entry.status == .accepted)
    #expect(entry.stationID == "TJMU-2022-015")
    #expect(entry.academicYear == "2023-2024")
  }
}
