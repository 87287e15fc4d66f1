import Assessment
import Foundation
import Model
import Testing
import XLSXReading
import XLSXTestSupport
import XLSXWriting

/// `assess.xlsx` (XLSXWriting's ``AssessmentWorkbook``) written from ``Assessment`` values.
@Suite struct AssessmentWorkbookTests {
  static func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Day(year: y, month: m, day: d)! }

  static func station(_ id: String) -> Assessment {
    Assessment(
      stationID: id, from: day(2022, 9, 1), to: day(2026, 8, 31), countedStudents: 8,
      outcomes: [("国家级", 0), ("省部级", 1), ("市级", 0), ("校级", 0), ("其他", 0)],
      grade: .qualified, final: true)
  }

  /// Excel refuses `[]:*?/\`, names over 31 characters and duplicates (case-insensitively).
  @Test func sheetNamesAreExcelSafeAndUnique() {
    let ids = [
      "TJMU/A:1", "tjmu_a_1", String(repeating: "X", count: 40), String(repeating: "x", count: 40),
      "验收结果", " ",
    ]
    let names = AssessmentWorkbook.sheetNames(ids.map(Self.station))
    #expect(
      names == [
        "TJMU_A_1", "tjmu_a_1~2", String(repeating: "X", count: 31),
        String(repeating: "x", count: 29) + "~2", "验收结果~2", "工作站",
      ])
  }

  /// The grade, the year statuses and the evidence are written with their Chinese labels.
  @Test func theCellsShowTheLabels() throws {
    var a = Self.station("TJMU-2022-001")
    a.grade = .unqualified
    a.final = false
    a.years = [
      .init(
        academicYear: AcademicYear(startYear: 2022), status: .onTime,
        submittedOn: Self.day(2023, 7, 1)),
      .init(
        academicYear: AcademicYear(startYear: 2023), status: .late,
        submittedOn: Self.day(2024, 7, 11)),
      .init(academicYear: AcademicYear(startYear: 2024), status: .missing),
      .init(academicYear: AcademicYear(startYear: 2025), status: .notDue),
    ]
    a.students = [
      .init(
        studentID: "2022000001", name: "张三", firstDay: Self.day(2022, 9, 1), days: 303, months: 9,
        counted: true)
    ]
    a.outcomeList = [
      .init(
        academicYear: AcademicYear(startYear: 2023), kind: "论文", title: "一篇论文", level: "省部级",
        achievedOn: Self.day(2024, 1, 1))
    ]
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.url.appendingPathComponent("assess.xlsx").path
    try AssessmentWorkbook.write([a], to: path)

    let workbook = try Workbook(path: path)
    #expect(workbook.sheets.map(\.name) == ["验收结果", "TJMU-2022-001"])
    let results = try displayRows(workbook, 0)
    #expect(
      results.last?.prefix(10) == [
        "TJMU-2022-001", "", "2022-09-01 至 2026-08-31", "不合格", "否（预评）", "8", "0", "1", "是", "否",
      ])
    let evidence = try displayRows(workbook, 1)
    #expect(evidence.contains(["等级", "不合格（预评）"]))
    for row in [
      ["2022-2023", "按时", "2023-07-01"], ["2023-2024", "逾期", "2024-07-11"], ["2024-2025", "未报送"],
      ["2025-2026", "未到期"], ["2022000001", "张三", "2022-09-01", "303", "9", "是"],
      ["2023-2024", "论文", "一篇论文", "省部级", "2024-01-01", "2023-2024"],
    ] {
      #expect(evidence.contains(row), "\(row) in \(evidence)")
    }
  }
}
