import Basics
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
    var out = XMLBytes(capacity: 4096 + issues.count * 600)
    out.raw("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"")
    out.raw(PackagePatcher.mainNamespace)
    out.raw("\" xmlns:r=\"")
    out.raw(PackagePatcher.relationshipsNamespace)
    out.raw("\">")
    let header = AnnotatedWorkbook.resultsHeaderRow + 1  // 1-based
    out.raw("<dimension ref=\"A1:G\(header + issues.count)\"/>")
    out.raw("<sheetViews><sheetView workbookViewId=\"0\">")
    out.raw(
      "<pane ySplit=\"\(header)\" topLeftCell=\"A\(header + 1)\" activePane=\"bottomLeft\" state=\"frozen\"/>"
    )
    out.raw(
      "<selection pane=\"bottomLeft\" activeCell=\"A\(header + 1)\" sqref=\"A\(header + 1)\"/>")
    out.raw("</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/><cols>")
    for (i, width) in widths.enumerated() {
      out.raw(
        "<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(width + 0.7109375)\" customWidth=\"1\"/>")
    }
    let (first, last) = recordColumns
    out.raw("<col min=\"\(first)\" max=\"\(last)\" width=\"9\" hidden=\"1\" customWidth=\"1\"/>")
    out.raw("</cols><sheetData>")

    /// An inline-string cell at (`column`, `row`).
    func text(_ s: String, _ column: Int, _ row: Int, style: Int? = nil) {
      out.raw("<c r=\"")
      out.cell(column: column, row: row)
      if let style {
        out.raw("\" s=\"")
        out.number(style)
      }
      out.raw("\" t=\"inlineStr\"><is><t xml:space=\"preserve\">")
      out.text(excelText(s))
      out.raw("</t></is></c>")
    }
    func row(_ r: Int) {
      out.raw("<row r=\"")
      out.number(r)
      out.raw("\">")
    }
    row(1)
    text(summary, 1, 1, style: styles.bold)
    out.raw("</row>")
    for (i, (severity, meaning)) in AnnotatedWorkbook.legend.enumerated() {
      row(2 + i)
      text(severity.label, 1, 2 + i, style: styles.fill[severity])
      text(meaning, 2, 2 + i)
      out.raw("</row>")
    }
    row(header)
    for (c, title) in ["序号", "级别", "规则", "工作表", "单元格", "说明", "当前值"].enumerated() {
      text(title, c + 1, header, style: styles.header)
    }
    out.raw("</row>")

    var links = XMLBytes()
    var linkCount = 0
    for (i, issue) in issues.enumerated() {
      let r = header + 1 + i
      let lines = lineCount(issue.message)
      out.raw("<row r=\"")
      out.number(r)
      if lines > 1 {
        out.raw("\" ht=\"\(Double(lines) * lineHeight)\" customHeight=\"1")
      }
      out.raw("\"><c r=\"A")
      out.number(r)
      out.raw("\"><v>")
      out.number(i + 1)
      out.raw("</v></c>")
      text(issue.severity.label, 2, r, style: styles.fill[issue.severity])
      text(issue.rule, 3, r)
      text(issue.sheet ?? "—", 4, r)
      if let cell = issue.cell {
        if let name = issue.sheet, linkable.contains(name), linkCount < maxLinks {
          text(cell.a1, 5, r, style: styles.link)
          links.raw("<hyperlink ref=\"E")
          links.number(r)
          links.raw("\" location=\"")
          links.text("'" + name.replacing("'", with: "''") + "'!" + cell.a1)
          links.raw("\" display=\"")
          links.cell(cell)
          links.raw("\"/>")
          linkCount += 1
        } else {
          text(cell.a1, 5, r)
        }
      } else {
        text("—", 5, r)
      }
      text(issue.message, 6, r, style: styles.wrap)
      if let value = issue.value, !value.isEmpty { text(value, 7, r) }
      if i < record.count {
        let entry = record[i]
        text(entry.sheet, first, r)
        text(entry.cell.a1, first + 1, r)
        text(entry.fill, first + 2, r)
      }
      out.raw("</row>")
    }
    out.raw("</sheetData>")
    if linkCount > 0 {
      out.raw("<hyperlinks>")
      out.raw(links.bytes)
      out.raw("</hyperlinks>")
    }
    out.raw(
      "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
    )
    out.raw("</worksheet>")
    return out.bytes
  }

  /// Excel's limit of hyperlinks per worksheet.
  private static let maxLinks = 65_530

  /// The lines a message takes in the 说明 column once wrapped (``displayWidth(_:)`` per line).
  static func lineCount(_ message: String) -> Int {
    // A little short of the column: wrapping breaks at word and glyph edges.
    let usable = Int(messageWidth) - 4
    return message.split(separator: "\n", omittingEmptySubsequences: false).reduce(0) {
      $0 + max(1, (displayWidth($1) + usable - 1) / usable)
    }
  }
}
