import Foundation
import Model
import Store
import Testing
import XLSXReading
import XLSXTestSupport

/// `pipeline run` end to end: the outputs of SPEC §6, reruns, new versions, concurrent runs.
@Suite struct RunCommandTests {
  /// An inbox, an out folder and a configuration pointing at them (its store inside out/).
  struct Setup {
    let dir: TemporaryDirectory
    var inbox: URL { dir.url.appendingPathComponent("inbox") }
    var out: URL { dir.url.appendingPathComponent("out") }
    var config: URL { dir.url.appendingPathComponent("pipeline.json") }
    var store: URL { out.appendingPathComponent("store.sqlite") }

    init(_ files: [String: [UInt8]]) throws {
      dir = try TemporaryDirectory()
      try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
      try Data(#"{"run": {"inbox": "inbox", "out": "out", "store": "out/store.sqlite"}}"#.utf8)
        .write(to: config)
      for (name, bytes) in files { try put(name, bytes) }
    }

    func put(_ name: String, _ bytes: [UInt8], modified: Date? = nil) throws {
      let url = inbox.appendingPathComponent(name)
      try Data(bytes).write(to: url)
      if let modified {
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: url.path)
      }
    }

    func run() async throws -> RunResult {
      try await runProcess(
        try TestLocations.pipelineBinary.get(), ["run", "--config", config.path], timeout: 120)
    }

    func report() throws -> [[String: Any]] {
      try #require(
        try JSONSerialization.jsonObject(
          with: Data(contentsOf: out.appendingPathComponent("report.json")))
          as? [[String: Any]])
    }

    /// Every file under out/, relative.
    func outputs() -> [String] {
      let base = out.path + "/"
      return (FileManager.default.enumerator(atPath: out.path)?.allObjects as? [String] ?? [])
        .filter { !$0.hasPrefix("store.sqlite") && !FileManager.default.isDirectory(base + $0) }
        .sorted()
    }
  }

  static func rejected() -> SubmissionWorkbook {
    var wb = SubmissionWorkbook.valid(station: "TJMU-2022-031", studentPrefix: "3031")
    wb.set("工作站信息", "B8", .text("口腔医学院"))
    wb.set("进站研究生", "C3", .empty)  // CELL-001
    return wb
  }

  /// Accepted with a finding (SAF-001): stored, and annotated all the same.
  static func withFinding() -> SubmissionWorkbook {
    var wb = SubmissionWorkbook.valid(station: "TJMU-2022-032", studentPrefix: "3032")
    wb.set("工作站信息", "B8", .text("护理学院"))
    wb.set("进站研究生", "L3", .text("否"))  // SAF-001
    return wb
  }

  @Test func theBatchFillsOutWithWhatTheSpecLists() async throws {
    let setup = try Setup([
      "ok.xlsx": SubmissionWorkbook.valid().build(), "bad.xlsx": Self.rejected().build(),
      "finding.xlsx": Self.withFinding().build(), "broken.xlsx": Array("not a workbook".utf8),
      "~$ok.xlsx": [0, 1], "notes.txt": Array("hi".utf8),
    ])
    defer { setup.dir.remove() }
    let result = try await setup.run()
    #expect(result.exitCode == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
    #expect(
      setup.outputs()
        == [
          "report.json", "summary.xlsx", "未识别/broken.annotated.xlsx", "口腔医学院/bad.annotated.xlsx",
          "护理学院/finding.annotated.xlsx",
        ].sorted())
    let report = try setup.report()
    #expect(
      report.map { $0["file"] as? String } == [
        "bad.xlsx", "broken.xlsx", "finding.xlsx", "ok.xlsx",
      ])
    #expect(
      report.map { $0["status"] as? String } == ["rejected", "unreadable", "accepted", "accepted"])
    let finding = (report[2]["issues"] as? [[String: Any]])?.map {
      "\($0["rule"]!) \($0["severity"]!)"
    }
    #expect(finding == ["SAF-001 finding"])
    let stderr = String(decoding: result.stderr, as: UTF8.self)
    #expect(stderr.contains("[4/4]"))
    #expect(stderr.contains("共 4 个文件") && stderr.contains("finding.xlsx：通过，政策问题 1 个"))
    // Each annotated copy reads back and lists its issue, with its severity's word.
    for (copy, words) in [
      ("口腔医学院/bad.annotated.xlsx", ["CELL-001", "错误"]),
      ("护理学院/finding.annotated.xlsx", ["SAF-001", "政策问题"]),
    ] {
      let dump = try await runProcess(
        try TestLocations.pipelineBinary.get(),
        ["dump", setup.out.appendingPathComponent(copy).path],
        timeout: 30)
      let text = String(decoding: dump.stdout, as: UTF8.self)
      #expect(words.allSatisfy(text.contains), "\(copy)")
    }
    // Accepted with a finding: stored, the finding with it.
    let store = try Store(path: setup.store.path)
    defer { try? store.close() }
    #expect(try store.stations().map(\.stationID).sorted() == ["TJMU-2022-015", "TJMU-2022-032"])
    let verdicts = try store.verdicts(station: "TJMU-2022-032")
    #expect(
      verdicts.map(\.status) == [.accepted] && verdicts.first?.findings.map(\.rule) == ["SAF-001"])
  }

  @Test func aRerunGivesTheSameReportAndLeavesTheStoreUnchanged() async throws {
    let setup = try Setup([
      "ok.xlsx": SubmissionWorkbook.valid().build(), "bad.xlsx": Self.rejected().build(),
    ])
    defer { setup.dir.remove() }
    #expect(try await setup.run().exitCode == 0)
    let first = try Data(contentsOf: setup.out.appendingPathComponent("report.json"))
    let storeBefore = try Data(contentsOf: setup.store)
    let again = try await setup.run()
    #expect(again.exitCode == 0)
    #expect(try Data(contentsOf: setup.out.appendingPathComponent("report.json")) == first)
    #expect(String(decoding: again.stderr, as: UTF8.self).contains("新入库 0 份"))
    #expect(try Data(contentsOf: setup.store).count == storeBefore.count)
  }

  /// A corrected resubmission supersedes the earlier file (X-003) and becomes the store's next
  /// version; the fixed file's annotated copy disappears once it needs none.
  @Test func aNewerFileSupersedesAndIsStoredAsTheNextVersion() async throws {
    let setup = try Setup([:])
    defer { setup.dir.remove() }
    var late = SubmissionWorkbook.valid()
    late.set("工作站信息", "B17", .text("钱老师"))  // a different file, still valid
    try setup.put(
      "a-first.xlsx", SubmissionWorkbook.valid().build(),
      modified: Date(timeIntervalSince1970: 1_720_000_000))
    try setup.put(
      "b-second.xlsx", late.build(), modified: Date(timeIntervalSince1970: 1_720_100_000))
    #expect(try await setup.run().exitCode == 0)
    let report = try setup.report()
    #expect(report.map { $0["status"] as? String } == ["superseded", "accepted"])
    #expect((report[0]["issues"] as? [[String: Any]])?.first?["rule"] as? String == "X-003")
    let store = try Store(path: setup.store.path)
    defer { try? store.close() }
    let versions = try store.versions(station: "TJMU-2022-015", year: AcademicYear(startYear: 2023))
    #expect(versions.map { "\($0.version):\($0.file)" } == ["1:a-first.xlsx", "2:b-second.xlsx"])

    // The superseded file leaves the inbox: its annotated copy (X-003) goes too.
    try FileManager.default.removeItem(at: setup.inbox.appendingPathComponent("a-first.xlsx"))
    #expect(try await setup.run().exitCode == 0)
    #expect(setup.outputs() == ["report.json", "summary.xlsx"])
  }

  /// Two runs at once on one store: both finish, nothing is lost or stored twice.
  @Test func twoConcurrentRunsShareOneStore() async throws {
    var files: [String: [UInt8]] = [:]
    for i in 0..<6 {
      files["s\(i).xlsx"] = SubmissionWorkbook.valid(
        station: "TJMU-2022-10\(i)", studentPrefix: "40\(i)1"
      ).build()
    }
    let setup = try Setup(files)
    defer { setup.dir.remove() }
    async let a = setup.run()
    async let b = setup.run()
    let (ra, rb) = try await (a, b)
    #expect(ra.exitCode == 0, "\(String(decoding: ra.stderr, as: UTF8.self))")
    #expect(rb.exitCode == 0, "\(String(decoding: rb.stderr, as: UTF8.self))")
    let store = try Store(path: setup.store.path)
    defer { try? store.close() }
    #expect(try store.integrityCheck() == ["ok"])
    let stations = try store.stations()
    #expect(stations.map(\.stationID) == (0..<6).map { "TJMU-2022-10\($0)" })
    #expect(stations.allSatisfy { $0.years.map(\.version) == [1] })
  }

  /// A submission rejected only by a batch rule (X-001: a student also at another station) is not
  /// stored; the other station's is not either, as X-001 is raised in both.
  @Test func aBatchRuleRejectionIsNotStored() async throws {
    var other = SubmissionWorkbook.valid(station: "TJMU-2022-099", studentPrefix: "3099")
    other.replace("3099120345", with: "2022120345")  // 张三 at both stations, same stay
    let setup = try Setup(["a.xlsx": SubmissionWorkbook.valid().build(), "b.xlsx": other.build()])
    defer { setup.dir.remove() }
    #expect(try await setup.run().exitCode == 0)
    let report = try setup.report()
    #expect(report.map { $0["status"] as? String } == ["rejected", "rejected"])
    let store = try Store(path: setup.store.path)
    defer { try? store.close() }
    #expect(try store.stations().isEmpty)
  }

  /// Amounts given in 万元 (SPEC §8) are accepted and stored in 元.
  @Test func amountsIn万元AreStoredIn元() async throws {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "A15", .text("年度运行经费（万元）"))
    wb.set("工作站信息", "B15", .number(20))
    wb.set("工作站信息", "B16", .text("2.62万元"))
    let setup = try Setup(["wan.xlsx": wb.build()])
    defer { setup.dir.remove() }
    #expect(try await setup.run().exitCode == 0)
    #expect(try setup.report().map { $0["status"] as? String } == ["accepted"])
    let store = try Store(path: setup.store.path)
    defer { try? store.close() }
    let stored = try #require(
      try store.currentSubmission(station: "TJMU-2022-015", year: AcademicYear(startYear: 2023)))
    #expect(stored.totalFunding == Money(yuan: 200_000))
    #expect(stored.subsidyTotal == Money(yuan: 26_200))
  }

  /// A store address where a path belongs is a configuration error, as any other (exit 2, the
  /// key named on stderr), before anything is read or written.
  @Test func aStoreAddressIsAConfigurationError() async throws {
    let setup = try Setup(["ok.xlsx": SubmissionWorkbook.valid().build()])
    defer { setup.dir.remove() }
    try Data(#"{"run": {"inbox": "inbox", "out": "out", "store": "postgresql://db/reports"}}"#.utf8)
      .write(to: setup.config)
    let result = try await setup.run()
    #expect(result.exitCode == 2)
    let stderr = String(decoding: result.stderr, as: UTF8.self)
    #expect(stderr.contains("run.store") && stderr.contains("postgresql://db/reports"), "\(stderr)")
    #expect(!FileManager.default.fileExists(atPath: setup.out.path))
  }

  @Test func aMissingInboxIsAnIOError() async throws {
    let setup = try Setup([:])
    defer { setup.dir.remove() }
    try FileManager.default.removeItem(at: setup.inbox)
    #expect(try await setup.run().exitCode == 2)
  }
}

extension FileManager {
  fileprivate func isDirectory(_ path: String) -> Bool {
    var isDir: ObjCBool = false
    return fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
  }
}

/// Issue 12: one college's file never replaces another's, and one hostile file never stops the
/// batch.
@Suite struct RunCommandHostileTests {
  typealias Setup = RunCommandTests.Setup

  /// Attack: a second college's newer file for the owner's station and year (stored by an
  /// earlier run). Both are flagged, neither supersedes, and the store keeps the owner's report
  /// as the current version, the forgery nowhere.
  @Test func anotherCollegesFileForAStationSupersedesNothingAndIsNotStored() async throws {
    let setup = try Setup([:])
    defer { setup.dir.remove() }
    let owner = SubmissionWorkbook.valid()
    try setup.put("owner.xlsx", owner.build(), modified: Date(timeIntervalSince1970: 1_720_000_000))
    #expect(try await setup.run().exitCode == 0)
    var forged = SubmissionWorkbook.valid(college: "第二医院")
    forged.set("工作站信息", "B17", .text("伪造者"))
    try setup.put(
      "forged.xlsx", forged.build(), modified: Date(timeIntervalSince1970: 1_720_100_000))
    let result = try await setup.run()
    #expect(result.exitCode == 0)
    let report = try setup.report()
    #expect(report.map { $0["file"] as? String } == ["forged.xlsx", "owner.xlsx"])
    #expect(report.map { $0["status"] as? String } == ["rejected", "rejected"])
    for entry in report {
      let rules = (entry["issues"] as? [[String: Any]])?.map { "\($0["rule"]!) \($0["severity"]!)" }
      #expect(rules == ["X-003 error"])
    }
    let store = try Store(path: setup.store.path)
    defer { try? store.close() }
    let versions = try store.versions(station: "TJMU-2022-015", year: AcademicYear(startYear: 2023))
    #expect(versions.map(\.file) == ["owner.xlsx"])
    #expect(try store.verdicts(station: "TJMU-2022-015").map(\.file) == ["owner.xlsx"])
    // Each college's folder gets its own copy back.
    #expect(setup.outputs().contains("第二医院/forged.annotated.xlsx"))
    #expect(setup.outputs().contains("基础医学院/owner.annotated.xlsx"))

    // Near miss: the office withdraws the forgery; the owner's report stands alone again.
    try FileManager.default.removeItem(at: setup.inbox.appendingPathComponent("forged.xlsx"))
    #expect(try await setup.run().exitCode == 0)
    #expect(try setup.report().map { $0["status"] as? String } == ["accepted"])
  }

  /// Sheet names Excel forbids: the file is checked and annotated (the patched copy is the
  /// submitter's own package: its sheets keep the names it carries, which its formulas and
  /// defined names refer to), the valid file beside it is stored, exit 0.
  @Test func sheetNamesExcelForbidsNeverStopTheBatch() async throws {
    let hostile = SubmissionWorkbook.withExtraSheets(
      station: (id: "TJMU-2022-077", studentPrefix: "3077"))
    let setup = try Setup([
      "hostile.xlsx": hostile.build(),
      "ok.xlsx": SubmissionWorkbook.valid(station: "TJMU-2022-078", studentPrefix: "3078").build(),
    ])
    defer { setup.dir.remove() }
    let result = try await setup.run()
    #expect(result.exitCode == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
    let report = try setup.report()
    #expect(report.map { $0["status"] as? String } == ["accepted", "accepted"])
    let sheets = (report[0]["issues"] as? [[String: Any]])?.compactMap { $0["sheet"] as? String }
    #expect(sheets == SubmissionWorkbook.forbiddenSheetNames)
    let copy = setup.out.appendingPathComponent("基础医学院/hostile.annotated.xlsx")
    let workbook = try Workbook(bytes: [UInt8](Data(contentsOf: copy)), limits: ReaderLimits())
    let names = workbook.sheets.map(\.name)
    #expect(names.first == "审核结果")
    #expect(Array(names.suffix(5)) == SubmissionWorkbook.forbiddenSheetNames)
    let store = try Store(path: setup.store.path)
    defer { try? store.close() }
    #expect(try store.stations().map(\.stationID) == ["TJMU-2022-077", "TJMU-2022-078"])
    // Students' names and IDs: out/ is the office's user's alone (umask 077).
    #expect(fileMode(setup.out.path) == 0o700)
    #expect(fileMode(copy.deletingLastPathComponent().path) == 0o700)
    for file in [copy, setup.store, setup.out.appendingPathComponent("report.json")] {
      #expect(fileMode(file.path) == 0o600, "\(file.lastPathComponent)")
    }
  }
}
