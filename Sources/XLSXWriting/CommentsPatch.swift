import Model
import XLSXReading

/// The comments of one marked sheet (SPEC §6): the sheet's own comments part with ours merged in
/// (a cell's existing comment kept, our text added after it as a run of its own), and the legacy
/// VML drawing that makes Excel, WPS and LibreOffice show them.
enum CommentsPatch {
  /// The author of our comments.
  static let author = "审核"
  /// The first line of our text in a comment, by which a later round finds it.
  static let marker = "【审核】"

  /// The comments part: `existing` (nil when the sheet has none) with `notes` (cell → our text)
  /// merged in, our text of an earlier round taken out first (a comment that held only ours
  /// goes, unless the cell is marked again). Returns the part, every cell that holds a comment
  /// in it, the cells whose comment is new, and those whose comment went.
  static func comments(existing: [UInt8]?, notes: [CellReference: String]) throws -> (
    xml: [UInt8], cells: [CellReference], added: [CellReference], removed: [CellReference]
  ) {
    let source =
      existing
      ?? Array(
        ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          + "<comments xmlns=\"\(PackagePatcher.mainNamespace)\"><authors/><commentList/></comments>")
          .utf8)
    let editor = XMLEditor(bytes: source, part: "comments")
    var prefix = ""
    var authors = 0
    var ourAuthor: Int?
    var inAuthor = false
    var authorText = ""
    var commented: [CellReference] = []
    var added: [CellReference] = []
    var removed: [CellReference] = []
    var pending = notes

    func newComments() -> [UInt8] {
      var xml = XMLBytes(capacity: pending.count * 400)
      for (cell, note) in pending.sorted(by: { $0.key < $1.key }) {
        xml.raw("<")
        xml.raw(prefix)
        xml.raw("comment ref=\"")
        xml.cell(cell)
        xml.raw("\" authorId=\"")
        xml.number(ourAuthor ?? authors)
        xml.raw("\"><")
        xml.raw(prefix)
        xml.raw("text>")
        run(note, prefix: prefix, separated: false, into: &xml)
        xml.raw("</")
        xml.raw(prefix)
        xml.raw("text></")
        xml.raw(prefix)
        xml.raw("comment>")
        commented.append(cell)
        added.append(cell)
      }
      pending = [:]
      return xml.bytes
    }
    func ourAuthorXML() -> String { "<\(prefix)author>\(author)</\(prefix)author>" }

    while true {
      switch try editor.next() {
      case .start:
        if editor.depth == 1 {
          prefix = editor.prefix.isEmpty ? "" : editor.prefix + ":"
        } else if editor.depth == 2 && editor.nameIs("authors") && editor.isSelfClosing {
          ourAuthor = 0
          try editor.replace(
            with: Array("<\(prefix)authors>\(ourAuthorXML())</\(prefix)authors>".utf8))
        } else if editor.depth == 3 && editor.nameIs("author") {
          inAuthor = true
          authorText = ""
        } else if editor.depth == 2 && editor.nameIs("commentList") && editor.isSelfClosing {
          let xml = newComments()
          try editor.replace(
            with: Array("<\(prefix)commentList>".utf8) + xml + Array("</\(prefix)commentList>".utf8)
          )
        } else if editor.depth == 3 && editor.nameIs("comment") {
          let ref = try editor.attribute("ref").flatMap { CellReference($0) }
          let note = ref.flatMap { pending.removeValue(forKey: $0) }
          let element = try editor.takeElement()
          if let merged = try merge(element, note: note, prefix: prefix) {
            try editor.insert(merged)
            if let ref { commented.append(ref) }
          } else if let ref {
            removed.append(ref)
          }
        }
      case .text:
        if inAuthor { authorText += try editor.text() }
      case .end:
        if inAuthor && editor.nameIs("author") {
          if authorText == author { ourAuthor = authors }
          authors += 1
          inAuthor = false
        } else if editor.depth == 1 && editor.nameIs("authors") {
          if ourAuthor == nil {
            ourAuthor = authors
            try editor.insert(ourAuthorXML())
          }
        } else if editor.depth == 1 && editor.nameIs("commentList") {
          try editor.insert(newComments())
        }
      case .eof:
        try editor.finish()
        return (editor.output, commented, added, removed)
      }
    }
  }

  /// One `<comment>` with our text of an earlier round taken out and `note` (when given) added
  /// after what is left; nil when nothing is left.
  ///
  /// Our text always ends a comment and opens with the marker: everything from the marker on
  /// goes, wherever the runs split it. (A re-save by LibreOffice or openpyxl regroups the runs
  /// by font: the submitter's text and our marker can end up in one run, our text in several.)
  private static func merge(_ comment: [UInt8], note: String?, prefix: String) throws -> [UInt8]? {
    let editor = XMLEditor(bytes: comment, part: "comment")
    while true {
      switch try editor.next() {
      case .start where editor.depth == 2 && editor.nameIs("text"):
        let text = editor.isSelfClosing ? [] : try editor.takeElement()
        if editor.isSelfClosing { try editor.replace(with: []) }
        guard let merged = try mergedText(text, note: note, prefix: prefix) else { return nil }
        try editor.insert(merged)
      case .eof:
        try editor.finish()
        return editor.output
      default: continue
      }
    }
  }

  /// A `<text>` element (its bytes; empty for none) with our text cut off and `note` added; nil
  /// when no text is left and there is no note.
  private static func mergedText(_ element: [UInt8], note: String?, prefix: String) throws
    -> [UInt8]?
  {
    let pieces = element.isEmpty ? TextPieces() : try TextPieces(element)
    let full = pieces.items.map(\.text).joined()
    var kept: [UInt8] = []
    var keptText = full
    if let marked = full.utf8.firstRange(of: marker.utf8) {
      var cut = full.utf8.distance(from: full.utf8.startIndex, to: marked.lowerBound)
      if cut > 0, full.utf8[full.utf8.index(full.utf8.startIndex, offsetBy: cut - 1)] == 0x0A {
        cut -= 1  // the line break we put before our text
      }
      keptText = String(full.utf8.prefix(cut))!
      var consumed = 0
      for item in pieces.items where consumed < cut {
        let count = item.text.utf8.count
        if consumed + count <= cut && (note == nil || item.isRun) {
          kept += item.raw
        } else {
          kept += item.xml(text: String(item.text.utf8.prefix(cut - consumed))!, prefix: prefix)
        }
        consumed += count
      }
    } else {
      for item in pieces.items {
        // A bare <t> cannot stand beside our run: it becomes a run of its own.
        kept += note == nil || item.isRun ? item.raw : item.xml(text: item.text, prefix: prefix)
      }
    }
    guard !keptText.isEmpty || note != nil else { return nil }
    var xml = XMLBytes()
    xml.raw("<")
    xml.raw(prefix)
    xml.raw("text>")
    xml.raw(kept)
    if let note { run(note, prefix: prefix, separated: !keptText.isEmpty, into: &xml) }
    xml.raw(pieces.tail)
    xml.raw("</")
    xml.raw(prefix)
    xml.raw("text>")
    return xml.bytes
  }

  /// The children of a comment's `<text>`: its runs (or bare `<t>`) in order, each with its
  /// characters, and what follows them (phonetic runs and properties), kept as it is.
  private struct TextPieces {
    struct Item {
      var raw: [UInt8]
      var isRun: Bool
      /// A run's properties, as they are.
      var properties: [UInt8]
      /// Its characters, XML entities decoded (SpreadsheetML's `_xHHHH_` left as written).
      var text: String

      /// The item as a run holding `text`, with its own properties.
      func xml(text: String, prefix: String) -> [UInt8] {
        var xml = XMLBytes()
        xml.raw("<")
        xml.raw(prefix)
        xml.raw("r>")
        xml.raw(properties)
        xml.raw("<")
        xml.raw(prefix)
        xml.raw("t xml:space=\"preserve\">")
        // Read from the part: its `_xHHHH_` are as written, only XML's specials are escaped.
        xml.text(text, spreadsheetEscapes: false)
        xml.raw("</")
        xml.raw(prefix)
        xml.raw("t></")
        xml.raw(prefix)
        xml.raw("r>")
        return xml.bytes
      }
    }
    var items: [Item] = []
    var tail: [UInt8] = []

    init() {}

    init(_ element: [UInt8]) throws {
      let editor = XMLEditor(bytes: element, part: "comment text")
      while true {
        switch try editor.next() {
        case .start where editor.depth == 2 && (editor.nameIs("r") || editor.nameIs("t")):
          let isRun = editor.nameIs("r")
          let raw = try editor.captureElement()
          let (properties, text) = try Self.parts(raw, isRun: isRun)
          items.append(Item(raw: raw, isRun: isRun, properties: properties, text: text))
        case .start where editor.depth == 2:
          tail += try editor.captureElement()
        case .eof: return
        default: continue
        }
      }
    }

    /// A run's properties and characters (a bare `<t>`'s characters).
    private static func parts(_ raw: [UInt8], isRun: Bool) throws -> ([UInt8], String) {
      let editor = XMLEditor(bytes: raw, part: "comment run")
      var properties: [UInt8] = []
      var text = ""
      var inT = !isRun
      while true {
        switch try editor.next() {
        case .start where isRun && editor.depth == 2 && editor.nameIs("rPr"):
          properties = try editor.captureElement()
        case .start where isRun && editor.depth == 2 && editor.nameIs("t"):
          inT = !editor.isSelfClosing
        case .end where isRun && editor.depth == 1 && editor.nameIs("t"):
          inT = false
        case .text where inT:
          text += try editor.text()
        case .eof: return (properties, text)
        default: continue
        }
      }
    }
  }

  /// The cells whose comment holds our text (of an earlier round).
  static func cellsWithOurText(_ xml: [UInt8]) throws -> Set<CellReference> {
    let editor = XMLEditor(bytes: xml, part: "comments")
    var cells: Set<CellReference> = []
    while true {
      switch try editor.next() {
      case .start where editor.depth == 3 && editor.nameIs("comment"):
        let ref = try editor.attribute("ref").flatMap { CellReference($0) }
        let comment = try editor.captureElement()
        if let ref, String(decoding: comment, as: UTF8.self).contains(marker) { cells.insert(ref) }
      case .eof: return cells
      default: continue
      }
    }
  }

  /// Our text as a run of its own, opening with the marker.
  private static func run(
    _ note: String, prefix: String, separated: Bool, into xml: inout XMLBytes
  ) {
    xml.raw("<")
    xml.raw(prefix)
    xml.raw("r><")
    xml.raw(prefix)
    xml.raw("t xml:space=\"preserve\">")
    if separated { xml.raw("\n") }
    xml.text(marker + "\n" + note)
    xml.raw("</")
    xml.raw(prefix)
    xml.raw("t></")
    xml.raw(prefix)
    xml.raw("r>")
  }

  // MARK: - VML

  /// A new VML drawing with one note shape per cell; shape ids from `1024 × block + 1`.
  static func vml(cells: [CellReference], block: Int) -> [UInt8] {
    var xml = XMLBytes(capacity: 1024 + cells.count * 700)
    xml.raw(
      "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\""
        + " xmlns:x=\"urn:schemas-microsoft-com:office:excel\">"
        + "<o:shapelayout v:ext=\"edit\"><o:idmap v:ext=\"edit\" data=\"\(block)\"/></o:shapelayout>"
        + noteShapeType)
    for (i, cell) in cells.enumerated() { shape(cell, id: 1024 * block + 1 + i, into: &xml) }
    xml.raw("</xml>")
    return xml.bytes
  }

  /// `existing` with the note shapes of `removing` taken out and note shapes for `cells` added
  /// before its closing `</xml>` (VML from Excel is not always well-formed XML, so it is not
  /// parsed: only searched).
  static func appendingShapes(
    to existing: [UInt8], cells: [CellReference], removing: [CellReference] = []
  ) -> [UInt8] {
    guard !cells.isEmpty || !removing.isEmpty else { return existing }
    var text = String(decoding: existing, as: UTF8.self)
    if !removing.isEmpty { text = removingShapes(text, Set(removing)) }
    var maxID = 0
    var rest = Substring(text)
    while let r = rest.firstRange(of: "_x0000_s") {
      rest = rest[r.upperBound...]
      let digits = rest.prefix { $0.isASCII && $0.isNumber }
      maxID = max(maxID, Int(digits) ?? 0)
    }
    var added = XMLBytes()
    if !text.contains("_x0000_t202") { added.raw(noteShapeType) }
    for (i, cell) in cells.enumerated() { shape(cell, id: maxID + 1 + i, into: &added) }
    guard let close = text.ranges(of: "</xml>").last else {
      return existing + added.bytes
    }
    return Array(text[..<close.lowerBound].utf8) + added.bytes
      + Array(text[close.lowerBound...].utf8)
  }

  /// The text without the note shapes anchored at `cells`.
  private static func removingShapes(_ text: String, _ cells: Set<CellReference>) -> String {
    var out = ""
    var rest = Substring(text)
    while let open = rest.firstRange(of: "<v:shape ") {
      out += rest[..<open.lowerBound]
      guard let close = rest[open.upperBound...].firstRange(of: "</v:shape>") else { break }
      let shape = rest[open.lowerBound..<close.upperBound]
      rest = rest[close.upperBound...]
      func number(_ tag: String) -> Int? {
        guard let r = shape.firstRange(of: "<x:\(tag)>") else { return nil }
        return Int(shape[r.upperBound...].prefix { $0 != "<" }.filter { !$0.isWhitespace })
      }
      if shape.contains("ObjectType=\"Note\""), let row = number("Row"),
        let column = number("Column"),
        let cell = CellReference(row: row + 1, column: column + 1), cells.contains(cell)
      {
        continue
      }
      out += shape
    }
    return out + rest
  }

  private static let noteShapeType =
    "<v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\""
    + " path=\"m,l,21600r21600,l21600,xe\"><v:stroke joinstyle=\"miter\"/>"
    + "<v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>"

  private static let shapeMiddle = Array(
    (";visibility:hidden\" fillcolor=\"#ffffe1\" o:insetmode=\"auto\"><v:fill color2=\"#ffffe1\"/>"
      + "<v:shadow on=\"t\" color=\"black\" obscured=\"t\"/><v:path o:connecttype=\"none\"/>"
      + "<v:textbox style=\"mso-direction-alt:auto\"><div style=\"text-align:left\"></div></v:textbox>"
      + "<x:ClientData ObjectType=\"Note\"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>").utf8)

  private static func shape(_ cell: CellReference, id: Int, into xml: inout XMLBytes) {
    let (row, column) = (cell.row - 1, cell.column - 1)
    xml.raw("<v:shape id=\"_x0000_s")
    xml.number(id)
    xml.raw(
      "\" type=\"#_x0000_t202\" style=\"position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:216pt;height:90pt;z-index:"
    )
    xml.number(id % 1024)
    xml.raw(shapeMiddle)
    for (i, n) in [column + 1, 15, max(row - 1, 0), 10, column + 5, 15, row + 5, 4].enumerated() {
      if i > 0 { xml.raw(", ") }
      xml.number(n)
    }
    xml.raw("</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>")
    xml.number(row)
    xml.raw("</x:Row><x:Column>")
    xml.number(column)
    xml.raw("</x:Column></x:ClientData></v:shape>")
  }
}
