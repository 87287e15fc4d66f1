import Model

/// Text as SpreadsheetML stores it in an element or attribute: the XML specials escaped, the
/// characters XML cannot hold (controls) as `_xHHHH_`, and a literal `_xHHHH_` guarded as
/// `_x005F_xHHHH_`, so a reader that undoes the escapes (ours, Excel) gets the text back.
func xmlText(_ s: String) -> String {
  var out: [UInt8] = []
  return appendXMLText(s, to: &out) ? String(decoding: out, as: UTF8.self) : s
}

/// Appends `s` escaped as ``xmlText(_:)`` escapes it, working on its UTF-8 bytes (every byte to
/// escape is ASCII, or U+FFFE/U+FFFF's `EF BF BE`/`EF BF BF`), unchanged runs copied whole.
/// Returns whether anything was escaped. With `spreadsheetEscapes` false only XML's own
/// specials are escaped: for text read from a part, whose `_xHHHH_` are already as written.
@discardableResult
func appendXMLText(_ s: String, to out: inout [UInt8], spreadsheetEscapes: Bool = true) -> Bool {
  var s = s
  return s.withUTF8 { bytes in
    var run = 0  // the start of the bytes not yet copied
    var i = 0
    func flush(to end: Int) {
      if run < end { out.append(contentsOf: bytes[run..<end]) }
    }
    func hex(_ value: Int) {
      out.append(contentsOf: "_x".utf8)
      for shift in stride(from: 12, through: 0, by: -4) {
        let digit = UInt8((value >> shift) & 0xF)
        out.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "A") + digit - 10)
      }
      out.append(UInt8(ascii: "_"))
    }
    func isEscapeLike(_ i: Int) -> Bool {
      guard i + 6 < bytes.count, bytes[i + 1] == UInt8(ascii: "x"),
        bytes[i + 6] == UInt8(ascii: "_")
      else { return false }
      return bytes[(i + 2)...(i + 5)].allSatisfy {
        ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66)
      }
    }
    var escaped = false
    while i < bytes.count {
      let b = bytes[i]
      let replacement: StaticString?
      switch b {
      case UInt8(ascii: "&"): replacement = "&amp;"
      case UInt8(ascii: "<"): replacement = "&lt;"
      case UInt8(ascii: ">"): replacement = "&gt;"
      case UInt8(ascii: "\""): replacement = "&quot;"
      case UInt8(ascii: "\r"): replacement = "&#13;"
      case UInt8(ascii: "_") where spreadsheetEscapes && isEscapeLike(i): replacement = "_x005F_"
      case UInt8(ascii: "\n"), UInt8(ascii: "\t"):
        replacement = nil
      case 0..<0x20 where spreadsheetEscapes:
        flush(to: i)
        hex(Int(b))
        escaped = true
        i += 1
        run = i
        continue
      case 0xEF
      where spreadsheetEscapes && i + 2 < bytes.count && bytes[i + 1] == 0xBF
        && bytes[i + 2] >= 0xBE:
        flush(to: i)
        hex(0xFFFE + Int(bytes[i + 2] - 0xBE))
        escaped = true
        i += 3
        run = i
        continue
      default: replacement = nil
      }
      if let replacement {
        flush(to: i)
        replacement.withUTF8Buffer { out.append(contentsOf: $0) }
        escaped = true
        run = i + 1
      }
      i += 1
    }
    flush(to: bytes.count)
    return escaped
  }
}

/// XML written straight into bytes: literal markup, numbers, cell references and escaped text
/// (``xmlText(_:)``) appended without the intermediate strings of interpolation — the 审核结果
/// sheet and the comments of a submission with tens of thousands of issues are built this way.
struct XMLBytes {
  private(set) var bytes: [UInt8] = []

  init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

  /// Markup, as it is (no escaping).
  mutating func raw(_ s: StaticString) {
    s.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  /// Markup given as a string (a prefix, a name we made), as it is.
  mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

  mutating func raw(_ other: [UInt8]) { bytes.append(contentsOf: other) }

  /// A whole number in decimal.
  mutating func number(_ n: Int) {
    if n < 0 {
      bytes.append(UInt8(ascii: "-"))
      number(-n)
      return
    }
    if n >= 10 { number(n / 10) }
    bytes.append(UInt8(ascii: "0") + UInt8(n % 10))
  }

  /// A cell reference (`AB12`).
  mutating func cell(column: Int, row: Int) {
    raw(CellReference.columnName(column))
    number(row)
  }

  mutating func cell(_ reference: CellReference) {
    cell(column: reference.column, row: reference.row)
  }

  /// Text, escaped for an element or an attribute (``appendXMLText(_:to:spreadsheetEscapes:)``).
  mutating func text(_ s: String, spreadsheetEscapes: Bool = true) {
    appendXMLText(s, to: &bytes, spreadsheetEscapes: spreadsheetEscapes)
  }
}
