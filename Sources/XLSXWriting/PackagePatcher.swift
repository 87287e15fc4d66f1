import Basics
import Dispatch
import Model
import Synchronization
import XLSXReading

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The annotated copy as the submitter's own package, patched (SPEC §6): every entry marking
/// does not need is copied as its compressed bytes; `[Content_Types].xml`, the workbook part and
/// its relationships, the styles, `docProps/app.xml`, the worksheets holding a marked cell (with
/// their relationships, comments and VML drawings) are rewritten through the tokenizer, every
/// byte not edited copied; a `审核结果` worksheet is added first (an earlier one replaced).
enum PackagePatcher {
  static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
  static let relationshipsNamespace =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
  private static let packageRelationshipsNamespace =
    "http://schemas.openxmlformats.org/package/2006/relationships"

  /// Why a package cannot be patched safely: the rebuilt copy is written instead.
  struct CannotPatch: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
  }

  /// Writes the patched copy of the package `bytes` to `path` (atomically).
  static func write(
    bytes: [UInt8], issues: [Issue], summary: String? = nil, limits: ReaderLimits,
    to path: String
  ) throws {
    let package = try ZipPackage(bytes: bytes, limits: limits)
    var plan = try Plan(package: package, path: path)
    plan.bytes = bytes
    defer { plan.removeTemporaries() }
    try plan.patch(issues: issues, summary: summary ?? AnnotatedWorkbook.summary(issues))
    try plan.write(to: path)
  }

  // MARK: - Relationships

  struct Relationship {
    var id: String
    var type: String
    var target: String
    var external: Bool
    /// The type's last segment (`worksheet`, `comments`, …).
    var kind: String { type.split(separator: "/").last.map(String.init) ?? type }
  }

  static func relationships(_ bytes: [UInt8]?) throws -> [Relationship] {
    guard let bytes else { return [] }
    let editor = XMLEditor(bytes: bytes, part: "rels")
    var result: [Relationship] = []
    while true {
      switch try editor.next() {
      case .start where editor.nameIs("Relationship"):
        guard let id = try editor.attribute("Id"), let type = try editor.attribute("Type"),
          let target = try editor.attribute("Target")
        else { continue }
        let external = try editor.attribute("TargetMode")?.lowercased() == "external"
        result.append(Relationship(id: id, type: type, target: target, external: external))
      case .eof: return result
      default: continue
      }
    }
  }

  /// A relationships part with `added` appended and the ids in `removed` left out (a new part
  /// when `bytes` is nil).
  static func relationships(
    _ bytes: [UInt8]?, adding added: [Relationship], removing removed: Set<String> = []
  ) throws -> [UInt8] {
    let source =
      bytes
      ?? Array(
        ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          + "<Relationships xmlns=\"\(packageRelationshipsNamespace)\"></Relationships>").utf8)
    let editor = XMLEditor(bytes: source, part: "rels")
    var prefix = ""
    func xml() -> String {
      added.map {
        "<\(prefix)Relationship Id=\"\(xmlText($0.id))\" Type=\"\(xmlText($0.type))\" Target=\"\(xmlText($0.target))\"/>"
      }.joined()
    }
    while true {
      switch try editor.next() {
      case .start where editor.depth == 1:
        prefix = editor.prefix.isEmpty ? "" : editor.prefix + ":"
        if editor.isSelfClosing {
          var open = editor.raw
          open.removeLast(2)
          try editor.replace(with: open + Array(">\(xml())</\(prefix)Relationships>".utf8))
        }
      case .start where editor.nameIs("Relationship"):
        if let id = try editor.attribute("Id"), removed.contains(id) { try editor.remove() }
      case .end where editor.depth == 0 && editor.nameIs("Relationships"):
        if !editor.raw.isEmpty { try editor.insert(xml()) }
      case .eof:
        try editor.finish()
        return editor.output
      default: continue
      }
    }
  }

  /// `rId1`, `rId2`, … : the first not in `taken` (which it joins).
  static func freshID(_ taken: inout Set<String>) -> String {
    var n = 1
    while taken.contains("rId\(n)") { n += 1 }
    taken.insert("rId\(n)")
    return "rId\(n)"
  }

  /// The relationships part of `part`.
  static func relationshipsPart(of part: String) -> String {
    let segments = part.split(separator: "/", omittingEmptySubsequences: false)
    let dir = segments.dropLast().joined(separator: "/")
    return (dir.isEmpty ? "" : dir + "/") + "_rels/" + segments.last! + ".rels"
  }

  /// The path of `part` relative to the folder of `from` (both package parts).
  static func relativeTarget(_ part: String, from: String) -> String {
    let a = from.split(separator: "/").dropLast()
    let b = part.split(separator: "/")
    var common = 0
    while common < a.count, common < b.count - 1, a[a.startIndex + common] == b[common] {
      common += 1
    }
    return (Array(repeating: "..", count: a.count - common) + b[common...].map(String.init))
      .joined(separator: "/")
  }
}

// MARK: - The plan

/// The record of the cells marked whose own style had a fill: sheet, cell, the fill as text.
final class RecordBox {
  var entries: [(sheet: String, cell: CellReference, fill: String)] = []
}

extension PackagePatcher {
  /// What is rewritten, removed and added, gathered before the archive is written in the
  /// package's own entry order.
  fileprivate struct Plan {
    let package: ZipPackage
    /// The package's bytes, for reading an earlier round's record through the reader.
    var bytes: [UInt8] = []
    let path: String
    /// Normalized part name → its new content.
    var replaced: [String: Content] = [:]
    var removed: Set<String> = []
    var added: [(name: String, content: Content)] = []
    var temporaries: [String] = []
    /// Part names taken (normalized), for naming new parts.
    var taken: Set<String>
    var contentTypes: [(part: String, type: String)] = []
    var needsVMLDefault = false

    /// A part's new content as the archive will take it: small bytes, deflated when it is
    /// written, or a large part being deflated ahead on the plan's background queue.
    enum Content {
      case bytes([UInt8])
      case deflating(DeflateJob)
    }

    /// The background queue large parts are deflated on while the rest of the copy is made
    /// (one at a time: a copy uses two threads at most).
    let deflation = DispatchQueue(label: "pipeline.patch.deflate")
    /// Parts this large and larger are deflated ahead, at zlib's fastest level.
    static let deflateAheadBytes = 1 << 20

    /// `part` as the archive will take it, its deflation started when it is large (a streamed
    /// sheet's file always is).
    mutating func ahead(_ part: ZipWriter.PartContent) -> Content {
      if case .bytes(let bytes) = part, bytes.count < Self.deflateAheadBytes {
        return .bytes(bytes)
      }
      let scratch = AtomicFile.temporaryPath(for: path, suffix: "-part")
      temporaries.append(scratch)
      return .deflating(DeflateJob(part, scratch: scratch, on: deflation))
    }

    init(package: ZipPackage, path: String) throws {
      self.package = package
      self.path = path
      taken = Set(package.entries.map { $0.name.lowercased() })
    }

    func removeTemporaries() {
      deflation.sync {}  // every job done (the queue is serial): none still writes its scratch
      for file in temporaries { unlink(file) }
    }

    func read(_ part: String) throws -> [UInt8]? { try package.read(part) }

    mutating func replace(_ part: String, _ content: ZipWriter.PartContent) {
      replaced[part.lowercased()] = ahead(content)
    }

    mutating func add(_ part: String, _ content: ZipWriter.PartContent) {
      added.append((part, ahead(content)))
    }

    /// A new part's name: `stem1.ext`, `stem2.ext`, … the first not in the package.
    mutating func newPart(_ stem: String, _ ext: String) -> String {
      var n = 1
      while taken.contains("\(stem)\(n).\(ext)".lowercased()) { n += 1 }
      let name = "\(stem)\(n).\(ext)"
      taken.insert(name.lowercased())
      return name
    }

    mutating func patch(issues: [Issue], summary: String) throws {
      // The workbook part and its sheets.
      let root = try relationships(read("_rels/.rels"))
      guard let main = root.first(where: { $0.kind == "officeDocument" && !$0.external }) else {
        throw CannotPatch("no officeDocument relationship")
      }
      let workbookPartName = normalizedWorkbookPart(main.target)
      guard let workbookXML = try read(workbookPartName) else {
        throw CannotPatch("the workbook part is missing")
      }
      if String(decoding: workbookXML.prefix(4096), as: UTF8.self).contains("purl.oclc.org/ooxml") {
        throw CannotPatch("Strict OOXML")
      }
      let workbookRelsPart = relationshipsPart(of: workbookPartName)
      let workbookRelsXML = try read(workbookRelsPart)
      let workbookRels = try relationships(workbookRelsXML)
      let sheets = try WorkbookPatch.sheets(workbookXML)
      var relIDs = Set(workbookRels.map(\.id))
      func target(_ rid: String?) -> Relationship? {
        workbookRels.first { $0.id == rid && !$0.external }
      }
      func resolve(_ rel: Relationship) -> String {
        package.resolve(rel.target, from: workbookPartName)
      }

      // An earlier 审核结果 goes (with its relationships part).
      let oldResults = sheets.firstIndex {
        $0.name == AnnotatedWorkbook.resultsSheetName && target($0.rid)?.kind == "worksheet"
      }
      var removedRels: Set<String> = []
      if let oldResults, let rel = target(sheets[oldResults].rid) {
        let part = resolve(rel)
        removed.insert(part.lowercased())
        removed.insert(relationshipsPart(of: part).lowercased())
        removedRels.insert(rel.id)
      }

      // The marks, by sheet.
      var marks: [String: [CellReference: [Issue]]] = [:]
      for issue in issues {
        guard let sheet = issue.sheet, let cell = issue.cell else { continue }
        marks[sheet, default: [:]][cell, default: []].append(issue)
      }
      let stylesRel = workbookRels.first { $0.kind == "styles" && !$0.external }
      let stylesPart = stylesRel.map(resolve)
      let styles = try StylesPatch(try stylesPart.flatMap { try read($0) })

      // What an earlier round recorded: each marked cell's own fill, by sheet and cell.
      let recorded = oldResults == nil ? [:] : ((try? readRecord()) ?? [:])
      let record = RecordBox()
      var linkable: Set<String> = []
      var vmlBlock = 100
      for (i, sheet) in sheets.enumerated() where i != oldResults {
        guard let rel = target(sheet.rid), rel.kind == "worksheet" else { continue }
        let part = resolve(rel)
        guard package.entry(part) != nil else { continue }
        linkable.insert(sheet.name)
        // The cells we marked in an earlier round: those holding a comment of ours.
        let earlier = try markedEarlier(part)
        let cells = marks[sheet.name] ?? [:]
        guard !cells.isEmpty || !earlier.isEmpty else { continue }
        try patchSheet(
          part, sheet: sheet.name, marks: cells, earlier: earlier,
          recorded: recorded[sheet.name] ?? [:], record: record, styles: styles,
          vmlBlock: vmlBlock)
        vmlBlock += 1
      }

      // 审核结果, first.
      let resultsPart = newPart(
        workbookDirectory(workbookPartName) + "worksheets/sheet", "xml")
      let resultsID = freshID(&relIDs)
      let resultsXML = ResultsSheetXML.xml(
        issues: issues, summary: summary, linkable: linkable, record: record.entries,
        styles: styles.results)
      add(resultsPart, .bytes(resultsXML))
      contentTypes.append(
        (resultsPart, "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"))
      var newWorkbookRels = [
        Relationship(
          id: resultsID, type: relationshipsNamespace + "/worksheet",
          target: relativeTarget(resultsPart, from: workbookPartName), external: false)
      ]
      replace(
        workbookPartName,
        .bytes(
          try WorkbookPatch.patched(
            workbookXML, resultsID: resultsID, removing: oldResults, sheetCount: sheets.count)))

      // The styles (a new part when the package had none).
      let stylesXML = try styles.patched()
      if let stylesPart {
        replace(stylesPart, .bytes(stylesXML))
      } else {
        let part = workbookDirectory(workbookPartName) + "styles.xml"
        taken.insert(part.lowercased())
        newWorkbookRels.append(
          addPart(
            part, .bytes(stylesXML), kind: "styles", from: workbookPartName, id: freshID(&relIDs)))
      }
      replace(
        workbookRelsPart,
        .bytes(try relationships(workbookRelsXML, adding: newWorkbookRels, removing: removedRels)))

      // docProps/app.xml's sheet titles (left as it is when it is not the usual shape).
      if oldResults == nil, let appRel = root.first(where: { $0.kind == "extended-properties" }) {
        let appPart = normalizedWorkbookPart(appRel.target)
        if let app = try read(appPart), let patched = try? AppPropertiesPatch.patched(app) {
          replace(appPart, .bytes(patched))
        }
      }

      let types = try read("[Content_Types].xml") ?? []
      replace(
        "[Content_Types].xml",
        .bytes(
          try ContentTypesPatch.patched(
            types, overrides: contentTypes, removing: removed, vmlDefault: needsVMLDefault)))
    }

    /// A package-relationships target as a part name (no leading `/`).
    private func normalizedWorkbookPart(_ target: String) -> String {
      package.resolve(target, from: "x")
    }

    private func workbookDirectory(_ part: String) -> String {
      guard let slash = part.lastIndex(of: "/") else { return "" }
      return String(part[...slash])
    }

    // MARK: - A marked sheet

    /// The cells of a sheet that hold a comment with our text of an earlier round.
    private func markedEarlier(_ part: String) throws -> Set<CellReference> {
      let rels = try relationships(read(relationshipsPart(of: part)))
      guard let rel = rels.first(where: { $0.kind == "comments" && !$0.external }),
        let xml = try read(package.resolve(rel.target, from: part)),
        String(decoding: xml, as: UTF8.self).contains(CommentsPatch.marker)
      else { return [] }
      return try CommentsPatch.cellsWithOurText(xml)
    }

    /// The record the `审核结果` of an earlier round holds in its hidden columns.
    private func readRecord() throws -> [String: [CellReference: String]] {
      let workbook = try Workbook(bytes: bytes, limits: package.limits)
      guard
        let index = workbook.sheets.firstIndex(where: {
          $0.name == AnnotatedWorkbook.resultsSheetName && $0.kind == .worksheet
        })
      else { return [:] }
      var record: [String: [CellReference: String]] = [:]
      try workbook.forEachRow(inSheet: index) { row in
        var fields: [Int: String] = [:]
        for cell in row.cells {
          if case .text(let s) = cell.value { fields[cell.reference.column] = s }
        }
        let (column, _) = ResultsSheetXML.recordColumns
        guard let sheet = fields[column], let a1 = fields[column + 1],
          let cell = CellReference(a1), let fill = fields[column + 2]
        else { return }
        record[sheet, default: [:]][cell] = fill
      }
      return record
    }

    private mutating func patchSheet(
      _ part: String, sheet: String, marks: [CellReference: [Issue]], earlier: Set<CellReference>,
      recorded: [CellReference: String], record: RecordBox, styles: StylesPatch, vmlBlock: Int
    ) throws {
      let relsPart = relationshipsPart(of: part)
      let relsXML = try read(relsPart)
      let rels = try relationships(relsXML)
      var ids = Set(rels.map(\.id))
      let vmlID = freshID(&ids)

      let ordered = Set(marks.keys).union(earlier).sorted().map {
        SheetPatch.Mark(cell: $0, severity: marks[$0]?.map(\.severity).min())
      }
      let file = AtomicFile.temporaryPath(for: path, suffix: "-sheet")
      temporaries.append(file)
      guard let out = fopen(file, "wb") else { throw CannotPatch("cannot write \(file)") }
      defer { fclose(out) }
      guard let editor = try XMLEditor(package, part: part) else {
        throw CannotPatch("\(part) is missing")
      }
      editor.drain = { (bytes) throws(XLSXError) in
        guard bytes.withUnsafeBytes({ fwrite($0.baseAddress, 1, $0.count, out) }) == bytes.count
        else { throw XLSXError(.io, "cannot write \(file)") }
      }
      let patch = SheetPatch(
        marks: ordered,
        restyle: { cell, own, severity in
          if let severity {
            // The cell's own fill, for the next round (for a cell marked again: as recorded).
            let fill = earlier.contains(cell) ? recorded[cell] : styles.fill(of: own)
            if let fill { record.entries.append((sheet, cell, fill)) }
            return styles.restyle(own, severity)
          }
          // A mark of ours from an earlier round goes: the cell's earlier style back, its fill
          // as recorded, or (no record) the style that differs from it only in our fill.
          if let fill = recorded[cell] { return try styles.restoring(own, fill: fill) }
          return try styles.unmarked(own)
        }, legacyDrawingID: vmlID)
      let existingDrawing = try patch.run(editor)
      guard fflush(out) == 0 else { throw CannotPatch("cannot write \(file)") }
      replace(part, .file(file))

      // The comments: the sheet's own, ours merged in.
      var notes: [CellReference: String] = [:]
      for (cell, issues) in marks { notes[cell] = AnnotatedWorkbook.commentText(issues) }
      var newRels: [Relationship] = []
      let commentsRel = rels.first { $0.kind == "comments" && !$0.external }
      let commentsPart = commentsRel.map { package.resolve($0.target, from: part) }
      let (commentsXML, commented, addedCells, removedCells) = try CommentsPatch.comments(
        existing: try commentsPart.flatMap { try read($0) }, notes: notes)
      if let commentsPart, package.entry(commentsPart) != nil {
        replace(commentsPart, .bytes(commentsXML))
      } else {
        newRels.append(
          addPart(
            newPart("xl/comments", "xml"), .bytes(commentsXML), kind: "comments", from: part,
            id: freshID(&ids)))
      }
      if let existingDrawing,
        let rel = rels.first(where: { $0.id == existingDrawing && !$0.external })
      {
        let vmlPart = package.resolve(rel.target, from: part)
        let vml = try read(vmlPart) ?? []
        replace(
          vmlPart,
          .bytes(CommentsPatch.appendingShapes(to: vml, cells: addedCells, removing: removedCells)))
      } else {
        needsVMLDefault = true
        newRels.append(
          addPart(
            newPart("xl/drawings/vmlDrawing", "vml"),
            .bytes(CommentsPatch.vml(cells: commented, block: vmlBlock)), kind: "vmlDrawing",
            override: false, from: part, id: vmlID))
      }
      if !newRels.isEmpty {
        let xml = try relationships(relsXML, adding: newRels)
        if relsXML == nil {
          taken.insert(relsPart.lowercased())
          add(relsPart, .bytes(xml))
        } else {
          replace(relsPart, .bytes(xml))
        }
      }
    }

    /// Adds a new part, with SpreadsheetML's `kind+xml` content type as its override (none when
    /// `override` is false: its extension's default applies), and returns the relationship to it
    /// from `source`.
    private mutating func addPart(
      _ name: String, _ content: ZipWriter.PartContent, kind: String, override: Bool = true,
      from source: String, id: String
    ) -> Relationship {
      add(name, content)
      if override {
        contentTypes.append(
          (name, "application/vnd.openxmlformats-officedocument.spreadsheetml.\(kind)+xml"))
      }
      return Relationship(
        id: id, type: relationshipsNamespace + "/" + kind,
        target: relativeTarget(name, from: source), external: false)
    }

    // MARK: - The archive

    func write(to path: String) throws {
      let writer = try ZipWriter(path: path)
      do {
        var newest = 0
        for entry in package.entries {
          newest = max(newest, entry.modified)
          let key =
            entry.name.lowercased().hasPrefix("/")
            ? String(entry.name.lowercased().dropFirst()) : entry.name.lowercased()
          if removed.contains(key) { continue }
          switch replaced[key] {
          case .bytes(let bytes)?:
            try writer.add(entry.name, bytes: bytes, modified: entry.modified)
          case .deflating(let job)?:
            try job.copy(into: writer, as: entry.name, modified: entry.modified)
          case nil: try writer.copy(entry, from: package)
          }
        }
        for (name, content) in added {
          switch content {
          case .bytes(let bytes): try writer.add(name, bytes: bytes, modified: newest)
          case .deflating(let job): try job.copy(into: writer, as: name, modified: newest)
          }
        }
        try writer.close()
      } catch {
        writer.discard()
        throw error
      }
    }
  }
}

/// A part deflated on a background queue into a single-entry zip of its own
/// (``ZipWriter/deflated(_:level:scratch:)``), copied raw into the copy when it is written. A
/// large part deflates at zlib's fastest level: a fraction of the default's time, for a
/// somewhat larger part.
final class DeflateJob: Sendable {
  private let result = Mutex<Result<ZipWriter.Deflated, WriteError>?>(nil)
  private let done = DispatchGroup()

  init(_ content: ZipWriter.PartContent, scratch: String, on queue: DispatchQueue) {
    queue.async(group: done) { [self] in
      let outcome = Result { () throws(WriteError) in
        try ZipWriter.deflated(content, level: 1, scratch: scratch)
      }
      result.withLock { $0 = outcome }
    }
  }

  /// Waits for the deflation, then copies its entry into `writer`.
  func copy(into writer: ZipWriter, as name: String, modified: Int) throws {
    done.wait()
    let part = try result.withLock { $0! }.get()
    try writer.copy(part, as: name, modified: modified)
  }
}
