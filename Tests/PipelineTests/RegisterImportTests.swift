import Foundation
import Model
import Testing
import XLSXTestSupport

@testable import Pipeline

/// `stations import` (SPEC §9): STA-005 from a ban the register's own rows record.
@Suite struct RegisterImportTests {
  typealias Value = SubmissionWorkbook.Value

  static func row(
    _ id: String, host: String, recognized: (Int, Int, Int), state: String = "",
    on: (Int, Int, Int)? = nil
  ) -> [Value] {
    [
      .text(id), .text("某工作站"), .text(host), .text("药学院"),
      .date(recognized.0, recognized.1, recognized.2), state.isEmpty ? .empty : .text(state),
      on.map { .date($0.0, $0.1, $0.2) } ?? .empty,
    ]
  }

  static func importing(_ rows: [[Value]]) throws -> Stations.ImportResult {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var config = Configuration()
    config.baseDirectory = dir.url.path
    config.run.store = "store.sqlite"
    let header: [Value] = ["工作站编号", "工作站名称", "设站单位", "牵头培养单位", "认定日期", "状态", "状态日期"].map {
      .text($0)
    }
    let path = dir.url.appendingPathComponent("名录.xlsx").path
    try Data(
      SubmissionWorkbook(sheets: [SubmissionWorkbook.Sheet(name: "工作站名录", rows: [header] + rows)])
        .build()
    ).write(to: URL(fileURLWithPath: path))
    return try Stations(configuration: config).importRegister(
      path: path, asOf: Day(iso: "2026-01-01")!)
  }

  @Test(arguments: [
    // 验收不合格 on 2024-03-01: banned through 2027-02-28.
    ((2025, 5, 1), true), ((2027, 2, 28), true), ((2027, 3, 1), false),
  ])
  func aBanInTheSameRegisterRefusesANewStationOfItsUnit(
    recognized: (Int, Int, Int), refused: Bool
  ) throws {
    let result = try Self.importing([
      Self.row(
        "TJMU-B-001", host: "某公司", recognized: (2020, 3, 1), state: "验收不合格", on: (2024, 3, 1)),
      Self.row("TJMU-B-002", host: "某公司", recognized: recognized),
      // Another 设站单位 is never banned by it.
      Self.row("TJMU-B-003", host: "另一公司", recognized: (2025, 5, 1)),
    ])
    let sta = result.entry.issues.filter { $0.rule == "STA-005" }
    #expect(sta.map(\.cell?.a1) == (refused ? ["E3"] : []))
    #expect((result.outcome == nil) == refused)
  }
}
