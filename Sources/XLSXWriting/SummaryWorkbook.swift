import Basics
import Model

/// The batch summary for the admin (SPEC §6, `summary.xlsx`): one row per submission with its
/// status and counts, and how often each rule was hit across the batch.
///
/// The workbook:
/// - `汇总` first: the number of files per status at the top (row 1 the statuses, row 2 the
///   counts, 合计 first), then from row 4 a table, its header frozen with the totals above it:
///   文件 | 牵头培养单位 | 工作站编号 | 工作站名称 | 学年 | 状态 | 错误数 | 政策问题数 | 警告数 |
///   工作站状态 | 批注文件.
///   The status is its Chinese label (通过 / 未通过 / 无法读取 / 已被取代) on a fill of its own;
///   工作站状态 is the station's standing in the register (SPEC §9) on the fill `status.xlsx` gives
///   it, empty when there is no register or the station is not in it; 批注文件
///   is a relative link to the annotated copy (a path such as `基础医学院/x.annotated.xlsx`,
///   relative to the summary's folder), so it opens from wherever the output folder is copied.
///   Rows come in the order given.
/// - `规则统计`: one row per rule hit in the batch, by rule ID: 规则 | 说明 (the catalog's title) |
///   级别 | 涉及报送数 (submissions with it) | 问题数 (issues in all).
///
/// The cells depend on the rows alone (no date, no time), so the same batch gives the same cells.
public enum SummaryWorkbook {
  /// One submission of the batch.
  public struct Row: Sendable, Equatable {
    /// The submitted file's name.
    public var file: String
    /// 牵头培养单位, as the output folder is named (`未识别` when it could not be read).
    public var college: String
    public var stationID: String?
    public var stationName: String?
    public var academicYear: String?
    /// The report's status.
    public var status: SubmissionStatus
    /// Its issues per severity.
    public var counts: IssueCounts
    /// Rule ID → how many issues of that rule the submission has.
    public var ruleCounts: [String: Int]
    /// Where the station stands in the register (SPEC §9); nil when no register exists or the
    /// station is not in it.
    public var stationState: StationState?
    /// The annotated copy's path relative to the summary (`基础医学院/x.annotated.xlsx`), with
    /// `/` between folders; nil when there is none.
    public var annotated: String?

    public init(
      file: String, college: String, stationID: String? = nil, stationName: String? = nil,
      academicYear: String? = nil, status: SubmissionStatus, counts: IssueCounts,
      ruleCounts: [String: Int] = [:], stationState: StationState? = nil,
      annotated: String? = nil
    ) {
      self.file = file
      self.college = college
      self.stationID = stationID
      self.stationName = stationName
      self.academicYear = academicYear
      self.status = status
      self.counts = counts
      self.ruleCounts = ruleCounts
      self.stationState = stationState
      self.annotated = annotated
    }
  }

  public static let summarySheetName = "汇总"
  public static let rulesSheetName = "规则统计"

  /// A status's fill: green, red, orange, grey. The totals list the statuses in their order.
  static func fill(_ status: SubmissionStatus) -> UInt32 {
    switch status {
    case .accepted: 0xC6EFCE
    case .rejected: 0xFFC7CE
    case .unreadable: 0xF8CBAD
    case .superseded: 0xD9D9D9
    }
  }

  static let summaryHeader =
    ["文件", "牵头培养单位", "工作站编号", "工作站名称", "学年", "状态"] + Severity.allCases.map { "\($0.label)数" }
    + ["工作站状态", "批注文件"]
  static let rulesHeader = ["规则", "说明", "级别", "涉及报送数", "问题数"]
  /// The 0-based columns of 工作站状态 and 批注文件.
  static let stationStateColumn = 9
  static let annotatedColumn = 10
  /// The 0-based row of the table's header on `汇总` (rows above: the totals and a blank row).
  static let headerRow = 3

  private static let headerFill: UInt32 = 0xD9E1F2

  /// Writes the summary of `rows` to `path` (atomically: the file appears complete or not at all).
  public static func write(rows: [Row], to path: String) throws {
    let writer = try SpreadsheetWriter(path: path)
    try writeSummary(rows, to: try writer.addSheet(summarySheetName))
    try writeRules(rows, to: try writer.addSheet(rulesSheetName))
    try writer.close()
  }

  // MARK: - 汇总

  private static func writeSummary(_ rows: [Row], to sheet: SheetWriter) throws {
    let bold = CellFormat(bold: true)
    // Totals: 合计 and each status, its count below it.
    try sheet.write(text: "合计", row: 0, column: 0, format: CellFormat(bold: true, fill: headerFill))
    try sheet.write(number: Double(rows.count), row: 1, column: 0, format: bold)
    for (i, status) in SubmissionStatus.allCases.enumerated() {
      try sheet.write(
        text: status.label, row: 0, column: i + 1,
        format: CellFormat(bold: true, fill: fill(status)))
      try sheet.write(number: Double(rows.count { $0.status == status }), row: 1, column: i + 1)
    }

    let header = CellFormat(bold: true, fill: headerFill)
    for (column, title) in summaryHeader.enumerated() {
      try sheet.write(text: title, row: headerRow, column: column, format: header)
    }
    let link = CellFormat(fontColor: 0x0563C1, underline: true)
    for (i, entry) in rows.enumerated() {
      let row = headerRow + 1 + i
      let texts = [
        entry.file, entry.college, entry.stationID, entry.stationName, entry.academicYear,
      ]
      for (column, text) in texts.enumerated() {
        if let text, !text.isEmpty { try sheet.write(text: text, row: row, column: column) }
      }
      try sheet.write(
        text: entry.status.label, row: row, column: 5, format: CellFormat(fill: fill(entry.status)))
      for (i, severity) in Severity.allCases.enumerated() {
        try sheet.write(number: Double(entry.counts[severity]), row: row, column: 6 + i)
      }
      if let state = entry.stationState {
        try sheet.write(
          text: state.label, row: row, column: stationStateColumn,
          format: CellFormat(fill: state.fill))
      }
      if let annotated = entry.annotated, !annotated.isEmpty {
        do {
          try sheet.write(
            url: externalLink(annotated), text: annotated, row: row, column: annotatedColumn,
            format: link)
          // libxlsxwriter shows the path with its `\` too: the cell text is put back as given
          // (the link stays; it is kept apart from the cell's value).
          try sheet.write(text: annotated, row: row, column: annotatedColumn, format: link)
        } catch {
          // Past Excel's limits (2,079 characters a link, 65,530 links a sheet), which
          // libxlsxwriter refuses: the path alone.
          try sheet.write(text: annotated, row: row, column: annotatedColumn)
        }
      }
    }

    let columns: [[String?]] = [
      rows.map(\.file), rows.map(\.college), rows.map(\.stationID), rows.map(\.stationName),
      rows.map(\.academicYear), rows.map(\.status.label), [], [], [],
      rows.map(\.stationState?.label), rows.map(\.annotated),
    ]
    // The totals' labels sit in the first columns too.
    let topLabels = ["合计"] + SubmissionStatus.allCases.map(\.label)
    for (column, values) in columns.enumerated() {
      let top = column < topLabels.count ? topLabels[column] : ""
      try sheet.fitColumn(column, to: [summaryHeader[column], top] + values.compactMap { $0 })
    }
    sheet.freeze(row: headerRow + 1)
  }

  /// The `external:` URL of a relative path. libxlsxwriter would take a `#` as the start of a
  /// location inside the target, keeps `%` and two hex digits as an escape, and a `:` in the
  /// first segment would read as a URI scheme: those three are escaped here (libxlsxwriter
  /// escapes spaces and brackets itself, and writes each `/` as `\`, as Excel does on Windows).
  static func externalLink(_ path: String) -> String {
    var url = "external:"
    for ch in path {
      switch ch {
      case "%": url += "%25"
      case "#": url += "%23"
      case ":": url += "%3A"
      default: url.append(ch)
      }
    }
    return url
  }

  // MARK: - 规则统计

  private static func writeRules(_ rows: [Row], to sheet: SheetWriter) throws {
    var submissions: [String: Int] = [:]
    var issues: [String: Int] = [:]
    for row in rows {
      for (rule, count) in row.ruleCounts where count > 0 {
        submissions[rule, default: 0] += 1
        issues[rule, default: 0] += count
      }
    }
    let header = CellFormat(bold: true, fill: headerFill)
    for (column, title) in rulesHeader.enumerated() {
      try sheet.write(text: title, row: 0, column: column, format: header)
    }
    let rules = issues.keys.sorted()
    for (i, rule) in rules.enumerated() {
      let row = i + 1
      let severity = RuleCatalog.severity(of: rule)
      try sheet.write(text: rule, row: row, column: 0)
      if let title = RuleCatalog.entry(rule)?.title {
        try sheet.write(text: title, row: row, column: 1)
      }
      try sheet.write(
        text: severity.label, row: row, column: 2, format: CellFormat(fill: severity.fill))
      try sheet.write(number: Double(submissions[rule] ?? 0), row: row, column: 3)
      try sheet.write(number: Double(issues[rule] ?? 0), row: row, column: 4)
    }
    let titles = rules.compactMap { RuleCatalog.entry($0)?.title }
    let widths = [
      ([rulesHeader[0]] + rules).map(displayWidth).max() ?? 0,
      ([rulesHeader[1]] + titles).map(displayWidth).max() ?? 0,
      displayWidth(rulesHeader[2]), displayWidth(rulesHeader[3]), displayWidth(rulesHeader[4]),
    ]
    for (column, width) in widths.enumerated() {
      try sheet.setColumns(column, column, width: min(max(Double(width) + 2, 8), 60))
    }
    sheet.freeze(row: 1)
  }
}
