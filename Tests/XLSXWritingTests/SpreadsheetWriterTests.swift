import Foundation
import Model
import Testing
import XLSXReading
import XLSXTestSupport

@testable import XLSXWriting

/// The libxlsxwriter wrapper: what it writes reads back as written, and the file appears only
/// when it is complete.
@Suite struct SpreadsheetWriterTests {
  @Test func valuesReadBackWithTheirTypes() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.url.appendingPathComponent("out.xlsx").path
    let writer = try SpreadsheetWriter(path: path)
    let sheet = try writer.addSheet("数据")
    try sheet.write(text: "学号", row: 0, column: 0, format: CellFormat(bold: true))
    try sheet.write(text: "2022120345", row: 1, column: 0, format: CellFormat(text: true))
    try sheet.write(text: "=SUM(A1:A2)", row: 1, column: 1)  // text, never a formula
    try sheet.write(number: 1500.5, row: 1, column: 2)
    try sheet.write(
      number: 45108, row: 1, column: 3, format: CellFormat(numberFormat: "yyyy-mm-dd"))
    try sheet.write(bool: true, row: 1, column: 4)
    try sheet.writeBlank(row: 1, column: 5, format: CellFormat(fill: 0xFFC7CE))
    try sheet.comment("CELL-001 必填", row: 1, column: 5)
    try sheet.write(url: "internal:'数据'!A1", text: "回到 A1", row: 2, column: 0)
    try sheet.setColumns(0, 0, width: 14)
    sheet.freeze(row: 1)
    try sheet.validate(
      .list(["是", "否"]), rows: 1...100, column: 4, title: "安全教育", message: "请选择是或否")
    #expect(!FileManager.default.fileExists(atPath: path))  // nothing until it is complete
    try writer.close()
    try writer.close()  // safe twice

    let wb = try Workbook(path: path)
    var cells: [String: CellValue] = [:]
    try wb.forEachRow(inSheet: 0) { row in for c in row.cells { cells[c.reference.a1] = c.value } }
    #expect(wb.sheets.map(\.name) == ["数据"])
    #expect(
      cells == [
        "A1": .text("学号"), "A2": .text("2022120345"), "B2": .text("=SUM(A1:A2)"),
        "C2": .number(1500.5),
        "D2": .date(serial: 45108), "E2": .bool(true), "A3": .text("回到 A1"),
      ])
  }

  @Test func aRefusedWriteIsAnErrorNotASilentDrop() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.url.appendingPathComponent("out.xlsx").path
    let writer = try SpreadsheetWriter(path: path, constantMemory: true)
    let sheet = try writer.addSheet("S")
    try sheet.write(text: "row 1", row: 0, column: 0)
    try sheet.write(text: "row 2", row: 1, column: 0)
    // Row 1 is flushed in constant-memory mode: libxlsxwriter refuses, and so must we.
    #expect(throws: WriteError.self) { try sheet.write(text: "late", row: 0, column: 1) }
    #expect(throws: WriteError.self) { try sheet.write(number: 1, row: 1_048_576, column: 0) }
  }

  @Test func anUnclosedWriterLeavesNoFile() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.url.appendingPathComponent("out.xlsx").path
    weak var released: SpreadsheetWriter?
    do {
      let writer = try SpreadsheetWriter(path: path)
      released = writer
      let sheet = try writer.addSheet("S")
      try sheet.write(text: "x", row: 0, column: 0)
    }
    // Released (no cycle with its sheets), so its deinit discarded the C workbook.
    #expect(released == nil)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == [])
  }
}
