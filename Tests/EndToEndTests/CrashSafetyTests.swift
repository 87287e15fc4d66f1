import Foundation
import Model
import Store
import Testing
import XLSXReading
import XLSXTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// `pipeline run` killed (SIGKILL) at varied points, then run again: nothing partial is ever
/// visible under a final name, the store stays consistent, and the rerun ends where an
/// uninterrupted run does.
@Suite(.serialized) struct CrashSafetyTests {
  static func inbox() -> [String: [UInt8]] {
    var files: [String: [UInt8]] = [:]
    for i in 0..<24 {
      var wb = SubmissionWorkbook.valid(
        station: "TJMU-2023-\(100 + i)", studentPrefix: "\(6000 + i)")
      wb.set("工作站信息", "B8", .text(["基础医学院", "口腔医学院", "护理学院"][i % 3]))
      if i % 4 == 0 { wb.set("进站研究生", "C3", .empty) }  // rejected: an annotated copy
      if i % 4 == 1 { wb.set("进站研究生", "L3", .text("否")) }  // a finding: accepted, annotated
      files[String(format: "s%02d.xlsx", i)] = wb.build()
    }
    files["broken.xlsx"] = Array("not a workbook".utf8)
    return files
  }

  /// Every file under `out` with a final name is complete: report.json parses, every .xlsx
  /// opens and reads to its end.
  static func expectOnlyCompleteOutputs(in out: URL) throws {
    let names = FileManager.default.enumerator(atPath: out.path)?.allObjects as? [String] ?? []
    for name in names where !name.contains(".tmp-") && !name.hasPrefix("store.sqlite") {
      let path = out.appendingPathComponent(name).path
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
        !isDirectory.boolValue
      else { continue }
      if name.hasSuffix(".json") {
        #expect(
          (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))))
            != nil, "\(name)")
      } else if name.hasSuffix(".xlsx") {
        do {
          let workbook = try Workbook(path: path)
          for i in workbook.sheets.indices { try workbook.forEachRow(inSheet: i) { _ in } }
        } catch {
          Issue.record("\(name) is not a complete workbook: \(error)")
        }
      }
    }
  }

  @Test func killedRunsLeaveNothingPartialAndTheRerunCompletes() async throws {
    let reference = try RunCommandTests.Setup(Self.inbox())
    defer { reference.dir.remove() }
    #expect(try await reference.run().exitCode == 0)
    let expected = try Data(contentsOf: reference.out.appendingPathComponent("report.json"))

    let setup = try RunCommandTests.Setup(Self.inbox())
    defer { setup.dir.remove() }
    let binary = try TestLocations.pipelineBinary.get()
    // Kill points spread over a run (a debug build takes a few hundred milliseconds here).
    for delay in [0.02, 0.08, 0.15, 0.25, 0.4, 0.6] {
      let process = Process()
      process.executableURL = binary
      process.arguments = ["run", "--config", setup.config.path]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      try Self.expectOnlyCompleteOutputs(in: setup.out)
      if FileManager.default.fileExists(atPath: setup.store.path) {
        // Whatever was stored is whole: every station has exactly one current version.
        let store = try Store(path: setup.store.path)
        #expect(try store.integrityCheck() == ["ok"], "killed after \(delay) s")
        for station in try store.stations() { #expect(station.years.map(\.version) == [1]) }
        try store.close()
      }
    }
    let rerun = try await setup.run()
    #expect(rerun.exitCode == 0)
    #expect(try Data(contentsOf: setup.out.appendingPathComponent("report.json")) == expected)
    try Self.expectOnlyCompleteOutputs(in: setup.out)
    let leftovers =
      (FileManager.default.enumerator(atPath: setup.out.path)?.allObjects as? [String] ?? [])
      .filter { $0.contains(".tmp-") }
    #expect(leftovers == [])
    let store = try Store(path: setup.store.path)
    defer { try? store.close() }
    #expect(try store.stations().count == 18)  // 24 submissions, 6 rejected
    #expect(try store.integrityCheck() == ["ok"])
  }
}
