import Foundation

/// A complete annual submission built from code, valid under the standard policy and template,
/// for tests that change one cell and see exactly the issue that change must cause.
///
/// Sheets are grids of values, row 1 first; `set("进站研究生", "H2", .date(2024, 7, 1))` changes a
/// cell by its A1 reference, exactly as a submitter would. `build()` writes the .xlsx (inline
/// strings, numbers, and dates as serials under a `yyyy-mm-dd` format).
public struct SubmissionWorkbook: Sendable {
  public enum Value: Equatable, Sendable {
    case text(String)
    case number(Double)
    /// A date cell (a serial under a date format).
    case date(Int, Int, Int)
    case empty
  }

  public struct Sheet: Sendable {
    public var name: String
    public var rows: [[Value]]

    public init(name: String, rows: [[Value]]) {
      self.name = name
      self.rows = rows
    }
  }

  public var sheets: [Sheet]

  public init(sheets: [Sheet]) { self.sheets = sheets }

  // MARK: - Editing

  public subscript(sheet: String, a1: String) -> Value {
    get {
      let (r, c) = Self.position(a1)
      guard let s = sheets.firstIndex(where: { $0.name == sheet }), r < sheets[s].rows.count,
        c < sheets[s].rows[r].count
      else { return .empty }
      return sheets[s].rows[r][c]
    }
    set { set(sheet, a1, newValue) }
  }

  /// Sets a cell, growing the grid as needed.
  public mutating func set(_ sheet: String, _ a1: String, _ value: Value) {
    let (r, c) = Self.position(a1)
    let s = index(of: sheet)
    while sheets[s].rows.count <= r { sheets[s].rows.append([]) }
    while sheets[s].rows[r].count <= c { sheets[s].rows[r].append(.empty) }
    sheets[s].rows[r][c] = value
  }

  /// Appends a row after the last one; returns its 1-based row number.
  @discardableResult
  public mutating func appendRow(_ sheet: String, _ values: [Value]) -> Int {
    let s = index(of: sheet)
    sheets[s].rows.append(values)
    return sheets[s].rows.count
  }

  /// Replaces `old` by `new` inside every text cell of every sheet (a 学号 everywhere it appears).
  public mutating func replace(_ old: String, with new: String) {
    for s in sheets.indices {
      for r in sheets[s].rows.indices {
        for c in sheets[s].rows[r].indices {
          if case .text(let t) = sheets[s].rows[r][c], t.contains(old) {
            sheets[s].rows[r][c] = .text(t.replacingOccurrences(of: old, with: new))
          }
        }
      }
    }
  }

  /// The baseline as another station's submission: its own 工作站编号 and 学号 (the first four
  /// digits of each baseline 学号 replaced by `studentPrefix`, so they stay distinct), so batch
  /// rules see no overlap with the baseline.
  public static func valid(station: String, studentPrefix: String) -> SubmissionWorkbook {
    precondition(studentPrefix.count == 4)
    var wb = valid()
    wb.set("工作站信息", "B3", .text(station))
    for s in baselineStudents { wb.replace(s.id, with: studentPrefix + s.id.dropFirst(4)) }
    return wb
  }

  /// Removes a row (1-based); the rows below move up.
  public mutating func removeRow(_ sheet: String, _ row: Int) {
    sheets[index(of: sheet)].rows.remove(at: row - 1)
  }

  /// A copy of a row (1-based).
  public func row(_ sheet: String, _ row: Int) -> [Value] { sheets[index(of: sheet)].rows[row - 1] }

  public mutating func removeSheet(_ sheet: String) { sheets.remove(at: index(of: sheet)) }

  public mutating func renameSheet(_ sheet: String, to name: String) {
    sheets[index(of: sheet)].name = name
  }

  private func index(of sheet: String) -> Int {
    guard let s = sheets.firstIndex(where: { $0.name == sheet }) else {
      preconditionFailure("no sheet \(sheet) in the test workbook")
    }
    return s
  }

  static func position(_ a1: String) -> (row: Int, column: Int) {
    var column = 0
    var digits = ""
    for ch in a1.uppercased() {
      if let v = ch.asciiValue, v >= 65 && v <= 90 {
        column = column * 26 + Int(v - 64)
      } else {
        digits.append(ch)
      }
    }
    return (Int(digits)! - 1, column - 1)
  }

  // MARK: - Writing

  /// The .xlsx bytes.
  public func build() -> [UInt8] { builder().build() }

  /// The package being built, for tests that change its parts.
  public func builder() -> XLSXBuilder {
    var builder = XLSXBuilder(
      sheets: sheets.map { sheet in
        XLSXBuilder.Sheet(
          name: sheet.name, xml: sheetXML(rows: sheet.rows.map { $0.map(Self.cell) }))
      })
    builder.stylesXML = XLSXBuilder.stylesXML(
      numFmts: [(164, "yyyy-mm-dd")], cellXfNumFmtIds: [0, 164])
    return builder
  }

  private static func cell(_ value: Value) -> CellSpec {
    switch value {
    case .text(let s): .inlineString(s)
    case .number(let v): .number(v)
    case .date(let y, let m, let d): .styled(1, serial(y, m, d))
    case .empty: .empty
    }
  }

  /// The 1900-system serial of a date after 1900-03-01.
  public static func serial(_ y: Int, _ m: Int, _ d: Int) -> Double {
    var c = DateComponents()
    (c.year, c.month, c.day) = (y, m, d)
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let date = calendar.date(from: c)!
    return (date.timeIntervalSince1970 / 86_400).rounded() + 25_569
  }
}

// MARK: - The valid baseline

extension SubmissionWorkbook {
  /// Students of the baseline: 学号, 姓名, 层次, 设站单位导师, 进站, 出站, 月标准.
  public static let baselineStudents:
    [(
      id: String, name: String, level: String, mentor: String,
      from: (Int, Int, Int), to: (Int, Int, Int)?, standard: Double
    )] = [
      ("2022120345", "张三", "博士", "陈高工", (2023, 9, 1), nil, 1500),
      ("2023110021", "李四", "硕士", "周研究员", (2023, 9, 1), (2024, 6, 30), 800),
      ("2023110088", "王五", "硕士", "周研究员", (2024, 3, 1), nil, 800),
    ]

  /// A valid 2023-2024 submission of station TJMU-2022-015. Layout (rows are sheet rows):
  /// - 工作站信息: a title in A1, labels in A3…A18, values in B3…B18 (B14 进站研究生人数 = 3,
  ///   B16 生活补助发放总额 = 26200, B9 认定日期 2022-09-01, B11 报送日期 2024-07-05);
  /// - 进站研究生: header row 1 (A 学号, B 姓名, C 培养层次, D 专业学位类别, E 校内导师,
  ///   F 设站单位导师, G 进站日期, H 出站日期, I 月生活补助标准(元), J 导师在设站单位承担项目,
  ///   K 意外伤害保险, L 安全教育), students in rows 2–4 as ``baselineStudents``;
  /// - 站长及专家: header row 1 (A 姓名, B 角色, C 职称, D 职务, E 工作单位, F 社会任职); rows
  ///   2 王建国 设站单位站长, 3 李明 培养单位站长, 4 陈高工 兼职导师, 5 周研究员 兼职导师、专家;
  /// - 成果: header row 1 (A 成果类型, B 成果名称, C 成果级别, D 取得日期, E 参与研究生学号,
  ///   F 经济社会效益), rows 2–3;
  /// - 补助发放: header row 1 (A 学号, B 姓名, C 发放月份, D 应发金额(元), E 实发金额(元),
  ///   F 发放日期), one row per student per month in station (张三 rows 2–11 for 2023-09…2024-06,
  ///   李四 rows 12–21, 王五 rows 22–25), each paid in full on the 25th of its month.
  public static func valid() -> SubmissionWorkbook {
    let host = "天津某某生物医药有限公司"
    var payments: [[Value]] = [
      [.text("学号"), .text("姓名"), .text("发放月份"), .text("应发金额(元)"), .text("实发金额(元)"), .text("发放日期")]
    ]
    var total = 0.0
    for s in baselineStudents {
      var (y, m) = (s.from.0, s.from.1)
      let last = s.to.map { ($0.0, $0.1) } ?? (2024, 6)
      while (y, m) <= last {
        payments.append([
          .text(s.id), .text(s.name), .text(String(format: "%04d-%02d", y, m)), .number(s.standard),
          .number(s.standard), .date(y, m, 25),
        ])
        total += s.standard
        (y, m) = m == 12 ? (y + 1, 1) : (y, m + 1)
      }
    }
    let info: [[Value]] = [
      [.text("天津医科大学产教融合研究生工作站 年度数据报送表")], [],
      [.text("工作站编号"), .text("TJMU-2022-015")],
      [.text("工作站名称"), .text("天津某某生物医药研究生工作站")],
      [.text("设站单位"), .text(host)],
      [.text("设站单位性质"), .text("企业")],
      [.text("科研创新平台"), .text("企业技术中心")],
      [.text("牵头培养单位"), .text("基础医学院")],
      [.text("认定日期"), .date(2022, 9, 1)],
      [.text("报送学年"), .text("2023-2024")],
      [.text("报送日期"), .date(2024, 7, 5)],
      [.text("设站单位站长"), .text("王建国")],
      [.text("培养单位站长"), .text("李明")],
      [.text("进站研究生人数"), .number(Double(baselineStudents.count))],
      [.text("年度运行经费(元)"), .number(200_000)],
      [.text("生活补助发放总额(元)"), .number(total)],
      [.text("联系人"), .text("赵老师")],
      [.text("联系电话"), .text("022-12345678")],
    ]
    var students: [[Value]] = [
      [
        "学号", "姓名", "培养层次", "专业学位类别", "校内导师", "设站单位导师", "进站日期", "出站日期", "月生活补助标准(元)",
        "导师在设站单位承担项目", "意外伤害保险", "安全教育",
      ].map { .text($0) }
    ]
    for s in baselineStudents {
      students.append([
        .text(s.id), .text(s.name), .text(s.level), .text(s.level == "硕士" ? "生物与医药" : ""),
        .text("刘教授"), .text(s.mentor), .date(s.from.0, s.from.1, s.from.2),
        s.to.map { .date($0.0, $0.1, $0.2) } ?? .empty, .number(s.standard), .text("否"), .text("是"),
        .text("是"),
      ])
    }
    let people: [[Value]] = [
      ["姓名", "角色", "职称", "职务", "工作单位", "社会任职"].map { .text($0) },
      ["王建国", "设站单位站长", "正高级工程师", "总经理", host, ""].map { .text($0) },
      ["李明", "培养单位站长", "教授", "副院长", "天津医科大学基础医学院", "中华医学会委员"].map { .text($0) },
      ["陈高工", "兼职导师", "高级工程师", "研发总监", host, ""].map { .text($0) },
      ["周研究员", "兼职导师、专家", "研究员", "首席科学家", host, ""].map { .text($0) },
    ]
    let outcomes: [[Value]] = [
      ["成果类型", "成果名称", "成果级别", "取得日期", "参与研究生学号", "经济社会效益"].map { .text($0) },
      [
        .text("论文"), .text("某靶点抑制剂的筛选与活性研究"), .text("省部级"), .date(2024, 3, 15),
        .text("2022120345、2023110021"), .empty,
      ],
      [
        .text("专利"), .text("一种细胞培养装置"), .text("国家级"), .date(2024, 5, 20), .text("2022120345"),
        .text("已转化，合同金额50万元"),
      ],
    ]
    return SubmissionWorkbook(sheets: [
      Sheet(name: "工作站信息", rows: info),
      Sheet(name: "进站研究生", rows: students),
      Sheet(name: "站长及专家", rows: people),
      Sheet(name: "成果", rows: outcomes),
      Sheet(name: "补助发放", rows: payments),
    ])
  }
}

extension SubmissionWorkbook {
  /// Sheet names Excel forbids (issue 12): over 31 characters, `[ ]`, `/`, a leading `'`, and
  /// `x_y`, which `x/y` becomes once mapped.
  public static let forbiddenSheetNames = [
    String(repeating: "长", count: 40), "a[b]", "x/y", "'q", "x_y",
  ]

  /// The valid submission with one more sheet, holding a little data (so it is STR-005 and the
  /// file gets an annotated copy), under each of `names`.
  public static func withExtraSheets(
    _ names: [String] = forbiddenSheetNames, station: (id: String, studentPrefix: String)? = nil
  ) -> SubmissionWorkbook {
    var workbook = station.map { valid(station: $0.id, studentPrefix: $0.studentPrefix) } ?? valid()
    for name in names {
      workbook.sheets.append(Sheet(name: name, rows: [[.text("备注")], [.text(name)]]))
    }
    return workbook
  }
}

extension SubmissionWorkbook {
  /// The valid submission as 牵头培养单位 `college` submits it (工作站信息 B8).
  public static func valid(college: String) -> SubmissionWorkbook {
    var workbook = valid()
    workbook.set("工作站信息", "B8", .text(college))
    return workbook
  }

  /// The valid submission sent again corrected: another 联系人 (工作站信息 B17), so other bytes
  /// for the same station and year, still valid.
  public static func resubmission() -> SubmissionWorkbook {
    var workbook = valid()
    workbook.set("工作站信息", "B17", .text("钱老师"))
    return workbook
  }
}
