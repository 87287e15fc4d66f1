import Model
import XLSXReading

/// The styles part of a patched copy (SPEC §6): the submission's own, with fonts, fills and
/// `cellXfs` entries appended — the styles of `审核结果`, and for each (style, severity) pair a
/// marked cell has, a copy of that cell's own `xf` with only the fill replaced.
final class StylesPatch {
  private let source: [UInt8]
  /// Every `cellXfs` entry, as its bytes.
  private var xfs: [[UInt8]] = []
  private var fontCount = 0
  private var fillCount = 0
  /// The fills that are ours (solid, in one of the severities' colours), by index.
  private var ourFills: Set<Int> = []
  /// Every fill's element, as text, without the part's namespace prefix (so that the record of
  /// one survives a re-save that changes the prefix).
  private var fillXMLs: [String] = []
  /// Fills added to give a cell back the fill an earlier round recorded (after our four).
  private var restoredFills: [String] = []
  /// The default font's size and name, for the fonts added.
  private var fontSize = "11"
  private var fontName = "Calibri"
  /// The part's namespace prefix (empty when it has none).
  private var prefix = ""
  /// The sections the part has (local names).
  private var sections: Set<String> = []
  /// What an incomplete part lacks, added before our own entries (Excel's defaults: a font,
  /// the two reserved fills, an empty border, a cell style, a cell format and the Normal
  /// style's name), by section.
  private var padding: [String: (count: Int, xml: String)] = [:]
  private var borderCount = 0
  private var cellStyleXfCount = 0
  /// (old xf, severity) → new xf, in the order they were asked for.
  private var marked: [Key: Int] = [:]
  private var order: [Key] = []

  /// A copy of `xf` with the fill of a severity, or with the fill at an index.
  private struct Key: Hashable {
    enum Fill: Hashable {
      case severity(Severity)
      case index(Int)
    }
    var xf: Int
    var fill: Fill
  }
  /// Each xf's attributes but the fill's, and its content: equal for two xfs that differ only
  /// in their fill. Made on first use.
  private var signatures: [[UInt8]?] = []

  /// The styles `审核结果` uses.
  struct ResultsStyles {
    var bold: Int
    var fill: [Severity: Int]
    var header: Int
    var link: Int
    var wrap: Int
  }

  /// Reads `styles` (nil when the package has none: a minimal part is made).
  init(_ styles: [UInt8]?) throws {
    source = styles ?? Array(Self.minimal.utf8)
    let editor = XMLEditor(bytes: source, part: "styles")
    var section = ""
    var firstFont = true
    while true {
      switch try editor.next() {
      case .start:
        if editor.depth == 1 {
          prefix = editor.prefix
        } else if editor.depth == 2 {
          section = editor.name
          sections.insert(section)
        } else if editor.depth == 3 {
          switch section {
          case "fonts" where editor.nameIs("font"): fontCount += 1
          case "borders" where editor.nameIs("border"): borderCount += 1
          case "cellStyleXfs" where editor.nameIs("xf"): cellStyleXfCount += 1
          case "fills" where editor.nameIs("fill"):
            let fill = Self.unprefixed(
              String(decoding: try editor.captureElement(), as: UTF8.self), prefix)
            if fill.contains("\"solid\""), Self.ourColors.contains(where: { fill.contains($0) }) {
              ourFills.insert(fillCount)
            }
            fillXMLs.append(fill)
            fillCount += 1
          case "cellXfs" where editor.nameIs("xf"): xfs.append(try editor.captureElement())
          default: break
          }
        } else if editor.depth == 4 && section == "fonts" && firstFont {
          if editor.nameIs("sz"), let v = try editor.attribute("val") { fontSize = v }
          if editor.nameIs("name"), let v = try editor.attribute("val") { fontName = v }
        }
      case .end:
        if editor.depth == 2 && section == "fonts" && editor.nameIs("font") { firstFont = false }
        if editor.depth == 1 { section = "" }
      case .text: continue
      case .eof:
        padIncompletePart()
        signatures = Array(repeating: nil, count: xfs.count)
        return
      }
    }
  }

  /// Makes up what an incomplete styles part lacks (a part with no cellXfs, one fill, no
  /// fonts…): the entries every style index before ours relies on, as Excel assumes them.
  private func padIncompletePart() {
    if fontCount == 0 {
      padding["fonts"] = (1, Self.defaultFont)
      fontCount = 1
    }
    if fillCount < 2 {
      let reserved = ["none", "gray125"][fillCount...].map {
        "<fill><patternFill patternType=\"\($0)\"/></fill>"
      }
      padding["fills"] = (reserved.count, reserved.joined())
      fillXMLs += reserved
      fillCount = 2
    }
    if borderCount == 0 {
      padding["borders"] = (1, "<border><left/><right/><top/><bottom/><diagonal/></border>")
      borderCount = 1
    }
    if cellStyleXfCount == 0 {
      padding["cellStyleXfs"] = (
        1, "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>"
      )
      cellStyleXfCount = 1
    }
    if !sections.contains("cellStyles") {
      padding["cellStyles"] = (1, "<cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/>")
    }
    if xfs.isEmpty {
      let xf = "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
      padding["cellXfs"] = (1, xf)
      xfs = [Array(Self.prefixed(xf, prefix).utf8)]
    }
  }

  /// The schema's order of the styles sheet's sections (ECMA-376 CT_Stylesheet).
  private static let sectionOrder = [
    "numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
    "tableStyles", "colors", "extLst",
  ]

  var results: ResultsStyles {
    let base = xfs.count
    return ResultsStyles(
      bold: base, fill: [.error: base + 1, .finding: base + 2, .warning: base + 3],
      header: base + 4, link: base + 5, wrap: base + 6)
  }

  private static let ourColors = Severity.allCases.map { color($0.fill) }

  /// The style a cell had before a mark of ours, given the one it has: itself when its fill is
  /// not ours; else the style that differs from it only in the fill (one whose fill is not ours),
  /// or failing that a copy of it with no fill.
  func unmarked(_ xf: Int) throws -> Int {
    guard xf >= 0, xf < xfs.count, let fill = fillID(xfs[xf]), ourFills.contains(fill) else {
      return xf
    }
    let own = try signature(xf)
    for other in xfs.indices where other != xf {
      guard let f = fillID(xfs[other]), !ourFills.contains(f) else { continue }
      if try signature(other) == own { return other }
    }
    return index(Key(xf: xf, fill: .index(0)))
  }

  /// The fill of a style as text, when it has one (not none, not ours): what a later round needs
  /// to give the cell its fill back.
  func fill(of xf: Int) -> String? {
    guard xf >= 0, xf < xfs.count, let f = fillID(xfs[xf]), f > 0, f < fillXMLs.count,
      !ourFills.contains(f)
    else { return nil }
    return fillXMLs[f]
  }

  /// The style a cell marked by us had, given the one it has and the fill recorded for it: the
  /// style that differs from it only in having that fill (made when there is none). A style
  /// whose fill is not ours (the submitter changed it) is kept.
  func restoring(_ xf: Int, fill xml: String) throws -> Int {
    guard xf >= 0, xf < xfs.count, let current = fillID(xfs[xf]), ourFills.contains(current)
    else { return xf }
    let f: Int
    if let existing = fillXMLs.indices.first(where: {
      fillXMLs[$0] == xml && !ourFills.contains($0)
    }) {
      f = existing
      let own = try signature(xf)
      for other in xfs.indices where fillID(xfs[other]) == f {
        if try signature(other) == own { return other }
      }
    } else if let added = restoredFills.firstIndex(of: xml) {
      f = fillCount + 4 + added
    } else {
      restoredFills.append(xml)
      f = fillCount + 4 + restoredFills.count - 1
    }
    return index(Key(xf: xf, fill: .index(f)))
  }

  private func fillID(_ xf: [UInt8]) -> Int? {
    let text = String(decoding: xf.prefix { $0 != UInt8(ascii: ">") }, as: UTF8.self)
    guard let r = text.firstRange(of: "fillId=\"") else { return 0 }
    return Int(text[r.upperBound...].prefix { $0 != "\"" })
  }

  private func signature(_ xf: Int) throws -> [UInt8] {
    if let s = signatures[xf] { return s }
    let editor = XMLEditor(bytes: xfs[xf], part: "xf")
    _ = try editor.next()
    var s = try editor.attributes().filter {
      $0.localName != "fillId" && $0.localName != "applyFill"
    }
    .sorted { $0.name < $1.name }.flatMap { Array("\($0.name)=\($0.value);".utf8) }
    let tagEnd = editor.raw.count
    s += xfs[xf].dropFirst(tagEnd)
    signatures[xf] = s
    return s
  }

  /// The style index a marked cell gets, given its own and its severity.
  func restyle(_ xf: Int, _ severity: Severity) -> Int {
    index(Key(xf: xf < xfs.count && xf >= 0 ? xf : 0, fill: .severity(severity)))
  }

  private func index(_ key: Key) -> Int {
    if let index = marked[key] { return index }
    let index = xfs.count + 7 + order.count
    marked[key] = index
    order.append(key)
    return index
  }

  private static let severities: [Severity] = [.error, .finding, .warning]

  /// The patched part.
  func patched() throws -> [UInt8] {
    let fills = Dictionary(
      uniqueKeysWithValues: Self.severities.enumerated().map { ($1, fillCount + $0) })
    let headerFill = fillCount + 3
    let (bold, link) = (fontCount, fontCount + 1)
    var newFonts =
      "<font><b/><sz val=\"\(fontSize)\"/><name val=\"\(xmlText(fontName))\"/></font>"
    newFonts +=
      "<font><u/><sz val=\"\(fontSize)\"/><color rgb=\"FF0563C1\"/><name val=\"\(xmlText(fontName))\"/></font>"
    var newFills = ""
    for severity in Self.severities { newFills += Self.fill(severity.fill) }
    newFills += Self.fill(0xD9E1F2)
    func xf(font: Int = 0, fill: Int = 0, extra: String = "", body: String = "") -> String {
      "<xf numFmtId=\"0\" fontId=\"\(font)\" fillId=\"\(fill)\" borderId=\"0\" xfId=\"0\"\(extra)"
        + (body.isEmpty ? "/>" : ">\(body)</xf>")
    }
    var newXfs = xf(font: bold, extra: " applyFont=\"1\"")
    for severity in Self.severities {
      newXfs += xf(fill: fills[severity]!, extra: " applyFill=\"1\"")
    }
    newXfs += xf(font: bold, fill: headerFill, extra: " applyFont=\"1\" applyFill=\"1\"")
    newXfs += xf(font: link, extra: " applyFont=\"1\"")
    newXfs += xf(
      extra: " applyAlignment=\"1\"", body: "<alignment vertical=\"top\" wrapText=\"1\"/>")
    var copies = ""
    for key in order {
      let fill =
        switch key.fill {
        case .severity(let severity): fills[severity]!
        case .index(let index): index
        }
      copies += String(decoding: try Self.refilled(xfs[key.xf], fill: fill), as: UTF8.self)
    }
    // Each section's additions: its total count, and what is appended to it — what an
    // incomplete part lacked and what is made here (its elements prefixed as the part's are),
    // then the copies of the part's own xfs (already so).
    func addition(_ section: String, count: Int, _ made: String, copies: String = "") -> (
      Int, String
    ) {
      let pad = padding[section]
      return (count, Self.prefixed((pad?.xml ?? "") + made, prefix) + copies)
    }
    let added = [
      "fonts": addition("fonts", count: fontCount + 2, newFonts),
      "fills": addition(
        "fills", count: fillCount + 4 + restoredFills.count, newFills + restoredFills.joined()),
      "borders": addition("borders", count: borderCount, ""),
      "cellStyleXfs": addition("cellStyleXfs", count: cellStyleXfCount, ""),
      "cellXfs": addition("cellXfs", count: xfs.count + 7 + order.count, newXfs, copies: copies),
      "cellStyles": addition("cellStyles", count: 1, ""),
    ].filter { !$0.value.1.isEmpty }
    let p = prefix.isEmpty ? "" : prefix + ":"
    /// A section the part lacks, whole.
    func whole(_ section: String) -> [UInt8] {
      let (count, xml) = added[section]!
      return Array("<\(p)\(section) count=\"\(count)\">\(xml)</\(p)\(section)>".utf8)
    }
    var missing = Self.sectionOrder.filter { added[$0] != nil && !sections.contains($0) }
    /// The missing sections that go before `section` (all of them for nil: the part's end).
    func missingBefore(_ section: String?) -> [UInt8] {
      let limit = section.flatMap { Self.sectionOrder.firstIndex(of: $0) } ?? Int.max
      let due = missing.filter { Self.sectionOrder.firstIndex(of: $0)! < limit }
      missing.removeAll { due.contains($0) }
      return due.flatMap(whole)
    }

    let editor = XMLEditor(bytes: source, part: "styles")
    var appended: Set<String> = []  // present sections that were self-closing, written whole
    while true {
      switch try editor.next() {
      case .start:
        if editor.depth == 1 && editor.isSelfClosing {
          var open = editor.raw
          open.removeLast(2)
          try editor.replace(
            with: open + Array(">".utf8) + missingBefore(nil) + Array("</\(p)styleSheet>".utf8))
          continue
        }
        guard editor.depth == 2 else { continue }
        let before = missingBefore(editor.name)
        if !before.isEmpty { try editor.insert(before) }
        guard let (count, xml) = added[editor.name] else { continue }
        if editor.isSelfClosing {
          var open = try editor.rawSettingAttribute("count", to: String(count))
          open.removeLast(2)
          appended.insert(editor.name)
          try editor.replace(with: open + Array(">\(xml)</\(p)\(editor.name)>".utf8))
        } else {
          try editor.replace(with: try editor.rawSettingAttribute("count", to: String(count)))
        }
      case .end:
        if editor.depth == 1, !appended.contains(editor.name), let (_, xml) = added[editor.name] {
          try editor.insert(xml)
        } else if editor.depth == 0 {
          let rest = missingBefore(nil)
          if !rest.isEmpty { try editor.insert(rest) }
        }
      case .text: continue
      case .eof:
        try editor.finish()
        return editor.output
      }
    }
  }

  /// Adds a namespace prefix to the elements of generated styles XML (unprefixed).
  private static func prefixed(_ xml: String, _ prefix: String) -> String {
    guard !prefix.isEmpty else { return xml }
    return xml.replacing("</", with: "\u{1}").replacing("<", with: "<\(prefix):")
      .replacing("\u{1}", with: "</\(prefix):")
  }

  /// Takes a namespace prefix off the elements of styles XML.
  private static func unprefixed(_ xml: String, _ prefix: String) -> String {
    guard !prefix.isEmpty else { return xml }
    return xml.replacing("</\(prefix):", with: "</").replacing("<\(prefix):", with: "<")
  }

  private static func color(_ rgb: UInt32) -> String {
    let hex = String(rgb, radix: 16, uppercase: true)
    return "FF" + String(repeating: "0", count: 6 - hex.count) + hex
  }

  private static func fill(_ rgb: UInt32) -> String {
    let color = color(rgb)
    return "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"\(color)\"/>"
      + "<bgColor indexed=\"64\"/></patternFill></fill>"
  }

  /// A copy of an `xf` element with `fillId` and `applyFill="1"` set; the rest as it was.
  private static func refilled(_ xf: [UInt8], fill: Int) throws -> [UInt8] {
    try XMLEditor.settingAttributes([("fillId", String(fill)), ("applyFill", "1")], in: xf)
  }

  /// Excel's default font, what cells show with when a package has none.
  private static let defaultFont =
    "<font><sz val=\"11\"/><color theme=\"1\"/><name val=\"Calibri\"/><family val=\"2\"/>"
    + "<scheme val=\"minor\"/></font>"

  /// For a package that has no styles part: an empty one, completed as any incomplete part is
  /// (``padIncompletePart()``: Excel's defaults, what its cells show with).
  private static let minimal =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    + "<styleSheet xmlns=\"\(PackagePatcher.mainNamespace)\"></styleSheet>"
}
