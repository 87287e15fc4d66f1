import Foundation
import Model
import Store
import Testing
import XLSXReading
import XLSXTestSupport

/// SPEC §9 end to end, through the real binary: the register (`pipeline stations import`), the
/// office's decisions (`stations decide`), the stations' standing over their terms
/// (`pipeline status`), the rules that need the register (STA-001…STA-005) in `pipeline run`,
/// and `pipeline assess` per term. Each scenario simulates the office's years with
/// `run --as-of` once per July, the year's files added to the inbox (they stay there).
@Suite struct StationsCommandTests {
  typealias YMD = AssessCommandTests.YMD
  typealias Value = SubmissionWorkbook.Value

  /// A station of the register, and its reports.
  struct Station: Sendable {
    var id: String
    /// Its student's 学号 prefix (4 digits): no two stations share a 学号 (X-001/X-002).
    var prefix: String
    /// What tells its names apart: 工作站名称 天津<tag>医药研究生工作站, 设站单位
    /// 天津<tag>医药有限公司 (or `hostTag`'s, to share another station's 设站单位).
    var tag: String
    var hostTag: String? = nil
    var college = "基础医学院"
    var recognized: YMD = (2022, 9, 1)

    var name: String { "天津\(tag)医药研究生工作站" }
    var host: String { "天津\(hostTag ?? tag)医药有限公司" }

    /// Its register row, with `state` and `stateOn` in the 状态 columns.
    func row(state: String? = nil, stateOn: YMD? = nil) -> [Value] {
      let (y, m, d) = recognized
      return [.text(id), .text(name), .text(host), .text(college), .date(y, m, d)]
        + [state.map { .text($0) } ?? .empty, stateOn.map { .date($0.0, $0.1, $0.2) } ?? .empty]
    }

    /// Its report for academic year `y`-(`y`+1), submitted on `submitted` (by default 7月5日,
    /// on time), with 认定日期 `recognized` (by default the register's): one student, in station
    /// from its 认定日期 on, paid every month.
    func report(_ y: Int, submitted: YMD? = nil, recognized day: YMD? = nil) -> SubmissionWorkbook {
      let student = AssessCommandTests.Stay(
        id: prefix + "000000", name: "学生\(tag)", from: recognized, to: nil)
      var wb = AssessCommandTests.annual(
        station: id, startYear: y, submitted: submitted ?? (y + 1, 7, 5), stays: [student])
      wb.replace("天津某某生物医药研究生工作站", with: name)
      wb.replace("天津某某生物医药有限公司", with: host)
      wb.set("工作站信息", "B8", .text(college))
      let (ry, rm, rd) = day ?? recognized
      wb.set("工作站信息", "B9", .date(ry, rm, rd))
      return wb
    }
  }

  /// A register workbook: its one sheet 工作站名录, the header row, then `rows`.
  static func register(_ rows: [[Value]]) -> SubmissionWorkbook {
    let header = ["工作站编号", "工作站名称", "设站单位", "牵头培养单位", "认定日期", "状态", "状态日期", "备注"]
    return SubmissionWorkbook(sheets: [
      .init(name: "工作站名录", rows: [header.map { .text($0) }] + rows)
    ])
  }

  static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

  // MARK: - 1. The register

  @Test func aRegisterWithErrorsChangesNothingAndTheCorrectedOneIsImported() async throws {
    let setup = try RunCommandTests.Setup([:])
    defer { setup.dir.remove() }
    let s1 = Station(id: "TJMU-R1-001", prefix: "6001", tag: "R01")
    let s2 = Station(id: "TJMU-R1-002", prefix: "6002", tag: "R02", college: "第二医院")
    let s3 = Station(id: "TJMU-R1-003", prefix: "6003", tag: "R03")
    let s4 = Station(id: "TJMU-R1-004", prefix: "6004", tag: "R04")
    var bad = Self.register([
      s1.row(), s2.row(state: "在建", stateOn: (2024, 7, 20)), s3.row(state: "撤销"), s1.row(),
      s4.row(),
    ])
    bad.set("工作站名录", "E6", .text("2022-02-30"))

    let refused = try await setup.importRegister(bad, asOf: "2024-09-01")
    #expect(refused.exitCode == 1)
    let printed = Self.text(refused.stdout)
    for (cell, rule) in [("G4", "CELL-001"), ("A5", "DUP-001"), ("E6", "CELL-002")] {
      #expect(
        printed.split(separator: "\n").contains { $0.contains("\(cell)\t") && $0.contains(rule) },
        "\(rule) at \(cell) in:\n\(printed)")
    }
    #expect(Self.text(refused.stderr).contains("名录有错误，未导入"))
    let copy = setup.dir.url.appendingPathComponent("名录.annotated.xlsx")
    let annotated = try Workbook(path: copy.path)
    #expect(annotated.sheets.map(\.name) == ["审核结果", "工作站名录"])
    // Nothing changed: no register, no store, no decision.
    #expect(try await setup.status(asOf: "2024-09-01").isEmpty)
    let noRegister = try await setup.pipeline("status", "--as-of", "2024-09-01")
    #expect(Self.text(noRegister.stdout).contains("数据库中没有工作站名录"))
    #expect(!FileManager.default.fileExists(atPath: setup.store.path))

    // Corrected: imported, the annotated copy gone, 撤销 with its date recorded.
    let corrected = Self.register([
      s1.row(), s2.row(state: "在建", stateOn: (2024, 7, 20)),
      s3.row(state: "撤销", stateOn: (2023, 3, 1)), s4.row(),
    ])
    let imported = try await setup.importRegister(corrected, asOf: "2024-09-01")
    let said = Self.text(imported.stderr)
    #expect(imported.exitCode == 0, "\(said)")
    #expect(said.contains("新增 4 个工作站，变更 0 个，不再列入 0 个"), "\(said)")
    #expect(said.contains("记录状态 1 条"))
    #expect(said.contains("新增：TJMU-R1-001、TJMU-R1-002、TJMU-R1-003、TJMU-R1-004"))
    #expect(!FileManager.default.fileExists(atPath: copy.path))
    #expect(try setup.decisions().map(\.summary) == ["TJMU-R1-003 撤销 2023-03-01 register"])
    let standing = try await setup.status(asOf: "2024-09-01")
    #expect(standing.keys.sorted() == [s1.id, s2.id, s3.id, s4.id])
    // No report for 2022-2023 and 2023-2024: revoked on the second deadline; s2 alike, but its
    // 在建 on 2024-07-20 vouches for the years the store never judged.
    #expect(standing[s1.id]?.ended == ["撤销", "2024-07-10", nil])
    #expect(standing[s1.id]?.term == ["2022-09-01", "2026-08-31", "1"])
    #expect(standing[s2.id]?.state == "在建")
    #expect(standing[s2.id]?.years.prefix(2) == ["2022-2023:on_time", "2023-2024:on_time"])
    #expect(standing[s2.id]?.college == "第二医院")
    #expect(standing[s3.id]?.state == "撤销")
    #expect(standing[s3.id]?.ended == ["撤销", "2023-03-01", nil])

    let again = try await setup.importRegister(corrected, asOf: "2024-09-01")
    #expect(again.exitCode == 0)
    #expect(Self.text(again.stderr).contains("名录与数据库中的一致，未作更改。"))

    // The register with errors once more, now over a register: still nothing changes.
    let refusedAgain = try await setup.importRegister(bad, asOf: "2024-09-01", format: "json")
    #expect(refusedAgain.exitCode == 1)
    let entries = try #require(
      try JSONSerialization.jsonObject(with: refusedAgain.stdout) as? [[String: Any]])
    #expect(
      Self.issues(try #require(entries.first)) == ["CELL-001 G4", "DUP-001 A5", "CELL-002 E6"])
    #expect(try setup.decisions().count == 1)
    #expect(try await setup.status(asOf: "2024-09-01").keys.sorted() == standing.keys.sorted())

    // A later register without s4: s4 is kept, 未列入名录.
    let later = try await setup.importRegister(
      Self.register([
        s1.row(), s2.row(state: "在建", stateOn: (2024, 7, 20)),
        s3.row(state: "撤销", stateOn: (2023, 3, 1)),
      ]), asOf: "2024-09-01")
    let laterSaid = Self.text(later.stderr)
    #expect(later.exitCode == 0, "\(laterSaid)")
    #expect(laterSaid.contains("新增 0 个工作站，变更 0 个，不再列入 1 个"), "\(laterSaid)")
    #expect(laterSaid.contains("未列入名录：TJMU-R1-004"))
    let afterwards = try await setup.status(asOf: "2024-09-01")
    #expect(afterwards.count == 4)
    #expect(afterwards[s4.id]?.state == "未列入名录")
    #expect(afterwards[s4.id]?.warnings.first?.contains("不在最新的工作站名录中") == true)
    #expect(afterwards[s2.id]?.state == "在建")
  }

  /// The blank register `stations template` writes holds no station: importing it as it is
  /// refuses it (STR-002) and stores nothing.
  @Test func theBlankRegisterIsWrittenAndImportsNothing() async throws {
    let setup = try RunCommandTests.Setup([:])
    defer { setup.dir.remove() }
    let blank = setup.dir.url.appendingPathComponent("空白名录.xlsx")
    let written = try await setup.pipeline("stations", "template", "--out", blank.path)
    #expect(written.exitCode == 0)
    #expect(Self.text(written.stdout).contains("已生成工作站名录模板：\(blank.path)"))
    let workbook = try Workbook(path: blank.path)
    #expect(workbook.sheets.map(\.name) == ["填报说明", "工作站名录"])
    #expect(
      try displayRows(workbook, 1).first?.prefix(8) == [
        "工作站编号", "工作站名称", "设站单位", "牵头培养单位", "认定日期", "状态", "状态日期", "备注",
      ])
    let refused = try await setup.pipeline(
      "stations", "import", blank.path, "--as-of", "2024-09-01", "--format", "json")
    #expect(refused.exitCode == 1)
    let entries = try #require(
      try JSONSerialization.jsonObject(with: refused.stdout) as? [[String: Any]])
    #expect(entries.first.map(Self.issues) == ["STR-002 -"])
    #expect(try await setup.status(asOf: "2024-09-01").isEmpty)
  }

  // MARK: - 2. Four years of a register's stations

  // All 认定 2022-09-01: the term runs to 2026-08-31, its years 2022-2023 … 2025-2026 due on
  // 7月10日 2023 … 2026.
  static let onTime = Station(id: "TJMU-L-A01", prefix: "6101", tag: "A01")
  static let missesOne = Station(id: "TJMU-L-M01", prefix: "6102", tag: "M01", college: "第二医院")
  static let missesTwo = Station(id: "TJMU-L-R01", prefix: "6103", tag: "R01")
  static let lateOnce = Station(id: "TJMU-L-L01", prefix: "6104", tag: "L01")
  static let lateTwice = Station(id: "TJMU-L-L02", prefix: "6105", tag: "L02")
  static let excellent = Station(id: "TJMU-L-E01", prefix: "6106", tag: "E01")
  static let qualified = Station(id: "TJMU-L-Q01", prefix: "6107", tag: "Q01")
  static let unqualified = Station(id: "TJMU-L-U01", prefix: "6108", tag: "U01")
  static let failsReassessment = Station(id: "TJMU-L-F01", prefix: "6109", tag: "F01")
  static let revokedByOffice = Station(id: "TJMU-L-X01", prefix: "6110", tag: "X01")
  static let neverReports = Station(id: "TJMU-L-N01", prefix: "6111", tag: "N01")
  static let lateFirst = Station(id: "TJMU-L-L03", prefix: "6112", tag: "L03")
  static let onTimeToo = Station(id: "TJMU-L-A02", prefix: "6113", tag: "A02", college: "第二医院")

  /// Each station's 报送日期 for academic year `y`-…, nil for no report.
  static func submitted(_ s: Station, _ y: Int) -> YMD? {
    let onTime = (y + 1, 7, 5)
    switch s.id {
    case missesOne.id: return y == 2023 ? nil : onTime
    case missesTwo.id: return y == 2022 ? onTime : nil
    case lateOnce.id: return y == 2023 ? (2024, 7, 15) : onTime
    case lateTwice.id: return [2022: onTime, 2023: (2024, 7, 15), 2024: (2025, 7, 12)][y]
    case lateFirst.id: return y == 2022 ? (2023, 7, 11) : onTime
    case revokedByOffice.id: return y <= 2023 ? onTime : nil
    case neverReports.id: return nil
    default: return onTime
    }
  }

  @Test func theStationsOverFourYears() async throws {
    let all = [
      Self.onTime, Self.missesOne, Self.missesTwo, Self.lateOnce, Self.lateTwice, Self.excellent,
      Self.qualified, Self.unqualified, Self.failsReassessment, Self.revokedByOffice,
      Self.neverReports, Self.lateFirst, Self.onTimeToo,
    ]
    let setup = try RunCommandTests.Setup([:])
    defer { setup.dir.remove() }
    #expect(
      try await setup.importRegister(Self.register(all.map { $0.row() }), asOf: "2022-09-01")
        .exitCode == 0)
    var runs: [Int: RunResult] = [:]
    for y in 2022...2025 {
      for s in all {
        if let day = Self.submitted(s, y) {
          try setup.put("\(s.id)-\(y).xlsx", s.report(y, submitted: day).build())
        }
      }
      if y == 2024 {
        try await setup.decide(Self.revokedByOffice.id, "撤销", "2025-03-01")
      }
      runs[y] = try await setup.run(asOf: "\(y + 1)-07-20")
    }
    // Every report accepted (a late one too), none refused by a rule of the register.
    let report = try setup.report()
    #expect(
      report.count
        == all.map { s in (2022...2025).count { Self.submitted(s, $0) != nil } }.reduce(0, +))
    #expect(report.allSatisfy { $0["status"] as? String == "accepted" }, "\(report)")
    #expect(report.allSatisfy { Self.issues($0).allSatisfy { !$0.hasPrefix("STA-") } })

    // July 2023.
    var s = try await setup.status(asOf: "2023-07-20")
    #expect(s[Self.onTime.id]?.state == "在建")
    #expect(s[Self.neverReports.id]?.state == "预警")
    #expect(s[Self.neverReports.id]?.warnings.first?.contains("2024-07-10") == true)
    #expect(s[Self.lateFirst.id]?.state == "预警")
    #expect(s[Self.lateFirst.id]?.years.first == "2022-2023:late")
    // Before 7月10日, nothing in yet: pending, with the days left.
    s = try await setup.status(asOf: "2024-07-01")
    #expect(s[Self.onTime.id]?.state == "在建")
    #expect(
      s[Self.onTime.id]?.years == [
        "2022-2023:on_time", "2023-2024:pending", "2024-2025:not_due", "2025-2026:not_due",
      ])
    #expect(s[Self.onTime.id]?.daysLeft == [nil, 9, nil, nil])
    #expect(s[Self.onTime.id]?.submittedOn == ["2023-07-05", nil, nil, nil])
    let chasing = Self.text(try await setup.pipeline("status", "--as-of", "2024-07-01").stdout)
    #expect(chasing.contains("待报送"))
    #expect(chasing.contains("  第二医院\n    \(Self.onTimeToo.id) "))
    #expect(
      chasing.contains("\(Self.onTime.id) \(Self.onTime.name)：2023-2024 学年，截止 2024-07-10，剩 9 天"))

    // July 2024: one year missing or late → 预警 naming the next deadline.
    s = try await setup.status(asOf: "2024-07-20")
    for station in [Self.missesOne, Self.missesTwo, Self.lateOnce, Self.lateTwice] {
      #expect(s[station.id]?.state == "预警", "\(station.id)")
      #expect(
        s[station.id]?.warnings.first?.contains("2024-2025 学年数据如未在 2025-07-10 前按时报送") == true,
        "\(station.id)")
    }
    #expect(s[Self.lateOnce.id]?.years[1] == "2023-2024:late")
    #expect(
      s[Self.missesOne.id]?.years == [
        "2022-2023:on_time", "2023-2024:missing", "2024-2025:pending", "2025-2026:not_due",
      ])
    #expect(s[Self.lateFirst.id]?.state == "在建")
    // Two years missing: revoked on the second deadline, by itself.
    #expect(s[Self.neverReports.id]?.state == "撤销")
    #expect(s[Self.neverReports.id]?.ended == ["撤销", "2024-07-10", nil])
    // …which the first run after the day records and says, once.
    #expect(
      Self.text(runs[2023]!.stderr).contains(
        "工作站 \(Self.neverReports.id) \(Self.neverReports.name)（基础医学院）：预警 → 撤销。已于 2024-07-10 撤销"))

    // A deadline that passed since the last run is announced too: 在建 in July 2023, 预警 now.
    #expect(
      Self.text(runs[2023]!.stderr).contains(
        "工作站 \(Self.missesOne.id) \(Self.missesOne.name)（\(Self.missesOne.college)）：在建 → 预警。2023-2024 学年未按时报送"
      ),
      "\(Self.text(runs[2023]!.stderr))")

    // July 2025: the day before the second deadline 预警, on it 撤销.
    s = try await setup.status(asOf: "2025-07-09")
    #expect(s[Self.missesTwo.id]?.state == "预警")
    #expect(s[Self.missesTwo.id]?.warnings.first?.contains("2025-07-10") == true)
    #expect(s[Self.lateTwice.id]?.state == "预警")
    #expect(s[Self.revokedByOffice.id]?.ended == ["撤销", "2025-03-01", nil])
    s = try await setup.status(asOf: "2025-07-10")
    #expect(s[Self.missesTwo.id]?.state == "撤销")
    #expect(s[Self.missesTwo.id]?.ended == ["撤销", "2025-07-10", nil])
    // Late twice: the second late report (7月12日) does not save it.
    #expect(s[Self.lateTwice.id]?.ended == ["撤销", "2025-07-10", nil])
    s = try await setup.status(asOf: "2025-07-20")
    #expect(s[Self.lateTwice.id]?.years[2] == "2024-2025:late")
    #expect(s[Self.missesOne.id]?.state == "在建")
    #expect(s[Self.lateOnce.id]?.state == "在建")
    let july2025 = Self.text(runs[2024]!.stderr)
    for station in [Self.missesTwo, Self.lateTwice] {
      #expect(july2025.contains("工作站 \(station.id) \(station.name)（基础医学院）：预警 → 撤销"), "\(july2025)")
    }
    #expect(
      try setup.decisions().map(\.summary) == [
        "TJMU-L-L02 撤销 2025-07-10 automatic", "TJMU-L-N01 撤销 2024-07-10 automatic",
        "TJMU-L-R01 撤销 2025-07-10 automatic", "TJMU-L-X01 撤销 2025-03-01 office",
      ])
    // A rerun takes nothing new and records nothing again.
    let rerun = try await setup.run(asOf: "2025-07-20")
    #expect(Self.text(rerun.stderr).contains("新入库 0 份"))
    #expect(!Self.text(rerun.stderr).contains("工作站 TJMU-"))
    #expect(try setup.decisions().count == 4)

    // July 2026: the last year pending before its deadline.
    s = try await setup.status(asOf: "2026-07-01")
    #expect(s[Self.onTime.id]?.years.last == "2025-2026:pending")
    #expect(s[Self.onTime.id]?.daysLeft.last == 9)

    // The window over: 期满待验收, then the office's decisions.
    s = try await setup.status(asOf: "2026-09-01")
    for station in [
      Self.onTime, Self.excellent, Self.qualified, Self.unqualified, Self.failsReassessment,
      Self.missesOne, Self.lateOnce,
    ] {
      #expect(s[station.id]?.state == "期满待验收", "\(station.id)")
    }
    #expect(s[Self.onTime.id]?.warnings.first?.contains("至 2026-11-28 仍无验收结果") == true)
    try await setup.decide(Self.excellent.id, "优秀", "2026-09-15")
    try await setup.decide(Self.qualified.id, "合格", "2026-09-10")
    try await setup.decide(Self.unqualified.id, "不合格", "2026-09-20")
    try await setup.decide(Self.failsReassessment.id, "合格", "2026-09-10")
    try await setup.decide(Self.qualified.id, "重新评估通过", "2027-03-01")
    try await setup.decide(Self.failsReassessment.id, "重新评估未通过", "2027-03-01")

    s = try await setup.status(asOf: "2026-11-28")
    #expect(s[Self.onTime.id]?.state == "期满待验收")
    s = try await setup.status(asOf: "2026-11-29")
    #expect(s[Self.onTime.id]?.state == "已结束")
    #expect(s[Self.onTime.id]?.ended == ["未申请验收", "2026-11-29", "2029-11-28"])
    #expect(s[Self.excellent.id]?.state == "在建")
    #expect(s[Self.excellent.id]?.term == ["2026-09-01", "2030-08-31", "2"])
    #expect(s[Self.qualified.id]?.state == "待重新评估")
    #expect(s[Self.qualified.id]?.term == ["2022-09-01", "2026-08-31", "1"])
    #expect(s[Self.unqualified.id]?.state == "已结束")
    #expect(s[Self.unqualified.id]?.ended == ["不合格", "2026-09-20", "2029-09-19"])
    #expect(s[Self.failsReassessment.id]?.state == "待重新评估")
    s = try await setup.status(asOf: "2027-03-01")
    #expect(s[Self.qualified.id]?.state == "在建")
    #expect(s[Self.qualified.id]?.term == ["2027-03-01", "2031-02-28", "2"])
    #expect(s[Self.failsReassessment.id]?.state == "已结束")
    #expect(s[Self.failsReassessment.id]?.ended == ["重新评估未通过", "2027-03-01", "2030-02-28"])
    #expect(s[Self.revokedByOffice.id]?.ended == ["撤销", "2025-03-01", nil])

    // The first run after 2026-11-29 records 未申请验收 and says so, from the state the July
    // run left the station in.
    let december = Self.text(try await setup.run(asOf: "2026-12-01").stderr)
    #expect(
      december.contains(
        "工作站 \(Self.onTime.id) \(Self.onTime.name)（基础医学院）：在建 → 已结束。未及时申请期满验收，自 2026-11-29 起"),
      "\(december)")
    #expect(try setup.decisions().map(\.summary).contains("TJMU-L-A01 未申请验收 2026-11-29 automatic"))
  }

  // MARK: - 3. STA-005

  @Test func aNewStationOfABannedHostIsRefusedUntilTheBanIsOver() async throws {
    let setup = try RunCommandTests.Setup([:])
    defer { setup.dir.remove() }
    let failed = Station(id: "TJMU-B-001", prefix: "6201", tag: "B01", recognized: (2024, 9, 1))
    let revoked = Station(id: "TJMU-B-002", prefix: "6202", tag: "B02", recognized: (2024, 9, 1))
    // From before the tool: 验收不合格 on 2024-08-20 by the register, which also speaks for the
    // years the store never judged (no revocation for them).
    let old = Station(id: "TJMU-B-003", prefix: "6205", tag: "B03", recognized: (2020, 7, 1))
    let first = [failed.row(), revoked.row(), old.row(state: "验收不合格", stateOn: (2024, 8, 20))]
    let imported = try await setup.importRegister(Self.register(first), asOf: "2024-09-01")
    #expect(imported.exitCode == 0)
    #expect(Self.text(imported.stderr).contains("记录状态 1 条"))
    try await setup.decide(failed.id, "不合格", "2025-03-01")
    try await setup.decide(revoked.id, "撤销", "2025-03-01")
    let s = try await setup.status(asOf: "2025-09-01")
    #expect(s[failed.id]?.ended == ["不合格", "2025-03-01", "2028-02-29"])
    #expect(s[revoked.id]?.ended == ["撤销", "2025-03-01", nil])
    #expect(s[old.id]?.ended == ["不合格", "2024-08-20", "2027-08-19"])

    // New stations of the same 设站单位s: the failed ones' within their bans (the first on the
    // ban's last day, 2028-02-29) are STA-005; the revoked one opened no ban.
    var again = Station(
      id: "TJMU-B-101", prefix: "6203", tag: "B11", hostTag: "B01", recognized: (2028, 2, 29))
    let afterRevoked = Station(
      id: "TJMU-B-102", prefix: "6204", tag: "B12", hostTag: "B02", recognized: (2025, 9, 1))
    var afterOld = Station(
      id: "TJMU-B-103", prefix: "6206", tag: "B13", hostTag: "B03", recognized: (2027, 8, 19))
    let refused = try await setup.importRegister(
      Self.register(first + [again.row(), afterRevoked.row(), afterOld.row()]),
      asOf: "2025-09-01", format: "json")
    #expect(refused.exitCode == 1)
    let entries = try #require(
      try JSONSerialization.jsonObject(with: refused.stdout) as? [[String: Any]])
    let entry = try #require(entries.first)
    #expect(Self.issues(entry) == ["STA-005 E5", "STA-005 E7"])
    let message = (entry["issues"] as? [[String: Any]])?.first?["message"] as? String ?? ""
    #expect(message.contains("TJMU-B-001") && message.contains("2028-02-29"), "\(message)")
    #expect(
      FileManager.default.fileExists(
        atPath: setup.dir.url.appendingPathComponent("名录.annotated.xlsx").path))
    #expect(try await setup.status(asOf: "2025-09-01").count == 3)

    // The day after each ban's last day: imported.
    again.recognized = (2028, 3, 1)
    afterOld.recognized = (2027, 8, 20)
    let later = try await setup.importRegister(
      Self.register(first + [again.row(), afterRevoked.row(), afterOld.row()]),
      asOf: "2025-09-01")
    #expect(later.exitCode == 0, "\(Self.text(later.stdout))")
    #expect(Self.text(later.stderr).contains("新增：TJMU-B-101、TJMU-B-102、TJMU-B-103"))
    #expect(try await setup.status(asOf: "2028-03-01")[again.id]?.state == "在建")
  }

  // MARK: - 4. STA-001…STA-004 in pipeline run

  @Test func theRulesOfTheRegisterInARun() async throws {
    let plain = Station(id: "TJMU-S-001", prefix: "6301", tag: "S01")
    let ended = Station(id: "TJMU-S-002", prefix: "6302", tag: "S02")
    let recognition = Station(id: "TJMU-S-003", prefix: "6303", tag: "S03")
    let differing = Station(id: "TJMU-S-004", prefix: "6304", tag: "S04")
    let alike = Station(id: "TJMU-S-005", prefix: "6305", tag: "ABC")
    let unregistered = Station(id: "TJMU-S-999", prefix: "6399", tag: "S99")
    var names = differing.report(2023)
    names.set("工作站信息", "B4", .text("天津某某研究生工作站"))
    names.set("工作站信息", "B5", .text("天津某某有限公司"))
    names.set("工作站信息", "B8", .text("第二医院"))
    // Only full-width letters and spaces apart: the same after normalization (§4).
    var cleaned = alike.report(2023)
    cleaned.set("工作站信息", "B4", .text("\u{3000}天津ＡＢＣ医药研究生工作站 "))
    cleaned.set("工作站信息", "B5", .text("天津ＡＢＣ医药有限公司\u{3000}"))
    cleaned.set("工作站信息", "B8", .text(" 基础医学院"))
    let files: [String: [UInt8]] = [
      "plain.xlsx": plain.report(2023).build(),
      "unregistered.xlsx": unregistered.report(2023).build(),
      "ended-before.xlsx": ended.report(2022).build(),
      "ended-after.xlsx": ended.report(2023).build(),
      "recognition-same.xlsx": recognition.report(2022).build(),
      "recognition-other.xlsx": recognition.report(2023, recognized: (2022, 9, 2)).build(),
      "names.xlsx": names.build(),
      "cleaned.xlsx": cleaned.build(),
    ]
    // Without a register none of STA-* fires.
    let bare = try RunCommandTests.Setup(files)
    defer { bare.dir.remove() }
    try await bare.run(asOf: "2024-07-20")
    let unchecked = try bare.report()
    #expect(unchecked.count == files.count)
    #expect(unchecked.allSatisfy { Self.issues($0).allSatisfy { !$0.hasPrefix("STA-") } })

    let setup = try RunCommandTests.Setup(files)
    defer { setup.dir.remove() }
    let stations = [plain, ended, recognition, differing, alike]
    #expect(
      try await setup.importRegister(Self.register(stations.map { $0.row() }), asOf: "2022-09-01")
        .exitCode == 0)
    try await setup.decide(ended.id, "撤销", "2023-03-01")
    try await setup.run(asOf: "2024-07-20")
    let report = Dictionary(
      try setup.report().map { (($0["file"] as? String) ?? "", $0) },
      uniquingKeysWith: { a, _ in a })
    func sta(_ file: String) -> [String] {
      Self.issues(report[file] ?? [:]).filter { $0.hasPrefix("STA-") }
    }
    func status(_ file: String) -> String? { report[file]?["status"] as? String }
    #expect(sta("unregistered.xlsx") == ["STA-001 B3"])
    #expect(status("unregistered.xlsx") == "rejected")
    #expect(sta("plain.xlsx") == [] && status("plain.xlsx") == "accepted")
    #expect(sta("ended-after.xlsx") == ["STA-002 B3"])
    #expect(status("ended-after.xlsx") == "rejected")
    let why =
      (report["ended-after.xlsx"]?["issues"] as? [[String: Any]])?.first {
        $0["rule"] as? String == "STA-002"
      }?["message"] as? String ?? ""
    #expect(why.contains("撤销") && why.contains("2023-03-01"), "\(why)")
    #expect(sta("ended-before.xlsx") == [] && status("ended-before.xlsx") == "accepted")
    #expect(sta("recognition-other.xlsx") == ["STA-003 B9"])
    #expect(status("recognition-other.xlsx") == "rejected")
    #expect(sta("recognition-same.xlsx") == [] && status("recognition-same.xlsx") == "accepted")
    #expect(sta("names.xlsx") == ["STA-004 B4", "STA-004 B5", "STA-004 B8"])
    let severities = (report["names.xlsx"]?["issues"] as? [[String: Any]] ?? []).filter {
      ($0["rule"] as? String)?.hasPrefix("STA-") == true
    }.map { $0["severity"] as? String }
    #expect(severities == ["warning", "warning", "warning"])
    #expect(status("names.xlsx") == "accepted")
    #expect(sta("cleaned.xlsx") == [] && status("cleaned.xlsx") == "accepted")
  }

  // MARK: - 5. assess per term

  @Test func aSecondTermIsGradedOnItsOwnWindowAndAGradeIsRecordedOnlyWhenConfirmed() async throws {
    let excellent = Station(id: "TJMU-T-E01", prefix: "6401", tag: "T01")
    let graded = Station(id: "TJMU-T-G01", prefix: "6402", tag: "T02")
    var files: [String: [UInt8]] = [:]
    for y in 2022...2025 {
      for s in [excellent, graded] { files["\(s.id)-\(y).xlsx"] = s.report(y).build() }
    }
    let setup = try RunCommandTests.Setup(files)
    defer { setup.dir.remove() }
    #expect(
      try await setup.importRegister(
        Self.register([excellent.row(), graded.row()]), asOf: "2022-09-01"
      ).exitCode == 0)
    try await setup.run(asOf: "2026-07-20")

    // assess --record needs --confirm: without it, exit 2 and nothing recorded.
    let unconfirmed = try await setup.pipeline(
      "assess", "--as-of", "2026-09-10", "--station", graded.id, "--record")
    #expect(unconfirmed.exitCode == 2)
    #expect(Self.text(unconfirmed.stderr).contains("--confirm"))
    #expect(try setup.decisions().isEmpty)
    // Confirmed but the window not over: the grade is not final, nothing recorded.
    let early = try await setup.pipeline(
      "assess", "--as-of", "2026-08-20", "--station", graded.id, "--record", "--confirm")
    #expect(early.exitCode == 0)
    #expect(Self.text(early.stderr).contains("共记录 0 条"))
    #expect(try setup.decisions().isEmpty)
    #expect(try await setup.status(asOf: "2026-09-10")[graded.id]?.state == "期满待验收")
    // Confirmed after the window: its final grade is recorded as the office's decision.
    let confirmed = try await setup.pipeline(
      "assess", "--as-of", "2026-09-10", "--station", graded.id, "--format", "json", "--record",
      "--confirm")
    #expect(confirmed.exitCode == 0, "\(Self.text(confirmed.stderr))")
    let assessed = try #require(
      try JSONSerialization.jsonObject(with: confirmed.stdout) as? [[String: Any]])
    #expect(assessed.map { $0["grade"] as? String } == ["不合格"])
    #expect(assessed.map { $0["final"] as? Bool } == [true])
    #expect(Self.text(confirmed.stderr).contains("已记录期满验收结论：\(graded.id) 2026-09-10 不合格"))
    #expect(try setup.decisions().map(\.summary) == ["TJMU-T-G01 不合格 2026-09-10 office"])
    let after = try await setup.status(asOf: "2026-09-10")[graded.id]
    #expect(after?.state == "已结束")
    #expect(after?.ended == ["不合格", "2026-09-10", "2029-09-09"])
    let rerun = try await setup.pipeline(
      "assess", "--as-of", "2026-09-10", "--station", graded.id, "--record", "--confirm")
    #expect(Self.text(rerun.stderr).contains("共记录 0 条"))
    #expect(try setup.decisions().count == 1)

    // 优秀: the second term from 2026-09-01. Its first year's report must give that 认定日期.
    try await setup.decide(excellent.id, "优秀", "2026-09-15")
    try setup.put(
      "\(excellent.id)-2026.xlsx", excellent.report(2026, recognized: (2022, 9, 1)).build())
    try await setup.run(asOf: "2027-07-20")
    let stale = try #require(
      try setup.report().first { $0["file"] as? String == "\(excellent.id)-2026.xlsx" })
    #expect(Self.issues(stale).filter { $0.hasPrefix("STA-") } == ["STA-003 B9"])
    #expect(stale["status"] as? String == "rejected")
    try setup.put(
      "\(excellent.id)-2026.xlsx", excellent.report(2026, recognized: (2026, 9, 1)).build())
    try await setup.run(asOf: "2027-07-20")
    let fixed = try #require(
      try setup.report().first { $0["file"] as? String == "\(excellent.id)-2026.xlsx" })
    #expect(fixed["status"] as? String == "accepted", "\(Self.issues(fixed))")
    #expect(fixed["station_state"] as? String == "在建")

    let terms = try await setup.pipeline(
      "assess", "--as-of", "2027-07-20", "--format", "json", "--station", excellent.id)
    #expect(terms.exitCode == 0)
    let list = try #require(
      try JSONSerialization.jsonObject(with: terms.stdout) as? [[String: Any]])
    #expect(list.map { $0["term"] as? Int } == [1, 2])
    #expect(
      list.map { $0["window"] as? [String: String] } == [
        ["from": "2022-09-01", "to": "2026-08-31"], ["from": "2026-09-01", "to": "2030-08-31"],
      ])
    #expect(
      list.map(AssessCommandTests.statuses) == [
        ["2022-2023:on_time", "2023-2024:on_time", "2024-2025:on_time", "2025-2026:on_time"],
        ["2026-2027:on_time", "2027-2028:not_due", "2028-2029:not_due", "2029-2030:not_due"],
      ])
    #expect(list.map { $0["final"] as? Bool } == [true, false])
  }

  // MARK: - 6. Decisions the office cannot record

  struct RefusedDecision: Sendable, CustomTestStringConvertible {
    var arguments: [String]
    /// What the message on stderr says.
    var says: String
    var testDescription: String { arguments.joined(separator: " ") }
  }

  static let refusedDecisions = [
    RefusedDecision(arguments: ["TJMU-D-999", "优秀", "--date", "2026-09-15"], says: "不在工作站名录中"),
    RefusedDecision(arguments: ["TJMU-D-001", "很好", "--date", "2026-09-15"], says: "不是可记录的结论"),
    RefusedDecision(arguments: ["TJMU-D-001", "未申请验收", "--date", "2026-09-15"], says: "不是可记录的结论"),
    RefusedDecision(arguments: ["TJMU-D-001", "优秀", "--date", "2026-02-30"], says: "--date 须为日期"),
    RefusedDecision(arguments: ["TJMU-D-001", "优秀", "--date", "2026/09/15"], says: "--date 须为日期"),
    RefusedDecision(arguments: ["TJMU-D-001", "优秀"], says: "须给出 --date"),
  ]

  @Test(arguments: refusedDecisions)
  func aDecisionThatCannotBeRecorded(_ refused: RefusedDecision) async throws {
    let setup = try RunCommandTests.Setup([:])
    defer { setup.dir.remove() }
    let station = Station(id: "TJMU-D-001", prefix: "6501", tag: "D01")
    #expect(
      try await setup.importRegister(Self.register([station.row()]), asOf: "2022-09-01")
        .exitCode == 0)
    let result = try await setup.runPipeline(["stations", "decide"] + refused.arguments)
    let said = Self.text(result.stderr)
    #expect(result.exitCode == 2)
    #expect(said.hasPrefix("pipeline: ") && said.contains(refused.says), "\(said)")
    #expect(!said.contains("Usage:"))
    #expect(try setup.decisions().isEmpty)
    #expect(try await setup.status(asOf: "2026-09-15")[station.id]?.ended?.first != "优秀")
  }

  @Test func aDecisionWithoutARegisterIsRefused() async throws {
    let setup = try RunCommandTests.Setup([:])
    defer { setup.dir.remove() }
    let result = try await setup.pipeline(
      "stations", "decide", "TJMU-D-001", "优秀", "--date", "2026-09-15")
    #expect(result.exitCode == 2)
    #expect(Self.text(result.stderr).contains("数据库中还没有工作站名录"))
    #expect(!FileManager.default.fileExists(atPath: setup.store.path))
  }
}

// MARK: - Driving the binary

extension RunCommandTests.Setup {
  /// `pipeline ARGS --config <this setup's>`.
  func pipeline(_ args: String...) async throws -> RunResult { try await runPipeline(args) }

  func runPipeline(_ args: [String]) async throws -> RunResult {
    try await runProcess(
      try TestLocations.pipelineBinary.get(), args + ["--config", config.path], timeout: 120)
  }

  /// Writes `register` next to the inbox as `name` and imports it.
  func importRegister(
    _ register: SubmissionWorkbook, as name: String = "名录.xlsx", asOf: String,
    format: String = "text"
  ) async throws -> RunResult {
    let url = dir.url.appendingPathComponent(name)
    try Data(register.build()).write(to: url)
    return try await pipeline("stations", "import", url.path, "--as-of", asOf, "--format", format)
  }

  /// `pipeline run --as-of DAY`, which must succeed.
  @discardableResult
  func run(asOf day: String) async throws -> RunResult {
    let result = try await pipeline("run", "--as-of", day)
    #expect(result.exitCode == 0, "\(StationsCommandTests.text(result.stderr))")
    return result
  }

  /// `pipeline stations decide ID DECISION --date DAY`, which must succeed.
  func decide(_ id: String, _ decision: String, _ day: String) async throws {
    let result = try await pipeline("stations", "decide", id, decision, "--date", day)
    #expect(result.exitCode == 0, "\(StationsCommandTests.text(result.stderr))")
    #expect(StationsCommandTests.text(result.stdout).hasPrefix("已记录：\(id) \(day) \(decision)"))
  }

  /// `pipeline status --as-of DAY --format json`, by station ID.
  func status(asOf day: String) async throws -> [String: StationsCommandTests.Status] {
    let result = try await pipeline("status", "--as-of", day, "--format", "json")
    #expect(result.exitCode == 0, "\(StationsCommandTests.text(result.stderr))")
    let list = try #require(
      try JSONSerialization.jsonObject(with: result.stdout) as? [[String: Any]])
    return Dictionary(
      list.map { (($0["station_id"] as? String) ?? "", StationsCommandTests.Status($0)) },
      uniquingKeysWith: { a, _ in a })
  }

  /// Every decision the store holds.
  func decisions() throws -> [StationDecision] {
    guard FileManager.default.fileExists(atPath: store.path) else { return [] }
    let store = try Store(path: store.path)
    defer { try? store.close() }
    return try store.decisions()
  }
}

extension StationsCommandTests {
  /// One station of `pipeline status --format json`.
  struct Status {
    var json: [String: Any]
    init(_ json: [String: Any]) { self.json = json }

    var state: String? { json["state"] as? String }
    var college: String? { json["college"] as? String }
    /// from, to, number.
    var term: [String] {
      let t = json["term"] as? [String: Any] ?? [:]
      return ["from", "to", "number"].map { t[$0].map { "\($0)" } ?? "" }
    }
    private var yearObjects: [[String: Any]] { json["years"] as? [[String: Any]] ?? [] }
    /// `academic_year:status`.
    var years: [String] { AssessCommandTests.statuses(json) }
    var daysLeft: [Int?] { yearObjects.map { $0["days_left"] as? Int } }
    var submittedOn: [String?] { yearObjects.map { $0["submitted_on"] as? String } }
    var warnings: [String] { json["warnings"] as? [String] ?? [] }
    /// decision, date, ban_until (nil for null); nil when `ended` is null.
    var ended: [String?]? {
      guard let e = json["ended"] as? [String: Any] else { return nil }
      return ["decision", "date", "ban_until"].map { e[$0] as? String }
    }
  }

  /// An entry's issues as `RULE CELL`.
  static func issues(_ entry: [String: Any]) -> [String] {
    (entry["issues"] as? [[String: Any]] ?? []).map {
      "\($0["rule"] ?? "") \(($0["cell"] as? String) ?? "-")"
    }
  }
}

extension StationDecision {
  /// `ID DECISION DATE SOURCE`.
  var summary: String { "\(stationID) \(decision.rawValue) \(date) \(source.rawValue)" }
}
