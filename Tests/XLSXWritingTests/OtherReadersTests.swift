import Foundation
import Model
import Pipeline
import Testing
import XLSXReading
import XLSXTestSupport

@testable import XLSXWriting

/// The annotated copy as two other readers see it (SPEC §6): openpyxl finds every feature of the
/// styled submission unchanged (the marked cells' fills aside, and the submitter's comment kept
/// once), python-calamine every value; every copy opens in both; and the fix-and-resubmit cycle
/// through them and LibreOffice: the copy corrected with openpyxl is accepted, saved again by
/// LibreOffice too, and a second round on a LibreOffice save shows one 审核结果, no stale comment
/// or fill, and the new marks.
///
/// They run `Tests/tools/fidelity.py` with the Python of `.build/test-venv` (openpyxl, pillow,
/// python-calamine), which `make test` makes (`make test-deps`); without it they fail, saying so.
@Suite(.serialized) struct OtherReadersTests {
  @Test func openpyxlAndCalamineSeeTheStyledSubmissionUnchangedButForItsMarks() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let (original, copy) = try styledCopy(in: dir)
    let marks = try dir.write("marks.json", json(colours(of: StyledSubmission.issues)))
    let differences = try fidelity(["compare", original, copy, marks], in: dir)
    #expect(differences == "[]", "openpyxl/calamine see differences: \(differences)")
  }

  /// Our own blank template (`pipeline template`: its 46 dropdowns, formats, red headers, frozen
  /// rows) filled in with openpyxl, one cell wrong; and the styled submission as LibreOffice
  /// saves it. Each one's copy is the submission but for its marks.
  @Test func theFilledTemplateAndALibreOfficeSaveKeepEverythingButForTheirMarks() throws {
    let soffice = try #require(sofficePath, "\(sofficeMissing)")
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let template = dir.path("template.xlsx")
    try TemplateWriter.write(template: .standard, policy: .standard, to: template)
    var edits: [[Any]] = []
    var filled = SubmissionWorkbook.valid()
    filled.set("进站研究生", "I2", .text("一千五"))  // CELL-002
    filled.set("进站研究生", "G3", .empty)  // CELL-001, in a column with the template's date format
    for sheet in filled.sheets {
      for (r, row) in sheet.rows.enumerated() {
        for (c, cell) in row.enumerated() where cell != .empty {
          edits.append([sheet.name, CellReference(row: r + 1, column: c + 1)!.a1, value(cell)])
        }
      }
    }
    let submission = dir.path("filled.xlsx")
    try fidelity(["set", template, submission, try dir.write("edits.json", json(edits))], in: dir)
    let styled = try dir.write("styled.xlsx", StyledSubmission.build())
    let resaved = try convertWithLibreOffice(soffice, styled, in: dir)

    let checker = Checker(configuration: Configuration())
    for source in [submission, resaved] {
      let bytes = try dir.read(source)
      let issues =
        source == submission
        ? checker.check(bytes: bytes, name: "filled.xlsx").issues : StyledSubmission.issues
      try #require(issues.contains { $0.cell != nil }, "\(source): nothing to mark")
      if source == submission {
        #expect(issues.contains { $0.rule == "CELL-001" && $0.cell?.a1 == "G3" }, "\(issues)")
      }
      let copy = dir.path("copy.xlsx")
      try PackagePatcher.write(bytes: bytes, issues: issues, limits: ReaderLimits(), to: copy)
      let marks = try dir.write("marks.json", json(colours(of: issues)))
      let differences = try fidelity(["compare", source, copy, marks], in: dir)
      #expect(differences == "[]", "\(source): \(differences)")
    }
  }

  /// Every file of the wild corpus our reader reads, each sheet's first cell and a cell below
  /// its last row marked: openpyxl and python-calamine see the copy as the file but for its
  /// marks (a file openpyxl cannot open itself is counted apart), and LibreOffice opens every
  /// copy.
  @Test func everyCorpusFileComesBackAsItselfButForItsMarks() throws {
    let soffice = try #require(sofficePath, "\(sofficeMissing)")
    let corpus = packageRoot.deletingLastPathComponent()
      .appendingPathComponent("shared/corpus/wild/files", isDirectory: true)
    let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path)
      .filter { $0.lowercased().hasSuffix(".xlsx") || $0.lowercased().hasSuffix(".xlsm") }.sorted()
    try #require(!names.isEmpty, "no corpus in \(corpus.path)")
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var jobs: [[Any]] = []
    var patched = 0
    var notPatched: [String] = []
    for (n, name) in names.enumerated() {
      let bytes = try dir.read(corpus.appendingPathComponent(name).path)
      guard let workbook = try? Workbook(bytes: bytes) else { continue }  // refused: FILE-001/002
      var issues: [Model.Issue] = []
      for (index, sheet) in workbook.sheets.enumerated() where sheet.kind == .worksheet {
        var first: CellReference?
        var last = 0
        try? workbook.forEachRow(inSheet: index, verifyFirst: false) { row in
          if first == nil { first = row.cells.first?.reference }
          last = row.index
        }
        for cell in [first, CellReference(row: last + 2, column: 2)].compactMap({ $0 }) {
          issues.append(Model.Issue("CELL-002", sheet: sheet.name, cell: cell, message: "标记。"))
        }
      }
      let copy = dir.path("\(n).annotated.xlsx")
      do {
        try PackagePatcher.write(bytes: bytes, issues: issues, limits: ReaderLimits(), to: copy)
      } catch {
        // Not patched (the rebuilt copy would be written, saying so in 审核结果): counted here.
        notPatched.append("\(name) (\(error))")
        continue
      }
      patched += 1
      let marks = try dir.write("\(n).marks.json", json(colours(of: issues)))
      jobs.append([corpus.appendingPathComponent(name).path, copy, marks])
    }
    let output = try fidelity(["compare-many", try dir.write("jobs.json", json(jobs))], in: dir)
    let results = try #require(
      try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
      "\(output.prefix(2000))")
    var compared = 0
    for (file, result) in results.sorted(by: { $0.key < $1.key }) {
      guard let differences = result as? [String] else { continue }  // openpyxl cannot open it
      compared += 1
      #expect(
        differences.isEmpty,
        "\(URL(fileURLWithPath: file).lastPathComponent): \(differences.prefix(8))")
    }
    print(
      "[corpus copies] \(patched) patched, \(compared) compared with openpyxl and calamine; "
        + "rebuilt instead: \(notPatched.joined(separator: ", "))")
    #expect(compared >= 40)
    // One LibreOffice for all the copies: each one it cannot open is a failure, unless it cannot
    // open the original either (a package as broken as poi__49609's, which our reader forgives).
    let copies = jobs.map { $0[1] as! String }
    let opened = try convertWithLibreOffice(soffice, copies, in: dir, into: "copies")
    let failed = zip(jobs, opened).filter { $0.1 == nil }.map { $0.0[0] as! String }
    let originals =
      failed.isEmpty ? [] : try convertWithLibreOffice(soffice, failed, in: dir, into: "originals")
    for (original, resaved) in zip(failed, originals) {
      #expect(resaved == nil, "LibreOffice opens \(original) but not its copy")
    }
    print(
      "[corpus copies] LibreOffice opened \(opened.count - failed.count) of \(opened.count) copies")
  }

  /// …and the comparison itself sees a difference: the original against a copy of a copy with a
  /// cell's value changed and a mark not told.
  @Test func theComparisonSeesAChangedValueAndAnUnexpectedFill() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let (original, copy) = try styledCopy(in: dir)
    let edits = try dir.write("edits.json", json([["数据", "A3", "王五"]]))
    let edited = dir.path("edited.xlsx")
    try fidelity(["set", copy, edited, edits], in: dir)
    var told = colours(of: StyledSubmission.issues)
    told["数据"]?["B3"] = nil
    let marks = try dir.write("marks.json", json(told))
    let differences = try fidelity(["compare", original, edited, marks], in: dir)
    #expect(differences.contains("数据!A3 value"), "\(differences)")
    #expect(differences.contains("数据!B3 fill"), "\(differences)")
  }

  @Test func everyKindOfCopyOpensInOpenpyxlAndCalamine() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let source = LibreOfficeTests.broken().build()
    let checker = Checker(configuration: Configuration())
    let issues = checker.check(bytes: source, name: "broken.xlsx").issues
    let patched = dir.path("broken.annotated.xlsx")
    try AnnotatedWorkbook.write(bytes: source, issues: issues, to: patched)
    let rebuilt = dir.path("rebuilt.annotated.xlsx")
    try AnnotatedWorkbook.write(source: try Workbook(bytes: source), issues: issues, to: rebuilt)
    let unreadable = dir.path("unreadable.annotated.xlsx")
    let unread = checker.check(bytes: Array("not a workbook".utf8), name: "x.xlsx")
    try AnnotatedWorkbook.writeUnreadable(file: "x.xlsx", issues: unread.issues, to: unreadable)
    let sheets = try Workbook(bytes: source).sheets.count + 1  // and 审核结果
    for (path, sheets) in [(patched, sheets), (rebuilt, sheets), (unreadable, 1)] {
      #expect(try fidelity(["open", path], in: dir) == "{\"sheets\": \(sheets)}", "\(path)")
    }
  }

  // MARK: - Fix and resubmit

  /// The copy corrected with openpyxl is accepted, and so is that file saved again by
  /// LibreOffice.
  @Test func theCopyCorrectedWithOpenpyxlIsAcceptedAndStillSoAfterLibreOffice() throws {
    let soffice = try #require(sofficePath, "\(sofficeMissing)")
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let checker = Checker(configuration: Configuration())
    let source = AnnotatedWorkbookTests.broken().build()
    let copy = dir.path("t.annotated.xlsx")
    try AnnotatedWorkbook.write(
      bytes: source, issues: checker.check(bytes: source, name: "t.xlsx").issues, to: copy)
    let valid = SubmissionWorkbook.valid()
    let edits =
      AnnotatedWorkbookTests.brokenCells.map { [$0.0, $0.1, value(valid[$0.0, $0.1])] }
      + [["remove-sheet", "备注"]]
    let corrected = dir.path("corrected.xlsx")
    try fidelity(["set", copy, corrected, try dir.write("edits.json", json(edits))], in: dir)
    for path in [corrected, try convertWithLibreOffice(soffice, corrected, in: dir)] {
      let entry = checker.check(bytes: try dir.read(path), name: "t.xlsx")
      #expect(entry.issues.map(\.rule) == [], "\(path)")
      #expect(entry.status == .accepted, "\(path)")
    }
  }

  /// Round two on a copy partly corrected with openpyxl and saved by LibreOffice (which renumbers
  /// styles and rewrites comments and drawings its own way): one 审核结果, first; the corrected
  /// cells without our fill or comment, the submitter's comment kept once; the cells still or
  /// newly at issue marked.
  @Test func aSecondRoundOnALibreOfficeSaveShowsOnlyTheNewMarks() throws {
    let soffice = try #require(sofficePath, "\(sofficeMissing)")
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let checker = Checker(configuration: Configuration())
    // The styled submission's first round, then 数据!B3 (CELL-002) corrected and 数据!A3 newly
    // at issue; C3, D3 and B7 still are.
    let first = dir.path("styled.annotated.xlsx")
    try PackagePatcher.write(
      bytes: StyledSubmission.build(), issues: StyledSubmission.issues, limits: ReaderLimits(),
      to: first)
    let edited = dir.path("styled-edited.xlsx")
    try fidelity(
      ["set", first, edited, try dir.write("edits.json", json([["数据", "B3", 1600.5]]))], in: dir)
    let resaved = try convertWithLibreOffice(soffice, edited, in: dir)
    let issues =
      StyledSubmission.issues.filter { $0.cell?.a1 != "B3" }
      + [Model.Issue("CELL-003", sheet: "数据", cell: CellReference("A3"), message: "不是允许的取值。")]
    let second = dir.path("styled-2.annotated.xlsx")
    try PackagePatcher.write(
      bytes: try dir.read(resaved), issues: issues, limits: ReaderLimits(), to: second)

    let seen = try cells(second, in: dir)
    #expect(seen.sheets == [AnnotatedWorkbook.resultsSheetName, "数据", "说明", "隐藏"])
    let data = seen.cells["数据"] ?? [:]
    let marked = colours(of: issues)["数据"] ?? [:]
    for (a1, colour) in marked {
      #expect(
        data[a1]?.fill == String(colour.suffix(6)), "数据!\(a1): \(String(describing: data[a1]))")
      #expect(
        data[a1]?.comment?.components(separatedBy: CommentsPatch.marker).count == 2,
        "数据!\(a1): \(String(describing: data[a1]?.comment))")
    }
    // B3: corrected, its fill and our comment gone, the submitter's comment kept once.
    #expect(data["B3"]?.fill == nil, "\(String(describing: data["B3"]))")
    let b3 = data["B3"]?.comment ?? ""
    #expect(b3.contains("提交人的说明") && !b3.contains(CommentsPatch.marker), "\(b3)")
    #expect(b3.components(separatedBy: "提交人的说明").count == 2, "\(b3)")
    // No other cell of any sheet but 审核结果 carries a fill or a comment of ours.
    for (sheet, found) in seen.cells where sheet != AnnotatedWorkbook.resultsSheetName {
      for (a1, cell) in found where sheet != "数据" || marked[a1] == nil {
        #expect(
          !Self.ourFills.contains(cell.fill ?? "")
            && !(cell.comment ?? "").contains(CommentsPatch.marker),
          "\(sheet)!\(a1): \(cell)")
      }
    }
    // The record survived LibreOffice: the copy is accepted as the submission it is.
    let entry = checker.check(bytes: try dir.read(second), name: "styled.xlsx")
    #expect(entry.issues.allSatisfy { $0.sheet != AnnotatedWorkbook.resultsSheetName })
  }

  // MARK: - Helpers

  static let ourFills: Set<String> = Set(Severity.allCases.map(hex))
}

/// The styled submission and its annotated copy, written in `dir`: their paths.
private func styledCopy(in dir: TemporaryDirectory) throws -> (original: String, copy: String) {
  let original = try dir.write("styled.xlsx", StyledSubmission.build())
  let copy = dir.path("styled.annotated.xlsx")
  try PackagePatcher.write(
    bytes: StyledSubmission.build(), issues: StyledSubmission.issues, limits: ReaderLimits(),
    to: copy)
  return (original, copy)
}

/// Each marked cell's expected fill (ARGB), by sheet: its most severe issue's.
private func colours(of issues: [Model.Issue]) -> [String: [String: String]] {
  var worst: [String: [String: Severity]] = [:]
  for issue in issues {
    guard let sheet = issue.sheet, let cell = issue.cell else { continue }
    worst[sheet, default: [:]][cell.a1] = min(
      worst[sheet]?[cell.a1] ?? issue.severity, issue.severity)
  }
  return worst.mapValues { $0.mapValues { "FF" + hex($0) } }
}

/// A severity's fill as six hex digits (`FFC7CE`).
private func hex(_ severity: Severity) -> String {
  let digits = String(severity.fill, radix: 16, uppercase: true)
  return String(repeating: "0", count: 6 - digits.count) + digits
}

/// A baseline value as fidelity.py's edits give it.
private func value(_ v: SubmissionWorkbook.Value) -> Any {
  switch v {
  case .text(let s): s
  case .number(let x): x
  case .date(let y, let m, let d): ["date", y, m, d]
  case .empty: NSNull()
  }
}

private func json(_ value: Any) throws -> [UInt8] {
  [UInt8](try JSONSerialization.data(withJSONObject: value))
}

/// What openpyxl sees of a workbook's fills and comments (fidelity.py cells).
private struct SeenCells {
  struct Cell: CustomStringConvertible {
    var fill: String?
    var comment: String?
    var description: String {
      "fill \(fill ?? "none"), comment \(comment.map { "\"\($0)\"" } ?? "none")"
    }
  }
  var sheets: [String]
  var cells: [String: [String: Cell]]
}

private func cells(_ path: String, in dir: TemporaryDirectory) throws -> SeenCells {
  let output = try fidelity(["cells", path], in: dir)
  let object = try #require(
    try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
  let sheets = object["sheets"] as? [String] ?? []
  var cells: [String: [String: SeenCells.Cell]] = [:]
  for (sheet, found) in object["cells"] as? [String: [String: [String: Any]]] ?? [:] {
    cells[sheet] = found.mapValues {
      SeenCells.Cell(fill: $0["fill"] as? String, comment: $0["comment"] as? String)
    }
  }
  return SeenCells(sheets: sheets, cells: cells)
}

/// The package's root, from this file's place in it.
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

/// Runs `Tests/tools/fidelity.py` with `arguments` under the test venv's Python; returns the
/// JSON it printed (a failure, with its traceback, when it exits non-zero).
@discardableResult
private func fidelity(_ arguments: [String], in dir: TemporaryDirectory) throws -> String {
  let python = packageRoot.appendingPathComponent(".build/test-venv/bin/python").path
  try #require(
    FileManager.default.isExecutableFile(atPath: python),
    "no \(python): run `make test-deps` (it makes the venv with openpyxl, pillow and python-calamine)"
  )
  let script = packageRoot.appendingPathComponent("Tests/tools/fidelity.py").path
  let output = dir.path("fidelity-\(UUID().uuidString).out")
  let code = try ExternalProgram.run([python, script] + arguments, output: output, timeLimit: 120)
  let text = ExternalProgram.contents(output)
  guard code == 0 else {
    throw ExternalProgram.Failed("fidelity.py \(arguments[0]) exited \(code):\n\(text)")
  }
  // Its answer is its last line (a library may print a note of its own before it).
  return text.split(separator: "\n").last.map(String.init) ?? ""
}

extension TemporaryDirectory {
  fileprivate func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  fileprivate func write(_ name: String, _ bytes: [UInt8]) throws -> String {
    let path = path(name)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  fileprivate func read(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
  }
}
