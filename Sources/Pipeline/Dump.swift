import Model
import XLSXReading

/// `pipeline dump`: what a workbook holds, as the reader sees it.
public enum Dump {
  public enum Format: String, Sendable {
    case text, json
  }

  /// Writes the workbook at `path` in `format` to `output`, in pieces. With `stats`, per sheet
  /// only the number of rows and of cells by type (every cell is still read as a typed value).
  ///
  /// JSON is the truth format of the conformance corpus: `{file, date1904, sheets: [{name,
  /// visible, kind, cell_count, cells: {A1: value}}]}` with values as strings, numbers, booleans,
  /// `{"date": ISO}`, `{"time": ISO}` (a date-formatted serial below 1, or a `t="d"` time alone;
  /// a `t="d"` value keeps its time-zone designator), `{"duration_seconds": n}`,
  /// `{"error": "#N/A"}` and `{"invalid_number": text}` (a number cell that is no finite number).
  public static func write(
    path: String, fileName: String, format: Format, stats: Bool, limits: ReaderLimits,
    to output: (_ bytes: [UInt8]) -> Void
  ) throws {
    let workbook = try Workbook(path: path, limits: limits)
    var out = JSONWriter()
    if format == .json {
      out.raw("{\"file\": ")
      out.string(fileName)
      out.raw(", \"date1904\": ")
      out.bool(workbook.date1904)
      out.raw(", \"sheets\": [")
    } else {
      out.raw(
        "\(fileName): \(workbook.sheets.count) 个工作表，\(workbook.date1904 ? "1904" : "1900") 日期系统\n")
    }
    for (i, sheet) in workbook.sheets.enumerated() {
      var counts = [Int](repeating: 0, count: CellValue.Kind.allCases.count)
      var rows = 0
      var cells = 0
      if format == .json {
        if i > 0 { out.raw(", ") }
        out.raw("{\"name\": ")
        out.string(sheet.name)
        out.raw(
          ", \"visible\": \"\(sheet.visibility.rawValue)\", \"kind\": \"\(sheet.kind.rawValue)\"")
        if !stats { out.raw(", \"cells\": {") }
      } else {
        out.raw("\n== \(sheet.name) (\(sheet.kind.rawValue), \(sheet.visibility.rawValue)) ==\n")
      }
      // Counting only (`--stats`, what the reader benchmark times): nothing of the sheet is
      // printed before its end, so one pass, as the checker reads; listing cells streams them
      // out, so the part is verified first.
      try workbook.forEachRow(inSheet: i, verifyFirst: !stats) { row in
        rows += 1
        for cell in row.cells {
          if stats {
            counts[cell.value.kind.index] += 1
          } else if format == .json {
            if cells > 0 { out.raw(", ") }
            out.string(cell.reference.a1)
            out.raw(": ")
            writeJSONValue(cell.value, date1904: workbook.date1904, to: &out)
          } else {
            out.raw("\(cell.reference.a1)\t\(cell.value.kind.rawValue)\t")
            out.raw(displayText(cell.value, date1904: workbook.date1904))
            out.raw("\n")
          }
          cells += 1
        }
        if out.bytes.count > 1 << 16 { output(out.take()) }
      }
      if stats {
        let kinds = CellValue.Kind.allCases
        if format == .json {
          out.raw(", \"rows\": \(rows), \"cell_count\": \(cells), \"cells_by_type\": {")
          out.raw(kinds.map { "\"\($0.rawValue)\": \(counts[$0.index])" }.joined(separator: ", "))
          out.raw("}}")
        } else {
          let byType = kinds.filter { counts[$0.index] > 0 }
            .map { "\($0.rawValue) \(counts[$0.index])" }.joined(separator: ", ")
          out.raw("\(rows) 行，\(cells) 个单元格\(byType.isEmpty ? "" : "（\(byType)）")\n")
        }
      } else if format == .json {
        out.raw("}, \"cell_count\": \(cells)}")
      }
    }
    if format == .json { out.raw("]}\n") }
    output(out.take())
  }

  /// The JSON for an unreadable workbook: `{file, error: {rule, message, detail}}`.
  public static func errorJSON(fileName: String, error: XLSXError) -> String {
    var out = JSONWriter()
    out.raw("{\"file\": ")
    out.string(fileName)
    out.raw(", \"error\": {\"rule\": ")
    out.string(error.rule)
    out.raw(", \"message\": ")
    out.string(error.message)
    out.raw(", \"detail\": ")
    out.string(error.detail)
    out.raw("}}\n")
    return String(decoding: out.bytes, as: UTF8.self)
  }

  static func writeJSONValue(_ value: CellValue, date1904: Bool, to out: inout JSONWriter) {
    switch value {
    case .text(let s): out.string(s)
    case .number(let v): out.number(v)
    case .bool(let b): out.bool(b)
    case .error(let e):
      out.raw("{\"error\": ")
      out.string(e)
      out.raw("}")
    case .date(let serial):
      guard let parts = SpreadsheetDate.parts(serial: serial, date1904: date1904) else {
        out.number(serial)
        return
      }
      // A serial within the first day is a time of day (the reference readers' convention).
      if serial >= 0 && (serial * 86_400_000).rounded() < 86_400_000 {
        out.raw("{\"time\": \"\(parts.isoTime)\"}")
      } else {
        out.raw("{\"date\": \"\(parts.iso)\"}")
      }
    case .duration(let days):
      out.raw("{\"duration_seconds\": ")
      out.number((days * 86_400_000).rounded() / 1000)
      out.raw("}")
    case .isoDate(let d):
      // As the file shows it, designator included (SPEC §8); a time alone is a time.
      out.raw(d.hasDate ? "{\"date\": " : "{\"time\": ")
      out.string(d.iso)
      out.raw("}")
    case .invalidNumber(let s):
      out.raw("{\"invalid_number\": ")
      out.string(s)
      out.raw("}")
    }
  }

  static func displayText(_ value: CellValue, date1904: Bool) -> String {
    switch value {
    case .text(let s): return s.debugDescription
    case .number(let v): return v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : v.description
    case .bool(let b): return b ? "TRUE" : "FALSE"
    case .error(let e): return e
    case .date(let serial):
      let iso = SpreadsheetDate.parts(serial: serial, date1904: date1904)?.iso ?? "?"
      return "\(iso) (serial \(serial))"
    case .duration(let days): return "\(days * 86_400) s"
    case .isoDate(let d): return "\(d.iso) (t=\"d\")"
    case .invalidNumber(let s): return "\(s.debugDescription) (not a finite number)"
    }
  }
}
