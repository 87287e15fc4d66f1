import Foundation
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
      let verdicts = try store.verdicts(station: id)
      var reports = verdicts.filter(\.acceptedOnItsOwn).map {
        Report(
          academicYear: $0.academicYear, submittedOn: $0.submittedOn, receiptDay: $0.receiptDay)
      }
      for year in summaries[id]?.years ?? []
      where !reports.contains(where: { $0.academicYear == year.academicYear }) {
        reports.append(
          Report(
            academicYear: year.academicYear, submittedOn: year.firstSubmittedOn ?? year.submittedOn)
        )
      }
      return StationHistory(
        entry: r.entry, listed: r.listed, recognitions: r.recognitions,
        decisions: decisions[id] ?? [], reports: reports,
        judged: Set(verdicts.map(\.academicYear) + reports.map(\.academicYear)))
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

extension Lifecycle {
  /// `pipeline assess --record --confirm` (a person confirms; the tool never decides alone):
  /// records each final grade 优秀/合格/不合格 as the office's 期满验收 decision on `asOf`, for a
  /// station whose standing that day is 期满待验收 in the term the assessment grades. Returns what
  /// it recorded (a rerun records nothing again).
  public static func recordGrades(
    _ assessments: [Assessment], in store: Store, policy p: Policy, asOf: Day, now: Date = Date()
  ) throws -> [StationDecision] {
    let standings = Dictionary(
      try standings(from: store, policy: p, asOf: asOf).map { ($0.stationID, $0) },
      uniquingKeysWith: { a, _ in a })
    var recorded: [StationDecision] = []
    for a in assessments where a.final {
      guard let s = standings[a.stationID], s.state == .awaitingAcceptance,
        a.term == s.term.number, let decision = Decision(rawValue: a.grade.rawValue),
        decision != .revoked
      else { continue }
      let d = StationDecision(
        stationID: a.stationID, decision: decision, date: asOf,
        note: "期满验收（pipeline assess --record --confirm）")
      if try store.recordDecision(d, at: now) { recorded.append(d) }
    }
    return recorded
  }
}
