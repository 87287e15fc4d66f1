import Foundation
import Testing
import XLSXTestSupport

/// `pipeline dump` as a user runs it: the shipped fixture, exit statuses, usage errors.
@Suite struct DumpCommandTests {
  static let fixture = TestLocations.packageRoot.appendingPathComponent(
    "fixtures/sample-station-2023.xlsx"
  ).path

  func run(_ arguments: [String]) async throws -> RunResult {
    let binary = try TestLocations.pipelineBinary.get()
    return try await runProcess(binary, arguments, timeout: 20)
  }

  @Test func statsCountRowsAndCellsByTypePerSheet() async throws {
    let result = try await run(["dump", Self.fixture, "--stats", "--format", "json"])
    #expect(result.exitCode == 0)
    let json = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
    let sheets = try #require(json["sheets"] as? [[String: Any]])
    #expect(sheets.map { $0["name"] as? String } == ["工作站信息", "进站研究生", "站长及专家", "成果", "补助发放"])
    let payments = try #require(sheets.last)
    #expect(payments["rows"] as? Int == 25)
    let byType = try #require(payments["cells_by_type"] as? [String: Int])
    #expect(byType["date"] == 24)
    #expect(byType["number"] == 48)
    #expect(byType["text"] == 78)
  }

  @Test func jsonHoldsTypedValuesAtTheirCells() async throws {
    let result = try await run(["dump", Self.fixture, "--format", "json"])
    #expect(result.exitCode == 0)
    let json = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
    let sheets = try #require(json["sheets"] as? [[String: Any]])
    let info = try #require(sheets.first?["cells"] as? [String: Any])
    #expect(info["B3"] as? String == "TJMU-2022-015")
    #expect((info["B9"] as? [String: String])?["date"] == "2022-09-01T00:00:00")  // 2022年9月1日
    #expect(info["B14"] as? Int == 3)
    #expect(info["A2"] == nil)  // the blank row under the title
  }

  @Test func anUnreadableFileIsARuleNotACrash() async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let bogus = dir.appendingPathComponent("report.xlsx")
    try Data("这不是工作簿".utf8).write(to: bogus)
    let json = try await run(["dump", bogus.path, "--format", "json"])
    #expect(json.exitCode == 1)
    let error = try #require(
      (try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])?["error"]
        as? [String: String])
    #expect(error["rule"] == "FILE-001")
    let text = try await run(["dump", bogus.path])
    #expect(text.exitCode == 1)
    #expect(String(decoding: text.stderr, as: UTF8.self).contains("FILE-001"))
  }

  @Test(arguments: [
    ["dump"], ["dump", "a.xlsx", "b.xlsx"], ["dump", "a.xlsx", "--format", "xml"],
    ["dump", "--frobnicate"],
    ["frobnicate"], [],
  ])
  func usageErrorsExitTwo(arguments: [String]) async throws {
    let result = try await run(arguments)
    #expect(result.exitCode == 2)
    #expect(String(decoding: result.stderr, as: UTF8.self).contains("Usage") || arguments.isEmpty)
  }

  @Test func aMissingFileIsAnIOError() async throws {
    let result = try await run(["dump", "/nonexistent/submission.xlsx"])
    #expect(result.exitCode == 2)
  }

  @Test func helpAndVersion() async throws {
    #expect(try await run(["--help"]).exitCode == 0)
    let version = try await run(["--version"])
    #expect(String(decoding: version.stdout, as: UTF8.self).hasPrefix("pipeline "))
  }
}

/// A read that fails late (a CRC error at the end of a sheet) prints the error alone: never a
/// partial dump before it.
@Suite struct DumpFailureTests {
  @Test(arguments: [["--format", "json"], ["--format", "json", "--stats"], []])
  func aLateFailurePrintsNoPartialOutput(options: [String]) async throws {
    let rows = (1...3000).map { i -> [CellSpec] in
      [.number(Double(i)), .inlineString(i == 3000 ? "LASTROW" : "row \(i)")]
    }
    var builder = XLSXBuilder(sheets: [.init(name: "S", xml: sheetXML(rows: rows))])
    builder.entryOptions = { _ in (method: .stored, dataDescriptor: false) }
    var bytes = builder.build()
    // Damage the last row's text inside the stored sheet part: only its CRC can tell.
    let marker = Array("LASTROW".utf8)
    let at = try #require(
      (0...(bytes.count - marker.count)).last { Array(bytes[$0..<($0 + marker.count)]) == marker })
    bytes[at] ^= 0x20
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let file = dir.url.appendingPathComponent("damaged.xlsx")
    try Data(bytes).write(to: file)

    let result = try await runProcess(
      try TestLocations.pipelineBinary.get(), ["dump", file.path] + options, timeout: 20)
    #expect(result.exitCode == 1)
    if options.isEmpty {
      #expect(result.stdout.isEmpty)
      #expect(String(decoding: result.stderr, as: UTF8.self).contains("FILE-001"))
    } else {
      let json = try #require(
        try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
      #expect(Set(json.keys) == ["file", "error"])
      #expect((json["error"] as? [String: String])?["rule"] == "FILE-001")
    }
  }
}
