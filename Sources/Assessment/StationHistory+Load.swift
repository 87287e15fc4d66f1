import Model
import Store

extension StationHistory {
  /// Every station the register ever listed, by station ID, with its decisions and its accepted
  /// reports (every accepted verdict, and each current version's 报送日期 for a store written
  /// before verdicts were kept).
  public static func load(from store: Store) throws -> [StationHistory] {
    let decisions = Dictionary(grouping: try store.decisions(), by: \.stationID)
    let summaries = Dictionary(
      try store.stations().map { ($0.stationID, $0) }, uniquingKeysWith: { a, _ in a })
    return try store.registeredStations().map { r in
      let id = r.entry.stationID
      var reports = try store.verdicts(station: id).filter(\.acceptedOnItsOwn).map {
        Report(academicYear: $0.academicYear, submittedOn: $0.submittedOn, receiptDay: $0.receiptDay)
      }
      for year in summaries[id]?.years ?? [] where !reports.contains(where: { $0.academicYear == year.academicYear }) {
        reports.append(Report(academicYear: year.academicYear, submittedOn: year.firstSubmittedOn ?? year.submittedOn))
      }
      return StationHistory(
        entry: r.entry, listed: r.listed, recognitions: r.recognitions,
        decisions: decisions[id] ?? [], reports: reports)
    }
  }
}

extension Lifecycle {
  /// Every registered station's standing on `asOf`.
  public static func standings(from store: Store, policy p: Policy, asOf: Day) throws -> [Standing]
  {
    try StationHistory.load(from: store).map { standing($0, policy: p, asOf: asOf) }
  }

  /// What the rules STA-001…STA-004 need, from the standings.
  public static func register(_ standings: [Standing]) -> StationRegister {
    var stations: [String: StationRegister.Station] = [:]
    for s in standings {
      stations[s.stationID] = StationRegister.Station(
        entry: s.entry, terms: s.terms, ended: s.ended.map { ($0.decision, $0.date) })
    }
    return StationRegister(stations: stations)
  }

  /// The reapplication bans the standings' ends opened (SPEC §9), per 设站单位.
  public static func bans(_ standings: [Standing]) -> [ReapplicationBan] {
    standings.compactMap { s in
      guard let ended = s.ended, let until = ended.banUntil else { return nil }
      return ReapplicationBan(
        hostUnit: s.hostUnit, stationID: s.stationID, decision: ended.decision, from: ended.date,
        until: until)
    }
  }
}
