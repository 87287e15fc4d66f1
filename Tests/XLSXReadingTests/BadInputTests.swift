import Foundation
import Model
import Testing
import XLSXTestSupport

@testable import XLSXReading

/// Input that is not a readable workbook: each must be refused with the exact error kind and
/// rule, never a crash and never a partial success.
@Suite("Reader bad input")
struct BadInputTests {
  // MARK: - Not a workbook at all

  @Test("random text is not a zip")
  func notZip() throws {
    let error = try #require(readError(bytes: Array("Name,Amount\nA,1\n".utf8)))
    #expect(error.kind == .notZip)
    #expect(error.rule == "FILE-001")
  }

  @Test("an empty file is not a zip")
  func emptyFile() throws {
    let error = try #require(readError(bytes: []))
    #expect(error.kind == .notZip)
    #expect(error.rule == "FILE-001")
    #expect(!error.message.isEmpty)
  }

  @Test("an empty file on disk is not a zip")
  func emptyFileOnDisk() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let url = dir.url.appendingPathComponent("empty.xlsx")
    try Data().write(to: url)
    let error = try #require(xlsxError { _ = try Workbook(path: url.path) })
    #expect(error.kind == .notZip)
    #expect(error.rule == "FILE-001")
  }

  @Test("an OLE compound file (legacy .xls or encrypted .xlsx)")
  func oleCompoundFile() throws {
    let header: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    let bytes = header + [UInt8](repeating: 0x42, count: 600)
    let error = try #require(readError(bytes: bytes))
    #expect(error.kind == .legacyOrEncrypted)
    #expect(error.rule == "FILE-001")

    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let url = dir.url.appendingPathComponent("old.xls")
    try Data(bytes).write(to: url)
    #expect(xlsxError { _ = try Workbook(path: url.path) }?.kind == .legacyOrEncrypted)
  }

  @Test("a missing file path is an I/O error")
  func missingPath() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let error = try #require(
      xlsxError { _ = try Workbook(path: dir.url.appendingPathComponent("nope.xlsx").path) })
    #expect(error.kind == .io)
    #expect(error.rule == "FILE-001")
    // A folder is not a workbook file either.
    #expect(xlsxError { _ = try Workbook(path: dir.url.path) }?.kind == .io)
  }

  // MARK: - Damaged zip

  @Test(
    "a package truncated at named points is FILE-001", arguments: ["half", "minus10", "first100"])
  func truncated(point: String) throws {
    let full = simplePackage()
    let length =
      switch point {
      case "half": full.count / 2
      case "minus10": full.count - 10
      default: 100
      }
    let error = try #require(readError(bytes: Array(full.prefix(length))))
    // It starts like a zip, so it was cut off: "damaged or incomplete", not "not a workbook".
    #expect(error.kind == .corruptZip, "\(error)")
    #expect(error.rule == "FILE-001")
  }

  @Test("every prefix of a package is refused as FILE-001, never read and never a crash")
  func everyTruncation() throws {
    let full = simplePackage()
    #expect(try read(bytes: full) == simplePackageCells)
    for length in 0..<full.count {
      let error = readError(bytes: Array(full.prefix(length)))
      let expected: XLSXError.Kind = length < 4 ? .notZip : .corruptZip
      #expect(error?.kind == expected, "cut at \(length): \(String(describing: error))")
      #expect(error?.rule == "FILE-001", "cut at \(length)")
    }
  }

  @Test(
    "a flipped byte in an entry's data fails its CRC when the sheet is read",
    arguments: [ZipEntry.Method.deflateStored, .stored])
  func flippedByte(method: ZipEntry.Method) throws {
    var builder = XLSXBuilder(sheets: [
      .init(name: "S", rows: [[.inlineString("MARKER-MARKER"), .number(1)]])
    ])
    builder.entryOptions = { _ in (method, false) }
    var bytes = builder.build()
    #expect(try read(bytes: bytes) == ["S": ["A1": .text("MARKER-MARKER"), "B1": .number(1)]])
    let at = try #require(offset(of: "MARKER-MARKER", in: bytes))
    bytes[at + 3] ^= 0x01  // "MAR" + "K" → "J": still well-formed XML, only the CRC is wrong
    let workbook = try Workbook(bytes: bytes)  // the workbook parts are intact
    var delivered = 0
    let error = try #require(
      xlsxError { try workbook.forEachRow(inSheet: 0) { _ in delivered += 1 } })
    #expect(error.kind == .corruptZip)
    #expect(error.rule == "FILE-001")
    #expect(delivered <= 1)
  }

  @Test("a flipped byte in a stored deflate block's header is an inflate error")
  func brokenDeflateBlockHeader() throws {
    let sheet = worksheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>")
    var entries = packageEntries(sheetXML: sheet)
    // Move the sheet to the front so its local header sits at offset 0 and its data is
    // found right after the header and name.
    let sheetEntry = entries.removeLast()
    entries.insert(sheetEntry, at: 0)
    var bytes = ZipBuilder.archive(entries)
    let dataStart = 30 + sheetEntry.name.utf8.count
    #expect(bytes[dataStart] == 0x01)  // BFINAL, BTYPE=00
    bytes[dataStart + 3] ^= 0xFF  // NLEN no longer the complement of LEN
    let workbook = try Workbook(bytes: bytes)
    let error = try #require(xlsxError { try workbook.forEachRow(inSheet: 0) { _ in } })
    #expect(error.kind == .corruptZip)
    #expect(error.rule == "FILE-001")
  }

  @Test("a flipped byte in a really compressed entry is FILE-001")
  func flippedByteInRealDeflate() throws {
    let xml = worksheet(
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>\(String(repeating: "q", count: 4000))</t></is></c></row>"
    )
    var entries = packageEntries(sheetXML: xml).map {
      ZipEntry($0.name, $0.data, method: .deflated)
    }
    let sheet = entries.removeLast()
    entries.insert(sheet, at: 0)
    var bytes = ZipBuilder.archive(entries)
    #expect(try read(bytes: bytes)["S"] == ["A1": .text(String(repeating: "q", count: 4000))])
    let dataStart = 30 + sheet.name.utf8.count
    bytes[dataStart + Deflate.fixedHuffman(sheet.data).count / 2] ^= 0x10
    let workbook = try Workbook(bytes: bytes)
    let error = try #require(xlsxError { try workbook.forEachRow(inSheet: 0) { _ in } })
    #expect(error.kind == .corruptZip, "\(error)")  // it inflates, to the wrong bytes: a CRC error
    #expect(error.rule == "FILE-001")
  }

  @Test("an encrypted zip entry (flag bit 0) is legacy-or-encrypted when the sheet is read")
  func encryptedEntry() throws {
    var entries = packageEntries(sheetXML: worksheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"))
      .map { ZipEntry($0.name, $0.data, method: .stored) }
    #expect(try read(bytes: ZipBuilder.archive(entries)) == ["S": ["A1": .number(1)]])
    let sheet = try #require(entries.firstIndex { $0.name == "xl/worksheets/sheet1.xml" })
    entries[sheet].flags = 1
    let workbook = try Workbook(bytes: ZipBuilder.archive(entries))
    let error = try #require(xlsxError { try workbook.forEachRow(inSheet: 0) { _ in } })
    #expect(error.kind == .legacyOrEncrypted)
    #expect(error.rule == "FILE-001")
  }

  @Test("an unknown compression method is FILE-001")
  func unknownCompressionMethod() throws {
    var entries = packageEntries(sheetXML: worksheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"))
      .map { ZipEntry($0.name, $0.data, method: .stored) }
    let sheet = try #require(entries.firstIndex { $0.name == "xl/worksheets/sheet1.xml" })
    let data = entries[sheet].data
    entries[sheet].method = .precompressed(
      code: 77, payload: data, crc: CRC32.checksum(data), uncompressedSize: data.count)
    let workbook = try Workbook(bytes: ZipBuilder.archive(entries))
    let error = try #require(xlsxError { try workbook.forEachRow(inSheet: 0) { _ in } })
    #expect(error.kind == .corruptZip)
    #expect(error.rule == "FILE-001")
  }

  // MARK: - Missing parts

  @Test("a zip with no workbook part")
  func noWorkbookPart() throws {
    let error = try #require(readError(bytes: ZipBuilder.archive([ZipEntry("test.txt", "hello")])))
    #expect(error.kind == .missingPart)
    #expect(error.rule == "FILE-001")
  }

  @Test("no workbook relationships part")
  func noWorkbookRelationships() throws {
    let entries = packageEntries(sheetXML: worksheet("")).filter {
      $0.name != "xl/_rels/workbook.xml.rels"
    }
    let error = try #require(readError(bytes: ZipBuilder.archive(entries)))
    #expect(error.kind == .missingPart)
    #expect(error.rule == "FILE-001")
  }

  @Test("a sheet whose part is missing")
  func missingSheetPart() throws {
    let entries = packageEntries(sheetXML: worksheet("")).filter {
      $0.name != "xl/worksheets/sheet1.xml"
    }
    let error = try #require(readError(bytes: ZipBuilder.archive(entries)))
    #expect(error.kind == .missingPart)
    #expect(error.rule == "FILE-001")
  }

  @Test("a sheet whose relationship id is not in the relationships part")
  func unknownSheetRelationship() throws {
    var builder = XLSXBuilder(sheets: [.init(name: "S", rows: [[.number(1)]])])
    builder.workbookXML = workbookXML(sheets: [("S", "rId1"), ("Lost", "rId42")])
    let error = try #require(readError(bytes: builder.build()))
    #expect(error.kind == .missingPart)
    #expect(error.rule == "FILE-001")
  }

  @Test(
    "garbage package relationships: the reader falls back to xl/workbook.xml",
    arguments: [true, false])
  func garbagePackageRelationships(withContentTypes: Bool) throws {
    let entries = packageEntries(sheetXML: worksheet("<row r=\"1\"><c r=\"A1\"><v>5</v></c></row>"))
      .compactMap { entry -> ZipEntry? in
        if entry.name == "_rels/.rels" {
          return ZipEntry(entry.name, "this is not XML at all, just text")
        }
        if entry.name == "[Content_Types].xml" && !withContentTypes { return nil }
        return entry
      }
    #expect(try read(bytes: ZipBuilder.archive(entries)) == ["S": ["A1": .number(5)]])
  }

  @Test("malformed package relationships (not well-formed XML) also fall back")
  func malformedPackageRelationships() throws {
    let entries = packageEntries(sheetXML: worksheet("<row r=\"1\"><c r=\"A1\"><v>5</v></c></row>"))
      .map {
        $0.name == "_rels/.rels"
          ? ZipEntry($0.name, "<Relationships><Relationship Id=\"x\"></Oops>") : $0
      }
    #expect(try read(bytes: ZipBuilder.archive(entries)) == ["S": ["A1": .number(5)]])
  }

  // MARK: - Malformed XML

  @Test(
    "malformed sheet XML is FILE-001 when the sheet is read",
    arguments: [
      // mismatched end tag
      "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></sheetData></worksheet>",
      // unterminated tag
      "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"",
      // never closes
      "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c>",
      // '<' inside a tag
      "<worksheet><sheetData><row r=\"1\" <c/></row></sheetData></worksheet>",
      // unquoted attribute
      "<worksheet><sheetData><row r=1></row></sheetData></worksheet>",
      // a bare '&'
      "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a & b</t></is></c></row></sheetData></worksheet>",
      // a cell outside a row
      "<worksheet><sheetData><c r=\"A1\"><v>1</v></c></sheetData></worksheet>",
      // an unknown cell type
      "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"x\"><v>1</v></c></row></sheetData></worksheet>",
      // a bad row number
      "<worksheet><sheetData><row r=\"0\"><c><v>1</v></c></row></sheetData></worksheet>",
      // an unterminated comment
      "<worksheet><sheetData><!-- no end </sheetData></worksheet>",
      // an invalid character reference
      "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&#0;</t></is></c></row></sheetData></worksheet>",
      // text after the root's end tag closes something that is not open
      "<worksheet><sheetData></sheetData></worksheet></worksheet>",
    ])
  func malformedSheet(xml: String) throws {
    let builder = XLSXBuilder(sheets: [.init(name: "S", xml: xml)])
    let workbook = try Workbook(bytes: builder.build())
    var delivered: [RowSnapshot] = []
    let error = try #require(
      xlsxError { try workbook.forEachRow(inSheet: 0) { delivered.append(RowSnapshot($0)) } })
    #expect(error.kind == .malformedXML, "\(error)")
    #expect(error.rule == "FILE-001")
    #expect(delivered.isEmpty)
  }

  @Test("an undeclared entity is malformed XML", arguments: ["inline", "shared", "number"])
  func undeclaredEntity(place: String) throws {
    var builder: XLSXBuilder
    switch place {
    case "inline":
      builder = XLSXBuilder(sheets: [
        .init(
          name: "S",
          xml: worksheet(
            "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a&foo;b</t></is></c></row>"))
      ])
    case "shared":
      builder = XLSXBuilder(sheets: [.init(name: "S", rows: [[.sharedString(0)]])])
      builder.sharedStringsXML =
        declaration + "<sst xmlns=\"\(spreadsheetMLNamespace)\"><si><t>&nbsp;</t></si></sst>"
    default:
      builder = XLSXBuilder(sheets: [
        .init(name: "S", xml: worksheet("<row r=\"1\"><c r=\"A1\"><v>1&foo;</v></c></row>"))
      ])
    }
    let error = try #require(readError(bytes: builder.build()))
    #expect(error.kind == .malformedXML)
    #expect(error.rule == "FILE-001")
  }

  @Test("malformed workbook part is FILE-001 at open")
  func malformedWorkbook() throws {
    var builder = XLSXBuilder(sheets: [.init(name: "S", rows: [[.number(1)]])])
    builder.workbookXML =
      "<workbook><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></workbook>"
    let error = try #require(xlsxError { _ = try Workbook(bytes: builder.build()) })
    #expect(error.kind == .malformedXML)
    #expect(error.rule == "FILE-001")
  }

  // MARK: - DOCTYPE

  static let billionLaughs = """
    <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\
    <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\
    <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
    """
  static let externalEntity = "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
  static let plainDoctype = "<!DOCTYPE worksheet>"

  enum DoctypePlace: String, CaseIterable {
    case sheet, sharedStrings, workbook, styles, workbookRelationships, sheetMiddle
  }

  static let doctypeCases: [(DoctypePlace, String, String)] =
    DoctypePlace.allCases.flatMap { place in
      [
        (place, "plain", plainDoctype), (place, "billion laughs", billionLaughs),
        (place, "external entity", externalEntity),
      ]
    }

  @Test("any DOCTYPE is refused: FILE-002, nothing expanded or fetched", arguments: doctypeCases)
  func doctype(place: DoctypePlace, label: String, doctype: String) throws {
    let use = label == "plain" ? "" : label == "billion laughs" ? "&lol4;" : "&xxe;"
    var builder = XLSXBuilder(sheets: [
      .init(
        name: "S",
        xml: place == .sheet
          ? declaration + doctype
            + worksheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>\(use)</t></is></c></row>")
            .replacingOccurrences(of: declaration, with: "")
          : place == .sheetMiddle
            ? worksheet(
              "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>\(doctype)<row r=\"2\"><c r=\"A2\"><v>2</v></c></row>"
            )
            : worksheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"))
    ])
    builder.sharedStringsXML =
      declaration + (place == .sharedStrings ? doctype : "")
      + "<sst xmlns=\"\(spreadsheetMLNamespace)\"><si><t>\(place == .sharedStrings ? use : "")x</t></si></sst>"
    if place == .workbook {
      builder.workbookXML = workbookXML(sheets: [("S\(use)", "rId1")])
        .replacingOccurrences(of: "<workbook ", with: doctype + "<workbook ")
    }
    if place == .styles {
      builder.stylesXML = XLSXBuilder.stylesXML(numFmts: [], cellXfNumFmtIds: [0])
        .replacingOccurrences(of: "<styleSheet ", with: doctype + "<styleSheet ")
    }
    var bytes = builder.build()
    if place == .workbookRelationships {
      let entries = packageEntries(sheetXML: worksheet("")).map {
        $0.name == "xl/_rels/workbook.xml.rels"
          ? ZipEntry(
            $0.name,
            String(decoding: $0.data, as: UTF8.self).replacingOccurrences(
              of: "<Relationships ", with: doctype + "<Relationships "))
          : $0
      }
      bytes = ZipBuilder.archive(entries)
    }
    let error = try #require(readError(bytes: bytes))
    #expect(error.kind == .doctype, "\(error)")
    #expect(error.rule == "FILE-002")
    let passwd = (try? String(contentsOfFile: "/etc/passwd", encoding: .utf8)) ?? "root:x:0:0"
    let firstLine = passwd.split(separator: "\n").first.map(String.init) ?? "root:x:0:0"
    #expect(!error.detail.contains(firstLine))
    #expect(!error.detail.contains("root:"))
    #expect(!error.description.contains("root:"))
    #expect(!error.detail.contains("lollol"))
  }

  @Test("a DOCTYPE in UTF-16 is refused too")
  func doctypeUTF16() throws {
    let xml = "\u{FEFF}" + externalDoctypeSheet
    var data: [UInt8] = []
    for unit in xml.utf16 { data += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
    let entries = packageEntries(sheetXML: "").map {
      $0.name == "xl/worksheets/sheet1.xml" ? ZipEntry($0.name, data) : $0
    }
    let error = try #require(readError(bytes: ZipBuilder.archive(entries)))
    #expect(error.kind == .doctype)
    #expect(error.rule == "FILE-002")
    #expect(!error.detail.contains("root:"))
  }

  private var externalDoctypeSheet: String {
    Self.externalEntity
      + "<worksheet xmlns=\"\(spreadsheetMLNamespace)\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\">"
      + "<is><t>&xxe;</t></is></c></row></sheetData></worksheet>"
  }

  // MARK: - Cell references

  @Test(
    "malformed cell references are FILE-001", arguments: ["0", "A", "A0", "1A", "", "A1B", "A-1"])
  func malformedReference(ref: String) throws {
    let xml = worksheet("<row r=\"1\"><c r=\"\(ref)\"><v>1</v></c></row>")
    let error = try #require(
      readError(bytes: XLSXBuilder(sheets: [.init(name: "S", xml: xml)]).build()))
    #expect(error.kind == .malformedXML, "\(error)")
    #expect(error.rule == "FILE-001")
  }

  @Test(
    "references outside A1:XFD1048576 are over the coordinates limit, FILE-002",
    arguments: ["XFE1", "A1048577", "ZZZZ1", "A99999999999", "XFE1048577"])
  func outsideGrid(ref: String) throws {
    let xml = worksheet("<row r=\"1\"><c r=\"\(ref)\"><v>1</v></c></row>")
    let error = try #require(
      readError(bytes: XLSXBuilder(sheets: [.init(name: "S", xml: xml)]).build()))
    #expect(error.kind == .limitExceeded(.coordinates), "\(error)")
    #expect(error.rule == "FILE-002")
  }

  @Test("a row past 1048576, or a counted cell past XFD, is over the coordinates limit")
  func countedPastGrid() throws {
    let rowPast = worksheet("<row r=\"1048577\"><c><v>1</v></c></row>")
    let countedRow = worksheet("<row r=\"1048576\"><c><v>1</v></c></row><row><c><v>2</v></c></row>")
    let countedColumn = worksheet("<row r=\"1\"><c r=\"XFD1\"><v>1</v></c><c><v>2</v></c></row>")
    for xml in [rowPast, countedRow, countedColumn] {
      let error = try #require(
        readError(bytes: XLSXBuilder(sheets: [.init(name: "S", xml: xml)]).build()))
      #expect(error.kind == .limitExceeded(.coordinates), "\(error)")
      #expect(error.rule == "FILE-002")
    }
  }

  @Test(
    "a shared-string index past the table is FILE-001",
    arguments: ["1", "5", "-1", "x", "99999999999999999999"])
  func sharedStringIndexPastTable(index: String) throws {
    var builder = XLSXBuilder(sheets: [
      .init(name: "S", xml: worksheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>\(index)</v></c></row>"))
    ])
    builder.sharedStrings = ["only"]
    let error = try #require(readError(bytes: builder.build()))
    #expect(error.kind == .malformedXML, "\(error)")
    #expect(error.rule == "FILE-001")
  }

  @Test("a shared-string cell with no shared-strings part is FILE-001")
  func sharedStringWithoutTable() throws {
    let builder = XLSXBuilder(sheets: [.init(name: "S", rows: [[.sharedString(0)]])])
    let error = try #require(readError(bytes: builder.build()))
    #expect(error.kind == .malformedXML)
    #expect(error.rule == "FILE-001")
  }
}
