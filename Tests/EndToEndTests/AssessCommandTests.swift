import Foundation
import Model
import Testing
import XLSXReading
import XLSXTestSupport

/// `pipeline assess` end to end: `pipeline run` over generated multi-year submissions, then the
/// 期满验收 JSON at a given as-of date.
@Suite struct AssessCommandTests {
  typealias YMD = (Int, Int, Int)

  /// A student's stay as one year's workbook lists it.
  struct Stay {
    var id: String
    var name: String
    var from: YMD
    var to: YMD?
  }

  /// The baseline submission rewritten for station `station`, academic year `startYear`-…,
  /// submitted on `submitted`, listing `stays` (硕士, 800 元/month, each month in station during
  /// the year paid in full on the 25th) and `outcomes` (类型, 名称, 级别, 日期, 学号).
  static func annual(
    station: String, startYear y: Int, submitted: YMD, stays: [Stay],
    outcomes: [(String, String, String, YMD, String)] = []
  ) -> SubmissionWorkbook {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B3", .text(station))
    wb.set("工作站信息", "B10", .text("\(y)-\(y + 1)"))
    wb.set("工作站信息", "B11", .date(submitted.0, submitted.1, submitted.2))
    let studentHeader = wb.row("进站研究生", 1)
    let paymentHeader = wb.row("补助发放", 1)
    let outcomeHeader = wb.row("成果", 1)
    var students: [[SubmissionWorkbook.Value]] = [studentHeader]
    var payments: [[SubmissionWorkbook.Value]] = [paymentHeader]
    var total = 0.0
    for s in stays {
      students.append([
        .text(s.id), .text(s.name), .text("硕士"), .text("生物与医药"), .text("刘教授"), .text("周研究员"),
        .date(s.from.0, s.from.1, s.from.2), s.to.map { .date($0.0, $0.1, $0.2) } ?? .empty,
        .number(800), .text("否"), .text("是"), .text("是"),
      ])
      // Months in station within the year.
      var month = max(s.from.0 * 12 + s.from.1 - 1, y * 12 + 6)
      let last = min(s.to.map { $0.0 * 12 + $0.1 - 1 } ?? Int.max, (y + 1) * 12 + 5)
      while month <= last {
        let (yy, mm) = (month / 12, month % 12 + 1)
        payments.append([
          .text(s.id), .text(s.name), .text(String(format: "%04d-%02d", yy, mm)), .number(800),
          .number(800),
          .date(yy, mm, 25),
        ])
        total += 800
        month += 1
      }
    }
    var outcomeRows: [[SubmissionWorkbook.Value]] = [outcomeHeader]
    for o in outcomes {
      outcomeRows.append([
        .text(o.0), .text(o.1), .text(o.2), .date(o.3.0, o.3.1, o.3.2), .text(o.4), .empty,
      ])
    }
    for i in wb.sheets.indices {
      switch wb.sheets[i].name {
      case "进站研究生": wb.sheets[i].rows = students
      case "补助发放": wb.sheets[i].rows = payments
      case "成果": wb.sheets[i].rows = outcomeRows
      default: break
      }
    }
    wb.set("工作站信息", "B14", .number(Double(stays.count)))
    wb.set("工作站信息", "B16", .number(total))
    return wb
  }

  /// The baseline (2023-2024, submitted 2024-07-05) moved by `n` academic years: 报送学年,
  /// 报送日期, the students' dates, payment months and outcome dates all shifted by n years.
  static func baselineShifted(by n: Int, station: String, prefix: String, submitted: YMD? = nil)
    -> SubmissionWorkbook
  {
    let stays = SubmissionWorkbook.baselineStudents.map { s in
      Stay(
        id: prefix + s.id.dropFirst(4), name: s.name, from: (s.from.0 + n, s.from.1, s.from.2),
        to: s.to.map { ($0.0 + n, $0.1, $0.2) })
    }
    return annual(
      station: station, startYear: 2023 + n, submitted: submitted ?? (2024 + n, 7, 5), stays: stays)
  }

  /// `n` students, each in station for the whole of 2022-09-01 … 2023-06-30.
  static func students(_ n: Int, prefix: String) -> [Stay] {
    (0..<n).map { i in
      Stay(
        id: prefix + String(format: "%06d", i),
        name: "学生" + ["甲", "乙", "丙", "丁", "戊"][i % 5] + "\(i)",
        from: (2022, 9, 1), to: (2023, 6, 30))
    }
  }

  func assess(_ setup: RunCommandTests.Setup, _ station: String, asOf: String) async throws
    -> [String: Any]
  {
    let result = try await runProcess(
      try TestLocations.pipelineBinary.get(),
      [
        "assess", "--config", setup.config.path, "--station", station, "--as-of", asOf, "--format",
        "json",
        "--out", setup.out.path,
      ], timeout: 60)
    #expect(result.exitCode == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
    let list = try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [[String: Any]])
    #expect(list.count == 1)
    return try #require(list.first)
  }

  static func statuses(_ a: [String: Any]) -> [String] {
    (a["years"] as? [[String: Any]] ?? []).map { "\($0["academic_year"]!):\($0["status"]!)" }
  }

  static func texts(_ a: [String: Any], _ key: String) -> String {
    (a[key] as? [String] ?? []).joined(separator: "\n")
  }

  /// Several stations in one batch (different stations and years never conflict).
  @Test func gradesFromGeneratedYears() async throws {
    var files: [String: [UInt8]] = [:]
    // 合格: 8 students in 2022-2023, one of them also in the later years; four years on time.
    let keeper = Stay(id: "5101000000", name: "学生甲0", from: (2022, 9, 1), to: nil)
    var eight = Self.students(8, prefix: "5101")
    eight[0] = keeper
    files["q1.xlsx"] = Self.annual(
      station: "TJMU-Q-001", startYear: 2022, submitted: (2023, 7, 5), stays: eight
    ).build()
    for y in 2023...2025 {
      files["q\(y).xlsx"] = Self.annual(
        station: "TJMU-Q-001", startYear: y, submitted: (y + 1, 7, 10), stays: [keeper]
      ).build()
    }
    // 不合格: 7 students.
    files["f.xlsx"] = Self.annual(
      station: "TJMU-F-001", startYear: 2022, submitted: (2023, 7, 5),
      stays: Self.students(7, prefix: "5201")
    ).build()
    // 优秀: 20 students and a 国家级 outcome, one year reported so far.
    files["e.xlsx"] = Self.annual(
      station: "TJMU-E-001", startYear: 2022, submitted: (2023, 7, 1),
      stays: Self.students(20, prefix: "5301"),
      outcomes: [("专利", "一种检测装置", "国家级", (2023, 3, 1), "5301000000")]
    ).build()
    // Revoked: 2023-2024 and 2024-2025 both late.
    files["r0.xlsx"] = Self.baselineShifted(by: -1, station: "TJMU-R-001", prefix: "5401").build()
    files["r1.xlsx"] = Self.baselineShifted(
      by: 0, station: "TJMU-R-001", prefix: "5401", submitted: (2024, 7, 20)
    ).build()
    files["r2.xlsx"] = Self.baselineShifted(
      by: 1, station: "TJMU-R-001", prefix: "5401", submitted: (2025, 8, 1)
    ).build()
    // One missing year (2023-2024), the others on time: not revoked.
    files["m0.xlsx"] = Self.baselineShifted(by: -1, station: "TJMU-M-001", prefix: "5501").build()
    files["m2.xlsx"] = Self.baselineShifted(by: 1, station: "TJMU-M-001", prefix: "5501").build()
    // Six months across two academic years: 5601000001 from 2024-04-01 to 2024-09-30 (counted),
    // 5601000002 from 2024-04-02 (one day short); 5601000000 listed in two years counts once.
    let filler = Stay(id: "5601000000", name: "学生甲", from: (2022, 9, 1), to: nil)
    let exact = Stay(id: "5601000001", name: "学生乙", from: (2024, 4, 1), to: nil)
    let short = Stay(id: "5601000002", name: "学生丙", from: (2024, 4, 2), to: nil)
    files["b0.xlsx"] = Self.annual(
      station: "TJMU-B-001", startYear: 2022, submitted: (2023, 7, 5), stays: [filler]
    ).build()
    files["b1.xlsx"] = Self.annual(
      station: "TJMU-B-001", startYear: 2023, submitted: (2024, 7, 5),
      stays: [filler, exact, short]
    ).build()
    var exactLater = exact
    exactLater.to = (2024, 9, 30)
    var shortLater = short
    shortLater.to = (2024, 9, 30)
    files["b2.xlsx"] = Self.annual(
      station: "TJMU-B-001", startYear: 2024, submitted: (2025, 7, 5),
      stays: [exactLater, shortLater]
    ).build()

    let setup = try RunCommandTests.Setup(files)
    defer { setup.dir.remove() }
    let run = try await setup.run()
    #expect(run.exitCode == 0, "\(String(decoding: run.stderr, as: UTF8.self))")
    let report = try setup.report()
    let notAccepted = report.filter { $0["status"] as? String != "accepted" }
    #expect(notAccepted.isEmpty, "\(notAccepted)")

    let q = try await assess(setup, "TJMU-Q-001", asOf: "2026-09-01")
    #expect(q["grade"] as? String == "合格")
    #expect(q["counted_students"] as? Int == 8)
    #expect(q["final"] as? Bool == true)
    #expect((q["window"] as? [String: String]) == ["from": "2022-09-01", "to": "2026-08-31"])
    #expect(
      Self.statuses(q) == [
        "2022-2023:on_time", "2023-2024:on_time", "2024-2025:on_time", "2025-2026:on_time",
      ])
    #expect(Self.texts(q, "manual_review").contains("合格4"))
    #expect(
      FileManager.default.fileExists(atPath: setup.out.appendingPathComponent("assess.json").path))

    let f = try await assess(setup, "TJMU-F-001", asOf: "2023-08-01")
    #expect(f["grade"] as? String == "不合格")
    #expect(f["counted_students"] as? Int == 7)
    #expect(f["final"] as? Bool == false)
    #expect(Self.texts(f, "reasons").contains("三年内不得重新申报"))

    let e = try await assess(setup, "TJMU-E-001", asOf: "2023-08-01")
    #expect(e["grade"] as? String == "优秀")
    #expect(e["counted_students"] as? Int == 20)
    #expect((e["outcomes"] as? [String: Int])?["国家级"] == 1)
    #expect(
      Self.statuses(e) == [
        "2022-2023:on_time", "2023-2024:not_due", "2024-2025:not_due", "2025-2026:not_due",
      ])

    let r = try await assess(setup, "TJMU-R-001", asOf: "2025-09-01")
    #expect(r["revoked"] as? Bool == true)
    #expect(r["grade"] as? String == "撤销")
    #expect(
      Self.statuses(r) == [
        "2022-2023:on_time", "2023-2024:late", "2024-2025:late", "2025-2026:not_due",
      ])

    let m = try await assess(setup, "TJMU-M-001", asOf: "2025-09-01")
    #expect(m["revoked"] as? Bool == false)
    #expect(
      Self.statuses(m) == [
        "2022-2023:on_time", "2023-2024:missing", "2024-2025:on_time", "2025-2026:not_due",
      ])
    #expect(m["grade"] as? String == "不合格")  // 3 baseline students

    let b = try await assess(setup, "TJMU-B-001", asOf: "2025-09-01")
    #expect(b["counted_students"] as? Int == 2)

    // assess.xlsx next to assess.json (this last call's station): its row on 验收结果, and its
    // evidence sheet listing each 学号 with its days and whether it counts.
    let workbook = try Workbook(path: setup.out.appendingPathComponent("assess.xlsx").path)
    #expect(workbook.sheets.map(\.name) == ["验收结果", "TJMU-B-001"])
    let results = try displayRows(workbook, 0)
    #expect(results.first?.prefix(6) == ["工作站编号", "工作站名称", "验收期", "等级", "是否最终", "进站半年以上研究生人数"])
    #expect(results.count == 2)
    #expect(results.last?[0] == "TJMU-B-001")
    #expect(results.last?[3] == b["grade"] as? String)
    #expect(results.last?[5] == "2")
    #expect(results.last?[12] == "TJMU-B-001")
    let evidence = try displayRows(workbook, 1)
    let students = Dictionary(
      evidence.filter { $0.first?.hasPrefix("5601") == true }.map { ($0[0], $0) },
      uniquingKeysWith: { a, _ in a })
    #expect(students.keys.sorted() == ["5601000000", "5601000001", "5601000002"])
    #expect(students["5601000001"]?[1] == "学生乙")
    #expect(students["5601000001"]?.suffix(3) == ["183", "6", "是"])
    #expect(students["5601000002"]?.suffix(3) == ["182", "5", "否"])
    #expect(students["5601000000"]?.last == "是")
    #expect(evidence.contains { $0.prefix(3) == ["2023-2024", "按时", "2024-07-05"] })
  }
}

/// SPEC §6 "The grade, exactly", end to end through `pipeline run` and `pipeline assess`: a
/// subsidy shortfall the data truthfully shows is accepted and fails 合格2; one late or missing
/// year alone fails 合格1, even with 20 students and a 国家级 outcome.
@Suite struct AssessGradeTests {
  func assess(_ setup: RunCommandTests.Setup, asOf: String) async throws -> [String: [String: Any]]
  {
    let result = try await runProcess(
      try TestLocations.pipelineBinary.get(),
      ["assess", "--config", setup.config.path, "--as-of", asOf, "--format", "json"], timeout: 60)
    #expect(result.exitCode == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
    let list = try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [[String: Any]])
    return Dictionary(uniqueKeysWithValues: list.map { ($0["station_id"] as! String, $0) })
  }

  @Test func aSubsidyPaidShortIsAcceptedAndFailsTheStation() async throws {
    let station = "TJMU-S-001"
    // 2022-2023: accepted, 8 students (enough for 合格 on headcount).
    let first = AssessCommandTests.annual(
      station: station, startYear: 2022, submitted: (2023, 7, 5),
      stays: AssessCommandTests.students(8, prefix: "5701"))
    // 2023-2024: the baseline for this station, one payment 500 short, reported as it was
    // (SUB-003 at 补助发放!E2), the total matching what was paid.
    var second = SubmissionWorkbook.valid(station: station, studentPrefix: "5702")
    second.set("补助发放", "E2", .number(1000))
    second.set("工作站信息", "B16", .number(25_700))
    let setup = try RunCommandTests.Setup([:])
    defer { setup.dir.remove() }
    try setup.put(
      "2022-2023.xlsx", first.build(), modified: Date(timeIntervalSince1970: 1_688_000_000))
    try setup.put(
      "2023-2024.xlsx", second.build(), modified: Date(timeIntervalSince1970: 1_720_000_000))
    #expect(try await setup.run().exitCode == 0)
    let report = try setup.report()
    #expect(report.map { $0["status"] as? String } == ["accepted", "accepted"])
    let issues = (report[1]["issues"] as? [[String: Any]] ?? []).map {
      "\($0["rule"]!) \($0["severity"]!)"
    }
    #expect(issues == ["SUB-003 finding"])

    let a = try #require(try await assess(setup, asOf: "2024-09-01")[station])
    #expect(a["subsidy_compliant"] as? Bool == false)
    #expect(a["grade"] as? String == "不合格" && a["final"] as? Bool == false)
    #expect(AssessCommandTests.statuses(a).prefix(2) == ["2022-2023:on_time", "2023-2024:on_time"])
    let reasons = a["reasons"] as? [String] ?? []
    #expect(
      reasons.contains { $0.contains("2023-2024") && $0.contains("SUB-003") && $0.contains("合格2") })
    #expect(reasons.contains { $0.hasPrefix("预评为不合格") })
  }

  @Test func oneLateOrMissingYearAloneFailsAnOtherwiseExcellentStation() async throws {
    var files: [String: [UInt8]] = [:]
    // Three stations alike: 20 students and a 国家级 outcome in 2022-2023, one student in station
    // through the later years. E reports every year on time; L one year late; M misses one.
    for (code, unit) in [("E", 1), ("L", 2), ("M", 3)] {
      let station = "TJMU-G\(unit)-001"
      let prefix = "58\(unit)1"
      let keeper = AssessCommandTests.Stay(
        id: prefix + "000000", name: "学生甲0", from: (2022, 9, 1), to: nil)
      var twenty = AssessCommandTests.students(20, prefix: prefix)
      twenty[0] = keeper
      files["\(code)2022.xlsx"] = AssessCommandTests.annual(
        station: station, startYear: 2022, submitted: (2023, 7, 5), stays: twenty,
        outcomes: [("专利", "一种检测装置\(code)", "国家级", (2023, 3, 1), prefix + "000001")]
      ).build()
      for y in 2023...2025 {
        if code == "M" && y == 2023 { continue }
        let submitted = code == "L" && y == 2024 ? (2025, 7, 11) : (y + 1, 7, 10)
        files["\(code)\(y).xlsx"] = AssessCommandTests.annual(
          station: station, startYear: y, submitted: submitted, stays: [keeper]
        ).build()
      }
    }
    let setup = try RunCommandTests.Setup(files)
    defer { setup.dir.remove() }
    #expect(try await setup.run().exitCode == 0)
    #expect(try setup.report().allSatisfy { $0["status"] as? String == "accepted" })

    let all = try await assess(setup, asOf: "2026-09-01")
    let e = try #require(all["TJMU-G1-001"])
    #expect(e["grade"] as? String == "优秀" && e["final"] as? Bool == true)
    #expect(e["counted_students"] as? Int == 20)

    let l = try #require(all["TJMU-G2-001"])
    #expect(l["grade"] as? String == "不合格" && l["revoked"] as? Bool == false)
    #expect(AssessCommandTests.statuses(l)[2] == "2024-2025:late")
    let lateReasons = l["reasons"] as? [String] ?? []
    #expect(lateReasons.contains { $0.contains("2024-2025 学年逾期报送") && $0.contains("合格1") })
    #expect(lateReasons.contains { $0.hasPrefix("验收不合格") })

    let m = try #require(all["TJMU-G3-001"])
    #expect(m["grade"] as? String == "不合格" && m["revoked"] as? Bool == false)
    #expect(AssessCommandTests.statuses(m)[1] == "2023-2024:missing")
    #expect(
      (m["reasons"] as? [String] ?? []).contains {
        $0.contains("2023-2024 学年未报送") && $0.contains("合格1")
      })
  }
}
