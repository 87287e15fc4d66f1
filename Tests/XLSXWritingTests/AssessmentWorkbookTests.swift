import Testing
import XLSXWriting

@Suite struct AssessmentWorkbookTests {
  static func station(_ id: String) -> AssessmentWorkbook.Station {
    AssessmentWorkbook.Station(
      stationID: id, from: "2022-09-01", to: "2026-08-31", grade: "合格", final: true,
      countedStudents: 8, national: 0, provincial: 1, subsidyCompliant: true, revoked: false)
  }

  /// Excel refuses `[]:*?/\`, names over 31 characters and duplicates (case-insensitively).
  @Test func sheetNamesAreExcelSafeAndUnique() {
    let names = AssessmentWorkbook.sheetNames(
      ["TJMU/A:1", "tjmu_a_1", String(repeating: "X", count: 40), String(repeating: "x", count: 40), "验收结果", " "]
        .map(Self.station))
    #expect(names == [
      "TJMU_A_1", "tjmu_a_1~2", String(repeating: "X", count: 31), String(repeating: "x", count: 29) + "~2",
      "验收结果~2", "工作站",
    ])
  }
}
