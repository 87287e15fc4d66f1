import Foundation
import Model
import Pipeline
import Testing
import XLSXReading
import XLSXTestSupport

@testable import XLSXWriting

/// The annotated copy as the submitter's own package, patched (SPEC §6): every part marking does
/// not need is the same compressed entry, sheets without a marked cell are not rewritten, marked
/// cells keep their format under the fill, the submitter's comment is kept once, and every value
/// reads back as it was.
@Suite struct PatchedWorkbookTests {
  // MARK: - ZipWriter

  @Test func copiedEntriesKeepTheirCompressedBytesAndNewOnesAreAdded() throws {
    let source = StyledSubmission.build()
    let package = try ZipPackage(bytes: source)
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.url.appendingPathComponent("copy.zip").path
    let writer = try ZipWriter(path: path)
    for entry in package.entries { try writer.copy(entry, from: package) }
    try writer.add("extra.xml", bytes: Array("<a>新的</a>".utf8), modified: 1_700_000_000)
    try writer.close()
    try writer.close()  // safe twice

    let copy = try ZipPackage(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    #expect(copy.entries.map(\.name) == package.entries.map(\.name) + ["extra.xml"])
    for (a, b) in zip(package.entries, copy.entries) {
      #expect(a.crc == b.crc && a.compressedSize == b.compressedSize, "\(a.name)")
      #expect(try package.compressedBytes(a) == copy.compressedBytes(b), "\(a.name)")
      #expect(a.modified == b.modified, "\(a.name)")
    }
    #expect(try copy.read("extra.xml") == Array("<a>新的</a>".utf8))
    // Nothing is left under a temporary name.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["copy.zip"])
  }

  @Test func aWriterThatIsNotClosedLeavesNothing() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.url.appendingPathComponent("never.zip").path
    do {
      let writer = try ZipWriter(path: path)
      try writer.add("a.xml", bytes: [1, 2, 3], modified: 0)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).isEmpty)
  }

  // MARK: - Fidelity

  @Test func everyPartMarkingDoesNotNeedIsTheSameEntry() throws {
    let copy = try Patched(StyledSubmission.build(), issues: StyledSubmission.issues)
    let rewritten: Set<String> = [
      "[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
      "docProps/app.xml", "xl/worksheets/sheet1.xml", "xl/comments1.xml",
      "xl/drawings/vmlDrawing1.vml",
    ]
    for entry in copy.source.entries where !rewritten.contains(entry.name) {
      let new = try #require(copy.package.entry(entry.name), "\(entry.name) is gone")
      #expect(
        try copy.source.compressedBytes(entry) == copy.package.compressedBytes(new),
        "\(entry.name) was rewritten")
    }
    // The unmarked sheets are among them; the entries keep their order, the new ones follow.
    let names = copy.package.entries.map(\.name)
    #expect(Array(names.prefix(copy.source.entries.count)) == copy.source.entries.map(\.name))
    #expect(names.count == copy.source.entries.count + 1)  // 审核结果's part
  }

  @Test func theWorkbookKeepsItsSheetsNamesAndStates() throws {
    let copy = try Patched(StyledSubmission.build(), issues: StyledSubmission.issues)
    #expect(copy.workbook.sheets.map(\.name) == ["审核结果", "数据", "说明", "隐藏"])
    #expect(copy.workbook.sheets.map(\.visibility) == [.visible, .visible, .visible, .hidden])
    let workbook = try copy.part("xl/workbook.xml")
    // Sheet positions moved by one: the AutoFilter's name, the active tab.
    #expect(workbook.contains("localSheetId=\"1\"") && !workbook.contains("localSheetId=\"0\""))
    #expect(workbook.contains("activeTab=\"1\""))
    #expect(workbook.contains("<definedName name=\"合计\">数据!$B$5</definedName>"))
    let app = try copy.part("docProps/app.xml")
    #expect(app.contains("<vt:i4>4</vt:i4>"))
    #expect(
      app.contains(
        "<vt:vector size=\"4\" baseType=\"lpstr\"><vt:lpstr>审核结果</vt:lpstr><vt:lpstr>数据</vt:lpstr>")
    )
  }

  @Test func everyValueReadsBackAsItWas() throws {
    let source = StyledSubmission.build()
    let copy = try Patched(source, issues: StyledSubmission.issues)
    let original = try Workbook(bytes: source)
    for (index, sheet) in original.sheets.enumerated() {
      let copied = try #require(copy.workbook.sheets.firstIndex { $0.name == sheet.name })
      #expect(try cells(original, index) == cells(copy.workbook, copied), "\(sheet.name)")
    }
  }

  @Test func theMarkedSheetChangesOnlyInTheMarkedCells() throws {
    let copy = try Patched(StyledSubmission.build(), issues: StyledSubmission.issues)
    let sheet = try copy.part("xl/worksheets/sheet1.xml")
    var expected = StyledSubmission.dataSheet
    let styles = try copy.part("xl/styles.xml")
    func style(_ a1: String) throws -> String {
      let regex = try NSRegularExpression(pattern: "<c r=\"\(a1)\" s=\"([0-9]+)\"")
      let m = try #require(
        regex.firstMatch(in: sheet, range: NSRange(sheet.startIndex..., in: sheet)))
      return String(sheet[Range(m.range(at: 1), in: sheet)!])
    }
    // The marked cells' style index, and the cells added for marked empty ones (D3 in its row,
    // B7 in a row of its own); the formula, the merged title, the hidden row all stay.
    let (b3, c3, d3, b7) = (try style("B3"), try style("C3"), try style("D3"), try style("B7"))
    expected = expected.replacing("<c r=\"B3\" s=\"2\">", with: "<c r=\"B3\" s=\"\(b3)\">")
    expected = expected.replacing("<c r=\"C3\" s=\"3\">", with: "<c r=\"C3\" s=\"\(c3)\">")
    expected = expected.replacing(
      "<v>45108</v></c></row>", with: "<v>45108</v></c><c r=\"D3\" s=\"\(d3)\"/></row>")
    expected = expected.replacing(
      "</row></sheetData>", with: "</row><row r=\"7\"><c r=\"B7\" s=\"\(b7)\"/></row></sheetData>")
    #expect(sheet == expected)
    #expect(sheet.contains("<f>SUM(B3:B4)</f><v>3500.5</v>"))

    // Each new style is the cell's own with the fill of its severity.
    let xfs = try cellXfs(styles)
    let fills = try fillColors(styles)
    #expect(
      xfs[Int(b3)!].replacing(
        " fillId=\"\(fills.firstIndex(of: "FFFFC7CE")!)\"", with: " fillId=\"0\""
      )
      .replacing(" applyFill=\"1\"", with: "") == xfs[2])
    #expect(xfs[Int(c3)!].contains("numFmtId=\"165\"") && xfs[Int(c3)!].contains("borderId=\"1\""))
    #expect(xfs[Int(c3)!].contains("<alignment horizontal=\"left\"/>"))
    #expect(fills[Int(attribute("fillId", xfs[Int(c3)!]))!] == "FFF4B084")
    #expect(fills[Int(attribute("fillId", xfs[Int(d3)!]))!] == "FFFFEB9C")
    #expect(fills[Int(attribute("fillId", xfs[Int(b7)!]))!] == "FFFFC7CE")
  }

  /// A marked cell the sheet does not have shows in its row's style (a row with customFormat),
  /// else its column's; its new style is that one with our fill, so what the submitter types
  /// into it keeps the template's format (text for a 学号, a date format for a date). A cell
  /// that is there keeps its own style, style 0 when it names none.
  @Test func aMarkedEmptyCellKeepsTheStyleOfItsRowOrColumn() throws {
    let xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"\(StyledSubmission.main)\">"
      + "<cols><col min=\"1\" max=\"2\" width=\"12\" style=\"1\" customWidth=\"1\"/></cols><sheetData>"
      + "<row r=\"1\"><c r=\"C1\"><v>1</v></c></row>"
      + "<row r=\"2\" s=\"2\" customFormat=\"1\"><c r=\"C2\"><v>2</v></c></row></sheetData></worksheet>"
    var builder = XLSXBuilder(sheets: [.init(name: "S", xml: xml)])
    builder.stylesXML =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><styleSheet xmlns=\"\(StyledSubmission.main)\">"
      + "<fonts count=\"1\"><font><sz val=\"11\"/></font></fonts><fills count=\"2\">"
      + "<fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
      + "<borders count=\"1\"><border/></borders><cellXfs count=\"3\">"
      + "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>"
      + "<xf numFmtId=\"49\" fontId=\"0\" fillId=\"0\" borderId=\"0\" applyNumberFormat=\"1\"/>"
      + "<xf numFmtId=\"14\" fontId=\"0\" fillId=\"0\" borderId=\"0\" applyNumberFormat=\"1\"/>"
      + "</cellXfs></styleSheet>"
    let issues = ["A1", "C1", "B2", "D3"].map {
      Model.Issue("CELL-001", sheet: "S", cell: CellReference($0), message: "必填项为空。")
    }
    let copy = try Patched(builder.build(), issues: issues)
    let sheet = try copy.part("xl/worksheets/sheet1.xml")
    let xfs = try cellXfs(try copy.part("xl/styles.xml"))
    func format(_ a1: String) throws -> String {
      attribute("numFmtId", xfs[try styleIndex(a1, in: sheet)])
    }
    #expect(try format("A1") == "49")  // its column's text format
    #expect(try format("C1") == "0")  // there, with no style of its own
    #expect(try format("B2") == "14")  // its row's, over its column's
    #expect(try format("D3") == "0")  // neither
  }

  @Test func oneStyleAndSeverityShareOneNewStyle() throws {
    let styles = try StylesPatch(Array(StyledSubmission.styles.utf8))
    let first = styles.restyle(2, .error)
    #expect(styles.restyle(2, .error) == first)
    #expect(styles.restyle(2, .warning) == first + 1 && styles.restyle(3, .error) == first + 2)
    #expect(styles.restyle(99, .error) == styles.restyle(0, .error))  // out of range: the default
  }

  @Test func theSubmittersCommentIsKeptOnceWithOursAfterIt() throws {
    let copy = try Patched(StyledSubmission.build(), issues: StyledSubmission.issues)
    let comments = try copy.part("xl/comments1.xml")
    #expect(comments.components(separatedBy: "提交人的说明").count == 2)
    #expect(comments.contains("<author>张老师</author><author>审核</author>"))
    let refs = comments.components(separatedBy: "<comment ref=\"").dropFirst().map {
      String($0.prefix { $0 != "\"" })
    }
    #expect(refs.sorted() == ["B3", "B7", "C3", "D3"])
    let b3 = try #require(comments.components(separatedBy: "<comment ref=\"B3\"").last)
    let text = b3.prefix(while: { _ in true }).components(separatedBy: "</comment>")[0]
    #expect(
      text.firstRange(of: "提交人的说明")!.lowerBound < text.firstRange(of: "CELL-002")!.lowerBound)
    // The VML drawing has one shape per comment: the submitter's and our three new ones.
    let vml = try copy.part("xl/drawings/vmlDrawing1.vml")
    #expect(vml.components(separatedBy: "<v:shape ").count - 1 == 4)
    #expect(vml.contains("<x:Row>6</x:Row><x:Column>1</x:Column>"))
  }

  @Test func theResultsSheetListsEveryIssueWithLinksAndTallRows() throws {
    let copy = try Patched(StyledSubmission.build(), issues: StyledSubmission.issues)
    var rows: [Int: [Cell]] = [:]
    try copy.workbook.forEachRow(inSheet: 0) { rows[$0.index] = $0.cells }
    let header = AnnotatedWorkbook.resultsHeaderRow + 1
    #expect(rows[header]?.map(\.value).first == .text("序号"))
    for (i, issue) in StyledSubmission.issues.enumerated() {
      let values = rows[header + 1 + i]?.map(\.value) ?? []
      #expect(
        values.prefix(6) == [
          .number(Double(i + 1)), .text(issue.severity.label), .text(issue.rule),
          .text(issue.sheet ?? "—"), .text(issue.cell?.a1 ?? "—"), .text(issue.message),
        ])
    }
    let sheet = try copy.part(copy.resultsPart)
    #expect(
      sheet.contains("location=\"&apos;数据&apos;!B3\"") || sheet.contains("location=\"'数据'!B3\""))
    // The long message's row is tall enough for its wrapped lines.
    #expect(sheet.contains("customHeight=\"1\""))
  }

  // MARK: - Resubmission

  @Test func thePatchedCopyChangesNoVerdictAndTheCorrectedCopyIsAccepted() throws {
    let source = AnnotatedWorkbookTests.broken().build()
    let checker = Checker(configuration: Configuration())
    let original = checker.check(bytes: source, name: "t.xlsx")
    let copy = try Patched(source, issues: original.issues)
    let again = checker.check(bytes: copy.bytes, name: "t.xlsx")
    #expect(again.issues == original.issues)
    // Corrected in place: the marked cells get the valid baseline's values, the stray sheet goes
    // (the copy's own styles, comments and 审核结果 stay).
    let valid = SubmissionWorkbook.valid()
    var corrected = try PackageEdit(copy.bytes)
    for (sheet, a1) in AnnotatedWorkbookTests.brokenCells {
      try corrected.set(sheet, a1, valid[sheet, a1])
    }
    try corrected.removeSheet("备注")
    let resubmitted = checker.check(bytes: corrected.build(), name: "t.xlsx")
    #expect(resubmitted.issues == [])
    #expect(resubmitted.status == .accepted)
  }

  // MARK: - Round two

  /// An annotated copy annotated again: one 审核结果, first; our comments replaced, never
  /// stacked (the submitter's kept); the marks of cells no longer at issue gone, their earlier
  /// style back; the new marks made.
  @Test func aSecondRoundReplacesTheFirstOne() throws {
    let source = StyledSubmission.build()
    let first = try Patched(source, issues: StyledSubmission.issues)
    let issues = [
      Model.Issue("SUB-002", sheet: "数据", cell: CellReference("C3"), message: "发放日期有误。"),
      Model.Issue("CELL-003", sheet: "数据", cell: CellReference("A5"), message: "不是允许的取值。"),
    ]
    let second = try Patched(first.bytes, issues: issues)
    #expect(second.workbook.sheets.map(\.name) == ["审核结果", "数据", "说明", "隐藏"])
    #expect(second.package.entries.count == first.package.entries.count)
    let original = try Workbook(bytes: source)
    for (index, sheet) in original.sheets.enumerated() {
      let copied = try #require(second.workbook.sheets.firstIndex { $0.name == sheet.name })
      #expect(try cells(original, index) == cells(second.workbook, copied), "\(sheet.name)")
    }

    let comments = try second.part("xl/comments1.xml")
    let refs = comments.components(separatedBy: "<comment ref=\"").dropFirst().map {
      String($0.prefix { $0 != "\"" })
    }
    #expect(refs.sorted() == ["A5", "B3", "C3"])
    #expect(comments.components(separatedBy: "提交人的说明").count == 2)
    #expect(comments.components(separatedBy: CommentsPatch.marker).count == 3)  // C3 and A5
    #expect(!comments.contains("CELL-002") && comments.contains("SUB-002"))
    #expect(comments.components(separatedBy: "<author>审核</author>").count == 2)
    let vml = try second.part("xl/drawings/vmlDrawing1.vml")
    #expect(vml.components(separatedBy: "<v:shape ").count - 1 == 3)

    let sheet = try second.part("xl/worksheets/sheet1.xml")
    #expect(sheet.contains("<c r=\"B3\" s=\"2\">"))  // its own style back
    #expect(sheet.contains("<c r=\"D3\" s=\"0\"/>") && sheet.contains("<c r=\"B7\" s=\"0\"/>"))
    let styles = try second.part("xl/styles.xml")
    let xfs = try cellXfs(styles)
    let fills = try fillColors(styles)
    func xf(_ a1: String) throws -> String { xfs[try styleIndex(a1, in: sheet)] }
    #expect(fills[Int(attribute("fillId", try xf("C3")))!] == "FFF4B084")
    #expect(try xf("C3").contains("numFmtId=\"165\""))
    #expect(fills[Int(attribute("fillId", try xf("A5")))!] == "FFFFC7CE")

    // The same issues again change nothing more: nothing stacks.
    let third = try Patched(second.bytes, issues: issues)
    #expect(
      try third.part("xl/comments1.xml").components(separatedBy: CommentsPatch.marker).count == 3)
    #expect(
      try third.part("xl/worksheets/sheet1.xml").components(separatedBy: "<c r=").count
        == sheet.components(separatedBy: "<c r=").count)
  }

  /// A comment saved again by another program (LibreOffice regroups runs by font): the
  /// submitter's text and our marker in one run, our text split over several, a bare `<t>`
  /// elsewhere. Our text goes from the marker on; the submitter's stays, with its run's font.
  @Test(arguments: [
    (
      "<r><rPr><sz val=\"11\"/><rFont val=\"Noto Sans CJK SC\"/></rPr><t xml:space=\"preserve\">提交人的说明：含加班补助&#10;【审核】&#10;</t></r>"
        + "<r><rPr><rFont val=\"宋体\"/></rPr><t>CELL-002</t></r><r><t>（错误）：金额不是数字。</t></r>",
      "提交人的说明：含加班补助"
    ),
    ("<r><t>【审核】\nCELL-002（错误）：</t></r><r><t>金额不是数字。</t></r>", ""),
    ("<t>提交人的说明 &amp; 附件</t>", "提交人的说明 &amp; 附件"),
  ])
  func ourTextIsCutFromTheMarkerOnHoweverTheRunsSplitIt(text: String, kept: String) throws {
    let existing =
      "<comments xmlns=\"\(StyledSubmission.main)\"><authors><author>x</author></authors><commentList>"
      + "<comment ref=\"B3\" authorId=\"0\"><text>\(text)</text></comment></commentList></comments>"
    let note = "SUB-003（政策问题）：实发少于应发。"
    let (xml, cells, _, _) = try CommentsPatch.comments(
      existing: Array(existing.utf8), notes: [CellReference("B3")!: note])
    let comments = String(decoding: xml, as: UTF8.self)
    #expect(cells == [CellReference("B3")!])
    #expect(!comments.contains("CELL-002") && !comments.contains("金额不是数字"), "\(comments)")
    #expect(comments.components(separatedBy: CommentsPatch.marker).count == 2, "\(comments)")
    #expect(comments.contains(note))
    if kept.isEmpty {
      #expect(!comments.contains("提交人"), "\(comments)")
    } else {
      #expect(comments.components(separatedBy: kept).count == 2, "\(comments)")
      // What is kept comes first, then a line break and our marker.
      let keptAt = try #require(comments.firstRange(of: kept))
      #expect(keptAt.upperBound < comments.firstRange(of: CommentsPatch.marker)!.lowerBound)
    }
    if text.contains("Noto Sans") { #expect(comments.contains("Noto Sans CJK SC")) }
    // Round three: the same note again replaces ours, never stacks it.
    let (again, _, _, _) = try CommentsPatch.comments(
      existing: xml, notes: [CellReference("B3")!: note])
    #expect(again == xml)
  }

  /// A cell whose own style had a fill gets that fill back in the next round, through the record
  /// in 审核结果's hidden columns; with 审核结果 gone (no record), exactly our mark is cleared.
  @Test func theRecordGivesAMarkedCellItsOwnFillBack() throws {
    var builder = XLSXBuilder(sheets: [
      .init(name: "S", rows: [[.styled(1, 5), .styled(2, 6), .number(7)]])
    ])
    builder.stylesXML =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><styleSheet xmlns=\"\(StyledSubmission.main)\">"
      + "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"#,##0.00\"/></numFmts>"
      + "<fonts count=\"1\"><font><sz val=\"11\"/><name val=\"宋体\"/></font></fonts><fills count=\"3\">"
      + "<fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill>"
      + "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFFFFF00\"/></patternFill></fill></fills>"
      + "<borders count=\"1\"><border/></borders><cellXfs count=\"3\">"
      + "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>"
      + "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" applyNumberFormat=\"1\"/>"
      + "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"2\" borderId=\"0\" applyNumberFormat=\"1\" applyFill=\"1\"/>"
      + "</cellXfs></styleSheet>"
    let issue = { (a1: String) in
      Model.Issue("CELL-002", sheet: "S", cell: CellReference(a1), message: "不是数字。")
    }
    let first = try Patched(builder.build(), issues: [issue("A1"), issue("B1")])
    let second = try Patched(first.bytes, issues: [issue("C1")])
    let sheet = try second.part("xl/worksheets/sheet1.xml")
    #expect(try styleIndex("A1", in: sheet) == 1 && styleIndex("B1", in: sheet) == 2)

    // 审核结果 taken out by the submitter: the record is gone, our fill is cleared all the same.
    var edited = try PackageEdit(first.bytes)
    try edited.removeSheet(AnnotatedWorkbook.resultsSheetName)
    let without = try Patched(edited.build(), issues: [issue("C1")])
    let again = try without.part("xl/worksheets/sheet1.xml")
    #expect(try styleIndex("A1", in: again) == 1 && styleIndex("B1", in: again) == 1)
  }

  /// A sheet much larger than the editor's buffers (copied in runs, drained to its file by the
  /// megabyte, its input released as it goes) comes out byte for byte but for its marks.
  @Test func aLargeSheetIsCopiedByteForByteButForItsMarks() throws {
    let rows = (1...9000).map { r in
      [CellSpec.number(Double(r)), .inlineString("第\(r)行 <&> 文本"), .number(Double(r) / 7)]
    }
    let xml = sheetXML(rows: rows)
    let source = XLSXBuilder(sheets: [.init(name: "S", xml: xml)]).build()
    let marks = ["A1", "B4321", "C9000"]
    let copy = try Patched(
      source,
      issues: marks.map {
        Model.Issue("CELL-002", sheet: "S", cell: CellReference($0), message: "不是数字。")
      })
    let sheet = try copy.part("xl/worksheets/sheet1.xml")
    var expected = xml
    for a1 in marks {
      let style = try styleIndex(a1, in: sheet)
      expected = expected.replacing("<c r=\"\(a1)\"", with: "<c s=\"\(style)\" r=\"\(a1)\"")
    }
    // The sheet had no comments: the reference to its new VML drawing comes last.
    let drawing = try #require(sheet.firstRange(of: "<legacyDrawing "))
    expected = expected.replacing(
      "</worksheet>",
      with: String(sheet[drawing.lowerBound...].prefix { $0 != ">" }) + "></worksheet>")
    #expect(sheet.utf8.count == expected.utf8.count)
    #expect(sheet == expected)
  }

  @Test func textIsEscapedAsSpreadsheetMLReadsItBack() {
    #expect(xmlText("补助，（元）") == "补助，（元）")
    #expect(xmlText("a&b<c>\"d\"") == "a&amp;b&lt;c&gt;&quot;d&quot;")
    #expect(xmlText("_x0041_ a_b \u{1}") == "_x005F_x0041_ a_b _x0001_")
    #expect(xmlText("x\u{FFFE}") == "x_xFFFE_")
  }

  @Test func aStrictPackageGetsTheRebuiltCopyAndSaysSo() throws {
    var builder = XLSXBuilder(sheets: [.init(name: "S", rows: [[.number(1)]])])
    builder.workbookXML =
      "<?xml version=\"1.0\"?><workbook xmlns=\"http://purl.oclc.org/ooxml/spreadsheetml/main\""
      + " xmlns:r=\"http://purl.oclc.org/ooxml/officeDocument/relationships\"><sheets>"
      + "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.url.appendingPathComponent("s.annotated.xlsx").path
    let issue = Model.Issue("CELL-002", sheet: "S", cell: CellReference("A1"), message: "不是数字。")
    try AnnotatedWorkbook.write(bytes: builder.build(), issues: [issue], to: path)
    let workbook = try Workbook(path: path)
    var first: CellValue?
    try workbook.forEachRow(inSheet: 0) { if $0.index == 1 { first = $0.cells.first?.value } }
    guard case .text(let summary)? = first else {
      Testing.Issue.record("no summary")
      return
    }
    #expect(summary.contains("Strict") && summary.contains("重新生成"))
  }
}

// MARK: - The styled submission

/// A hand-styled submission: a merged title row, number formats, fonts, borders, widths, heights,
/// a frozen pane, an AutoFilter, a dropdown, a conditional format, a formula total, a defined
/// name, a hidden row and column, a hidden sheet, a tab colour, an image, a chart, and a comment
/// of the submitter's on a cell we mark.
enum StyledSubmission {
  static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
  static let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

  static let dataSheet =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    + "<worksheet xmlns=\"\(main)\" xmlns:r=\"\(rel)\"><sheetPr><tabColor rgb=\"FFFF0000\"/></sheetPr>"
    + "<dimension ref=\"A1:C5\"/><sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\">"
    + "<pane ySplit=\"2\" topLeftCell=\"A3\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>"
    + "<sheetFormatPr defaultRowHeight=\"15\"/><cols><col min=\"1\" max=\"1\" width=\"20\" customWidth=\"1\"/>"
    + "<col min=\"4\" max=\"4\" width=\"9\" hidden=\"1\" customWidth=\"1\"/></cols><sheetData>"
    + "<row r=\"1\" ht=\"30\" customHeight=\"1\"><c r=\"A1\" s=\"1\" t=\"inlineStr\"><is><t>报表标题</t></is></c></row>"
    + "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>姓名</t></is></c><c r=\"B2\" t=\"inlineStr\"><is><t>金额</t></is></c>"
    + "<c r=\"C2\" t=\"inlineStr\"><is><t>日期</t></is></c></row>\n"
    + "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>张三</t></is></c><c r=\"B3\" s=\"2\"><v>1500.5</v></c>"
    + "<c r=\"C3\" s=\"3\"><v>45108</v></c></row>\n"
    + "<row r=\"4\" hidden=\"1\"><c r=\"A4\" t=\"inlineStr\"><is><t>李四</t></is></c><c r=\"B4\" s=\"2\"><v>2000</v></c></row>\n"
    + "<row r=\"5\"><c r=\"A5\" t=\"inlineStr\"><is><t>合计</t></is></c><c r=\"B5\" s=\"2\"><f>SUM(B3:B4)</f><v>3500.5</v></c></row></sheetData>"
    + "<autoFilter ref=\"A2:C4\"/><mergeCells count=\"1\"><mergeCell ref=\"A1:C1\"/></mergeCells>"
    + "<conditionalFormatting sqref=\"B3:B4\"><cfRule type=\"cellIs\" dxfId=\"0\" priority=\"1\" operator=\"greaterThan\">"
    + "<formula>1800</formula></cfRule></conditionalFormatting>"
    + "<dataValidations count=\"1\"><dataValidation type=\"list\" allowBlank=\"1\" sqref=\"A3:A4\">"
    + "<formula1>\"张三,李四\"</formula1></dataValidation></dataValidations>"
    + "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
    + "<legacyDrawing r:id=\"rId1\"/></worksheet>"

  static let notesSheet =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    + "<worksheet xmlns=\"\(main)\" xmlns:r=\"\(rel)\"><sheetData><row r=\"1\">"
    + "<c r=\"A1\" t=\"inlineStr\"><is><t>见图</t></is></c></row></sheetData>"
    + "<drawing r:id=\"rId1\"/></worksheet>"

  static let styles =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    + "<styleSheet xmlns=\"\(main)\"><numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"#,##0.00\"/>"
    + "<numFmt numFmtId=\"165\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/></numFmts>"
    + "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"宋体\"/></font><font><b/><sz val=\"16\"/><name val=\"黑体\"/></font></fonts>"
    + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
    + "<borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border>"
    + "<border><left style=\"thin\"/><right style=\"thin\"/><top style=\"thin\"/><bottom style=\"thin\"/><diagonal/></border></borders>"
    + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
    + "<cellXfs count=\"4\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
    + "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\" applyAlignment=\"1\"><alignment horizontal=\"center\"/></xf>"
    + "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"1\" xfId=\"0\" applyNumberFormat=\"1\" applyBorder=\"1\"/>"
    + "<xf numFmtId=\"165\" fontId=\"0\" fillId=\"0\" borderId=\"1\" xfId=\"0\" applyNumberFormat=\"1\" applyBorder=\"1\" applyAlignment=\"1\">"
    + "<alignment horizontal=\"left\"/></xf></cellXfs>"
    + "<cellStyles count=\"1\"><cellStyle name=\"常规\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
    + "<dxfs count=\"1\"><dxf><font><color rgb=\"FF9C0006\"/></font></dxf></dxfs></styleSheet>"

  static let comments =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    + "<comments xmlns=\"\(main)\"><authors><author>张老师</author></authors><commentList>"
    + "<comment ref=\"B3\" authorId=\"0\"><text><t>提交人的说明：含加班补助</t></text></comment>"
    + "</commentList></comments>"

  static let vml =
    "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\""
    + " xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><o:shapelayout v:ext=\"edit\">"
    + "<o:idmap v:ext=\"edit\" data=\"1\"/></o:shapelayout><v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\""
    + " o:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\"><v:stroke joinstyle=\"miter\"/><v:path gradientshapeok=\"t\""
    + " o:connecttype=\"rect\"/></v:shapetype><v:shape id=\"_x0000_s1025\" type=\"#_x0000_t202\""
    + " style=\"position:absolute;visibility:hidden\" fillcolor=\"#ffffe1\"><v:textbox/>"
    + "<x:ClientData ObjectType=\"Note\"><x:Anchor>2, 15, 1, 10, 4, 15, 5, 4</x:Anchor><x:Row>2</x:Row>"
    + "<x:Column>1</x:Column></x:ClientData></v:shape></xml>"

  static let drawing =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    + "<xdr:wsDr xmlns:xdr=\"http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing\""
    + " xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:r=\"\(rel)\">"
    + "<xdr:oneCellAnchor><xdr:from><xdr:col>1</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
    + "<xdr:ext cx=\"952500\" cy=\"952500\"/><xdr:pic><xdr:nvPicPr><xdr:cNvPr id=\"2\" name=\"图片 1\"/>"
    + "<xdr:cNvPicPr><a:picLocks noChangeAspect=\"1\"/></xdr:cNvPicPr></xdr:nvPicPr><xdr:blipFill>"
    + "<a:blip r:embed=\"rId1\"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr>"
    + "<a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"952500\" cy=\"952500\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom>"
    + "</xdr:spPr></xdr:pic><xdr:clientData/></xdr:oneCellAnchor>"
    + "<xdr:twoCellAnchor><xdr:from><xdr:col>3</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
    + "<xdr:to><xdr:col>9</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>15</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
    + "<xdr:graphicFrame macro=\"\"><xdr:nvGraphicFramePr><xdr:cNvPr id=\"3\" name=\"图表 1\"/><xdr:cNvGraphicFramePr/>"
    + "</xdr:nvGraphicFramePr><xdr:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"0\" cy=\"0\"/></xdr:xfrm><a:graphic>"
    + "<a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/chart\">"
    + "<c:chart xmlns:c=\"http://schemas.openxmlformats.org/drawingml/2006/chart\" r:id=\"rId2\"/>"
    + "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>"

  /// A bar chart of the amounts (数据!B3:B4).
  static let chart =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    + "<c:chartSpace xmlns:c=\"http://schemas.openxmlformats.org/drawingml/2006/chart\""
    + " xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:r=\"\(rel)\">"
    + "<c:chart><c:autoTitleDeleted val=\"1\"/><c:plotArea><c:layout/><c:barChart><c:barDir val=\"col\"/>"
    + "<c:grouping val=\"clustered\"/><c:varyColors val=\"0\"/><c:ser><c:idx val=\"0\"/><c:order val=\"0\"/>"
    + "<c:cat><c:strRef><c:f>数据!$A$3:$A$4</c:f></c:strRef></c:cat>"
    + "<c:val><c:numRef><c:f>数据!$B$3:$B$4</c:f><c:numCache><c:formatCode>General</c:formatCode>"
    + "<c:ptCount val=\"2\"/><c:pt idx=\"0\"><c:v>1500.5</c:v></c:pt><c:pt idx=\"1\"><c:v>2000</c:v></c:pt>"
    + "</c:numCache></c:numRef></c:val></c:ser><c:axId val=\"10\"/><c:axId val=\"20\"/></c:barChart>"
    + "<c:catAx><c:axId val=\"10\"/><c:scaling><c:orientation val=\"minMax\"/></c:scaling><c:delete val=\"0\"/>"
    + "<c:axPos val=\"b\"/><c:crossAx val=\"20\"/></c:catAx><c:valAx><c:axId val=\"20\"/><c:scaling>"
    + "<c:orientation val=\"minMax\"/></c:scaling><c:delete val=\"0\"/><c:axPos val=\"l\"/><c:crossAx val=\"10\"/>"
    + "</c:valAx></c:plotArea><c:plotVisOnly val=\"1\"/></c:chart></c:chartSpace>"

  /// A 1×1 PNG.
  static let png: [UInt8] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
  ]

  static let issues: [Model.Issue] = [
    Model.Issue(
      "CELL-002", sheet: "数据", cell: CellReference("B3"), message: "金额不是数字。", value: "1500.5"),
    Model.Issue(
      "SUB-001", sheet: "数据", cell: CellReference("C3"),
      message: String(repeating: "补助发放日期晚于规定的发放日期，请核实并如实填报。", count: 6), value: "45108"),
    Model.Issue("INS-001", sheet: "数据", cell: CellReference("D3"), message: "未购买意外伤害保险。"),
    Model.Issue("CELL-001", sheet: "数据", cell: CellReference("B7"), message: "金额为空。"),
    Model.Issue("STR-005", sheet: "说明", cell: nil, message: "多余的工作表。"),
  ]

  static func build() -> [UInt8] {
    var builder = XLSXBuilder(sheets: [
      .init(name: "数据", xml: dataSheet), .init(name: "说明", xml: notesSheet),
      .init(name: "隐藏", rows: [[.number(7)]], state: "hidden"),
    ])
    builder.stylesXML = styles
    builder.workbookXML =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      + "<workbook xmlns=\"\(main)\" xmlns:r=\"\(rel)\"><workbookPr/><bookViews>"
      + "<workbookView xWindow=\"0\" yWindow=\"0\" windowWidth=\"20000\" windowHeight=\"10000\" activeTab=\"0\"/>"
      + "</bookViews><sheets><sheet name=\"数据\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"说明\" sheetId=\"2\" r:id=\"rId2\"/>"
      + "<sheet name=\"隐藏\" sheetId=\"3\" state=\"hidden\" r:id=\"rId3\"/></sheets><definedNames>"
      + "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">数据!$A$2:$C$4</definedName>"
      + "<definedName name=\"合计\">数据!$B$5</definedName></definedNames></workbook>"
    var entries = builder.entries()
    entries[0] = ZipEntry(
      "[Content_Types].xml",
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        + "<Default Extension=\"xml\" ContentType=\"application/xml\"/><Default Extension=\"png\" ContentType=\"image/png\"/>"
        + "<Default Extension=\"vml\" ContentType=\"application/vnd.openxmlformats-officedocument.vmlDrawing\"/>"
        + override("/xl/workbook.xml", "spreadsheetml.sheet.main")
        + override("/xl/worksheets/sheet1.xml", "spreadsheetml.worksheet")
        + override("/xl/worksheets/sheet2.xml", "spreadsheetml.worksheet")
        + override("/xl/worksheets/sheet3.xml", "spreadsheetml.worksheet")
        + override("/xl/styles.xml", "spreadsheetml.styles")
        + override("/xl/comments1.xml", "spreadsheetml.comments")
        + override("/xl/drawings/drawing1.xml", "drawing")
        + override("/xl/charts/chart1.xml", "drawingml.chart")
        + override("/docProps/app.xml", "extended-properties")
        + "</Types>")
    entries[1] = ZipEntry(
      "_rels/.rels",
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"\(rel)/officeDocument\" Target=\"xl/workbook.xml\"/>"
        + "<Relationship Id=\"rId2\" Type=\"\(rel)/extended-properties\" Target=\"docProps/app.xml\"/>"
        + "</Relationships>")
    func rels(_ items: [(String, String, String)]) -> String {
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + items.map { "<Relationship Id=\"\($0.0)\" Type=\"\(rel)/\($0.1)\" Target=\"\($0.2)\"/>" }
        .joined()
        + "</Relationships>"
    }
    entries += [
      ZipEntry(
        "xl/worksheets/_rels/sheet1.xml.rels",
        rels([
          ("rId1", "vmlDrawing", "../drawings/vmlDrawing1.vml"),
          ("rId2", "comments", "../comments1.xml"),
        ])),
      ZipEntry("xl/comments1.xml", comments),
      ZipEntry("xl/drawings/vmlDrawing1.vml", vml),
      ZipEntry(
        "xl/worksheets/_rels/sheet2.xml.rels",
        rels([("rId1", "drawing", "../drawings/drawing1.xml")])),
      ZipEntry("xl/drawings/drawing1.xml", drawing),
      ZipEntry(
        "xl/drawings/_rels/drawing1.xml.rels",
        rels([("rId1", "image", "../media/image1.png"), ("rId2", "chart", "../charts/chart1.xml")])),
      ZipEntry("xl/charts/chart1.xml", chart),
      ZipEntry("xl/media/image1.png", png, method: .stored),
      ZipEntry(
        "docProps/app.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          + "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\""
          + " xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><Application>WPS 表格</Application>"
          + "<HeadingPairs><vt:vector size=\"2\" baseType=\"variant\"><vt:variant><vt:lpstr>工作表</vt:lpstr></vt:variant>"
          + "<vt:variant><vt:i4>3</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts>"
          + "<vt:vector size=\"3\" baseType=\"lpstr\"><vt:lpstr>数据</vt:lpstr><vt:lpstr>说明</vt:lpstr><vt:lpstr>隐藏</vt:lpstr>"
          + "</vt:vector></TitlesOfParts></Properties>"),
    ]
    return ZipBuilder.archive(entries)
  }

  private static func override(_ part: String, _ kind: String) -> String {
    "<Override PartName=\"\(part)\" ContentType=\"application/vnd.openxmlformats-officedocument.\(kind)+xml\"/>"
  }
}

// MARK: - Helpers

/// A patched copy written to a temporary file, read back.
struct Patched {
  let bytes: [UInt8]
  let path: String
  let source: ZipPackage
  let package: ZipPackage
  let workbook: Workbook
  private let dir: TemporaryDirectory

  init(_ bytes: [UInt8], issues: [Model.Issue]) throws {
    dir = try TemporaryDirectory()
    path = dir.url.appendingPathComponent("t.annotated.xlsx").path
    try PackagePatcher.write(bytes: bytes, issues: issues, limits: ReaderLimits(), to: path)
    self.bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    source = try ZipPackage(bytes: bytes)
    package = try ZipPackage(bytes: self.bytes)
    workbook = try Workbook(bytes: self.bytes)
  }

  func part(_ name: String) throws -> String {
    String(decoding: try #require(try package.read(name), "no \(name)"), as: UTF8.self)
  }

  /// The part name of the 审核结果 sheet (the one entry added).
  var resultsPart: String {
    package.entries.map(\.name).first { source.entry($0) == nil && $0.contains("worksheets/") }!
  }
}

private func cells(_ workbook: Workbook, _ index: Int) throws -> [String: CellValue] {
  var cells: [String: CellValue] = [:]
  try workbook.forEachRow(inSheet: index) { row in
    for cell in row.cells { cells[cell.reference.a1] = cell.value }
  }
  return cells
}

/// The `cellXfs` entries as text.
private func cellXfs(_ styles: String) throws -> [String] {
  let section = try #require(styles.components(separatedBy: "<cellXfs").last)
    .components(separatedBy: "</cellXfs>")[0]
  let regex = try NSRegularExpression(pattern: "<xf [^>]*?(/>|>.*?</xf>)")
  return regex.matches(in: section, range: NSRange(section.startIndex..., in: section)).map {
    String(section[Range($0.range, in: section)!])
  }
}

/// Each fill's foreground colour (`""` for none).
private func fillColors(_ styles: String) throws -> [String] {
  let section = try #require(styles.components(separatedBy: "<fills").last)
    .components(separatedBy: "</fills>")[0]
  return section.components(separatedBy: "<fill>").dropFirst().map { fill in
    guard let r = fill.firstRange(of: "rgb=\"") else { return "" }
    return String(fill[r.upperBound...].prefix { $0 != "\"" })
  }
}

/// The `s` of cell `a1` in a worksheet part, wherever the attribute is in its tag.
private func styleIndex(_ a1: String, in sheet: String) throws -> Int {
  let regex = try NSRegularExpression(pattern: "<c [^>]*?r=\"\(a1)\"[^>]*?>")
  let m = try #require(regex.firstMatch(in: sheet, range: NSRange(sheet.startIndex..., in: sheet)))
  return try #require(Int(attribute("s", String(sheet[Range(m.range, in: sheet)!]))))
}

private func attribute(_ name: String, _ tag: String) -> String {
  guard let r = tag.firstRange(of: " \(name)=\"") else { return "" }
  return String(tag[r.upperBound...].prefix { $0 != "\"" })
}

/// A package edited in place, as a submitter correcting the copy would: a cell's value replaced
/// (its style kept), a sheet taken out of the workbook's list; every other part as it was.
struct PackageEdit {
  private var parts: [(name: String, bytes: [UInt8])]
  private let workbook: Workbook

  init(_ bytes: [UInt8]) throws {
    let package = try ZipPackage(bytes: bytes)
    parts = try package.entries.map { ($0.name, try package.read($0.name) ?? []) }
    workbook = try Workbook(bytes: bytes)
  }

  private func index(_ name: String) throws -> Int {
    try #require(parts.firstIndex { $0.name == name }, "no \(name)")
  }

  /// The part of the sheet named `sheet` (by its position: sheet parts are found the way the
  /// builder and the patcher name them, through the workbook's relationships).
  private func sheetPart(_ sheet: String) throws -> String {
    let rels = String(decoding: parts[try index("xl/_rels/workbook.xml.rels")].bytes, as: UTF8.self)
    let wb = String(decoding: parts[try index("xl/workbook.xml")].bytes, as: UTF8.self)
    let entry = try #require(wb.components(separatedBy: "name=\"\(sheet)\"").dropFirst().first)
    let rid = try #require(entry.components(separatedBy: "r:id=\"").dropFirst().first)
      .prefix { $0 != "\"" }
    let rel = try #require(rels.components(separatedBy: "Id=\"\(rid)\"").dropFirst().first)
    let target = try #require(rel.components(separatedBy: "Target=\"").dropFirst().first)
      .prefix { $0 != "\"" }
    return "xl/" + target
  }

  mutating func set(_ sheet: String, _ a1: String, _ value: SubmissionWorkbook.Value) throws {
    let part = try sheetPart(sheet)
    let i = try index(part)
    let editor = XMLEditor(bytes: parts[i].bytes, part: part)
    var inCell = false
    var done = false
    func content() -> String {
      switch value {
      case .text(let s): " t=\"inlineStr\"><is><t>\(xmlEscape(s))</t></is></c>"
      case .number(let v): "><v>\(v)</v></c>"
      case .date(let y, let m, let d): "><v>\(SubmissionWorkbook.serial(y, m, d))</v></c>"
      case .empty: "/>"
      }
    }
    while true {
      let token = try editor.next()
      if token == .eof { break }
      let isCell = token == .start && editor.nameIs("c")
      if isCell, try editor.attribute("r") == a1 {
        let style = try editor.attribute("s").map { " s=\"\($0)\"" } ?? ""
        let selfClosing = editor.isSelfClosing
        try editor.replace(with: Array("<c r=\"\(a1)\"\(style)\(content())".utf8))
        if !selfClosing { inCell = true } else { _ = try editor.next() }
        done = true
        if selfClosing { continue }
      } else if inCell {
        try editor.replace(with: [])
        if token == .end && editor.nameIs("c") { inCell = false }
      }
    }
    try editor.finish()
    try #require(done, "no cell \(a1) in \(sheet)")
    parts[i].bytes = editor.output
  }

  mutating func removeSheet(_ sheet: String) throws {
    let i = try index("xl/workbook.xml")
    let editor = XMLEditor(bytes: parts[i].bytes, part: "workbook")
    while try editor.next() != .eof {
      if editor.nameIs("sheet"), try editor.attribute("name") == sheet { try editor.remove() }
    }
    try editor.finish()
    parts[i].bytes = editor.output
  }

  func build() -> [UInt8] { ZipBuilder.archive(parts.map { ZipEntry($0.name, $0.bytes) }) }
}
