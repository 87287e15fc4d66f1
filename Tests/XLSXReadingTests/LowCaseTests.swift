import Model
import Testing
import XLSXTestSupport

@testable import XLSXReading

/// The low cases of SPEC §8, as ECMA-376 and XML 1.0 decide them: white space around numbers and
/// string indices, inherited `xml:space`, foreign namespaces, numbers that are no finite double,
/// `t="d"` cells with their designator, and sheet states in any case.
@Suite("ECMA-376 low cases")
struct LowCaseTests {
  @Test(
    "numbers and shared-string indices collapse surrounding white space",
    arguments: [" 7 ", "7 ", "\n7\t", " \r\n 7"])
  func whitespaceAroundValues(_ padded: String) throws {
    let xml = worksheet(
      "<row r=\"1\"><c r=\"A1\"><v>\(padded)</v></c><c r=\"B1\" t=\"s\"><v>\(padded.replacingOccurrences(of: "7", with: "1"))</v></c>"
        + "<c r=\"C1\" t=\"b\"><v>\(padded.replacingOccurrences(of: "7", with: "1"))</v></c></row>")
    #expect(
      try cells(sheetXML: xml, sharedStrings: ["zero", "one"])
        == ["A1": .number(7), "B1": .text("one"), "C1": .bool(true)])
  }

  @Test("a number split by markup with white space still collapses")
  func splitNumber() throws {
    let xml = worksheet("<row r=\"1\"><c r=\"A1\"><v> 1<!-- -->2 </v></c></row>")
    #expect(try cells(sheetXML: xml) == ["A1": .number(12)])
  }

  @Test("xml:space on <si> and <is> is inherited by their <t>; a <t> of its own decides")
  func inheritedSpace() throws {
    let sst =
      "<?xml version=\"1.0\"?><sst xmlns=\"\(spreadsheetMLNamespace)\">"
      + "<si xml:space=\"preserve\"><t> a </t></si>"
      + "<si xml:space=\"preserve\"><r><t> b</t></r><r><t xml:space=\"default\"> c </t></r></si>"
      + "<si><t> d </t></si></sst>"
    let xml = worksheet(
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
        + "<c r=\"C1\" t=\"s\"><v>2</v></c>"
        + "<c r=\"D1\" t=\"inlineStr\"><is xml:space=\"preserve\"><t> e </t></is></c>"
        + "<c r=\"E1\" t=\"inlineStr\"><is><t> f </t></is></c></row>")
    var builder = XLSXBuilder(sheets: [.init(name: "S", xml: xml)])
    builder.sharedStringsXML = sst
    #expect(
      try read(builder)["S"]
        == [
          "A1": .text(" a "), "B1": .text(" bc"), "C1": .text("d"), "D1": .text(" e "),
          "E1": .text("f"),
        ])
  }

  @Test("elements outside the SpreadsheetML namespaces are ignored, with what they hold")
  func foreignElements() throws {
    let xml = worksheet(
      "<row r=\"1\"><c r=\"A1\"><v>1</v></c>"
        + "<x:foo xmlns:x=\"urn:example:foo\"><c r=\"B1\"><v>2</v></c></x:foo>"
        + "<c xmlns=\"urn:example:other\" r=\"C1\"><v>3</v></c>"
        + "<o:c xmlns:o=\"urn:example:other\" r=\"D1\"><o:v>4</o:v></o:c>"
        + "<s:c xmlns:s=\"\(spreadsheetMLNamespace)\" r=\"E1\"><s:v>5</s:v></s:c>"
        + "<t:c xmlns:t=\"\(strictSpreadsheetNS)\" r=\"F1\"><t:v>6</t:v></t:c>"
        + "<c r=\"G1\"><x:v xmlns:x=\"urn:example:foo\">99</x:v><v>7</v></c></row>"
        + "<y:row xmlns:y=\"urn:example:foo\" r=\"2\"><c r=\"A2\"><v>8</v></c></y:row>"
        + "<row r=\"3\"><c r=\"A3\"><v>9</v></c></row>")
    #expect(
      try cells(sheetXML: xml)
        == [
          "A1": .number(1), "E1": .number(5), "F1": .number(6), "G1": .number(7), "A3": .number(9),
        ])
  }

  @Test("a default namespace redeclared inside a row applies only within its element")
  func namespaceScope() throws {
    let xml = worksheet(
      "<row r=\"1\"><foo xmlns=\"urn:example:foo\"><bar/></foo><c r=\"A1\"><v>1</v></c></row>")
    #expect(try cells(sheetXML: xml) == ["A1": .number(1)])
  }

  @Test("a namespace declaration split across reads is still seen", arguments: [1, 2, 3, 5, 7, 11])
  func declarationAcrossChunks(chunk: Int) throws {
    let xml =
      // Past the 512 bytes read at the start, so the tags below arrive `chunk` bytes at a time.
      "<r xmlns=\"\(spreadsheetMLNamespace)\">" + String(repeating: "<!-- padding -->", count: 40)
      + "<c xmlns=\"urn:example:other\"><v>1</v></c>"
      + "<o:c xmlns:o=\"urn:example:other\"/><c/></r>"
    let tok = XMLTokenizer(
      part: "p", source: MemorySource(Array(xml.utf8), chunk: chunk), limits: ReaderLimits())
    var starts: [String] = []
    while case let token = try tok.next(), token != .eof {
      if token == .start { starts.append(tok.name + (tok.isForeign ? " foreign" : "")) }
    }
    #expect(starts == ["r", "c foreign", "v foreign", "c foreign", "c"])
  }

  @Test(
    "a number cell that is no finite double is neither a number nor text",
    arguments: ["1e400", "-1e400", "INF", "NaN", "inf", "abc", "1 2"])
  func invalidNumbers(_ text: String) throws {
    let xml = worksheet("<row r=\"1\"><c r=\"A1\"><v>\(text)</v></c></row>")
    #expect(try cells(sheetXML: xml) == ["A1": .invalidNumber(text)])
  }

  @Test(
    "t=\"d\" cells keep the date and time as written, with the designator",
    arguments: [
      ("2014-02-14T08:27:48.765Z", "2014-02-14T08:27:48.765Z", true),
      ("2023-07-01T08:00:00+08:00", "2023-07-01T08:00:00+08:00", true),
      ("2023-07-01", "2023-07-01T00:00:00", true), ("18:00:00", "18:00:00", false),
      // Before 1900-03-01 a date is still a date (no serial, no 1900 leap-year quirk).
      ("1899-12-30", "1899-12-30T00:00:00", true), ("1899-12-31", "1899-12-31T00:00:00", true),
      ("1900-01-01T12:00:00", "1900-01-01T12:00:00", true),
      ("1900-02-28", "1900-02-28T00:00:00", true),
    ])
  func isoDateCells(text: String, iso: String, hasDate: Bool) throws {
    let xml = worksheet("<row r=\"1\"><c r=\"A1\" t=\"d\"><v>\(text)</v></c></row>")
    let value = try #require(try cells(sheetXML: xml)["A1"])
    guard case .isoDate(let d) = value else {
      Issue.record("expected an ISO date, got \(value)")
      return
    }
    #expect(d.iso == iso)
    #expect(d.hasDate == hasDate)
    #expect(value.kind == .date)
  }

  @Test(
    "a sheet's state is matched in any case",
    arguments: [
      ("hidden", SheetInfo.Visibility.hidden), ("Hidden", .hidden), ("HIDDEN", .hidden),
      ("veryHidden", .veryHidden), ("VeryHidden", .veryHidden), ("visible", .visible),
      ("Visible", .visible), ("odd", .visible),
    ])
  func sheetState(state: String, visibility: SheetInfo.Visibility) throws {
    let builder = XLSXBuilder(sheets: [
      .init(name: "A", rows: [[.number(1)]]), .init(name: "B", rows: [[.number(2)]], state: state),
    ])
    let workbook = try Workbook(bytes: builder.build())
    #expect(workbook.sheets.map(\.visibility) == [.visible, visibility])
  }
}
