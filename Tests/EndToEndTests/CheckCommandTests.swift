import Foundation
import Testing
import XLSXTestSupport

/// `pipeline check` as colleges and tools run it: the JSON entry shape, the text grouping, exit
/// statuses, and files that cannot be read.
@Suite struct CheckCommandTests {
  func run(_ arguments: [String]) async throws -> RunResult {
    try await runProcess(try TestLocations.pipelineBinary.get(), arguments, timeout: 60)
  }

  /// Writes workbooks into a fresh folder: name → bytes.
  func folder(_ files: [String: [UInt8]]) throws -> TemporaryDirectory {
    let dir = try TemporaryDirectory()
    for (name, bytes) in files { try Data(bytes).write(to: dir.url.appendingPathComponent(name)) }
    return dir
  }

  // Each workbook is its own station with its own students: checked together, the batch rules
  // (X-001…X-003) must find nothing between them.
  static func late() -> SubmissionWorkbook {
    var wb = SubmissionWorkbook.valid(station: "TJMU-2022-016", studentPrefix: "3061")
    wb.set("工作站信息", "B11", .date(2024, 7, 11))  // RPT-001, a warning
    return wb
  }

  static func rejected() -> SubmissionWorkbook {
    var wb = SubmissionWorkbook.valid(station: "TJMU-2022-017", studentPrefix: "3071")
    wb.set("工作站信息", "B14", .text("三人"))  // CELL-002 on 进站研究生人数
    return wb
  }

  @Test func jsonHasExactlyTheEntryShape() async throws {
    let dir = try folder([
      "ok.xlsx": SubmissionWorkbook.valid().build(), "late.xlsx": Self.late().build(),
      "bad.xlsx": Self.rejected().build(), "broken.xlsx": Array("not a workbook".utf8),
    ])
    defer { dir.remove() }
    let names = ["ok.xlsx", "late.xlsx", "bad.xlsx", "broken.xlsx"]
    let result = try await run(
      ["check", "--format", "json"] + names.map { dir.url.appendingPathComponent($0).path })
    #expect(result.exitCode == 1)
    let list = try #require(
      try JSONSerialization.jsonObject(with: result.stdout) as? [[String: Any]])
    #expect(list.count == 4)
    let entryKeys: Set = [
      "file", "sha256", "station_id", "academic_year", "status", "station_state", "issues",
    ]
    let issueKeys: Set = ["rule", "severity", "sheet", "cell", "message", "value"]
    for entry in list {
      #expect(Set(entry.keys) == entryKeys)
      #expect((entry["sha256"] as? String)?.count == 64)
      for issue in try #require(entry["issues"] as? [[String: Any]]) {
        #expect(Set(issue.keys) == issueKeys)
      }
    }
    #expect(list.map { $0["file"] as? String } == names)
    #expect(
      list.map { $0["status"] as? String } == ["accepted", "accepted", "rejected", "unreadable"])
    #expect(list[0]["station_id"] as? String == "TJMU-2022-015")
    #expect(list[0]["academic_year"] as? String == "2023-2024")
    #expect((list[0]["issues"] as? [Any])?.isEmpty == true)

    let late = try #require((list[1]["issues"] as? [[String: Any]])?.first)
    #expect(late["rule"] as? String == "RPT-001")
    #expect(late["severity"] as? String == "warning")
    #expect(late["sheet"] as? String == "工作站信息")
    #expect(late["cell"] as? String == "B11")
    #expect(late["value"] as? String == "2024-07-11")
    #expect((late["message"] as? String)?.contains("逾期") == true)

    let bad = try #require((list[2]["issues"] as? [[String: Any]])?.first)
    #expect(bad["rule"] as? String == "CELL-002")
    #expect(bad["cell"] as? String == "B14")
    #expect(bad["value"] as? String == "三人")

    let broken = try #require(list[3]["issues"] as? [[String: Any]])
    #expect(broken.count == 1)
    #expect(broken[0]["rule"] as? String == "FILE-001")
    #expect(broken[0]["sheet"] is NSNull)
    #expect(broken[0]["cell"] is NSNull)
    #expect(list[3]["station_id"] is NSNull)
  }

  @Test func exitStatusIsZeroOnlyWhenEveryFileIsAccepted() async throws {
    let dir = try folder([
      "ok.xlsx": SubmissionWorkbook.valid().build(), "late.xlsx": Self.late().build(),
    ])
    defer { dir.remove() }
    let ok = try await run([
      "check", dir.url.appendingPathComponent("ok.xlsx").path,
      dir.url.appendingPathComponent("late.xlsx").path,
    ])
    #expect(ok.exitCode == 0)
    let missing = try await run(["check", dir.url.appendingPathComponent("nope.xlsx").path])
    #expect(missing.exitCode == 2)
    #expect(try await run(["check"]).exitCode == 2)
    #expect(try await run(["check", "x.xlsx", "--format", "csv"]).exitCode == 2)
  }

  /// Text for people: a verdict line per file, then issues grouped by sheet in row order.
  @Test func textGroupsIssuesBySheetInRowOrder() async throws {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B14", .text("三人"))
    wb.set("工作站信息", "B11", .date(2024, 7, 11))
    wb.set("进站研究生", "L3", .text("也许"))
    let dir = try folder(["bad.xlsx": wb.build()])
    defer { dir.remove() }
    let result = try await run(["check", dir.url.appendingPathComponent("bad.xlsx").path])
    #expect(result.exitCode == 1)
    let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(
      String.init)
    #expect(lines.first?.hasPrefix("bad.xlsx：未通过") == true)
    let expectedOrder = ["【工作站信息】", "B11", "B14", "【进站研究生】", "L3"]
    var position = 0
    for line in lines where position < expectedOrder.count && line.contains(expectedOrder[position])
    {
      position += 1
    }
    #expect(position == expectedOrder.count, "\(lines)")
  }

  /// Sheet names Excel forbids (issue 12) are read as they are: the file is checked (exit 0,
  /// accepted with STR-005 on each extra sheet, named as submitted), beside a valid file.
  @Test func sheetNamesExcelForbidsAreChecked() async throws {
    let dir = try folder([
      "hostile.xlsx": SubmissionWorkbook.withExtraSheets(
        station: (id: "TJMU-2022-066", studentPrefix: "3066")
      ).build(),
      "ok.xlsx": SubmissionWorkbook.valid().build(),
    ])
    defer { dir.remove() }
    let result = try await run(
      ["check", "--format", "json"]
        + ["hostile.xlsx", "ok.xlsx"].map { dir.url.appendingPathComponent($0).path })
    #expect(result.exitCode == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
    let entries = try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [[String: Any]])
    #expect(entries.map { $0["status"] as? String } == ["accepted", "accepted"])
    let sheets = (entries[0]["issues"] as? [[String: Any]])?.compactMap { $0["sheet"] as? String }
    #expect(sheets == SubmissionWorkbook.forbiddenSheetNames)
  }
}
