import Foundation
import Model
import Testing
import XLSXReading

@testable import Pipeline

/// A copy that cannot be written never fails the check (issue 12): the entry gets FILE-001,
/// becomes `unreadable`, and the copy is 审核结果 alone, listing every issue.
@Suite struct AnnotateFallbackTests {
  @Test func aCopyThatCannotBeWrittenIsFILE001WithTheResultsSheetAlone() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("x.annotated.xlsx").path
    let warning = Issue("STR-005", sheet: "a[b]", cell: nil, message: "未知的工作表", value: nil)
    let entry = CheckEntry(
      file: "x.xlsx", sha256: "00", stationID: "TJMU-2022-015", academicYear: "2023-2024",
      status: .accepted, issues: [warning], sheetOrder: ["a[b]"])
    // Bytes the copy cannot be made from (the checker read them; now they fail).
    let checker = Checker(configuration: Configuration())
    let result = try checker.writeAnnotated(
      entry, bytes: Array("not a workbook".utf8), frozenRows: [:], to: path)
    #expect(result.status == .unreadable)
    #expect(result.issues.map(\.rule) == ["FILE-001", "STR-005"])
    #expect(result.stationID == "TJMU-2022-015")
    let copy = try Workbook(
      bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: path))), limits: ReaderLimits())
    #expect(copy.sheets.map(\.name) == ["审核结果"])
    // Near miss: a copy that can be written leaves the entry as it was.
    let valid = try #require(
      FileManager.default.contents(
        atPath: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
          .deletingLastPathComponent().deletingLastPathComponent()
          .appendingPathComponent("fixtures/inbox/invalid-cells.xlsx").path))
    let checked = checker.check(bytes: [UInt8](valid), name: "invalid-cells.xlsx")
    let same = try checker.writeAnnotated(checked, bytes: [UInt8](valid), frozenRows: [:], to: path)
    #expect(same.status == checked.status && same.issues.count == checked.issues.count)
  }
}
