#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where a tokenizer's bytes come from: a zip entry being inflated, or memory.
protocol ByteSource: AnyObject {
  /// Fills the front of `buffer`; returns the number of bytes written, 0 at the end.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws(XLSXError) -> Int
}

/// A streaming tokenizer for the SpreadsheetML subset of XML, over bytes pulled from a source.
///
/// It yields start tags, end tags and text, one token at a time; a token's ranges are valid until
/// the next call to ``next()``. Names are matched by local name (the part after any prefix), so
/// `<x:c>` is `c`, and Transitional and Strict namespaces read alike. It never processes a DTD:
/// any `<!DOCTYPE` is refused, only the five predefined entities and character references are
/// known, and nothing is ever fetched. Comments and processing instructions are skipped; CDATA is
/// text. UTF-16 parts are transcoded to UTF-8 on the way in. Element nesting is checked (every end
/// tag must close the open element), as are the depth and token-size limits.
final class XMLTokenizer {
  enum Token: Equatable {
    case start, end, text, eof
  }

  /// The part being read, for error messages.
  let part: String
  private var source: any ByteSource
  private let maxTokenBytes: Int
  private let maxDepth: Int

  private var buffer: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  private var pos = 0
  private var length = 0
  private var atEnd = false
  /// Bytes dropped from the front of the buffer so far: `consumed + pos` is the offset in the part.
  private var consumed = 0
  private var started = false

  /// Hashes of the qualified names of the open elements, innermost last: a fixed stack of
  /// `maxDepth` entries (an array's append and uniqueness checks cost a third of a start tag).
  private let open: UnsafeMutablePointer<UInt64>
  private var openCount = 0
  private var pendingEnd = false

  // The current token.
  private(set) var nameStart = 0
  private(set) var nameEnd = 0
  private(set) var attributesStart = 0
  private(set) var attributesEnd = 0
  private(set) var textStart = 0
  private(set) var textEnd = 0
  /// Whether the current text token is a CDATA section (taken literally, no entities).
  private(set) var isCDATA = false
  /// Whether the current start tag closes itself (`<c/>`); an end token follows it.
  private(set) var isSelfClosing = false

  init(part: String, source: any ByteSource, limits: ReaderLimits) {
    self.part = part
    self.source = source
    self.maxTokenBytes = limits.maxTokenBytes
    self.maxDepth = limits.maxXMLDepth
    capacity = 1 << 16
    buffer = .allocate(capacity: capacity + 8)
    open = .allocate(capacity: max(limits.maxXMLDepth, 1))
  }

  deinit {
    buffer.deallocate()
    open.deallocate()
  }

  /// The number of elements open around the current position.
  var depth: Int { openCount }

  // MARK: - Tokens

  /// Moves to the next token.
  func next() throws(XLSXError) -> Token {
    if pendingEnd {
      pendingEnd = false
      openCount -= 1
      return .end
    }
    if !started { try start() }
    while true {
      if pos >= length, try !fill() {
        guard openCount == 0 else { throw malformed("the document ends inside an element") }
        return .eof
      }
      if buffer[pos] != UInt8(ascii: "<") { return try scanText() }
      if try !ensure(2) { throw malformed("the document ends inside a tag") }
      switch buffer[pos + 1] {
      case UInt8(ascii: "/"): return try scanEndTag()
      case UInt8(ascii: "?"): try skip(past: "?>")
      case UInt8(ascii: "!"):
        if try matches("<!--") {
          try skip(past: "-->")
        } else if try matches("<![CDATA[") {
          return try scanCDATA()
        } else {
          // A DOCTYPE (or any other declaration) could define entities: never process it.
          throw XLSXError(.doctype, "\(part): declaration at byte \(offset)")
        }
      default: return try scanStartTag()
      }
    }
  }

  /// The fast path for the commonest shape in a sheet, an unprefixed `<v>text</v>` right at the
  /// current position: consumes it whole and makes its content the current text token (a start
  /// and an end that balance, so the element stack is untouched). Returns false, consuming
  /// nothing, when the bytes there are anything else; the caller then reads tokens as usual.
  func takeValueElement() throws(XLSXError) -> Bool {
    guard !pendingEnd, try ensure(4), buffer[pos] == UInt8(ascii: "<"),
      buffer[pos + 1] == UInt8(ascii: "v"), buffer[pos + 2] == UInt8(ascii: ">")
    else { return false }
    guard let i = try find(UInt8(ascii: "<"), from: 3), try ensure(i + 4),
      buffer[pos + i + 1] == UInt8(ascii: "/"), buffer[pos + i + 2] == UInt8(ascii: "v"),
      buffer[pos + i + 3] == UInt8(ascii: ">")
    else { return false }
    guard i <= maxTokenBytes else { throw tokenTooLong() }
    isCDATA = false
    textStart = pos + 3
    textEnd = pos + i
    pos += i + 4
    return true
  }

  /// Whether the current element's local name is `name` (ASCII).
  @inline(__always)
  func nameIs(_ name: StaticString) -> Bool {
    let n = name.utf8CodeUnitCount
    guard nameEnd - nameStart == n else { return false }
    let p = name.utf8Start
    for k in 0..<n where buffer[nameStart + k] != p[k] { return false }
    return true
  }

  /// The current element's local name.
  var name: String { String(decoding: UnsafeBufferPointer(start: buffer + nameStart, count: nameEnd - nameStart), as: UTF8.self) }

  /// The bytes of a range of the current token, valid until the next call to ``next()``.
  @inline(__always)
  func bytes(_ start: Int, _ end: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: buffer + start, count: end - start)
  }

  /// The current text token's bytes, raw (entities not yet decoded unless CDATA).
  var rawText: UnsafeBufferPointer<UInt8> { bytes(textStart, textEnd) }

  /// Appends the current text token's characters to `out`, entities decoded.
  func appendText(to out: inout [UInt8]) throws(XLSXError) {
    let raw = rawText
    if raw.isEmpty { return }
    let hasCR = memchr(raw.baseAddress!, 0x0D, raw.count) != nil
    if isCDATA {
      // CDATA is literal, but XML's end-of-line handling (§2.11) still applies.
      guard hasCR else { return out.append(contentsOf: raw) }
      var i = 0
      while i < raw.count {
        if raw[i] == 0x0D {
          if i + 1 < raw.count && raw[i + 1] == 0x0A { i += 1 }
          out.append(0x0A)
        } else {
          out.append(raw[i])
        }
        i += 1
      }
    } else if !hasCR && memchr(raw.baseAddress!, Int32(UInt8(ascii: "&")), raw.count) == nil {
      out.append(contentsOf: raw)
    } else {
      try decodeEntities(raw, into: &out, normalizeWhitespace: false)
    }
  }

  // MARK: - Attributes

  /// One attribute of the current start tag: local name and raw value ranges.
  struct Attribute {
    var nameStart, nameEnd, valueStart, valueEnd: Int
    var hasPrefix: Bool
  }

  /// The attribute of the current start tag that starts at or after `cursor` (start at
  /// `attributesStart`), moving `cursor` past it; nil after the last one.
  @inline(__always)
  func nextAttribute(_ cursor: inout Int) throws(XLSXError) -> Attribute? {
    var i = cursor
    let end = attributesEnd
    while i < end && isSpace(buffer[i]) { i += 1 }
    if i >= end { return nil }
    let qStart = i
    var local = i
    while i < end && buffer[i] != UInt8(ascii: "=") && !isSpace(buffer[i]) {
      if buffer[i] == UInt8(ascii: ":") { local = i + 1 }
      i += 1
    }
    let qEnd = i
    while i < end && isSpace(buffer[i]) { i += 1 }
    guard i < end, buffer[i] == UInt8(ascii: "=") else { throw malformed("attribute without a value") }
    i += 1
    while i < end && isSpace(buffer[i]) { i += 1 }
    guard i < end, buffer[i] == UInt8(ascii: "\"") || buffer[i] == UInt8(ascii: "'") else {
      throw malformed("unquoted attribute value")
    }
    let quote = buffer[i]
    i += 1
    let vStart = i
    while i < end && buffer[i] != quote { i += 1 }
    guard i < end else { throw malformed("unterminated attribute value") }
    cursor = i + 1
    return Attribute(
      nameStart: local, nameEnd: qEnd, valueStart: vStart, valueEnd: i, hasPrefix: local != qStart)
  }

  /// Whether an attribute's local name is `name`.
  @inline(__always)
  func attribute(_ a: Attribute, is name: StaticString) -> Bool {
    let n = name.utf8CodeUnitCount
    guard a.nameEnd - a.nameStart == n else { return false }
    let p = name.utf8Start
    for k in 0..<n where buffer[a.nameStart + k] != p[k] { return false }
    return true
  }

  /// An attribute's value with entities decoded and white space normalized (XML 1.0 §3.3.3).
  func value(_ a: Attribute) throws(XLSXError) -> String {
    let raw = bytes(a.valueStart, a.valueEnd)
    if !raw.contains(UInt8(ascii: "&")) && !raw.contains(where: { $0 < 0x20 }) {
      return String(decoding: raw, as: UTF8.self)
    }
    var out: [UInt8] = []
    try decodeEntities(raw, into: &out, normalizeWhitespace: true)
    return String(decoding: out, as: UTF8.self)
  }

  /// The value of the attribute with this local name on the current start tag, if any. When both
  /// a prefixed and an unprefixed one exist (`r:id` and `id`), `prefixed` picks which.
  func attributeValue(_ name: StaticString, prefixed: Bool? = nil) throws(XLSXError) -> String? {
    var found: Attribute?
    var cursor = attributesStart
    while let a = try nextAttribute(&cursor) {
      if attribute(a, is: name), prefixed == nil || a.hasPrefix == prefixed || found == nil {
        found = a
      }
    }
    guard let found else { return nil }
    return try value(found)
  }

  // MARK: - Scanning

  private func start() throws(XLSXError) {
    started = true
    _ = try ensure(4)  // enough to recognize a byte-order mark or a UTF-16 declaration
    // A byte-order mark or an XML declaration in UTF-16 means the part is UTF-16: transcode.
    if length >= 2 {
      let (b0, b1) = (buffer[0], buffer[1])
      let bigEndian: Bool?
      switch (b0, b1) {
      case (0xFE, 0xFF), (0x00, 0x3C): bigEndian = true
      case (0xFF, 0xFE), (0x3C, 0x00): bigEndian = false
      default: bigEndian = nil
      }
      if let bigEndian {
        let pending = Array(UnsafeBufferPointer(start: buffer, count: length))
        source = UTF16Transcoder(source: source, bigEndian: bigEndian, pending: pending)
        length = 0
        atEnd = false
        _ = try ensure(3)
        if length >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { pos = 3 }
        return
      }
    }
    if length >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { pos = 3 }
  }

  /// Reads more bytes, keeping those from `pos` on; false at the end of the part.
  private func fill() throws(XLSXError) -> Bool {
    if atEnd { return false }
    if pos > 0 {
      let keep = length - pos
      if keep > 0 { memmove(buffer, buffer + pos, keep) }
      consumed += pos
      length = keep
      pos = 0
    }
    if length == capacity {
      // The buffer is full of one unfinished token: it is longer than the buffer.
      guard capacity <= maxTokenBytes else { throw tokenTooLong() }
      let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2 + 8)
      bigger.update(from: buffer, count: length)
      buffer.deallocate()
      buffer = bigger
      capacity *= 2
    }
    let n = try source.read(
      into: UnsafeMutableRawBufferPointer(start: buffer + length, count: capacity - length))
    if n == 0 {
      atEnd = true
      return false
    }
    length += n
    return true
  }

  /// Makes sure `count` bytes from `pos` are in the buffer; false when the part ends first.
  @inline(__always)
  private func ensure(_ count: Int) throws(XLSXError) -> Bool {
    while length - pos < count {
      if try !fill() { return false }
    }
    return true
  }

  private func matches(_ literal: StaticString) throws(XLSXError) -> Bool {
    let n = literal.utf8CodeUnitCount
    guard try ensure(n) else { return false }
    return memcmp(buffer + pos, literal.utf8Start, n) == 0
  }

  /// The distance from `pos` of the first `byte` at or after distance `from`, reading more as
  /// needed; nil when the part ends first.
  @inline(__always)
  private func find(_ byte: UInt8, from: Int) throws(XLSXError) -> Int? {
    var from = from
    while true {
      if pos + from < length,
        let p = memchr(buffer + pos + from, Int32(byte), length - pos - from)
      {
        return p.assumingMemoryBound(to: UInt8.self) - (buffer + pos)
      }
      from = max(from, length - pos)
      if try !fill() { return nil }
    }
  }

  private func skip(past terminator: StaticString) throws(XLSXError) {
    let n = terminator.utf8CodeUnitCount
    let last = terminator.utf8Start[n - 1]
    var from = 2
    while true {
      guard let i = try find(last, from: from) else {
        throw malformed("unterminated comment, CDATA or processing instruction")
      }
      if i + 1 >= n && memcmp(buffer + pos + i + 1 - n, terminator.utf8Start, n) == 0 {
        pos += i + 1
        return
      }
      from = i + 1
    }
  }

  private func scanText() throws(XLSXError) -> Token {
    isCDATA = false
    if let i = try find(UInt8(ascii: "<"), from: 0) {
      guard i <= maxTokenBytes else { throw tokenTooLong() }
      textStart = pos
      textEnd = pos + i
      pos += i
    } else {
      guard length - pos <= maxTokenBytes else { throw tokenTooLong() }
      textStart = pos
      textEnd = length
      pos = length
    }
    return .text
  }

  private func scanCDATA() throws(XLSXError) -> Token {
    let prefix = 9  // "<![CDATA["
    var from = prefix
    while true {
      guard let i = try find(UInt8(ascii: ">"), from: from) else {
        throw malformed("unterminated CDATA section")
      }
      if i >= prefix + 2 && buffer[pos + i - 1] == UInt8(ascii: "]")
        && buffer[pos + i - 2] == UInt8(ascii: "]")
      {
        guard i <= maxTokenBytes else { throw tokenTooLong() }
        isCDATA = true
        textStart = pos + prefix
        textEnd = pos + i - 2
        pos += i + 1
        return .text
      }
      from = i + 1
    }
  }

  private func scanEndTag() throws(XLSXError) -> Token {
    // End tags are short: scan for '>' inline, reading more only when the buffer runs out.
    var gt = 2
    while true {
      if pos + gt >= length {
        if try !fill() { throw malformed("unterminated end tag") }
        continue
      }
      if buffer[pos + gt] == UInt8(ascii: ">") { break }
      gt += 1
    }
    var end = pos + gt
    while end > pos + 2 && isSpace(buffer[end - 1]) { end -= 1 }
    let qStart = pos + 2
    var local = qStart
    for i in qStart..<end where buffer[i] == UInt8(ascii: ":") { local = i + 1 }
    guard openCount > 0, open[openCount - 1] == hash(qStart, end) else {
      throw malformed("end tag </\(String(decoding: bytes(qStart, end), as: UTF8.self))> does not close the open element")
    }
    openCount -= 1
    nameStart = local
    nameEnd = end
    pos += gt + 1
    return .end
  }

  private func scanStartTag() throws(XLSXError) -> Token {
    // Find the closing '>' outside quoted attribute values, jumping over values with memchr.
    var i = 1
    scan: while true {
      var p = buffer + pos + i
      let end = buffer + length
      while p < end {
        let b = p.pointee
        if b == UInt8(ascii: ">") {
          i = p - (buffer + pos)
          break scan
        } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
          // Attribute values are short: a plain loop beats a memchr call here.
          var q = p + 1
          while q < end && q.pointee != b { q += 1 }
          guard q < end else { break }
          p = q + 1
          continue
        } else if b == UInt8(ascii: "<") {
          throw malformed("'<' inside a tag")
        }
        p += 1
      }
      // Out of bytes (or inside an unterminated quote): read more and rescan from there.
      i = p - (buffer + pos)
      if try !fill() { throw malformed("unterminated start tag") }
    }
    guard i <= maxTokenBytes else { throw tokenTooLong() }
    let gt = pos + i
    let qStart = pos + 1
    var qEnd = qStart
    var local = qStart
    while qEnd < gt && !isSpace(buffer[qEnd]) && buffer[qEnd] != UInt8(ascii: "/")
      && buffer[qEnd] != UInt8(ascii: ">")
    {
      if buffer[qEnd] == UInt8(ascii: ":") { local = qEnd + 1 }
      qEnd += 1
    }
    guard qEnd > qStart else { throw malformed("a tag without a name") }
    isSelfClosing = buffer[gt - 1] == UInt8(ascii: "/")
    nameStart = local
    nameEnd = qEnd
    attributesStart = qEnd
    attributesEnd = isSelfClosing ? gt - 1 : gt
    guard openCount < maxDepth else {
      throw XLSXError(
        .limitExceeded(.xmlDepth), "\(part): elements nested deeper than \(maxDepth) at byte \(offset)")
    }
    open[openCount] = hash(qStart, qEnd)
    openCount += 1
    pendingEnd = isSelfClosing
    pos = gt + 1
    return .start
  }

  /// A cheap identity for an element name, for matching end tags: its length and first seven
  /// bytes taken as they are (the hot names `c`, `v`, `row`, `t` cost one load), the rest hashed.
  @inline(__always)
  private func hash(_ start: Int, _ end: Int) -> UInt64 {
    let n = end - start
    // The buffer has 8 bytes of slack past its capacity, so this load never leaves it.
    var h = UnsafeRawPointer(buffer + start).loadUnaligned(as: UInt64.self)
    if n < 7 {
      h &= (1 << (8 * UInt64(n))) - 1
    } else {
      h &= 0x00FF_FFFF_FFFF_FFFF
      // Longer names (sheetData, cellXfs) are rare: fold in the rest so they match exactly too.
      for i in (start + 7)..<end { h = (h ^ UInt64(buffer[i])) &* 0x100_0000_01b3 }
    }
    return h ^ UInt64(min(n, 255)) << 56
  }

  private var offset: Int { consumed + pos }

  private func tokenTooLong() -> XLSXError {
    XLSXError(
      .limitExceeded(.tokenBytes), "\(part): a token longer than \(maxTokenBytes) bytes at byte \(offset)")
  }

  func malformed(_ what: String) -> XLSXError {
    XLSXError(.malformedXML, "\(part): \(what) (byte \(offset))")
  }

  // MARK: - Entities

  /// Decodes the five predefined entities and character references; any other entity is an error
  /// (there is no DTD that could have declared it).
  func decodeEntities(
    _ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], normalizeWhitespace: Bool
  ) throws(XLSXError) {
    var i = 0
    let n = raw.count
    while i < n {
      let b = raw[i]
      if b != UInt8(ascii: "&") {
        var c = b
        if c == 0x0D {
          // XML end-of-line handling (§2.11): CR LF and a lone CR become LF.
          if i + 1 < n && raw[i + 1] == 0x0A { i += 1 }
          c = 0x0A
        }
        out.append(normalizeWhitespace && (c == 0x09 || c == 0x0A) ? 0x20 : c)
        i += 1
        continue
      }
      var j = i + 1
      while j < n && raw[j] != UInt8(ascii: ";") && j - i < 12 { j += 1 }
      guard j < n, raw[j] == UInt8(ascii: ";") else { throw malformed("an '&' that starts no entity") }
      let name = UnsafeBufferPointer(rebasing: raw[(i + 1)..<j])
      if name.first == UInt8(ascii: "#") {
        guard let scalar = characterReference(UnsafeBufferPointer(rebasing: name.dropFirst())) else {
          throw malformed("invalid character reference")
        }
        out.append(contentsOf: String(Character(scalar)).utf8)
      } else {
        switch String(decoding: name, as: UTF8.self) {
        case "lt": out.append(UInt8(ascii: "<"))
        case "gt": out.append(UInt8(ascii: ">"))
        case "amp": out.append(UInt8(ascii: "&"))
        case "quot": out.append(UInt8(ascii: "\""))
        case "apos": out.append(UInt8(ascii: "'"))
        default: throw malformed("undeclared entity &\(String(decoding: name, as: UTF8.self));")
        }
      }
      i = j + 1
    }
  }

  private func characterReference(_ digits: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
    guard !digits.isEmpty else { return nil }
    var value: UInt32 = 0
    if digits[0] == UInt8(ascii: "x") {
      guard digits.count > 1 else { return nil }
      for d in digits.dropFirst() {
        guard let h = hexValue(d) else { return nil }
        value = value &* 16 &+ UInt32(h)
        if value > 0x10FFFF { return nil }
      }
    } else {
      for d in digits {
        let v = d &- UInt8(ascii: "0")
        guard v < 10 else { return nil }
        value = value &* 10 &+ UInt32(v)
        if value > 0x10FFFF { return nil }
      }
    }
    guard value != 0 else { return nil }
    return Unicode.Scalar(value)
  }
}

@inline(__always)
func isSpace(_ b: UInt8) -> Bool {
  b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
}

@inline(__always)
func hexValue(_ b: UInt8) -> UInt8? {
  switch b {
  case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
  case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
  case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
  default: nil
  }
}

// MARK: - UTF-16

/// Turns a UTF-16 byte stream into UTF-8, chunk by chunk (odd bytes and split surrogate pairs are
/// carried over to the next chunk).
final class UTF16Transcoder: ByteSource {
  private let source: any ByteSource
  private let bigEndian: Bool
  private var input: [UInt8]
  private var output: [UInt8] = []
  private var outputPos = 0
  private var sourceDone = false

  init(source: any ByteSource, bigEndian: Bool, pending: [UInt8]) {
    self.source = source
    self.bigEndian = bigEndian
    self.input = pending
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(XLSXError) -> Int {
    while outputPos == output.count {
      if sourceDone && input.count < 2 { return 0 }
      if !sourceDone {
        let n = try readChunk()
        if n == 0 { sourceDone = true }
      }
      transcode()
    }
    let n = min(buffer.count, output.count - outputPos)
    output.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + outputPos, byteCount: n) }
    outputPos += n
    return n
  }

  private func readChunk() throws(XLSXError) -> Int {
    let base = UnsafeMutableRawPointer.allocate(byteCount: 1 << 15, alignment: 1)
    defer { base.deallocate() }
    let n = try source.read(into: UnsafeMutableRawBufferPointer(start: base, count: 1 << 15))
    input.append(contentsOf: UnsafeRawBufferPointer(start: base, count: n))
    return n
  }

  private func transcode() {
    output.removeAll(keepingCapacity: true)
    outputPos = 0
    var units: [UInt16] = []
    units.reserveCapacity(input.count / 2)
    var i = 0
    while i + 1 < input.count {
      let u = bigEndian ? UInt16(input[i]) << 8 | UInt16(input[i + 1]) : UInt16(input[i + 1]) << 8 | UInt16(input[i])
      units.append(u)
      i += 2
    }
    // Keep a trailing high surrogate for the next chunk, unless the input is done.
    if !sourceDone, let last = units.last, UTF16.isLeadSurrogate(last) {
      units.removeLast()
      i -= 2
    }
    input.removeFirst(i)
    output.append(contentsOf: String(decoding: units, as: UTF16.self).utf8)
    if sourceDone && !input.isEmpty { input.removeAll() }  // a lone odd byte at the end
  }
}
