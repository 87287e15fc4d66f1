import Foundation
import Testing
import XLSXTestSupport

/// The register's rules in `pipeline run` see the batch's own reports (SPEC §9): years reported
/// in the same inbox keep a station from looking revoked to its later years.
@Suite struct RegisterBatchTests {
  static let station = "TJMU-2021-101"

  /// The register: one station, recognized 2021-10-08, as the baseline names it.
  static func register() -> [UInt8] {
    SubmissionWorkbook(sheets: [
      SubmissionWorkbook.Sheet(
        name: "工作站名录",
        rows: [
          ["工作站编号", "工作站名称", "设站单位", "牵头培养单位", "认定日期"].map { .text($0) },
          [
            .text(station), .text("天津某某生物医药研究生工作站"), .text("天津某某生物医药有限公司"), .text("基础医学院"),
            .date(2021, 10, 8),
          ],
        ])
    ]).build()
  }

  /// One year's report of the station, on time, recognized 2021-10-08.
  static func report(_ startYear: Int) -> [UInt8] {
    let stay = AssessCommandTests.Stay(
      id: "6101\(startYear)00", name: "学生\(startYear)", from: (startYear, 9, 1), to: nil)
    var wb = AssessCommandTests.annual(
      station: station, startYear: startYear, submitted: (startYear + 1, 7, 5), stays: [stay])
    wb.set("工作站信息", "B9", .date(2021, 10, 8))
    return wb.build()
  }

  /// Reports for `years` in one inbox, one run on `asOf`: each file's rules.
  static func rules(years: [Int], asOf: String = "2025-08-01") async throws -> [String: [String]] {
    var files: [String: [UInt8]] = [:]
    for y in years { files["r\(y).xlsx"] = report(y) }
    let setup = try RunCommandTests.Setup(files)
    defer { setup.dir.remove() }
    let registerPath = setup.dir.url.appendingPathComponent("register.xlsx")
    try Data(register()).write(to: registerPath)
    let binary = try TestLocations.pipelineBinary.get()
    let imported = try await runProcess(
      binary, ["stations", "import", registerPath.path, "--config", setup.config.path],
      timeout: 60)
    #expect(imported.exitCode == 0, "\(String(decoding: imported.stderr, as: UTF8.self))")
    let run = try await runProcess(
      binary, ["run", "--config", setup.config.path, "--as-of", asOf], timeout: 120)
    #expect(run.exitCode == 0)
    var rules: [String: [String]] = [:]
    for entry in try setup.report() {
      let issues = entry["issues"] as? [[String: Any]] ?? []
      rules[entry["file"] as! String] = issues.compactMap { $0["rule"] as? String }
    }
    return rules
  }

  @Test func theBatchsOwnEarlierYearsCount() async throws {
    let rules = try await Self.rules(years: [2021, 2022, 2023, 2024])
    #expect(rules.count == 4)
    #expect(rules.values.allSatisfy { !$0.contains { $0.hasPrefix("STA-") } }, "\(rules)")
  }

  /// The near miss: without 2021-2022 and 2022-2023 the station was revoked on 2023-07-10, before
  /// 2024-2025 began — STA-002 on that year's report; 2023-2024 began before it, and is judged.
  @Test(arguments: ["2025-08-01", "2023-06-01"])
  func withoutThemTheLaterYearIsRefused(asOf: String) async throws {
    // Run on 2023-06-01 (before the revocation and before 2024-2025 began: a replay), the year
    // is judged as it stood when it began.
    let rules = try await Self.rules(years: [2023, 2024], asOf: asOf)
    #expect(rules["r2024.xlsx"]?.contains("STA-002") == true, "\(rules)")
    #expect(rules["r2023.xlsx"]?.contains("STA-002") == false, "\(rules)")
  }
}
