import Model

/// A sheet as the workbook lists it.
public struct SheetInfo: Equatable, Sendable {
  public enum Kind: String, Sendable {
    case worksheet, chartsheet, macrosheet, dialogsheet
  }
  public enum Visibility: String, Sendable {
    case visible, hidden, veryHidden

    /// The visibility a `<sheet state="…">` gives, its value matched case-insensitively
    /// (`Hidden` is hidden, as Excel reads it); an unknown state is visible.
    init(state: String) {
      switch state.lowercased() {
      case "hidden": self = .hidden
      case "veryhidden": self = .veryHidden
      default: self = .visible
      }
    }
  }

  public var name: String
  public var visibility: Visibility
  public var kind: Kind
  /// The sheet's part in the package.
  var part: String
}

/// One row of a sheet: its 1-based index and its non-empty cells in column order.
public struct Row: Sendable {
  public var index: Int
  public var cells: [Cell]
}

/// An open `.xlsx`/`.xlsm` workbook, read as a stream.
///
/// Opening reads the package's relationships, the workbook part (sheets, date system) and the
/// styles; the shared strings are read on the first sheet read; sheets are streamed row by row and
/// never held whole. Everything is found through relationships, never by assuming part names.
/// Any problem is an ``XLSXError`` (rule FILE-001 or FILE-002); nothing here traps on bad input.
public final class Workbook {
  /// Sheets in workbook order, chartsheets included.
  public let sheets: [SheetInfo]
  /// Whether serials count from 1904-01-01 (`workbookPr/@date1904`) rather than 1900.
  public let date1904: Bool

  let archive: ZipArchive
  let limits: ReaderLimits
  private let styles: StyleTable
  private let sharedStringsPart: String?
  private var sharedStrings: [String]?
  /// Non-empty cells delivered so far, across sheets.
  var cellCount = 0

  /// Opens the workbook file at `path`.
  public convenience init(path: String, limits: ReaderLimits = ReaderLimits()) throws(XLSXError) {
    try self.init(archive: ZipArchive(path: path, limits: limits))
  }

  /// Opens a workbook held in memory, such as an upload.
  public convenience init(bytes: [UInt8], limits: ReaderLimits = ReaderLimits()) throws(XLSXError) {
    try self.init(archive: ZipArchive(bytes: bytes, limits: limits))
  }

  private init(archive: ZipArchive) throws(XLSXError) {
    self.archive = archive
    limits = archive.limits
    let workbookPart = try Self.findWorkbookPart(archive)
    guard let stream = try archive.open(workbookPart) else {
      throw XLSXError(.missingPart, "the workbook part \(workbookPart) is missing")
    }
    let entries = try Self.readWorkbookPart(
      XMLTokenizer(part: workbookPart, source: stream, limits: limits))
    date1904 = entries.date1904
    guard let rels = try archive.relationships(of: workbookPart) else {
      throw XLSXError(.missingPart, "the workbook's relationships part is missing")
    }
    var sheets: [SheetInfo] = []
    for entry in entries.sheets {
      // A sheet entry with no relationship id has no part behind it (a placeholder some writers
      // leave for a deleted, very hidden sheet): there is nothing to read, so it is not listed.
      guard let rid = entry.rid, !rid.isEmpty else { continue }
      guard let rel = rels.first(where: { $0.id == rid }) else {
        throw XLSXError(.missingPart, "sheet \"\(entry.name)\": no relationship \(rid)")
      }
      guard archive.contains(rel.target) else {
        throw XLSXError(.missingPart, "sheet \"\(entry.name)\": part \(rel.target) is missing")
      }
      let kind: SheetInfo.Kind =
        switch rel.kind.lowercased() {
        case "chartsheet": .chartsheet
        case "xlmacrosheet", "xlintlmacrosheet": .macrosheet
        case "dialogsheet": .dialogsheet
        default: .worksheet
        }
      sheets.append(
        SheetInfo(name: entry.name, visibility: entry.visibility, kind: kind, part: rel.target))
    }
    self.sheets = sheets
    sharedStringsPart =
      rels.first { $0.kind == "sharedStrings" && archive.contains($0.target) }?.target
    if let stylesPart = rels.first(where: { $0.kind == "styles" })?.target,
      let stream = try archive.open(stylesPart)
    {
      styles = try StyleTable.read(XMLTokenizer(part: stylesPart, source: stream, limits: limits))
    } else {
      styles = StyleTable()
    }
  }

  /// Streams the rows of sheet `index` (in ``sheets``) that hold at least one value, in document
  /// order. Chartsheets, macro sheets and dialog sheets hold no cell data and yield no rows.
  ///
  /// The row passed to `body` is reused: copy what you keep.
  ///
  /// - Parameter verifyFirst: read the part once to its end first, so that a CRC mismatch or a
  ///   limit is thrown before any row is handed out (the default). A caller that drops
  ///   everything it got when the call throws — the checker, the annotated-copy writer — passes
  ///   `false`: the same errors are then thrown at the end of the one pass, and the part is
  ///   inflated once instead of twice (a third of a plain read's time).
  public func forEachRow(
    inSheet index: Int, verifyFirst: Bool = true, _ body: (Row) throws -> Void
  ) throws {
    let sheet = sheets[index]
    guard sheet.kind == .worksheet else { return }
    let strings = try loadSharedStrings()
    // Verified first: the part is read twice, the rows' pass not counted against the limits again.
    if verifyFirst { try archive.verify(sheet.part) }
    guard let stream = try archive.open(sheet.part, counting: !verifyFirst) else {
      throw XLSXError(.missingPart, "sheet \"\(sheet.name)\": part \(sheet.part) is missing")
    }
    let reader = SheetReader(
      tokenizer: XMLTokenizer(part: sheet.part, source: stream, limits: limits),
      strings: strings, styles: styles, date1904: date1904,
      cellBudget: limits.maxCells - cellCount)
    defer { cellCount += reader.cellCount }
    try reader.read(body)
  }

  // MARK: - Package

  /// The workbook part: the package's officeDocument relationship; when `_rels/.rels` is missing
  /// or unreadable, the part `[Content_Types].xml` declares as the workbook, else
  /// `xl/workbook.xml` (what Excel itself falls back to).
  private static func findWorkbookPart(_ archive: ZipArchive) throws(XLSXError) -> String {
    do {
      if let rels = try archive.relationships(of: ""),
        let main = rels.first(where: { $0.kind == "officeDocument" }), archive.contains(main.target)
      {
        return main.target
      }
    } catch let error where error.kind == .malformedXML {
      // A damaged package relationships part: look further below.
    }
    if let stream = try archive.open("[Content_Types].xml") {
      let tok = XMLTokenizer(part: "[Content_Types].xml", source: stream, limits: archive.limits)
      do {
        while case let token = try tok.next(), token != .eof {
          guard token == .start, tok.nameIs("Override"),
            let type = try tok.attributeValue("ContentType"),
            type.contains("sheet.main+xml") || type.contains("template.main+xml")
              || type.contains("spreadsheetml.sheet.main"),
            let name = try tok.attributeValue("PartName"), archive.contains(name)
          else { continue }
          return archive.resolve(name, from: "")
        }
      } catch let error where error.kind == .malformedXML {}
    }
    if archive.contains("xl/workbook.xml") { return "xl/workbook.xml" }
    throw XLSXError(.missingPart, "no workbook part (not an Excel workbook)")
  }

  private struct SheetEntry {
    var name: String
    var visibility: SheetInfo.Visibility
    var rid: String?
  }

  private static func readWorkbookPart(
    _ tok: XMLTokenizer
  ) throws(XLSXError) -> (sheets: [SheetEntry], date1904: Bool) {
    var sheets: [SheetEntry] = []
    var date1904 = false
    while true {
      // Depths pin the elements to their place (workbook/workbookPr, workbook/sheets/sheet):
      // extension lists reuse local names, such as x15:workbookPr.
      switch try tok.next() {
      case .start where tok.depth == 2 && tok.nameIs("workbookPr"):
        let v = try tok.attributeValue("date1904")?.lowercased()
        date1904 = v == "1" || v == "true"
      case .start where tok.depth == 3 && tok.nameIs("sheet"):
        let name = try tok.attributeValue("name") ?? ""
        let visibility =
          try tok.attributeValue("state").map(SheetInfo.Visibility.init(state:)) ?? .visible
        let rid = try tok.attributeValue("id", prefixed: true)
        sheets.append(SheetEntry(name: name, visibility: visibility, rid: rid))
      case .eof: return (sheets, date1904)
      default: continue
      }
    }
  }

  // MARK: - Shared strings

  private func loadSharedStrings() throws(XLSXError) -> [String] {
    if let sharedStrings { return sharedStrings }
    var table: [String] = []
    var tableBytes = 0
    if let part = sharedStringsPart, let stream = try archive.open(part) {
      let tok = XMLTokenizer(part: part, source: stream, limits: limits)
      var text: [UInt8] = []
      var inItem = false
      var capture = false
      var preserve = false
      var itemPreserves = false
      var runStart = 0
      var phonetic = 0
      while true {
        switch try tok.next() {
        case .start:
          if tok.nameIs("si") {
            inItem = true
            itemPreserves = try preservesSpace(tok)
            text.removeAll(keepingCapacity: true)
            guard table.count < limits.maxSharedStrings else {
              throw XLSXError(
                .limitExceeded(.sharedStrings),
                "\(part): more than \(limits.maxSharedStrings) shared strings")
            }
          } else if tok.nameIs("t") {
            capture = inItem && phonetic == 0
            preserve = try preservesSpace(tok, inherited: itemPreserves)
            runStart = text.count
          } else if tok.nameIs("rPh") {
            phonetic += 1
          } else if tok.nameIs("sst"), table.isEmpty,
            let declared = try tok.attributeValue("uniqueCount").flatMap({ Int($0) })
          {
            table.reserveCapacity(min(max(declared, 0), limits.maxSharedStrings, 1 << 16))
          }
        case .text:
          if capture { try tok.appendText(to: &text) }
        case .end:
          if tok.nameIs("t") {
            if capture && !preserve { trimXMLSpace(&text, from: runStart) }
            capture = false
          } else if tok.nameIs("rPh") {
            phonetic -= 1
          } else if tok.nameIs("si") {
            inItem = false
            tableBytes += text.count
            guard tableBytes <= limits.maxSharedStringBytes else {
              throw XLSXError(
                .limitExceeded(.sharedStringBytes),
                "\(part): shared strings over \(limits.maxSharedStringBytes) bytes")
            }
            table.append(decodeXString(text))
          }
        case .eof:
          sharedStrings = table
          return table
        }
      }
    }
    sharedStrings = table
    return table
  }
}
