import Assessment
import Basics
import Foundation
import Model
import Testing
import XLSXReading
import XLSXTestSupport

@testable import XLSXWriting

/// `status.xlsx` (`pipeline status --out DIR`, SPEC §9): the as-of day, then one row per station
/// with its term, its state on its fill, its years, what is pending, how it ended.
@Suite struct StatusWorkbookTests {
  static let asOf = day(2025, 7, 5)

  static func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Day(year: y, month: m, day: d)! }

  static func year(_ start: Int, _ status: YearStatus, daysLeft: Int? = nil) -> Standing.Year {
    Standing.Year(
      academicYear: AcademicYear(startYear: start), status: status,
      deadline: day(start + 1, 7, 10), daysLeft: daysLeft)
  }

  static func standing(
    _ id: String, _ state: StationState, term: Term, years: [Standing.Year],
    warnings: [String] = [], ended: Standing.Ended? = nil
  ) -> Standing {
    let entry = RegisterEntry(
      stationID: id, name: "\(id)工作站", hostUnit: "天津某某生物科技有限公司", college: "基础医学院",
      recognizedOn: term.from)
    return Standing(
      entry: entry, term: term, terms: [term], state: state, years: years, warnings: warnings,
      ended: ended, automatic: [])
  }

  static let first = Term(from: day(2021, 9, 1), to: day(2025, 8, 31), number: 1)
  static let second = Term(from: day(2023, 9, 1), to: day(2027, 8, 31), number: 2)
  static let over = Term(from: day(2020, 9, 1), to: day(2024, 8, 31), number: 1)

  /// In its term with the current year pending; warned; revoked; ended with a ban; unlisted.
  static let standings = [
    standing(
      "GZZ-2021-001", .active, term: first,
      years: [
        year(2021, .onTime), year(2022, .onTime), year(2023, .onTime),
        year(2024, .pending, daysLeft: 5),
      ]
    ),
    standing(
      "GZZ-2023-002", .warned, term: second,
      years: [
        year(2023, .missing), year(2024, .pending, daysLeft: 5), year(2025, .notDue),
        year(2026, .notDue),
      ],
      warnings: ["2023-2024 学年未按时报送", "2025-07-10 前仍未按时报送 2024-2025 学年的，将予以撤销"]),
    standing(
      "GZZ-2020-003", .revoked, term: over,
      years: [year(2020, .onTime), year(2021, .onTime), year(2022, .missing), year(2023, .late)],
      ended: .init(decision: .revoked, date: day(2024, 7, 10), banUntil: nil)),
    standing(
      "GZZ-2020-004", .ended, term: over,
      years: [year(2020, .onTime), year(2021, .onTime), year(2022, .onTime), year(2023, .onTime)],
      ended: .init(decision: .unqualified, date: day(2024, 12, 1), banUntil: day(2027, 11, 30))),
    standing("GZZ-2019-005", .unlisted, term: over, years: []),
  ]

  @Test func theSheetHasTheDayTheHeaderAndOneRowPerStationInOrder() throws {
    let written = try Written(Self.standings)
    #expect(written.workbook.sheets.map(\.name) == ["工作站状态"])
    let common = ["工作站", "基础医学院", "天津某某生物科技有限公司"]
    func station(_ id: String) -> [String] { [id, id + common[0], common[1], common[2]] }
    #expect(
      written.rows == [
        ["截至 2025-07-05"],
        [
          "工作站编号", "工作站名称", "牵头培养单位", "设站单位", "认定有效期", "状态", "本期各学年", "待报送截止", "剩余天数", "终止",
          "禁止重新申报至", "提示",
        ],
        station("GZZ-2021-001") + [
          "第 1 期 2021-09-01 至 2025-08-31", "在建",
          "2021-2022 按时；2022-2023 按时；2023-2024 按时；2024-2025 待报送（剩 5 天）", "2025-07-10", "5",
        ],
        station("GZZ-2023-002") + [
          "第 2 期 2023-09-01 至 2027-08-31", "预警",
          "2023-2024 未报送；2024-2025 待报送（剩 5 天）；2025-2026 未到期；2026-2027 未到期", "2025-07-10", "5",
          "", "", "2023-2024 学年未按时报送\n2025-07-10 前仍未按时报送 2024-2025 学年的，将予以撤销",
        ],
        station("GZZ-2020-003") + [
          "第 1 期 2020-09-01 至 2024-08-31", "撤销",
          "2020-2021 按时；2021-2022 按时；2022-2023 未报送；2023-2024 逾期", "", "", "撤销 2024-07-10",
        ],
        station("GZZ-2020-004") + [
          "第 1 期 2020-09-01 至 2024-08-31", "已结束",
          "2020-2021 按时；2021-2022 按时；2022-2023 按时；2023-2024 按时", "", "", "不合格 2024-12-01",
          "2027-11-30",
        ],
        // No years to list: the row ends at its state.
        station("GZZ-2019-005") + ["第 1 期 2020-09-01 至 2024-08-31", "未列入名录"],
      ])
    // 剩余天数 is a number; the dates are text.
    #expect(written.cells["I3"] == .number(5) && written.cells["H3"] == .text("2025-07-10"))
  }

  static let fills: [(StationState, String)] = [
    (.active, "FFC6EFCE"), (.warned, "FFFFEB9C"), (.revoked, "FFFFC7CE"),
    (.awaitingAcceptance, "FF9BC2E6"), (.awaitingReassessment, "FFDDEBF7"), (.ended, "FFBFBFBF"),
    (.unlisted, "FFEDEDED"),
  ]

  @Test(arguments: fills) func eachStateIsItsLabelOnItsFill(state: StationState, fill: String)
    throws
  {
    let written = try Written([
      Self.standing("GZZ-2021-001", state, term: Self.first, years: [Self.year(2021, .onTime)])
    ])
    #expect(written.cells["F3"] == .text(state.label))
    let fills = try fillsByCell(
      part: written.part("xl/worksheets/sheet1.xml"), styles: written.part("xl/styles.xml"))
    #expect(fills["F3"] == fill)
    #expect(fills["E3"] == nil && fills["G3"] == nil)
  }

  @Test func everyStateHasAFillOfItsOwn() {
    #expect(Set(Self.fills.map(\.0)) == Set(StationState.allCases))
    #expect(Set(StationState.allCases.map(\.fill)).count == StationState.allCases.count)
  }

  @Test func theHeaderIsFrozenWithTheDayAndColumnsFitTheirText() throws {
    let written = try Written(Self.standings)
    let sheet = try written.part("xl/worksheets/sheet1.xml")
    #expect(sheet.contains("<pane ySplit=\"2\""))
    // The warnings wrap, one a line.
    let style = try #require(sheet.firstMatch(of: /<c r="L4" s="([0-9]+)"/)).1
    let xfs = try #require(
      try written.part("xl/styles.xml").firstMatch(of: /<cellXfs[^>]*>(.*?)<\/cellXfs>/)
    ).1
    let xf = xfs.matches(of: /<xf [^>]*?(?:\/>|>.*?<\/xf>)/)[Int(style)!].0
    #expect(xf.contains("wrapText=\"1\""))

    let widths = try widthsByColumn(written.workbook, sheet: 0)
    #expect(widths.count == StatusWorkbook.header.count)
    func fitted(_ text: String) -> Double { Double(displayWidth(text) + 2) }
    #expect(widths[5] == fitted("第 1 期 2021-09-01 至 2025-08-31"))  // 认定有效期
    #expect(widths[7] == fitted(StatusWorkbook.texts(Self.standings[1])[6]))  // 本期各学年: longest
    #expect(widths[9] == fitted("剩余天数"))  // its header
    // 提示: its longest line, not the two lines together.
    #expect(widths[12] == fitted(Self.standings[1].warnings[1]))
    #expect(widths[1] == fitted("GZZ-2021-001"))
  }

  /// Nothing depends on when the workbook is written: the same standings, the same workbook.
  @Test func theSameStandingsGiveTheSameWorkbook() throws {
    let first = try Written(Self.standings)
    let second = try Written(Self.standings)
    #expect(first.cells == second.cells)
    for part in ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"] {
      #expect(try first.part(part) == second.part(part), "\(part)")
    }
  }

  @Test func noStationsGiveTheDayAndTheHeaderAlone() throws {
    let written = try Written([], asOf: Self.day(2024, 1, 2))
    #expect(written.rows.count == 2)
    #expect(written.rows.first == ["截至 2024-01-02"])
  }
}

/// A `status.xlsx` written to a temporary file, read back.
private struct Written {
  let path: String
  let workbook: Workbook
  let rows: [[String]]
  /// A1 → value.
  let cells: [String: CellValue]
  private let dir: TemporaryDirectory

  init(_ standings: [Standing], asOf: Day = StatusWorkbookTests.asOf) throws {
    dir = try TemporaryDirectory()
    path = dir.url.appendingPathComponent("status.xlsx").path
    try StatusWorkbook.write(standings, asOf: asOf, to: path)
    workbook = try Workbook(path: path)
    rows = try displayRows(workbook, 0)
    cells = try cellsBySheet(workbook)[0]
  }

  func part(_ name: String) throws -> String { try packagePart(path, name) }
}
