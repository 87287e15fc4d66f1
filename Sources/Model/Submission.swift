/// A field's value after normalization (SPEC §4).
public enum FieldValue: Equatable, Sendable {
  /// Text, a name, a code, or a choice (its canonical value).
  case text(String)
  case integer(Int)
  case money(Money)
  case date(Day)
  case month(Month)
  case bool(Bool)
  /// A list of codes or choices (canonical values).
  case list([String])
  case academicYear(AcademicYear)
}

/// A non-empty cell of a field: where it is, its text as submitted, and its value — nil when the
/// value was refused (the CELL-00x issue for it is already raised, so rules that need it skip it).
public struct FieldCell: Equatable, Sendable {
  public var cell: CellReference
  public var text: String
  public var value: FieldValue?

  public init(cell: CellReference, text: String, value: FieldValue?) {
    self.cell = cell
    self.text = text
    self.value = value
  }
}

/// Typed access to normalized fields by key; nil when the field is empty, absent or refused.
public protocol FieldRecord {
  var fields: [String: FieldCell] { get }
}

extension FieldRecord {
  public subscript(_ key: String) -> FieldCell? { fields[key] }

  public func text(_ key: String) -> String? {
    if case .text(let v)? = fields[key]?.value { return v }
    return nil
  }
  public func integer(_ key: String) -> Int? {
    if case .integer(let v)? = fields[key]?.value { return v }
    return nil
  }
  public func money(_ key: String) -> Money? {
    if case .money(let v)? = fields[key]?.value { return v }
    return nil
  }
  public func day(_ key: String) -> Day? {
    if case .date(let v)? = fields[key]?.value { return v }
    return nil
  }
  public func month(_ key: String) -> Month? {
    if case .month(let v)? = fields[key]?.value { return v }
    return nil
  }
  public func bool(_ key: String) -> Bool? {
    if case .bool(let v)? = fields[key]?.value { return v }
    return nil
  }
  public func list(_ key: String) -> [String]? {
    if case .list(let v)? = fields[key]?.value { return v }
    return nil
  }
  public func academicYear(_ key: String) -> AcademicYear? {
    if case .academicYear(let v)? = fields[key]?.value { return v }
    return nil
  }
  /// Whether the field's cell holds something (valid or not).
  public func isFilled(_ key: String) -> Bool { fields[key] != nil }
  /// Whether the field holds something that was refused.
  public func isInvalid(_ key: String) -> Bool { fields[key].map { $0.value == nil } ?? false }
}

/// One record of a table sheet.
public struct Record: FieldRecord, Sendable {
  /// The sheet row it came from.
  public var row: Int
  public var fields: [String: FieldCell]

  public init(row: Int, fields: [String: FieldCell]) {
    self.row = row
    self.fields = fields
  }
}

/// A table sheet after normalization.
public struct Table: Sendable {
  /// The sheet's name as it stands in the submitted file.
  public var sheet: String
  public var headerRow: Int
  /// Field key → column of its header.
  public var columns: [String: Int]
  public var records: [Record]

  public init(sheet: String, headerRow: Int, columns: [String: Int], records: [Record]) {
    self.sheet = sheet
    self.headerRow = headerRow
    self.columns = columns
    self.records = records
  }

  /// Where a field of a record is, filled or not; nil when the column is absent.
  public func cell(_ key: String, of record: Record) -> CellReference? {
    if let filled = record.fields[key] { return filled.cell }
    return columns[key].flatMap { CellReference(row: record.row, column: $0) }
  }
}

/// The vertical label/value form (工作站信息) after normalization.
public struct Form: FieldRecord, Sendable {
  public var sheet: String
  public var fields: [String: FieldCell]
  /// Field key → its value cell (right of its label), filled or not.
  public var valueCells: [String: CellReference]

  public init(sheet: String, fields: [String: FieldCell], valueCells: [String: CellReference]) {
    self.sheet = sheet
    self.fields = fields
    self.valueCells = valueCells
  }
}

/// A submission after normalization: what the rules check.
public struct Submission: Sendable {
  /// 工作站信息, when found.
  public var station: Form?
  /// Table sheets by template key (`students`, `people`, `outcomes`, `payments`), when found.
  public var tables: [String: Table]
  /// Sheet names in workbook order, as submitted.
  public var sheetOrder: [String]

  public init(station: Form?, tables: [String: Table], sheetOrder: [String]) {
    self.station = station
    self.tables = tables
    self.sheetOrder = sheetOrder
  }
}
