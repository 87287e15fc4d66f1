import Model

/// Text as people type it in Chinese-locale Excel and WPS, made comparable (SPEC §4).
enum TextCleaning {
  /// Full-width ASCII (U+FF01…U+FF5E) → half-width, the ideographic space U+3000 and no-break
  /// spaces → a space; then trimmed at both ends.
  static func clean(_ s: String) -> String {
    if isAlreadyClean(s) { return s }
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

  /// The common case, checked on UTF-8 bytes without building anything: no blank at either end
  /// and nothing to convert (no full-width form `EF BC xx`/`EF BD xx`, ideographic space
  /// `E3 80 80`, no-break `C2 A0` or figure/narrow spaces `E2 80 87`/`E2 80 AF`).
  static func isAlreadyClean(_ s: String) -> Bool {
    s.utf8.withContiguousStorageIfAvailable { b -> Bool in
      // A multi-byte blank at either end is one of the sequences the loop below refuses.
      guard let first = b.first, let last = b.last, first > 0x20, last > 0x20 else {
        return b.isEmpty
      }
      var i = 0
      while i < b.count {
        let c = b[i]
        if c < 0x80 {
          i += 1
          continue
        }
        if c == 0xEF && i + 1 < b.count
          && (b[i + 1] == 0xBC || b[i + 1] == 0xBD || b[i + 1] == 0xBB)
        {
          return false
        }
        if c == 0xE3 && i + 2 < b.count && b[i + 1] == 0x80 && b[i + 2] == 0x80 { return false }
        if c == 0xC2 && i + 1 < b.count && b[i + 1] == 0xA0 { return false }
        if c == 0xE2 && i + 2 < b.count && b[i + 1] == 0x80
          && (b[i + 2] == 0x87 || b[i + 2] == 0xAF || b[i + 2] == 0x8B)
        {
          return false
        }
        i += 1
      }
      return true
    } ?? false
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
    if isAlreadyClean(s) && !s.utf8.contains(where: { $0 <= 0x20 }) { return s }
    return String(String.UnicodeScalarView(clean(s).unicodeScalars.filter { !isBlank($0) }))
  }

  /// The comparable form of a header, label, sheet name or choice: cleaned, white space removed
  /// anywhere, ASCII lower-cased, a trailing colon (`工作站编号：`), a leading or trailing `*` and
  /// a trailing `(必填)` or bracketed unit (`(元)`, `(元/月)`, `(人)`) dropped.
  static func key(_ s: String) -> String { keyAndUnits(s).key }

  /// ``key(_:)`` and the bracketed units it dropped, in the order written, cleaned like the key
  /// (`年度运行经费（万元）` → `年度运行经费`, `["万元"]`); `(必填)` is no unit. A money field reads
  /// its unit from them (SPEC §8); other fields ignore them.
  static func keyAndUnits(_ s: String) -> (key: String, units: [String]) {
    var k = personName(s).lowercased()
    var units: [String] = []
    while k.hasSuffix(":") { k.removeLast() }
    while k.hasPrefix("*") { k.removeFirst() }
    while k.hasSuffix("*") { k.removeLast() }
    while k.hasSuffix(")"), let open = k.lastIndex(of: "("), open > k.startIndex {
      let inside = String(k[k.index(after: open)..<k.index(before: k.endIndex)])
      if inside != "必填" { units.insert(inside, at: 0) }
      k = String(k[..<open])
      while k.hasSuffix("*") { k.removeLast() }
    }
    return (k, units)
  }

  /// Splits a list cell on 、,，;；/ (and, for codes, white space).
  static func splitList(_ s: String, onSpaces: Bool) -> [String] {
    clean(s).split { c in
      c == "、" || c == "," || c == ";" || c == "/"
        || (onSpaces && c.unicodeScalars.allSatisfy(isBlank))
    }.map { trimmed(String($0)) }.filter { !$0.isEmpty }
  }
}
