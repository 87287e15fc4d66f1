import Foundation
import Testing
import XLSXReading

@testable import Pipeline

@Suite struct ConfigurationTests {
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// `pipeline check` works from any folder because the built-in defaults equal the shipped file.
  @Test func builtInDefaultsEqualTheShippedFile() throws {
    let shipped = try Configuration.load(
      path: Self.packageRoot.appendingPathComponent("pipeline.json").path)
    let builtIn = Configuration()
    #expect(shipped.reader == builtIn.reader)
    #expect(shipped.policy == builtIn.policy)
    #expect(shipped.template == builtIn.template)
    #expect(shipped.run == builtIn.run)
  }

  /// Relative run paths are resolved against the configuration file's folder, not the current one.
  @Test func runPathsAreRelativeToTheConfigurationFile() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("pipeline.json")
    try Data(#"{"run": {"inbox": "收件箱", "store": "/var/lib/pipeline/store.sqlite"}}"#.utf8).write(
      to: file)
    let config = try Configuration.load(path: file.path)
    #expect(config.resolve(config.run.inbox) == dir.appendingPathComponent("收件箱").path)
    #expect(config.resolve(config.run.out) == dir.appendingPathComponent("out").path)
    #expect(config.resolve(config.run.store) == "/var/lib/pipeline/store.sqlite")
  }

  @Test func aSettingInTheFileChangesTheLimit() throws {
    let json = #"{"reader": {"maxCells": 123, "maxXMLDepth": 9}}"#
    let config = try Configuration.parse(Data(json.utf8), path: "test.json")
    #expect(config.reader.maxCells == 123)
    #expect(config.reader.maxXMLDepth == 9)
    #expect(config.reader.maxEntries == ReaderLimits().maxEntries)
  }

  @Test(arguments: [
    (#"{"reader": {"maxCell": 1}}"#, "reader.maxCell"),
    (#"{"readr": {}}"#, "readr"),
    (#"{"reader": {"maxCells": -1}}"#, "reader.maxCells"),
    (#"{"reader": {"maxCells": 1.5}}"#, "reader.maxCells"),
    (#"{"reader": {"maxCells": true}}"#, "reader.maxCells"),
    (#"{"reader": {"maxCells": "10"}}"#, "reader.maxCells"),
    (#"{"reader": []}"#, "reader"),
    (#"[1, 2]"#, "JSON object"),
    (#"{"reader": "#, "JSON object"),
  ])
  func rejectsWhatItCannotUse(json: String, mentions: String) {
    do {
      _ = try Configuration.parse(Data(json.utf8), path: "test.json")
      Issue.record("accepted \(json)")
    } catch {
      #expect("\(error)".contains(mentions), "\(error)")
    }
  }

  /// `run.store` is a SQLite file path: an address (`scheme://…`) was once silently taken as a
  /// path; now it is an error naming the key and the address. A password in it is not repeated.
  @Test(arguments: [
    (
      "postgresql://pipeline@db.example.edu.cn:5432/reports",
      "postgresql://pipeline@db.example.edu.cn:5432/reports"
    ),
    ("postgresql://pipeline:s3cret@db/reports", "postgresql://pipeline:***@db/reports"),
    ("postgres://db/reports", "postgres://db/reports"),
    ("POSTGRESQL://DB/REPORTS", "POSTGRESQL://DB/REPORTS"),
    ("sqlite://out/store.sqlite", "sqlite://out/store.sqlite"),
    ("sqlite:///var/lib/pipeline/store.sqlite", "sqlite:///var/lib/pipeline/store.sqlite"),
    ("file://out/store.sqlite", "file://out/store.sqlite"),
    ("file:///var/lib/pipeline/store.sqlite", "file:///var/lib/pipeline/store.sqlite"),
    ("mysql+pymysql://u:p@h/d", "mysql+pymysql://u:***@h/d"),
  ])
  func aStoreAddressIsAnErrorNamingTheKey(store: String, shown: String) {
    let json = #"{"run": {"store": "\#(store)"}}"#
    let error = #expect(throws: ConfigurationError.self) {
      try Configuration.parse(Data(json.utf8), path: "test.json")
    }
    #expect(
      error?.description == "test.json: run.store：不支持的存储地址「\(shown)」（目前只支持 SQLite 文件路径）")
  }

  /// Paths stay paths, whatever they contain.
  @Test(arguments: [
    "out/store.sqlite", "/var/lib/pipeline/store.sqlite", "store", "data/postgresql/store.sqlite",
    "file:store.sqlite", "备份/库 2024.sqlite", "./a://b",
  ])
  func aStorePathIsAccepted(store: String) throws {
    let json = #"{"run": {"store": "\#(store)"}}"#
    #expect(try Configuration.parse(Data(json.utf8), path: "test.json").run.store == store)
  }
}
