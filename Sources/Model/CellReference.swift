/// A cell position with 1-based integer row and column, as in `B7` → (row 7, column 2).
///
/// Sheets hold at most 1,048,576 rows and 16,384 columns (`XFD`); a reference outside that grid
/// does not exist in SpreadsheetML and cannot be made.
public struct CellReference: Hashable, Comparable, Sendable, CustomStringConvertible {
  public static let maxRow = 1_048_576
  public static let maxColumn = 16_384

  /// Stored in 32 bits each (the grid fits): every normalized cell of a submission carries its
  /// reference, and a 200,000-row sheet holds over a million of them.
  @usableFromInline let storedRow: Int32
  @usableFromInline let storedColumn: Int32

  @inlinable public var row: Int { Int(storedRow) }
  @inlinable public var column: Int { Int(storedColumn) }

  /// Makes a reference, or nil when the position is outside A1…XFD1048576.
  public init?(row: Int, column: Int) {
    guard (1...Self.maxRow).contains(row), (1...Self.maxColumn).contains(column) else { return nil }
    storedRow = Int32(row)
    storedColumn = Int32(column)
  }

  /// Parses an A1 reference (`B7`, `xfd1048576`; `$` anchors are allowed), or nil.
  public init?(_ a1: String) {
    var utf8 = Array(a1.utf8)
    utf8.removeAll { $0 == UInt8(ascii: "$") }
    guard let parsed = utf8.withUnsafeBufferPointer({ Self.parse($0) }) else { return nil }
    self = parsed
  }

  /// Parses an A1 reference from ASCII bytes; nil when it is malformed or outside the grid.
  public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> CellReference? {
    var i = 0
    var column = 0
    while i < bytes.count {
      let b = bytes[i] | 0x20  // ASCII lower-case
      guard b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") else { break }
      column = column * 26 + Int(b - UInt8(ascii: "a") + 1)
      if column > maxColumn { return nil }
      i += 1
    }
    guard i > 0, i < bytes.count else { return nil }
    var row = 0
    while i < bytes.count {
      let d = bytes[i] &- UInt8(ascii: "0")
      guard d < 10 else { return nil }
      row = row * 10 + Int(d)
      if row > maxRow { return nil }
      i += 1
    }
    return CellReference(row: row, column: column)
  }

  /// The column's letters: 1 → `A`, 27 → `AA`, 16384 → `XFD`.
  public static func columnName(_ column: Int) -> String {
    var n = column
    var letters: [UInt8] = []
    while n > 0 {
      let r = (n - 1) % 26
      letters.append(UInt8(ascii: "A") + UInt8(r))
      n = (n - 1) / 26
    }
    return String(decoding: letters.reversed(), as: UTF8.self)
  }

  /// The A1 form: `B7`.
  public var a1: String { Self.columnName(column) + String(row) }
  public var description: String { a1 }

  /// Row-major order: by row, then by column.
  public static func < (a: CellReference, b: CellReference) -> Bool {
    (a.row, a.column) < (b.row, b.column)
  }
}
