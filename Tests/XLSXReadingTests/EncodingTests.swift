import Model
import Testing
import XLSXTestSupport

@testable import XLSXReading

/// SPEC §8 "Encodings": UTF-8, UTF-16 (either byte order, with or without a BOM), GB18030, GBK,
/// GB2312 and ISO-8859-1 are decoded exactly; any other declared encoding, and bytes invalid in
/// the declared one, are FILE-001 naming the part.
@Suite("Encodings of XML parts")
struct EncodingTests {
  static let sharedPart = "xl/sharedStrings.xml"
  static let sheet = worksheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>")

  /// A one-sheet package whose shared-strings part is `bytes`; A1 shows string 0.
  static func package(sharedStrings bytes: [UInt8]) -> [UInt8] {
    let entries = packageEntries(sheetXML: sheet, sharedStringsXML: "").map { entry in
      entry.name == sharedPart ? ZipEntry(sharedPart, bytes) : entry
    }
    return ZipBuilder.archive(entries)
  }

  /// A shared-strings part declaring `encoding` (none when nil) around `text`'s bytes.
  static func sst(_ encoding: String?, _ text: [UInt8]) -> [UInt8] {
    let declaration =
      encoding.map { "<?xml version=\"1.0\" encoding=\"\($0)\"?>" } ?? "<?xml version=\"1.0\"?>"
    return Array(declaration.utf8)
      + Array("<sst xmlns=\"\(spreadsheetMLNamespace)\"><si><t>".utf8) + text
      + Array("</t></si></sst>".utf8)
  }

  @Test(
    "declared 8-bit and multi-byte encodings are decoded exactly",
    arguments: [
      ("GB18030", [0xD5, 0xC5, 0xC8, 0xFD], "张三"),
      ("gb18030", [0xA2, 0xE3, 0x95, 0x32, 0x82, 0x36], "€𠀀"),  // 4-byte GB18030
      ("GBK", [0xD5, 0xC5, 0xC8, 0xFD, 0x81, 0x40], "张三丂"),  // 0x8140 is GBK, not GB2312
      ("Gb2312", [0xD5, 0xC5, 0xC8, 0xFD], "张三"),
      ("ISO-8859-1", [0x63, 0x61, 0x66, 0xE9, 0xA0, 0xFF], "café\u{A0}ÿ"),
      ("utf-8", Array("张三".utf8), "张三"),
      (nil, Array("张三".utf8), "张三"),
    ] as [(String?, [UInt8], String)])
  func decodes(encoding: String?, bytes: [UInt8], text: String) throws {
    let cells = try read(bytes: Self.package(sharedStrings: Self.sst(encoding, bytes)))
    #expect(cells == ["S": ["A1": .text(text)]])
  }

  /// `text` as a whole UTF-16 shared-strings part, declaration included.
  static func utf16(bigEndian: Bool, bom: Bool, _ xml: String) -> [UInt8] {
    var out: [UInt8] = bom ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
    for u in xml.utf16 {
      let (hi, lo) = (UInt8(u >> 8), UInt8(u & 0xFF))
      out += bigEndian ? [hi, lo] : [lo, hi]
    }
    return out
  }

  @Test(
    "UTF-16 in either byte order, with or without a byte-order mark",
    arguments: [(false, true), (true, true), (false, false), (true, false)])
  func decodesUTF16(bigEndian: Bool, bom: Bool) throws {
    let xml =
      "<?xml version=\"1.0\" encoding=\"UTF-16\"?><sst xmlns=\"\(spreadsheetMLNamespace)\"><si><t>张三🍣</t></si></sst>"
    let cells = try read(
      bytes: Self.package(sharedStrings: Self.utf16(bigEndian: bigEndian, bom: bom, xml)))
    #expect(cells == ["S": ["A1": .text("张三🍣")]])
  }

  @Test(
    "bytes invalid in the declared encoding name the part",
    arguments: [
      ("UTF-8", [0xFF]), (nil, [0xC0, 0xAF]),  // an overlong '/'
      (nil, [0xED, 0xA0, 0x80]),  // a UTF-16 surrogate in UTF-8
      (nil, [0xF4, 0x90, 0x80, 0x80]),  // past U+10FFFF
      (nil, [0xE5, 0xBC]),  // a sequence cut off by '<'
      (nil, [0x80]), ("GBK", [0xD5, 0x20]), ("GB18030", [0x81, 0x30, 0x81]),
      ("GB2312", [0xFF, 0xFF]),
    ] as [(String?, [UInt8])])
  func refusesInvalidBytes(encoding: String?, bytes: [UInt8]) throws {
    let error = try #require(
      readError(bytes: Self.package(sharedStrings: Self.sst(encoding, bytes))))
    #expect(error.kind == .badEncoding(part: Self.sharedPart), "\(error)")
    #expect(error.rule == "FILE-001")
    #expect(error.message.contains(Self.sharedPart))
  }

  @Test("invalid UTF-8 in a sheet part is refused too, not read as U+FFFD")
  func refusesInvalidUTF8InASheet() throws {
    let xml = Array(
      worksheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>@</t></is></c></row>").utf8)
    let at = try #require(xml.firstIndex(of: UInt8(ascii: "@")))
    var bytes = xml
    bytes[at] = 0xFE
    let entries = packageEntries(sheetXML: "").map { entry in
      entry.name == "xl/worksheets/sheet1.xml" ? ZipEntry(entry.name, bytes) : entry
    }
    let error = try #require(readError(bytes: ZipBuilder.archive(entries)))
    #expect(error.kind == .badEncoding(part: "xl/worksheets/sheet1.xml"), "\(error)")
  }

  @Test(
    "an unpaired surrogate or an odd byte in UTF-16 is refused",
    arguments: [[0xD800, 0x41], [0xDC00], [0xD83C]] as [[UInt16]])
  func refusesInvalidUTF16(units: [UInt16]) throws {
    var bytes = Self.utf16(
      bigEndian: false, bom: true, "<sst xmlns=\"\(spreadsheetMLNamespace)\"><si><t>")
    for u in units { bytes += [UInt8(u & 0xFF), UInt8(u >> 8)] }
    bytes += Self.utf16(bigEndian: false, bom: false, "</t></si></sst>")
    let error = try #require(readError(bytes: Self.package(sharedStrings: bytes)))
    #expect(error.kind == .badEncoding(part: Self.sharedPart), "\(error)")
    let odd =
      Self.utf16(bigEndian: false, bom: true, "<sst xmlns=\"\(spreadsheetMLNamespace)\"/>") + [0x20]
    #expect(
      readError(bytes: Self.package(sharedStrings: odd))?.kind
        == .badEncoding(part: Self.sharedPart))
  }

  @Test(
    "any other declared encoding is refused, naming the part",
    arguments: ["Shift_JIS", "windows-1252", "Big5", "latin2", "UTF-7", "UTF-16", "EBCDIC-US"])
  func refusesOtherEncodings(_ encoding: String) throws {
    let error = try #require(
      readError(bytes: Self.package(sharedStrings: Self.sst(encoding, [0x41]))))
    #expect(error.kind == .badEncoding(part: Self.sharedPart), "\(error)")
    #expect(error.detail.contains(encoding.lowercased()))
  }

  @Test("a UTF-8 byte-order mark before a declaration of another encoding is refused")
  func bomContradictsDeclaration() {
    let bytes = [0xEF, 0xBB, 0xBF] + Self.sst("GBK", [0xD5, 0xC5])
    #expect(
      readError(bytes: Self.package(sharedStrings: bytes))?.kind
        == .badEncoding(part: Self.sharedPart))
  }

  @Test("UTF-8 split across chunk boundaries is still valid", arguments: [1, 2, 3, 5, 7])
  func utf8AcrossChunks(chunk: Int) throws {
    // Past the 512 bytes read at the start, so the check really runs chunk by chunk.
    let xml = "<r>" + String(repeating: "<a/>", count: 200) + "<t>张三🍣é</t><t>ü</t></r>"
    let tok = XMLTokenizer(
      part: "p", source: MemorySource(Array(xml.utf8), chunk: chunk), limits: ReaderLimits())
    var text: [UInt8] = []
    while case let token = try tok.next(), token != .eof {
      if token == .text { try tok.appendText(to: &text) }
    }
    #expect(String(decoding: text, as: UTF8.self) == "张三🍣éü")
  }

  @Test("the UTF-8 check accepts every scalar and rejects what Unicode table 3-7 rejects")
  func utf8Validator() {
    func valid(_ bytes: [UInt8]) -> Int? {
      bytes.withUnsafeBufferPointer { utf8ValidPrefix($0.baseAddress!, $0.count) }
    }
    let all = String(String.UnicodeScalarView((0x20...0x10FFFF).compactMap(Unicode.Scalar.init)))
    let bytes = Array(all.utf8)
    #expect(valid(bytes) == bytes.count)
    #expect(valid([0x41, 0xE5, 0xBC]) == 1)  // a cut-off sequence at the end: valid so far
    for bad: [UInt8] in [
      [0xC1, 0x81], [0xE0, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xBF], [0xE5, 0x41],
    ] {
      #expect(valid(bad) == nil, "\(bad)")
    }
  }
}
