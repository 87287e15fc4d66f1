import Model
import Testing
import XLSXTestSupport

@testable import XLSXReading

/// Packages that are valid (or that Excel opens) but written differently from Excel's own
/// output: each must read to exactly the cells stated.
@Suite("Reader variants")
struct VariantTests {
  // MARK: - Positions

  @Test("rows and cells without r are placed by counting")
  func positionsByCounting() throws {
    let xml = worksheet(
      """
      <row><c><v>1</v></c><c><v>2</v></c></row>\
      <row r="4"><c><v>3</v></c><c r="D4"><v>4</v></c><c><v>5</v></c></row>\
      <row><c><v>6</v></c></row>\
      <row><c r="C8"><v>7</v></c><c><v>8</v></c></row>\
      <row><c><v>9</v></c></row>\
      <row r="12"><c r="B12"><v>10</v></c></row>\
      <row><c r="B13"><v>11</v></c><c><v>12</v></c></row>
      """)
    #expect(
      try rows(sheetXML: xml) == [
        RowSnapshot(1, [("A1", .number(1)), ("B1", .number(2))]),
        RowSnapshot(4, [("A4", .number(3)), ("D4", .number(4)), ("E4", .number(5))]),
        RowSnapshot(5, [("A5", .number(6))]),
        RowSnapshot(8, [("C8", .number(7)), ("D8", .number(8))]),
        RowSnapshot(9, [("A9", .number(9))]),
        RowSnapshot(12, [("B12", .number(10))]),
        RowSnapshot(13, [("B13", .number(11)), ("C13", .number(12))]),
      ])
  }

  @Test("<dimension> is not consulted", arguments: [nil, "A1:B1", "A1", "Z1000:ZZ2000", "garbage"])
  func dimensionIgnored(dimension: String?) throws {
    var xml = "<worksheet xmlns=\"\(spreadsheetMLNamespace)\">"
    if let dimension { xml += "<dimension ref=\"\(dimension)\"/>" }
    xml += "<sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
    xml += "<row r=\"9\"><c r=\"D9\"><v>2</v></c></row></sheetData></worksheet>"
    #expect(
      try rows(sheetXML: xml) == [
        RowSnapshot(1, [("A1", .number(1))]), RowSnapshot(9, [("D9", .number(2))]),
      ])
  }

  @Test("cells written out of column order come out sorted; a repeated position keeps the last")
  func outOfOrderCells() throws {
    let xml = worksheet(
      """
      <row r="1"><c r="C1"><v>3</v></c><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>\
      <row r="2"><c r="B2"><v>1</v></c><c r="A2"><v>5</v></c><c r="B2"><v>9</v></c></row>\
      <row r="3"><c r="D3"><v>4</v></c><c r="A3"><v>1</v></c><c><v>2</v></c></row>
      """)
    #expect(
      try rows(sheetXML: xml) == [
        RowSnapshot(1, [("A1", .number(1)), ("B1", .number(2)), ("C1", .number(3))]),
        RowSnapshot(2, [("A2", .number(5)), ("B2", .number(9))]),
        RowSnapshot(3, [("A3", .number(1)), ("B3", .number(2)), ("D3", .number(4))]),
      ])
  }

  @Test("styled empty rows and cells are not data")
  func styledEmptyRowsAndCells() throws {
    let xml = worksheet(
      """
      <row r="1"><c r="A1"><v>1</v></c><c r="B1" s="1"/></row>\
      <row r="2"><c r="B2" s="1"/></row>\
      <row r="5" s="3" customFormat="1"/>\
      <row r="6" spans="1:3" ht="30" customHeight="1"></row>\
      <row r="7"><c r="A7" s="2"></c><c r="C7" s="1" t="s"/></row>\
      <row r="8"><c r="A8" s="1"/><c><v>8</v></c></row>
      """)
    #expect(
      try rows(
        sheetXML: xml, stylesXML: XLSXBuilder.stylesXML(numFmts: [], cellXfNumFmtIds: [0, 14, 2]))
        == [
          RowSnapshot(1, [("A1", .number(1))]),
          RowSnapshot(8, [("B8", .number(8))]),
        ])
  }

  @Test("a stray cell at XFD1048576 costs one cell, not a grid")
  func strayFarCell() throws {
    let xml =
      "<worksheet xmlns=\"\(spreadsheetMLNamespace)\"><dimension ref=\"A1:XFD1048576\"/><sheetData>"
      + "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
      + "<row r=\"1048576\"><c r=\"XFD1048576\" t=\"inlineStr\"><is><t>far</t></is></c></row>"
      + "</sheetData></worksheet>"
    #expect(
      try rows(sheetXML: xml) == [
        RowSnapshot(1, [("A1", .number(1))]),
        RowSnapshot(1_048_576, [("XFD1048576", .text("far"))]),
      ])
  }

  // MARK: - Strings

  @Test("inline strings, plain and rich, phonetic runs skipped")
  func inlineStrings() throws {
    let xml = worksheet(
      """
      <row r="1">\
      <c r="A1" t="inlineStr"><is><t>plain</t></is></c>\
      <c r="B1" t="inlineStr"><is><r><rPr><b/><sz val="11"/><rFont val="Calibri"/></rPr><t>Bold</t></r>\
      <r><rPr><i/></rPr><t xml:space="preserve"> and italic</t></r></is></c>\
      <c r="C1" t="inlineStr"><is><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh>\
      <phoneticPr fontId="1"/></is></c>\
      <c r="D1" t="inlineStr"><is><t>中文 🍣</t></is></c>\
      <c r="E1" t="inlineStr"><is/></c>\
      <c r="F1" t="inlineStr"><is><t/></is></c>\
      </row>
      """)
    #expect(
      try cells(sheetXML: xml) == [
        "A1": .text("plain"), "B1": .text("Bold and italic"), "C1": .text("東京"),
        "D1": .text("中文 🍣"),
      ])
  }

  @Test("rich-text shared strings: runs joined, phonetic runs skipped")
  func richSharedStrings() throws {
    var builder = XLSXBuilder(sheets: [
      .init(name: "S", rows: [[.sharedString(0), .sharedString(1), .sharedString(2)]])
    ])
    builder.sharedStringsXML =
      declaration + "<sst xmlns=\"\(spreadsheetMLNamespace)\" count=\"3\" uniqueCount=\"3\">"
      + "<si><r><rPr><b/></rPr><t>東</t></r><r><t>京</t></r>"
      + "<rPh sb=\"0\" eb=\"1\"><t>トウ</t></rPh><rPh sb=\"1\" eb=\"2\"><t>キョウ</t></rPh>"
      + "<phoneticPr fontId=\"1\" type=\"noConversion\"/></si>"
      + "<si><t>plain</t><rPh sb=\"0\" eb=\"5\"><t>ぷれいん</t></rPh></si>"
      + "<si><r><t xml:space=\"preserve\">a </t></r><r><rPr><sz val=\"9\"/></rPr><t>b</t></r></si>"
      + "</sst>"
    #expect(
      try read(builder) == ["S": ["A1": .text("東京"), "B1": .text("plain"), "C1": .text("a b")]])
  }

  @Test(
    "_xHHHH_ escapes are decoded in inline and shared strings",
    arguments: [
      ("a_x000D_b", "a\rb"),
      ("x_x000D__x000A_y", "x\r\ny"),
      ("_x005F_x0041_", "_x0041_"),
      ("_x0041__x0042_", "AB"),
      ("_xD83C__xDF63_", "🍣"),
      ("_x0009_tab", "\ttab"),
      ("_x00_", "_x00_"),
      ("_xZZZZ_", "_xZZZZ_"),
    ])
  func xstringEscapes(raw: String, expected: String) throws {
    var builder = XLSXBuilder(sheets: [
      .init(
        name: "S",
        xml: worksheet(
          "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>\(raw)</t></is></c>"
            + "<c r=\"B1\" t=\"s\"><v>0</v></c></row>"))
    ])
    builder.sharedStrings = [raw]
    #expect(try read(builder) == ["S": ["A1": .text(expected), "B1": .text(expected)]])
  }

  @Test("xml:space=preserve keeps edge spaces; without it XML white space at the edges is dropped")
  func xmlSpace() throws {
    let xml = worksheet(
      """
      <row r="1">\
      <c r="A1" t="inlineStr"><is><t xml:space="preserve">  a b  </t></is></c>\
      <c r="B1" t="inlineStr"><is><t>  a b  </t></is></c>\
      <c r="C1" t="inlineStr"><is><t>
      \ta\tb
      </t></is></c>\
      <c r="D1" t="inlineStr"><is><r><t>Hello </t></r><r><t xml:space="preserve"> World</t></r></is></c>\
      <c r="E1" t="inlineStr"><is><t>   </t></is></c>\
      <c r="F1" t="inlineStr"><is><t xml:space="preserve">   </t></is></c>\
      <c r="G1" t="s"><v>0</v></c><c r="H1" t="s"><v>1</v></c>\
      </row>
      """)
    var builder = XLSXBuilder(sheets: [.init(name: "S", xml: xml)])
    builder.sharedStringsXML =
      declaration + "<sst xmlns=\"\(spreadsheetMLNamespace)\">"
      + "<si><t xml:space=\"preserve\"> kept </t></si><si><t> dropped </t></si></sst>"
    #expect(
      try read(builder) == [
        "S": [
          "A1": .text("  a b  "), "B1": .text("a b"), "C1": .text("a\tb"),
          "D1": .text("Hello World"),
          "F1": .text("   "), "G1": .text(" kept "), "H1": .text("dropped"),
        ]
      ])
  }

  @Test("CDATA in inline strings is literal text")
  func cdata() throws {
    let xml = worksheet(
      """
      <row r="1">\
      <c r="A1" t="inlineStr"><is><t><![CDATA[<b>&amp; "x"]]></t></is></c>\
      <c r="B1" t="inlineStr"><is><t>a<![CDATA[<]]>b&amp;c</t></is></c>\
      <c r="C1" t="inlineStr"><is><t><![CDATA[]]]]><![CDATA[>]]></t></is></c>\
      </row>
      """)
    #expect(
      try cells(sheetXML: xml) == [
        "A1": .text("<b>&amp; \"x\""), "B1": .text("a<b&c"), "C1": .text("]]>"),
      ])
  }

  @Test("line breaks are normalized to LF in text, as XML requires, CDATA included")
  func lineBreakNormalization() throws {
    let xml = worksheet(
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a\r\nb\rc</t></is></c>"
        + "<c r=\"B1\" t=\"inlineStr\"><is><t>&amp;\r\n</t></is></c></row>"
        + "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t><![CDATA[a\r\nb]]></t></is></c></row>")
    let result = try cells(sheetXML: xml)
    #expect(result["A1"] == .text("a\nb\nc"))
    #expect(result["B1"] == .text("&"))
    #expect(result["A2"] == .text("a\nb"))
  }

  @Test("entity and character references are decoded")
  func entities() throws {
    var builder = XLSXBuilder(sheets: [
      .init(
        name: "A&B <1>",
        xml: worksheet(
          "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&amp;&lt;&#x4E2D;&#25991;&gt;&quot;&apos;</t></is></c>"
            + "<c r=\"B1\" t=\"inlineStr\"><is><t>&#x1F363;&#127843;</t></is></c>"
            + "<c r=\"C1\" t=\"s\"><v>0</v></c><c r=\"D1\"><v>1&#x2E;5</v></c></row>"))
    ])
    builder.sharedStringsXML =
      declaration + "<sst xmlns=\"\(spreadsheetMLNamespace)\"><si><t>x&amp;y&#x3c;z</t></si></sst>"
    let workbook = try Workbook(bytes: builder.build())
    #expect(workbook.sheets.map(\.name) == ["A&B <1>"])
    #expect(
      try read(builder) == [
        "A&B <1>": [
          "A1": .text("&<中文>\"'"), "B1": .text("🍣🍣"), "C1": .text("x&y<z"), "D1": .number(1.5),
        ]
      ])
  }

  @Test("comments and processing instructions inside sheet XML are skipped")
  func commentsAndProcessingInstructions() throws {
    let xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><?mso-application progid=\"Excel.Sheet\"?>"
      + "<!-- leading comment --><worksheet xmlns=\"\(spreadsheetMLNamespace)\"><!-- c1 -->"
      + "<sheetData><?pi in sheetData?><!-- <row r=\"9\"><c r=\"Z9\"><v>9</v></c></row> -->"
      + "<row r=\"1\"><!-- in row --><c r=\"A1\"><?pi in cell?><v>1<!-- split -->2</v></c>"
      + "<c r=\"B1\" t=\"inlineStr\"><is><t>a<!--x-->b<?pi?>c</t></is></c></row>"
      + "</sheetData><!-- trailing --></worksheet><!-- after root --><?pi after?>"
    #expect(try cells(sheetXML: xml) == ["A1": .number(12), "B1": .text("abc")])
  }

  // MARK: - Value types

  @Test("booleans, errors and formula cells with and without cached values")
  func booleansErrorsFormulas() throws {
    let xml = worksheet(
      """
      <row r="1">\
      <c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c>\
      <c r="C1" t="e"><v>#N/A</v></c><c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c>\
      <c r="E1"><f>1+1</f><v>2</v></c><c r="F1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>\
      <c r="G1"><f>NOW()</f></c><c r="H1" t="str"><f>A1</f></c>\
      <c r="I1" t="b"><f>TRUE()</f><v>1</v></c>\
      <c r="J1"><f t="shared" ref="J1:J2" si="0">E1*2</f><v>4</v></c>\
      <c r="K1" t="n"><v>3</v></c><c r="L1" t="str"><f>""</f><v></v></c>\
      </row>\
      <row r="2"><c r="J2"><f t="shared" si="0"/><v>6</v></c><c r="K2"><f>SUM(E1:E1)</f><v/></c></row>
      """)
    #expect(
      try cells(sheetXML: xml) == [
        "A1": .bool(true), "B1": .bool(false), "C1": .error("#N/A"), "D1": .error("#DIV/0!"),
        "E1": .number(2), "F1": .text("ab"), "I1": .bool(true), "J1": .number(4), "K1": .number(3),
        "J2": .number(6),
      ])
  }

  @Test("empty <v/> and <v></v> make no cell")
  func emptyValues() throws {
    let xml = worksheet(
      """
      <row r="1"><c r="A1"><v/></c><c r="B1"><v></v></c><c r="C1" t="str"><v></v></c>\
      <c r="D1" t="b"><v/></c><c r="E1" t="e"><v/></c><c r="F1"><v>7</v></c></row>\
      <row r="2"><c r="A2"><v/></c><c r="B2" t="d"><v></v></c></row>
      """)
    #expect(try rows(sheetXML: xml) == [RowSnapshot(1, [("F1", .number(7))])])
  }

  @Test(
    "numbers are read exactly",
    arguments: [
      ("1E-3", 1e-3), ("-0.5", -0.5), ("12345678901234567890", 12_345_678_901_234_567_890.0),
      ("0.1", 0.1), ("3.0000000000000004", 3.0000000000000004),
      ("0.30000000000000004", 0.30000000000000004), ("9007199254740993", 9_007_199_254_740_992.0),
      ("1.7976931348623157E308", Double.greatestFiniteMagnitude),
      ("4.9406564584124654E-324", Double.leastNonzeroMagnitude), ("+5", 5), ("1e5", 100_000),
      (".5", 0.5), ("-1.5E+2", -150), ("000123", 123), ("45108", 45108),
    ])
  func numbers(text: String, expected: Double) throws {
    let xml = worksheet("<row r=\"1\"><c r=\"A1\"><v>\(text)</v></c></row>")
    #expect(try cells(sheetXML: xml) == ["A1": .number(expected)])
  }

  // SPEC §8: "a number cell whose value is not a finite double is CELL-002 at that cell, never
  // text" — these were `.text` before.
  @Test("a number cell whose text is not a number keeps the characters, as no number")
  func notANumber() throws {
    let xml = worksheet(
      "<row r=\"1\"><c r=\"A1\"><v>abc</v></c><c r=\"B1\"><v>1e400</v></c><c r=\"C1\"><v>NaN</v></c></row>"
    )
    #expect(
      try cells(sheetXML: xml)
        == [
          "A1": .invalidNumber("abc"), "B1": .invalidNumber("1e400"), "C1": .invalidNumber("NaN"),
        ])
  }

  // MARK: - Dates and number formats

  // SPEC §8 ("Date cells of type d … keep their time-zone designator"): a t="d" cell is an
  // `.isoDate` with the date and time as written, no longer a UTC serial; the serial for writing
  // back is the wall-clock one.
  @Test(
    "ISO t=\"d\" cells keep the date and time as written",
    arguments: [
      ("2023-07-01", 45108.0), ("2023-07-01T12:00:00", 45108.5), ("2023-07-01T06:00:00Z", 45108.25),
      ("2023-07-01T12:00:00+12:00", 45108.5), ("2023-07-01 18:00", 45108.75), ("18:00:00", 0.75),
      ("12:00", 0.5), ("1900-01-01", 1), ("1900-02-28", 59), ("1900-03-01", 61),
      ("9999-12-31", 2_958_465),
    ])
  func isoDates(text: String, serial: Double) throws {
    let xml = worksheet("<row r=\"1\"><c r=\"A1\" t=\"d\"><v>\(text)</v></c></row>")
    guard case .isoDate(let d)? = try cells(sheetXML: xml)["A1"] else {
      Issue.record("expected an ISO date")
      return
    }
    #expect(d.serial1900 == serial)
  }

  @Test(
    "an ISO t=\"d\" cell that is no date keeps its text",
    arguments: ["2023-02-30", "2023-7-1", "yesterday"])
  func isoDateInvalid(text: String) throws {
    let xml = worksheet("<row r=\"1\"><c r=\"A1\" t=\"d\"><v>\(text)</v></c></row>")
    #expect(try cells(sheetXML: xml) == ["A1": .text(text)])
  }

  @Test("serial 60 under a date format is a date, shown as 1900-02-28")
  func serial60() throws {
    let styles = XLSXBuilder.stylesXML(numFmts: [], cellXfNumFmtIds: [0, 14])
    let xml = worksheet(
      "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>59</v></c><c r=\"B1\" s=\"1\"><v>60</v></c>"
        + "<c r=\"C1\" s=\"1\"><v>61</v></c></row>")
    let result = try cells(sheetXML: xml, stylesXML: styles)
    #expect(result == ["A1": .date(serial: 59), "B1": .date(serial: 60), "C1": .date(serial: 61)])
    #expect(
      SpreadsheetDate.parts(serial: 60, date1904: false)
        == SpreadsheetDate.Parts(year: 1900, month: 2, day: 28))
    #expect(
      SpreadsheetDate.parts(serial: 59, date1904: false)
        == SpreadsheetDate.Parts(year: 1900, month: 2, day: 28))
    #expect(
      SpreadsheetDate.parts(serial: 61, date1904: false)
        == SpreadsheetDate.Parts(year: 1900, month: 3, day: 1))
  }

  static let formatCases: [(style: Int, numFmtId: Int, expected: CellValue)] = [
    (0, 0, .number(45108.25)),
    (1, 176, .date(serial: 45108.25)),  // yyyy"年"m"月"d"日"
    (2, 31, .date(serial: 45108.25)),  // built-in CJK date
    (3, 57, .date(serial: 45108.25)),  // built-in CJK year-month
    (4, 14, .date(serial: 45108.25)),
    (5, 177, .duration(days: 45108.25)),  // [h]:mm:ss
    (6, 178, .number(45108.25)),  // 0.00"元"
    (7, 179, .number(45108.25)),  // [Red]#,##0
    (8, 46, .duration(days: 45108.25)),
    (9, 22, .date(serial: 45108.25)),
    (10, 49, .number(45108.25)),  // @
    (11, 180, .date(serial: 45108.25)),  // [$-804]yyyy/m/d h:mm
    (12, 181, .number(45108.25)),  // #,##0.00_);[Red](#,##0.00)
    (13, 182, .duration(days: 45108.25)),  // [mm]:ss
    (14, 2, .number(45108.25)),  // 0.00
  ]

  @Test("number formats decide number, date or duration", arguments: formatCases)
  func numberFormats(style: Int, numFmtId: Int, expected: CellValue) throws {
    let styles = XLSXBuilder.stylesXML(
      numFmts: [
        (176, "yyyy\"年\"m\"月\"d\"日\""), (177, "[h]:mm:ss"), (178, "0.00\"元\""), (179, "[Red]#,##0"),
        (180, "[$-804]yyyy/m/d h:mm"), (181, "#,##0.00_);[Red](#,##0.00)"), (182, "[mm]:ss"),
      ],
      cellXfNumFmtIds: Self.formatCases.map(\.numFmtId))
    let xml = worksheet("<row r=\"1\"><c r=\"A1\" s=\"\(style)\"><v>45108.25</v></c></row>")
    #expect(try cells(sheetXML: xml, stylesXML: styles) == ["A1": expected])
  }

  @Test("a style index past cellXfs, or no styles part, reads as a number")
  func missingStyles() throws {
    let xml = worksheet(
      "<row r=\"1\"><c r=\"A1\" s=\"5\"><v>45108</v></c><c r=\"B1\" s=\"1\"><v>1</v></c></row>")
    #expect(try cells(sheetXML: xml) == ["A1": .number(45108), "B1": .number(1)])
    let styles = XLSXBuilder.stylesXML(numFmts: [], cellXfNumFmtIds: [0, 14])
    #expect(
      try cells(sheetXML: xml, stylesXML: styles) == ["A1": .number(45108), "B1": .date(serial: 1)])
  }

  @Test("cellStyleXfs entries do not shift the cellXfs indexes")
  func cellStyleXfsDoNotShift() throws {
    // cellStyleXfs first, holding a *date* format: a reader taking the first <xf> elements
    // would make s="0" a date and s="1" a number.
    let styles =
      declaration + "<styleSheet xmlns=\"\(spreadsheetMLNamespace)\">"
      + "<cellStyleXfs count=\"2\"><xf numFmtId=\"14\"/><xf numFmtId=\"22\"/></cellStyleXfs>"
      + "<cellXfs count=\"2\"><xf numFmtId=\"0\" xfId=\"0\"/><xf numFmtId=\"14\" xfId=\"1\"/></cellXfs>"
      + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
      + "</styleSheet>"
    let xml = worksheet(
      "<row r=\"1\"><c r=\"A1\" s=\"0\"><v>45108</v></c><c r=\"B1\" s=\"1\"><v>45108</v></c>"
        + "<c r=\"C1\" s=\"2\"><v>45108</v></c></row>")
    #expect(
      try cells(sheetXML: xml, stylesXML: styles) == [
        "A1": .number(45108), "B1": .date(serial: 45108), "C1": .number(45108),
      ])
  }

  @Test("numFmt elements inside dxfs (conditional formats) do not redefine cell formats")
  func dxfNumFmtDoesNotOverride() throws {
    // numFmts defines 164 as a date; a dxf (a conditional format's differential) carries its own
    // numFmt with the same id and another code. Only numFmts/numFmt defines what cellXfs use.
    let styles =
      declaration + "<styleSheet xmlns=\"\(spreadsheetMLNamespace)\">"
      + "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd\"/></numFmts>"
      + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\"/></cellStyleXfs>"
      + "<cellXfs count=\"2\"><xf numFmtId=\"0\" xfId=\"0\"/><xf numFmtId=\"164\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>"
      + "<dxfs count=\"1\"><dxf><numFmt numFmtId=\"164\" formatCode=\"0.00\"/></dxf></dxfs>"
      + "</styleSheet>"
    let xml = worksheet("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>45108</v></c></row>")
    let result = try cells(sheetXML: xml, stylesXML: styles)
    #expect(result == ["A1": .date(serial: 45108)])
  }

  @Test("the 1904 date system")
  func date1904() throws {
    var builder = XLSXBuilder(sheets: [
      .init(
        name: "S",
        xml: worksheet(
          "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>0</v></c><c r=\"B1\" t=\"d\"><v>2023-07-01</v></c>"
            + "<c r=\"C1\" t=\"d\"><v>18:00:00</v></c><c r=\"D1\" t=\"d\"><v>1904-01-02T12:00:00</v></c>"
            + "<c r=\"E1\"><v>5</v></c></row>"))
    ])
    builder.stylesXML = XLSXBuilder.stylesXML(numFmts: [], cellXfNumFmtIds: [0, 14])
    builder.date1904 = true
    #expect(try Workbook(bytes: builder.build()).date1904 == true)
    #expect(
      try read(builder) == [
        "S": [
          "A1": .date(serial: 0), "B1": .isoDate(try #require(parseISODate("2023-07-01"))),
          "C1": .isoDate(try #require(parseISODate("18:00:00"))),
          "D1": .isoDate(try #require(parseISODate("1904-01-02T12:00:00"))), "E1": .number(5),
        ]
      ])
    #expect(SpreadsheetDate.parts(serial: 0, date1904: true) == .init(year: 1904, month: 1, day: 1))
    #expect(
      SpreadsheetDate.parts(serial: 43646, date1904: true) == .init(year: 2023, month: 7, day: 1))

    builder.date1904 = false
    #expect(try Workbook(bytes: builder.build()).date1904 == false)
  }

  // MARK: - Workbook structure

  @Test("hidden and veryHidden sheets are listed with their visibility")
  func visibility() throws {
    let builder = XLSXBuilder(sheets: [
      .init(name: "Shown", rows: [[.number(1)]]),
      .init(name: "Hidden", rows: [[.number(2)]], state: "hidden"),
      .init(name: "Very", rows: [[.number(3)]], state: "veryHidden"),
    ])
    let workbook = try Workbook(bytes: builder.build())
    #expect(workbook.sheets.map(\.name) == ["Shown", "Hidden", "Very"])
    #expect(workbook.sheets.map(\.visibility) == [.visible, .hidden, .veryHidden])
    #expect(workbook.sheets.map(\.kind) == [.worksheet, .worksheet, .worksheet])
    #expect(
      try read(builder) == [
        "Shown": ["A1": .number(1)], "Hidden": ["A1": .number(2)], "Very": ["A1": .number(3)],
      ])
  }

  @Test("a chartsheet is listed with kind .chartsheet and yields no rows")
  func chartsheet() throws {
    var builder = XLSXBuilder(sheets: [.init(name: "Data", rows: [[.number(1)]])])
    builder.workbookXML = workbookXML(sheets: [("Data", "rId1"), ("Chart1", "rId7")])
    builder.extraWorkbookRelationships = [
      ("rId7", officeRelationshipsNS + "/chartsheet", "chartsheets/sheet1.xml")
    ]
    builder.extraEntries = [
      ZipEntry(
        "xl/chartsheets/sheet1.xml",
        declaration
          + "<chartsheet xmlns=\"\(spreadsheetMLNamespace)\" xmlns:r=\"\(officeRelationshipsNS)\">"
          + "<sheetPr/><sheetViews><sheetView workbookViewId=\"0\"/></sheetViews>"
          + "<drawing r:id=\"rId1\"/></chartsheet>")
    ]
    let workbook = try Workbook(bytes: builder.build())
    #expect(workbook.sheets.map(\.name) == ["Data", "Chart1"])
    #expect(workbook.sheets.map(\.kind) == [.worksheet, .chartsheet])
    var chartRows = 0
    try workbook.forEachRow(inSheet: 1) { _ in chartRows += 1 }
    #expect(chartRows == 0)
    #expect(try read(builder) == ["Data": ["A1": .number(1)], "Chart1": [:]])
  }

  @Test("sheet order comes from workbook.xml, not from part numbering")
  func sheetOrder() throws {
    var builder = XLSXBuilder(sheets: [
      .init(name: "one", rows: [[.number(1)]]), .init(name: "two", rows: [[.number(2)]]),
      .init(name: "three", rows: [[.number(3)]]),
    ])
    builder.workbookXML = workbookXML(sheets: [
      ("Third", "rId3"), ("First", "rId1"), ("Second", "rId2"),
    ])
    let workbook = try Workbook(bytes: builder.build())
    #expect(workbook.sheets.map(\.name) == ["Third", "First", "Second"])
    var first: [RowSnapshot] = []
    try workbook.forEachRow(inSheet: 0) { first.append(RowSnapshot($0)) }
    #expect(first == [RowSnapshot(1, [("A1", .number(3))])])
    #expect(
      try read(builder) == [
        "Third": ["A1": .number(3)], "First": ["A1": .number(1)], "Second": ["A1": .number(2)],
      ])
  }

  @Test("a sheet entry with an empty or no r:id is skipped")
  func emptyRelationshipID() throws {
    var builder = XLSXBuilder(sheets: [.init(name: "Real", rows: [[.number(1)]])])
    builder.workbookXML =
      declaration
      + "<workbook xmlns=\"\(spreadsheetMLNamespace)\" xmlns:r=\"\(officeRelationshipsNS)\">"
      + "<sheets><sheet name=\"Ghost\" sheetId=\"9\" state=\"veryHidden\" r:id=\"\"/>"
      + "<sheet name=\"Real\" sheetId=\"1\" r:id=\"rId1\"/>"
      + "<sheet name=\"NoID\" sheetId=\"8\"/></sheets></workbook>"
    #expect(try Workbook(bytes: builder.build()).sheets.map(\.name) == ["Real"])
    #expect(try read(builder) == ["Real": ["A1": .number(1)]])
  }

  @Test("unknown relationship types in the workbook's relationships are skipped")
  func unknownRelationshipTypes() throws {
    var builder = XLSXBuilder(sheets: [.init(name: "S", rows: [[.number(1), .inlineString("x")]])])
    builder.extraWorkbookRelationships = [
      ("rId90", officeRelationshipsNS + "/customXml", "../customXml/item1.xml"),  // part missing
      ("rId91", "http://example.com/unknown", "unknown.xml"),
      ("rId92", "http://example.com/unknown", "missing/nothing.bin"),
      ("rId93", officeRelationshipsNS + "/theme", "theme/theme1.xml"),
    ]
    builder.extraEntries = [
      ZipEntry("xl/unknown.xml", "this is <<< not XML"),
      ZipEntry("xl/theme/theme1.xml", "<a:theme xmlns:a=\"urn:x\"><a:themeElements/></a:theme>"),
    ]
    let workbook = try Workbook(bytes: builder.build())
    #expect(workbook.sheets.map(\.name) == ["S"])
    #expect(try read(builder) == ["S": ["A1": .number(1), "B1": .text("x")]])
  }

  @Test("no shared-strings part: numbers and inline strings still read")
  func noSharedStrings() throws {
    let builder = XLSXBuilder(sheets: [
      .init(name: "S", rows: [[.number(1), .inlineString("x"), .bool(true)]])
    ])
    #expect(builder.sharedStrings == nil && builder.sharedStringsXML == nil)
    #expect(try read(builder) == ["S": ["A1": .number(1), "B1": .text("x"), "C1": .bool(true)]])
  }

  // MARK: - Namespaces

  @Test("prefixed element names in sheet, workbook and shared strings")
  func prefixedNames() throws {
    let ns = spreadsheetMLNamespace
    var builder = XLSXBuilder(sheets: [
      .init(
        name: "ignored",
        xml: declaration
          + "<x:worksheet xmlns:x=\"\(ns)\"><x:dimension ref=\"A1:C2\"/><x:sheetData>"
          + "<x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>0</x:v></x:c><x:c r=\"B1\"><x:v>2.5</x:v></x:c>"
          + "<x:c r=\"C1\" t=\"inlineStr\"><x:is><x:r><x:t xml:space=\"preserve\">in </x:t></x:r>"
          + "<x:r><x:t>line</x:t></x:r></x:is></x:c></x:row>"
          + "<x:row r=\"2\"><x:c r=\"A2\" s=\"1\"><x:v>1</x:v></x:c><x:c r=\"B2\" t=\"s\"><x:v>1</x:v></x:c>"
          + "</x:row></x:sheetData></x:worksheet>")
    ])
    builder.workbookXML =
      declaration + "<x:workbook xmlns:x=\"\(ns)\" xmlns:r=\"\(officeRelationshipsNS)\">"
      + "<x:workbookPr date1904=\"true\"/><x:sheets>"
      + "<x:sheet name=\"Prefixed\" sheetId=\"1\" state=\"hidden\" r:id=\"rId1\"/></x:sheets></x:workbook>"
    builder.sharedStringsXML =
      declaration + "<x:sst xmlns:x=\"\(ns)\" count=\"2\" uniqueCount=\"2\">"
      + "<x:si><x:t>one</x:t></x:si><x:si><x:r><x:t>t</x:t></x:r><x:r><x:t>wo</x:t></x:r>"
      + "<x:rPh sb=\"0\" eb=\"1\"><x:t>ツー</x:t></x:rPh></x:si></x:sst>"
    builder.stylesXML = XLSXBuilder.stylesXML(numFmts: [], cellXfNumFmtIds: [0, 14])
      .replacingOccurrences(of: "<", with: "<s:").replacingOccurrences(of: "<s:/", with: "</s:")
      .replacingOccurrences(of: "<s:?xml", with: "<?xml")
      .replacingOccurrences(of: "xmlns=", with: "xmlns:s=")
    let workbook = try Workbook(bytes: builder.build())
    #expect(workbook.date1904)
    #expect(workbook.sheets.map(\.name) == ["Prefixed"])
    #expect(workbook.sheets.map(\.visibility) == [.hidden])
    #expect(
      try read(builder) == [
        "Prefixed": [
          "A1": .text("one"), "B1": .number(2.5), "C1": .text("in line"), "A2": .date(serial: 1),
          "B2": .text("two"),
        ]
      ])
  }

  @Test("Strict OOXML namespaces and relationship types")
  func strictOOXML() throws {
    let rel = strictRelationshipsNS
    let sheet =
      declaration + "<worksheet xmlns=\"\(strictSpreadsheetNS)\" xmlns:r=\"\(rel)\"><sheetData>"
      + "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>45108</v></c>"
      + "<c r=\"C1\" t=\"d\"><v>2023-07-01T12:00:00</v></c><c r=\"D1\"><v>2.5</v></c>"
      + "<c r=\"E1\" t=\"inlineStr\"><is><t>inline</t></is></c></row></sheetData></worksheet>"
    let entries = [
      ZipEntry("[Content_Types].xml", contentTypesXML),
      ZipEntry(
        "_rels/.rels", relationshipsXML([("rId1", rel + "/officeDocument", "xl/workbook.xml")])),
      ZipEntry(
        "xl/workbook.xml",
        workbookXML(
          sheets: [("Strict", "rId1")], namespace: strictSpreadsheetNS, relationshipsNamespace: rel)
      ),
      ZipEntry(
        "xl/_rels/workbook.xml.rels",
        relationshipsXML([
          ("rId1", rel + "/worksheet", "worksheets/sheet1.xml"),
          ("rId2", rel + "/sharedStrings", "sharedStrings.xml"),
          ("rId3", rel + "/styles", "styles.xml"),
        ])),
      ZipEntry("xl/worksheets/sheet1.xml", sheet),
      ZipEntry(
        "xl/sharedStrings.xml",
        declaration + "<sst xmlns=\"\(strictSpreadsheetNS)\"><si><t>严格</t></si></sst>"),
      ZipEntry(
        "xl/styles.xml",
        XLSXBuilder.stylesXML(numFmts: [], cellXfNumFmtIds: [0, 14])
          .replacingOccurrences(of: spreadsheetMLNamespace, with: strictSpreadsheetNS)),
    ]
    #expect(
      try read(bytes: ZipBuilder.archive(entries)) == [
        "Strict": [
          "A1": .text("严格"), "B1": .date(serial: 45108),
          "C1": .isoDate(try #require(parseISODate("2023-07-01T12:00:00"))), "D1": .number(2.5),
          "E1": .text("inline"),
        ]
      ])
  }

  // MARK: - Part names

  static let sheetData =
    worksheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\"><v>2</v></c></row>")
  static let sharedStrings =
    declaration + "<sst xmlns=\"\(spreadsheetMLNamespace)\"><si><t>shared</t></si></sst>"
  static let expected: [String: [String: CellValue]] = [
    "S": ["A1": .text("shared"), "B1": .number(2)]
  ]

  @Test(
    "part names are matched case-insensitively and with backslashes",
    arguments: [
      ["xl/worksheets/sheet1.xml": "XL/Worksheets/Sheet1.XML"],
      ["xl/worksheets/sheet1.xml": "xl\\worksheets\\sheet1.xml"],
      [
        "[Content_Types].xml": "[CONTENT_TYPES].XML", "_rels/.rels": "_RELS/.RELS",
        "xl/workbook.xml": "XL/Workbook.XML",
        "xl/_rels/workbook.xml.rels": "XL/_Rels/Workbook.xml.RELS",
        "xl/worksheets/sheet1.xml": "Xl/WorkSheets/SHEET1.xml",
        "xl/sharedStrings.xml": "XL/SHAREDSTRINGS.XML",
      ],
      [
        "_rels/.rels": "_rels\\.rels", "xl/workbook.xml": "xl\\workbook.xml",
        "xl/_rels/workbook.xml.rels": "xl\\_rels\\workbook.xml.rels",
        "xl/worksheets/sheet1.xml": "xl\\worksheets\\sheet1.xml",
        "xl/sharedStrings.xml": "xl\\sharedStrings.xml",
      ],
      ["xl/worksheets/sheet1.xml": "/xl/worksheets/sheet1.xml"],
    ])
  func partNameVariants(renames: [String: String]) throws {
    let entries = packageEntries(sheetXML: Self.sheetData, sharedStringsXML: Self.sharedStrings).map
    {
      var e = $0
      e.name = renames[e.name] ?? e.name
      return e
    }
    #expect(try read(bytes: ZipBuilder.archive(entries)) == Self.expected)
  }

  @Test(
    "relationship targets: absolute, with . and .., percent-escaped",
    arguments: [
      (
        "/xl/workbook.xml", "/xl/worksheets/sheet1.xml", "/xl/sharedStrings.xml",
        "xl/worksheets/sheet1.xml"
      ),
      (
        "./xl/./workbook.xml", "../xl/worksheets/../worksheets/sheet1.xml", "./sharedStrings.xml",
        "xl/worksheets/sheet1.xml"
      ),
      (
        "xl/workbook.xml", "worksheets/sheet%201.xml", "sharedStrings.xml",
        "xl/worksheets/sheet 1.xml"
      ),
      (
        "xl/workbook.xml", "Worksheets\\Sheet1.xml", "sharedStrings.xml", "xl/worksheets/sheet1.xml"
      ),
    ])
  func relationshipTargets(workbook: String, sheet: String, shared: String, sheetEntry: String)
    throws
  {
    let entries = [
      ZipEntry("[Content_Types].xml", contentTypesXML),
      ZipEntry(
        "_rels/.rels",
        relationshipsXML([("rId1", officeRelationshipsNS + "/officeDocument", workbook)])),
      ZipEntry("xl/workbook.xml", workbookXML(sheets: [("S", "rId1")])),
      ZipEntry(
        "xl/_rels/workbook.xml.rels",
        relationshipsXML([
          ("rId1", officeRelationshipsNS + "/worksheet", sheet),
          ("rId2", officeRelationshipsNS + "/sharedStrings", shared),
        ])),
      ZipEntry(sheetEntry, Self.sheetData),
      ZipEntry("xl/sharedStrings.xml", Self.sharedStrings),
    ]
    #expect(try read(bytes: ZipBuilder.archive(entries)) == Self.expected)
  }

  // MARK: - Zip storage

  static let storageCases: [(ZipEntry.Method, Bool, Bool)] = [
    (.stored, false, false), (.stored, true, false), (.deflateStored, false, false),
    (.deflateStored, true, false), (.stored, false, true), (.stored, true, true),
    (.deflateStored, false, true), (.deflateStored, true, true),
  ]

  @Test(
    "stored and deflated entries, data descriptors, ZIP64 local extra fields",
    arguments: storageCases)
  func zipStorage(method: ZipEntry.Method, dataDescriptor: Bool, zip64Extra: Bool) throws {
    let entries = packageEntries(sheetXML: Self.sheetData, sharedStringsXML: Self.sharedStrings).map
    {
      ZipEntry(
        $0.name, $0.data, method: method, dataDescriptor: dataDescriptor, zip64Extra: zip64Extra)
    }
    #expect(try read(bytes: ZipBuilder.archive(entries)) == Self.expected)
  }

  @Test("XLSXBuilder entry options: every entry with a data descriptor, mixed methods")
  func builderEntryOptions() throws {
    var builder = XLSXBuilder(sheets: [.init(name: "S", rows: [[.sharedString(0), .number(2)]])])
    builder.sharedStrings = ["shared"]
    builder.entryOptions = { _ in (.deflateStored, true) }
    #expect(try read(builder) == Self.expected)
    builder.entryOptions = { _ in (.stored, true) }
    #expect(try read(builder) == Self.expected)
    builder.entryOptions = { name in
      name.hasSuffix(".rels") ? (.stored, true) : (.deflateStored, false)
    }
    #expect(try read(builder) == Self.expected)
  }

  @Test("really compressed (fixed-Huffman deflate) entries")
  func realDeflate() throws {
    let padding = String(repeating: " ", count: 5000)
    let xml = worksheet(
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>\(String(repeating: "z", count: 3000))</t></is></c>"
        + "</row>\(padding)<row r=\"2\"><c r=\"B2\"><v>7</v></c></row>")
    let bytes = deflatedPackage(sheetXML: xml)
    #expect(bytes.count < xml.utf8.count / 2)  // it really is compressed
    #expect(
      try read(bytes: bytes) == [
        "S": ["A1": .text(String(repeating: "z", count: 3000)), "B2": .number(7)]
      ])
  }

  // MARK: - Encodings

  enum UTF16Form: String, CaseIterable {
    case littleEndianBOM, bigEndianBOM, littleEndianNoBOM, bigEndianNoBOM

    func encode(_ s: String) -> [UInt8] {
      let bigEndian = self == .bigEndianBOM || self == .bigEndianNoBOM
      let bom = self == .littleEndianBOM || self == .bigEndianBOM
      var out: [UInt8] = []
      for unit in (bom ? [0xFEFF] : []) + Array(s.utf16) {
        let (hi, lo) = (UInt8(unit >> 8), UInt8(unit & 0xFF))
        out += bigEndian ? [hi, lo] : [lo, hi]
      }
      return out
    }
  }

  @Test("UTF-16 parts (sheet, workbook, shared strings)", arguments: UTF16Form.allCases)
  func utf16Parts(form: UTF16Form) throws {
    let decl = "<?xml version=\"1.0\" encoding=\"UTF-16\" standalone=\"yes\"?>\r\n"
    let sheet =
      decl + "<worksheet xmlns=\"\(spreadsheetMLNamespace)\"><sheetData><row r=\"1\">"
      + "<c r=\"A1\" t=\"inlineStr\"><is><t>🍣寿司</t></is></c><c r=\"B1\"><v>1.5</v></c>"
      + "<c r=\"C1\" t=\"s\"><v>0</v></c><c r=\"D1\" t=\"inlineStr\"><is><t>&#x4E2D;&amp;文</t></is></c>"
      + "</row></sheetData></worksheet>"
    let shared = decl + "<sst xmlns=\"\(spreadsheetMLNamespace)\"><si><t>中文テキスト𠮷</t></si></sst>"
    let entries = packageEntries(sheetXML: sheet, sharedStringsXML: shared).map {
      entry -> ZipEntry in
      var e = entry
      switch e.name {
      case "xl/worksheets/sheet1.xml": e.data = form.encode(sheet)
      case "xl/sharedStrings.xml": e.data = form.encode(shared)
      case "xl/workbook.xml":
        e.data = form.encode(
          workbookXML(sheets: [("表1🍣", "rId1")]).replacingOccurrences(of: "UTF-8", with: "UTF-16"))
      default: break
      }
      return e
    }
    #expect(
      try read(bytes: ZipBuilder.archive(entries)) == [
        "表1🍣": [
          "A1": .text("🍣寿司"), "B1": .number(1.5), "C1": .text("中文テキスト𠮷"), "D1": .text("中&文"),
        ]
      ])
  }

  @Test(
    "a large UTF-16 sheet: surrogate pairs across the transcoder's chunks",
    arguments: [UTF16Form.littleEndianBOM, .bigEndianBOM])
  func largeUTF16(form: UTF16Form) throws {
    // 3,000 cells of 25 surrogate pairs each (~330 KB of UTF-16): chunk edges fall inside pairs.
    var xml = "<worksheet xmlns=\"\(spreadsheetMLNamespace)\"><sheetData>"
    var expected: [String: CellValue] = [:]
    for r in 1...3000 {
      let text = String(repeating: "🍣", count: 24) + (r % 2 == 0 ? "中" : "𠮷")
      xml += "<row r=\"\(r)\"><c r=\"A\(r)\" t=\"inlineStr\"><is><t>\(text)</t></is></c></row>"
      expected["A\(r)"] = .text(text)
    }
    xml += "</sheetData></worksheet>"
    let entries = packageEntries(sheetXML: xml).map { entry -> ZipEntry in
      var e = entry
      if e.name == "xl/worksheets/sheet1.xml" { e.data = form.encode(xml) }
      return e
    }
    let result = try read(bytes: ZipBuilder.archive(entries))
    #expect(result["S"]?.count == 3000)
    #expect(result == ["S": expected])
  }

  @Test("UTF-8 byte-order marks on every part")
  func utf8BOM() throws {
    let entries = packageEntries(sheetXML: Self.sheetData, sharedStringsXML: Self.sharedStrings).map
    {
      var e = $0
      e.data = [0xEF, 0xBB, 0xBF] + e.data
      return e
    }
    #expect(try read(bytes: ZipBuilder.archive(entries)) == Self.expected)
  }
}
