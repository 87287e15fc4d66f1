import Model
import XLSXReading

/// A sheet's rows as display texts, each padded to its last cell (empty cells as ""): how a
/// test reads back a workbook we wrote.
public func displayRows(_ workbook: Workbook, _ sheet: Int) throws -> [[String]] {
  var rows: [[String]] = []
  try workbook.forEachRow(inSheet: sheet) { row in
    var texts: [String] = []
    for cell in row.cells {
      while texts.count < cell.reference.column - 1 { texts.append("") }
      texts.append(displayText(cell.value, date1904: workbook.date1904))
    }
    rows.append(texts)
  }
  return rows
}
