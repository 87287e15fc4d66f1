/// One cell for ``sheetXML(rows:dimension:)``; its position in the row gives its column.
public enum CellSpec: Sendable, Equatable {
  /// `t="inlineStr"` with the text (escaped) in `<is><t>`.
  case inlineString(String)
  /// A plain number in `<v>`.
  case number(Double)
  /// `t="b"` with `<v>1</v>` or `<v>0</v>`.
  case bool(Bool)
  /// `t="s"` with the shared-string index in `<v>`.
  case sharedString(Int)
  /// The whole `<c>` element, written verbatim (its own `r`, or none, is up to the test).
  case raw(String)
  /// A number with style index `s`: `.styled(s, value)`.
  case styled(Int, Double)
  /// No cell: the column is skipped, leaving a gap.
  case empty
}

/// A complete worksheet part with one `<row>` per element of `rows` (row 1 first). Each cell
/// gets an `r` attribute (`A1` style) from its position; rows with no cells are left out, as
/// Excel does, so `[]` makes a blank row.
public func sheetXML(rows: [[CellSpec]], dimension: String? = nil) -> String {
  var xml = xmlDeclaration + "<worksheet xmlns=\"\(spreadsheetMLNamespace)\">"
  if let dimension { xml += "<dimension ref=\"\(xmlEscape(dimension))\"/>" }
  xml += "<sheetData>"
  for (rowIndex, row) in rows.enumerated() where row.contains(where: { $0 != .empty }) {
    let rowNumber = rowIndex + 1
    xml += "<row r=\"\(rowNumber)\">"
    for (column, cell) in row.enumerated() {
      let ref = columnName(column) + String(rowNumber)
      switch cell {
      case .inlineString(let text):
        xml += "<c r=\"\(ref)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">"
        xml += xmlEscape(text) + "</t></is></c>"
      case .number(let value):
        xml += "<c r=\"\(ref)\"><v>\(numberText(value))</v></c>"
      case .bool(let value):
        xml += "<c r=\"\(ref)\" t=\"b\"><v>\(value ? 1 : 0)</v></c>"
      case .sharedString(let index):
        xml += "<c r=\"\(ref)\" t=\"s\"><v>\(index)</v></c>"
      case .raw(let element):
        xml += element
      case .styled(let style, let value):
        xml += "<c r=\"\(ref)\" s=\"\(style)\"><v>\(numberText(value))</v></c>"
      case .empty:
        break
      }
    }
    xml += "</row>"
  }
  return xml + "</sheetData></worksheet>"
}

/// `s` with `&`, `<`, `>`, `"` and `'` replaced by entities, safe in text and attributes.
/// Characters XML 1.0 forbids (most C0 controls) pass through unchanged: a test that needs
/// them must write Excel's `_xHHHH_` form itself.
public func xmlEscape(_ s: String) -> String {
  var out = ""
  out.reserveCapacity(s.utf8.count)
  for character in s.unicodeScalars {
    switch character {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    case "'": out += "&apos;"
    default: out.unicodeScalars.append(character)
    }
  }
  return out
}

/// The column letters for a zero-based index: 0 → `A`, 25 → `Z`, 26 → `AA`.
public func columnName(_ index: Int) -> String {
  precondition(index >= 0, "column index must not be negative")
  var n = index + 1
  var letters: [Character] = []
  while n > 0 {
    let remainder = (n - 1) % 26
    letters.append(Character(Unicode.Scalar(UInt8(65 + remainder))))
    n = (n - 1) / 26
  }
  return String(letters.reversed())
}

/// Whole numbers as integers ("3", not "3.0") as Excel writes them; the rest in Swift's
/// shortest round-tripping form, which is a valid xsd:double for finite values.
private func numberText(_ value: Double) -> String {
  if value == value.rounded(), abs(value) < 1e15 {
    return String(Int64(value))
  }
  return String(value)
}
