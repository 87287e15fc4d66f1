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

/// A non-empty cell of a field: where it is, what it holds as submitted, and its value — nil when
/// the value was refused (the CELL-00x issue for it is already raised, so rules that need it skip
/// it).
public struct FieldCell: Equatable, Sendable {
  public var cell: CellReference
  /// The cell's value as the reader saw it.
  public var raw: CellValue
  public var date1904: Bool
  public var value: FieldValue?

  public init(cell: CellReference, raw: CellValue, date1904: Bool, value: FieldValue?) {
    self.cell = cell
    self.raw = raw
    self.date1904 = date1904
    self.value = value
  }

  /// The cell's text as the submitter sees it (made only when a message or report needs it).
  public var text: String { displayText(raw, date1904: date1904) }
}

/// Typed access to normalized fields by key; nil when the field is empty, absent or refused.
public protocol FieldRecord {
  func field(_ key: String) -> FieldCell?
}

extension FieldRecord {
  @inlinable public subscript(_ key: String) -> FieldCell? { field(key) }

  @inlinable public func text(_ key: String) -> String? {
    if case .text(let v)? = field(key)?.value { return v }
    return nil
  }
  @inlinable public func integer(_ key: String) -> Int? {
    if case .integer(let v)? = field(key)?.value { return v }
    return nil
  }
  @inlinable public func money(_ key: String) -> Money? {
    if case .money(let v)? = field(key)?.value { return v }
    return nil
  }
  @inlinable public func day(_ key: String) -> Day? {
    if case .date(let v)? = field(key)?.value { return v }
    return nil
  }
  @inlinable public func month(_ key: String) -> Month? {
    if case .month(let v)? = field(key)?.value { return v }
    return nil
  }
  @inlinable public func bool(_ key: String) -> Bool? {
    if case .bool(let v)? = field(key)?.value { return v }
    return nil
  }
  @inlinable public func list(_ key: String) -> [String]? {
    if case .list(let v)? = field(key)?.value { return v }
    return nil
  }
  @inlinable public func academicYear(_ key: String) -> AcademicYear? {
    if case .academicYear(let v)? = field(key)?.value { return v }
    return nil
  }
  /// Whether the field's cell holds something (valid or not).
  @inlinable public func isFilled(_ key: String) -> Bool { field(key) != nil }
  /// Whether the field holds something that was refused.
  @inlinable public func isInvalid(_ key: String) -> Bool {
    field(key).map { $0.value == nil } ?? false
  }
}

/// The field keys of a table, shared by all its records (a record stores its cells by position:
/// tens of thousands of payment rows must not each carry a dictionary).
public final class FieldKeys: Sendable {
  public let keys: [String]
  /// Each key's UTF-8 length: comparing lengths first skips almost every string comparison.
  public let lengths: [Int]

  public init(_ keys: [String]) {
    self.keys = keys
    lengths = keys.map(\.utf8.count)
  }

  /// A key's position; a linear scan beats hashing for a dozen short keys.
  @inlinable
  public func index(of key: String) -> Int? {
    let n = key.utf8.count
    for i in keys.indices where lengths[i] == n && keys[i] == key { return i }
    return nil
  }
}

/// One record of a table sheet.
public struct Record: FieldRecord, Sendable {
  /// The sheet row it came from.
  public var row: Int
  public let keys: FieldKeys
  /// The filled cells by field position in `keys`.
  public var cells: [FieldCell?]

  public init(row: Int, keys: FieldKeys, cells: [FieldCell?]) {
    self.row = row
    self.keys = keys
    self.cells = cells
  }

  @inlinable
  public func field(_ key: String) -> FieldCell? {
    guard let i = keys.index(of: key) else { return nil }
    return cells[i]
  }

  /// The filled fields by key.
  public var fields: [String: FieldCell] {
    Dictionary(uniqueKeysWithValues: zip(keys.keys, cells).compactMap { k, c in c.map { (k, $0) } })
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
    if let filled = record.field(key) { return filled.cell }
    return columns[key].flatMap { CellReference(row: record.row, column: $0) }
  }
}

/// The vertical label/value form (工作站信息) after normalization.
public struct Form: FieldRecord, Sendable {
  public var sheet: String
  public var fields: [String: FieldCell]

  @inlinable
  public func field(_ key: String) -> FieldCell? { fields[key] }
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
