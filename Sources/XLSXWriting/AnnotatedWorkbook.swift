import Basics
import Model
import XLSXReading

/// The copy of a submission given back to its submitter (SPEC §6): a first sheet `审核结果`
/// listing every issue, then every worksheet of the submission with the same names and cell
/// positions, each value with its type, and each cell an issue points to filled (errors red,
/// findings orange, warnings yellow: the worst of the cell's issues) and commented with its rule
/// IDs and messages. `审核结果` opens with the verdict and one legend line per severity.
///
/// ``write(bytes:issues:frozenRows:limits:to:)`` writes it as the submission's own package,
/// patched (``PackagePatcher``): everything is kept. The rebuild below
/// (``write(source:issues:frozenRows:note:to:)``, through libxlsxwriter) is its fallback for a
/// package that cannot be patched safely, and the unreadable file's copy.
///
/// What the rebuild does not carry over: formulas (their cached values are written, as the checker read
/// them), merged ranges, the submitter's own formats, fonts, row heights, comments, validation
/// lists, images, and chartsheets and macro sheets. Error values (`#N/A`) become text, since
/// libxlsxwriter cannot write an error cell. Dates are written in the 1900 date system whatever
/// the source used. Numbers keep 16 significant digits (libxlsxwriter writes `%.16G`), so the
/// rare double that needs a 17th (0.1 + 0.2) comes back off by one unit in the 16th digit.
/// Hidden sheets stay hidden ("very hidden" ones become hidden: libxlsxwriter has no other).
public enum AnnotatedWorkbook {
  /// The name of the first sheet; the checker ignores a sheet of this name
  /// (`template.ignoredSheets`), so a corrected copy can be resubmitted as it is.
  public static let resultsSheetName = "审核结果"

  /// Writes the annotated copy of `source` to `path` (atomically: nothing appears there unless
  /// the whole workbook was written).
  ///
  /// - Parameters:
  ///   - source: the submission, opened afresh (a `Workbook`'s cells limit counts every read, so
  ///     one already read through by the checker may run out of it here).
  ///   - issues: every issue of the submission, in report order (the order `审核结果` lists them).
  ///   - frozenRows: per sheet name, how many rows to freeze at the top (its header rows).
  ///   - note: a line added to the verdict (why the copy was rebuilt rather than patched).
  public static func write(
    source: Workbook, issues: [Issue], frozenRows: [String: Int] = [:], note: String? = nil,
    subject: Subject = .submission, to path: String
  ) throws {
    let summary = summary(issues, subject: subject) + (note ?? "")
    do {
      // Row by row, each row flushed before the next: memory stays flat however large the sheets.
      try write(
        source: source, issues: issues, frozenRows: frozenRows, summary: summary, to: path,
        constantMemory: true)
    } catch is RowsOutOfOrder {
      // A sheet whose rows are not in ascending order (Excel never writes one, but a reader
      // accepts it) cannot be streamed into constant-memory mode: write it held in memory.
      try write(
        source: source, issues: issues, frozenRows: frozenRows, summary: summary, to: path,
        constantMemory: false)
    }
  }

  /// What the annotated workbook is: a station's annual report, or the office's register
  /// (工作站名录) — the verdict line is worded for it.
  public enum Subject: Sendable {
    case submission
    case register
  }

  /// Writes the annotated copy of the package `bytes` to `path` (SPEC §6): the submitter's own
  /// workbook, patched (``PackagePatcher``); only a package that cannot be patched safely (Strict
  /// OOXML, or one the reader cannot read far enough) gets the rebuilt copy of
  /// ``write(source:issues:frozenRows:note:to:)``, its verdict line saying so.
  ///
  /// - Parameter frozenRows: for the rebuilt copy only (the patched one keeps the submitter's
  ///   own panes).
  public static func write(
    bytes: [UInt8], issues: [Issue], frozenRows: [String: Int] = [:],
    limits: ReaderLimits = ReaderLimits(), subject: Subject = .submission, to path: String
  ) throws {
    let reason: String
    do {
      try PackagePatcher.write(
        bytes: bytes, issues: issues, summary: summary(issues, subject: subject), limits: limits,
        to: path)
      return
    } catch let error as PackagePatcher.CannotPatch {
      reason = error.description == "Strict OOXML" ? "原文件为 Strict Open XML 格式" : "原文件的结构无法原样标注"
    } catch is XLSXError {
      reason = "原文件有部分内容无法读取"
    } catch is SheetPatch.RowsOutOfOrder {
      reason = "原文件有工作表的行顺序错乱"
    }
    let note =
      "（\(reason)，本文件是重新生成的副本：只保留了各单元格的值，原有格式、公式、批注、下拉列表等未保留；请在原文件上改正。）"
    try write(
      source: Workbook(bytes: bytes, limits: limits), issues: issues, frozenRows: frozenRows,
      note: note, subject: subject, to: path)
  }

  /// Writes a small workbook for a file that could not be read: just the `审核结果` sheet, saying
  /// why and what to do.
  public static func writeUnreadable(file: String, issues: [Issue], to path: String) throws {
    let writer = try SpreadsheetWriter(path: path)
    let advice =
      issues.contains { $0.rule == "FILE-002" }
      ? "请删除与报送无关的工作表、图片和大量空行，使文件变小后重新报送。"
      : "请用 Excel 或 WPS 打开原文件，另存为“Excel 工作簿(*.xlsx)”（不要加密或设置打开密码），"
        + "确认能正常打开后重新报送。"
    let summary = "文件“\(file)”无法读取，未能审核（原因见下表）。" + advice
    try writeResults(writer, issues: issues, summary: summary, linkable: [:])
    try writer.close()
  }

  // MARK: - Workbook

  private struct RowsOutOfOrder: Error {}

  private static func write(
    source: Workbook, issues: [Issue], frozenRows: [String: Int], summary: String,
    to path: String, constantMemory: Bool
  ) throws {
    // Chartsheets, macro sheets and dialog sheets hold no cells the rules read, and libxlsxwriter
    // cannot copy them: they are left out. A `审核结果` sheet in the source is an earlier
    // annotation (the checker ignores it); the fresh one replaces it.
    let copied = source.sheets.indices.filter {
      source.sheets[$0].kind == .worksheet && source.sheets[$0].name != resultsSheetName
    }
    // Everything a cell needs is known before its row is written: its issues, grouped by cell.
    var marks: [String: [CellReference: [Issue]]] = [:]
    for issue in issues {
      guard let sheet = issue.sheet, let cell = issue.cell else { continue }
      marks[sheet, default: [:]][cell, default: []].append(issue)
    }

    // A name Excel forbids (over 31 characters, `[]:*?/\`, a leading or trailing `'`, or one
    // that collides once mapped) gets a valid, unique one in the copy; 审核结果 still names the
    // sheet as submitted and links to it under its new name.
    let names = SheetNames.valid(
      copied.map { source.sheets[$0].name }, reserved: [resultsSheetName], blank: "工作表")
    var linkable: [String: String] = [:]
    for (index, name) in zip(copied, names) where linkable[source.sheets[index].name] == nil {
      linkable[source.sheets[index].name] = name
    }
    let writer = try SpreadsheetWriter(path: path, constantMemory: constantMemory)
    try writeResults(
      writer, issues: issues, summary: summary, linkable: linkable)
    for (index, name) in zip(copied, names) {
      let info = source.sheets[index]
      let sheet = try writer.addSheet(name)
      if info.visibility != .visible { sheet.hide() }
      try copySheet(
        source, index: index, into: sheet, marks: marks[info.name] ?? [:],
        frozenRows: frozenRows[info.name] ?? 0, inOrder: constantMemory)
    }
    try writer.close()
  }

  static func summary(_ issues: [Issue], subject: Subject = .submission) -> String {
    let counts = IssueCounts(issues)
    let status: SubmissionStatus =
      issues.contains { $0.rule == "FILE-001" || $0.rule == "FILE-002" }
      ? .unreadable
      : issues.contains { $0.rule == "X-003" && $0.severity == .warning }
        ? .superseded
        : counts.errors > 0 ? .rejected : .accepted
    let verdict = status.label + (status == .superseded ? "（同一工作站同一学年有较新的报送）" : "")
    var text = "审核结论：\(verdict)。\(counts.text(unit: "项"))，共 \(issues.count) 项。"
    if subject == .register {
      return text
        + (counts.errors > 0
          ? "名录有错误，整份名录未导入（数据库未作任何更改）。请按批注改正标红的单元格后重新导入。"
          : counts.warnings > 0 ? "标黄的单元格为提醒，不影响导入。" : "")
    }
    if counts.errors > 0 {
      text += "请按批注改正各数据表中标红的单元格后重新报送（本表和批注不影响审核，可保留）。" + rejectedNote
    } else if counts.findings > 0 {
      text += "标橙的单元格为政策问题：报送已通过，将记入期满验收。"
    } else if counts.warnings > 0 {
      text += "标黄的单元格为提醒，不影响通过。"
    }
    return text
  }

  /// The one sentence a rejected report's copy and receipt carry (SPEC §9): it does not count as
  /// reported until corrected.
  public static let rejectedNote = "改正并通过审核之前，本次报送不计为已按时报送（是否按时，以通过审核的报送为准）。"

  /// One line per severity under the verdict: what its colour means and what to do.
  static let legend: [(Severity, String)] = [
    (.error, "必须改正：数据缺失、格式不符或前后不一致，报送因此未通过。请改正后重新报送。"),
    (
      .finding,
      "如实反映了未达到办法要求的情况（如补助未按时、足额发放，未进行安全教育，兼职导师不符合条件）：不影响报送通过，将记入期满验收。请如实填报，不要为通过审核改动实际情况。"
    ),
    (.warning, "提醒：请核实，不影响报送通过。"),
  ]

  /// The 0-based row of the issue table's header in `审核结果` (above it: the verdict and the
  /// legend lines).
  public static let resultsHeaderRow = 1 + legend.count

  // MARK: - 审核结果

  private static let headerFill: UInt32 = 0xD9E1F2
  /// Excel's limit of hyperlinks per worksheet (libxlsxwriter refuses the 65,531st).
  private static let maxLinks = 65_530

  private static func writeResults(
    _ writer: SpreadsheetWriter, issues: [Issue], summary: String, linkable: [String: String]
  ) throws {
    let sheet = try writer.addSheet(resultsSheetName)
    try sheet.write(text: summary, row: 0, column: 0, format: CellFormat(bold: true))
    for (i, (severity, meaning)) in legend.enumerated() {
      try sheet.write(
        text: severity.label, row: 1 + i, column: 0, format: CellFormat(fill: severity.fill))
      try sheet.write(text: meaning, row: 1 + i, column: 1)
    }
    let header = CellFormat(bold: true, fill: headerFill)
    for (column, title) in ["序号", "级别", "规则", "工作表", "单元格", "说明", "当前值"].enumerated() {
      try sheet.write(text: title, row: resultsHeaderRow, column: column, format: header)
    }
    let link = CellFormat(fontColor: 0x0563C1, underline: true)
    let wrap = CellFormat(wrap: true)
    var links = 0
    for (i, issue) in issues.enumerated() {
      let row = resultsHeaderRow + 1 + i
      try sheet.write(number: Double(i + 1), row: row, column: 0)
      try sheet.write(
        text: issue.severity.label, row: row, column: 1,
        format: CellFormat(fill: issue.severity.fill))
      try sheet.write(text: issue.rule, row: row, column: 2)
      try sheet.write(text: excelText(issue.sheet ?? "—"), row: row, column: 3)
      if let cell = issue.cell {
        if let original = issue.sheet, let name = linkable[original], !name.contains("#"),
          links < maxLinks
        {
          // libxlsxwriter splits a link at `#`, so a sheet name holding one gets no link.
          try sheet.write(
            url: internalLink(sheet: name, cell: cell), text: cell.a1, row: row, column: 4,
            format: link)
          links += 1
        } else {
          try sheet.write(text: cell.a1, row: row, column: 4)
        }
      } else {
        try sheet.write(text: "—", row: row, column: 4)
      }
      try sheet.write(text: excelText(issue.message), row: row, column: 5, format: wrap)
      if let value = issue.value, !value.isEmpty {
        try sheet.write(text: excelText(value), row: row, column: 6)
      }
    }
    for (column, width) in [6.0, 6, 10, 14, 8, 70, 24].enumerated() {
      try sheet.setColumns(column, column, width: width)
    }
    sheet.freeze(row: resultsHeaderRow + 1)
  }

  /// `internal:'sheet'!B7`, the sheet name quoted as Excel quotes it (`'it''s'`).
  static func internalLink(sheet: String, cell: CellReference) -> String {
    "internal:'" + sheet.replacingAll("'", with: "''") + "'!" + cell.a1
  }

  // MARK: - Data sheets

  /// Copies one worksheet row by row, writing each marked cell (its value, fill and comment)
  /// with its row, and a blank filled cell where a marked cell is empty.
  private static func copySheet(
    _ source: Workbook, index: Int, into sheet: SheetWriter, marks: [CellReference: [Issue]],
    frozenRows: Int, inOrder: Bool
  ) throws {
    let marked = marks.keys.sorted()
    var next = 0  // the first marked cell not yet passed
    var commented: Set<CellReference> = []
    var lastRow = 0
    var estimates: [Int: Int] = [:]  // column → widest text, in character widths

    func writeMark(_ ref: CellReference, value: CellValue?) throws {
      let issues = marks[ref]!
      let format = CellFormat(
        numberFormat: value.flatMap { numberFormat($0, date1904: source.date1904) },
        fill: issues.map(\.severity).min()!.fill)
      if let value {
        try write(value, at: ref, in: sheet, format: format, date1904: source.date1904)
      } else {
        try sheet.writeBlank(row: ref.row - 1, column: ref.column - 1, format: format)
      }
      // A row seen twice (out-of-order sheets only) must not get a second comment.
      if commented.insert(ref).inserted {
        try sheet.comment(
          commentText(issues), row: ref.row - 1, column: ref.column - 1, author: "审核")
      }
    }

    func writeBlankMarks(before row: Int) throws {
      while next < marked.count, marked[next].row < row {
        if !commented.contains(marked[next]) { try writeMark(marked[next], value: nil) }
        next += 1
      }
    }

    // Written atomically (nothing appears unless complete): one pass, no CRC pre-pass.
    try source.forEachRow(inSheet: index, verifyFirst: false) { row in
      if row.index <= lastRow {
        guard !inOrder else { throw RowsOutOfOrder() }
        next = marked.firstIndex { $0.row >= row.index } ?? marked.count
      }
      lastRow = row.index
      try writeBlankMarks(before: row.index)
      for cell in row.cells {
        let ref = cell.reference
        if marks[ref] != nil {
          try writeMark(ref, value: cell.value)
        } else {
          let format = numberFormat(cell.value, date1904: source.date1904).map {
            CellFormat(numberFormat: $0)
          }
          try write(cell.value, at: ref, in: sheet, format: format, date1904: source.date1904)
        }
        let width = displayWidth(cell.value, date1904: source.date1904)
        if width > estimates[ref.column] ?? 0 { estimates[ref.column] = width }
      }
      // Marked empty cells of this row, written with it before it is flushed.
      try writeBlankMarks(before: row.index + 1)
    }
    try writeBlankMarks(before: CellReference.maxRow + 1)

    try setWidths(sheet, source: try source.columnWidths(inSheet: index), estimates: estimates)
    if frozenRows > 0 { sheet.freeze(row: frozenRows) }
  }

  private static func write(
    _ value: CellValue, at ref: CellReference, in sheet: SheetWriter, format: CellFormat?,
    date1904: Bool
  ) throws {
    let (row, column) = (ref.row - 1, ref.column - 1)
    switch value {
    case .text(let s):
      // Always a string: text beginning with `=` stays text.
      try sheet.write(text: excelText(s), row: row, column: column, format: format)
    case .number(let v), .duration(let v):
      if v.isFinite {
        try sheet.write(number: v, row: row, column: column, format: format)
      } else {
        try sheet.write(text: formatNumber(v), row: row, column: column, format: format)
      }
    case .date(let serial):
      try sheet.write(
        number: serial1900(serial, date1904: date1904), row: row, column: column, format: format)
    case .isoDate(let d):
      try sheet.write(number: d.serial1900, row: row, column: column, format: format)
    case .invalidNumber(let s):
      try sheet.write(text: excelText(s), row: row, column: column, format: format)
    case .bool(let b):
      try sheet.write(bool: b, row: row, column: column, format: format)
    case .error(let e):
      try sheet.write(text: e, row: row, column: column, format: format)
    }
  }

  /// The number format a value needs to read back as the same kind: dates as dates (with the time
  /// when there is one), durations as elapsed time; nil for everything else.
  static func numberFormat(_ value: CellValue, date1904: Bool) -> String? {
    switch value {
    case .date(let serial):
      if isTimeOfDay(serial) { return "hh:mm:ss" }
      let hasTime =
        SpreadsheetDate.parts(serial: serial, date1904: date1904).map {
          $0.hour + $0.minute + $0.second + $0.millisecond > 0
        } ?? (serial != serial.rounded(.down))
      return hasTime ? "yyyy-mm-dd hh:mm:ss" : "yyyy-mm-dd"
    case .duration: return "[h]:mm:ss"
    case .isoDate(let d):
      if !d.hasDate { return "hh:mm:ss" }
      let p = d.parts
      return p.hour + p.minute + p.second + p.millisecond > 0 ? "yyyy-mm-dd hh:mm:ss" : "yyyy-mm-dd"
    default: return nil
    }
  }

  /// The serial of the same date in the 1900 system (what libxlsxwriter writes). A time of day
  /// alone (a serial below 1) is the same in both systems and is kept.
  static func serial1900(_ serial: Double, date1904: Bool) -> Double {
    date1904 && !isTimeOfDay(serial) ? serial + 1462 : serial
  }

  private static func isTimeOfDay(_ serial: Double) -> Bool { serial >= 0 && serial < 1 }

  /// One line per issue of the cell: `CELL-002（错误）：message`.
  static func commentText(_ issues: [Issue]) -> String {
    excelText(
      issues.map { "\($0.rule)（\($0.severity.label)）：\($0.message)" }
        .joined(separator: "\n"))
  }

  // MARK: - Column widths

  /// Widths as close to the submission's as libxlsxwriter allows; columns the submission left at
  /// the default get a width estimated from their longest value.
  private static func setWidths(
    _ sheet: SheetWriter, source: [(first: Int, last: Int, width: Double)], estimates: [Int: Int]
  ) throws {
    // Overlapping `<col>` ranges make a file Excel calls corrupt: clip each to follow the last.
    var ranges: [(first: Int, last: Int, width: Double)] = []
    for range in source.sorted(by: { $0.first < $1.first }) {
      let first = max(range.first, (ranges.last?.last ?? 0) + 1)
      if first <= range.last { ranges.append((first, range.last, range.width)) }
    }
    for range in ranges {
      try sheet.setColumns(range.first - 1, range.last - 1, width: characterWidth(range.width))
    }
    var r = 0
    for (column, width) in estimates.sorted(by: { $0.key < $1.key }) {
      while r < ranges.count, ranges[r].last < column { r += 1 }
      if r < ranges.count, ranges[r].first <= column { continue }  // the submission set it
      let estimate = min(Double(width) + 2, 50)
      if estimate > 8.43 { try sheet.setColumns(column - 1, column - 1, width: estimate) }
    }
  }

  /// A stored `<col width>` (padding included) as the character width libxlsxwriter takes (it adds
  /// the padding back): the inverse of its conversion for the default 7-pixel digit.
  static func characterWidth(_ stored: Double) -> Double {
    let pixels = (stored * 7).rounded()
    return pixels >= 12 ? (pixels - 5) / 7 : pixels / 12
  }

  /// How many character widths a value takes when shown (CJK characters count two).
  private static func displayWidth(_ value: CellValue, date1904: Bool) -> Int {
    switch value {
    case .text(let s):
      var widest = 0
      var current = 0
      for scalar in s.unicodeScalars {
        if scalar == "\n" {
          current = 0
          continue
        }
        current += isWide(scalar) ? 2 : 1
        widest = max(widest, current)
        if widest > 50 { break }
      }
      return widest
    case .date(let serial):
      return numberFormat(value, date1904: date1904) == "yyyy-mm-dd hh:mm:ss"
        ? 19 : isTimeOfDay(serial) ? 8 : 10
    case .duration: return 10
    case .isoDate(let d): return d.display.utf8.count
    case .invalidNumber(let s): return s.utf8.count
    case .number(let v): return formatNumber(v).utf8.count
    case .bool: return 5
    case .error(let e): return e.utf8.count
    }
  }
}

// MARK: - Text

/// Excel's limit on the characters of a cell or comment.
private let maxCellCharacters = 32_767

/// Text cut to what a cell can hold (libxlsxwriter refuses more; Excel never writes more).
func excelText(_ s: String) -> String {
  guard s.utf8.count > maxCellCharacters, s.unicodeScalars.count > maxCellCharacters else {
    return s
  }
  var out = String.UnicodeScalarView()
  out.append(contentsOf: s.unicodeScalars.prefix(maxCellCharacters))
  return String(out)
}

extension String {
  fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
    var out = ""
    for ch in self {
      if ch == target { out += replacement } else { out.append(ch) }
    }
    return out
  }
}
