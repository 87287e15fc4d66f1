#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Copies one XML part byte for byte while it is read through the tokenizer, with edits at the
/// tokens the caller chooses: a token replaced, bytes inserted before a token. Every byte not
/// edited — declarations, comments, white space, prefixes, attribute order, quoting — is copied
/// as it was. The output goes to ``drain`` in chunks (or stays in memory until ``finish()``).
///
/// A part in UTF-16 is refused (`malformedXML`): its bytes could not be copied as they are.
public final class XMLEditor {
  public enum Token: Equatable, Sendable {
    case start, end, text, eof
  }

  /// One attribute of the current start tag.
  public struct Attribute: Sendable {
    /// The qualified name as written (`r:id`).
    public var name: String
    public var localName: String
    /// The value, entities decoded.
    public var value: String
  }

  private let tok: XMLTokenizer
  private let tee: TeeSource
  /// The bytes written so far and not yet drained.
  public private(set) var output: [UInt8] = []
  /// Called with the output each time a megabyte has gathered, and at ``finish()``; when nil,
  /// the output stays in ``output``.
  public var drain: (([UInt8]) throws(XLSXError) -> Void)?
  /// The absolute offset up to which the input has been written out (copied or replaced).
  private var emitted = 0
  /// The current token's span in the input (absolute offsets).
  private var spanStart = 0
  private var spanEnd = 0
  private var afterSelfClosing = false
  private var current: Token = .eof
  /// Offsets the input must be kept from, while an element is being captured.
  private var pinned: Int?
  /// Whether the tokens being read are left out (an element removed or taken).
  private var discarding = false

  /// An editor over a part of `package`; nil when the package has no such part.
  public convenience init?(_ package: ZipPackage, part: String) throws(XLSXError) {
    guard let stream = try package.archive.open(part) else { return nil }
    self.init(source: stream, part: part, limits: package.archive.limits)
  }

  /// An editor over a part held in memory.
  public convenience init(bytes: [UInt8], part: String, limits: ReaderLimits = ReaderLimits()) {
    self.init(source: MemorySource(bytes), part: part, limits: limits)
  }

  init(source: any ByteSource, part: String, limits: ReaderLimits) {
    tee = TeeSource(source)
    tok = XMLTokenizer(part: part, source: tee, limits: limits)
  }

  // MARK: - Reading

  /// Moves to the next token; the previous one is copied to the output unless it was edited.
  /// (Unedited bytes are copied in runs of 64 KiB or more, and before each edit.)
  public func next() throws(XLSXError) -> Token {
    let token = try tok.next()
    if tee.transcoded { throw tok.malformed("a UTF-16 part cannot be patched in place") }
    let base = tok.bytes(0, 0).baseAddress!
    let shift = tee.lastDelivered - (tee.lastDestination - UnsafeRawPointer(base))
    switch token {
    case .start:
      spanStart = shift + tagStartInBuffer()
      spanEnd = shift + tok.attributesEnd + (tok.isSelfClosing ? 2 : 1)
      afterSelfClosing = tok.isSelfClosing
    case .end:
      if afterSelfClosing {
        spanStart = spanEnd
      } else {
        var s = tok.nameStart
        while s > 0 && tok.bytes(s - 1, s)[0] != UInt8(ascii: "<") { s -= 1 }
        var e = tok.nameEnd
        while tok.bytes(e, e + 1)[0] != UInt8(ascii: ">") { e += 1 }
        spanStart = shift + s - 1
        spanEnd = shift + e + 1
      }
      afterSelfClosing = false
    case .text:
      spanStart = shift + tok.textStart - (tok.isCDATA ? 9 : 0)
      spanEnd = shift + tok.textEnd + (tok.isCDATA ? 3 : 0)
      afterSelfClosing = false
    case .eof:
      spanStart = tee.delivered
      spanEnd = tee.delivered
    }
    current = Token(token)
    // What lies before the current token is final: copied once enough of it has gathered.
    if !discarding && spanStart - emitted >= 1 << 16 {
      try copyThrough(spanStart)
      try drainIfFull()
    }
    return current
  }

  /// The number of elements open (the current start tag's element included).
  public var depth: Int { tok.depth }

  /// Whether the current start or end tag's local name is `name`.
  public func nameIs(_ name: StaticString) -> Bool { tok.nameIs(name) }

  /// The current tag's local name.
  public var name: String { tok.name }

  /// Whether the current start tag closes itself.
  public var isSelfClosing: Bool { tok.isSelfClosing }

  /// The prefix of the current tag's name (`x` for `<x:c>`), empty when it has none.
  public var prefix: String {
    let raw = self.raw
    guard let colon = raw.firstIndex(of: UInt8(ascii: ":")),
      let space = raw.firstIndex(where: {
        isSpace($0) || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "/")
      }),
      colon < space
    else { return "" }
    return String(decoding: raw[(current == .end ? 2 : 1)..<colon], as: UTF8.self)
  }

  /// The value of the current start tag's attribute with this local name (and prefix, when
  /// given: `prefixed: true` for `r:id`).
  public func attribute(_ name: StaticString, prefixed: Bool? = nil) throws(XLSXError) -> String? {
    try tok.attributeValue(name, prefixed: prefixed)
  }

  /// The value of the current start tag's attribute with this local name as a non-negative
  /// decimal integer (no String made: for the attributes read on every row); nil when it is
  /// absent or not one.
  public func integerAttribute(_ name: StaticString) throws(XLSXError) -> Int? {
    var cursor = tok.attributesStart
    while let a = try tok.nextAttribute(&cursor) {
      guard tok.attribute(a, is: name) else { continue }
      let digits = tok.bytes(a.valueStart, a.valueEnd)
      guard !digits.isEmpty, digits.count <= 18 else { return nil }
      var n = 0
      for d in digits {
        guard d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") else { return nil }
        n = n * 10 + Int(d - UInt8(ascii: "0"))
      }
      return n
    }
    return nil
  }

  /// Every attribute of the current start tag, in order.
  public func attributes() throws(XLSXError) -> [Attribute] {
    var result: [Attribute] = []
    var cursor = tok.attributesStart
    while let a = try tok.nextAttribute(&cursor) {
      var q = a.nameStart
      if a.hasPrefix {
        q -= 1
        while q > tok.attributesStart && !isSpace(tok.bytes(q - 1, q)[0]) { q -= 1 }
      }
      result.append(
        Attribute(
          name: String(decoding: tok.bytes(q, a.nameEnd), as: UTF8.self),
          localName: String(decoding: tok.bytes(a.nameStart, a.nameEnd), as: UTF8.self),
          value: try tok.value(a)))
    }
    return result
  }

  /// The current text token's characters, entities decoded.
  public func text() throws(XLSXError) -> String {
    var out: [UInt8] = []
    try tok.appendText(to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// The current token's bytes as they are in the part (empty for the end of a self-closing tag).
  public var raw: [UInt8] { tee.bytes(spanStart, spanEnd) }

  /// The current tag with one attribute set: its value replaced where it is, or the attribute
  /// added after the name. `value` is written as it is given (escape it first).
  public func rawSettingAttribute(_ local: String, to value: String) throws(XLSXError) -> [UInt8] {
    let raw = self.raw
    let tagStart = tagStartInBuffer()
    let name = Array(local.utf8)
    var cursor = tok.attributesStart
    while let a = try tok.nextAttribute(&cursor) {
      guard tok.bytes(a.nameStart, a.nameEnd).elementsEqual(name) else { continue }
      return Array(raw[..<(a.valueStart - tagStart)]) + Array(value.utf8)
        + Array(raw[(a.valueEnd - tagStart)...])
    }
    // Not there: added after the name.
    let at = tok.attributesStart - tagStart
    return Array(raw[..<at]) + Array(" \(local)=\"\(value)\"".utf8) + Array(raw[at...])
  }

  /// A start tag (its bytes, the first token of `tag`) with attributes set in turn, as
  /// ``rawSettingAttribute(_:to:)`` sets one; what follows the tag is kept.
  public static func settingAttributes(
    _ values: [(name: String, value: String)], in tag: [UInt8]
  ) throws(XLSXError) -> [UInt8] {
    var bytes = tag
    for (name, value) in values {
      let editor = XMLEditor(bytes: bytes, part: "tag")
      _ = try editor.next()
      let start = editor.raw.count
      bytes = try editor.rawSettingAttribute(name, to: value) + bytes[start...]
    }
    return bytes
  }

  /// The buffer position of the current start tag's `<`.
  private func tagStartInBuffer() -> Int {
    var s = tok.nameStart
    while s > 0 && tok.bytes(s - 1, s)[0] != UInt8(ascii: "<") { s -= 1 }
    return s - 1
  }

  // MARK: - Editing

  /// Writes `bytes` in place of the current token (for a start tag that closes itself: of the
  /// whole element).
  public func replace(with bytes: [UInt8]) throws {
    try copyThrough(spanStart)
    append(bytes)
    emitted = max(emitted, spanEnd)
    try drainIfFull()
  }

  /// Writes `bytes` before the current token.
  public func insert(_ bytes: [UInt8]) throws {
    try copyThrough(spanStart)
    append(bytes)
    try drainIfFull()
  }

  /// Writes `text` (UTF-8) before the current token.
  public func insert(_ text: String) throws { try insert(Array(text.utf8)) }

  /// Leaves out the current element, from its start tag (the current token) to its end tag.
  public func remove() throws(XLSXError) { _ = try readElement(copying: false) }

  /// Reads the current element whole (the current token is its start tag) and returns its
  /// bytes; they are copied to the output as usual. The end tag is the current token after.
  public func captureElement() throws(XLSXError) -> [UInt8] { try readElement(copying: true) }

  /// Reads the current element whole (the current token is its start tag) and returns its
  /// bytes without copying them: the caller writes what it wants in their place. The end tag is
  /// the current token after.
  public func takeElement() throws(XLSXError) -> [UInt8] { try readElement(copying: false) }

  /// Reads the current element to its end tag, its bytes copied to the output or left out;
  /// returns them.
  private func readElement(copying: Bool) throws(XLSXError) -> [UInt8] {
    if !copying { try copyThrough(spanStart) }
    let start = spanStart
    pinned = start
    discarding = !copying
    defer {
      pinned = nil
      discarding = false
    }
    if !copying { emitted = max(emitted, spanEnd) }
    if current == .start {
      let depth = tok.depth
      while true {
        let t = try next()
        if !copying { emitted = max(emitted, spanEnd) }
        if t == .eof || (t == .end && tok.depth == depth - 1) { break }
      }
    }
    return tee.bytes(start, spanEnd)
  }

  /// Copies the rest of the part and hands over the output.
  public func finish() throws {
    while try next() != .eof {}
    try copyThrough(tee.delivered)
    if let drain {
      try drain(output)
      output = []
    }
  }

  // MARK: - Output

  private func copyThrough(_ offset: Int) throws(XLSXError) {
    guard offset > emitted else { return }
    tee.append(from: emitted, to: offset, into: &output)
    emitted = offset
    tee.release(before: min(emitted, pinned ?? emitted))
  }

  private func append(_ bytes: [UInt8]) { output.append(contentsOf: bytes) }

  private func drainIfFull() throws(XLSXError) {
    guard let drain, output.count >= 1 << 20 else { return }
    try drain(output)
    output.removeAll(keepingCapacity: true)
  }
}

extension XMLEditor.Token {
  init(_ token: XMLTokenizer.Token) {
    switch token {
    case .start: self = .start
    case .end: self = .end
    case .text: self = .text
    case .eof: self = .eof
    }
  }
}

/// Passes a source's bytes to the tokenizer and keeps a copy of them (from the oldest offset the
/// editor still needs), with where the last read went: enough to turn the tokenizer's buffer
/// positions into offsets in the part.
private final class TeeSource: ByteSource {
  private let source: any ByteSource
  /// Bytes kept, from offset `base`.
  private var kept: [UInt8] = []
  private var base = 0
  /// Bytes delivered in all.
  private(set) var delivered = 0
  /// Where the last read wrote, and how many bytes had been delivered before it.
  private(set) var lastDestination = UnsafeRawPointer(bitPattern: 1)!
  private(set) var lastDelivered = 0
  /// Whether the tokenizer wrapped this source in its UTF-16 transcoder (it then reads into a
  /// buffer of its own, and the offsets no longer match).
  private(set) var transcoded = false
  private var reads = 0

  init(_ source: any ByteSource) { self.source = source }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(XLSXError) -> Int {
    let n = try source.read(into: buffer)
    if reads == 0 && n >= 2 {
      let b = buffer.bindMemory(to: UInt8.self)
      if (b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE)
        || (b[0] == 0x00 && b[1] == 0x3C) || (b[0] == 0x3C && b[1] == 0x00)
      {
        transcoded = true
      }
    }
    reads += 1
    lastDestination = UnsafeRawPointer(buffer.baseAddress!)
    lastDelivered = delivered
    kept.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<n]))
    delivered += n
    return n
  }

  func bytes(_ start: Int, _ end: Int) -> [UInt8] {
    Array(kept[(start - base)..<(end - base)])
  }

  func append(from start: Int, to end: Int, into out: inout [UInt8]) {
    out.append(contentsOf: kept[(start - base)..<(end - base)])
  }

  /// Forgets the bytes before `offset` (in large steps: dropping the front moves the rest).
  func release(before offset: Int) {
    guard offset - base > 1 << 18 else { return }
    kept.removeFirst(offset - base)
    base = offset
  }
}
