import Model

/// The `审核结果` worksheet of a patched copy, written as SpreadsheetML: the same content as the
/// rebuilt copy's (``AnnotatedWorkbook``): the verdict, one legend line per severity on its fill,
/// the header, and one row per issue with a link to its cell and the 说明 wrapped in rows tall
/// enough to show all of it.
enum ResultsSheetXML {
  /// Points per line of wrapped text (11-point type, CJK glyphs included).
  private static let lineHeight = 15.0
  /// The 说明 column's width, in characters.
  private static let messageWidth = 70.0
  private static let widths = [6.0, 6, 10, 14, 8, messageWidth, 24]

  /// The hidden columns (J, K, L) of the record a later round reads: per marked cell whose own
  /// style had a fill, its sheet, its cell and that fill (a re-save may renumber styles and
  /// fills; the fill's own XML survives it).
  static let recordColumns = (first: 10, last: 12)

  static func xml(
    issues: [Issue], summary: String, linkable: Set<String>,
    record: [(sheet: String, cell: CellReference, fill: String)] = [],
    styles: StylesPatch.ResultsStyles
  ) -> [UInt8] {
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    out += "<worksheet xmlns=\"\(PackagePatcher.mainNamespace)\""
    out += " xmlns:r=\"\(PackagePatcher.relationshipsNamespace)\">"
    let header = AnnotatedWorkbook.resultsHeaderRow + 1  // 1-based
    out += "<dimension ref=\"A1:G\(header + issues.count)\"/>"
    out += "<sheetViews><sheetView workbookViewId=\"0\">"
    out +=
      "<pane ySplit=\"\(header)\" topLeftCell=\"A\(header + 1)\" activePane=\"bottomLeft\" state=\"frozen\"/>"
    out += "<selection pane=\"bottomLeft\" activeCell=\"A\(header + 1)\" sqref=\"A\(header + 1)\"/>"
    out += "</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/><cols>"
    for (i, width) in widths.enumerated() {
      out +=
        "<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(width + 0.7109375)\" customWidth=\"1\"/>"
    }
    let (first, last) = recordColumns
    out += "<col min=\"\(first)\" max=\"\(last)\" width=\"9\" hidden=\"1\" customWidth=\"1\"/>"
    out += "</cols><sheetData>"

    func text(_ s: String, _ ref: String, style: Int? = nil) -> String {
      "<c r=\"\(ref)\"\(style.map { " s=\"\($0)\"" } ?? "") t=\"inlineStr\"><is><t xml:space=\"preserve\">"
        + xmlText(excelText(s)) + "</t></is></c>"
    }
    out += "<row r=\"1\">" + text(summary, "A1", style: styles.bold) + "</row>"
    for (i, (severity, meaning)) in AnnotatedWorkbook.legend.enumerated() {
      let r = 2 + i
      out += "<row r=\"\(r)\">" + text(severity.label, "A\(r)", style: styles.fill[severity])
      out += text(meaning, "B\(r)") + "</row>"
    }
    out += "<row r=\"\(header)\">"
    for (c, title) in ["序号", "级别", "规则", "工作表", "单元格", "说明", "当前值"].enumerated() {
      out += text(title, CellReference.columnName(c + 1) + String(header), style: styles.header)
    }
    out += "</row>"

    var links = ""
    var linkCount = 0
    for (i, issue) in issues.enumerated() {
      let r = header + 1 + i
      let lines = lineCount(issue.message)
      out += "<row r=\"\(r)\""
      if lines > 1 { out += " ht=\"\(Double(lines) * lineHeight)\" customHeight=\"1\"" }
      out += "><c r=\"A\(r)\"><v>\(i + 1)</v></c>"
      out += text(issue.severity.label, "B\(r)", style: styles.fill[issue.severity])
      out += text(issue.rule, "C\(r)") + text(issue.sheet ?? "—", "D\(r)")
      if let cell = issue.cell {
        if let name = issue.sheet, linkable.contains(name), linkCount < maxLinks {
          out += text(cell.a1, "E\(r)", style: styles.link)
          let location = "'" + name.replacing("'", with: "''") + "'!" + cell.a1
          links +=
            "<hyperlink ref=\"E\(r)\" location=\"\(xmlText(location))\" display=\"\(cell.a1)\"/>"
          linkCount += 1
        } else {
          out += text(cell.a1, "E\(r)")
        }
      } else {
        out += text("—", "E\(r)")
      }
      out += text(issue.message, "F\(r)", style: styles.wrap)
      if let value = issue.value, !value.isEmpty { out += text(value, "G\(r)") }
      if i < record.count {
        let entry = record[i]
        out += text(entry.sheet, CellReference.columnName(first) + String(r))
        out += text(entry.cell.a1, CellReference.columnName(first + 1) + String(r))
        out += text(entry.fill, CellReference.columnName(first + 2) + String(r))
      }
      out += "</row>"
    }
    out += "</sheetData>"
    if !links.isEmpty { out += "<hyperlinks>" + links + "</hyperlinks>" }
    out +=
      "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
    out += "</worksheet>"
    return Array(out.utf8)
  }

  /// Excel's limit of hyperlinks per worksheet.
  private static let maxLinks = 65_530

  /// The lines a message takes in the 说明 column once wrapped (CJK characters two widths).
  static func lineCount(_ message: String) -> Int {
    var lines = 0
    for paragraph in message.split(separator: "\n", omittingEmptySubsequences: false) {
      var width = 0.0
      for scalar in paragraph.unicodeScalars { width += scalar.value >= 0x2E80 ? 2 : 1 }
      // A little short of the column: wrapping breaks at word and glyph edges.
      lines += max(1, Int((width / (messageWidth - 4)).rounded(.up)))
    }
    return lines
  }
}
