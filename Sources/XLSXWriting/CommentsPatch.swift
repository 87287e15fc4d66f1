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
  /// merged in. Returns the part and every cell that holds a comment in it.
  static func comments(existing: [UInt8]?, notes: [CellReference: String]) throws -> (
    xml: [UInt8], cells: [CellReference], added: [CellReference]
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
    var pending = notes
    var current: CellReference?  // the marked cell whose comment is open
    var textDepth: Int?
    var bareT = false  // a `<t>` directly in `<text>`: wrapped in a run

    func run(_ note: String, separated: Bool) -> String {
      "<\(prefix)r><\(prefix)t xml:space=\"preserve\">\(separated ? "\n" : "")"
        + xmlText(marker + "\n" + note) + "</\(prefix)t></\(prefix)r>"
    }
    func newComments() -> String {
      var xml = ""
      for (cell, note) in pending.sorted(by: { $0.key < $1.key }) {
        xml +=
          "<\(prefix)comment ref=\"\(cell.a1)\" authorId=\"\(ourAuthor ?? authors)\"><\(prefix)text>"
          + run(note, separated: false) + "</\(prefix)text></\(prefix)comment>"
        commented.append(cell)
        added.append(cell)
      }
      pending = [:]
      return xml
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
            with: Array("<\(prefix)commentList>\(xml)</\(prefix)commentList>".utf8))
        } else if editor.depth == 3 && editor.nameIs("comment") {
          let ref = try editor.attribute("ref").flatMap { CellReference($0) }
          if let ref {
            commented.append(ref)
            if pending[ref] != nil { current = ref }
          }
        } else if current != nil && editor.nameIs("text") {
          textDepth = editor.depth
          if editor.isSelfClosing {
            let note = pending.removeValue(forKey: current!)!
            try editor.replace(
              with: Array("<\(prefix)text>\(run(note, separated: false))</\(prefix)text>".utf8))
            current = nil
          }
        } else if let d = textDepth, editor.depth == d + 1, editor.nameIs("t") {
          bareT = true
          try editor.insert("<\(prefix)r>")
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
        } else if bareT && editor.nameIs("t") {
          // After the bare `</t>`: the run it was wrapped in closes.
          bareT = false
          try editor.replace(with: editor.raw + Array("</\(prefix)r>".utf8))
        } else if let d = textDepth, editor.depth == d - 1, editor.nameIs("text"),
          let cell = current
        {
          let note = pending.removeValue(forKey: cell)!
          try editor.insert(run(note, separated: true))
          textDepth = nil
          current = nil
        } else if editor.nameIs("comment") && editor.depth == 2 {
          current = nil
          textDepth = nil
        } else if editor.depth == 1 && editor.nameIs("commentList") {
          try editor.insert(newComments())
        }
      case .eof:
        try editor.finish()
        return (editor.output, commented, added)
      }
    }
  }

  // MARK: - VML

  /// A new VML drawing with one note shape per cell; shape ids from `1024 × block + 1`.
  static func vml(cells: [CellReference], block: Int) -> [UInt8] {
    var xml =
      "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\""
      + " xmlns:x=\"urn:schemas-microsoft-com:office:excel\">"
      + "<o:shapelayout v:ext=\"edit\"><o:idmap v:ext=\"edit\" data=\"\(block)\"/></o:shapelayout>"
      + noteShapeType
    for (i, cell) in cells.enumerated() { xml += shape(cell, id: 1024 * block + 1 + i) }
    xml += "</xml>"
    return Array(xml.utf8)
  }

  /// `existing` with note shapes for `cells` added before its closing `</xml>` (VML from Excel is
  /// not always well-formed XML, so it is not parsed: only searched).
  static func appendingShapes(to existing: [UInt8], cells: [CellReference]) -> [UInt8] {
    guard !cells.isEmpty else { return existing }
    let text = String(decoding: existing, as: UTF8.self)
    var maxID = 0
    var rest = Substring(text)
    while let r = rest.firstRange(of: "_x0000_s") {
      rest = rest[r.upperBound...]
      let digits = rest.prefix { $0.isASCII && $0.isNumber }
      maxID = max(maxID, Int(digits) ?? 0)
    }
    var added = text.contains("_x0000_t202") ? "" : noteShapeType
    for (i, cell) in cells.enumerated() { added += shape(cell, id: maxID + 1 + i) }
    guard let close = text.ranges(of: "</xml>").last else {
      return existing + Array(added.utf8)
    }
    return Array((text[..<close.lowerBound] + added + text[close.lowerBound...]).utf8)
  }

  private static let noteShapeType =
    "<v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\""
    + " path=\"m,l,21600r21600,l21600,xe\"><v:stroke joinstyle=\"miter\"/>"
    + "<v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>"

  private static func shape(_ cell: CellReference, id: Int) -> String {
    let (row, column) = (cell.row - 1, cell.column - 1)
    return "<v:shape id=\"_x0000_s\(id)\" type=\"#_x0000_t202\""
      + " style=\"position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:216pt;height:90pt;"
      + "z-index:\(id % 1024);visibility:hidden\" fillcolor=\"#ffffe1\" o:insetmode=\"auto\">"
      + "<v:fill color2=\"#ffffe1\"/><v:shadow on=\"t\" color=\"black\" obscured=\"t\"/>"
      + "<v:path o:connecttype=\"none\"/><v:textbox style=\"mso-direction-alt:auto\">"
      + "<div style=\"text-align:left\"></div></v:textbox>"
      + "<x:ClientData ObjectType=\"Note\"><x:MoveWithCells/><x:SizeWithCells/>"
      + "<x:Anchor>\(column + 1), 15, \(max(row - 1, 0)), 10, \(column + 5), 15, \(row + 5), 4</x:Anchor>"
      + "<x:AutoFill>False</x:AutoFill><x:Row>\(row)</x:Row><x:Column>\(column)</x:Column>"
      + "</x:ClientData></v:shape>"
  }
}
