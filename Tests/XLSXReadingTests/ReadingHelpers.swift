import Model
import Testing
import XLSXTestSupport

@testable import XLSXReading

// Helpers shared by the reader's tests: read a package built in code into plain values, catch the
// error a read throws, hand-assemble packages whose parts the tests name themselves, and make
// packages of really compressed parts.

// MARK: - Reading

/// Every worksheet of a package built in memory: sheet name → A1 reference → value.
func read(_ builder: XLSXBuilder, limits: ReaderLimits = ReaderLimits()) throws
  -> [String: [String: CellValue]]
{
  try read(bytes: builder.build(), limits: limits)
}

/// Every worksheet of a package's bytes: sheet name → A1 reference → value. Chartsheets and the
/// like are listed with no cells. Fails the test if a reference is delivered twice or a cell sits
/// in a row other than the one it was delivered in.
func read(bytes: [UInt8], limits: ReaderLimits = ReaderLimits()) throws
  -> [String: [String: CellValue]]
{
  let workbook = try Workbook(bytes: bytes, limits: limits)
  var result: [String: [String: CellValue]] = [:]
  for (index, sheet) in workbook.sheets.enumerated() {
    var cells: [String: CellValue] = [:]
    try workbook.forEachRow(inSheet: index) { row in
      for cell in row.cells {
        #expect(
          cell.reference.row == row.index, "cell \(cell.reference) delivered in row \(row.index)")
        #expect(cells[cell.reference.a1] == nil, "cell \(cell.reference) delivered twice")
        cells[cell.reference.a1] = cell.value
      }
    }
    result[sheet.name] = cells
  }
  return result
}

/// One delivered row, copied (the reader reuses its `Row`).
struct RowSnapshot: Equatable, CustomStringConvertible {
  var index: Int
  var cells: [Cell]

  init(_ index: Int, _ cells: [(String, CellValue)]) {
    self.index = index
    self.cells = cells.map { Cell(CellReference($0.0)!, $0.1) }
  }

  init(_ row: Row) {
    index = row.index
    cells = row.cells
  }

  var description: String {
    "\(index): " + cells.map { "\($0.reference.a1)=\($0.value)" }.joined(separator: ", ")
  }
}

/// The rows of one sheet, in the order and grouping the reader delivers them.
func rows(bytes: [UInt8], sheet: Int = 0, limits: ReaderLimits = ReaderLimits()) throws
  -> [RowSnapshot]
{
  let workbook = try Workbook(bytes: bytes, limits: limits)
  var result: [RowSnapshot] = []
  try workbook.forEachRow(inSheet: sheet) { result.append(RowSnapshot($0)) }
  return result
}

/// The rows of the only sheet of a one-sheet package whose worksheet part is `xml`.
func rows(sheetXML xml: String, sharedStrings: [String]? = nil, stylesXML: String? = nil) throws
  -> [RowSnapshot]
{
  var builder = XLSXBuilder(sheets: [.init(name: "S", xml: xml)])
  builder.sharedStrings = sharedStrings
  builder.stylesXML = stylesXML
  return try rows(bytes: builder.build())
}

/// The cells of the only sheet of a one-sheet package whose worksheet part is `xml`.
func cells(sheetXML xml: String, sharedStrings: [String]? = nil, stylesXML: String? = nil) throws
  -> [String: CellValue]
{
  var builder = XLSXBuilder(sheets: [.init(name: "S", xml: xml)])
  builder.sharedStrings = sharedStrings
  builder.stylesXML = stylesXML
  return try #require(try read(builder)["S"])
}

/// The error `body` throws, which must be an ``XLSXError``; nil (and a recorded failure) when it
/// throws nothing or something else.
func xlsxError(
  sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> XLSXError? {
  do {
    try body()
  } catch let error as XLSXError {
    return error
  } catch {
    Issue.record(
      "expected an XLSXError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    return nil
  }
  Issue.record("expected an XLSXError, nothing was thrown", sourceLocation: sourceLocation)
  return nil
}

/// The error opening `bytes` and reading every sheet throws.
func readError(
  bytes: [UInt8], limits: ReaderLimits = ReaderLimits(),
  sourceLocation: SourceLocation = #_sourceLocation
) -> XLSXError? {
  xlsxError(sourceLocation: sourceLocation) { _ = try read(bytes: bytes, limits: limits) }
}

/// A worksheet part around `sheetData` content, in the Transitional namespace.
func worksheet(_ sheetData: String) -> String {
  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    + "<worksheet xmlns=\"\(spreadsheetMLNamespace)\"><sheetData>\(sheetData)</sheetData></worksheet>"
}

// MARK: - Hand-assembled packages

let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
let officeRelationshipsNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
let packageRelationshipsNS = "http://schemas.openxmlformats.org/package/2006/relationships"
let strictSpreadsheetNS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
let strictRelationshipsNS = "http://purl.oclc.org/ooxml/officeDocument/relationships"

/// A relationships part with these relationships, types given in full.
func relationshipsXML(_ relationships: [(id: String, type: String, target: String)]) -> String {
  var xml = declaration + "<Relationships xmlns=\"\(packageRelationshipsNS)\">"
  for r in relationships {
    xml += "<Relationship Id=\"\(r.id)\" Type=\"\(r.type)\" Target=\"\(r.target)\"/>"
  }
  return xml + "</Relationships>"
}

/// A workbook part listing `sheets` (name → relationship id) in this order.
func workbookXML(
  sheets: [(name: String, rid: String)], namespace: String = spreadsheetMLNamespace,
  relationshipsNamespace: String = officeRelationshipsNS
) -> String {
  var xml = declaration + "<workbook xmlns=\"\(namespace)\" xmlns:r=\"\(relationshipsNamespace)\">"
  xml += "<workbookPr/><sheets>"
  for (i, sheet) in sheets.enumerated() {
    xml += "<sheet name=\"\(sheet.name)\" sheetId=\"\(i + 1)\" r:id=\"\(sheet.rid)\"/>"
  }
  return xml + "</sheets></workbook>"
}

/// A `[Content_Types].xml` declaring the workbook at `/xl/workbook.xml`.
let contentTypesXML =
  declaration + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
  + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
  + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
  + "<Override PartName=\"/xl/workbook.xml\" "
  + "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
  + "</Types>"

/// The entries of a package with one worksheet `S` (rId1, `worksheets/sheet1.xml`) and, when
/// given, shared strings (rId2), under the standard part names, as ZipEntry values a test can
/// rename or re-store before calling `ZipBuilder.archive`.
func packageEntries(sheetXML: String, sharedStringsXML: String? = nil) -> [ZipEntry] {
  var rels: [(id: String, type: String, target: String)] = [
    ("rId1", officeRelationshipsNS + "/worksheet", "worksheets/sheet1.xml")
  ]
  if sharedStringsXML != nil {
    rels.append(("rId2", officeRelationshipsNS + "/sharedStrings", "sharedStrings.xml"))
  }
  var entries = [
    ZipEntry("[Content_Types].xml", contentTypesXML),
    ZipEntry(
      "_rels/.rels",
      relationshipsXML([("rId1", officeRelationshipsNS + "/officeDocument", "xl/workbook.xml")])),
    ZipEntry("xl/workbook.xml", workbookXML(sheets: [("S", "rId1")])),
    ZipEntry("xl/_rels/workbook.xml.rels", relationshipsXML(rels)),
    ZipEntry("xl/worksheets/sheet1.xml", sheetXML),
  ]
  if let sharedStringsXML { entries.append(ZipEntry("xl/sharedStrings.xml", sharedStringsXML)) }
  return entries
}

/// A simple one-sheet package: `A1` = 1, `B1` = "x" (inline), as an archive.
func simplePackage() -> [UInt8] {
  XLSXBuilder(sheets: [.init(name: "S", rows: [[.number(1), .inlineString("x")]])]).build()
}

/// What `simplePackage()` reads as.
let simplePackageCells: [String: [String: CellValue]] = ["S": ["A1": .number(1), "B1": .text("x")]]

/// The first offset of `needle` in `haystack`.
func offset(of needle: String, in haystack: [UInt8]) -> Int? {
  let n = Array(needle.utf8)
  guard n.count <= haystack.count else { return nil }
  for i in 0...(haystack.count - n.count) where haystack[i..<(i + n.count)].elementsEqual(n) {
    return i
  }
  return nil
}

/// A package of really compressed parts: one sheet `S` whose part is `sheetXML`.
func deflatedPackage(sheetXML: String) -> [UInt8] {
  ZipBuilder.archive(
    packageEntries(sheetXML: sheetXML).map { ZipEntry($0.name, $0.data, method: .deflated) })
}
