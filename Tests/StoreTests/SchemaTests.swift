import Foundation
import Model
import Store
import Testing
import XLSXTestSupport

/// The schema: the store passes SQLite's own `PRAGMA integrity_check` (SPEC §8), and stores of
/// versions 1 and 2 are migrated to the current version on open with every row kept.
@Suite struct SchemaTests {
  /// The tables of the store, parents before children (the order rows can be copied in).
  static let tables = [
    "submissions", "station", "students", "people", "outcomes", "outcome_students", "payments",
    "verdicts",
  ]

  /// A store with two stations, two versions of one year and verdicts.
  static func filledStore(at path: String) throws -> Store {
    let store = try Store(path: path)
    try store.record(submission(), file: "a", sha256: sha("a"), receivedAt: received)
    try store.record(submission(), file: "a2", sha256: sha("a2"), receivedAt: received)
    try store.record(
      submission(station: "TJMU-GZZ-002", year: 2024), file: "b", sha256: sha("b"),
      receivedAt: received)
    try store.recordVerdict(
      sha256: sha("c"), station: "TJMU-GZZ-002", year: AcademicYear(startYear: 2023), file: "c",
      submittedOn: nil, receivedAt: received, status: .rejected, rules: ["SAF-001": 1])
    return store
  }

  /// Every row of every table (that `db` has), columns by name: the same for two stores whatever
  /// order their columns are declared in.
  /// The columns later versions added to a table (version 3 each verdict's findings, version 4
  /// its receipt's time): not in older stores, compared apart.
  static let addedLater = ["verdicts": ["findings", "receipt_at"]]

  static func contents(_ db: Database) throws -> [String: [[SQLValue]]] {
    var result: [String: [[SQLValue]]] = [:]
    for table in tables {
      let columns = try db.query("SELECT name FROM pragma_table_info(?1)", [.text(table)])
        .compactMap { $0.text(0) }.filter { !(addedLater[table] ?? []).contains($0) }.sorted()
      if columns.isEmpty { continue }
      let order = (1...columns.count).map(String.init).joined(separator: ", ")
      result[table] = try db.query(
        "SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY \(order)"
      ).map(\.values)
    }
    return result
  }

  /// Writes at `path` what a version-1 or version-2 build wrote — that version's DDL, as it was —
  /// holding the rows of the store at `source` (only the tables that version had).
  static func legacyStore(version: Int, at path: String, copying source: String) throws {
    let db = try Database(path: path)
    defer { try? db.close() }
    try db.execute(StoreSchema.v1)
    if version >= 2 { try db.execute(StoreSchema.v2) }
    try db.execute("PRAGMA application_id = \(StoreSchema.applicationID)")
    try db.run("ATTACH DATABASE ?1 AS source", [.text(source)])
    try db.transaction { () throws(StoreError) in
      for table in tables where version >= 2 || table != "verdicts" {
        let columns = try db.query("SELECT name FROM pragma_table_info(?1, 'main')", [.text(table)])
          .compactMap { $0.text(0) }.joined(separator: ", ")
        try db.execute(
          "INSERT INTO main.\(table) (\(columns)) SELECT \(columns) FROM source.\(table)")
      }
    }
    try db.execute("DETACH DATABASE source")
    try db.execute("PRAGMA user_version = \(version)")
  }

  @Test func aFilledStorePassesSQLitesIntegrityCheck() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let store = try Self.filledStore(at: dir.path())
    defer { try? store.close() }
    #expect(try store.integrityCheck() == ["ok"])
    #expect(try counts(store)["outcome_students"] == 9)  // the check covered the link table
  }

  /// SQLite 3.40's check misreads a `WITHOUT ROWID` table whose primary-key columns are not its
  /// leading ones: every such table lists them first.
  @Test func everyWithoutRowidTableListsItsKeyColumnsFirst() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let store = try Store(path: dir.path())
    defer { try? store.close() }
    let tables = try store.database.query(
      "SELECT name FROM pragma_table_list WHERE schema = 'main' AND wr = 1"
    ).compactMap { $0.text(0) }
    #expect(Set(tables) == ["outcome_students", "register_rows"])
    for table in tables {
      let keys = try store.database.query(
        "SELECT pk FROM pragma_table_info(?1) ORDER BY cid", [.text(table)]
      ).compactMap { $0.int(0) }
      let keyCount = keys.filter { $0 > 0 }.count
      #expect(keys.prefix(keyCount).allSatisfy { $0 > 0 }, "\(table): \(keys)")
    }
  }

  @Test(arguments: [1, 2])
  func anOlderStoreIsMigratedWithEveryRowAndPassesTheCheck(from version: Int) throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let source = try Self.filledStore(at: dir.path("source.sqlite"))
    defer { try? source.close() }
    let path = dir.path("old.sqlite")
    try Self.legacyStore(version: version, at: path, copying: source.path)
    let before: [String: [[SQLValue]]]
    do {
      let db = try Database(path: path)
      defer { try? db.close() }
      before = try Self.contents(db)
      // The false positive this version removes, where this SQLite has it: one line per row.
      let check = try db.query("PRAGMA integrity_check").compactMap { $0.text(0) }
      let links = try #require(try counts(source)["outcome_students"])
      #expect(
        check == ["ok"]
          || check == Array(repeating: "NULL value in outcome_students.position", count: links),
        "\(check)")
    }
    let sourceVerdicts = try Self.contents(source.database)["verdicts"]
    #expect(before["verdicts"] == (version == 1 ? nil : sourceVerdicts))

    let store = try Store(path: path)
    defer { try? store.close() }
    #expect(
      try store.database.scalar("PRAGMA user_version") == .integer(Int64(StoreSchema.version)))
    #expect(try store.integrityCheck() == ["ok"])
    // Verdicts recorded before findings were kept have none.
    #expect(
      try store.database.query("SELECT DISTINCT findings FROM verdicts").map(\.values)
        == (version == 1 ? [] : [[.text("[]")]]))
    var after = try Self.contents(store.database)
    if version == 1 {
      #expect(after.removeValue(forKey: "verdicts") == [])
    }
    #expect(after == before)
    // What the queries read is what the source store reads, outcomes' student order included.
    for station in ["TJMU-GZZ-001", "TJMU-GZZ-002"] {
      #expect(try store.outcomes(station: station) == source.outcomes(station: station))
      #expect(try store.students(station: station) == source.students(station: station))
    }
    #expect(try store.stations() == source.stations())
    // And it takes new submissions as a new store does.
    #expect(
      try store.record(submission(year: 2024), file: "d", sha256: sha("d"), receivedAt: received)
        == .inserted)
    #expect(try store.integrityCheck() == ["ok"])
  }

  /// Two processes opening one version-2 store at once: one migrates, the other waits and opens
  /// the migrated store (the migration runs under the write lock, and checks the version again).
  @Test func twoConnectionsOpeningAnOldStoreAtOnceMigrateItOnce() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let source = try Self.filledStore(at: dir.path("source.sqlite"))
    defer { try? source.close() }
    let path = dir.path("old.sqlite")
    try Self.legacyStore(version: 2, at: path, copying: source.path)

    let errors = onThreads(2) { t in
      let store = try Store(path: path)
      defer { try? store.close() }
      try store.record(
        submission(station: "T\(t)"), file: "t\(t)", sha256: sha("t\(t)"), receivedAt: received)
    }
    #expect(errors == [])
    let store = try Store(path: path)
    defer { try? store.close() }
    #expect(try store.integrityCheck() == ["ok"])
    #expect(try counts(store)["submissions"] == 5)
    #expect(try store.outcomes(station: "TJMU-GZZ-001") == source.outcomes(station: "TJMU-GZZ-001"))
  }
}
