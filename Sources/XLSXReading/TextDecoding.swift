import Model

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Decodes ECMA-376's `_xHHHH_` escapes (Part 1 §22.9.2.19, ST_Xstring) in UTF-8 text: each
/// stands for the UTF-16 code unit HHHH, so `_x000D_` is a carriage return and `_x005F_` a
/// literal underscore. Surrogate pairs come as two escapes; an unpaired one becomes U+FFFD.
func decodeXString(_ bytes: [UInt8]) -> String {
  let hasEscape = bytes.withUnsafeBufferPointer {
    $0.count >= 7 && memchr($0.baseAddress!, Int32(UInt8(ascii: "_")), $0.count) != nil
  }
  guard hasEscape else { return String(decoding: bytes, as: UTF8.self) }
  var out: [UInt8] = []
  out.reserveCapacity(bytes.count)
  var units: [UInt16] = []
  var i = 0
  func flushUnits() {
    if !units.isEmpty {
      out.append(contentsOf: String(decoding: units, as: UTF16.self).utf8)
      units.removeAll()
    }
  }
  while i < bytes.count {
    if i + 7 <= bytes.count && bytes[i] == UInt8(ascii: "_") && bytes[i + 1] == UInt8(ascii: "x")
      && bytes[i + 6] == UInt8(ascii: "_"),
      let a = hexValue(bytes[i + 2]), let b = hexValue(bytes[i + 3]),
      let c = hexValue(bytes[i + 4]), let d = hexValue(bytes[i + 5])
    {
      units.append(UInt16(a) << 12 | UInt16(b) << 8 | UInt16(c) << 4 | UInt16(d))
      i += 7
      continue
    }
    flushUnits()
    out.append(bytes[i])
    i += 1
  }
  flushUnits()
  return String(decoding: out, as: UTF8.self)
}

/// Whether the current start tag keeps edge white space: its own `xml:space` (`preserve` or
/// `default`) when it has one, else what it inherits (XML 1.0 §2.10: the attribute applies to
/// the element's content, so a `<t>` inherits it from its `<si>` or `<is>`).
func preservesSpace(_ tok: XMLTokenizer, inherited: Bool = false) throws(XLSXError) -> Bool {
  switch try tok.attributeValue("space", prefixed: true) {
  case "preserve": true
  case "default": false
  default: inherited
  }
}

/// Drops the XML white space at both ends of `text[start...]`: the text of one `<t>` element
/// without `xml:space="preserve"`. XML 1.0 §2.10 leaves such white space to the application's
/// default handling, and Excel's default is to drop it (so this is what the submitter saw; Excel
/// and WPS always mark the spaces a person typed with `preserve`).
func trimXMLSpace(_ text: inout [UInt8], from start: Int) {
  var end = text.count
  while end > start && isSpace(text[end - 1]) { end -= 1 }
  var first = start
  while first < end && isSpace(text[first]) { first += 1 }
  if end < text.count { text.removeSubrange(end...) }
  if first > start { text.removeSubrange(start..<first) }
}

/// `bytes` without the XML white space at either end.
func trimmedXMLSpace(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
  var start = 0
  var end = bytes.count
  while start < end && isSpace(bytes[start]) { start += 1 }
  while end > start && isSpace(bytes[end - 1]) { end -= 1 }
  return UnsafeBufferPointer(rebasing: bytes[start..<end])
}

/// Parses a decimal number as SpreadsheetML writes it (`-12.5`, `1E-3`, `3.0000000000000004`),
/// correctly rounded; nil for anything else (no hex, no `inf`, no `nan`, no spaces).
func parseDouble(_ s: UnsafeBufferPointer<UInt8>) -> Double? {
  var i = 0
  let n = s.count
  guard n > 0, n < 400 else { return nil }
  var negative = false
  if s[0] == UInt8(ascii: "-") || s[0] == UInt8(ascii: "+") {
    negative = s[0] == UInt8(ascii: "-")
    i = 1
  }
  var mantissa: UInt64 = 0
  var digits = 0
  var exponent = 0
  var sawDigit = false
  var exact = true
  while i < n, case let d = s[i] &- UInt8(ascii: "0"), d < 10 {
    sawDigit = true
    if mantissa == 0 && d == 0 {
    } else if digits < 19 {
      mantissa = mantissa &* 10 &+ UInt64(d)
      digits += 1
    } else {
      exponent += 1
      exact = false
    }
    i += 1
  }
  if i < n && s[i] == UInt8(ascii: ".") {
    i += 1
    while i < n, case let d = s[i] &- UInt8(ascii: "0"), d < 10 {
      sawDigit = true
      if mantissa == 0 && d == 0 {
        exponent -= 1
      } else if digits < 19 {
        mantissa = mantissa &* 10 &+ UInt64(d)
        digits += 1
        exponent -= 1
      } else {
        exact = false
      }
      i += 1
    }
  }
  guard sawDigit else { return nil }
  if i < n && (s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E")) {
    i += 1
    var expNegative = false
    if i < n && (s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+")) {
      expNegative = s[i] == UInt8(ascii: "-")
      i += 1
    }
    var e = 0
    var expDigits = 0
    while i < n, case let d = s[i] &- UInt8(ascii: "0"), d < 10 {
      if e < 100_000 { e = e * 10 + Int(d) }
      expDigits += 1
      i += 1
    }
    guard expDigits > 0 else { return nil }
    exponent += expNegative ? -e : e
  }
  guard i == n else { return nil }
  // Clinger's fast path: both the mantissa and the power of ten are exact doubles.
  if exact && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
    let m = Double(mantissa)
    let v = exponent < 0 ? m / powersOfTen[-exponent] : m * powersOfTen[exponent]
    return negative ? -v : v
  }
  var buffer = [CChar](repeating: 0, count: n + 1)
  for k in 0..<n { buffer[k] = CChar(bitPattern: s[k]) }
  let v = strtod(buffer, nil)
  return v.isFinite ? v : nil
}

private let powersOfTen: [Double] = (0...22).map { e in
  var p = 1.0
  for _ in 0..<e { p *= 10 }
  return p
}

/// Parses a non-negative decimal integer of at most 18 digits.
@inline(__always)
func parseInt(_ s: UnsafeBufferPointer<UInt8>) -> Int? {
  guard !s.isEmpty, s.count <= 18 else { return nil }
  var v = 0
  for b in s {
    let d = b &- UInt8(ascii: "0")
    guard d < 10 else { return nil }
    v = v * 10 + Int(d)
  }
  return v
}

/// Parses an ISO 8601 date-time as a `t="d"` cell holds it — `2023-07-01`,
/// `2023-07-01T08:30:00.5`, `08:30:00`, optionally with `Z` or an offset — keeping the date and
/// time as written and the designator as given (SPEC §8); nil for anything else.
func parseISODate(_ text: String) -> ISODateTime? {
  let scalars = Array(text.utf8)
  var i = 0
  func number(_ width: Int) -> Int? {
    guard i + width <= scalars.count else { return nil }
    var v = 0
    for k in i..<(i + width) {
      let d = scalars[k] &- UInt8(ascii: "0")
      guard d < 10 else { return nil }
      v = v * 10 + Int(d)
    }
    i += width
    return v
  }
  func take(_ c: Character) -> Bool {
    guard i < scalars.count, scalars[i] == c.asciiValue! else { return false }
    i += 1
    return true
  }
  var parts = SpreadsheetDate.Parts(year: 1899, month: 12, day: 30)
  let hasDate = scalars.count >= 10 && scalars[4] == UInt8(ascii: "-")
  if hasDate {
    guard let y = number(4), take("-"), let m = number(2), take("-"), let d = number(2),
      SpreadsheetDate.isValid(year: y, month: m, day: d)
    else { return nil }
    (parts.year, parts.month, parts.day) = (y, m, d)
    if i < scalars.count { guard take("T") || take(" ") else { return nil } }
  }
  var zone: String?
  if i < scalars.count {
    guard let h = number(2), take(":"), let mi = number(2), h < 24, mi < 60 else { return nil }
    (parts.hour, parts.minute) = (h, mi)
    if take(":") {
      guard let s = number(2), s < 60 else { return nil }
      parts.second = s
      if take(".") || take(",") {
        var scale = 100
        var ms = 0
        while i < scalars.count, case let d = scalars[i] &- UInt8(ascii: "0"), d < 10 {
          ms += Int(d) * scale
          scale /= 10
          i += 1
        }
        parts.millisecond = ms
      }
    }
    let zoneStart = i
    if take("Z") {
    } else if i < scalars.count, scalars[i] == UInt8(ascii: "+") || scalars[i] == UInt8(ascii: "-")
    {
      i += 1
      guard let oh = number(2), oh < 24 else { return nil }
      if take(":") {
        guard number(2) != nil else { return nil }
      } else if i < scalars.count {
        guard number(2) != nil else { return nil }
      }
    }
    if i > zoneStart { zone = String(decoding: scalars[zoneStart..<i], as: UTF8.self) }
  }
  guard i == scalars.count else { return nil }
  return ISODateTime(parts: parts, hasDate: hasDate, zone: zone)
}
