import XLSXReading

/// The workbook part of a patched copy: `审核结果` listed first, an earlier one left out, and
/// everything that counts sheets by position (`definedName/@localSheetId`,
/// `workbookView/@activeTab` and `@firstSheet`) moved with them.
enum WorkbookPatch {
  struct Sheet {
    var name: String
    var sheetID: Int
    var rid: String?
  }

  /// The `<sheet>` entries, in order.
  static func sheets(_ xml: [UInt8]) throws -> [Sheet] {
    let editor = XMLEditor(bytes: xml, part: "workbook")
    var result: [Sheet] = []
    while true {
      switch try editor.next() {
      case .start where editor.depth == 3 && editor.nameIs("sheet"):
        result.append(
          Sheet(
            name: try editor.attribute("name") ?? "",
            sheetID: try editor.attribute("sheetId").flatMap { Int($0) } ?? 0,
            rid: try editor.attribute("id", prefixed: true)))
      case .eof: return result
      default: continue
      }
    }
  }

  /// The part with `<sheet name="审核结果" r:id="resultsID"/>` first and the sheet at
  /// `removing` (an earlier 审核结果) left out.
  static func patched(
    _ xml: [UInt8], resultsID: String, removing old: Int?, sheetCount: Int
  ) throws -> [UInt8] {
    let existing = try sheets(xml)
    let sheetID = (existing.map(\.sheetID).max() ?? 0) + 1
    /// A position in the old list → in the new one (nil: the sheet is gone).
    func moved(_ index: Int) -> Int? {
      guard let old else { return index + 1 }
      if index == old { return nil }
      return index > old ? index : index + 1
    }
    let editor = XMLEditor(bytes: xml, part: "workbook")
    var prefix = ""
    var sheetIndex = 0
    while true {
      switch try editor.next() {
      case .start:
        if editor.depth == 1 {
          prefix = editor.prefix.isEmpty ? "" : editor.prefix + ":"
        } else if editor.depth == 2 && editor.nameIs("sheets") {
          let entry =
            "<\(prefix)sheet xmlns:r=\"\(PackagePatcher.relationshipsNamespace)\" name=\"\(AnnotatedWorkbook.resultsSheetName)\""
            + " sheetId=\"\(sheetID)\" r:id=\"\(resultsID)\"/>"
          if editor.isSelfClosing {
            throw PackagePatcher.CannotPatch("the workbook lists no sheets")
          }
          try editor.replace(with: editor.raw + Array(entry.utf8))
        } else if editor.depth == 3 && editor.nameIs("sheet") {
          if sheetIndex == old { try editor.remove() }
          sheetIndex += 1
        } else if editor.depth == 3 && editor.nameIs("workbookView") {
          var values: [(name: String, value: String)] = []
          for name in ["activeTab", "firstSheet"] {
            guard let value = try editor.attributes().first(where: { $0.localName == name }),
              let n = Int(value.value)
            else { continue }
            values.append((name, String(moved(n) ?? 0)))
          }
          let tag = try XMLEditor.settingAttributes(values, in: editor.raw)
          try editor.replace(with: tag)
        } else if editor.depth == 3 && editor.nameIs("definedName") {
          guard let local = try editor.attribute("localSheetId"), let n = Int(local) else {
            continue
          }
          if let new = moved(n) {
            try editor.replace(
              with: try editor.rawSettingAttribute("localSheetId", to: String(new)))
          } else {
            try editor.remove()
          }
        }
      case .eof:
        try editor.finish()
        return editor.output
      default: continue
      }
    }
  }
}

/// `[Content_Types].xml` with overrides for the new parts, none for the parts removed, and the
/// `vml` extension declared when a VML drawing was added.
enum ContentTypesPatch {
  static func patched(
    _ xml: [UInt8], overrides: [(part: String, type: String)], removing removed: Set<String>,
    vmlDefault: Bool
  ) throws -> [UInt8] {
    let editor = XMLEditor(bytes: xml, part: "[Content_Types].xml")
    var prefix = ""
    var hasVML = false
    while true {
      switch try editor.next() {
      case .start where editor.depth == 1:
        prefix = editor.prefix.isEmpty ? "" : editor.prefix + ":"
      case .start where editor.depth == 2 && editor.nameIs("Default"):
        if try editor.attribute("Extension")?.lowercased() == "vml" { hasVML = true }
      case .start where editor.depth == 2 && editor.nameIs("Override"):
        var name = try editor.attribute("PartName") ?? ""
        while name.hasPrefix("/") { name.removeFirst() }
        if removed.contains(name.lowercased()) { try editor.remove() }
      case .end where editor.depth == 0:
        var xml = ""
        if vmlDefault && !hasVML {
          xml +=
            "<\(prefix)Default Extension=\"vml\" ContentType=\"application/vnd.openxmlformats-officedocument.vmlDrawing\"/>"
        }
        for (part, type) in overrides {
          xml += "<\(prefix)Override PartName=\"/\(xmlText(part))\" ContentType=\"\(type)\"/>"
        }
        try editor.insert(xml)
      case .eof:
        try editor.finish()
        return editor.output
      default: continue
      }
    }
  }
}

/// `docProps/app.xml` with `审核结果` first among the worksheet titles and the worksheet count one
/// more. Throws when the part is not in the usual shape (the caller then copies it unchanged).
enum AppPropertiesPatch {
  static func patched(_ xml: [UInt8]) throws -> [UInt8] {
    // The heading pairs: which group of titles is the worksheets', and where it starts.
    let reader = XMLEditor(bytes: xml, part: "app")
    var inPairs = false
    var pairs: [(name: String, count: Int)] = []
    var pendingName: String?
    var element = ""
    while true {
      let token = try reader.next()
      if token == .eof { break }
      switch token {
      case .start:
        if reader.nameIs("HeadingPairs") { inPairs = true }
        element = reader.name
      case .end:
        if reader.nameIs("HeadingPairs") { inPairs = false }
        element = ""
      case .text where inPairs:
        let text = try reader.text()
        if element == "lpstr" {
          pendingName = text
        } else if element == "i4", let name = pendingName, let n = Int(text) {
          pairs.append((name, n))
          pendingName = nil
        }
      default: continue
      }
    }
    guard let group = pairs.firstIndex(where: { $0.name == "Worksheets" || $0.name == "工作表" })
    else { throw PackagePatcher.CannotPatch("no worksheet titles") }
    let offset = pairs[..<group].reduce(0) { $0 + $1.count }

    let editor = XMLEditor(bytes: xml, part: "app")
    var inTitles = false
    var titleIndex = 0
    var countIndex = 0
    var inserted = false
    element = ""
    inPairs = false
    while true {
      switch try editor.next() {
      case .start:
        element = editor.name
        if editor.nameIs("HeadingPairs") { inPairs = true }
        if editor.nameIs("TitlesOfParts") { inTitles = true }
        if inTitles && editor.nameIs("vector"), let size = try editor.attribute("size"),
          let n = Int(size)
        {
          try editor.replace(with: try editor.rawSettingAttribute("size", to: String(n + 1)))
        }
        if inTitles && editor.nameIs("lpstr") {
          if titleIndex == offset && !inserted {
            try editor.insert(
              editor.raw + Array("\(AnnotatedWorkbook.resultsSheetName)</".utf8)
                + Array(qualifiedName(editor.raw).utf8) + [UInt8(ascii: ">")])
            inserted = true
          }
          titleIndex += 1
        }
      case .text where inPairs && element == "i4":
        if countIndex == group {
          let n = Int(try editor.text().filter { !$0.isWhitespace }) ?? 0
          try editor.replace(with: Array(String(n + 1).utf8))
        }
        countIndex += 1
      case .end:
        if editor.nameIs("HeadingPairs") { inPairs = false }
        if editor.nameIs("vector") && inTitles && !inserted {
          let prefix = editor.prefix.isEmpty ? "" : editor.prefix + ":"
          try editor.insert(
            "<\(prefix)lpstr>\(AnnotatedWorkbook.resultsSheetName)</\(prefix)lpstr>")
          inserted = true
        }
        if editor.nameIs("TitlesOfParts") { inTitles = false }
        element = ""
      case .eof:
        guard inserted else { throw PackagePatcher.CannotPatch("no titles") }
        try editor.finish()
        return editor.output
      default: continue
      }
    }
  }

  /// `vt:lpstr` from `<vt:lpstr>` (a start tag's bytes).
  private static func qualifiedName(_ tag: [UInt8]) -> String {
    String(
      decoding: tag.dropFirst().prefix { $0 != UInt8(ascii: ">") && $0 != 0x20 }, as: UTF8.self)
  }
}
