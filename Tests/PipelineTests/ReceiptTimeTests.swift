import Assessment
import Basics
import Foundation
import Model
import Testing
import XLSXTestSupport

@testable import Pipeline

/// SPEC §9: a report that came through `pipeline serve` is on time only when its receipt's time
/// is on or before the deadline too; one put in the inbox by hand has only its 报送日期.
@Suite struct ReceiptTimeTests {
  /// A run over one valid 2023-2024 report (报送日期 2024-07-05) of a registered station, with a
  /// receipt for it received at `receivedAt` (none: put in the inbox by hand); the year's status
  /// in the station's standing afterwards.
  static func status(receivedAt: String?) throws -> YearStatus? {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let root = dir.url.path
    let inbox = root + "/inbox"
    try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
    let bytes = SubmissionWorkbook.valid().build()
    try Data(bytes).write(to: URL(fileURLWithPath: inbox + "/a.xlsx"))
    if let receivedAt {
      let folder = root + "/receipts/基础医学院"
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      let receipt = #"{"sha256": "\#(SHA256.hex(bytes))", "received_at": "\#(receivedAt)"}"#
      try Data(receipt.utf8).write(to: URL(fileURLWithPath: folder + "/r1.json"))
    }
    var config = Configuration()
    config.baseDirectory = root
    config.run.inbox = "inbox"
    config.run.out = "out"
    config.run.store = "out/store.sqlite"
    config.serve.receipts = "receipts"
    let register = SubmissionWorkbook(sheets: [
      SubmissionWorkbook.Sheet(
        name: "工作站名录",
        rows: [
          ["工作站编号", "工作站名称", "设站单位", "牵头培养单位", "认定日期"].map { .text($0) },
          [
            .text("TJMU-2022-015"), .text("天津某某生物医药研究生工作站"), .text("天津某某生物医药有限公司"),
            .text("基础医学院"), .date(2022, 9, 1),
          ],
        ])
    ]).build()
    try Data(register).write(to: URL(fileURLWithPath: root + "/register.xlsx"))
    let asOf = Day(iso: "2024-10-01")!
    let imported = try Stations(configuration: config).importRegister(
      path: root + "/register.xlsx", asOf: asOf)
    #expect(imported.entry.issues.isEmpty, "\(imported.entry.issues)")
    let result = try BatchRun(configuration: config, asOf: asOf).run()
    #expect(result.entries.map(\.status) == [.accepted])
    let standing = try #require(try Stations(configuration: config).standings(asOf: asOf).first)
    return standing.years.first { $0.academicYear == AcademicYear(startYear: 2023) }?.status
  }

  @Test(arguments: [
    // Received on 7月10日 at 23:59 in Beijing: on time.
    ("2024-07-10T15:59:59Z", YearStatus.onTime),
    // One second later, 7月11日 00:00 in Beijing: late, whatever its 报送日期 says.
    ("2024-07-10T16:00:00Z", .late),
    ("2024-09-02T01:00:00Z", .late),
  ])
  func theReceiptsTimeCounts(receivedAt: String, expected: YearStatus) throws {
    #expect(try Self.status(receivedAt: receivedAt) == expected)
  }

  @Test func aFilePutInTheInboxByHandHasOnlyItsDate() throws {
    #expect(try Self.status(receivedAt: nil) == .onTime)
  }
}
