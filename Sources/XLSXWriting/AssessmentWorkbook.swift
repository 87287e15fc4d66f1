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
/// Dates are `YYYY-MM-DD` text. The cells depend on the rows alone, so the same stations give the
/// same cells.
public enum AssessmentWorkbook {
  /// One academic year of the window.
  public struct Year: Sendable, Equatable {
    public var academicYear: String
    /// `on_time`, `late`, `missing` or `not_due` (the JSON's status).
    public var status: String
    /// The earliest 报送日期 of the year's submissions.
    public var submittedOn: String?

    public init(academicYear: String, status: String, submittedOn: String? = nil) {
      self.academicYear = academicYear
      self.status = status
      self.submittedOn = submittedOn
    }
  }

  /// One 学号 listed by the station.
  public struct Student: Sendable, Equatable {
    public var studentID: String
    public var name: String?
    /// The first day in station within the window.
    public var firstDay: String?
    public var days: Int
    public var months: Int
    public var counted: Bool

    public init(
      studentID: String, name: String? = nil, firstDay: String? = nil, days: Int, months: Int,
      counted: Bool
    ) {
      self.studentID = studentID
      self.name = name
      self.firstDay = firstDay
      self.days = days
      self.months = months
      self.counted = counted
    }
  }

  /// One outcome counted.
  public struct Outcome: Sendable, Equatable {
    public var academicYear: String
    public var kind: String?
    public var title: String?
    public var level: String?
    public var date: String?

    public init(
      academicYear: String, kind: String? = nil, title: String? = nil, level: String? = nil,
      date: String? = nil
    ) {
      self.academicYear = academicYear
      self.kind = kind
      self.title = title
      self.level = level
      self.date = date
    }
  }

  /// One station's result and its evidence.
  public struct Station: Sendable, Equatable {
    public var stationID: String
    public var stationName: String?
    public var from: String
    public var to: String
    /// 优秀, 合格, 不合格 or 撤销.
    public var grade: String
    public var final: Bool
    public var countedStudents: Int
    public var national: Int
    public var provincial: Int
    public var subsidyCompliant: Bool
    public var revoked: Bool
    public var reasons: [String]
    public var manualReview: [String]
    public var years: [Year]
    public var students: [Student]
    public var outcomes: [Outcome]

    public init(
      stationID: String, stationName: String? = nil, from: String, to: String, grade: String,
      final: Bool, countedStudents: Int, national: Int, provincial: Int, subsidyCompliant: Bool,
      revoked: Bool, reasons: [String] = [], manualReview: [String] = [], years: [Year] = [],
      students: [Student] = [], outcomes: [Outcome] = []
    ) {
      self.stationID = stationID
      self.stationName = stationName
      self.from = from
      self.to = to
      self.grade = grade
      self.final = final
      self.countedStudents = countedStudents
      self.national = national
      self.provincial = provincial
      self.subsidyCompliant = subsidyCompliant
      self.revoked = revoked
      self.reasons = reasons
      self.manualReview = manualReview
      self.years = years
      self.students = students
      self.outcomes = outcomes
    }
  }

  public static let resultSheetName = "验收结果"

  static let resultHeader = [
    "工作站编号", "工作站名称", "验收期", "等级", "是否最终", "进站半年以上研究生人数", "国家级成果", "省部级成果",
    "补助合规", "撤销", "理由", "需人工审核", "明细",
  ]
  static let gradeFills: [String: UInt32] = [
    "优秀": 0xC6EFCE, "合格": 0xDDEBF7, "不合格": 0xFFC7CE, "撤销": 0xF8CBAD,
  ]
  static let yearStatuses: [(status: String, label: String, fill: UInt32)] = [
    ("on_time", "按时", 0xC6EFCE),
    ("late", "逾期", 0xFFEB9C),
    ("missing", "未报送", 0xFFC7CE),
    ("not_due", "未到期", 0xD9D9D9),
  ]
  private static let headerFill: UInt32 = 0xD9E1F2

  /// The Chinese name of a year's status; an unknown status is shown as it is.
  public static func label(ofYearStatus status: String) -> String {
    yearStatuses.first { $0.status == status }?.label ?? status
  }

  /// The sheet names of `stations`, in order: each 工作站编号 made Excel-safe (no `[]:*?/\'`, at
  /// most 31 UTF-16 units, not blank) and unique (case-insensitively, and apart from
  /// `验收结果`) with a `~2`, `~3`… suffix.
  public static func sheetNames(_ stations: [Station]) -> [String] {
    SheetNames.valid(
      stations.map { station in
        String(
          station.stationID.map { $0 == "'" || $0.isNewline ? "_" : $0 }
            .drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
      }, reserved: [resultSheetName], blank: "工作站")
  }

  /// Writes `stations` to `path` (atomically: the file appears complete or not at all).
  public static func write(stations: [Station], to path: String) throws {
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

  private static func writeResults(_ stations: [Station], names: [String], to sheet: SheetWriter)
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
      if let name = s.stationName, !name.isEmpty { try sheet.write(text: name, row: row, column: 1) }
      try sheet.write(text: "\(s.from) 至 \(s.to)", row: row, column: 2)
      try sheet.write(
        text: s.grade, row: row, column: 3,
        format: CellFormat(bold: true, fill: gradeFills[s.grade]))
      try sheet.write(text: s.final ? "是" : "否（预评）", row: row, column: 4)
      try sheet.write(number: Double(s.countedStudents), row: row, column: 5)
      try sheet.write(number: Double(s.national), row: row, column: 6)
      try sheet.write(number: Double(s.provincial), row: row, column: 7)
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
      try sheet.write(url: internalLink(names[i]), text: names[i], row: row, column: 12, format: link)
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

  private static func writeStation(_ s: Station, to sheet: SheetWriter) throws {
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
      text: s.grade + (s.final ? "" : "（预评）"), row: row, column: 1,
      format: CellFormat(bold: true, fill: gradeFills[s.grade]))
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
      try sheet.write(text: y.academicYear, row: row, column: 0)
      let fill = yearStatuses.first { $0.status == y.status }?.fill
      try sheet.write(
        text: label(ofYearStatus: y.status), row: row, column: 1,
        format: fill.map { CellFormat(fill: $0) })
      if let d = y.submittedOn { try sheet.write(text: d, row: row, column: 2) }
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
      if let d = st.firstDay { try sheet.write(text: d, row: row, column: 2) }
      try sheet.write(number: Double(st.days), row: row, column: 3)
      try sheet.write(number: Double(st.months), row: row, column: 4)
      try sheet.write(
        text: st.counted ? "是" : "否", row: row, column: 5,
        format: CellFormat(fill: st.counted ? 0xC6EFCE : 0xD9D9D9))
      row += 1
    }
    row += 1

    try table("成果（计入 \(s.outcomes.count) 项）", ["学年", "类型", "名称", "级别", "日期"])
    for o in s.outcomes {
      try sheet.write(text: o.academicYear, row: row, column: 0)
      for (column, text) in [o.kind, o.title, o.level, o.date].enumerated() {
        if let text, !text.isEmpty { try sheet.write(text: text, row: row, column: column + 1) }
      }
      row += 1
    }

    let widths = [
      ([s.stationID, "工作站名称", "返回验收结果"] + s.students.map(\.studentID)).map(displayWidth).max() ?? 0,
      ([s.stationName ?? "", "\(s.from) 至 \(s.to)"] + s.students.compactMap(\.name)
        + s.outcomes.compactMap(\.kind)).map(displayWidth).max() ?? 0,
      (["验收期内首日"] + s.outcomes.compactMap(\.title)).map(displayWidth).max() ?? 0,
      10, 10, 10,
    ]
    for (column, width) in widths.enumerated() {
      try sheet.setColumns(column, column, width: min(max(Double(width) + 2, 8), 60))
    }
  }

  static func displayWidth(_ s: String) -> Int { SummaryWorkbook.displayWidth(s) }
}
