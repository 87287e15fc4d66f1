import Assessment
import Basics
import Model

/// Where the registered stations stand (SPEC §9, `status.xlsx` of `pipeline status --out DIR`):
/// one row per station, its state on a fill of its own, and what the office chases.
///
/// The workbook has one sheet, `工作站状态`: row 1 the as-of day (`截至 2025-07-05`), row 2 the
/// header (frozen with the row above it), then one row per station in the order given:
/// 工作站编号 | 工作站名称 | 牵头培养单位 | 设站单位 | 认定有效期 (`第 2 期 2021-09-01 至 2025-08-31`) |
/// 状态 (its label on its fill) | 本期各学年 (`2021-2022 按时；2022-2023 逾期；2023-2024 待报送（剩 5 天）`) |
/// 待报送截止 | 剩余天数 (the pending year's deadline and the days left to it) | 终止 (the decision
/// that ended the station and its date, `撤销 2024-07-10`) | 禁止重新申报至 (the ban's last day) |
/// 提示 (the warnings, one a line, wrapped). A cell with nothing to say is left empty.
///
/// Dates are `YYYY-MM-DD` text. The cells depend on the standings and the as-of day alone (no
/// clock), so the same standings give the same cells.
public enum StatusWorkbook {
  public static let sheetName = "工作站状态"

  static let header = [
    "工作站编号", "工作站名称", "牵头培养单位", "设站单位", "认定有效期", "状态", "本期各学年", "待报送截止", "剩余天数", "终止",
    "禁止重新申报至", "提示",
  ]
  /// The 0-based columns written other than as plain text.
  static let stateColumn = 5
  static let yearsColumn = 6
  static let daysLeftColumn = 8
  static let warningsColumn = 11
  /// The 0-based row of the header (row 0: the as-of day).
  static let headerRow = 1

  private static let headerFill: UInt32 = 0xD9E1F2

  /// Writes `standings` as of `asOf` to `path` (atomically: the file appears complete or not at
  /// all).
  public static func write(_ standings: [Standing], asOf: Day, to path: String) throws {
    let writer = try SpreadsheetWriter(path: path)
    let sheet = try writer.addSheet(sheetName)
    try sheet.write(text: "截至 \(asOf)", row: 0, column: 0, format: CellFormat(bold: true))
    let headerFormat = CellFormat(bold: true, fill: headerFill)
    for (column, title) in header.enumerated() {
      try sheet.write(text: title, row: headerRow, column: column, format: headerFormat)
    }
    let wrap = CellFormat(wrap: true)
    let rows = standings.map(texts)
    for (i, (standing, texts)) in zip(standings, rows).enumerated() {
      let row = headerRow + 1 + i
      for (column, text) in texts.enumerated() where !text.isEmpty {
        switch column {
        case stateColumn:
          try sheet.write(
            text: text, row: row, column: column, format: CellFormat(fill: standing.state.fill))
        case daysLeftColumn:
          if let days = standing.pending?.daysLeft {
            try sheet.write(number: Double(days), row: row, column: column)
          }
        case warningsColumn:
          try sheet.write(text: text, row: row, column: column, format: wrap)
        default:
          try sheet.write(text: text, row: row, column: column)
        }
      }
    }
    for (column, title) in header.enumerated() {
      // A wrapped cell is as wide as its widest line; the years may run long (a five-year term).
      let lines = rows.flatMap { $0[column].split(separator: "\n").map(String.init) }
      try sheet.fitColumn(column, to: [title] + lines, cap: column == yearsColumn ? 90 : 60)
    }
    sheet.freeze(row: headerRow + 1)
    try writer.close()
  }

  /// A station's cells, one text per column of ``header`` ("" for an empty cell; 剩余天数 as its
  /// digits, written as a number).
  static func texts(_ s: Standing) -> [String] {
    let years = s.years.map { y in
      var text = "\(y.academicYear) \(y.status.label)"
      if y.status == .pending, let days = y.daysLeft { text += "（剩 \(days) 天）" }
      return text
    }
    let pending = s.pending
    return [
      s.stationID, s.name, s.college, s.hostUnit,
      "第 \(s.term.number) 期 \(s.term.from) 至 \(s.term.to)", s.state.label,
      years.joined(separator: "；"), pending.map { "\($0.deadline)" } ?? "",
      pending?.daysLeft.map { "\($0)" } ?? "",
      s.ended.map { "\($0.decision.label) \($0.date)" } ?? "",
      s.ended?.banUntil.map { "\($0)" } ?? "", s.warnings.joined(separator: "\n"),
    ]
  }
}
