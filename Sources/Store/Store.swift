import Foundation
import Model

/// What ``Store/record(_:file:sha256:receivedAt:status:)`` did.
public enum RecordOutcome: Equatable, Sendable {
  /// The first version for its station and academic year.
  case inserted
  /// Version n (≥ 2) for its station and year; it is now current and the previous one is kept,
  /// marked as superseded by it.
  case newVersion(Int)
  /// This file (by SHA-256) was already stored: nothing changed.
  case unchanged
}

/// The store of accepted submissions: their normalized records in SQLite, keyed by station and
/// academic year, every version kept (SPEC §6 "Store").
///
/// One `Store` is one connection, for one thread; several processes (or threads, each with its
/// own `Store`) may use the same file at once: writes wait for each other (WAL, a 30 s busy
/// timeout, `BEGIN IMMEDIATE`) and each submission is written in one transaction, all or nothing.
public final class Store {
  /// The store's file.
  public let path: String
  /// The connection (package access for tests and future queries; no C type crosses it).
  package let database: Database
  /// Called inside ``record(_:file:sha256:receivedAt:status:)``'s transaction after each table
  /// is written, with the table's name: a test throws from it to check that a failure half-way
  /// leaves nothing behind.
  package var afterWriting: ((String) throws(StoreError) -> Void)?

  /// Opens the store at `path`, creating the file and its schema when absent. Throws
  /// `.notADatabase` for a file that is not a pipeline store (not SQLite, damaged, or another
  /// program's database) and `.schemaTooNew` for a store written by a newer build.
  public init(path: String) throws(StoreError) {
    self.path = path
    database = try Database(path: path)
    do throws(StoreError) {
      try migrate()
    } catch {
      try? database.close()
      throw error
    }
  }

  /// Closes the store. Safe to call twice; using the store afterwards throws `.closed`.
  public func close() throws(StoreError) {
    try database.close()
  }

  // MARK: - Schema

  /// Brings the file to ``StoreSchema/version``: creates the schema in an empty file, accepts a
  /// current one, refuses a newer one or a database that is not a store.
  private func migrate() throws(StoreError) {
    if try userVersion() == StoreSchema.version {
      try checkApplicationID()
      return
    }
    try database.transaction { () throws(StoreError) in
      // Again under the write lock: another process may have created the schema meanwhile.
      let version = try userVersion()
      if version == StoreSchema.version { return }
      if version > StoreSchema.version {
        throw StoreError(
          .schemaTooNew, operation: "open",
          message: "the store has schema version \(version); this build knows up to "
            + "\(StoreSchema.version): use a newer pipeline", path: path)
      }
      if version == 0 {
        // A new (empty) file — or some other program's database, left alone.
        let objects = try database.scalar("SELECT count(*) FROM sqlite_master")
        guard objects == .integer(0) else {
          throw StoreError(
            .notADatabase, operation: "open",
            message: "an SQLite database that is not a pipeline store (it has tables but no "
              + "store schema version)", path: path)
        }
        try database.execute(StoreSchema.v1)
        try database.execute("PRAGMA application_id = \(StoreSchema.applicationID)")
      } else {
        try checkApplicationID()
      }
      // Each later version's step, in this transaction.
      if version < 2 { try database.execute(StoreSchema.v2) }
      if version < 3 { try database.execute(StoreSchema.v3) }
      if version < 4 { try database.execute(StoreSchema.v4) }
      try database.execute("PRAGMA user_version = \(StoreSchema.version)")
    }
  }

  /// SQLite's own check of the whole file (`PRAGMA integrity_check`): exactly `["ok"]` for a
  /// sound store, else SQLite's description of each problem found (at most 100).
  public func integrityCheck() throws(StoreError) -> [String] {
    try database.query("PRAGMA integrity_check").map { $0.text(0) ?? "" }
  }

  private func userVersion() throws(StoreError) -> Int {
    if case .integer(let v)? = try database.scalar("PRAGMA user_version") { return Int(v) }
    return 0
  }

  private func checkApplicationID() throws(StoreError) {
    let id = try database.scalar("PRAGMA application_id")
    guard id == .integer(StoreSchema.applicationID) else {
      throw StoreError(
        .notADatabase, operation: "open",
        message:
          "an SQLite database that is not a pipeline store (application_id \(id.map { "\($0)" } ?? "none"))",
        path: path)
    }
  }

  // MARK: - Recording

  /// Stores an accepted submission's normalized records under its station and academic year.
  ///
  /// Idempotent by `sha256`: a file already stored changes nothing (`.unchanged`). Another file
  /// for the same station and year becomes the next version and the current one; earlier versions
  /// stay, marked `superseded_by` it. Versions are numbered in the order they are recorded.
  /// Everything is written in one transaction: on any error nothing of the submission is stored.
  ///
  /// - Parameters:
  ///   - file: the file's name (or path) as the batch saw it.
  ///   - sha256: the file's SHA-256, hex.
  ///   - receivedAt: when the batch read it (stored as ISO 8601 UTC, to the second).
  ///   - status: the batch status it was stored with (`accepted`).
  @discardableResult
  public func record(
    _ submission: Submission, file: String, sha256: String, receivedAt: Date,
    status: SubmissionStatus = .accepted
  ) throws(StoreError) -> RecordOutcome {
    guard let form = submission.station, let stationID = form.text("station_id"),
      let year = form.academicYear("academic_year")
    else {
      throw StoreError(
        .invalidSubmission, operation: "record",
        message: "\(file): no valid 工作站编号 and 报送学年, which the store is keyed by",
        path: path)
    }
    let hash = sha256.lowercased()
    let received = Self.iso8601(receivedAt)
    let db = database

    return try db.transaction { () throws(StoreError) -> RecordOutcome in
      if try db.scalar("SELECT id FROM submissions WHERE sha256 = ?1", [.text(hash)]) != nil {
        return .unchanged
      }
      let key: [SQLValue] = [.text(stationID), .text(year.description)]
      let previous = try db.scalar(
        "SELECT id FROM submissions WHERE station_id = ?1 AND academic_year = ?2 "
          + "AND superseded_by IS NULL", key)
      let last = try db.scalar(
        "SELECT max(version) FROM submissions WHERE station_id = ?1 AND academic_year = ?2", key)
      let version: Int64 = if case .integer(let v)? = last { v + 1 } else { 1 }
      // The new row's id is chosen here so the current version can be pointed at it before the
      // new row exists (at most one current version per station and year, always).
      guard
        case .integer(let id)? = try db.scalar("SELECT coalesce(max(id), 0) + 1 FROM submissions")
      else {
        throw StoreError(.other, operation: "record", message: "no next id", path: path)
      }
      if let previous {
        try db.run(
          "UPDATE submissions SET superseded_by = ?1 WHERE id = ?2", [.integer(id), previous])
      }
      try db.run(
        """
        INSERT INTO submissions (id, station_id, academic_year, start_year, sha256, file,
          submitted_on, received_at, status, version)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
        """,
        [
          .integer(id), .text(stationID), .text(year.description), .integer(Int64(year.startYear)),
          .text(hash), .text(file), Self.value(form, "submitted_on"), .text(received),
          .text(status.rawValue), .integer(version),
        ])
      try afterWriting?("submissions")

      try insert(
        table: "station", submission: id, row: nil, record: form, columns: Self.stationColumns)
      try afterWriting?("station")

      for table in Self.tables {
        for record in submission.tables[table.name]?.records ?? [] {
          try insert(
            table: table.name, submission: id, row: record.row, record: record,
            columns: table.columns, extra: table.extra(record))
          try table.children?(self, record, try db.lastInsertRowID)
        }
        try afterWriting?(table.name)
      }

      return version == 1 ? .inserted : .newVersion(Int(version))
    }
  }

  /// Records the batch's verdict on one submission (any status). Idempotent by `sha256`: a file
  /// already recorded keeps its first verdict; returns whether a row was written.
  ///
  /// - Parameters:
  ///   - submittedOn: its 报送日期, when valid.
  ///   - rules: the number of issues per rule ID.
  @discardableResult
  public func recordVerdict(
    sha256: String, station: String, year: AcademicYear, file: String, submittedOn: Day?,
    receivedAt: Date, status: SubmissionStatus, rules: [String: Int], findings: [Issue] = [],
    receiptAt: Date? = nil
  ) throws(StoreError) -> Bool {
    let object =
      "{"
      + rules.keys.sorted().map { key in
        let quoted = Self.json([key])
        return String(quoted.dropFirst().dropLast()) + ":\(rules[key]!)"
      }.joined(separator: ",") + "}"
    let written = try database.run(
      """
      INSERT OR IGNORE INTO verdicts (sha256, station_id, academic_year, start_year, file,
        submitted_on, received_at, status, rules, findings, receipt_at)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
      """,
      [
        .text(sha256.lowercased()), .text(station), .text(year.description),
        .integer(Int64(year.startYear)), .text(file), SQLValue(submittedOn?.description),
        .text(Self.iso8601(receivedAt)), .text(status.rawValue), .text(object),
        .text(Self.json(findings: findings)), SQLValue(receiptAt.map(Self.iso8601)),
      ])
    return written > 0
  }

  static let stationColumns = [
    "station_id", "station_name", "host_unit", "host_type", "platform", "college",
    "recognized_on", "academic_year", "submitted_on", "host_head", "college_head",
    "reported_headcount", "total_funding", "subsidy_total", "contact", "phone",
  ]
  static let studentColumns = [
    "student_id", "name", "level", "degree_category", "campus_supervisor", "host_mentor",
    "entered_on", "left_on", "monthly_standard", "supervisor_project", "insured",
    "safety_training",
  ]
  static let personColumns = ["name", "title", "position", "employer", "social_roles"]
  static let outcomeColumns = ["kind", "title", "level", "achieved_on", "benefit"]
  static let paymentColumns = ["student_id", "month", "due", "paid", "paid_on"]

  /// How each table of a submission is stored, in recording order: the template's table and the
  /// store's (one name), its plain columns, the values a row adds beside them, and the rows of a
  /// child table it owns.
  private struct TableStorage: Sendable {
    var name: String
    var columns: [String]
    var extra: @Sendable (Record) -> [String: SQLValue] = { _ in [:] }
    var children: (@Sendable (Store, Record, Int64) throws(StoreError) -> Void)? = nil
  }

  private static let tables: [TableStorage] = [
    TableStorage(name: "students", columns: studentColumns),
    TableStorage(
      name: "people", columns: personColumns,
      extra: { ["roles": .text(Store.json($0.list("roles") ?? []))] }),
    TableStorage(
      name: "outcomes", columns: outcomeColumns,
      children: { store, record, outcome throws(StoreError) in
        try store.recordOutcomeStudents(record.list("students") ?? [], outcome: outcome)
      }),
    TableStorage(name: "payments", columns: paymentColumns),
  ]

  /// An outcome's students, each once, in their order.
  private func recordOutcomeStudents(_ students: [String], outcome: Int64) throws(StoreError) {
    var seen: Set<String> = []
    for student in students where seen.insert(student).inserted {
      try database.run(
        "INSERT INTO outcome_students (outcome_id, position, student_id) VALUES (?1, ?2, ?3)",
        [.integer(outcome), .integer(Int64(seen.count)), .text(student)])
    }
  }

  /// Inserts one record: its fields under columns of the same names (field keys are the column
  /// names), plus `submission_id`, the sheet `row` when there is one, and `extra` columns.
  private func insert(
    table: String, submission: Int64, row: Int?, record: some FieldRecord, columns: [String],
    extra: [String: SQLValue] = [:]
  ) throws(StoreError) {
    let extraKeys = extra.keys.sorted()
    var names = ["submission_id"]
    var values: [SQLValue] = [.integer(submission)]
    if let row {
      names.append("row")
      values.append(.integer(Int64(row)))
    }
    names += columns + extraKeys
    values += columns.map { Self.value(record, $0) } + extraKeys.map { extra[$0]! }
    let placeholders = (1...names.count).map { "?\($0)" }.joined(separator: ", ")
    try database.run(
      "INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES (\(placeholders))", values)
  }

  /// A field's value as a plain column value: days and months as ISO text, money as fen, yes/no
  /// as 0/1, lists as JSON arrays; NULL when empty or refused.
  static func value(_ record: some FieldRecord, _ key: String) -> SQLValue {
    guard let value = record.field(key)?.value else { return .null }
    switch value {
    case .text(let s): return .text(s)
    case .integer(let i): return .integer(Int64(i))
    case .money(let m): return .integer(m.fen)
    case .date(let d): return .text(d.description)
    case .month(let m): return .text(m.description)
    case .bool(let b): return .integer(b ? 1 : 0)
    case .list(let l): return .text(json(l))
    case .academicYear(let y): return .text(y.description)
    }
  }

  /// A JSON array of strings.
  /// Issues as a JSON array of `{rule, sheet, cell, message, value}` objects.
  static func json(findings: [Issue]) -> String {
    var out = JSONWriter()
    out.raw("[")
    for (i, issue) in findings.enumerated() {
      out.raw(i == 0 ? "{" : ",{")
      let fields: [(String, String?)] = [
        ("rule", issue.rule), ("sheet", issue.sheet), ("cell", issue.cell?.a1),
        ("message", issue.message), ("value", issue.value),
      ]
      for (j, (key, value)) in fields.enumerated() {
        out.raw(j == 0 ? "\"\(key)\":" : ",\"\(key)\":")
        if let value { out.string(value) } else { out.raw("null") }
      }
      out.raw("}")
    }
    out.raw("]")
    return String(decoding: out.bytes, as: UTF8.self)
  }

  static func json(_ strings: [String]) -> String {
    var out = JSONWriter()
    out.raw("[")
    for (i, s) in strings.enumerated() {
      if i > 0 { out.raw(",") }
      out.string(s)
    }
    out.raw("]")
    return String(decoding: out.bytes, as: UTF8.self)
  }

  /// `2024-07-12T08:30:05Z`: UTC, to the second.
  static func iso8601(_ date: Date) -> String {
    let seconds = Int(date.timeIntervalSince1970.rounded(.down))
    let (days, rest) = seconds.quotientAndRemainder(dividingBy: 86_400)
    let (day, second) = rest < 0 ? (days - 1, rest + 86_400) : (days, rest)
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "\(Day(days: day))T\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))Z"
  }
}
