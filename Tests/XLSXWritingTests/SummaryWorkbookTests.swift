import Basics
import Foundation
import Model
import Testing
import XLSXReading
import XLSXTestSupport

@testable import XLSXWriting

/// The batch summary for the admin (SPEC §6 `summary.xlsx`): one row per submission with its
/// status and counts, the totals per status on top, and the rules hit across the batch.
@Suite struct SummaryWorkbookTests {
  /// One submission of each status, one with a file name holding `#`, `%` and a space.
  static let rows: [SummaryWorkbook.Row] = [
    .init(
      file: "基础医学院-2023-2024.xlsx", college: "基础医学院", stationID: "GZZ2023001",
      stationName: "天津某某生物科技有限公司研究生工作站", academicYear: "2023-2024", status: .accepted,
      counts: .init(findings: 1, warnings: 2),
      ruleCounts: ["INS-001": 1, "RPT-001": 1, "SUB-004": 1], stationState: .active,
      annotated: "基础医学院/基础医学院-2023-2024.annotated.xlsx"),
    .init(
      file: "公卫 #2 100%.xlsx", college: "公共卫生学院", stationID: "GZZ2023002", stationName: "某某医院工作站",
      academicYear: "2023-2024", status: .rejected,
      counts: .init(errors: 2, findings: 3, warnings: 1),
      ruleCounts: ["CELL-001": 2, "SUB-003": 3, "INS-001": 1], stationState: .warned,
      annotated: "公共卫生学院/公卫 #2 100%.annotated.xlsx"),
    .init(
      file: "坏文件.xlsx", college: "未识别", status: .unreadable, counts: .init(errors: 1),
      ruleCounts: ["FILE-001": 1], annotated: "未识别/坏文件.annotated.xlsx"),
    .init(
      file: "旧版.xlsx", college: "基础医学院", stationID: "GZZ2023001", stationName: "天津某某生物科技有限公司研究生工作站",
      academicYear: "2023-2024", status: .superseded, counts: .init(errors: 1, warnings: 1),
      ruleCounts: ["CELL-001": 1, "X-003": 1], stationState: .revoked,
      annotated: "基础医学院/旧版.annotated.xlsx"),
    // Accepted with no issue: no annotated copy, no link; not in the register: no 工作站状态.
    .init(
      file: "干净.xlsx", college: "药学院", stationID: "GZZ2023009", stationName: "药企工作站",
      academicYear: "2023-2024", status: .accepted, counts: .init()),
  ]

  @Test func theSummarySheetHasTheTotalsThenOneRowPerSubmission() throws {
    let written = try Written(Self.rows)
    #expect(written.workbook.sheets.map(\.name) == ["汇总", "规则统计"])
    let header = [
      "文件", "牵头培养单位", "工作站编号", "工作站名称", "学年", "状态", "错误数", "政策问题数", "警告数", "工作站状态", "批注文件",
    ]
    var expected: [String: CellValue] = [
      "A1": .text("合计"), "B1": .text("通过"), "C1": .text("未通过"), "D1": .text("无法读取"),
      "E1": .text("已被取代"),
      "A2": .number(5), "B2": .number(2), "C2": .number(1), "D2": .number(1), "E2": .number(1),
    ]
    for (i, title) in header.enumerated() { expected[a1(4, i)] = .text(title) }
    let lines: [[CellValue?]] = [
      [
        .text("基础医学院-2023-2024.xlsx"), .text("基础医学院"), .text("GZZ2023001"),
        .text("天津某某生物科技有限公司研究生工作站"), .text("2023-2024"), .text("通过"), .number(0), .number(1),
        .number(2), .text("在建"), .text("基础医学院/基础医学院-2023-2024.annotated.xlsx"),
      ],
      [
        .text("公卫 #2 100%.xlsx"), .text("公共卫生学院"), .text("GZZ2023002"), .text("某某医院工作站"),
        .text("2023-2024"), .text("未通过"), .number(2), .number(3), .number(1), .text("预警"),
        .text("公共卫生学院/公卫 #2 100%.annotated.xlsx"),
      ],
      // Unknown station, name and year: empty cells.
      [
        .text("坏文件.xlsx"), .text("未识别"), nil, nil, nil, .text("无法读取"), .number(1), .number(0),
        .number(0), nil, .text("未识别/坏文件.annotated.xlsx"),
      ],
      [
        .text("旧版.xlsx"), .text("基础医学院"), .text("GZZ2023001"), .text("天津某某生物科技有限公司研究生工作站"),
        .text("2023-2024"), .text("已被取代"), .number(1), .number(0), .number(1), .text("撤销"),
        .text("基础医学院/旧版.annotated.xlsx"),
      ],
      [
        .text("干净.xlsx"), .text("药学院"), .text("GZZ2023009"), .text("药企工作站"), .text("2023-2024"),
        .text("通过"), .number(0), .number(0), .number(0), nil, nil,
      ],
    ]
    for (r, line) in lines.enumerated() {
      for (c, value) in line.enumerated() { expected[a1(5 + r, c)] = value }
    }
    #expect(written.cells[0] == expected)
  }

  @Test func theRulesSheetCountsSubmissionsAndIssuesPerRuleByRuleID() throws {
    let written = try Written(Self.rows)
    let expectedRows: [[CellValue]] = [
      [.text("规则"), .text("说明"), .text("级别"), .text("涉及报送数"), .text("问题数")],
      [.text("CELL-001"), .text("必填项为空"), .text("错误"), .number(2), .number(3)],
      [.text("FILE-001"), .text("文件无法读取"), .text("错误"), .number(1), .number(1)],
      [.text("INS-001"), .text("未购买意外伤害保险"), .text("警告"), .number(2), .number(2)],
      [.text("RPT-001"), .text("逾期报送"), .text("警告"), .number(1), .number(1)],
      [.text("SUB-003"), .text("未足额发放"), .text("政策问题"), .number(1), .number(3)],
      [.text("SUB-004"), .text("未按时发放"), .text("政策问题"), .number(1), .number(1)],
      [.text("X-003"), .text("同一工作站同一学年重复报送"), .text("警告"), .number(1), .number(1)],
    ]
    var expected: [String: CellValue] = [:]
    for (r, line) in expectedRows.enumerated() {
      for (c, value) in line.enumerated() { expected[a1(r + 1, c)] = value }
    }
    #expect(written.cells[1] == expected)
  }

  @Test func aRuleOutsideTheCatalogIsListedWithoutATitle() throws {
    let row = SummaryWorkbook.Row(
      file: "a.xlsx", college: "X", status: .rejected, counts: .init(errors: 1),
      ruleCounts: ["ZZZ-999": 1, "CELL-002": 0])
    let written = try Written([row])
    // A zero count is no hit; an unknown rule counts as an error (the catalog's default).
    #expect(
      written.cells[1] == [
        "A1": .text("规则"), "B1": .text("说明"), "C1": .text("级别"), "D1": .text("涉及报送数"),
        "E1": .text("问题数"), "A2": .text("ZZZ-999"), "C2": .text("错误"), "D2": .number(1),
        "E2": .number(1),
      ])
  }

  @Test func anEmptyBatchHasZeroTotalsAndTheHeadersAlone() throws {
    let written = try Written([])
    #expect(written.cells[0]["A2"] == .number(0) && written.cells[0]["E2"] == .number(0))
    #expect(written.cells[0]["A4"] == .text("文件") && written.cells[0]["A5"] == nil)
    #expect(written.cells[1].count == 5)
  }

  // MARK: - Links, fills, layout

  @Test func eachAnnotatedCopyIsARelativeExternalLink() throws {
    let written = try Written(Self.rows)
    let sheet = try written.part("xl/worksheets/sheet1.xml")
    let rels = try written.part("xl/worksheets/_rels/sheet1.xml.rels")
    // One link per row with an annotated copy, in the 批注文件 column.
    let refs = sheet.components(separatedBy: "<hyperlink ref=\"").dropFirst().map {
      String($0.prefix { $0 != "\"" })
    }
    #expect(refs == ["K5", "K6", "K7", "K8"])
    #expect(!sheet.contains("location="))  // no `#` taken as a place in the target
    let targets = rels.components(separatedBy: "Target=\"").dropFirst().map {
      String($0.prefix { $0 != "\"" })
    }
    // libxlsxwriter writes `/` as `\` (Excel's own form on Windows) and escapes the space; `#`
    // and `%` are escaped so the file name comes back whole.
    #expect(
      targets == [
        "基础医学院\\基础医学院-2023-2024.annotated.xlsx",
        "公共卫生学院\\公卫%20%232%20100%25.annotated.xlsx",
        "未识别\\坏文件.annotated.xlsx",
        "基础医学院\\旧版.annotated.xlsx",
      ])
    #expect(rels.components(separatedBy: "TargetMode=\"External\"").count - 1 == 4)
    #expect(SummaryWorkbook.externalLink("a:b/c#d%e.xlsx") == "external:a%3Ab/c%23d%25e.xlsx")
  }

  @Test func eachStatusHasItsFill() throws {
    let written = try Written(Self.rows)
    let fills = try fillsByCell(
      part: written.part("xl/worksheets/sheet1.xml"), styles: written.part("xl/styles.xml"))
    #expect(fills["F5"] == "FFC6EFCE" && fills["F9"] == "FFC6EFCE")  // 通过: green
    #expect(fills["F6"] == "FFFFC7CE")  // 未通过: red
    #expect(fills["F7"] == "FFF8CBAD")  // 无法读取: orange
    #expect(fills["F8"] == "FFD9D9D9")  // 已被取代: grey
    // The totals' labels carry the same fills.
    #expect(fills["B1"] == "FFC6EFCE" && fills["C1"] == "FFFFC7CE")
    #expect(fills["D1"] == "FFF8CBAD" && fills["E1"] == "FFD9D9D9")
    #expect(fills["A5"] == nil && fills["G6"] == nil)
    // 工作站状态: the fills status.xlsx gives the states; none where the register has no row.
    #expect(fills["J5"] == "FFC6EFCE" && fills["J6"] == "FFFFEB9C" && fills["J8"] == "FFFFC7CE")
    #expect(fills["J7"] == nil && fills["J9"] == nil)
    let rules = try fillsByCell(
      part: written.part("xl/worksheets/sheet2.xml"), styles: written.part("xl/styles.xml"))
    #expect(rules["C2"] == "FFFFC7CE" && rules["C4"] == "FFFFEB9C")  // CELL-001, INS-001
    #expect(rules["C6"] == "FFF4B084")  // SUB-003, a finding: orange
  }

  @Test func headersAreFrozenAndColumnsFitTheirText() throws {
    let written = try Written(Self.rows)
    // 汇总: the totals and the table's header stay in view; 规则统计: its header.
    #expect(try written.part("xl/worksheets/sheet1.xml").contains("<pane ySplit=\"4\""))
    #expect(try written.part("xl/worksheets/sheet2.xml").contains("<pane ySplit=\"1\""))
    let widths = try widthsByColumn(written.workbook, sheet: 0)
    // 文件: the longest name, 23 characters wide; 工作站名称: 18 CJK characters; 批注文件: the paths.
    #expect((widths[1] ?? 0) >= 25 && (widths[1] ?? 0) < 30)
    #expect((widths[4] ?? 0) >= 38)
    #expect((widths[10] ?? 0) >= 12 && (widths[10] ?? 0) < 14)  // 工作站状态: its header
    #expect((widths[11] ?? 0) >= 45)
    #expect((widths[7] ?? 0) >= 8 && (widths[7] ?? 0) < 12)  // 错误数: its header
    #expect((widths[8] ?? 0) >= 12 && (widths[8] ?? 0) < 14)  // 政策问题数: its header
    #expect(widths.count == 11)
    #expect(displayWidth("ab中文") == 6)
  }

  /// The same rows give the same cells and the same sheet parts: nothing depends on when.
  @Test func theSameRowsGiveTheSameWorkbook() throws {
    let first = try Written(Self.rows)
    let second = try Written(Self.rows)
    #expect(first.cells == second.cells)
    for part in [
      "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/sharedStrings.xml",
      "xl/styles.xml",
      "xl/worksheets/_rels/sheet1.xml.rels", "xl/workbook.xml",
    ] {
      #expect(try first.part(part) == second.part(part), "\(part)")
    }
  }

  @Test func theFileAppearsOnlyWhenWritten() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.url.appendingPathComponent("missing-folder/summary.xlsx").path
    #expect(throws: WriteError.self) { try SummaryWorkbook.write(rows: Self.rows, to: path) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).isEmpty)
  }
}

// MARK: - Helpers

/// A1 reference of a 1-based row and a 0-based column.
private func a1(_ row: Int, _ column: Int) -> String {
  CellReference(row: row, column: column + 1)!.a1
}

/// A summary written to a temporary file, read back.
private struct Written {
  let path: String
  let workbook: Workbook
  /// Per sheet, in workbook order: A1 → value.
  let cells: [[String: CellValue]]
  private let dir: TemporaryDirectory

  init(_ rows: [SummaryWorkbook.Row]) throws {
    dir = try TemporaryDirectory()
    path = dir.url.appendingPathComponent("summary.xlsx").path
    try SummaryWorkbook.write(rows: rows, to: path)
    workbook = try Workbook(path: path)
    cells = try cellsBySheet(workbook)
    // The directory goes when the test process ends; each test has its own.
  }

  /// A part of the package as text.
  func part(_ name: String) throws -> String { try packagePart(path, name) }

}
