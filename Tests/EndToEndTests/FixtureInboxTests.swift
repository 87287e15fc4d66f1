import Foundation
import Model
import Store
import Testing

/// The shipped inbox against its contract, `fixtures/inbox/EXPECTED.md`: every file's status and
/// its complete issue list (rule, severity, sheet, cell), nothing more and nothing less.
@Suite struct FixtureInboxTests {
  static let inbox = TestLocations.packageRoot.appendingPathComponent("fixtures/inbox")

  struct Expectation {
    var status: String
    var issues: [String] = []
  }

  /// `## file` sections with `status: **…**` and `| file | rule | severity | sheet | cell | why |`
  /// rows.
  static func expectations() throws -> [String: Expectation] {
    let text = try String(contentsOf: inbox.appendingPathComponent("EXPECTED.md"), encoding: .utf8)
    var result: [String: Expectation] = [:]
    var current: String?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("## ") {
        current = String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces)
      } else if let file = current, line.hasPrefix("status: **"),
        let end = line.dropFirst(10).firstIndex(of: "*")
      {
        result[file] = Expectation(
          status: String(line[line.index(line.startIndex, offsetBy: 10)..<end]))
      } else if line.hasPrefix("| "), let file = current {
        let cols = line.split(separator: "|", omittingEmptySubsequences: false).map {
          $0.trimmingCharacters(in: .whitespaces)
        }
        guard cols.count >= 7, cols[1] == file else { continue }
        result[file]?.issues.append(key(cols[2], cols[3], cols[4], cols[5]))
      }
    }
    return result
  }

  static func key(_ rule: String, _ severity: String, _ sheet: String?, _ cell: String?) -> String {
    "\(rule) \(severity) \(sheet ?? "-")!\(cell ?? "-")"
  }

  /// `pipeline run` over a copy of the shipped inbox (exit 0 expected).
  static func shippedInboxRun() async throws -> RunCommandTests.Setup {
    var files: [String: [UInt8]] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: inbox.path)
    where name.hasSuffix(".xlsx") {
      files[name] = Array(try Data(contentsOf: inbox.appendingPathComponent(name)))
    }
    let setup = try RunCommandTests.Setup(files)
    #expect(try await setup.run().exitCode == 0)
    return setup
  }

  @Test func everyFixtureGivesExactlyItsExpectedIssues() async throws {
    let expected = try Self.expectations()
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.inbox.path)
      .filter { $0.hasSuffix(".xlsx") }.sorted()
    #expect(Set(files) == Set(expected.keys), "EXPECTED.md and the folder list different files")
    let result = try await runProcess(
      try TestLocations.pipelineBinary.get(),
      ["check", "--format", "json"] + files.map { Self.inbox.appendingPathComponent($0).path },
      timeout: 120)
    #expect(result.exitCode == 1)  // the invalid files are rejected
    let entries = try #require(
      try JSONSerialization.jsonObject(with: result.stdout) as? [[String: Any]])
    for entry in entries {
      let file = try #require(entry["file"] as? String)
      let want = try #require(expected[file], "\(file) has no section in EXPECTED.md")
      #expect(entry["status"] as? String == want.status, "\(file)")
      let got = (entry["issues"] as? [[String: Any]] ?? []).map {
        Self.key(
          $0["rule"] as! String, $0["severity"] as! String, $0["sheet"] as? String,
          $0["cell"] as? String)
      }
      #expect(got.sorted() == want.issues.sorted(), "\(file)")
    }
  }

  /// The store `pipeline run` fills from the shipped inbox passes SQLite's own check with exactly
  /// `ok` (SPEC §8), its outcomes' students included.
  @Test func theStoreOfTheShippedInboxPassesSQLitesIntegrityCheck() async throws {
    let setup = try await Self.shippedInboxRun()
    defer { setup.dir.remove() }
    let store = try Store(path: setup.store.path)
    defer { try? store.close() }
    #expect(try store.integrityCheck() == ["ok"])
    let stations = try store.stations().map(\.stationID)
    #expect(stations == ["TJMU-2021-008", "TJMU-2022-021"])
    let outcomes = try stations.flatMap { try store.outcomes(station: $0) }
    #expect(outcomes.contains { !$0.students.isEmpty })
  }

  /// Every annotated copy of the shipped inbox is its submission: `pipeline dump` of the copy
  /// and of the original differ only in the 审核结果 sheet (SPEC §6).
  @Test func dumpOfEachCopyDiffersFromItsOriginalOnlyInTheResultsSheet() async throws {
    let setup = try await Self.shippedInboxRun()
    defer { setup.dir.remove() }
    let copies = setup.outputs().filter { $0.hasSuffix(".annotated.xlsx") && !$0.hasPrefix("未识别/") }
    #expect(copies.count >= 6, "\(copies)")
    func dump(_ path: String) async throws -> [String: Any] {
      let result = try await runProcess(
        try TestLocations.pipelineBinary.get(), ["dump", path, "--format", "json"], timeout: 60)
      #expect(result.exitCode == 0, "\(path)")
      return try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
    }
    for copy in copies {
      let name =
        String(copy.split(separator: "/").last!.dropLast(".annotated.xlsx".count)) + ".xlsx"
      let original = try await dump(Self.inbox.appendingPathComponent(name).path)
      let annotated = try await dump(setup.out.appendingPathComponent(copy).path)
      let sheets = { (dump: [String: Any]) in dump["sheets"] as? [[String: Any]] ?? [] }
      let ours = sheets(annotated)
      #expect(ours.first?["name"] as? String == "审核结果", "\(copy)")
      let rest = ours.filter { $0["name"] as? String != "审核结果" }
      #expect(ours.count == rest.count + 1, "\(copy): one 审核结果")
      #expect(
        NSArray(array: rest).isEqual(to: sheets(original)),
        "\(copy): the sheets differ from \(name)")
      #expect(original["date1904"] as? Bool == annotated["date1904"] as? Bool, "\(copy)")
    }
  }

  /// Every rule of SPEC §5 but FILE-002 and the batch rules is exercised by some fixture (the
  /// register's rules of §9 need a register in the store: `StationsCommandTests` has them; the
  /// cross-year rules of §10 earlier years: `CrossYearCommandTests`).
  @Test func theFixturesCoverEveryRule() throws {
    let covered = Set(
      try Self.expectations().values.flatMap {
        $0.issues.map { String($0.split(separator: " ")[0]) }
      })
    let all = Set(RuleCatalog.entries.map(\.id)).subtracting([
      "FILE-002", "X-001", "X-002", "X-003", "STA-001", "STA-002", "STA-003", "STA-004", "STA-005",
      "Y-001", "Y-002", "Y-003", "Y-004", "Y-005", "Y-006",
    ])
    #expect(all.subtracting(covered).sorted() == [])
  }
}
