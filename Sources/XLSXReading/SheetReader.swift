import Model

/// Turns a worksheet part's tokens into rows of typed cells.
///
/// Positions come from `r` attributes where present and from counting where not (rows and cells
/// without `r` follow the previous one). `<dimension>` is never consulted, so a missing or wrong
/// one changes nothing, and a stray far-away cell costs one cell, not a grid. Styled empty cells
/// and rows (no value) are not data and are not delivered.
final class SheetReader {
  private let tok: XMLTokenizer
  private let strings: [String]
  private let styles: StyleTable
  private let date1904: Bool
  /// How many more cells the workbook may deliver (the cells limit is per workbook).
  private var cellBudget: Int
  /// Cells delivered by this sheet.
  private(set) var cellCount = 0

  private var row = Row(index: 0, cells: [])
  private var rowIndexKnown = false
  private var rowNeedsSort = false
  private var lastRow = 0
  private var lastColumn = 0

  // The cell being read.
  private var reference: CellReference?
  private var type = CellType.number
  private var style = 0
  private var text: [UInt8] = []
  private var hasText = false
  /// A number or shared-string index parsed straight from the tokenizer's buffer, and its bytes.
  private var direct = 0.0
  private var hasDirect = false
  private static let directCapacity = 40
  private let directBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: directCapacity)
  private var directCount = 0

  private enum CellType {
    case number, shared, formulaString, inline, bool, error, isoDate
  }

  init(
    tokenizer: XMLTokenizer, strings: [String], styles: StyleTable, date1904: Bool,
    cellBudget: Int
  ) {
    tok = tokenizer
    self.strings = strings
    self.styles = styles
    self.date1904 = date1904
    self.cellBudget = cellBudget
    text.reserveCapacity(64)
  }

  deinit { directBytes.deallocate() }

  func read(_ body: (Row) throws -> Void) throws {
    var inSheetData = false
    var inRow = false
    var inCell = false
    var capture = false
    var inInline = false
    var phonetic = 0
    var preserve = false
    var itemPreserves = false
    var runStart = 0
    while true {
      switch try tok.next() {
      case .start:
        if inSheetData && tok.isForeign {
          // Outside the SpreadsheetML namespaces (SPEC §8): ignored with all it holds.
          try skipElement()
          continue
        }
        if tok.nameIs("c") {
          guard inRow else { throw tok.malformed("a cell outside a row") }
          try beginCell()
          inCell = true
          if !tok.isSelfClosing, try tok.takeValueElement() {
            hasText = true
            try captureText()
          }
        } else if tok.nameIs("v") {
          if inCell {
            capture = true
            hasText = true
          }
        } else if tok.nameIs("row") {
          guard inSheetData else { continue }
          try beginRow()
          inRow = true
        } else if tok.nameIs("t") {
          if inInline && phonetic == 0 {
            capture = true
            hasText = true
            preserve = try preservesSpace(tok, inherited: itemPreserves)
            runStart = text.count
          }
        } else if tok.nameIs("is") {
          inInline = inCell
          itemPreserves = try preservesSpace(tok)
        } else if tok.nameIs("rPh") {
          phonetic += 1
        } else if tok.nameIs("sheetData") {
          inSheetData = true
        }
      case .text:
        if capture { try captureText() }
      case .end:
        if tok.nameIs("c") {
          if inCell { try endCell() }
          inCell = false
          capture = false
        } else if tok.nameIs("v") {
          capture = false
        } else if tok.nameIs("t") {
          if capture && !preserve { trimXMLSpace(&text, from: runStart) }
          capture = false
        } else if tok.nameIs("row") {
          guard inRow else { continue }
          inRow = false
          try endRow(body)
        } else if tok.nameIs("is") {
          inInline = false
        } else if tok.nameIs("rPh") {
          phonetic -= 1
        } else if tok.nameIs("sheetData") {
          inSheetData = false
        }
      case .eof:
        return
      }
    }
  }

  /// Skips the element whose start tag is current, with everything inside it.
  private func skipElement() throws(XLSXError) {
    let depth = tok.depth
    while true {
      switch try tok.next() {
      case .end where tok.depth < depth, .eof: return
      default: continue
      }
    }
  }

  /// Takes the current text token into the cell being read.
  private func captureText() throws(XLSXError) {
    var raw = tok.rawText
    if (type == .number || type == .shared) && !tok.isCDATA && text.isEmpty && !hasDirect
      && raw.count <= Self.directCapacity
    {
      // xsd:double and xsd:int collapse white space: `<v> 7 </v>` is 7.
      if let first = raw.first, let last = raw.last, isSpace(first) || isSpace(last) {
        raw = trimmedXMLSpace(raw)
      }
      // The common case, a number or a string index in one piece: parse it in place, and
      // keep its few bytes in case markup splits the value (`<v>1<!-- -->2</v>`).
      if type == .number, let v = parseDouble(raw) {
        direct = v
      } else if type == .shared, let i = parseInt(raw) {
        direct = Double(i)
      } else {
        try tok.appendText(to: &text)
        return
      }
      hasDirect = true
      directBytes.update(from: raw.baseAddress!, count: raw.count)
      directCount = raw.count
      return
    }
    if hasDirect {
      text.append(contentsOf: UnsafeBufferPointer(start: directBytes, count: directCount))
      hasDirect = false
    }
    try tok.appendText(to: &text)
  }

  // MARK: - Rows

  private func beginRow() throws(XLSXError) {
    row.cells.removeAll(keepingCapacity: true)
    rowNeedsSort = false
    lastColumn = 0
    var explicit: Int?
    var cursor = tok.attributesStart
    while let a = try tok.nextAttribute(&cursor) {
      guard tok.attribute(a, is: "r"), !tok.isNamespaceDeclaration(a) else { continue }
      guard let r = parseInt(tok.bytes(a.valueStart, a.valueEnd)), r >= 1 else {
        throw tok.malformed(
          "row number \"\(String(decoding: tok.bytes(a.valueStart, a.valueEnd), as: UTF8.self))\"")
      }
      explicit = r
    }
    row.index = explicit ?? lastRow + 1
    rowIndexKnown = explicit != nil
    guard row.index <= CellReference.maxRow else {
      throw XLSXError(.limitExceeded(.coordinates), "\(tok.part): row \(row.index)")
    }
  }

  private func endRow(_ body: (Row) throws -> Void) throws {
    lastRow = row.index
    guard !row.cells.isEmpty else { return }
    if rowNeedsSort {
      // Cells written out of column order: sort them, and let a later duplicate of a position
      // win as it would in the file's own order of writing.
      var seen: [Int: Int] = [:]
      for (i, cell) in row.cells.enumerated() { seen[cell.reference.column] = i }
      row.cells = seen.values.sorted().map { row.cells[$0] }.sorted { $0.reference < $1.reference }
    }
    try body(row)
  }

  // MARK: - Cells

  private func beginCell() throws(XLSXError) {
    reference = nil
    type = .number
    style = 0
    if !text.isEmpty { text.removeAll(keepingCapacity: true) }
    hasText = false
    hasDirect = false
    var cursor = tok.attributesStart
    while let a = try tok.nextAttribute(&cursor) {
      let v = tok.bytes(a.valueStart, a.valueEnd)
      if a.hasPrefix && tok.isNamespaceDeclaration(a) {
        continue  // `xmlns:t` declares a prefix; it is no cell type
      } else if tok.attribute(a, is: "r") {
        reference = try cellReference(v)
      } else if tok.attribute(a, is: "t") {
        type = try cellType(v)
      } else if tok.attribute(a, is: "s") {
        style = parseInt(v) ?? 0
      }
    }
    if let ref = reference {
      if !rowIndexKnown {
        row.index = ref.row
        rowIndexKnown = true
      }
    } else {
      guard lastColumn < CellReference.maxColumn else {
        throw XLSXError(.limitExceeded(.coordinates), "\(tok.part): a cell past column XFD")
      }
      rowIndexKnown = true
      reference = CellReference(row: row.index, column: lastColumn + 1)
    }
    let column = reference!.column
    if column <= lastColumn { rowNeedsSort = true }
    lastColumn = column
  }

  private func endCell() throws(XLSXError) {
    guard hasText, let reference else { return }
    let value: CellValue
    switch type {
    case .number:
      if !hasDirect { trimXMLSpace(&text, from: 0) }
      guard hasDirect || !text.isEmpty else { return }
      guard let number = hasDirect ? direct : text.withUnsafeBufferPointer(parseDouble) else {
        // Not a finite number although the cell says so: CELL-002 later, never text (SPEC §8).
        value = .invalidNumber(String(decoding: text, as: UTF8.self))
        break
      }
      switch styles.kind(style) {
      case .number: value = .number(number)
      case .date: value = .date(serial: number)
      case .duration: value = .duration(days: number)
      }
    case .shared:
      if !hasDirect { trimXMLSpace(&text, from: 0) }
      guard let i = hasDirect ? Int(direct) : text.withUnsafeBufferPointer(parseInt),
        i < strings.count
      else {
        throw tok.malformed(
          "cell \(reference) refers to shared string \(String(decoding: text, as: UTF8.self)), which does not exist"
        )
      }
      guard !strings[i].isEmpty else { return }
      value = .text(strings[i])
    case .formulaString, .inline:
      guard !text.isEmpty else { return }
      value = .text(decodeXString(text))
    case .bool:
      trimXMLSpace(&text, from: 0)  // xsd:boolean collapses white space too
      switch String(decoding: text, as: UTF8.self) {
      case "1", "true", "TRUE": value = .bool(true)
      case "0", "false", "FALSE": value = .bool(false)
      case "": return
      default: value = .text(decodeXString(text))
      }
    case .error:
      guard !text.isEmpty else { return }
      value = .error(String(decoding: text, as: UTF8.self))
    case .isoDate:
      guard !text.isEmpty else { return }
      let s = String(decoding: text, as: UTF8.self)
      value = parseISODate(s).map { .isoDate($0) } ?? .text(s)
    }
    cellCount += 1
    guard cellCount <= cellBudget else {
      throw XLSXError(.limitExceeded(.cells), "a workbook with more cells than the limit")
    }
    row.cells.append(Cell(reference, value))
  }

  private func cellType(_ v: UnsafeBufferPointer<UInt8>) throws(XLSXError) -> CellType {
    switch v.count {
    case 0: return .number
    case 1:
      switch v[0] {
      case UInt8(ascii: "s"): return .shared
      case UInt8(ascii: "n"): return .number
      case UInt8(ascii: "b"): return .bool
      case UInt8(ascii: "e"): return .error
      case UInt8(ascii: "d"): return .isoDate
      default: break
      }
    case 3 where v.elementsEqual("str".utf8): return .formulaString
    case 9 where v.elementsEqual("inlineStr".utf8): return .inline
    default: break
    }
    throw tok.malformed("unknown cell type t=\"\(String(decoding: v, as: UTF8.self))\"")
  }

  /// An A1 reference: malformed ones (`0`, `A`, `1A`) are FILE-001, well-formed ones outside the
  /// grid (`XFE1`, `A1048577`) FILE-002.
  private func cellReference(_ v: UnsafeBufferPointer<UInt8>) throws(XLSXError) -> CellReference {
    // Fast path: upper-case letters then digits, as every writer emits them.
    var column = 0
    var row = 0
    var i = 0
    while i < v.count, case let d = v[i] &- UInt8(ascii: "A"), d < 26, i < 3 {
      column = column * 26 + Int(d) + 1
      i += 1
    }
    let letters = i
    while i < v.count, case let d = v[i] &- UInt8(ascii: "0"), d < 10, i - letters < 8 {
      row = row * 10 + Int(d)
      i += 1
    }
    if i == v.count, letters > 0, i > letters, let ref = CellReference(row: row, column: column) {
      return ref
    }
    return try slowCellReference(v)
  }

  private func slowCellReference(_ v: UnsafeBufferPointer<UInt8>) throws(XLSXError) -> CellReference
  {
    if let ref = CellReference.parse(v) { return ref }
    var i = 0
    while i < v.count, case let b = v[i] | 0x20, b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") {
      i += 1
    }
    let letters = i
    while i < v.count, v[i] &- UInt8(ascii: "0") < 10 { i += 1 }
    let text = String(decoding: v, as: UTF8.self)
    if letters > 0 && i == v.count && i > letters
      && v.contains(where: {
        $0 != UInt8(ascii: "0") && $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9")
      })
    {
      throw XLSXError(
        .limitExceeded(.coordinates), "\(tok.part): cell \(text) is outside A1:XFD1048576")
    }
    throw tok.malformed("cell reference \"\(text)\"")
  }
}
