import Model

/// Text as people type it in Chinese-locale Excel and WPS, made comparable (SPEC §4).
enum TextCleaning {
  /// Full-width ASCII (U+FF01…U+FF5E) → half-width, the ideographic space U+3000 and no-break
  /// spaces → a space; then trimmed at both ends.
  static func clean(_ s: String) -> String {
    var out = String.UnicodeScalarView()
    var changed = false
    for u in s.unicodeScalars {
      if let h = halfWidth(u) {
        out.append(h)
        changed = true
      } else {
        out.append(u)
      }
    }
    let text = changed ? String(out) : s
    return trimmed(text)
  }

  @inline(__always)
  static func halfWidth(_ u: Unicode.Scalar) -> Unicode.Scalar? {
    switch u.value {
    case 0xFF01...0xFF5E: return Unicode.Scalar(u.value - 0xFEE0)
    case 0x3000, 0x00A0, 0x2007, 0x202F: return " "
    default: return nil
    }
  }

  static func isBlank(_ u: Unicode.Scalar) -> Bool {
    switch u.value {
    case 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C, 0x3000, 0x00A0, 0x2007, 0x202F, 0xFEFF, 0x200B: true
    default: false
    }
  }

  static func trimmed(_ s: String) -> String {
    let scalars = s.unicodeScalars
    guard let first = scalars.firstIndex(where: { !isBlank($0) }) else { return "" }
    let last = scalars.lastIndex(where: { !isBlank($0) })!
    if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return s }
    return String(scalars[first...last])
  }

  /// A person's name: cleaned, with no spaces inside (`张 三` → `张三`).
  static func personName(_ s: String) -> String {
    String(String.UnicodeScalarView(clean(s).unicodeScalars.filter { !isBlank($0) }))
  }

  /// The comparable form of a header, label, sheet name or choice: cleaned, white space removed
  /// anywhere, ASCII lower-cased, a leading or trailing `*` and a trailing `(必填)` or bracketed
  /// unit (`(元)`, `(元/月)`, `(人)`) dropped.
  static func key(_ s: String) -> String {
    var k = personName(s).lowercased()
    while k.hasPrefix("*") { k.removeFirst() }
    while k.hasSuffix("*") { k.removeLast() }
    while k.hasSuffix(")"), let open = k.lastIndex(of: "("), open > k.startIndex {
      k = String(k[..<open])
      while k.hasSuffix("*") { k.removeLast() }
    }
    return k
  }

  /// Splits a list cell on 、,，;；/ (and, for codes, white space).
  static func splitList(_ s: String, onSpaces: Bool) -> [String] {
    clean(s).split { c in
      c == "、" || c == "," || c == ";" || c == "/" || (onSpaces && c.unicodeScalars.allSatisfy(isBlank))
    }.map { trimmed(String($0)) }.filter { !$0.isEmpty }
  }
}

/// A cell value as the submitter sees it, for messages and the `value` of an issue.
public func displayText(_ value: CellValue, date1904: Bool) -> String {
  switch value {
  case .text(let s): return s
  case .number(let v): return formatNumber(v)
  case .bool(let b): return b ? "TRUE" : "FALSE"
  case .error(let e): return e
  case .date(let serial):
    guard let p = SpreadsheetDate.parts(serial: serial, date1904: date1904) else { return formatNumber(serial) }
    let time = p.hour + p.minute + p.second + p.millisecond > 0
    return time ? p.isoDate + " " + p.isoTime : p.isoDate
  case .duration(let days): return formatNumber(days)
  }
}

/// `42`, `1500.5`, `2022120345`: integral values without `.0`.
public func formatNumber(_ v: Double) -> String {
  if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
  return String(v)
}
