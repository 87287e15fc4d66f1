import Foundation
import Model
import Pipeline
import Testing
import XLSXReading
import XLSXTestSupport

@testable import XLSXWriting

/// A real spreadsheet program opens every output without repair: LibreOffice (headless) opens
/// the annotated workbook, the summary, `status.xlsx` and the blank templates and saves each
/// again as .xlsx, and what it saved holds the same sheets, in the same order, with the same
/// values in the same cells as what we wrote (read both with our reader: numbers within 1e-9
/// relative, dates compared as serials, text exactly).
///
/// LibreOffice must be installed: `make test` installs it (`make test-deps`,
/// libreoffice-calc-nogui). Without `soffice` on PATH these tests fail; they never skip.
/// One conversion per output, one after another (each LibreOffice gets its own profile).
@Suite(.serialized) struct LibreOfficeTests {
  @Test func theAnnotatedWorkbookOfASubmissionWithManyIssuesOpens() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let source = Self.broken().build()
    let entry = Checker(configuration: Configuration()).check(bytes: source, name: "broken.xlsx")
    try #require(entry.issues.count >= 10, "the submission should have many issues")
    #expect(Set(entry.issues.map(\.severity)) == Set(Severity.allCases))
    let path = dir.url.appendingPathComponent("broken.annotated.xlsx").path
    try AnnotatedWorkbook.write(
      source: try Workbook(bytes: source), issues: entry.issues,
      frozenRows: ["进站研究生": 1, "站长及专家": 1, "成果": 1, "补助发放": 1], to: path)
    try expectSameAfterLibreOffice(path, in: dir)
  }

  /// The patched copy (the submitter's own package, SPEC §6) of a hand-styled submission with a
  /// comment, an image, merged cells and the rest, and of the many-issue submission.
  @Test func thePatchedCopiesOpen() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let styled = dir.url.appendingPathComponent("styled.annotated.xlsx").path
    try PackagePatcher.write(
      bytes: StyledSubmission.build(), issues: StyledSubmission.issues, limits: ReaderLimits(),
      to: styled)
    try expectSameAfterLibreOffice(styled, in: dir)

    let source = Self.broken().build()
    let entry = Checker(configuration: Configuration()).check(bytes: source, name: "broken.xlsx")
    let broken = dir.url.appendingPathComponent("broken.annotated.xlsx").path
    try PackagePatcher.write(
      bytes: source, issues: entry.issues, limits: ReaderLimits(), to: broken)
    try expectSameAfterLibreOffice(broken, in: dir)
  }

  @Test func theSummaryOpens() throws {
    try expectOpens("summary.xlsx") {
      try SummaryWorkbook.write(rows: SummaryWorkbookTests.rows, to: $0)
    }
  }

  @Test func theStatusOpens() throws {
    try expectOpens("status.xlsx") {
      try StatusWorkbook.write(
        StatusWorkbookTests.standings, asOf: StatusWorkbookTests.asOf, to: $0)
    }
  }

  @Test func theTemplateOpens() throws {
    try expectOpens(TemplateWriter.defaultFileName) {
      try TemplateWriter.write(template: .standard, policy: .standard, to: $0)
    }
  }

  @Test func theRegisterTemplateOpens() throws {
    try expectOpens(TemplateWriter.registerFileName) {
      try TemplateWriter.writeRegister(template: .standard, policy: .standard, to: $0)
    }
  }

  // MARK: - The comparison itself

  /// What the tests above rely on: a file LibreOffice cannot open is caught (it prints an error at
  /// most, exits 0 and writes nothing).
  @Test func aFileLibreOfficeCannotOpenIsCaught() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let soffice = try #require(sofficePath, "\(sofficeMissing)")
    let path = dir.url.appendingPathComponent("garbage.xlsx").path
    try Data([0x50, 0x4B, 0x03, 0x04] + Array(repeating: 0xFF, count: 64)).write(
      to: URL(fileURLWithPath: path))
    let error = #expect(throws: ConversionFailed.self) {
      try convertWithLibreOffice(soffice, path, in: dir)
    }
    #expect(error?.description.contains("could not open") == true, "\(String(describing: error))")
  }

  /// …and that a changed value, a changed kind, a missing cell and renamed sheets all count.
  @Test func theComparisonSeesEveryKindOfDifference() {
    let a1 = { CellReference($0)! }
    let ours: [SheetCells] = [
      (
        "S",
        [
          a1("A1"): .number(1500), a1("B1"): .date(serial: 45_000), a1("C1"): .text("x "),
          a1("D1"): .number(1e15),
        ]
      )
    ]
    #expect(differences(between: ours, and: ours).isEmpty)
    var theirs = ours
    theirs[0].cells[a1("D1")] = .number(1e15 + 0.5)  // within 1e-9 relative: the same
    #expect(differences(between: ours, and: theirs).isEmpty)
    theirs[0].cells[a1("A1")] = .number(1500.001)
    theirs[0].cells[a1("B1")] = .number(45_000)
    theirs[0].cells[a1("C1")] = .text("x")
    theirs[0].cells[a1("E9")] = .text("extra")
    #expect(
      differences(between: ours, and: theirs).map { String($0.prefix(4)) } == [
        "S!A1", "S!B1", "S!C1", "S!E9",
      ])
    #expect(differences(between: ours, and: [("T", ours[0].cells)]).count == 1)
    #expect(differences(between: ours, and: ours + ours).count == 1)
  }

  // MARK: - Fixture

  /// The annotated-workbook tests' broken submission with more kinds of trouble: a 学号 typed as
  /// a number, text beginning with `=` and `+`, a line break, edge spaces, a fraction, a negative
  /// and a huge amount, a date outside the year, a duplicate payment, a person with no role.
  static func broken() -> SubmissionWorkbook {
    var w = AnnotatedWorkbookTests.broken()
    w.set("进站研究生", "A2", .number(2_022_120_345))
    w.set("进站研究生", "B3", .text("  李四 "))
    w.set("进站研究生", "E2", .text("刘教授\n王教授"))
    w.set("进站研究生", "G4", .date(2025, 1, 1))
    w.set("进站研究生", "I4", .number(1499.995))
    w.set("站长及专家", "B5", .empty)
    w.set("站长及专家", "C4", .text("+工程师"))
    w.set("成果", "D3", .date(2019, 12, 31))
    w.set("补助发放", "D3", .number(-1500))
    w.set("补助发放", "E4", .number(1.0 / 3))
    w.set("补助发放", "E6", .number(123_456_789_012.5))
    w.appendRow("补助发放", w.row("补助发放", 2))
    w.set("工作站信息", "B15", .text("二十万"))
    return w
  }
}

// MARK: - LibreOffice

/// Where `soffice` is on PATH, if it is.
let sofficePath = ExternalProgram.find("soffice")

/// What a test says when there is no LibreOffice: never a skip, a failure saying what to do.
let sofficeMissing =
  "LibreOffice (`soffice`) is not on PATH: run `make test-deps` (it installs "
  + "libreoffice-calc-nogui); these tests open every output in a real spreadsheet program"

/// The longest one conversion may take before LibreOffice is killed.
private let conversionTimeLimit: Double = 120

/// Writes an output to a file named `name` in a fresh folder (`write` takes its path), then
/// compares it after LibreOffice as ``expectSameAfterLibreOffice(_:in:sourceLocation:)`` does.
private func expectOpens(
  _ name: String, sourceLocation: SourceLocation = #_sourceLocation,
  write: (String) throws -> Void
) throws {
  let dir = try TemporaryDirectory()
  defer { dir.remove() }
  let path = dir.url.appendingPathComponent(name).path
  try write(path)
  try expectSameAfterLibreOffice(path, in: dir, sourceLocation: sourceLocation)
}

/// Has LibreOffice open `path` and save it again as .xlsx, then compares what it saved with the
/// original, cell for cell.
private func expectSameAfterLibreOffice(
  _ path: String, in dir: TemporaryDirectory, sourceLocation: SourceLocation = #_sourceLocation
) throws {
  let soffice = try #require(sofficePath, "\(sofficeMissing)", sourceLocation: sourceLocation)
  // A failed conversion is thrown: the test fails with the reason and LibreOffice's output.
  let resaved = try convertWithLibreOffice(soffice, path, in: dir)
  let original = try sheets(of: path)
  #expect(
    original.contains { !$0.cells.isEmpty }, "the output has no cells",
    sourceLocation: sourceLocation)
  let differences = try differences(between: original, and: sheets(of: resaved))
  let shown = differences.prefix(20).joined(separator: "\n")
  #expect(
    differences.isEmpty,
    "\(differences.count) differences after LibreOffice saved \(path):\n\(shown)",
    sourceLocation: sourceLocation)
}

/// How `other` differs from `original`: sheet names and order, then every cell of every sheet.
private func differences(between original: [SheetCells], and other: [SheetCells]) -> [String] {
  guard original.map(\.name) == other.map(\.name) else {
    return ["sheets: ours \(original.map(\.name)), theirs \(other.map(\.name))"]
  }
  var differences: [String] = []
  for (mine, theirs) in zip(original, other) {
    for ref in Set(mine.cells.keys).union(theirs.cells.keys).sorted() {
      let (a, b) = (mine.cells[ref], theirs.cells[ref])
      if let a, let b, same(a, b) { continue }
      differences.append(
        "\(mine.name)!\(ref.a1): ours \(a.map(String.init(describing:)) ?? "empty"), "
          + "theirs \(b.map(String.init(describing:)) ?? "empty")")
    }
  }
  return differences
}

/// Whether two values are the same to a spreadsheet: same kind; numbers, dates and durations
/// within 1e-9 relative (a date by its serial), text and the rest exactly.
private func same(_ a: CellValue, _ b: CellValue) -> Bool {
  func close(_ x: Double, _ y: Double) -> Bool {
    x == y || abs(x - y) <= 1e-9 * max(abs(x), abs(y))
  }
  switch (a, b) {
  case (.number(let x), .number(let y)), (.date(let x), .date(let y)),
    (.duration(let x), .duration(let y)):
    return close(x, y)
  default:
    return a == b
  }
}

private typealias SheetCells = (name: String, cells: [CellReference: CellValue])

/// Every sheet of a workbook in order, with its cells.
private func sheets(of path: String) throws -> [SheetCells] {
  let workbook = try Workbook(path: path)
  return try workbook.sheets.indices.map { index in
    var cells: [CellReference: CellValue] = [:]
    try workbook.forEachRow(inSheet: index) { row in
      for cell in row.cells { cells[cell.reference] = cell.value }
    }
    return (workbook.sheets[index].name, cells)
  }
}

/// Why LibreOffice gave back no file.
struct ConversionFailed: Error, CustomStringConvertible {
  var description: String
}

/// Runs `soffice --headless --convert-to xlsx` on `path` with a profile of its own, killed (with
/// everything it started) past the time limit; returns the path of the file LibreOffice saved
/// (in `dir`'s `libreoffice` folder, under the same name).
func convertWithLibreOffice(
  _ soffice: String, _ path: String, in dir: TemporaryDirectory
) throws -> String {
  let log = dir.url.appendingPathComponent("soffice.log").path
  guard let resaved = try convertWithLibreOffice(soffice, [path], in: dir)[0] else {
    throw ConversionFailed(
      description:
        "LibreOffice could not open \(path) (it saved nothing); its output:\n"
        + ExternalProgram.contents(log))
  }
  return resaved
}

/// The same for several files in one LibreOffice (each must have a name of its own, and goes to
/// `dir`'s folder `into`); the time limit grows with their number. Nil for each file LibreOffice
/// could not open.
func convertWithLibreOffice(
  _ soffice: String, _ paths: [String], in dir: TemporaryDirectory,
  into folder: String = "libreoffice"
) throws -> [String?] {
  let outDir = dir.url.appendingPathComponent(folder, isDirectory: true).path
  try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
  // A profile per conversion: two LibreOffice instances on one profile would hand the work to
  // each other (or refuse to start).
  let profile = "/tmp/lo-profile-\(UUID().uuidString)"
  defer { try? FileManager.default.removeItem(atPath: profile) }
  let log = dir.url.appendingPathComponent("soffice.log").path
  let arguments =
    [
      soffice, "-env:UserInstallation=file://\(profile)", "--headless", "--norestore",
      "--convert-to", "xlsx", "--outdir", outDir,
    ] + paths
  let code: Int32
  do {
    code = try ExternalProgram.run(
      arguments, output: log, timeLimit: conversionTimeLimit * Double(max(1, paths.count / 10)))
  } catch let failure as ExternalProgram.Failed {
    throw ConversionFailed(description: "converting \(paths): \(failure.description)")
  }
  guard code == 0 else {
    throw ConversionFailed(
      description:
        "soffice exited \(code) on \(paths); its output:\n\(ExternalProgram.contents(log))")
  }
  // A file LibreOffice cannot open is reported on its output at most, with status 0: it is known
  // by the file it did not write.
  return paths.map { path in
    let resaved = URL(fileURLWithPath: outDir)
      .appendingPathComponent(
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent + ".xlsx"
      )
      .path
    return FileManager.default.fileExists(atPath: resaved) ? resaved : nil
  }
}
