import Model
import Testing
import XLSXReading
import XLSXTestSupport

@testable import Normalization

// SPEC §3 and §5.1 end to end: workbooks built as .xlsx, read back and normalized. Every form
// variant of the template must read exactly like the template itself — no issue, the same values
// — and every departure from it must be the one issue the catalog names, at its cell.

// MARK: - Helpers

/// What a submission says, without where it says it: the form's values and each table's records
/// (in order) by field key. Two layouts of the same data have the same snapshot.
struct Snapshot: Equatable {
  var station: [String: FieldValue?]
  var tables: [String: [[String: FieldValue?]]]

  init(_ s: Submission) {
    station = s.station.map { $0.fields.mapValues(\.value) } ?? [:]
    tables = s.tables.mapValues { $0.records.map { $0.fields.mapValues(\.value) } }
  }

  /// Where two snapshots differ, one line each (`students[3].name: 张三 ≠ 李四`), for short
  /// failure messages; empty when they are equal.
  func differences(from other: Snapshot) -> [String] {
    func show(_ v: FieldValue??) -> String { v.map { $0.map { "\($0)" } ?? "refused" } ?? "absent" }
    var out: [String] = []
    for key in Set(station.keys).union(other.station.keys).sorted()
    where station[key] != other.station[key] {
      out.append("station.\(key): \(show(station[key])) ≠ \(show(other.station[key]))")
    }
    for table in Set(tables.keys).union(other.tables.keys).sorted() {
      let a = tables[table] ?? []
      let b = other.tables[table] ?? []
      if a.count != b.count { out.append("\(table): \(a.count) records ≠ \(b.count)") }
      for i in 0..<min(a.count, b.count) {
        for key in Set(a[i].keys).union(b[i].keys).sorted() where a[i][key] != b[i][key] {
          out.append("\(table)[\(i)].\(key): \(show(a[i][key])) ≠ \(show(b[i][key]))")
        }
      }
    }
    return out
  }
}

/// A normalized test workbook: its issues as `rule@sheet!cell` (sheet-level `rule@sheet`),
/// sorted, and its snapshot.
func normalized(_ bytes: [UInt8]) throws -> (
  issues: [String], snapshot: Snapshot, raw: [Model.Issue]
) {
  let (submission, issues) = try Normalizer(template: .standard).normalize(Workbook(bytes: bytes))
  let found = issues.map { issue in
    var s = issue.rule
    if let sheet = issue.sheet { s += "@" + sheet }
    if let cell = issue.cell { s += "!" + cell.a1 }
    return s
  }.sorted()
  return (found, Snapshot(submission), issues)
}

func normalized(_ wb: SubmissionWorkbook) throws -> (
  issues: [String], snapshot: Snapshot, raw: [Model.Issue]
) {
  try normalized(wb.build())
}

/// The .xlsx of a test workbook, optionally in the 1904 date system and with some cells given as
/// raw builder cells (booleans, formulas, error values) by sheet and A1 reference.
func build(
  _ wb: SubmissionWorkbook, date1904: Bool = false, cells: [String: [String: CellSpec]] = [:]
)
  -> [UInt8]
{
  var builder = XLSXBuilder(
    sheets: wb.sheets.map { sheet in
      var rows: [[CellSpec]] = sheet.rows.map { row in
        row.map { value in
          switch value {
          case .text(let s): .inlineString(s)
          case .number(let v): .number(v)
          case .date(let y, let m, let d):
            .styled(1, SubmissionWorkbook.serial(y, m, d) - (date1904 ? 1_462 : 0))
          case .empty: .empty
          }
        }
      }
      for (a1, cell) in cells[sheet.name] ?? [:] {
        let ref = CellReference(a1)!
        while rows.count < ref.row { rows.append([]) }
        while rows[ref.row - 1].count < ref.column { rows[ref.row - 1].append(.empty) }
        rows[ref.row - 1][ref.column - 1] = cell
      }
      return XLSXBuilder.Sheet(name: sheet.name, rows: rows)
    })
  builder.stylesXML = XLSXBuilder.stylesXML(
    numFmts: [(164, "yyyy-mm-dd")], cellXfNumFmtIds: [0, 164])
  builder.date1904 = date1904
  return builder.build()
}

extension SubmissionWorkbook {
  /// Edits a sheet's grid (row 1 first) in place.
  mutating func edit(_ sheet: String, _ body: (inout [[Value]]) -> Void) {
    body(&sheets[sheets.firstIndex { $0.name == sheet }!].rows)
  }

  /// Inserts rows before 1-based row `row`.
  mutating func insertRows(_ sheet: String, at row: Int, _ rows: [[Value]]) {
    edit(sheet) { $0.insert(contentsOf: rows, at: row - 1) }
  }

  /// Inserts a column before 0-based column `column`; `value` gives each row's cell (row 1 first).
  mutating func insertColumn(_ sheet: String, at column: Int, _ value: (Int) -> Value) {
    edit(sheet) { rows in
      for r in rows.indices {
        while rows[r].count < column { rows[r].append(.empty) }
        rows[r].insert(value(r + 1), at: column)
      }
    }
  }

  /// Removes a 0-based column; the columns to its right move left.
  mutating func removeColumn(_ sheet: String, _ column: Int) {
    edit(sheet) { rows in
      for r in rows.indices where rows[r].count > column { rows[r].remove(at: column) }
    }
  }

  /// Rearranges the columns: new column i is old column `order[i]`.
  mutating func reorderColumns(_ sheet: String, _ order: [Int]) {
    edit(sheet) { rows in
      rows = rows.map { row in order.map { $0 < row.count ? row[$0] : .empty } }
    }
  }

  /// Adds a sheet (at `index`, or last).
  mutating func addSheet(_ name: String, _ rows: [[Value]], at index: Int? = nil) {
    var sheet = sheets[0]
    sheet.name = name
    sheet.rows = rows
    sheets.insert(sheet, at: index ?? sheets.count)
  }
}

private func texts(_ values: [String]) -> [SubmissionWorkbook.Value] { values.map { .text($0) } }

// MARK: - Form variants

/// A way a real submission departs from the template without being wrong (SPEC §3, §4, §5.1).
enum Variant: String, CaseIterable, CustomTestStringConvertible {
  case aliasHeaders, fullWidthAndSpacesInHeaders, requiredMarks, unitsInBrackets
  case columnOrder, titleAndNotesAboveTheHeader, blankRowsAndNotesInTables, totalsRows
  case formInColumnsCAndD, formWithTwoPairsPerRow, serialNumberColumn, prefilledSerialNumbers
  case otherSheets, sheetNamesWithSpaces, valuesInOtherForms, formLabelsWithColons

  var testDescription: String { rawValue }

  func apply(to wb: inout SubmissionWorkbook) {
    switch self {
    case .aliasHeaders:
      wb.set("进站研究生", "F1", .text("企业导师"))
      wb.set("工作站信息", "A5", .text("依托单位"))
      wb.set("工作站信息", "A8", .text("牵头学院"))
    case .fullWidthAndSpacesInHeaders:
      wb.set("进站研究生", "A1", .text("学\u{3000}号"))
      wb.set("进站研究生", "B1", .text(" 姓 名 "))
      wb.set("进站研究生", "I1", .text("月生活补助标准（元）"))
      wb.set("进站研究生", "J1", .text("导师在设站单位\n承担项目"))
      wb.set("站长及专家", "B1", .text("\u{00A0}角色\u{3000}"))
      wb.set("补助发放", "D1", .text("应发金额 （元）"))
      wb.set("补助发放", "E1", .text("实发金额(元)"))
      wb.set("工作站信息", "A3", .text("工作站编号 "))
      wb.set("工作站信息", "A16", .text("生活补助发放总额（元）"))
    case .requiredMarks:
      wb.set("进站研究生", "A1", .text("学号*"))
      wb.set("进站研究生", "B1", .text("*姓名"))
      wb.set("进站研究生", "C1", .text("培养层次（必填）"))
      wb.set("进站研究生", "L1", .text("安全教育(必填)*"))
      wb.set("补助发放", "C1", .text("发放月份 *"))
      wb.set("补助发放", "D1", .text("*应发金额（元）（必填）"))
      wb.set("工作站信息", "A3", .text("*工作站编号"))
      wb.set("工作站信息", "A4", .text("工作站名称（必填）"))
    case .unitsInBrackets:
      wb.set("进站研究生", "I1", .text("月生活补助标准（元/月）"))
      wb.set("补助发放", "D1", .text("应发金额"))  // the unit left out altogether
      wb.set("补助发放", "E1", .text("实发金额(元/月)"))
      wb.set("工作站信息", "A14", .text("进站研究生人数(人)"))
      wb.set("工作站信息", "A15", .text("年度运行经费（元）"))
    case .columnOrder:
      wb.reorderColumns("进站研究生", Array((0..<12).reversed()))
      wb.reorderColumns("补助发放", [5, 3, 0, 4, 2, 1])
      wb.reorderColumns("站长及专家", [4, 2, 0, 1, 5, 3])
      wb.reorderColumns("成果", [3, 4, 0, 1, 2, 5])
    case .titleAndNotesAboveTheHeader:
      wb.insertRows(
        "进站研究生", at: 1,
        [[.text("2023-2024 学年进站研究生名单")], [.text("注：日期写成 2023-07-01，金额单位为元。")], []])
      wb.insertRows("补助发放", at: 1, [[], [.text("生活补助发放明细"), .empty, .text("单位：元")], []])
      wb.insertRows("站长及专家", at: 1, [[.text("站长及专家名单")]])
      wb.insertRows("成果", at: 1, [[.text("年度成果")], []])
    case .blankRowsAndNotesInTables:
      wb.insertRows("进站研究生", at: 3, [[], [.empty, .empty, .text("  ")]])
      wb.insertRows("补助发放", at: 12, [[]])
      wb.insertRows("成果", at: 3, [[]])
      wb.appendRow("进站研究生", [])
      wb.appendRow("进站研究生", [.text("注：出站日期空白表示仍在站。")])
      wb.appendRow("补助发放", [.text("备注：补助均通过银行卡发放")])
    case .totalsRows:
      wb.appendRow("补助发放", [.text("合计"), .empty, .empty, .number(26_200), .number(26_200)])
      wb.appendRow("进站研究生", [.text("总 计"), .text("3人")])
      wb.appendRow("成果", [.text("小计"), .text("2项")])
      wb.appendRow("站长及专家", [.empty, .text("合计"), .text("4人")])  // first non-empty cell
    case .formLabelsWithColons:
      wb.set("工作站信息", "A3", .text("工作站编号："))
      wb.set("工作站信息", "A4", .text("工作站名称:"))
      wb.set("工作站信息", "A16", .text("生活补助发放总额（元）："))
    case .formInColumnsCAndD:
      wb.insertColumn("工作站信息", at: 0) { _ in .empty }
      wb.insertColumn("工作站信息", at: 0) { $0 == 3 ? .text("基本信息") : .empty }
    case .formWithTwoPairsPerRow:
      wb.edit("工作站信息") { rows in
        let pairs = Array(rows[2...])
        rows = Array(rows[..<2])
        for i in stride(from: 0, to: pairs.count, by: 2) {
          rows.append(pairs[i] + (i + 1 < pairs.count ? pairs[i + 1] : []))
        }
      }
    case .serialNumberColumn:
      for sheet in ["进站研究生", "补助发放", "站长及专家", "成果"] {
        wb.insertColumn(sheet, at: 0) { $0 == 1 ? .text("序号") : .number(Double($0 - 1)) }
      }
    case .prefilledSerialNumbers:
      // A template handed out with 序号 filled down past the last record.
      wb.insertColumn("进站研究生", at: 0) { $0 == 1 ? .text("序号") : .number(Double($0 - 1)) }
      for n in 4...10 { wb.appendRow("进站研究生", [.number(Double(n))]) }
      wb.insertColumn("补助发放", at: 4) { $0 == 1 ? .text("序号") : .number(Double($0 - 1)) }
      for n in 25...30 {
        wb.appendRow("补助发放", [.empty, .empty, .empty, .empty, .number(Double(n))])
      }
    case .otherSheets:
      wb.addSheet("填报说明", [[.text("填报说明")], [.text("1. 学号为 8–12 位数字。")]], at: 0)
      wb.addSheet(
        "审核结果",
        [
          texts(["严重程度", "规则", "工作表", "单元格", "说明"]),
          texts(["错误", "CELL-001", "进站研究生", "L2", "必填"]),
        ])
      wb.addSheet("Sheet2", [])
      wb.addSheet("Sheet3", [[.text(" ")], [.empty, .text("\u{3000}")]])
    case .sheetNamesWithSpaces:
      wb.renameSheet("成果", to: " 成果 ")
      wb.renameSheet("补助发放", to: "补助 发放")
    case .valuesInOtherForms:
      wb.set("工作站信息", "B3", .text("ＴＪＭＵ－２０２２－０１５"))
      wb.set("工作站信息", "B6", .text("民营企业"))
      wb.set("工作站信息", "B9", .text("2022年9月1日"))
      wb.set("工作站信息", "B10", .text("2023—2024学年"))
      wb.set("工作站信息", "B11", .text("2024/7/5"))
      wb.set("工作站信息", "B12", .text("王 建国"))
      wb.set("工作站信息", "B14", .text("3人"))
      wb.set("工作站信息", "B15", .text("200,000元"))
      wb.set("工作站信息", "B16", .text("¥26,200.00"))
      wb.set("进站研究生", "A2", .number(2_022_120_345))
      wb.set("进站研究生", "C2", .text("博士研究生"))
      wb.set("进站研究生", "C3", .text("专硕"))
      wb.set("进站研究生", "E2", .text("刘 教授"))
      wb.set("进站研究生", "F2", .text("陈\u{3000}高工"))
      wb.set("进站研究生", "G2", .text("2023年9月1日"))
      wb.set("进站研究生", "G3", .text("2023/9/1"))
      wb.set("进站研究生", "G4", .text("20240301"))
      wb.set("进站研究生", "H3", .text("2024.6.30"))
      wb.set("进站研究生", "I2", .text("1,500元"))
      wb.set("进站研究生", "I3", .text("¥800"))
      wb.set("进站研究生", "I4", .text("８００"))
      for (cell, text) in [
        ("J2", "N"), ("J3", "×"), ("J4", "无"), ("K2", "√"), ("K3", "Y"), ("K4", "有"),
        ("L2", "yes"), ("L3", "TRUE"), ("L4", "1"),
      ] {
        wb.set("进站研究生", cell, .text(text))
      }
      wb.set("站长及专家", "A4", .text("陈 高工"))
      wb.set("站长及专家", "B5", .text("兼职导师，专家"))
      wb.set("成果", "D2", .text("2024年3月15日"))
      wb.set("成果", "E2", .text("2022120345，2023110021"))
      wb.set("成果", "E3", .number(2_022_120_345))
      for row in 2...11 { wb.set("补助发放", "A\(row)", .number(2_022_120_345)) }
      wb.set("补助发放", "C2", .text("2023年9月"))
      wb.set("补助发放", "C3", .text("202310"))
      wb.set("补助发放", "C4", .text("2023.11"))
      wb.set("补助发放", "C5", .text("2023/12"))
      wb.set("补助发放", "C6", .date(2024, 1, 1))
      wb.set("补助发放", "C7", .number(202_402))
      wb.set("补助发放", "D2", .text("1,500.00"))
      wb.set("补助发放", "E2", .text("¥1500"))
      wb.set("补助发放", "F2", .text("2023年9月25日"))
      wb.set("补助发放", "F3", .text("2023/10/25"))
      wb.set("补助发放", "F4", .text("20231125"))
    }
  }
}

@Suite struct HeaderMatchingTests {
  static let baseline: Snapshot = try! normalized(.valid()).snapshot

  @Test func theBaselineReadsCompletely() throws {
    let (issues, snapshot, _) = try normalized(.valid())
    #expect(issues == [])
    #expect(snapshot.station.count == 16)
    #expect(snapshot.tables["students"]?.count == 3)
    #expect(snapshot.tables["people"]?.count == 4)
    #expect(snapshot.tables["outcomes"]?.count == 2)
    #expect(snapshot.tables["payments"]?.count == 24)
  }

  /// The "done when" of normalization: a form variant never produces an issue, and reads the same.
  @Test(arguments: Variant.allCases)
  func aFormVariantReadsLikeTheTemplate(_ variant: Variant) throws {
    var wb = SubmissionWorkbook.valid()
    variant.apply(to: &wb)
    let (issues, snapshot, _) = try normalized(wb)
    #expect(issues == [])
    #expect(snapshot.differences(from: Self.baseline) == [])
  }

  @Test func everyVariantAtOnce() throws {
    // Those that move the same cells cannot be stacked; the rest can.
    var wb = SubmissionWorkbook.valid()
    // Order matters: 序号 goes in while row 1 is still the header row.
    for v: Variant in [
      .valuesInOtherForms, .aliasHeaders, .requiredMarks, .totalsRows, .serialNumberColumn,
      .formInColumnsCAndD, .titleAndNotesAboveTheHeader, .blankRowsAndNotesInTables, .otherSheets,
    ] {
      v.apply(to: &wb)
    }
    let (issues, snapshot, _) = try normalized(wb)
    #expect(issues == [])
    #expect(snapshot.differences(from: Self.baseline) == [])
  }

  // MARK: - Cell kinds only a raw builder makes

  @Test func the1904DateSystemReadsTheSameDays() throws {
    let (issues, snapshot, _) = try normalized(build(.valid(), date1904: true))
    #expect(issues == [])
    #expect(snapshot.differences(from: Self.baseline) == [])
  }

  @Test func excelBooleansAndFormulasWithCachedValues() throws {
    let bytes = build(
      .valid(),
      cells: [
        "进站研究生": [
          "J2": .bool(false), "K2": .bool(true), "L2": .bool(true), "L3": .bool(true),
          "I4": .raw(#"<c r="I4"><f>I3</f><v>800</v></c>"#),
        ],
        "补助发放": ["E2": .raw(#"<c r="E2"><f>D2</f><v>1500</v></c>"#)],
        "工作站信息": ["B14": .raw(#"<c r="B14"><f>COUNTA(进站研究生!A2:A4)</f><v>3</v></c>"#)],
      ])
    let (issues, snapshot, _) = try normalized(bytes)
    #expect(issues == [])
    #expect(snapshot.differences(from: Self.baseline) == [])
  }

  @Test func aFormulaErrorInADataCellIsCell006() throws {
    let bytes = build(
      .valid(),
      cells: [
        "补助发放": ["E2": .raw(#"<c r="E2" t="e"><f>D2/0</f><v>#DIV/0!</v></c>"#)],
        "工作站信息": ["B16": .raw(#"<c r="B16" t="e"><f>SUM(#REF!)</f><v>#REF!</v></c>"#)],
      ])
    let (issues, _, raw) = try normalized(bytes)
    #expect(issues == ["CELL-006@工作站信息!B16", "CELL-006@补助发放!E2"])
    #expect(raw.first { $0.cell?.a1 == "E2" }?.value == "#DIV/0!")
  }

  // MARK: - Columns

  @Test func anExtraColumnIsWarnedAtItsHeaderAndChangesNothing() throws {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "M1", .text("备注"))
    wb.set("进站研究生", "M2", .text("2024年起延期"))
    let (issues, snapshot, raw) = try normalized(wb)
    #expect(issues == ["STR-004@进站研究生!M1"])
    #expect(raw.first?.severity == .warning)
    #expect(raw.first?.value == "备注")
    #expect(snapshot.differences(from: Self.baseline) == [])
  }

  /// A column named twice — by its canonical name and an alias, or twice alike — is STR-003 on
  /// the second; the first is the one read.
  @Test(arguments: ["企业导师", "兼职导师", "设站单位导师", "设站单位导师*"])
  func aDuplicatedColumnIsFlaggedAtTheSecondHeader(_ header: String) throws {
    var wb = SubmissionWorkbook.valid()
    wb.insertColumn("进站研究生", at: 12) { $0 == 1 ? .text(header) : .text("另一位导师") }
    let (issues, snapshot, _) = try normalized(wb)
    #expect(issues == ["STR-003@进站研究生!M1"])
    #expect(snapshot.differences(from: Self.baseline) == [])
  }

  @Test func aDuplicatedColumnBeforeTheCanonicalOneWins() throws {
    var wb = SubmissionWorkbook.valid()
    wb.insertColumn("补助发放", at: 0) { $0 == 1 ? .text("实发金额") : .number(1) }
    let (issues, _, _) = try normalized(wb)
    #expect(issues == ["STR-003@补助发放!F1"])  // the template's own column, now second
  }

  @Test func aMissingRequiredColumnIsASheetLevelIssue() throws {
    var wb = SubmissionWorkbook.valid()
    wb.removeColumn("进站研究生", 11)  // 安全教育
    let (issues, _, raw) = try normalized(wb)
    #expect(issues == ["STR-002@进站研究生"])
    #expect(raw.first?.cell == nil)
    #expect(raw.first?.message.contains("安全教育") == true)
  }

  @Test func aMissingOptionalColumnIsNoIssue() throws {
    var wb = SubmissionWorkbook.valid()
    wb.removeColumn("进站研究生", 10)  // 意外伤害保险
    wb.removeColumn("补助发放", 1)  // 姓名
    #expect(try normalized(wb).issues == [])
  }

  @Test func aHeaderBelowTheSearchRowsIsNotFound() throws {
    var wb = SubmissionWorkbook.valid()
    wb.insertRows("成果", at: 1, (1...20).map { [.text("说明第 \($0) 行")] })
    #expect(try normalized(wb).issues == ["STR-002@成果"])
    wb.removeRow("成果", 1)  // the header is now row 20: still found
    #expect(try normalized(wb).issues == [])
  }

  /// 序号 is ignored, so a totals row may carry 合计 in it: still the first non-empty cell.
  @Test func aTotalsRowMarkedInTheSerialNumberColumn() throws {
    var wb = SubmissionWorkbook.valid()
    wb.insertColumn("补助发放", at: 0) { $0 == 1 ? .text("序号") : .number(Double($0 - 1)) }
    wb.appendRow("补助发放", [.text("合计"), .empty, .empty, .empty, .number(26_200), .number(26_200)])
    let (issues, snapshot, _) = try normalized(wb)
    #expect(issues == [])
    #expect(snapshot.differences(from: Self.baseline) == [])
  }

  @Test func aRowWithDataIsARecordEvenWhenItsFirstCellIsBlank() throws {
    var wb = SubmissionWorkbook.valid()
    wb.appendRow("补助发放", [.empty, .empty, .text("2024-06"), .number(800), .number(800)])
    let (issues, snapshot, _) = try normalized(wb)
    #expect(issues == ["CELL-001@补助发放!A26"])  // a blank 发放日期 is SUB-004's, not CELL-001
    #expect(snapshot.tables["payments"]?.count == 25)
  }

  // MARK: - Sheets

  @Test(arguments: ["工作站信息", "进站研究生", "站长及专家", "成果", "补助发放"])
  func aMissingSheetIsNamedCanonically(_ sheet: String) throws {
    var wb = SubmissionWorkbook.valid()
    wb.removeSheet(sheet)
    let (issues, _, raw) = try normalized(wb)
    #expect(issues == ["STR-001@\(sheet)"])
    #expect(raw.first?.cell == nil)
  }

  @Test func aRenamedSheetIsUnknownAndItsCanonicalOneMissing() throws {
    var wb = SubmissionWorkbook.valid()
    wb.renameSheet("成果", to: "成果表")
    #expect(try normalized(wb).issues == ["STR-001@成果", "STR-005@成果表"])
  }

  @Test func anUnknownSheetWithDataIsWarned() throws {
    var wb = SubmissionWorkbook.valid()
    wb.addSheet("统计", [[.text("人数"), .number(3)]])
    wb.addSheet("Sheet2", [])
    let (issues, snapshot, raw) = try normalized(wb)
    #expect(issues == ["STR-005@统计"])
    #expect(raw.first?.severity == .warning)
    #expect(snapshot.differences(from: Self.baseline) == [])
  }

  /// A table sheet may have a header and no rows only where the template allows it.
  @Test func emptyOutcomesAndPaymentsAreNoStructuralIssue() throws {
    var wb = SubmissionWorkbook.valid()
    wb.edit("成果") { $0 = [$0[0]] }
    wb.edit("补助发放") { $0 = [$0[0]] }
    let (issues, snapshot, _) = try normalized(wb)
    #expect(issues == [])
    #expect(snapshot.tables["outcomes"]?.isEmpty == true)
    #expect(snapshot.tables["payments"]?.isEmpty == true)
  }

  // MARK: - The form

  @Test func aFormLabelTwiceIsFlaggedAtTheSecondLabel() throws {
    var wb = SubmissionWorkbook.valid()
    wb.appendRow("工作站信息", [.text("依托单位"), .text("天津某某控股集团")])
    let (issues, snapshot, _) = try normalized(wb)
    #expect(issues == ["STR-003@工作站信息!A19"])
    #expect(snapshot.differences(from: Self.baseline) == [])  // the first is read
  }

  @Test func aMissingFormLabelIsASheetLevelIssue() throws {
    var wb = SubmissionWorkbook.valid()
    wb.removeRow("工作站信息", 3)  // 工作站编号
    #expect(try normalized(wb).issues == ["STR-002@工作站信息"])
    wb = .valid()
    wb.removeRow("工作站信息", 18)  // 联系电话: optional
    #expect(try normalized(wb).issues == [])
  }

  @Test func aBlankFormValueIsMissingAtTheValueCell() throws {
    var wb = SubmissionWorkbook.valid()
    Variant.formInColumnsCAndD.apply(to: &wb)
    wb.set("工作站信息", "D12", .empty)
    #expect(try normalized(wb).issues == ["CELL-001@工作站信息!D12"])
  }
}
