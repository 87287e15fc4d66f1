import Testing

@testable import XLSXReading

/// The tokenizer on its own, over memory fed in chunks of every small size, so that tokens split
/// across refills are covered.
@Suite struct TokenizerTests {
  /// A compact trace of the tokens: `<name`, `>name`, `"text"`.
  static func trace(_ xml: [UInt8], chunk: Int = 1 << 16, limits: ReaderLimits = ReaderLimits())
    throws(XLSXError) -> [String]
  {
    let tok = XMLTokenizer(
      part: "test.xml", source: MemorySource(xml, chunk: chunk), limits: limits)
    var out: [String] = []
    while true {
      switch try tok.next() {
      case .start: out.append("<" + tok.name)
      case .end: out.append(">" + tok.name)
      case .text:
        var bytes: [UInt8] = []
        try tok.appendText(to: &bytes)
        let s = String(decoding: bytes, as: UTF8.self)
        if !s.allSatisfy(\.isWhitespace) { out.append("\"" + s + "\"") }
      case .eof: return out
      }
    }
  }

  static func trace(_ xml: String, chunk: Int = 1 << 16) throws(XLSXError) -> [String] {
    try trace(Array(xml.utf8), chunk: chunk)
  }

  static let document = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <!-- a comment with <tags> and -- dashes -->
    <x:root xmlns:x="urn:x" a='1 > 0'><x:c r="A1"><v>1&amp;2&lt;3&#x4E2D;&#25991;&quot;&apos;&gt;</v></x:c>\
    <?pi inside?><t><![CDATA[<not a tag> & no entity]]></t><empty/><t>a\r\nb\rc</t></x:root>
    """

  static let expected = [
    "<root", "<c", "<v", "\"1&2<3中文\"'>\"", ">v", ">c", "<t", "\"<not a tag> & no entity\"", ">t",
    "<empty", ">empty", "<t", "\"a\nb\nc\"", ">t", ">root",
  ]

  @Test(arguments: [1, 2, 3, 5, 7, 16, 64, 1 << 16])
  func tokenizesAcrossChunkBoundaries(chunk: Int) throws {
    #expect(try Self.trace(Self.document, chunk: chunk) == Self.expected)
  }

  @Test func readsAttributesByLocalName() throws {
    let xml = #"<sheet name="A &amp; B" r:id="rId3" id="plain" state='hidden' note="x&#10;y"/>"#
    let tok = XMLTokenizer(part: "t", source: MemorySource(Array(xml.utf8)), limits: ReaderLimits())
    #expect(try tok.next() == .start)
    #expect(try tok.attributeValue("name") == "A & B")
    #expect(try tok.attributeValue("id", prefixed: true) == "rId3")
    #expect(try tok.attributeValue("id", prefixed: false) == "plain")
    #expect(try tok.attributeValue("state") == "hidden")
    #expect(try tok.attributeValue("note") == "x\ny")
    #expect(try tok.attributeValue("missing") == nil)
    #expect(try tok.next() == .end)
    #expect(try tok.next() == .eof)
  }

  @Test(arguments: [false, true])
  func transcodesUTF16(bigEndian: Bool) throws {
    let xml = "<r><t>中文 🍣 text</t></r>"
    var bytes: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
    for unit in xml.utf16 {
      bytes +=
        bigEndian
        ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
    }
    for chunk in [1, 3, 4096] {
      #expect(try Self.trace(bytes, chunk: chunk) == ["<r", "<t", "\"中文 🍣 text\"", ">t", ">r"])
    }
  }

  @Test func skipsAUTF8ByteOrderMark() throws {
    #expect(try Self.trace([0xEF, 0xBB, 0xBF] + Array("<a/>".utf8)) == ["<a", ">a"])
  }

  @Test(arguments: [
    "<!DOCTYPE r [<!ENTITY a \"aaaa\">]><r>&a;</r>",
    "<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM \"file:///etc/passwd\"><r/>",
    "<r><!ENTITY x \"y\"></r>",
  ])
  func refusesEveryDeclaration(xml: String) {
    let error = Self.failure { _ = try Self.trace(xml) }
    #expect(error?.kind == .doctype)
    #expect(error?.rule == "FILE-002")
  }

  /// The reader error `body` throws, or nil when it throws none.
  static func failure(_ body: () throws -> Void) -> XLSXError? {
    do {
      try body()
      return nil
    } catch {
      return error as? XLSXError
    }
  }

  @Test(arguments: [
    "<a><b></a></b>", "<a>", "<a><b>text", "<a b=\"1></a>", "<a>&unknown;</a>", "<a>&#0;</a>",
    "<a>&#xD800;</a>", "<a>& b</a>", "<a><!-- never closed </a>", "<a><![CDATA[x</a>",
    "</a>", "<>", "<a <b>",
  ])
  func rejectsMalformedXML(xml: String) {
    let error = Self.failure { _ = try Self.trace(xml) }
    #expect(error?.kind == .malformedXML, "\(xml): \(String(describing: error))")
  }

  /// Attributes are parsed when asked for (the hot path reads only `r`, `t`, `s`), and a
  /// malformed one is an error then.
  @Test(arguments: ["<a b=1/>", "<a b/>", "<a b=\"1/>", "<a b='1\"/>"])
  func rejectsMalformedAttributesWhenRead(xml: String) throws {
    let tok = XMLTokenizer(part: "t", source: MemorySource(Array(xml.utf8)), limits: ReaderLimits())
    let error = Self.failure {
      _ = try tok.next()
      _ = try tok.attributeValue("b")
    }
    #expect(error?.kind == .malformedXML)
  }

  @Test func limitsDepth() throws {
    var limits = ReaderLimits()
    limits.maxXMLDepth = 8
    let ok = String(repeating: "<a>", count: 8) + String(repeating: "</a>", count: 8)
    #expect(try Self.trace(Array(ok.utf8), limits: limits).count == 16)
    let deep = String(repeating: "<a>", count: 9) + String(repeating: "</a>", count: 9)
    #expect(
      Self.failure { _ = try Self.trace(Array(deep.utf8), limits: limits) }?.kind
        == .limitExceeded(.xmlDepth))
  }

  @Test func limitsTokenSize() throws {
    var limits = ReaderLimits()
    limits.maxTokenBytes = 1000
    let long = "<t>" + String(repeating: "x", count: 200_000) + "</t>"
    #expect(
      Self.failure { _ = try Self.trace(Array(long.utf8), limits: limits) }?.kind
        == .limitExceeded(.tokenBytes))
    #expect(try Self.trace(Array(long.utf8)).count == 3)
  }
}

@Suite struct EndTagMatchingTests {
  /// End tags must close the open element exactly, long names included.
  @Test(arguments: [
    "<sheetData></sheetDatX>", "<sheetData></sheetDat>", "<sheetDataX></sheetData>", "<c></v>",
    "<row></rOw>", "<x:c></y:c>",
  ])
  func rejectsAnEndTagThatClosesAnotherElement(xml: String) {
    let error = TokenizerTests.failure { _ = try TokenizerTests.trace(xml) }
    #expect(error?.kind == .malformedXML, "\(xml)")
  }

  @Test(arguments: [
    "<sheetData></sheetData>", "<x:sheetData></x:sheetData >", "<extraordinarilyLongElementName/>",
  ])
  func acceptsMatchingEndTags(xml: String) throws {
    #expect(try TokenizerTests.trace(xml).count == 2)
  }
}
