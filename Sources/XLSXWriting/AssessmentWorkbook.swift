import Assessment
import Basics
import Model

/// The 期满验收 workbook (SPEC §6, `assess.xlsx`): one row per station with its grade and
/// reasons, and a sheet per station with the evidence behind it.
///
/// The workbook:
/// - `验收结果` first: a table, its header frozen: 工作站编号 | 工作站名称 | 验收期 | 等级 (on a fill
///   of its own) | 是否最终 | 进站半年以上研究生人数 | 国家级成果 | 省部级成果 | 补助合规 | 撤销 | 理由 |
///   需人工审核 | 明细. 理由 and 需人工审核 are the lists one item a line (wrapped); 明细 links to the
///   station's sheet. Rows come in the order given.
/// - One sheet per station, named by its 工作站编号 (made Excel-safe: `[]:*?/\'` become `_`, at
///   most 31 characters, unique): the station and its grade at the top, then three tables:
///   报送学年 (学年 | 状态 | 报送日期), 进站研究生 (学号 | 姓名 | 验收期内首日 | 在站天数 | 在站月数 |
///   是否计入) and 成果 (学年 | 类型 | 名称 | 级别 | 日期).
///
/// Dates are `YYYY-MM-DD` text, grades and year statuses their Chinese labels. The cells depend on
/// the assessments alone, so the same assessments give the same cells.
public enum AssessmentWorkbook {
  public static let resultSheetName = "验收结果"

  static let resultHeader = [
    "工作站编号", "工作站名称", "验收期", "等级", "是否最终", "进站半年以上研究生人数", "国家级成果", "省部级成果",
    "补助合规", "撤销", "理由", "需人工审核", "明细",
  ]
  /// A grade's fill: green, blue, red, dark orange.
  static func fill(_ grade: Grade) -> UInt32 {
    switch grade {
    case .excellent: 0xC6EFCE
    case .qualified: 0xDDEBF7
    case .unqualified: 0xFFC7CE
    case .revoked: 0xF8CBAD
    }
  }

  /// A year status's fill: green, yellow, red, grey, light orange (pending).
  static func fill(_ status: YearStatus) -> UInt32 {
    switch status {
    case .onTime: 0xC6EFCE
    case .late: 0xFFEB9C
    case .missing: 0xFFC7CE
    case .notDue: 0xD9D9D9
    case .pending: 0xFCE4D6
    }
  }
  private static let headerFill: UInt32 = 0xD9E1F2

  /// The sheet names of `stations`, in order: each 工作站编号 made Excel-safe (no `[]:*?/\'`, at
  /// most 31 UTF-16 units, not blank) and unique (case-insensitively, and apart from
  /// `验收结果`) with a `~2`, `~3`… suffix.
  public static func sheetNames(_ stations: [Assessment]) -> [String] {
    SheetNames.valid(
      stations.map { station in
        String(
          station.stationID.map { $0 == "'" || $0.isNewline ? "_" : $0 }
            .drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
      }, reserved: [resultSheetName], blank: "工作站")
  }

  /// Writes `stations` to `path` (atomically: the file appears complete or not at all).
  public static func write(_ stations: [Assessment], to path: String) throws {
    let writer = try SpreadsheetWriter(path: path)
    let names = sheetNames(stations)
    try writeResults(stations, names: names, to: try writer.addSheet(resultSheetName))
    for (station, name) in zip(stations, names) {
      try writeStation(station, to: try writer.addSheet(name))
    }
    try writer.close()
  }

  static func internalLink(_ sheet: String) -> String { "internal:'\(sheet)'!A1" }

  // MARK: - 验收结果

  private static func writeResults(
    _ stations: [Assessment], names: [String], to sheet: SheetWriter
  )
    throws
  {
    let header = CellFormat(bold: true, fill: headerFill)
    for (column, title) in resultHeader.enumerated() {
      try sheet.write(text: title, row: 0, column: column, format: header)
    }
    let wrap = CellFormat(wrap: true)
    let link = CellFormat(fontColor: 0x0563C1, underline: true)
    for (i, s) in stations.enumerated() {
      let row = i + 1
      try sheet.write(text: s.stationID, row: row, column: 0)
      if let name = s.stationName, !name.isEmpty {
        try sheet.write(text: name, row: row, column: 1)
      }
      try sheet.write(text: "\(s.from) 至 \(s.to)", row: row, column: 2)
      try sheet.write(
        text: s.grade.label, row: row, column: 3,
        format: CellFormat(bold: true, fill: fill(s.grade)))
      try sheet.write(text: s.final ? "是" : "否（预评）", row: row, column: 4)
      try sheet.write(number: Double(s.countedStudents), row: row, column: 5)
      try sheet.write(number: Double(s.outcomeCount("国家级")), row: row, column: 6)
      try sheet.write(number: Double(s.outcomeCount("省部级")), row: row, column: 7)
      try sheet.write(
        text: s.subsidyCompliant ? "是" : "否", row: row, column: 8,
        format: s.subsidyCompliant ? nil : CellFormat(fill: 0xFFC7CE))
      try sheet.write(
        text: s.revoked ? "是" : "否", row: row, column: 9,
        format: s.revoked ? CellFormat(fill: 0xF8CBAD) : nil)
      if !s.reasons.isEmpty {
        try sheet.write(text: s.reasons.joined(separator: "\n"), row: row, column: 10, format: wrap)
      }
      if !s.manualReview.isEmpty {
        try sheet.write(
          text: s.manualReview.joined(separator: "\n"), row: row, column: 11, format: wrap)
      }
      try sheet.write(
        url: internalLink(names[i]), text: names[i], row: row, column: 12, format: link)
    }
    let widths: [Double] = [
      Double(([resultHeader[0]] + stations.map(\.stationID)).map(displayWidth).max() ?? 0),
      Double(([resultHeader[1]] + stations.compactMap(\.stationName)).map(displayWidth).max() ?? 0),
      24, 8, 10, 24, 10, 10, 10, 6, 70, 70,
      Double(([resultHeader[12]] + names).map(displayWidth).max() ?? 0),
    ]
    for (column, width) in widths.enumerated() {
      try sheet.setColumns(column, column, width: min(max(width + 2, 8), 72))
    }
    sheet.freeze(row: 1)
  }

  // MARK: - One station

  private static func writeStation(_ s: Assessment, to sheet: SheetWriter) throws {
    let bold = CellFormat(bold: true)
    let header = CellFormat(bold: true, fill: headerFill)
    let link = CellFormat(fontColor: 0x0563C1, underline: true)
    var row = 0
    let top: [(String, String?)] = [
      ("工作站编号", s.stationID), ("工作站名称", s.stationName), ("验收期", "\(s.from) 至 \(s.to)"),
    ]
    for (label, value) in top {
      try sheet.write(text: label, row: row, column: 0, format: bold)
      if let value, !value.isEmpty { try sheet.write(text: value, row: row, column: 1) }
      row += 1
    }
    try sheet.write(text: "等级", row: row, column: 0, format: bold)
    try sheet.write(
      text: s.grade.label + (s.final ? "" : "（预评）"), row: row, column: 1,
      format: CellFormat(bold: true, fill: fill(s.grade)))
    row += 1
    try sheet.write(
      url: internalLink(resultSheetName), text: "返回验收结果", row: row, column: 0, format: link)
    row += 2

    func table(_ title: String, _ columns: [String]) throws {
      try sheet.write(text: title, row: row, column: 0, format: bold)
      row += 1
      for (column, text) in columns.enumerated() {
        try sheet.write(text: text, row: row, column: column, format: header)
      }
      row += 1
    }

    try table("报送学年", ["学年", "状态", "报送日期"])
    for y in s.years {
      try sheet.write(text: y.academicYear.description, row: row, column: 0)
      try sheet.write(
        text: y.status.label, row: row, column: 1, format: CellFormat(fill: fill(y.status)))
      if let d = y.submittedOn { try sheet.write(text: d.description, row: row, column: 2) }
      row += 1
    }
    row += 1

    let counted = s.students.count { $0.counted }
    try table(
      "进站研究生（计入 \(counted) 人，共 \(s.students.count) 人）",
      ["学号", "姓名", "验收期内首日", "在站天数", "在站月数", "是否计入"])
    for st in s.students {
      try sheet.write(text: st.studentID, row: row, column: 0)
      if let n = st.name, !n.isEmpty { try sheet.write(text: n, row: row, column: 1) }
      if let d = st.firstDay { try sheet.write(text: d.description, row: row, column: 2) }
      try sheet.write(number: Double(st.days), row: row, column: 3)
      try sheet.write(number: Double(st.months), row: row, column: 4)
      try sheet.write(
        text: st.counted ? "是" : "否", row: row, column: 5,
        format: CellFormat(fill: st.counted ? 0xC6EFCE : 0xD9D9D9))
      row += 1
    }
    row += 1

    try table(
      "成果（计入 \(s.outcomeList.count) 项）", ["学年", "类型", "名称", "级别", "日期", "报送学年"])
    for o in s.outcomeList {
      try sheet.write(text: o.academicYear.description, row: row, column: 0)
      // 报送学年: every year whose report claimed it (counted once, Y-004).
      let claimed = o.claimedIn.map(\.description).joined(separator: "、")
      for (column, text) in [o.kind, o.title, o.level, o.achievedOn?.description, claimed]
        .enumerated()
      {
        if let text, !text.isEmpty { try sheet.write(text: text, row: row, column: column + 1) }
      }
      row += 1
    }

    let widths = [
      ([s.stationID, "工作站名称", "返回验收结果"] + s.students.map(\.studentID)).map(displayWidth).max() ?? 0,
      ([s.stationName ?? "", "\(s.from) 至 \(s.to)"] + s.students.compactMap(\.name)
        + s.outcomeList.compactMap(\.kind)).map(displayWidth).max() ?? 0,
      (["验收期内首日"] + s.outcomeList.compactMap(\.title)).map(displayWidth).max() ?? 0,
      10, 10, 10,
    ]
    for (column, width) in widths.enumerated() {
      try sheet.setColumns(column, column, width: min(max(Double(width) + 2, 8), 60))
    }
  }

}
