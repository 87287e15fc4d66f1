import Foundation
import Model

/// What ``Store/importRegister(_:file:sha256:at:)`` did.
public enum RegisterImportOutcome: Equatable, Sendable {
  /// The register already held exactly these rows: nothing was written.
  case unchanged
  /// A new version of the register: the stations it added and those whose row changed (by ID),
  /// the decisions its 状态 columns recorded, and the stations of the previous version it no
  /// longer lists (kept, as 未列入名录).
  case imported(added: [String], changed: [String], unlisted: [String], decisions: Int)
}

/// A station as the register knows it: its latest row, whether the latest import lists it, and
/// every 认定日期 the register has given it, in import order.
public struct RegisteredStation: Sendable, Equatable {
  public var entry: RegisterEntry
  public var listed: Bool
  public var recognitions: [Day]

  public init(entry: RegisterEntry, listed: Bool, recognitions: [Day]) {
    self.entry = entry
    self.listed = listed
    self.recognitions = recognitions
  }
}

extension Store {
  // MARK: - The register (SPEC §9)

  /// Whether any register was ever imported (the STA rules run only then).
  public func hasRegister() throws(StoreError) -> Bool {
    try database.scalar("SELECT count(*) FROM register_imports") != .integer(0)
  }

  /// Imports a register, all or nothing: a new version when its rows differ from the current
  /// register's (order aside), else nothing. Each row's 状态 other than 在建, with its 状态日期,
  /// is recorded as a decision from the register (once: the same state and date again adds
  /// nothing).
  public func importRegister(
    _ entries: [RegisterEntry], file: String, sha256: String, at time: Date
  ) throws(StoreError) -> RegisterImportOutcome {
    try database.transaction { () throws(StoreError) -> RegisterImportOutcome in
      let before = try registeredStations()
      let current = Dictionary(
        before.filter(\.listed).map { ($0.entry.stationID, $0.entry) },
        uniquingKeysWith: { a, _ in a })
      let known = Set(before.map(\.entry.stationID))
      let same =
        entries.count == current.count && entries.allSatisfy { current[$0.stationID] == $0 }
      if same { return .unchanged }
      _ = try database.run(
        "INSERT INTO register_imports (file, sha256, imported_at) VALUES (?1, ?2, ?3)",
        [.text(file), .text(sha256.lowercased()), .text(Self.iso8601(time))])
      guard case .integer(let id)? = try database.scalar("SELECT last_insert_rowid()") else {
        throw StoreError(.other, operation: "import", message: "no import id", path: path)
      }
      for (row, e) in entries.enumerated() {
        _ = try database.run(
          """
          INSERT INTO register_rows (import_id, station_id, row, station_name, host_unit, college,
            recognized_on, state, state_on, note)
          VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
          """,
          [
            .integer(id), .text(e.stationID), .integer(Int64(row)), .text(e.name),
            .text(e.hostUnit), .text(e.college), .text(e.recognizedOn.description),
            SQLValue(e.state), SQLValue(e.stateOn?.description), SQLValue(e.note),
          ])
      }
      var decisions = 0
      for e in entries {
        guard let state = e.state, let decision = Decision(registerState: state),
          let day = e.stateOn
        else { continue }
        let d = StationDecision(
          stationID: e.stationID, decision: decision, date: day, note: e.note, source: .register)
        if try insertDecision(d, at: time) { decisions += 1 }
      }
      let listed = Set(entries.map(\.stationID))
      return .imported(
        added: entries.map(\.stationID).filter { !known.contains($0) },
        changed: entries.filter { e in current[e.stationID].map { $0 != e } ?? false }
          .map(\.stationID),
        unlisted: current.keys.filter { !listed.contains($0) }.sorted(), decisions: decisions)
    }
  }

  /// Every station any register listed, by station ID: its row in the latest import that lists
  /// it, whether the latest import does, and its 认定日期 over the imports.
  public func registeredStations() throws(StoreError) -> [RegisteredStation] {
    let latest = try database.scalar("SELECT max(id) FROM register_imports")
    guard case .integer(let newest)? = latest else { return [] }
    let rows = try database.query(
      """
      SELECT import_id, station_id, station_name, host_unit, college, recognized_on, state,
        state_on, note
      FROM register_rows ORDER BY station_id, import_id
      """)
    var stations: [RegisteredStation] = []
    for r in rows {
      guard let recognized = Self.day(r.text(5)) else { continue }
      let entry = RegisterEntry(
        stationID: r.text(1) ?? "", name: r.text(2) ?? "", hostUnit: r.text(3) ?? "",
        college: r.text(4) ?? "", recognizedOn: recognized, state: r.text(6),
        stateOn: Self.day(r.text(7)), note: r.text(8))
      let listed = r.int64(0) == newest
      if stations.last?.entry.stationID == entry.stationID {
        stations[stations.count - 1].entry = entry
        stations[stations.count - 1].listed = listed
        if stations[stations.count - 1].recognitions.last != recognized {
          stations[stations.count - 1].recognitions.append(recognized)
        }
      } else {
        stations.append(RegisteredStation(entry: entry, listed: listed, recognitions: [recognized]))
      }
    }
    return stations
  }

  // MARK: - Decisions

  /// Records a decision; false when the same decision, day and source was already recorded (a
  /// rerun changes nothing). Nothing is ever overwritten: a later decision supersedes.
  @discardableResult
  public func recordDecision(_ d: StationDecision, at time: Date) throws(StoreError) -> Bool {
    try database.transaction { () throws(StoreError) -> Bool in try insertDecision(d, at: time) }
  }

  private func insertDecision(_ d: StationDecision, at time: Date) throws(StoreError) -> Bool {
    try database.run(
      """
      INSERT OR IGNORE INTO decisions (station_id, decision, decided_on, note, source, recorded_at)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6)
      """,
      [
        .text(d.stationID), .text(d.decision.rawValue), .text(d.date.description),
        SQLValue(d.note), .text(d.source.rawValue), .text(Self.iso8601(time)),
      ]) > 0
  }

  /// Every recorded decision, by station, then date, then the order recorded.
  public func decisions() throws(StoreError) -> [StationDecision] {
    try database.query(
      """
      SELECT station_id, decision, decided_on, note, source FROM decisions
      ORDER BY station_id, decided_on, id
      """
    ).compactMap { r in
      guard let decision = r.text(1).flatMap(Decision.init(rawValue:)),
        let day = Self.day(r.text(2)),
        let source = r.text(4).flatMap(DecisionSource.init(rawValue:))
      else { return nil }
      return StationDecision(
        stationID: r.text(0) ?? "", decision: decision, date: day, note: r.text(3), source: source)
    }
  }

  // MARK: - Announced states

  /// Keeps the state each station was left in by a run on `asOf` (replacing what a run on the
  /// same day kept).
  public func recordAnnounced(_ states: [String: StationState], asOf: Day, at time: Date)
    throws(StoreError)
  {
    try database.transaction { () throws(StoreError) in
      for id in states.keys.sorted() {
        _ = try database.run(
          """
          INSERT INTO announced_states (station_id, as_of, state, recorded_at)
          VALUES (?1, ?2, ?3, ?4)
          ON CONFLICT (station_id, as_of) DO UPDATE SET state = ?3, recorded_at = ?4
          """,
          [
            .text(id), .text(asOf.description), .text(states[id]!.rawValue),
            .text(Self.iso8601(time)),
          ])
      }
    }
  }

  /// Each station's state as the latest run on or before `asOf` left it.
  public func announced(onOrBefore asOf: Day) throws(StoreError) -> [String: StationState] {
    var states: [String: StationState] = [:]
    let rows = try database.query(
      """
      SELECT station_id, state FROM announced_states a WHERE as_of = (
        SELECT max(as_of) FROM announced_states b
        WHERE b.station_id = a.station_id AND b.as_of <= ?1)
      """, [.text(asOf.description)])
    for r in rows {
      if let id = r.text(0), let state = r.text(1).flatMap(StationState.init(rawValue:)) {
        states[id] = state
      }
    }
    return states
  }

  /// The day in Beijing (UTC+8, ``BeijingTime`` of Basics) of an ISO 8601 UTC instant as the store
  /// writes it (`2024-07-10T16:30:00Z` is 2024-07-11).
  static func beijingDay(_ iso: String) -> Day? {
    guard iso.count >= 13, let day = Day(iso: String(iso.prefix(10))),
      let hour = Int(iso.dropFirst(11).prefix(2))
    else { return nil }
    return hour + 8 >= 24 ? day.adding(days: 1) : day
  }
}
