import Model
import XLSXReading

/// Turns a workbook into a ``Submission`` the rules can check (SPEC §3, §4): sheets matched by
/// name, header rows found, columns matched by header, rows turned into records of typed values.
/// What cannot be understood becomes an issue (STR-00x, CELL-00x) at the cell it concerns; a
/// refused value is kept as a filled field without a value, so later rules skip it.
///
/// Tables are normalized as their rows stream from the reader: only the first rows are held (to
/// find the header among them), then each row becomes a record as it arrives.
public struct Normalizer {
  public let template: Template

  public init(template: Template) { self.template = template }

  /// A text value as the normalizer makes it comparable (SPEC §4: trimmed, full-width ASCII and
  /// spaces made half-width), for comparing a name given elsewhere with a workbook's.
  public static func comparableText(_ text: String) -> String { TextCleaning.clean(text) }

  /// Reads every worksheet of `workbook` and normalizes it. Throws only what the reader throws
  /// (FILE-001/FILE-002).
  public func normalize(_ workbook: Workbook) throws -> (Submission, [Issue]) {
    var issues: [Issue] = []
    let parser = ValueParser(date1904: workbook.date1904)
    var station: Form?
    var tables: [String: Table] = [:]
    var found: Set<String> = []
    let ignored = Set(template.ignoredSheets.map(TextCleaning.key))

    for (index, info) in workbook.sheets.enumerated() where info.kind == .worksheet {
      let key = TextCleaning.key(info.name)
      if ignored.contains(key) { continue }
      guard let spec = template.sheets.first(where: { sheetMatches($0, key) }),
        !found.contains(spec.key)
      else {
        var hasData = false
        try workbook.forEachRow(inSheet: index, verifyFirst: false) { row in
          if !hasData { hasData = row.cells.contains { !isBlank($0.value) } }
        }
        if hasData {
          issues.append(
            Issue(
              "STR-005", sheet: info.name, cell: nil,
              message: "工作表「\(info.name)」不是模板中的工作表，其内容不会被审核。如是误加，请删除；如是模板工作表，请按模板改名。"))
        }
        continue
      }
      found.insert(spec.key)
      switch spec.layout {
      case .form:
        var rows: [Row] = []
        try workbook.forEachRow(inSheet: index, verifyFirst: false) { rows.append($0) }
        station = readForm(spec, sheet: info.name, rows: rows, parser: parser, issues: &issues)
      case .table:
        var reader = TableReader(spec: spec, sheet: info.name, template: template, parser: parser)
        try RowPipe.forEachRow(of: workbook, sheet: index) { reader.consume($0) }
        if let table = reader.finish() { tables[spec.key] = table }
        issues += reader.issues
      }
    }
    for spec in template.sheets where !found.contains(spec.key) {
      issues.append(
        Issue(
          "STR-001", sheet: spec.name, cell: nil,
          message: "缺少工作表「\(spec.name)」。请使用最新模板，并保留该工作表（没有数据时也保留表头）。"))
    }
    let order = workbook.sheets.map(\.name)
    return (Submission(station: station, tables: tables, sheetOrder: order), issues)
  }

  private func sheetMatches(_ spec: SheetSpec, _ key: String) -> Bool {
    TextCleaning.key(spec.name) == key || spec.aliases.contains { TextCleaning.key($0) == key }
  }

  // MARK: - The form

  private func readForm(
    _ spec: SheetSpec, sheet: String, rows: [Row], parser: ValueParser, issues: inout [Issue]
  ) -> Form {
    var cells: [CellReference: Cell] = [:]
    for row in rows { for cell in row.cells { cells[cell.reference] = cell } }
    var fields: [String: FieldCell] = [:]
    var valueCells: [String: CellReference] = [:]
    let headerIndex = HeaderIndex(spec)
    for row in rows {
      for cell in row.cells {
        guard let text = cellText(cell.value), let found = match(headerIndex, text) else {
          continue
        }
        guard case .field(let f, let unit) = found else {
          issues.append(unknownUnit(found.spec, sheet: sheet, cell: cell.reference, text: text))
          continue
        }
        guard valueCells[f.key] == nil else {
          issues.append(
            Issue(
              "STR-003", sheet: sheet, cell: cell.reference,
              message: "「\(f.header)」重复出现，只审核第一处。请删除重复的一项。", value: text))
          continue
        }
        guard
          let valueRef = CellReference(row: cell.reference.row, column: cell.reference.column + 1)
        else { continue }
        valueCells[f.key] = valueRef
        if let value = cells[valueRef], !isBlank(value.value) {
          fields[f.key] = fieldCell(
            value, f, label: ValueParser.label(f), unit: unit, sheet: sheet, parser: parser,
            issues: &issues)
        } else if f.required {
          issues.append(missing(f, sheet: sheet, cell: valueRef))
        }
      }
    }
    for f in spec.fields where f.required && valueCells[f.key] == nil {
      issues.append(
        Issue(
          "STR-002", sheet: sheet, cell: nil,
          message: "工作表「\(sheet)」缺少「\(f.header)」一项。请按模板在左列写项目名、右列填值。"))
    }
    return Form(sheet: sheet, fields: fields, valueCells: valueCells)
  }
}

// MARK: - Tables

/// Normalizes one table sheet as its rows arrive: holds the first `headerSearchRows` rows until
/// the header is chosen among them, then turns every row into a record.
struct TableReader {
  let spec: SheetSpec
  let sheet: String
  let template: Template
  let parser: ValueParser
  private let keys: FieldKeys
  private let labels: [String]
  private let totals: Set<String>
  /// The sheet's headers and aliases by key, computed once (every cell of the header search is
  /// looked up in it).
  private let headerIndex: HeaderIndex

  private(set) var issues: [Issue] = []
  private var pending: [Row] = []
  private var decided = false
  private var header: Header?
  private var records: [Record] = []

  private struct Header {
    var row: Int
    /// Field key → column.
    var columns: [String: Int]
    /// Column → field position, -1 for none (an array: a lookup per cell must not hash).
    var fieldAt: [Int]
    /// Columns ignored silently (序号).
    var silent: [Bool]
    /// Field position → the money unit its header names (元 for every other field).
    var units: [MoneyUnit]
  }

  init(spec: SheetSpec, sheet: String, template: Template, parser: ValueParser) {
    self.spec = spec
    self.sheet = sheet
    self.template = template
    self.parser = parser
    keys = FieldKeys(spec.fields.map(\.key))
    labels = spec.fields.map(ValueParser.label)
    totals = Set(template.totalsMarkers.map(TextCleaning.key))
    headerIndex = HeaderIndex(spec)
  }

  mutating func consume(_ row: Row) {
    if decided {
      if header != nil { process(row) }
      return
    }
    pending.append(row)
    if pending.count >= template.headerSearchRows { decide() }
  }

  mutating func finish() -> Table? {
    if !decided { decide() }
    guard let header else { return nil }
    return Table(sheet: sheet, headerRow: header.row, columns: header.columns, records: records)
  }

  /// Chooses the header among the rows held: the one naming the most fields (at least two).
  private mutating func decide() {
    decided = true
    var best: (row: Row, score: Int)?
    for row in pending {
      let score = Set(
        row.cells.compactMap { cellText($0.value).flatMap { match(headerIndex, $0)?.field?.key } }
      ).count
      if score > (best?.score ?? 0) { best = (row, score) }
    }
    guard let chosen = best, chosen.score >= min(2, spec.fields.count) else {
      issues.append(
        Issue(
          "STR-002", sheet: sheet, cell: nil,
          message:
            "工作表「\(sheet)」中找不到表头行（前 \(template.headerSearchRows) 行内应有「\(spec.fields.prefix(3).map(\.header).joined(separator: "」「"))」等列名）。请使用模板的表头。"
        ))
      pending = []
      return
    }
    header = readHeader(chosen.row)
    let rest = pending.filter { $0.index > chosen.row.index }
    pending = []
    for row in rest { process(row) }
  }

  private mutating func readHeader(_ row: Row) -> Header {
    var columns: [String: Int] = [:]
    let width = (row.cells.last?.reference.column ?? 0) + 1
    var fieldAt = [Int](repeating: -1, count: width)
    var silent = [Bool](repeating: false, count: width)
    var units = [MoneyUnit](repeating: .yuan, count: spec.fields.count)
    let ignoredColumns = Set(template.ignoredColumns.map(TextCleaning.key))
    for cell in row.cells {
      guard let text = cellText(cell.value), !TextCleaning.key(text).isEmpty else { continue }
      if ignoredColumns.contains(TextCleaning.key(text)) {
        silent[cell.reference.column] = true
        continue
      }
      guard let found = match(headerIndex, text) else {
        issues.append(
          Issue(
            "STR-004", sheet: sheet, cell: cell.reference,
            message: "「\(TextCleaning.clean(text))」不是模板中的列，该列不会被审核（内容会保留）。如是模板列，请按模板改名。",
            value: text))
        continue
      }
      guard case .field(let f, let unit) = found else {
        issues.append(unknownUnit(found.spec, sheet: sheet, cell: cell.reference, text: text))
        continue
      }
      if columns[f.key] != nil {
        issues.append(
          Issue(
            "STR-003", sheet: sheet, cell: cell.reference,
            message: "「\(f.header)」列重复出现，只审核第一列。请删除重复的列。", value: text))
        continue
      }
      columns[f.key] = cell.reference.column
      let position = spec.fields.firstIndex { $0.key == f.key }!
      fieldAt[cell.reference.column] = position
      units[position] = unit
    }
    for f in spec.fields where f.required && columns[f.key] == nil {
      issues.append(
        Issue(
          "STR-002", sheet: sheet, cell: nil,
          message: "工作表「\(sheet)」缺少必需的列「\(f.header)」。请按模板补上该列。"))
    }
    return Header(row: row.index, columns: columns, fieldAt: fieldAt, silent: silent, units: units)
  }

  private mutating func process(_ row: Row) {
    guard let header else { return }
    // The first non-empty cell (序号 included), and the filled cells outside ignored columns.
    var lead: Cell?
    var firstFilled: Cell?
    var filledCount = 0
    for cell in row.cells where !isBlank(cell.value) {
      if lead == nil { lead = cell }
      let c = cell.reference.column
      if c < header.silent.count && header.silent[c] { continue }
      if firstFilled == nil { firstFilled = cell }
      filledCount += 1
    }
    // A row filled only in ignored columns (a template's pre-numbered 序号) is blank.
    guard let firstFilled, let lead else { return }
    // 合计/小计/总计 as the first non-empty cell, even in the 序号 column: a totals row.
    if let text = cellText(lead.value), isTotalsMarker(text) { return }
    if let text = cellText(firstFilled.value), isTotalsMarker(text) { return }
    if filledCount == 1, let text = cellText(firstFilled.value) {
      let key = TextCleaning.key(text)
      if key.hasPrefix("注") || key.hasPrefix("说明") || key.hasPrefix("备注") { return }  // a note
    }
    // Which of the row's cells fills each field; then every slot is initialized exactly once
    // (assigning into a prefilled array of these enums costs a destroy per slot, per cell).
    let count = spec.fields.count
    var source = [Int](repeating: -1, count: count)
    for (i, cell) in row.cells.enumerated() {
      let c = cell.reference.column
      guard c < header.fieldAt.count, case let f = header.fieldAt[c], f >= 0, !isBlank(cell.value)
      else { continue }
      source[f] = i
    }
    let cells = [FieldCell?](unsafeUninitializedCapacity: count) { buffer, initialized in
      for f in 0..<count {
        let i = source[f]
        (buffer.baseAddress! + f).initialize(
          to: i < 0
            ? nil
            : fieldCell(
              row.cells[i], spec.fields[f], label: labels[f], unit: header.units[f], sheet: sheet,
              parser: parser, issues: &issues))
      }
      initialized = count
    }
    for (i, f) in spec.fields.enumerated() where f.required && source[i] < 0 {
      guard let column = header.columns[f.key],
        let ref = CellReference(row: row.index, column: column)
      else { continue }
      issues.append(missing(f, sheet: sheet, cell: ref))
    }
    records.append(Record(row: row.index, keys: keys, cells: cells))
  }

  /// Markers are short Chinese words: an ASCII-only text (a 学号, an amount) is never one, and
  /// only short texts are cleaned and compared.
  private func isTotalsMarker(_ text: String) -> Bool {
    let utf8 = text.utf8
    guard utf8.count <= 24, utf8.contains(where: { $0 >= 0x80 }) else { return false }
    return totals.contains(TextCleaning.key(text))
  }
}

// MARK: - Shared

/// What a header or form label names.
private enum HeaderMatch {
  /// A field, with the money unit its bracket names (元 when none; 元 for a field not money).
  case field(FieldSpec, MoneyUnit)
  /// A money field under a unit that is not 元, 千元 or 万元 (`（美元）`): not that field (SPEC §8).
  case unknownUnit(FieldSpec)

  var spec: FieldSpec {
    switch self {
    case .field(let f, _), .unknownUnit(let f): f
    }
  }

  var field: FieldSpec? {
    if case .field(let f, _) = self { return f }
    return nil
  }
}

/// A sheet's fields by the key of their header and of each alias; the first field in the
/// template's order wins a key two of them share.
private struct HeaderIndex {
  let fields: [String: FieldSpec]

  init(_ spec: SheetSpec) {
    var fields: [String: FieldSpec] = [:]
    for f in spec.fields {
      for name in [f.header] + f.aliases where fields[TextCleaning.key(name)] == nil {
        fields[TextCleaning.key(name)] = f
      }
    }
    self.fields = fields
  }
}

/// The field a header or label names, if any, by its canonical name or an alias (SPEC §3). Only a
/// money field reads the bracketed unit; every other field ignores it (`(人)`, `(元/月)`).
private func match(_ index: HeaderIndex, _ text: String) -> HeaderMatch? {
  let (key, units) = TextCleaning.keyAndUnits(text)
  guard !key.isEmpty, let f = index.fields[key] else { return nil }
  guard f.type == .money else { return .field(f, .yuan) }
  guard let unit = MoneyUnit(headerUnits: units) else { return .unknownUnit(f) }
  return .field(f, unit)
}

/// STR-004 for a money header or label in a unit that is not one: its values are never read as
/// 元; the field is then missing (STR-002) unless another column or label supplies it.
private func unknownUnit(_ f: FieldSpec, sheet: String, cell: CellReference, text: String) -> Issue
{
  Issue(
    "STR-004", sheet: sheet, cell: cell,
    message:
      "「\(TextCleaning.clean(text))」的金额单位不是 元、千元 或 万元，不能折算为元，因此不作为「\(f.header)」审核（内容会保留）。请把金额换算为人民币元、千元或万元，并相应改正括号中的单位。",
    value: text)
}

private func fieldCell(
  _ cell: Cell, _ f: FieldSpec, label: String, unit: MoneyUnit, sheet: String, parser: ValueParser,
  issues: inout [Issue]
) -> FieldCell {
  switch parser.parse(cell.value, as: f, label: label, unit: unit) {
  case .success(let value):
    return FieldCell(cell: cell.reference, raw: cell.value, date1904: parser.date1904, value: value)
  case .failure(let problem):
    issues.append(
      Issue(
        problem.rule, sheet: sheet, cell: cell.reference, message: problem.message,
        value: displayText(cell.value, date1904: parser.date1904)))
    return FieldCell(cell: cell.reference, raw: cell.value, date1904: parser.date1904, value: nil)
  }
}

private func missing(_ f: FieldSpec, sheet: String, cell: CellReference) -> Issue {
  Issue("CELL-001", sheet: sheet, cell: cell, message: "「\(f.header)」为必填项，请填写。")
}

private func cellText(_ value: CellValue) -> String? {
  if case .text(let s) = value { return s }
  return nil
}

/// Empty for the purposes of a table: text with nothing but white space.
@inline(__always)
private func isBlank(_ value: CellValue) -> Bool {
  guard case .text(let s) = value else { return false }
  if let first = s.utf8.first, first > 0x20 && first < 0x80 { return false }
  return TextCleaning.trimmed(s).isEmpty
}
