import Model
import XLSXReading

/// Turns a workbook into a ``Submission`` the rules can check (SPEC §3, §4): sheets matched by
/// name, header rows found, columns matched by header, rows turned into records of typed values.
/// What cannot be understood becomes an issue (STR-00x, CELL-00x) at the cell it concerns; a
/// refused value is kept as a filled field without a value, so later rules skip it.
public struct Normalizer {
  public let template: Template

  public init(template: Template) { self.template = template }

  /// Reads every worksheet of `workbook` and normalizes it. Throws only what the reader throws
  /// (FILE-001/FILE-002).
  public func normalize(_ workbook: Workbook) throws -> (Submission, [Issue]) {
    var issues: [Issue] = []
    var parser = ValueParser(date1904: workbook.date1904)
    var station: Form?
    var tables: [String: Table] = [:]
    var found: Set<String> = []
    let ignored = Set(template.ignoredSheets.map(TextCleaning.key))

    for (index, info) in workbook.sheets.enumerated() where info.kind == .worksheet {
      let key = TextCleaning.key(info.name)
      if ignored.contains(key) { continue }
      var rows: [Row] = []
      try workbook.forEachRow(inSheet: index) { rows.append($0) }
      guard let spec = template.sheets.first(where: { sheetMatches($0, key) }), !found.contains(spec.key)
      else {
        if rows.contains(where: { $0.cells.contains(where: { !isBlank($0.value) }) }) {
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
        station = readForm(spec, sheet: info.name, rows: rows, parser: &parser, issues: &issues)
      case .table:
        if let table = readTable(spec, sheet: info.name, rows: rows, parser: &parser, issues: &issues) {
          tables[spec.key] = table
        }
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

  /// The field a header or label names, if any.
  private func field(of spec: SheetSpec, matching text: String) -> FieldSpec? {
    let key = TextCleaning.key(text)
    guard !key.isEmpty else { return nil }
    return spec.fields.first { f in
      TextCleaning.key(f.header) == key || f.aliases.contains { TextCleaning.key($0) == key }
    }
  }

  // MARK: - Tables

  private func readTable(
    _ spec: SheetSpec, sheet: String, rows: [Row], parser: inout ValueParser, issues: inout [Issue]
  ) -> Table? {
    // The header row: among the first rows, the one naming the most fields.
    var best: (row: Row, score: Int)?
    for row in rows.prefix(template.headerSearchRows) {
      let score = Set(row.cells.compactMap { cellText($0.value).flatMap { field(of: spec, matching: $0)?.key } }).count
      if score > (best?.score ?? 0) { best = (row, score) }
    }
    let needed = min(2, spec.fields.count)
    guard let header = best, header.score >= needed else {
      issues.append(
        Issue(
          "STR-002", sheet: sheet, cell: nil,
          message: "工作表「\(sheet)」中找不到表头行（前 \(template.headerSearchRows) 行内应有「\(spec.fields.prefix(3).map(\.header).joined(separator: "」「"))」等列名）。请使用模板的表头。"))
      return nil
    }

    var columns: [String: Int] = [:]
    var fieldsByColumn: [Int: FieldSpec] = [:]
    var silentColumns: Set<Int> = []
    let ignoredColumns = Set(template.ignoredColumns.map(TextCleaning.key))
    for cell in header.row.cells {
      guard let text = cellText(cell.value), !TextCleaning.key(text).isEmpty else { continue }
      if ignoredColumns.contains(TextCleaning.key(text)) {
        silentColumns.insert(cell.reference.column)
        continue
      }
      guard let f = field(of: spec, matching: text) else {
        issues.append(
          Issue(
            "STR-004", sheet: sheet, cell: cell.reference,
            message: "「\(TextCleaning.clean(text))」不是模板中的列，该列不会被审核（内容会保留）。如是模板列，请按模板改名。",
            value: text))
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
      fieldsByColumn[cell.reference.column] = f
    }
    for f in spec.fields where f.required && columns[f.key] == nil {
      issues.append(
        Issue(
          "STR-002", sheet: sheet, cell: nil,
          message: "工作表「\(sheet)」缺少必需的列「\(f.header)」。请按模板补上该列。"))
    }

    let totals = Set(template.totalsMarkers.map(TextCleaning.key))
    var records: [Record] = []
    records.reserveCapacity(rows.count)
    for row in rows where row.index > header.row.index {
      // A row filled only in ignored columns (a template's pre-numbered 序号) is blank.
      let filled = row.cells.filter { !isBlank($0.value) && !silentColumns.contains($0.reference.column) }
      guard let first = filled.first else { continue }  // a blank row
      if let text = cellText(first.value) {
        let key = TextCleaning.key(text)
        if totals.contains(key) { continue }  // 合计/小计/总计
        if filled.count == 1 && (key.hasPrefix("注") || key.hasPrefix("说明") || key.hasPrefix("备注")) {
          continue  // a note under the table
        }
      }
      var fields: [String: FieldCell] = [:]
      for cell in filled {
        guard let f = fieldsByColumn[cell.reference.column] else { continue }
        fields[f.key] = fieldCell(cell, f, sheet: sheet, parser: &parser, issues: &issues)
      }
      for f in spec.fields where f.required && fields[f.key] == nil {
        guard let column = columns[f.key], let ref = CellReference(row: row.index, column: column) else { continue }
        issues.append(missing(f, sheet: sheet, cell: ref))
      }
      records.append(Record(row: row.index, fields: fields))
    }
    return Table(sheet: sheet, headerRow: header.row.index, columns: columns, records: records)
  }

  // MARK: - The form

  private func readForm(
    _ spec: SheetSpec, sheet: String, rows: [Row], parser: inout ValueParser, issues: inout [Issue]
  ) -> Form {
    var cells: [CellReference: Cell] = [:]
    for row in rows { for cell in row.cells { cells[cell.reference] = cell } }
    var fields: [String: FieldCell] = [:]
    var valueCells: [String: CellReference] = [:]
    for row in rows {
      for cell in row.cells {
        guard let text = cellText(cell.value), let f = field(of: spec, matching: text) else { continue }
        guard valueCells[f.key] == nil else {
          issues.append(
            Issue(
              "STR-003", sheet: sheet, cell: cell.reference,
              message: "「\(f.header)」重复出现，只审核第一处。请删除重复的一项。", value: text))
          continue
        }
        guard let valueRef = CellReference(row: cell.reference.row, column: cell.reference.column + 1)
        else { continue }
        valueCells[f.key] = valueRef
        if let value = cells[valueRef], !isBlank(value.value) {
          fields[f.key] = fieldCell(value, f, sheet: sheet, parser: &parser, issues: &issues)
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

  // MARK: - Cells

  private func fieldCell(
    _ cell: Cell, _ f: FieldSpec, sheet: String, parser: inout ValueParser, issues: inout [Issue]
  ) -> FieldCell {
    let text = displayText(cell.value, date1904: parser.date1904)
    switch parser.parse(cell.value, as: f) {
    case .success(let value):
      return FieldCell(cell: cell.reference, text: text, value: value)
    case .failure(let problem):
      issues.append(Issue(problem.rule, sheet: sheet, cell: cell.reference, message: problem.message, value: text))
      return FieldCell(cell: cell.reference, text: text, value: nil)
    }
  }

  private func missing(_ f: FieldSpec, sheet: String, cell: CellReference) -> Issue {
    Issue("CELL-001", sheet: sheet, cell: cell, message: "「\(f.header)」为必填项，请填写。")
  }

  private func cellText(_ value: CellValue) -> String? {
    if case .text(let s) = value { return s }
    return nil
  }

  private func isBlank(_ value: CellValue) -> Bool {
    if case .text(let s) = value { return TextCleaning.trimmed(s).isEmpty }
    return false
  }
}
