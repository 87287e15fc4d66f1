import Foundation
import Model
import Store
import Testing

/// The SQLite wrapper: typed binds read back as bound, errors carry SQLite's message and the SQL,
/// transactions are all or nothing.
@Suite struct SQLiteTests {
  @Test func bindsReadBackAsBound() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let db = try Database(path: dir.path("t.sqlite"))
    defer { try? db.close() }
    try db.execute("CREATE TABLE t (a, b, c, d)")
    let text = "张三\u{0}尾 \"quoted\" 'single'"
    try db.run(
      "INSERT INTO t VALUES (?1, ?2, ?3, ?4)",
      [.integer(Int64.max), .real(1500.25), .text(text), .null])
    try db.run(
      "INSERT INTO t VALUES (?1, ?2, ?3, ?4)",
      [SQLValue(Int?.none), SQLValue(true), SQLValue("x" as String?), SQLValue(Int64(-3))])
    let rows = try db.query("SELECT a, b, c, d FROM t ORDER BY rowid")
    #expect(rows[0].values == [.integer(Int64.max), .real(1500.25), .text(text), .null])
    #expect(rows[1].values == [.null, .integer(1), .text("x"), .integer(-3)])
    #expect(rows[1].bool(1) == true)
    #expect(rows[0].int(0) == Int.max)
    #expect(rows[0].double(1) == 1500.25)
    #expect(rows[0].text(3) == nil)

    // A statement is reused across binds and iterated row by row.
    let statement = try db.prepare("SELECT c FROM t WHERE rowid >= ?1 ORDER BY rowid")
    for start: Int64 in [1, 2, 1] {
      try statement.bind([.integer(start)])
      var seen: [String] = []
      while let row = try statement.next() { seen.append(row.text(0) ?? "") }
      #expect(seen == (start == 1 ? [text, "x"] : ["x"]))
    }
  }

  @Test func anErrorCarriesTheOperationSQLitesMessageAndTheSQL() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let db = try Database(path: dir.path("t.sqlite"))
    defer { try? db.close() }
    let error = try #require(throws: StoreError.self) { try db.query("SELECT * FROM missing") }
    #expect(error.operation == "prepare")
    #expect(error.message == "no such table: missing")
    #expect(error.sql == "SELECT * FROM missing")
    #expect(error.kind == .other)
    #expect(error.description.contains("no such table: missing"))
    #expect(error.description.contains("SELECT * FROM missing"))
  }

  @Test func aTransactionCommitsOrRollsBack() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let db = try Database(path: dir.path("t.sqlite"))
    defer { try? db.close() }
    try db.execute("CREATE TABLE t (a INTEGER PRIMARY KEY)")

    let n = try db.transaction { () throws(StoreError) -> Int in
      try db.run("INSERT INTO t VALUES (1)")
      return try db.run("INSERT INTO t VALUES (2)")
    }
    #expect(n == 1)
    #expect(throws: StoreError.self) {
      try db.transaction { () throws(StoreError) in
        try db.run("INSERT INTO t VALUES (3)")
        try db.run("INSERT INTO t VALUES (1)")  // primary key taken
      }
    }
    #expect(!db.inTransaction)
    #expect(try db.query("SELECT a FROM t ORDER BY a").map { $0.int(0) } == [1, 2])
  }

  @Test func closeIsSafeTwiceAndLaterUseThrows() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let db = try Database(path: dir.path("t.sqlite"))
    let statement = try db.prepare("SELECT 1")
    try db.close()
    try db.close()
    #expect(throws: StoreError.self) { try statement.bind([]) }
    let error = try #require(throws: StoreError.self) { try db.execute("SELECT 1") }
    #expect(error.kind == .closed)
  }
}
