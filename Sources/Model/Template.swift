/// The workbook template colleges fill in (SPEC §3): its sheets, their fields, the canonical
/// Chinese headers with their aliases, types and whether each is required. It lives in
/// `pipeline.json`; the built-in default is ``Template/standard``.
public struct Template: Codable, Equatable, Sendable {
  public var sheets: [SheetSpec]
  /// Sheets that are never data: instructions and the pipeline's own result sheet.
  public var ignoredSheets: [String]
  /// Columns ignored silently wherever they appear (`序号`).
  public var ignoredColumns: [String]
  /// A row whose first non-empty cell is one of these is a totals row, not a record.
  public var totalsMarkers: [String]
  /// The header row is looked for in this many rows from the top.
  public var headerSearchRows: Int

  public init(
    sheets: [SheetSpec], ignoredSheets: [String], ignoredColumns: [String], totalsMarkers: [String],
    headerSearchRows: Int
  ) {
    self.sheets = sheets
    self.ignoredSheets = ignoredSheets
    self.ignoredColumns = ignoredColumns
    self.totalsMarkers = totalsMarkers
    self.headerSearchRows = headerSearchRows
  }

  public func sheet(_ key: String) -> SheetSpec? { sheets.first { $0.key == key } }
}

/// One sheet of the template.
public struct SheetSpec: Codable, Equatable, Sendable {
  public enum Layout: String, Codable, Sendable {
    /// A header row, then one record per row.
    case table
    /// Label in one column, value in the next (工作站信息).
    case form
  }

  /// The key rules use (`station`, `students`, `people`, `outcomes`, `payments`).
  public var key: String
  /// The canonical Chinese name.
  public var name: String
  public var aliases: [String]
  public var layout: Layout
  public var fields: [FieldSpec]
  /// A table with a header and no rows is allowed (成果, 补助发放).
  public var mayBeEmpty: Bool

  public init(
    key: String, name: String, aliases: [String] = [], layout: Layout, mayBeEmpty: Bool = false,
    fields: [FieldSpec]
  ) {
    self.key = key
    self.name = name
    self.aliases = aliases
    self.layout = layout
    self.mayBeEmpty = mayBeEmpty
    self.fields = fields
  }

  public func field(_ key: String) -> FieldSpec? { fields.first { $0.key == key } }
}

/// The type of a field: how its cells are parsed (SPEC §4).
public enum FieldType: String, Codable, Sendable {
  /// Free text, trimmed and width-normalized.
  case text
  /// A person's name: text without inner spaces.
  case name
  /// An identifier matching `pattern`; a numeric cell reads as its integer digits.
  case code
  /// Several codes separated by 、,，;；/ or spaces, each matching `pattern`.
  case codeList
  /// A whole number ≥ 0.
  case integer
  /// An amount in 元 ≥ 0, exact to the fen.
  case money
  case date
  case month
  case yesNo
  /// One of `values` (or an alias of one).
  case choice
  /// One or more of `values`, separated by 、,，;；/.
  case choiceList
  /// `YYYY-YYYY`, consecutive years.
  case academicYear
}

/// One field of a sheet.
public struct FieldSpec: Codable, Equatable, Sendable {
  /// The key rules use (`student_id`, `entered_on`, …).
  public var key: String
  /// The canonical Chinese header (or form label).
  public var header: String
  public var aliases: [String]
  public var type: FieldType
  public var required: Bool
  /// For `choice`/`choiceList`: each allowed value with its aliases, in order.
  public var values: [Choice]?
  /// For `code`/`codeList`: the regular expression a value must match whole.
  public var pattern: String?
  /// Read but never checked (the optional 姓名 column of 补助发放).
  public var unchecked: Bool

  public struct Choice: Codable, Equatable, Sendable {
    public var value: String
    public var aliases: [String]

    public init(_ value: String, aliases: [String] = []) {
      self.value = value
      self.aliases = aliases
    }
  }

  public init(
    _ key: String, _ header: String, aliases: [String] = [], type: FieldType, required: Bool,
    values: [Choice]? = nil, pattern: String? = nil, unchecked: Bool = false
  ) {
    self.key = key
    self.header = header
    self.aliases = aliases
    self.type = type
    self.required = required
    self.values = values
    self.pattern = pattern
    self.unchecked = unchecked
  }
}
