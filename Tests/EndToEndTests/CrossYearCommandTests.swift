import Foundation
import Testing
import XLSXTestSupport

/// SPEC §10 end to end: a fourth year's report against the station's earlier accepted years in
/// the store (`pipeline run`), six planted discrepancies found at their cells, each with its near
/// miss, an untouched fourth year raising none, first-year reports raising none, a rerun raising
/// the same.
@Suite struct CrossYearCommandTests {
  typealias Stay = AssessCommandTests.Stay

  static let a = "TJMU-Y-001"
  static let b = "TJMU-Y-002"
  static let clean = "TJMU-Y-003"

  static func student(_ n: Int, _ name: String, from: (Int, Int, Int), to: (Int, Int, Int)? = nil)
    -> Stay
  {
    Stay(id: "710100000\(n)", name: name, from: from, to: to)
  }

  static let zhang = student(1, "张一", from: (2022, 9, 1))
  static let li = student(2, "李二", from: (2022, 9, 1))
  static let wang = student(3, "王三", from: (2022, 9, 1), to: (2025, 3, 31))
  static let zhao = student(4, "赵四", from: (2023, 9, 1))
  static let qian = student(5, "钱五", from: (2023, 9, 1))
  /// Listed by station B in 2023-2024 (left 2024-06-30), then by A in 2025-2026 from 2024-03-01.
  static let sun = Stay(id: "7101000009", name: "孙九", from: (2023, 9, 1), to: (2024, 6, 30))

  static let paper = ("论文", "某某靶点研究：机制与应用", "省部级", (2024, 3, 1), "7101000001")

  /// Station A's report of `year`: the students in station that year, the paper in 2023-2024.
  static func reportA(_ year: Int) -> [UInt8] {
    var stays = [zhang, li, wang].filter { year < 2025 || $0.id != wang.id }
    if year >= 2023 { stays += [zhao, qian] }
    if year == 2023 || year == 2024 {
      // 王三 left on 2025-03-31: listed with it in 2024-2025.
      stays = stays.filter { $0.id != wang.id || year <= 2024 }
    }
    return AssessCommandTests.annual(
      station: a, startYear: year, submitted: (year + 1, 7, 5), stays: stays,
      outcomes: year == 2023 ? [paper] : []
    ).build()
  }

  /// The fourth year with six discrepancies: 李二 gone without an 出站日期 (Y-001), 赵四's 进站日期
  /// moved (Y-002), 钱五 spelt 钱伍 (Y-003), the paper again with other punctuation (Y-004; the same
  /// name as a 专利 is a near miss), 孙九 overlapping station B's stay (Y-005), 认定日期 moved a day
  /// (Y-006). 王三, who left with an 出站日期 last year, is rightly absent.
  static func fourthA() -> [UInt8] {
    var zhao2 = zhao
    zhao2.from = (2023, 10, 1)
    var qian2 = qian
    qian2.name = "钱伍"
    var sun2 = sun
    sun2.from = (2024, 3, 1)
    sun2.to = nil
    var wb = AssessCommandTests.annual(
      station: a, startYear: 2025, submitted: (2026, 7, 5), stays: [zhang, zhao2, qian2, sun2],
      outcomes: [
        ("论文", "某某靶点研究 机制与应用", "省部级", (2025, 11, 1), "7101000001"),
        ("专利", "某某靶点研究：机制与应用", "国家级", (2025, 12, 1), "7101000001"),
      ])
    wb.set("工作站信息", "B9", .date(2022, 9, 2))
    return wb.build()
  }

  static func reportB() -> [UInt8] {
    AssessCommandTests.annual(
      station: b, startYear: 2023, submitted: (2024, 7, 5),
      stays: [sun, Stay(id: "7201000001", name: "周一", from: (2023, 9, 1), to: nil)]
    ).build()
  }

  static func reportClean(_ year: Int) -> [UInt8] {
    AssessCommandTests.annual(
      station: clean, startYear: year, submitted: (year + 1, 7, 5),
      stays: [Stay(id: "7301000001", name: "吴一", from: (2022, 9, 1), to: nil)]
    ).build()
  }

  /// Each file's Y-* issues as `rule@cell`.
  static func crossYear(_ setup: RunCommandTests.Setup) throws -> [String: [String]] {
    var found: [String: [String]] = [:]
    for entry in try setup.report() {
      let issues = (entry["issues"] as? [[String: Any]] ?? []).filter {
        ($0["rule"] as? String)?.hasPrefix("Y-") == true
      }
      found[entry["file"] as! String] = issues.map {
        "\($0["rule"] as! String)@\($0["sheet"] as? String ?? "")!\($0["cell"] as? String ?? "-")"
      }
    }
    return found
  }

  @Test func aFourthYearAgainstTheStore() async throws {
    var files: [String: [UInt8]] = ["b-2023.xlsx": Self.reportB()]
    for y in 2022...2024 {
      files["a-\(y).xlsx"] = Self.reportA(y)
      files["c-\(y).xlsx"] = Self.reportClean(y)
    }
    let setup = try RunCommandTests.Setup(files)
    defer { setup.dir.remove() }
    let firstRun = try await setup.run()
    #expect(firstRun.exitCode == 0)
    // The first years, in one batch over an empty store: nothing to compare with.
    let first = try Self.crossYear(setup)
    let none = first.values.allSatisfy(\.isEmpty)
    #expect(first.count == 7 && none, "\(first)")
    _ = firstRun
    #expect(try setup.report().allSatisfy { $0["status"] as? String == "accepted" })

    // Station B's file has left the inbox (its report is in the store): Y-005, not X-001.
    try FileManager.default.removeItem(at: setup.inbox.appendingPathComponent("b-2023.xlsx"))
    try setup.put("a-2025.xlsx", Self.fourthA())
    try setup.put("c-2025.xlsx", Self.reportClean(2025))
    let second = try await setup.run()
    #expect(second.exitCode == 0)
    let found = try Self.crossYear(setup)
    #expect(
      found["a-2025.xlsx"]?.sorted() == [
        "Y-001@进站研究生!A1", "Y-002@进站研究生!G3", "Y-003@进站研究生!B4", "Y-004@成果!B2",
        "Y-005@进站研究生!G5", "Y-006@工作站信息!B9",
      ], "\(found)")
    #expect(found["c-2025.xlsx"] == [])
    // The earlier years are not compared with the later ones, nor station B with A's new year.
    let othersClean = found.filter { $0.key != "a-2025.xlsx" }.values.allSatisfy { $0.isEmpty }
    #expect(othersClean, "\(found)")
    let report = try setup.report()
    let fourth = try #require(report.first { $0["file"] as? String == "a-2025.xlsx" })
    #expect(fourth["status"] as? String == "rejected")  // Y-005 is an error
    let messages = (fourth["issues"] as? [[String: Any]] ?? []).compactMap {
      $0["message"] as? String
    }
    #expect(
      messages.contains {
        $0.contains("7101000002 李二") && $0.contains("2024-2025 学年（文件 a-2024.xlsx）")
      })
    #expect(messages.contains { $0.contains("工作站 TJMU-Y-002 在 2023-2024 学年（文件 b-2023.xlsx）") })

    // A rerun raises the same.
    let rerun = try await setup.run()
    #expect(rerun.exitCode == 0)
    #expect(try Self.crossYear(setup) == found)

    // `check --store F` reads the same store: the same six; without it, none.
    let binary = try TestLocations.pipelineBinary.get()
    let fourthPath = setup.inbox.appendingPathComponent("a-2025.xlsx").path
    for (arguments, expected) in [
      (["--store", setup.store.path], found["a-2025.xlsx"]?.count ?? -1), ([], 0),
    ] {
      let checked = try await runProcess(
        binary, ["check", fourthPath, "--format", "json"] + arguments, timeout: 60)
      let entries = try #require(
        try JSONSerialization.jsonObject(with: Data(checked.stdout)) as? [[String: Any]])
      let rules = (entries.first?["issues"] as? [[String: Any]] ?? []).compactMap {
        $0["rule"] as? String
      }
      #expect(rules.count { $0.hasPrefix("Y-") } == expected, "\(arguments): \(rules)")
    }
  }

  /// X-001, not Y-005, when the overlapping report of the other station is in the same batch.
  @Test func theSameBatchIsX001NotY005() async throws {
    var sun2 = Self.sun
    sun2.from = (2024, 3, 1)
    sun2.to = nil
    let setup = try RunCommandTests.Setup([
      "b-2023.xlsx": Self.reportB(),
      "a-2024.xlsx": AssessCommandTests.annual(
        station: Self.a, startYear: 2023, submitted: (2024, 7, 5), stays: [sun2]
      ).build(),
    ])
    defer { setup.dir.remove() }
    for _ in 0..<2 {  // the second time, the store holds both
      let run = try await setup.run()
      #expect(run.exitCode == 0)
    }
    let rules = try setup.report().flatMap {
      ($0["issues"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
    }
    #expect(rules.contains("X-001"))
    #expect(!rules.contains("Y-005"))
  }
}
