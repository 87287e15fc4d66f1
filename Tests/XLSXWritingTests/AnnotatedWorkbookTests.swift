import Foundation
import Model
import Pipeline
import Testing
import XLSXReading
import XLSXTestSupport

@testable import XLSXWriting

/// The annotated copy (SPEC §6): nothing of the submission is lost or changes type, resubmitting it
/// changes no verdict, every issue is listed and every marked cell is filled and commented.
@Suite struct AnnotatedWorkbookTests {
  // MARK: - Nothing lost

  @Test func theValidBaselineIsCopiedCellForCell() throws {
    let source = SubmissionWorkbook.valid().build()
    let annotated = try Annotated(source, issues: [])
    #expect(
      annotated.workbook.sheets.map(\.name) == ["审核结果", "工作站信息", "进站研究生", "站长及专家", "成果", "补助发放"])
    #expect(try annotated.dataCells() == expectedCells(source))
  }

  @Test func aSubmissionWithManyIssuesIsCopiedCellForCell() throws {
    let source = Self.broken().build()
    let entry = check(source)
    #expect(entry.status == .rejected)
    #expect(
      Set(entry.issues.map(\.rule)).isSuperset(of: [
        "CELL-001", "CELL-002", "SAF-001", "INS-001", "STR-005",
      ]))
    let annotated = try Annotated(source, issues: entry.issues)
    #expect(try annotated.dataCells() == expectedCells(source))
  }

  /// Every kind of value the reader gives back keeps its kind and value, in both date systems
  /// (a 1904-system date is moved to the 1900 system: same date, serial + 1462).
  @Test(arguments: [false, true])
  func everyKindOfValueKeepsItsType(date1904: Bool) throws {
    var builder = XLSXBuilder(sheets: [
      .init(
        name: "数据",
        rows: [
          [.inlineString("=SUM(B1:B2)"), .number(1500.5), .bool(true), .bool(false)],
          [
            .raw("<c r=\"A2\" t=\"e\"><v>#N/A</v></c>"), .styled(1, 45_108), .styled(2, 45_108.75),
            .styled(3, 1.5),
          ],
          [
            .styled(2, 0.25), .number(-0.125), .number(2_022_120_345), .inlineString("  前后有空格  "),
            .number(0.1 + 0.2), .number(1.0 / 3),
          ],
          [.sharedString(0), .inlineString("0012"), .number(1e-7), .styled(1, 70_000)],
          // A literal `_x0041_` (stored escaped), a control character (stored as `_x0001_`),
          // line breaks and tabs, edge spaces.
          [
            .raw("<c r=\"A5\" t=\"inlineStr\"><is><t>_x005F_x0041_</t></is></c>"),
            .raw("<c r=\"B5\" t=\"inlineStr\"><is><t>a_x0001_b</t></is></c>"),
            .inlineString("x\ny\tz"),
            .inlineString(" lead"),
          ],
        ])
    ])
    builder.sharedStrings = ["共享的文本"]
    builder.date1904 = date1904
    builder.stylesXML = XLSXBuilder.stylesXML(
      numFmts: [(164, "yyyy-mm-dd"), (165, "yyyy-mm-dd hh:mm"), (166, "[h]:mm:ss")],
      cellXfNumFmtIds: [0, 164, 165, 166])
    let source = builder.build()
    let annotated = try Annotated(source, issues: [])
    var cells = try annotated.dataCells()["数据"] ?? [:]
    var expected = try expectedCells(source)["数据"] ?? [:]
    // libxlsxwriter writes numbers with 16 significant digits (`%.16G`): a double that needs a
    // 17th, such as 0.1 + 0.2, comes back within one unit of the 16th digit, still a number.
    guard case .number(let near)? = cells.removeValue(forKey: "E3") else {
      Testing.Issue.record("E3 is not a number")
      return
    }
    #expect(abs(near - (0.1 + 0.2)) <= 1e-16 && expected.removeValue(forKey: "E3") != nil)
    #expect(cells == expected)
    #expect(cells["F3"] == .number(1.0 / 3))  // 16 digits are enough for most doubles
    #expect(cells["A1"] == .text("=SUM(B1:B2)"))
    #expect(cells["A2"] == .text("#N/A"))
    #expect(cells["B2"] == .date(serial: 45_108 + (date1904 ? 1462 : 0)))
    #expect(cells["D2"] == .duration(days: 1.5))
    #expect(cells["A3"] == .date(serial: 0.25))  // a time of day is the same in both systems
    #expect(cells["A5"] == .text("_x0041_") && cells["B5"] == .text("a\u{1}b"))
    // The date means the same day in the copy (1900 system) as in the source.
    let day = SpreadsheetDate.parts(serial: 45_108, date1904: date1904)!
    #expect(SpreadsheetDate.parts(serial: 45_108 + (date1904 ? 1462 : 0), date1904: false) == day)
    // The formats chosen for dates: the time shown only where there is one.
    let sheet = try annotated.part("xl/worksheets/sheet2.xml")
    #expect(sheet.contains("<c r=\"B2\" s=\"") && sheet.contains("<c r=\"C2\" s=\""))
    let styles = try annotated.part("xl/styles.xml")
    for code in ["yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss", "hh:mm:ss", "[h]:mm:ss"] {
      #expect(styles.contains("formatCode=\"\(code)\""), "\(code)")
    }
  }

  // MARK: - Resubmission

  @Test func theAnnotatedCopyOfAValidFileIsAcceptedWhenResubmitted() throws {
    let source = SubmissionWorkbook.valid().build()
    let annotated = try Annotated(source, issues: [])
    let entry = check(annotated.bytes)
    #expect(entry.issues == [])
    #expect(entry.status == .accepted)
  }

  /// The annotated copy of an invalid file gives exactly the issues of the original (the
  /// 审核结果 sheet, the fills and the comments change no verdict), and once the marked cells of
  /// that copy are corrected it is accepted.
  @Test func annotationChangesNoVerdictAndTheCorrectedCopyIsAccepted() throws {
    let source = Self.broken().build()
    let original = check(source)
    let annotated = try Annotated(source, issues: original.issues)
    let again = check(annotated.bytes)
    #expect(again.issues == original.issues)
    #expect(again.status == original.status)

    // The submitter corrects the marked cells of the annotated copy itself (its 审核结果 sheet
    // left in place) and removes the sheet the warning asked about.
    var corrected = try annotated.asSubmission()
    #expect(corrected.sheets.first?.name == "审核结果")
    let valid = SubmissionWorkbook.valid()
    for (sheet, a1) in Self.brokenCells { corrected.set(sheet, a1, valid[sheet, a1]) }
    corrected.removeSheet("备注")
    let resubmitted = check(corrected.build())
    #expect(resubmitted.issues == [])
    #expect(resubmitted.status == .accepted)
  }

  // MARK: - 审核结果

  /// The verdict line: a rejected report's says it does not count as on time until corrected
  /// (SPEC §9); a register's says it was not imported, and never talks of reporting.
  @Test(arguments: [
    (AnnotatedWorkbook.Subject.submission, "CELL-001", ["未通过", "不计为已按时报送"], ["导入"]),
    (.submission, "INS-001", ["通过", "提醒"], ["不计为已按时报送"]),
    (.register, "DUP-001", ["整份名录未导入"], ["报送", "不计为"]),
    (.register, "STR-004", ["不影响导入"], ["未导入"]),
  ])
  func theVerdictIsWordedForWhatWasChecked(
    subject: AnnotatedWorkbook.Subject, rule: String, says: [String], never: [String]
  ) {
    let issue = Issue(rule, sheet: "工作站名录", cell: CellReference("A2"), message: "x")
    let line = AnnotatedWorkbook.summary([issue], subject: subject)
    for text in says { #expect(line.contains(text), "\(line)") }
    for text in never { #expect(!line.contains(text), "\(line)") }
  }

  @Test func theResultsSheetListsEveryIssueWithALinkToItsCell() throws {
    let source = Self.broken().build()
    var issues = check(source).issues
    // A file-level issue (batch rule X-003) is listed too, with no sheet and no cell.
    issues.insert(
      Model.Issue("X-003", sheet: nil, cell: nil, message: "同一工作站同一学年有较新的报送，本文件已被取代。"), at: 0)
    let annotated = try Annotated(source, issues: issues)
    let rows = try annotated.rows(ofSheet: 0)
    let header = AnnotatedWorkbook.resultsHeaderRow + 1  // 1-based
    #expect(
      rows[header]?.map(\.value)
        == ["序号", "级别", "规则", "工作表", "单元格", "说明", "当前值"].map(CellValue.text))
    guard case .text(let summary)? = rows[1]?.first?.value else {
      Testing.Issue.record("no summary line")
      return
    }
    let counts = IssueCounts(issues)
    #expect(counts.errors > 0 && counts.findings > 0 && counts.warnings > 0)
    #expect(
      summary.contains(
        "错误 \(counts.errors) 项，政策问题 \(counts.findings) 项，警告 \(counts.warnings) 项"))
    // One legend line per severity, worst first, its word on its own fill.
    for (i, severity) in Severity.allCases.enumerated() {
      #expect(rows[2 + i]?.first?.value == .text(severity.label))
    }
    #expect(rows.keys.filter { $0 > header }.count == issues.count)  // one data row per issue
    for (i, issue) in issues.enumerated() {
      let cells = Dictionary(
        uniqueKeysWithValues: (rows[header + 1 + i] ?? []).map { ($0.reference.column, $0.value) })
      #expect(cells[1] == .number(Double(i + 1)))
      #expect(cells[2] == .text(issue.severity.label))
      #expect(cells[3] == .text(issue.rule))
      #expect(cells[4] == .text(issue.sheet ?? "—"))
      #expect(cells[5] == .text(issue.cell?.a1 ?? "—"))
      #expect(cells[6] == .text(issue.message))
      #expect(cells[7] == issue.value.flatMap { $0.isEmpty ? nil : .text($0) })
    }
    // Each cell is a link to that cell of its sheet; file- and sheet-level issues have none.
    let sheet = try annotated.part("xl/worksheets/sheet1.xml")
    let links = sheet.components(separatedBy: "<hyperlink ").count - 1
    #expect(links == issues.count { $0.cell != nil })
    let first = try #require(issues.firstIndex { $0.cell != nil })
    #expect(sheet.contains("location=\"'\(issues[first].sheet!)'!\(issues[first].cell!.a1)\""))
    #expect(sheet.contains("<pane ySplit=\"\(header)\""))  // the header row frozen
    let fills = try fillsByCell(part: sheet, styles: try annotated.part("xl/styles.xml"))
    #expect(fills["A2"] == "FFFFC7CE" && fills["A3"] == "FFF4B084" && fills["A4"] == "FFFFEB9C")
  }

  @Test func aSheetNameWithAQuoteIsEscapedInTheLink() throws {
    #expect(
      AnnotatedWorkbook.internalLink(sheet: "it's", cell: CellReference("B7")!)
        == "internal:'it''s'!B7")
    let source = XLSXBuilder(sheets: [.init(name: "it's 数据", rows: [[.number(1)]])]).build()
    let issue = Model.Issue(
      "CELL-002", sheet: "it's 数据", cell: CellReference("A1"), message: "不是数字。", value: "1")
    let annotated = try Annotated(source, issues: [issue])
    let sheet = try annotated.part("xl/worksheets/sheet1.xml")
    #expect(
      sheet.contains("location=\"'it''s 数据'!A1\"")
        || sheet.contains("location=\"&apos;it&apos;&apos;s 数据&apos;!A1\""))
  }

  // MARK: - Marks

  @Test func markedCellsKeepTheirValuesAndGetOneFillAndOneComment() throws {
    var submission = SubmissionWorkbook.valid()
    submission.set("进站研究生", "B2", .text("=张三"))
    submission.set("进站研究生", "C4", .empty)
    let source = submission.build()
    let sheet = "进站研究生"
    let issues = [
      Model.Issue("CELL-001", sheet: sheet, cell: CellReference("C4"), message: "培养层次为空，请填写。"),
      Model.Issue(
        "CELL-002", sheet: sheet, cell: CellReference("I2"), message: "月生活补助标准不是数字。", value: "1500"),
      Model.Issue(
        "SUB-001", sheet: sheet, cell: CellReference("I2"), message: "月生活补助标准低于最低标准。", value: "1500"
      ),
      Model.Issue(
        "SAF-001", sheet: sheet, cell: CellReference("L2"), message: "未进行安全教育。", value: "否"),
      Model.Issue(
        "INS-001", sheet: sheet, cell: CellReference("K3"), message: "未购买意外伤害保险。", value: "是"),
      Model.Issue(
        "CELL-003", sheet: sheet, cell: CellReference("B2"), message: "姓名不是允许的取值。", value: "=张三"),
      // A marked empty cell below every row, and one in a sheet that is not there.
      Model.Issue("CELL-001", sheet: sheet, cell: CellReference("A9"), message: "学号为空。"),
      Model.Issue("STR-001", sheet: "缺失的表", cell: nil, message: "缺少工作表。"),
    ]
    let annotated = try Annotated(source, issues: issues, frozenRows: [sheet: 1])
    let cells = try annotated.dataCells()[sheet] ?? [:]
    #expect(cells["B2"] == .text("=张三"))  // text beginning with `=` stays text
    #expect(cells["I2"] == .number(1500))  // a number stays a number
    #expect(cells["C4"] == nil && cells["A9"] == nil)  // marked empty cells stay empty

    let part = try annotated.part("xl/worksheets/sheet3.xml")
    // The marked empty cells exist, with a format (the fill) and no value.
    #expect(part.range(of: "<c r=\"C4\" s=\"[0-9]+\"/>", options: .regularExpression) != nil)
    #expect(part.range(of: "<c r=\"A9\" s=\"[0-9]+\"/>", options: .regularExpression) != nil)
    #expect(part.contains("<pane ySplit=\"1\""))
    let styles = try annotated.part("xl/styles.xml")
    #expect(styles.contains("FFFFC7CE") && styles.contains("FFFFEB9C"))

    // One comment per marked cell, listing every rule of that cell with its message.
    let comments = try annotated.part("xl/comments1.xml")
    let refs = comments.components(separatedBy: "<comment ref=\"").dropFirst().map {
      $0.prefix { $0 != "\"" }
    }
    #expect(Set(refs) == ["B2", "C4", "I2", "K3", "L2", "A9"] && refs.count == 6)
    for issue in issues where issue.cell != nil {
      #expect(comments.contains(issue.rule) && comments.contains(issue.message), "\(issue.rule)")
    }
    #expect(
      AnnotatedWorkbook.commentText(Array(issues[1...2]))
        == "CELL-002（错误）：月生活补助标准不是数字。\nSUB-001（政策问题）：月生活补助标准低于最低标准。")
    // The fill follows the worst severity: the warning-only cell K3 is yellow, the finding-only
    // L2 orange, I2 (an error and a finding) red.
    let fills = try fillsByCell(part: part, styles: styles)
    #expect(fills["K3"] == "FFFFEB9C" && fills["L2"] == "FFF4B084")
    #expect(fills["I2"] == "FFFFC7CE" && fills["C4"] == "FFFFC7CE" && fills["B2"] == "FFFFC7CE")
    #expect(fills["A2"] == nil)
  }

  // MARK: - Sheets and layout

  @Test func hiddenSheetsStayHiddenAndChartsheetsAreLeftOut() throws {
    var builder = XLSXBuilder(sheets: [
      .init(name: "可见", rows: [[.number(1)]]),
      .init(name: "隐藏", rows: [[.number(2)]], state: "hidden"),
      .init(name: "深度隐藏", rows: [[.number(3)]], state: "veryHidden"),
      .init(name: "审核结果", rows: [[.inlineString("上一次的审核结果")]]),
    ])
    builder.workbookXML =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"\(spreadsheetMLNamespace)\" xmlns:r=\"\(relNS)\">"
      + "<sheets><sheet name=\"可见\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"图表\" sheetId=\"9\" r:id=\"rId9\"/>"
      + "<sheet name=\"隐藏\" sheetId=\"2\" state=\"hidden\" r:id=\"rId2\"/>"
      + "<sheet name=\"深度隐藏\" sheetId=\"3\" state=\"veryHidden\" r:id=\"rId3\"/>"
      + "<sheet name=\"审核结果\" sheetId=\"4\" r:id=\"rId4\"/></sheets></workbook>"
    builder.extraWorkbookRelationships = [("rId9", relNS + "/chartsheet", "chartsheets/sheet1.xml")]
    builder.extraEntries = [
      ZipEntry(
        "xl/chartsheets/sheet1.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><chartsheet xmlns=\"\(spreadsheetMLNamespace)\"><sheetPr/></chartsheet>"
      )
    ]
    let source = builder.build()
    #expect(try Workbook(bytes: source).sheets.map(\.kind).contains(.chartsheet))
    let annotated = try Annotated(source, issues: [])
    // The chartsheet and the old 审核结果 are left out; the fresh 审核结果 comes first.
    #expect(annotated.workbook.sheets.map(\.name) == ["审核结果", "可见", "隐藏", "深度隐藏"])
    #expect(annotated.workbook.sheets.map(\.visibility) == [.visible, .visible, .hidden, .hidden])
    // No issue listed, and none of the old 审核结果's rows.
    #expect(try annotated.rows(ofSheet: 0)[AnnotatedWorkbook.resultsHeaderRow + 2] == nil)
  }

  @Test func columnWidthsFollowTheSubmissionOrTheLongestText() throws {
    let rows: [[CellSpec]] = [
      [.inlineString("学号"), .inlineString("一个很长很长很长很长很长很长的单位名称"), .inlineString("短"), .number(1)]
    ]
    let xml = sheetXML(rows: rows).replacingOccurrences(
      of: "<sheetData>",
      with: "<cols><col min=\"1\" max=\"1\" width=\"12.7109375\" customWidth=\"1\"/>"
        + "<col min=\"4\" max=\"4\" width=\"30\" hidden=\"1\"/></cols><sheetData>")
    let source = XLSXBuilder(sheets: [.init(name: "S", xml: xml)]).build()
    let annotated = try Annotated(source, issues: [])
    let widths = try annotated.workbook.columnWidths(inSheet: 1)
    let byColumn = Dictionary(
      widths.flatMap { w in (w.first...w.last).map { ($0, w.width) } },
      uniquingKeysWith: { a, _ in a })
    #expect(byColumn[1] == 12.7109375)  // the submission's width, to the stored value
    #expect((byColumn[2] ?? 0) > 30)  // estimated from 19 CJK characters
    #expect(byColumn[3] == nil && byColumn[4] == nil)  // short: left at the default; hidden: shown
  }

  @Test func rowsOutOfOrderAreStillCopied() throws {
    let xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"\(spreadsheetMLNamespace)\"><sheetData>"
      + "<row r=\"3\"><c r=\"A3\"><v>3</v></c></row><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
      + "</sheetData></worksheet>"
    let source = XLSXBuilder(sheets: [.init(name: "S", xml: xml)]).build()
    let issue = Model.Issue("CELL-002", sheet: "S", cell: CellReference("B1"), message: "不是数字。")
    let annotated = try Annotated(source, issues: [issue])
    #expect(try annotated.dataCells() == expectedCells(source))
    #expect(try annotated.part("xl/comments1.xml").contains("CELL-002"))
  }

  // MARK: - Unreadable

  @Test func anUnreadableFileGetsTheResultsSheetAlone() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.url.appendingPathComponent("坏文件.annotated.xlsx").path
    let entry = check(Array("not a zip at all".utf8))
    #expect(entry.status == .unreadable)
    try AnnotatedWorkbook.writeUnreadable(file: "坏文件_x0041_.xlsx", issues: entry.issues, to: path)
    let workbook = try Workbook(path: path)
    #expect(workbook.sheets.map(\.name) == ["审核结果"])
    var rows: [Int: [CellValue]] = [:]
    try workbook.forEachRow(inSheet: 0) { rows[$0.index] = $0.cells.map(\.value) }
    let header = AnnotatedWorkbook.resultsHeaderRow + 1  // 1-based
    #expect(rows.count == header + 1)  // the verdict, the legend, the header, the one issue
    #expect(
      rows[header + 1]?.prefix(6) == [
        .number(1), .text("错误"), .text("FILE-001"), .text("—"), .text("—"),
        .text(entry.issues[0].message),
      ])
    guard case .text(let summary)? = rows[1]?.first else {
      Testing.Issue.record("no summary line")
      return
    }
    // (`_x0041_` is kept in shared strings too.)
    #expect(summary.contains("坏文件_x0041_.xlsx") && summary.contains("无法读取"))
  }

  // MARK: - Fixtures

  /// The cells the broken submission changes from the valid baseline (corrected to the baseline).
  static let brokenCells: [(String, String)] = [
    ("进站研究生", "A3"), ("进站研究生", "C4"), ("进站研究生", "I2"), ("进站研究生", "K3"), ("进站研究生", "L2"),
    ("补助发放", "E5"), ("成果", "C2"),
  ]

  /// The baseline with many issues: text beginning with `=` in a 学号, an empty required cell,
  /// text in a number, 安全教育 = 否, 意外伤害保险 = 否 (a warning), an underpayment, an unknown
  /// 成果级别, and an unknown sheet with data.
  static func broken() -> SubmissionWorkbook {
    var w = SubmissionWorkbook.valid()
    w.set("进站研究生", "A3", .text("=2023110021"))
    w.set("进站研究生", "C4", .empty)
    w.set("进站研究生", "I2", .text("一千五"))
    w.set("进站研究生", "K3", .text("否"))
    w.set("进站研究生", "L2", .text("否"))
    w.set("补助发放", "E5", .number(100))
    w.set("成果", "C2", .text("市级以上"))
    var notes = w.sheets[0]  // (Sheet's memberwise initializer is internal to the support target)
    (notes.name, notes.rows) = ("备注", [[.text("说明"), .text("见附件")]])
    w.sheets.append(notes)
    return w
  }
}

@Suite struct ColumnWidthsTests {
  @Test func widthsAreReadUpToTheSheetData() throws {
    let xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"\(spreadsheetMLNamespace)\">"
      + "<sheetViews><sheetView workbookViewId=\"0\"/></sheetViews><x:cols xmlns:x=\"\(spreadsheetMLNamespace)\">"
      + "<x:col min=\"1\" max=\"2\" width=\"20.5\" customWidth=\"1\"/>"
      + "<col min=\"3\" max=\"3\" width=\"9\" hidden=\"true\"/>"  // hidden: left out
      + "<col min=\"4\" max=\"4\" style=\"1\"/>"  // no width
      + "<col min=\"6\" max=\"5\" width=\"9\"/><col min=\"0\" max=\"1\" width=\"9\"/>"  // malformed
      + "<col min=\"7\" max=\"16384\" width=\"3\"/></x:cols><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
      + "</sheetData><extLst><ext><cols><col min=\"9\" max=\"9\" width=\"9\"/></cols></ext></extLst></worksheet>"
    let workbook = try Workbook(bytes: XLSXBuilder(sheets: [.init(name: "S", xml: xml)]).build())
    let widths = try workbook.columnWidths(inSheet: 0)
    #expect(
      widths.map { [Double($0.first), Double($0.last), $0.width] } == [
        [1, 2, 20.5], [7, 16384, 3],
      ])
  }

  @Test func aSheetWithoutColsHasNoWidths() throws {
    let workbook = try Workbook(
      bytes: XLSXBuilder(sheets: [.init(name: "S", rows: [[.number(1)]])]).build())
    #expect(try workbook.columnWidths(inSheet: 0).isEmpty)
  }

  @Test func theStoredWidthIsConvertedBackToCharacters() {
    // libxlsxwriter stores 12 characters as 12.7109375 and 8.43 as 9.140625.
    #expect(AnnotatedWorkbook.characterWidth(12.7109375) == 12)
    #expect(abs(AnnotatedWorkbook.characterWidth(9.140625) - 8.43) < 0.01)
  }
}

// MARK: - Helpers

private let relNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

private func check(_ bytes: [UInt8]) -> CheckEntry {
  Checker(configuration: Configuration()).check(bytes: bytes, name: "test.xlsx")
}

/// An annotated copy written to a temporary file, read back.
private struct Annotated {
  let path: String
  let bytes: [UInt8]
  let workbook: Workbook
  private let dir: TemporaryDirectory

  init(_ source: [UInt8], issues: [Model.Issue], frozenRows: [String: Int] = [:]) throws {
    dir = try TemporaryDirectory()
    path = dir.url.appendingPathComponent("test.annotated.xlsx").path
    try AnnotatedWorkbook.write(
      source: try Workbook(bytes: source), issues: issues, frozenRows: frozenRows, to: path)
    bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    workbook = try Workbook(bytes: bytes)
    // The directory goes when the test process ends; each test has its own.
  }

  /// The cells of every sheet but 审核结果: sheet → A1 → value.
  func dataCells() throws -> [String: [String: CellValue]] {
    try cells(of: workbook, skipping: AnnotatedWorkbook.resultsSheetName)
  }

  /// The rows of a sheet by their 1-based index, cells copied.
  func rows(ofSheet index: Int) throws -> [Int: [Cell]] {
    var rows: [Int: [Cell]] = [:]
    try workbook.forEachRow(inSheet: index) { rows[$0.index] = $0.cells }
    return rows
  }

  /// A part of the package as text: what the reader does not read, such as comments.
  func part(_ name: String) throws -> String { try packagePart(path, name) }

  /// The workbook as a test submission (text, numbers and whole-day dates), to edit and resubmit.
  func asSubmission() throws -> SubmissionWorkbook {
    var result = SubmissionWorkbook(sheets: [])
    var sheets: [SubmissionWorkbook.Sheet] = []
    let template = SubmissionWorkbook.valid().sheets[0]
    for (index, info) in workbook.sheets.enumerated() {
      var grid: [[SubmissionWorkbook.Value]] = []
      try workbook.forEachRow(inSheet: index) { row in
        while grid.count < row.index { grid.append([]) }
        for cell in row.cells {
          let c = cell.reference.column - 1
          while grid[row.index - 1].count <= c { grid[row.index - 1].append(.empty) }
          let value: SubmissionWorkbook.Value
          switch cell.value {
          case .text(let s): value = .text(s)
          case .number(let v): value = .number(v)
          case .date(let serial):
            let p = SpreadsheetDate.parts(serial: serial, date1904: workbook.date1904)!
            value = .date(p.year, p.month, p.day)
          default:
            Testing.Issue.record("unexpected \(cell.value) at \(cell.reference)")
            value = .empty
          }
          grid[row.index - 1][c] = value
        }
      }
      var sheet = template
      (sheet.name, sheet.rows) = (info.name, grid)
      sheets.append(sheet)
    }
    result.sheets = sheets
    return result
  }
}

/// Every worksheet's cells: sheet → A1 → value.
private func cells(of workbook: Workbook, skipping skipped: String? = nil) throws -> [String:
  [String: CellValue]]
{
  var result: [String: [String: CellValue]] = [:]
  for (index, sheet) in workbook.sheets.enumerated()
  where sheet.kind == .worksheet && sheet.name != skipped {
    var cells: [String: CellValue] = [:]
    try workbook.forEachRow(inSheet: index) { row in
      for cell in row.cells { cells[cell.reference.a1] = cell.value }
    }
    result[sheet.name] = cells
  }
  return result
}

/// The cells an annotated copy must hold: the source's, with error values as text and dates in
/// the 1900 system (a 1904 serial + 1462, a time of day unchanged).
private func expectedCells(_ source: [UInt8]) throws -> [String: [String: CellValue]] {
  let workbook = try Workbook(bytes: source)
  return try cells(of: workbook).mapValues { sheet in
    sheet.mapValues { value in
      switch value {
      case .error(let e): return .text(e)
      case .date(let serial) where workbook.date1904 && serial >= 1:
        return .date(serial: serial + 1462)
      default: return value
      }
    }
  }
}
