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
  /// Whether the bytes are checked as UTF-8 as they arrive (not when a transcoder made them).
  private var validatesUTF8 = false
  /// Bytes of the buffer known to be valid UTF-8: all but the start of a sequence the next read
  /// completes. Tokens end at ASCII delimiters, so none ever reaches past it.
  private var validated = 0
  /// Bytes dropped from the front of the buffer so far: `consumed + pos` is the offset in the part.
  private var consumed = 0
  private var started = false

  /// Hashes of the qualified names of the open elements, innermost last: a fixed stack of
  /// `maxDepth` entries (an array's append and uniqueness checks cost a third of a start tag).
  private let open: UnsafeMutablePointer<UInt64>
  /// Whether each open element is outside the SpreadsheetML namespaces, innermost last.
  private let openForeign: UnsafeMutablePointer<Bool>
  private var openCount = 0
  private var pendingEnd = false

  /// Namespace declarations in scope (`xmlns`, `xmlns:p`), innermost last, with the depth of the
  /// element that made each; most parts declare them all on the root.
  private var bindings: [(prefix: [UInt8], spreadsheetML: Bool, depth: Int)] = []
  /// The depth of the element that made the innermost declaration (0 for none): an end tag
  /// below it drops declarations.
  private var innermostBindingDepth = 0
  /// Whether unprefixed elements are in a SpreadsheetML namespace (or in none at all).
  private var defaultIsSpreadsheetML = true

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
  /// Whether the current start or end tag's element is outside the SpreadsheetML namespaces
  /// (Transitional and Strict), matched by namespace URI. An element in no namespace, or with
  /// an undeclared prefix, counts as SpreadsheetML, as lax writers produce them.
  private(set) var isForeign = false

  init(part: String, source: any ByteSource, limits: ReaderLimits) {
    self.part = part
    self.source = source
    self.maxTokenBytes = limits.maxTokenBytes
    self.maxDepth = limits.maxXMLDepth
    capacity = 1 << 16
    buffer = .allocate(capacity: capacity + 8)
    open = .allocate(capacity: max(limits.maxXMLDepth, 1))
    openForeign = .allocate(capacity: max(limits.maxXMLDepth, 1))
  }

  deinit {
    buffer.deallocate()
    open.deallocate()
    openForeign.deallocate()
  }

  /// The number of elements open around the current position.
  var depth: Int { openCount }

  // MARK: - Tokens

  /// Moves to the next token.
  func next() throws(XLSXError) -> Token {
    if pendingEnd {
      pendingEnd = false
      openCount -= 1
      if openCount < innermostBindingDepth { closeScope() }
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
    guard !pendingEnd, defaultIsSpreadsheetML, try ensure(4), buffer[pos] == UInt8(ascii: "<"),
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
  var name: String {
    String(
      decoding: UnsafeBufferPointer(start: buffer + nameStart, count: nameEnd - nameStart),
      as: UTF8.self)
  }

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
    guard i < end, buffer[i] == UInt8(ascii: "=") else {
      throw malformed("attribute without a value")
    }
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

  /// Whether an attribute is a namespace declaration (`xmlns:p`), not an attribute of its element.
  @inline(__always)
  func isNamespaceDeclaration(_ a: Attribute) -> Bool {
    a.hasPrefix && a.nameStart - 6 >= attributesStart
      && memcmp(buffer + a.nameStart - 6, "xmlns:", 6) == 0
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

  /// Finds the part's encoding (SPEC §8) and sets up its decoding: a UTF-16 part (a byte-order
  /// mark, or `<` as a 16-bit unit) is transcoded; a part declaring GB18030, GBK, GB2312 or
  /// ISO-8859-1 goes through iconv; UTF-8 is validated as it is read. Any other declared
  /// encoding, or a declaration at odds with the bytes, is refused.
  private func start() throws(XLSXError) {
    started = true
    _ = try ensure(4)  // enough to recognize a byte-order mark or a UTF-16 declaration
    if length >= 2 {
      let bigEndian: Bool? =
        switch (buffer[0], buffer[1]) {
        case (0xFE, 0xFF), (0x00, 0x3C): true
        case (0xFF, 0xFE), (0x3C, 0x00): false
        default: nil
        }
      if let bigEndian {
        let pending = Array(UnsafeBufferPointer(start: buffer, count: length))
        source = UTF16Transcoder(source: source, bigEndian: bigEndian, pending: pending, part: part)
        length = 0
        atEnd = false
        _ = try ensure(3)
        if length >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { pos = 3 }
        switch try declaredEncoding() {
        case nil, "utf-16", "utf-16le", "utf-16be": return
        case let other?: throw unsupported(other, "in a UTF-16 part")
        }
      }
    }
    let hasBOM = length >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF
    if hasBOM { pos = 3 }
    switch try declaredEncoding() {
    case nil, "utf-8", "utf8":
      validatesUTF8 = true
      try validateUTF8(final: atEnd)
    case let declared? where !hasBOM:
      guard let name = Self.iconvNames[declared] else { throw unsupported(declared, "") }
      let pending = Array(UnsafeBufferPointer(start: buffer, count: length))
      source = try IconvTranscoder(source: source, encoding: name, pending: pending, part: part)
      length = 0
      atEnd = false
      pos = 0
    case let declared?:
      throw unsupported(declared, "after a UTF-8 byte-order mark")
    }
  }

  /// The encodings decoded through iconv, by their lower-case spellings in a declaration.
  private static let iconvNames: [String: String] = [
    "gb18030": "GB18030", "gbk": "GBK", "gb2312": "GB2312", "iso-8859-1": "ISO-8859-1",
    "iso8859-1": "ISO-8859-1", "iso_8859-1": "ISO-8859-1",
  ]

  private func unsupported(_ encoding: String, _ context: String) -> XLSXError {
    XLSXError(
      .badEncoding(part: part),
      "\(part): declared encoding \"\(encoding)\"\(context.isEmpty ? "" : " " + context) is not supported"
    )
  }

  /// The `encoding` of the XML declaration at `pos`, in lower case; nil without one.
  private func declaredEncoding() throws(XLSXError) -> String? {
    _ = try ensure(512)
    let window = bytes(pos, min(length, pos + 512))
    guard window.starts(with: "<?xml".utf8), window.count > 5, isSpace(window[5]) else {
      return nil
    }
    let end = (5..<window.count).first { window[$0] == UInt8(ascii: "?") } ?? window.count
    let declaration = Array(window[5..<end])
    let key = Array("encoding".utf8)
    guard
      let at = (0...max(declaration.count - key.count, 0)).first(where: {
        declaration.count >= key.count && declaration[$0..<($0 + key.count)].elementsEqual(key)
      })
    else { return nil }
    var i = at + key.count
    while i < declaration.count && isSpace(declaration[i]) { i += 1 }
    guard i < declaration.count, declaration[i] == UInt8(ascii: "=") else { return nil }
    i += 1
    while i < declaration.count && isSpace(declaration[i]) { i += 1 }
    guard i < declaration.count,
      declaration[i] == UInt8(ascii: "\"") || declaration[i] == UInt8(ascii: "'")
    else { return nil }
    let quote = declaration[i]
    let valueEnd = declaration[(i + 1)...].firstIndex(of: quote) ?? declaration.count
    return String(decoding: declaration[(i + 1)..<valueEnd], as: UTF8.self).lowercased()
  }

  // MARK: - UTF-8 validation

  /// Checks the bytes read since the last check; with `final`, a sequence cut off at the end
  /// of the part is invalid too.
  private func validateUTF8(final: Bool) throws(XLSXError) {
    guard let checked = utf8ValidPrefix(buffer + validated, length - validated) else {
      throw XLSXError(
        .badEncoding(part: part),
        "\(part): bytes that are not UTF-8 near byte \(consumed + validated)")
    }
    validated += checked
    if final && validated < length {
      throw XLSXError(.badEncoding(part: part), "\(part): a UTF-8 sequence cut off at the end")
    }
  }

  /// Reads more bytes, keeping those from `pos` on; false at the end of the part.
  private func fill() throws(XLSXError) -> Bool {
    if atEnd { return false }
    if pos > 0 {
      let keep = length - pos
      if keep > 0 { memmove(buffer, buffer + pos, keep) }
      consumed += pos
      length = keep
      validated = max(validated - pos, 0)
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
      if validatesUTF8 { try validateUTF8(final: true) }
      return false
    }
    length += n
    if validatesUTF8 { try validateUTF8(final: false) }
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
      throw malformed(
        "end tag </\(String(decoding: bytes(qStart, end), as: UTF8.self))> does not close the open element"
      )
    }
    openCount -= 1
    isForeign = openForeign[openCount]
    if openCount < innermostBindingDepth { closeScope() }
    nameStart = local
    nameEnd = end
    pos += gt + 1
    return .end
  }

  private func scanStartTag() throws(XLSXError) -> Token {
    // Find the closing '>' outside quoted attribute values, jumping over values with memchr.
    var i = 1
    // ` xmlns` outside quoted values starts a namespace declaration: one compare per byte here,
    // and the few tags with one are parsed properly below.
    var mayDeclare = false
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
        } else if b == UInt8(ascii: "x"), end - p > 5, isSpace(p[-1]), p[1] == UInt8(ascii: "m"),
          p[2] == UInt8(ascii: "l"), p[3] == UInt8(ascii: "n"), p[4] == UInt8(ascii: "s")
        {
          mayDeclare = true
        }
        p += 1
      }
      // Out of bytes (or inside an unterminated quote): read more and rescan from there. A
      // ` xmlns` cut by the end of the buffer would go unseen, so such a tag is parsed properly.
      i = p - (buffer + pos)
      mayDeclare = true
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
        .limitExceeded(.xmlDepth),
        "\(part): elements nested deeper than \(maxDepth) at byte \(offset)")
    }
    open[openCount] = hash(qStart, qEnd)
    if mayDeclare { try declareNamespaces(depth: openCount + 1) }
    isForeign = local == qStart ? !defaultIsSpreadsheetML : prefixIsForeign(qStart, local - 1)
    openForeign[openCount] = isForeign
    openCount += 1
    pendingEnd = isSelfClosing
    pos = gt + 1
    return .start
  }

  // MARK: - Namespaces

  private static let spreadsheetMLNamespaces: [[UInt8]] = [
    Array("http://schemas.openxmlformats.org/spreadsheetml/2006/main".utf8),
    Array("http://purl.oclc.org/ooxml/spreadsheetml/main".utf8),
  ]

  /// Records the `xmlns` and `xmlns:p` attributes of the current start tag, at `depth`.
  private func declareNamespaces(depth: Int) throws(XLSXError) {
    var cursor = attributesStart
    while let a = try nextAttribute(&cursor) {
      // `nextAttribute` gives the local name: `xmlns` itself, or `p` of `xmlns:p`.
      guard a.hasPrefix ? isNamespaceDeclaration(a) : attribute(a, is: "xmlns") else { continue }
      let uri = try value(a)
      let spreadsheetML =
        uri.isEmpty || Self.spreadsheetMLNamespaces.contains { $0.elementsEqual(uri.utf8) }
      let prefix = a.hasPrefix ? Array(bytes(a.nameStart, a.nameEnd)) : []
      bindings.append((prefix, spreadsheetML, depth))
      innermostBindingDepth = depth
      if prefix.isEmpty { defaultIsSpreadsheetML = spreadsheetML }
    }
  }

  /// Whether the prefix in `start..<end` is bound to a namespace other than SpreadsheetML's.
  private func prefixIsForeign(_ start: Int, _ end: Int) -> Bool {
    let prefix = bytes(start, end)
    for b in bindings.reversed() where !b.prefix.isEmpty && b.prefix.elementsEqual(prefix) {
      return !b.spreadsheetML
    }
    return false
  }

  /// Drops the declarations of elements that are no longer open.
  private func closeScope() {
    var changedDefault = false
    while let last = bindings.last, last.depth > openCount {
      changedDefault = changedDefault || last.prefix.isEmpty
      bindings.removeLast()
    }
    innermostBindingDepth = bindings.last?.depth ?? 0
    if changedDefault {
      defaultIsSpreadsheetML = bindings.last { $0.prefix.isEmpty }?.spreadsheetML ?? true
    }
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
      .limitExceeded(.tokenBytes),
      "\(part): a token longer than \(maxTokenBytes) bytes at byte \(offset)")
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
      guard j < n, raw[j] == UInt8(ascii: ";") else {
        throw malformed("an '&' that starts no entity")
      }
      let name = UnsafeBufferPointer(rebasing: raw[(i + 1)..<j])
      if name.first == UInt8(ascii: "#") {
        guard let scalar = characterReference(UnsafeBufferPointer(rebasing: name.dropFirst()))
        else {
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

// MARK: - UTF-8

/// The length of the longest prefix of `p[0..<n]` that is valid UTF-8 followed only by the
/// valid start of a sequence cut off at `n`; nil when an invalid byte comes first (overlong
/// forms, surrogates and values past U+10FFFF included, as Unicode §3.9 table 3-7 has it).
@inline(__always)
func utf8ValidPrefix(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
  var i = 0
  while i < n {
    // ASCII eight bytes at a time: the common case in every part.
    while i + 8 <= n,
      UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
    {
      i += 8
    }
    guard i < n else { break }
    let b = p[i]
    if b < 0x80 {
      i += 1
      continue
    }
    var need = 2
    var low: UInt8 = 0x80
    var high: UInt8 = 0xBF
    switch b {
    case 0xC2...0xDF: need = 1
    case 0xE0: low = 0xA0
    case 0xE1...0xEC, 0xEE, 0xEF: break
    case 0xED: high = 0x9F
    case 0xF0: (need, low) = (3, 0x90)
    case 0xF1...0xF3: need = 3
    case 0xF4: (need, high) = (3, 0x8F)
    default: return nil
    }
    let available = min(need, n - i - 1)
    for k in 0..<available {
      let c = p[i + 1 + k]
      guard k == 0 ? (c >= low && c <= high) : (c & 0xC0 == 0x80) else { return nil }
    }
    if available < need { return i }
    i += need + 1
  }
  return n
}

// MARK: - Transcoding

/// Turns a UTF-16 byte stream into UTF-8, chunk by chunk (odd bytes and split surrogate pairs are
/// carried over to the next chunk). An unpaired surrogate or an odd byte at the end is FILE-001.
final class UTF16Transcoder: ByteSource {
  private let source: any ByteSource
  private let bigEndian: Bool
  private let part: String
  private var input: [UInt8]
  private var output: [UInt8] = []
  private var outputPos = 0
  private var sourceDone = false

  init(source: any ByteSource, bigEndian: Bool, pending: [UInt8], part: String) {
    self.source = source
    self.bigEndian = bigEndian
    self.input = pending
    self.part = part
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(XLSXError) -> Int {
    while outputPos == output.count {
      if sourceDone && input.isEmpty { return 0 }
      if !sourceDone {
        let n = try readChunk(from: source, into: &input)
        if n == 0 { sourceDone = true }
      }
      try transcode()
    }
    let n = min(buffer.count, output.count - outputPos)
    output.withUnsafeBytes {
      buffer.baseAddress!.copyMemory(from: $0.baseAddress! + outputPos, byteCount: n)
    }
    outputPos += n
    return n
  }

  private func transcode() throws(XLSXError) {
    output.removeAll(keepingCapacity: true)
    outputPos = 0
    var i = 0
    while i + 1 < input.count {
      let u = unit(at: i)
      var scalar: Unicode.Scalar
      if UTF16.isLeadSurrogate(u) {
        guard i + 3 < input.count else {
          if sourceDone { throw invalid("an unpaired surrogate at the end") }
          break  // the pair's second half comes with the next chunk
        }
        let v = unit(at: i + 2)
        guard UTF16.isTrailSurrogate(v) else { throw invalid("an unpaired surrogate") }
        scalar = Unicode.Scalar(0x10000 + ((UInt32(u) - 0xD800) << 10 | (UInt32(v) - 0xDC00)))!
        i += 4
      } else {
        guard let s = Unicode.Scalar(u) else { throw invalid("an unpaired surrogate") }
        scalar = s
        i += 2
      }
      UTF8.encode(scalar) { output.append($0) }
    }
    input.removeFirst(i)
    if sourceDone && !input.isEmpty { throw invalid("an odd byte at the end") }
  }

  private func unit(at i: Int) -> UInt16 {
    bigEndian
      ? UInt16(input[i]) << 8 | UInt16(input[i + 1]) : UInt16(input[i + 1]) << 8 | UInt16(input[i])
  }

  private func invalid(_ what: String) -> XLSXError {
    XLSXError(.badEncoding(part: part), "\(part): not valid UTF-16: \(what)")
  }
}

/// Turns a part in an encoding iconv knows (GB18030, GBK, GB2312, ISO-8859-1) into UTF-8,
/// chunk by chunk; a byte sequence invalid in that encoding, or cut off at the end, is FILE-001.
final class IconvTranscoder: ByteSource {
  private let source: any ByteSource
  private let part: String
  private let encoding: String
  private let converter: iconv_t
  private var input: [UInt8]
  private var output = [UInt8](repeating: 0, count: 1 << 16)
  private var outputStart = 0
  private var outputEnd = 0
  private var sourceDone = false

  init(source: any ByteSource, encoding: String, pending: [UInt8], part: String) throws(XLSXError) {
    self.source = source
    self.part = part
    self.encoding = encoding
    self.input = pending
    guard let converter = iconv_open("UTF-8", encoding), Int(bitPattern: converter) != -1 else {
      throw XLSXError(.badEncoding(part: part), "\(part): iconv cannot decode \(encoding)")
    }
    self.converter = converter
  }

  deinit { iconv_close(converter) }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(XLSXError) -> Int {
    while outputStart == outputEnd {
      if !sourceDone, try readChunk(from: source, into: &input) == 0 { sourceDone = true }
      if input.isEmpty && sourceDone { return 0 }
      try convert()
    }
    let n = min(buffer.count, outputEnd - outputStart)
    output.withUnsafeBytes {
      buffer.baseAddress!.copyMemory(from: $0.baseAddress! + outputStart, byteCount: n)
    }
    outputStart += n
    return n
  }

  /// Converts as much of `input` as fits in `output`.
  private func convert() throws(XLSXError) {
    var failure: Int32 = 0
    let (used, produced) = input.withUnsafeMutableBytes { inBytes in
      output.withUnsafeMutableBytes { outBytes -> (Int, Int) in
        var inPointer = inBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        var inLeft = inBytes.count
        var outPointer = outBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        var outLeft = outBytes.count
        if iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) == -1 { failure = errno }
        return (inBytes.count - inLeft, outBytes.count - outLeft)
      }
    }
    input.removeFirst(used)
    outputStart = 0
    outputEnd = produced
    switch failure {
    case EILSEQ:
      throw XLSXError(.badEncoding(part: part), "\(part): bytes that are not valid \(encoding)")
    case EINVAL where sourceDone:
      throw XLSXError(
        .badEncoding(part: part), "\(part): a \(encoding) sequence cut off at the end")
    default: break  // E2BIG: the rest next time; EINVAL: the sequence ends in the next chunk
    }
  }
}

/// Appends the next chunk of `source` to `input`; the number of bytes read, 0 at the end.
private func readChunk(from source: any ByteSource, into input: inout [UInt8]) throws(XLSXError)
  -> Int
{
  let base = UnsafeMutableRawPointer.allocate(byteCount: 1 << 15, alignment: 1)
  defer { base.deallocate() }
  let n = try source.read(into: UnsafeMutableRawBufferPointer(start: base, count: 1 << 15))
  input.append(contentsOf: UnsafeRawBufferPointer(start: base, count: n))
  return n
}
