import Assessment
import Basics
import Foundation
import Model
import Normalization
import Store
import Validation
import XLSXReading
import XLSXWriting

/// The stations over their terms (SPEC §9), for the commands: the register as the rules see it,
/// the standings, importing a register, recording a decision, and what the tool records by itself.
public struct Stations: Sendable {
  public let configuration: Configuration
  public let storePath: String

  public init(configuration: Configuration) {
    self.configuration = configuration
    storePath = configuration.resolve(configuration.run.store)
  }

  /// Today in Beijing, the policy's own days (whatever the server's clock zone): the default
  /// as-of day of every command.
  public static func today() -> Day { day(of: Date()) }

  /// The day `instant` falls on in Beijing.
  public static func day(of instant: Date) -> Day {
    let (y, m, d) = BeijingTime.day(of: instant)
    return Day(year: y, month: m, day: d)!
  }

  /// A failure the office can act on, in Chinese.
  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  /// Opens the store when it exists (nil: no store yet, and none is created).
  private func existingStore() throws -> Store? {
    FileManager.default.fileExists(atPath: storePath) ? try Store(path: storePath) : nil
  }

  /// Every registered station's standing on `asOf` (none without a store or a register), with
  /// `adding` counted as accepted reports and `judged` as years judged beside the store's (a
  /// batch's own, before they are stored).
  public func standings(
    asOf: Day, adding extra: [String: [StationHistory.Report]] = [:],
    judged: [String: Set<AcademicYear>] = [:]
  ) throws -> [Standing] {
    guard let store = try existingStore() else { return [] }
    defer { try? store.close() }
    return try StationHistory.load(from: store).map { h in
      var h = h
      h.reports += extra[h.entry.stationID] ?? []
      h.judged.formUnion(judged[h.entry.stationID] ?? [])
      return Lifecycle.standing(h, policy: configuration.policy, asOf: asOf)
    }
  }

  /// The register as STA-001…STA-004 see it on `asOf`; nil when the store holds none.
  public func register(asOf: Day) throws -> StationRegister? {
    guard let store = try existingStore() else { return nil }
    defer { try? store.close() }
    guard try store.hasRegister() else { return nil }
    return Lifecycle.register(
      try Lifecycle.standings(from: store, policy: configuration.policy, asOf: asOf))
  }

  /// The store's accepted reports for the cross-year rules (SPEC §10); nil without a store or
  /// with no accepted report in it.
  public func crossYearIndex() throws -> CrossYearIndex? {
    guard let store = try existingStore() else { return nil }
    defer { try? store.close() }
    let index = try store.crossYearIndex(startMonth: configuration.policy.academicYearStartMonth)
    return index.isEmpty ? nil : index
  }

  // MARK: - Import

  /// What an import did: the register's verdict (its issues as `check` reports them), what the
  /// store took (nil when the register had errors: nothing changed), and the annotated copy
  /// written next to it (nil when it had no issue).
  public struct ImportResult: Sendable {
    public var entry: CheckEntry
    public var outcome: RegisterImportOutcome?
    public var annotated: String?
  }

  /// Imports the register workbook at `path` (SPEC §9): all or nothing. Its issues (CELL-*,
  /// DUP-001, STA-005) are those of §5; with any error the store is left as it was. The annotated
  /// copy `<stem>.annotated.xlsx` is written next to it when it has any issue (and an earlier one
  /// removed when it has none).
  public func importRegister(path: String, asOf: Day, now: Date = Date()) throws -> ImportResult {
    let bytes: [UInt8]
    do {
      bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
      throw Failure(description: "无法读取名录文件 \(path)：\(error.localizedDescription)")
    }
    let name = URL(fileURLWithPath: path).lastPathComponent
    let checker = Checker(configuration: configuration)
    let sha = SHA256.hex(bytes)
    var entries: [RegisterEntry] = []
    var issues: [Issue]
    var sheets: [String] = []
    do {
      let workbook = try Workbook(bytes: bytes, limits: configuration.reader)
      let (register, found) = try Normalizer(template: configuration.template.register())
        .normalize(workbook)
      entries = RegisterValidator.entries(register)
      // As of the latest 认定日期 the register gives, if it is after the day: a ban is judged on
      // the day the new station is recognized.
      let (stored, known) = try bansAndKnown(
        asOf: max(asOf, entries.map(\.recognizedOn).max() ?? asOf))
      // The register's own rows that record an end open their bans too (a row for a new station
      // of the same 设站单位 in the same file).
      let own = entries.compactMap { e -> ReapplicationBan? in
        guard let decision = e.state.flatMap(Decision.init(registerState:)), let day = e.stateOn,
          let until = Lifecycle.banUntil(after: decision, on: day, policy: configuration.policy)
        else { return nil }
        return ReapplicationBan(
          hostUnit: e.hostUnit, stationID: e.stationID, decision: decision, from: day, until: until)
      }
      let bans = stored + own
      issues =
        found
        + RegisterValidator(template: configuration.template.register(), bans: bans, known: known)
        .validate(register)
      sheets = register.sheetOrder
    } catch let error as XLSXError {
      issues = [Issue(error.rule, sheet: nil, cell: nil, message: error.message)]
    }
    let entry = checker.entry(name, sha256: sha, issues: issues, sheets: sheets)
    let copy = (path as NSString).deletingPathExtension + ".annotated.xlsx"
    var annotated: String?
    if entry.issues.isEmpty {
      try? FileManager.default.removeItem(atPath: copy)
    } else {
      if entry.status == .unreadable {
        try AnnotatedWorkbook.writeUnreadable(file: name, issues: entry.issues, to: copy)
      } else {
        try AnnotatedWorkbook.write(
          bytes: bytes, issues: entry.issues, limits: configuration.reader, subject: .register,
          to: copy)
      }
      annotated = copy
    }
    guard entry.status == .accepted else {
      return ImportResult(entry: entry, outcome: nil, annotated: annotated)
    }
    let store = try openStore()
    defer { try? store.close() }
    let outcome = try store.importRegister(entries, file: name, sha256: sha, at: now)
    return ImportResult(entry: entry, outcome: outcome, annotated: annotated)
  }

  /// The bans in force and the stations the store's register already knows.
  private func bansAndKnown(asOf: Day) throws -> ([ReapplicationBan], Set<String>) {
    guard let store = try existingStore() else { return ([], []) }
    defer { try? store.close() }
    let standings = try Lifecycle.standings(from: store, policy: configuration.policy, asOf: asOf)
    return (Lifecycle.bans(standings), Set(standings.map(\.stationID)))
  }

  private func openStore() throws -> Store {
    try FileManager.default.createDirectory(
      atPath: (storePath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    return try Store(path: storePath)
  }

  // MARK: - Decisions

  /// Records the office's decision about a registered station (SPEC §9); returns its standing on
  /// `asOf` afterwards, and whether the store took it (false: the same decision, day and source
  /// was already recorded).
  public func decide(
    station: String, decision: Decision, date: Day, note: String?, asOf: Day, now: Date = Date()
  ) throws -> (standing: Standing, recorded: Bool) {
    guard let store = try existingStore(), try store.hasRegister() else {
      throw Failure(description: "数据库中还没有工作站名录：请先用 pipeline stations import 导入名录。")
    }
    defer { try? store.close() }
    guard try store.registeredStations().contains(where: { $0.entry.stationID == station }) else {
      throw Failure(description: "工作站 \(station) 不在工作站名录中：请核对编号，或先把它列入名录再导入。")
    }
    let recorded = try store.recordDecision(
      StationDecision(stationID: station, decision: decision, date: date, note: note), at: now)
    let standing = try Lifecycle.standings(from: store, policy: configuration.policy, asOf: asOf)
      .first { $0.stationID == station }!
    return (standing, recorded)
  }

  /// The states the latest run on or before `asOf` left the stations in (none without a store).
  public func announced(onOrBefore asOf: Day) throws -> [String: StationState] {
    guard let store = try existingStore() else { return [:] }
    defer { try? store.close() }
    return try store.announced(onOrBefore: asOf)
  }

  /// Keeps the states a run on `asOf` leaves the stations in (nothing when there are none).
  public func recordAnnounced(
    _ states: [String: StationState], asOf: Day, now: Date = Date()
  ) throws {
    guard !states.isEmpty, let store = try existingStore() else { return }
    defer { try? store.close() }
    try store.recordAnnounced(states, asOf: asOf, at: now)
  }

  /// Records what the tool decides by itself (撤销 on a missed deadline, 未申请验收 after the grace
  /// days) whose day is over by `asOf` (a revocation on 7月10日 is recorded from 7月11日: a report
  /// may still come in on the day). Returns what it recorded; a rerun records nothing again.
  public func recordAutomatic(asOf: Day, now: Date = Date()) throws -> [StationDecision] {
    guard let store = try existingStore() else { return [] }
    defer { try? store.close() }
    var recorded: [StationDecision] = []
    for standing in try Lifecycle.standings(from: store, policy: configuration.policy, asOf: asOf) {
      for d in standing.automatic where d.date < asOf {
        if try store.recordDecision(d, at: now) { recorded.append(d) }
      }
    }
    return recorded
  }
}
