import Foundation

/// Builds an .xlsx package from parts given as code, so a test states exactly what the
/// reader is fed. Everything not set is left out rather than defaulted, because absent
/// optional parts (styles, shared strings) are cases the reader must handle.
public struct XLSXBuilder: Sendable {
  /// One worksheet: its name in the workbook and its complete part.
  public struct Sheet: Sendable {
    /// The name shown on the tab (XML-escaped by the builder).
    public var name: String
    /// The complete worksheet part, e.g. from ``sheetXML(rows:dimension:)``.
    public var xml: String
    /// The `state` attribute: `"hidden"`, `"veryHidden"`, or `nil` for none.
    public var state: String?

    /// A sheet from a ready-made worksheet part.
    public init(name: String, xml: String, state: String? = nil) {
      self.name = name
      self.xml = xml
      self.state = state
    }

    /// A sheet whose part is ``sheetXML(rows:dimension:)`` of `rows`.
    public init(name: String, rows: [[CellSpec]], state: String? = nil) {
      self.init(name: name, xml: sheetXML(rows: rows), state: state)
    }
  }

  /// Chooses how a generated entry is stored, given its name.
  public typealias EntryOptions =
    @Sendable (String) -> (method: ZipEntry.Method, dataDescriptor: Bool)

  /// A relationship added to `xl/_rels/workbook.xml.rels` as given.
  public typealias Relationship = (id: String, type: String, target: String)

  /// The worksheets, in workbook order; sheet *n* (from 1) is `xl/worksheets/sheetn.xml`.
  public var sheets: [Sheet]
  /// The shared strings, escaped into `<si><t xml:space="preserve">…</t></si>`; `nil` means
  /// no shared-strings part at all.
  public var sharedStrings: [String]? = nil
  /// A raw shared-strings part; overrides `sharedStrings`.
  public var sharedStringsXML: String? = nil
  /// A raw styles part; `nil` means no styles part. See ``stylesXML(numFmts:cellXfNumFmtIds:)``.
  public var stylesXML: String? = nil
  /// Writes `<workbookPr date1904="1"/>` into the generated workbook part.
  public var date1904: Bool = false
  /// A raw workbook part; overrides the generated one (relationships are still generated).
  public var workbookXML: String? = nil
  /// Entries appended to the archive as they are, e.g. an unknown part.
  public var extraEntries: [ZipEntry] = []
  /// Relationships appended after the generated ones in the workbook's relationships part.
  public var extraWorkbookRelationships: [Relationship] = []
  /// How each generated entry is stored, by entry name. `extraEntries` keep their own.
  public var entryOptions: EntryOptions = { _ in (.deflateStored, false) }

  /// A package with `sheets` and nothing optional.
  public init(sheets: [Sheet]) {
    self.sheets = sheets
  }

  /// The package as zip bytes: ``entries()`` then `extraEntries`.
  public func build() -> [UInt8] {
    ZipBuilder.archive(entries() + extraEntries)
  }

  /// The package's own entries, in order: `[Content_Types].xml`, `_rels/.rels`,
  /// `xl/workbook.xml`, `xl/_rels/workbook.xml.rels`, `xl/worksheets/sheetN.xml`,
  /// `xl/sharedStrings.xml` and `xl/styles.xml` when set.
  public func entries() -> [ZipEntry] {
    let shared = sharedStringsXML ?? sharedStrings.map(Self.sharedStringsPart)
    var parts: [(name: String, xml: String)] = [
      ("[Content_Types].xml", contentTypes(hasShared: shared != nil)),
      ("_rels/.rels", Self.packageRelationships),
      ("xl/workbook.xml", workbookXML ?? generatedWorkbook()),
      ("xl/_rels/workbook.xml.rels", workbookRelationships(hasShared: shared != nil)),
    ]
    for (index, sheet) in sheets.enumerated() {
      parts.append(("xl/worksheets/sheet\(index + 1).xml", sheet.xml))
    }
    if let shared { parts.append(("xl/sharedStrings.xml", shared)) }
    if let stylesXML { parts.append(("xl/styles.xml", stylesXML)) }

    return parts.map { part in
      let options = entryOptions(part.name)
      return ZipEntry(
        part.name, part.xml, method: options.method, dataDescriptor: options.dataDescriptor)
    }
  }

  /// Writes ``build()`` to `url`.
  public func write(to url: URL) throws {
    try Data(build()).write(to: url)
  }

  /// A styles part whose `cellXfs` entry *i* has number format `cellXfNumFmtIds[i]`, with
  /// `numFmts` as custom formats (ids 164 and up, by convention).
  ///
  /// It also has a `cellStyleXfs` list with one `xf` (General), placed first as Excel does,
  /// so a reader that takes the first `<xf>` elements it meets reads the wrong list.
  public static func stylesXML(numFmts: [(id: Int, code: String)], cellXfNumFmtIds: [Int])
    -> String
  {
    var xml = xmlDeclaration + "<styleSheet xmlns=\"\(spreadsheetMLNamespace)\">"
    if !numFmts.isEmpty {
      xml += "<numFmts count=\"\(numFmts.count)\">"
      for format in numFmts {
        xml += "<numFmt numFmtId=\"\(format.id)\" formatCode=\"\(xmlEscape(format.code))\"/>"
      }
      xml += "</numFmts>"
    }
    xml += """
      <fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>\
      <fills count="2"><fill><patternFill patternType="none"/></fill>\
      <fill><patternFill patternType="gray125"/></fill></fills>\
      <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
      <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
      """
    xml += "<cellXfs count=\"\(cellXfNumFmtIds.count)\">"
    for id in cellXfNumFmtIds {
      xml += "<xf numFmtId=\"\(id)\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\""
      xml += id == 0 ? "/>" : " applyNumberFormat=\"1\"/>"
    }
    xml += "</cellXfs>"
    xml += "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/>"
    xml += "</cellStyles></styleSheet>"
    return xml
  }

  // MARK: - Generated parts

  private func contentTypes(hasShared: Bool) -> String {
    var xml = xmlDeclaration
    xml += "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    xml += "<Default Extension=\"rels\" "
    xml += "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    xml += "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    xml += Self.override("/xl/workbook.xml", "sheet.main")
    for index in sheets.indices {
      xml += Self.override("/xl/worksheets/sheet\(index + 1).xml", "worksheet")
    }
    if hasShared { xml += Self.override("/xl/sharedStrings.xml", "sharedStrings") }
    if stylesXML != nil { xml += Self.override("/xl/styles.xml", "styles") }
    return xml + "</Types>"
  }

  private static func override(_ part: String, _ kind: String) -> String {
    let type = "application/vnd.openxmlformats-officedocument.spreadsheetml.\(kind)+xml"
    return "<Override PartName=\"\(part)\" ContentType=\"\(type)\"/>"
  }

  private static let packageRelationships =
    xmlDeclaration + "<Relationships xmlns=\"\(packageRelationshipsNamespace)\">"
    + relationship("rId1", "officeDocument", "xl/workbook.xml") + "</Relationships>"

  private func generatedWorkbook() -> String {
    var xml = xmlDeclaration
    xml += "<workbook xmlns=\"\(spreadsheetMLNamespace)\" "
    xml += "xmlns:r=\"\(Self.officeRelationshipsNamespace)\">"
    xml += date1904 ? "<workbookPr date1904=\"1\"/>" : "<workbookPr/>"
    xml += "<sheets>"
    for (index, sheet) in sheets.enumerated() {
      xml += "<sheet name=\"\(xmlEscape(sheet.name))\" sheetId=\"\(index + 1)\""
      if let state = sheet.state { xml += " state=\"\(xmlEscape(state))\"" }
      xml += " r:id=\"rId\(index + 1)\"/>"
    }
    return xml + "</sheets></workbook>"
  }

  /// Sheets take rId1…rIdN so tests can predict them; styles and shared strings follow.
  private func workbookRelationships(hasShared: Bool) -> String {
    var xml = xmlDeclaration + "<Relationships xmlns=\"\(Self.packageRelationshipsNamespace)\">"
    for index in sheets.indices {
      xml += Self.relationship(
        "rId\(index + 1)", "worksheet", "worksheets/sheet\(index + 1).xml")
    }
    var next = sheets.count + 1
    if stylesXML != nil {
      xml += Self.relationship("rId\(next)", "styles", "styles.xml")
      next += 1
    }
    if hasShared {
      xml += Self.relationship("rId\(next)", "sharedStrings", "sharedStrings.xml")
    }
    for extra in extraWorkbookRelationships {
      xml += "<Relationship Id=\"\(xmlEscape(extra.id))\" Type=\"\(xmlEscape(extra.type))\" "
      xml += "Target=\"\(xmlEscape(extra.target))\"/>"
    }
    return xml + "</Relationships>"
  }

  private static func relationship(_ id: String, _ kind: String, _ target: String) -> String {
    "<Relationship Id=\"\(id)\" Type=\"\(officeRelationshipsNamespace)/\(kind)\" "
      + "Target=\"\(target)\"/>"
  }

  private static func sharedStringsPart(_ strings: [String]) -> String {
    var xml = xmlDeclaration + "<sst xmlns=\"\(spreadsheetMLNamespace)\" "
    xml += "count=\"\(strings.count)\" uniqueCount=\"\(strings.count)\">"
    for string in strings {
      xml += "<si><t xml:space=\"preserve\">\(xmlEscape(string))</t></si>"
    }
    return xml + "</sst>"
  }

  private static let packageRelationshipsNamespace =
    "http://schemas.openxmlformats.org/package/2006/relationships"
  private static let officeRelationshipsNamespace =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
}

/// The SpreadsheetML main namespace, the default namespace of every generated part.
public let spreadsheetMLNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

let xmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
