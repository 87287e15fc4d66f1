internal import CSQLite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why the store failed: the operation, SQLite's own message (`sqlite3_errmsg`) and result code,
/// the SQL being run and the store's path. Also used for the store's own refusals (a file that is
/// not a pipeline store, a schema newer than this build, a submission without its keys), which
/// have no result code.
public struct StoreError: Error, Equatable, Sendable, CustomStringConvertible {
  /// What kind of failure, for callers that react differently (a `run` that says "the store file
  /// is damaged" rather than printing SQLite's words).
  public enum Kind: Equatable, Sendable {
    /// The file is not an SQLite database, is damaged, or is some other program's database.
    case notADatabase
    /// The file cannot be opened or written (missing folder, a directory, no permission).
    case cannotOpen
    /// Another process held the store longer than the busy timeout.
    case busy
    /// A constraint refused a row (a duplicate 学号 within one submission, a missing key).
    case constraint
    /// The store was written by a newer build (its `user_version` is higher than ours).
    case schemaTooNew
    /// The submission lacks what the store is keyed by (工作站编号, 报送学年).
    case invalidSubmission
    /// The store (or a statement) was used after `close()`.
    case closed
    case other
  }

  public var kind: Kind
  /// What was being done: `open`, `prepare`, `step`, `exec`, `record`, `close`, …
  public var operation: String
  /// SQLite's message (`sqlite3_errmsg`), or the store's own.
  public var message: String
  /// SQLite's extended result code; nil for the store's own refusals.
  public var code: Int32?
  /// The SQL being run, when there was one.
  public var sql: String?
  /// The store's file.
  public var path: String

  public init(
    _ kind: Kind, operation: String, message: String, code: Int32? = nil, sql: String? = nil,
    path: String
  ) {
    self.kind = kind
    self.operation = operation
    self.message = message
    self.code = code
    self.sql = sql
    self.path = path
  }

  public var description: String {
    var s = "store \(path): \(operation) failed: \(message)"
    if let code { s += " (SQLite code \(code))" }
    if let sql { s += " [SQL: \(sql.count > 200 ? String(sql.prefix(200)) + "…" : sql)]" }
    return s
  }
}

// MARK: - The one error-mapping helper

/// The error for a failed SQLite call on `db`: its message and extended code, classified.
private func sqliteError(
  _ db: OpaquePointer?, _ rc: Int32, operation: String, sql: String?, path: String
) -> StoreError {
  let message: String
  let code: Int32
  if let db {
    message = String(cString: sqlite3_errmsg(db))
    let extended = sqlite3_extended_errcode(db)
    code = extended & 0xFF == rc & 0xFF ? extended : rc
  } else {
    message = String(cString: sqlite3_errstr(rc))
    code = rc
  }
  let kind: StoreError.Kind =
    switch code & 0xFF {
    case SQLITE_NOTADB, SQLITE_CORRUPT: .notADatabase
    case SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_READONLY, SQLITE_AUTH: .cannotOpen
    case SQLITE_BUSY, SQLITE_LOCKED: .busy
    case SQLITE_CONSTRAINT: .constraint
    case SQLITE_MISUSE: .closed
    default: .other
    }
  return StoreError(kind, operation: operation, message: message, code: code, sql: sql, path: path)
}

/// SQLite copies the bytes before the bind returns (`SQLITE_TRANSIENT`, a macro Swift cannot
/// import).
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

// MARK: - Values

/// A value bound to or read from SQLite: the four storage classes the store uses.
package enum SQLValue: Equatable, Sendable, ExpressibleByNilLiteral, ExpressibleByStringLiteral,
  ExpressibleByIntegerLiteral
{
  case integer(Int64)
  case real(Double)
  case text(String)
  case null

  package init(nilLiteral: ()) { self = .null }
  package init(stringLiteral value: String) { self = .text(value) }
  package init(integerLiteral value: Int64) { self = .integer(value) }

  package init(_ value: String?) { self = value.map { .text($0) } ?? .null }
  package init(_ value: Int64?) { self = value.map { .integer($0) } ?? .null }
  package init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
  package init(_ value: Double?) { self = value.map { .real($0) } ?? .null }
  /// 0/1, or NULL.
  package init(_ value: Bool?) { self = value.map { .integer($0 ? 1 : 0) } ?? .null }
}

/// One result row, copied out of the statement (it stays valid after the next step).
package struct Row: Sendable {
  package var values: [SQLValue]

  package subscript(_ i: Int) -> SQLValue { values[i] }

  package func int64(_ i: Int) -> Int64? {
    switch values[i] {
    case .integer(let v): v
    case .real(let v): Int64(exactly: v)
    default: nil
    }
  }
  package func int(_ i: Int) -> Int? { int64(i).map { Int($0) } }
  package func double(_ i: Int) -> Double? {
    switch values[i] {
    case .integer(let v): Double(v)
    case .real(let v): v
    default: nil
    }
  }
  package func text(_ i: Int) -> String? {
    if case .text(let v) = values[i] { return v }
    return nil
  }
  /// 0/1 as false/true; NULL as nil.
  package func bool(_ i: Int) -> Bool? { int64(i).map { $0 != 0 } }
}

// MARK: - Database

/// One SQLite connection, used from one thread at a time (each thread or process opens its own).
///
/// Opened in WAL mode with a busy timeout, so concurrent writers on the same file wait for each
/// other instead of failing, and with foreign keys enforced. ``close()`` finishes the connection
/// (checkpointing the WAL when it is the last one) and reports a failure; it is safe to call
/// twice. A connection that is never closed is closed by `deinit`, ignoring errors.
package final class Database {
  package let path: String
  private var handle: OpaquePointer?
  /// Prepared statements by SQL, reused for the connection's lifetime and finalized at close.
  private var statements: [String: Statement] = [:]

  /// Opens (creating when absent) the database at `path`. `busyTimeout` is in milliseconds.
  package init(path: String, busyTimeout: Int32 = 30_000) throws(StoreError) {
    self.path = path
    var db: OpaquePointer?
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
    let rc = sqlite3_open_v2(path, &db, flags, nil)
    guard rc == SQLITE_OK, let db else {
      let error = sqliteError(db, rc, operation: "open", sql: nil, path: path)
      sqlite3_close_v2(db)  // open hands back a handle even on failure, to read the message
      throw error
    }
    handle = db
    sqlite3_extended_result_codes(db, 1)
    sqlite3_busy_timeout(db, busyTimeout)
    do throws(StoreError) {
      // The first statement that reads the file: a file that is not a database fails here.
      // Switching to WAL takes an exclusive lock, and SQLite answers a competing connection
      // (two runs opening one new store at once) with SQLITE_BUSY without consulting the busy
      // handler: retry for as long as the busy timeout would have waited.
      var waited: Int32 = 0
      while true {
        do throws(StoreError) {
          try execute("PRAGMA journal_mode = WAL")
          break
        } catch
          where (error.code.map { $0 & 0xFF == SQLITE_BUSY } ?? false) && waited < busyTimeout
        {
          usleep(20_000)
          waited += 20
        }
      }
      try execute("PRAGMA synchronous = NORMAL")
      try execute("PRAGMA foreign_keys = ON")
    } catch {
      try? close()
      throw error
    }
  }

  deinit {
    guard let db = handle else { return }
    for statement in statements.values { statement.finalize() }
    sqlite3_close_v2(db)
  }

  /// Closes the connection. Safe to call twice; after it every use throws `.closed`.
  package func close() throws(StoreError) {
    guard let db = handle else { return }
    for statement in statements.values { statement.finalize() }
    statements = [:]
    handle = nil
    let rc = sqlite3_close(db)
    guard rc == SQLITE_OK else {
      let error = sqliteError(db, rc, operation: "close", sql: nil, path: path)
      sqlite3_close_v2(db)  // let SQLite free it once whatever holds it is done
      throw error
    }
  }

  private func open(_ operation: String, sql: String?) throws(StoreError) -> OpaquePointer {
    guard let handle else {
      throw StoreError(
        .closed, operation: operation, message: "the store is closed", sql: sql, path: path)
    }
    return handle
  }

  /// Runs one or more statements that return no rows (schema, pragmas, BEGIN/COMMIT).
  package func execute(_ sql: String) throws(StoreError) {
    let db = try open("exec", sql: sql)
    let rc = sqlite3_exec(db, sql, nil, nil, nil)
    guard rc == SQLITE_OK else {
      throw sqliteError(db, rc, operation: "exec", sql: sql, path: path)
    }
  }

  /// The prepared statement for `sql`, compiled once per connection.
  package func prepare(_ sql: String) throws(StoreError) -> Statement {
    if let cached = statements[sql] { return cached }
    let db = try open("prepare", sql: sql)
    var pointer: OpaquePointer?
    let rc = sqlite3_prepare_v2(db, sql, -1, &pointer, nil)
    guard rc == SQLITE_OK, let pointer else {
      throw sqliteError(db, rc, operation: "prepare", sql: sql, path: path)
    }
    let statement = Statement(pointer: pointer, db: db, sql: sql, path: path)
    statements[sql] = statement
    return statement
  }

  /// Runs a statement that returns no rows, with its parameters; returns the rows it changed.
  @discardableResult
  package func run(_ sql: String, _ parameters: [SQLValue] = []) throws(StoreError) -> Int {
    let statement = try prepare(sql)
    try statement.bind(parameters)
    while try statement.next() != nil {}
    return Int(sqlite3_changes(try open("changes", sql: sql)))
  }

  /// All rows of a query.
  package func query(_ sql: String, _ parameters: [SQLValue] = []) throws(StoreError) -> [Row] {
    let statement = try prepare(sql)
    try statement.bind(parameters)
    var rows: [Row] = []
    while let row = try statement.next() { rows.append(row) }
    return rows
  }

  /// The first column of the first row, or nil when there is no row.
  package func scalar(_ sql: String, _ parameters: [SQLValue] = []) throws(StoreError) -> SQLValue?
  {
    let statement = try prepare(sql)
    try statement.bind(parameters)
    let row = try statement.next()
    statement.reset()
    return row?[0]
  }

  /// The rowid of the last row inserted on this connection.
  package var lastInsertRowID: Int64 {
    get throws(StoreError) { sqlite3_last_insert_rowid(try open("last_insert_rowid", sql: nil)) }
  }

  /// Whether a transaction is open on this connection.
  package var inTransaction: Bool {
    guard let handle else { return false }
    return sqlite3_get_autocommit(handle) == 0
  }

  /// Runs `body` in a write transaction: `BEGIN IMMEDIATE` takes the write lock up front
  /// (waiting up to the busy timeout for another writer), so the transaction never has to upgrade
  /// a read lock, which SQLite would refuse with SQLITE_BUSY without waiting. Commits when `body`
  /// returns; rolls back and rethrows when it (or the commit) throws.
  package func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
    try execute("BEGIN IMMEDIATE")
    do throws(StoreError) {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      if let handle, sqlite3_get_autocommit(handle) == 0 {
        _ = sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
      }
      throw error
    }
  }
}

// MARK: - Statement

/// A prepared statement owned by its ``Database``: bind parameters, then step through rows with
/// ``next()`` until it returns nil. Finalized when the database closes.
package final class Statement {
  private var pointer: OpaquePointer?
  private let db: OpaquePointer
  package let sql: String
  private let path: String

  fileprivate init(pointer: OpaquePointer, db: OpaquePointer, sql: String, path: String) {
    self.pointer = pointer
    self.db = db
    self.sql = sql
    self.path = path
  }

  fileprivate func finalize() {
    if let pointer { sqlite3_finalize(pointer) }
    pointer = nil
  }

  private func live(_ operation: String) throws(StoreError) -> OpaquePointer {
    guard let pointer else {
      throw StoreError(
        .closed, operation: operation, message: "the store is closed", sql: sql, path: path)
    }
    return pointer
  }

  /// Resets the statement and binds `parameters` to `?1`, `?2`, … in order.
  package func bind(_ parameters: [SQLValue]) throws(StoreError) {
    let p = try live("bind")
    sqlite3_reset(p)
    sqlite3_clear_bindings(p)
    for (i, value) in parameters.enumerated() {
      let index = Int32(i + 1)
      let rc: Int32 =
        switch value {
        case .integer(let v): sqlite3_bind_int64(p, index, v)
        case .real(let v): sqlite3_bind_double(p, index, v)
        case .null: sqlite3_bind_null(p, index)
        case .text(let v):
          v.withCString { sqlite3_bind_text(p, index, $0, Int32(v.utf8.count), transient) }
        }
      guard rc == SQLITE_OK else {
        throw sqliteError(db, rc, operation: "bind ?\(index)", sql: sql, path: path)
      }
    }
  }

  /// The next row, or nil when the statement is done (it is then reset, ready to bind again).
  package func next() throws(StoreError) -> Row? {
    let p = try live("step")
    let rc = sqlite3_step(p)
    switch rc {
    case SQLITE_ROW:
      let count = sqlite3_column_count(p)
      var values: [SQLValue] = []
      values.reserveCapacity(Int(count))
      for c in 0..<count {
        switch sqlite3_column_type(p, c) {
        case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(p, c)))
        case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(p, c)))
        case SQLITE_NULL: values.append(.null)
        default:  // text (and blobs, which the store never writes, read as text)
          let bytes = Int(sqlite3_column_bytes(p, c))
          if let text = sqlite3_column_text(p, c) {
            values.append(
              .text(String(decoding: UnsafeBufferPointer(start: text, count: bytes), as: UTF8.self))
            )
          } else {
            values.append(.text(""))
          }
        }
      }
      return Row(values: values)
    case SQLITE_DONE:
      sqlite3_reset(p)
      return nil
    default:
      let error = sqliteError(db, rc, operation: "step", sql: sql, path: path)
      sqlite3_reset(p)
      throw error
    }
  }

  /// Ends a query before its last row (releases its read lock).
  package func reset() {
    if let pointer { sqlite3_reset(pointer) }
  }
}
