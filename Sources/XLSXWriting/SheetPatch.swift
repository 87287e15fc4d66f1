import Model
import XLSXReading

/// Streams one worksheet that holds marked cells through the tokenizer (SPEC §6): only the `s`
/// attribute of each marked `<c>` changes, a `<c>` (and its `<row>`) is added for a marked cell
/// that is absent, and `<legacyDrawing>` is added where the schema puts it when the sheet gets
/// comments; every other byte is copied.
struct SheetPatch {
  /// A cell to mark (its severity), or one whose mark of an earlier round goes (nil).
  struct Mark {
    var cell: CellReference
    var severity: Severity?
  }

  /// The marks, in (row, column) order.
  let marks: [Mark]
  /// The new style index of a cell, given its own (0 when it has none) and its mark.
  let restyle: (CellReference, Int, Severity?) throws -> Int
  /// The relationship id of the comments' VML drawing to reference, when the sheet has no
  /// `<legacyDrawing>` yet; nil when none is to be added.
  let legacyDrawingID: String?

  /// A sheet whose rows are not in ascending order cannot be merged with the marks in one pass.
  struct RowsOutOfOrder: Error {}

  /// The worksheet's children that come after `legacyDrawing` (ECMA-376 CT_Worksheet order).
  private static let afterLegacyDrawing: Set<String> = [
    "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
    "tableParts", "extLst",
  ]

  /// Patches the sheet `editor` reads; the output goes to the editor's drain. Returns the
  /// relationship id of the sheet's own `<legacyDrawing>`, when it has one (none was added).
  func run(_ editor: XMLEditor) throws -> String? {
    var existing: String?
    var next = 0  // the first mark not yet written
    var prefix = ""
    var row = 0  // the current row's number
    var rowStyle: Int?
    var column = 0  // the last cell's column in the current row
    var inSheetData = false
    var drawingPlaced = legacyDrawingID == nil
    var lastRow = 0
    /// The `<cols>` ranges that carry a style: a marked cell the sheet does not have takes its
    /// column's style (as a value typed into it would), unless its row has one of its own.
    var columnStyles: [(first: Int, last: Int, style: Int)] = []
    func shownStyle(column: Int) -> Int {
      rowStyle ?? columnStyles.last { $0.first <= column && column <= $0.last }?.style ?? 0
    }

    func legacyDrawingXML() -> String {
      "<\(prefix)legacyDrawing xmlns:r=\"\(PackagePatcher.relationshipsNamespace)\" r:id=\"\(legacyDrawingID!)\"/>"
    }
    func cellXML(_ mark: Mark, style: Int) -> String {
      "<\(prefix)c r=\"\(mark.cell.a1)\" s=\"\(style)\"/>"
    }
    /// The marked cells of row `r` before column `before`, as new cells.
    func newCells(row r: Int, before: Int) throws -> String {
      var xml = ""
      while next < marks.count, marks[next].cell.row == r, marks[next].cell.column < before {
        // A cell whose earlier mark goes but is not there has nothing to restore.
        if marks[next].severity != nil {
          let style = try restyle(
            marks[next].cell, shownStyle(column: marks[next].cell.column), marks[next].severity)
          xml += cellXML(marks[next], style: style)
        }
        next += 1
      }
      return xml
    }
    /// Whole new rows for the marks in rows before `before`.
    func newRows(before: Int) throws -> String {
      var xml = ""
      while next < marks.count, marks[next].cell.row < before {
        let r = marks[next].cell.row
        rowStyle = nil
        xml +=
          "<\(prefix)row r=\"\(r)\">" + (try newCells(row: r, before: Int.max)) + "</\(prefix)row>"
      }
      return xml
    }

    while true {
      let token = try editor.next()
      switch token {
      case .start:
        let depth = editor.depth
        if depth == 1 {
          prefix = editor.prefix.isEmpty ? "" : editor.prefix + ":"
        } else if depth == 2 {
          if editor.nameIs("sheetData") {
            if editor.isSelfClosing {
              let rows = try newRows(before: Int.max)
              if !rows.isEmpty {
                try editor.replace(
                  with: Array("<\(prefix)sheetData>\(rows)</\(prefix)sheetData>".utf8))
              }
            } else {
              inSheetData = true
            }
          } else if !drawingPlaced, Self.afterLegacyDrawing.contains(editor.name) {
            try editor.insert(legacyDrawingXML())
            drawingPlaced = true
          } else if editor.nameIs("legacyDrawing") {
            drawingPlaced = true
            existing = try editor.attribute("id", prefixed: true)
          }
        } else if depth == 3 && !inSheetData && editor.nameIs("col") {
          if let style = try editor.integerAttribute("style"), style != 0,
            let first = try editor.integerAttribute("min")
          {
            columnStyles.append((first, try editor.integerAttribute("max") ?? first, style))
          }
        } else if depth == 3 && inSheetData && editor.nameIs("row") {
          let r = try editor.integerAttribute("r") ?? (row + 1)
          guard r > lastRow else { throw RowsOutOfOrder() }
          lastRow = r
          let rows = try newRows(before: r)
          if !rows.isEmpty { try editor.insert(rows) }
          row = r
          column = 0
          rowStyle = nil
          if next < marks.count, marks[next].cell.row == r {
            let custom = try editor.attribute("customFormat")
            if custom == "1" || custom == "true" {
              rowStyle = try editor.attribute("s").flatMap { Int($0) }
            }
          }
          if editor.isSelfClosing,
            marks[next...].prefix(while: { $0.cell.row == r }).contains(where: {
              $0.severity != nil
            })
          {
            var open = editor.raw
            open.removeLast(2)  // "/>"
            while let last = open.last, last == 0x20 || last == 0x09 || last == 0x0A || last == 0x0D
            {
              open.removeLast()
            }
            let cells = try newCells(row: r, before: Int.max)
            try editor.replace(with: open + Array(">\(cells)</\(prefix)row>".utf8))
          }
        } else if depth == 4 && inSheetData && editor.nameIs("c") {
          // Most rows hold no mark: their cells are copied without a look at their attributes.
          guard next < marks.count, marks[next].cell.row == row else { continue }
          let ref = try editor.attribute("r").flatMap { CellReference($0) }
          let col = ref?.column ?? (column + 1)
          column = col
          let before = try newCells(row: row, before: col)
          if !before.isEmpty { try editor.insert(before) }
          if next < marks.count, marks[next].cell.row == row, marks[next].cell.column == col {
            // A cell's own style (none is style 0, whatever its row or column has).
            let own = try editor.attribute("s").flatMap { Int($0) } ?? 0
            let style = try restyle(marks[next].cell, own, marks[next].severity)
            try editor.replace(with: try editor.rawSettingAttribute("s", to: String(style)))
            next += 1
          }
        }
      case .end:
        let depth = editor.depth
        if depth == 2 && inSheetData && editor.nameIs("row") {
          let cells = try newCells(row: row, before: Int.max)
          if !cells.isEmpty { try editor.insert(cells) }
        } else if depth == 1 && inSheetData && editor.nameIs("sheetData") {
          let rows = try newRows(before: Int.max)
          if !rows.isEmpty { try editor.insert(rows) }
          inSheetData = false
        } else if depth == 0 && !drawingPlaced {
          try editor.insert(legacyDrawingXML())
          drawingPlaced = true
        }
      case .text:
        continue
      case .eof:
        try editor.finish()
        return existing
      }
    }
  }
}
