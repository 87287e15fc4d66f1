/// A cell's typed value as the workbook stores it (after the reader, before any policy).
///
/// Dates and durations keep the raw serial: what a date *means* is a pure function of
/// (serial, date system), see ``SpreadsheetDate``. Formula cells carry their cached value.
public enum CellValue: Equatable, Sendable {
  case text(String)
  case number(Double)
  case bool(Bool)
  /// An error value such as `#N/A` or `#DIV/0!`.
  case error(String)
  /// A number under a date or time-of-day format, as its serial.
  case date(serial: Double)
  /// A number under an elapsed-time format such as `[h]:mm:ss`, as days.
  case duration(days: Double)
  /// A `t="d"` cell (ISO 8601 text, ECMA-376 §18.18.11): a date, a time of day or both, kept
  /// as the file writes them, time-zone designator included (SPEC §8). Boxed (`indirect`):
  /// rare, and its payload would otherwise make every cell value of a sheet four times larger.
  indirect case isoDate(ISODateTime)
  /// A number cell whose value is not a finite double (`1e400`, `INF`, `NaN`, `abc`), as the
  /// file writes it: neither a number nor text, so that normalization reports CELL-002 at the
  /// cell (SPEC §8) and the annotated copy still shows what was there.
  case invalidNumber(String)

  /// The kind's name as the reports print it.
  public var kind: Kind {
    switch self {
    case .text: .text
    case .number: .number
    case .bool: .bool
    case .error: .error
    case .date, .isoDate: .date
    case .duration: .duration
    case .invalidNumber: .number
    }
  }

  public enum Kind: String, CaseIterable, Sendable {
    case text, number, bool, error, date, duration

    /// The kind's position in `allCases`, for counting into an array.
    public var index: Int {
      switch self {
      case .text: 0
      case .number: 1
      case .bool: 2
      case .error: 3
      case .date: 4
      case .duration: 5
      }
    }
  }
}

/// A non-empty cell: where it is and what it holds.
public struct Cell: Equatable, Sendable {
  public var reference: CellReference
  public var value: CellValue

  public init(_ reference: CellReference, _ value: CellValue) {
    self.reference = reference
    self.value = value
  }
}
