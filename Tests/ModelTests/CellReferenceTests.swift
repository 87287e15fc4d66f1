import Model
import Testing

@Suite struct CellReferenceTests {
  @Test(arguments: [
    ("A1", 1, 1), ("B7", 7, 2), ("Z9", 9, 26), ("AA10", 10, 27), ("XFD1048576", 1_048_576, 16_384),
    ("$C$3", 3, 3), ("ab12", 12, 28),
  ])
  func parsesA1(text: String, row: Int, column: Int) throws {
    let ref = try #require(CellReference(text))
    #expect(ref.row == row)
    #expect(ref.column == column)
  }

  @Test(arguments: ["", "A", "1", "A0", "1A", "XFE1", "A1048577", "A-1", "A1B", "Ä1"])
  func rejectsMalformedOrOutsideTheGrid(text: String) {
    #expect(CellReference(text) == nil)
  }

  @Test(arguments: [(1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (703, "AAA"), (16_384, "XFD")])
  func namesColumns(column: Int, name: String) {
    #expect(CellReference.columnName(column) == name)
  }

  @Test func roundTripsAndOrdersRowMajor() throws {
    let refs = try ["B2", "A3", "C1", "A2"].map { try #require(CellReference($0)) }
    #expect(refs.sorted().map(\.a1) == ["C1", "A2", "B2", "A3"])
  }
}
