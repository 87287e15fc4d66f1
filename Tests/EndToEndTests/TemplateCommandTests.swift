import Foundation
import Testing
import XLSXTestSupport

/// `pipeline template` as a data office runs it: the file it writes, where it writes it by
/// default, a configured policy in its 填报说明, and usage errors.
@Suite struct TemplateCommandTests {
  static let sheets = ["填报说明", "工作站信息", "进站研究生", "站长及专家", "成果", "补助发放"]

  func run(_ arguments: [String]) async throws -> RunResult {
    try await runProcess(try TestLocations.pipelineBinary.get(), arguments, timeout: 60)
  }

  /// The workbook at `path` as `pipeline dump --format json` reads it: sheet name → cells.
  func dump(_ path: String) async throws -> [(name: String, cells: [String: Any])] {
    let result = try await run(["dump", path, "--format", "json"])
    try #require(result.exitCode == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
    let json = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
    let sheets = try #require(json["sheets"] as? [[String: Any]])
    return sheets.map { ($0["name"] as? String ?? "", $0["cells"] as? [String: Any] ?? [:]) }
  }

  @Test func writesTheTemplateWhereToldAndExitsZero() async throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let out = dir.url.appendingPathComponent("模板.xlsx").path
    let result = try await run(["template", "--out", out])
    #expect(result.exitCode == 0)
    #expect(String(decoding: result.stdout, as: UTF8.self).contains(out))
    let sheets = try await dump(out)
    #expect(sheets.map(\.name) == Self.sheets)
    let students = try #require(sheets.first { $0.name == "进站研究生" }?.cells)
    #expect(students["A1"] as? String == "学号")
    #expect(students["L1"] as? String == "安全教育")
    let info = try #require(sheets.first { $0.name == "工作站信息" }?.cells)
    #expect(info["A2"] as? String == "工作站编号")
    // Nothing but the template in the folder: written atomically, no temporary left behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["模板.xlsx"])
  }

  /// Checked as it is, the blank template has only what is missing from it: empty required
  /// values and no heads — never a structural issue (sheet, header, unknown column).
  @Test func theBlankTemplateIsStructurallyValid() async throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let out = dir.url.appendingPathComponent("blank.xlsx").path
    #expect(try await run(["template", "--out", out]).exitCode == 0)
    let result = try await run(["check", out, "--format", "json"])
    #expect(result.exitCode == 1)
    let entries = try #require(
      try JSONSerialization.jsonObject(with: result.stdout) as? [[String: Any]])
    let issues = try #require(entries.first?["issues"] as? [[String: Any]])
    let rules = Set(issues.compactMap { $0["rule"] as? String })
    #expect(rules == ["CELL-001", "MEN-003"])
  }

  @Test func writesTheDefaultNameInTheCurrentFolder() async throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let binary = try TestLocations.pipelineBinary.get()
    // Run from `dir`: `runProcess` has no working-directory option, so through the shell.
    let result = try await runProcess(
      URL(fileURLWithPath: "/bin/sh"),
      ["-c", "cd \"$1\" && exec \"$2\" template", "sh", dir.url.path, binary.path],
      timeout: 60)
    #expect(result.exitCode == 0)
    let written = dir.url.appendingPathComponent("工作站年度数据模板.xlsx").path
    #expect(FileManager.default.fileExists(atPath: written))
    #expect(try await dump(written).map(\.name) == Self.sheets)
  }

  @Test func theInstructionsFollowTheConfiguredPolicy() async throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let config = dir.url.appendingPathComponent("pipeline.json")
    try Data(#"{"policy": {"minimumMonthlySubsidy": {"博士": 1800, "硕士": 900}}}"#.utf8).write(
      to: config)
    let out = dir.url.appendingPathComponent("t.xlsx").path
    #expect(try await run(["template", "--config", config.path, "--out", out]).exitCode == 0)
    let instructions = try #require(try await dump(out).first { $0.name == "填报说明" }?.cells)
    let text = instructions.values.compactMap {
      ($0 as? String)?.trimmingCharacters(in: .whitespaces)
    }.joined()
    #expect(text.contains("博士每人每月 1800 元"))
    #expect(text.contains("硕士每人每月 900 元"))
    #expect(!text.contains("1000 元"))
  }

  @Test(arguments: [
    ["template", "extra.xlsx"], ["template", "--out"], ["template", "--format", "json"],
  ])
  func usageErrorsExitTwo(arguments: [String]) async throws {
    let result = try await run(arguments)
    #expect(result.exitCode == 2)
    #expect(String(decoding: result.stderr, as: UTF8.self).contains("pipeline template"))
  }

  @Test func anUnwritablePlaceIsAnIOError() async throws {
    let result = try await run(["template", "--out", "/nonexistent/folder/t.xlsx"])
    #expect(result.exitCode == 2)
    #expect(!result.stderr.isEmpty)
  }

  @Test func theUsageNamesTheCommand() async throws {
    let result = try await run(["--help"])
    #expect(
      String(decoding: result.stdout, as: UTF8.self).contains(
        "pipeline template [--out F] [--config F]"))
  }
}
