import Assessment
import Basics
import Foundation
import Model
import Normalization
import Store
import Synchronization
import Validation
import XLSXReading
import XLSXWriting

/// `pipeline run`: the batch over an inbox (SPEC §6, §7).
///
/// 1. Every `.xlsx`/`.xlsm` of the inbox is checked, in parallel on all cores; only small facts
///    per file are kept (its entry, what the batch rules need, its college and header rows), so
///    memory does not grow with the size of the batch.
/// 2. The batch rules X-001…X-003 run across them.
/// 3. Outputs, each written under a temporary name and renamed: an annotated copy of every
///    submission with any issue in `out/<牵头培养单位>/` (`out/未识别/` when the college cannot be
///    read), `report.json` and `summary.xlsx`. Annotated copies a previous run left for files that
///    no longer need one are removed, so `out/` always describes the inbox as it is.
/// 4. Accepted submissions go into the store, oldest first per station and year (the store's
///    versions follow recording order); a file already stored (same SHA-256) changes nothing.
///
/// The same inbox gives the same report.json and leaves the store unchanged.
public struct BatchRun: Sendable {
  public let configuration: Configuration
  public let inbox: String
  public let out: String
  public let storePath: String
  /// The day the run judges at (today in Beijing unless given): the stations' register and
  /// states on that day, and what the tool records by itself up to it.
  public let asOf: Day

  public init(
    configuration: Configuration, inbox: String? = nil, out: String? = nil, asOf: Day? = nil
  ) {
    self.configuration = configuration
    self.inbox = inbox ?? configuration.resolve(configuration.run.inbox)
    self.out = out ?? configuration.resolve(configuration.run.out)
    storePath = configuration.resolve(configuration.run.store)
    self.asOf = asOf ?? Stations.today()
  }

  /// One file done: its position, the total, and its entry.
  public typealias Progress = @Sendable (_ done: Int, _ total: Int, _ entry: CheckEntry) -> Void

  /// What a run produced.
  public struct Result: Sendable {
    public var entries: [CheckEntry]
    /// The annotated copies written, relative to `out`.
    public var annotated: [String]
    /// How many submissions the store took that it did not have (new ones and new versions).
    public var newlyStored: Int
    /// The registered stations whose state this run changed (SPEC §9), by station ID.
    public var stateChanges: [StateChange] = []
  }

  /// A station whose state changed in the run: before and after, and why in a sentence.
  public struct StateChange: Sendable, Equatable {
    public var stationID: String
    public var name: String
    public var college: String
    public var before: StationState?
    public var after: StationState
    public var why: String?
  }

  /// Folder name for submissions whose college cannot be read.
  public static let unknownCollege = CollegeNames.unknown

  public func run(progress: Progress = { _, _, _ in }) throws -> Result {
    let files = try inboxFiles()
    let stations = Stations(configuration: configuration)
    let before = try stations.standings(asOf: asOf)
    // The store's reports are read on another thread while the first files are read.
    let crossYear = Pending { try stations.crossYearIndex() }
    let checker = Checker(configuration: configuration, crossYear: crossYear)
    var facts = try checkAll(files, with: checker, progress: progress)
    _ = try crossYear.value()  // a store that could not be read stops the run
    // The batch rules, across the files.
    let entries = checker.applyingBatchRules(to: facts.map(\.entry), members: facts.map(\.member))
    for i in facts.indices { facts[i].entry = entries[i] }
    let receipts = ReceiptTimes.load(root: configuration.resolve(configuration.serve.receipts))
    if !before.isEmpty {
      try applyRegisterRules(&facts, receipts: receipts, stations: stations, with: checker)
    }
    let written = try writeCopies(&facts, files: files)
    let newlyStored = try store(facts, files: files, receipts: receipts)
    let recorded = try stations.recordAutomatic(asOf: asOf)
    let after = try stations.standings(asOf: asOf)
    let states = Dictionary(after.map { ($0.stationID, $0.state) }, uniquingKeysWith: { a, _ in a })
    for i in facts.indices {
      facts[i].entry.stationState = facts[i].stationID.flatMap { states[$0] }
    }
    try writeReports(facts, written: written)
    let old = try statesBefore(before, recorded: recorded, stations)
    try stations.recordAnnounced(states, asOf: asOf)
    return Result(
      entries: facts.map(\.entry), annotated: written.compactMap { $0 }.sorted(),
      newlyStored: newlyStored, stateChanges: Self.changes(from: old, to: after))
  }

  /// Each station's state before the run: as the latest earlier run (on or before this run's
  /// as-of day) left it, so a deadline that passed in between is announced (预警, 撤销); for a
  /// station no run has announced yet, its state before this run's files — and, when the run
  /// recorded a decision of the tool's own for it (撤销 on a missed deadline, 未申请验收), which
  /// the standings on the day already show, its state the day before that decision.
  private func statesBefore(
    _ before: [Standing], recorded: [StationDecision], _ stations: Stations
  ) throws -> [String: StationState] {
    let announced = try stations.announced(onOrBefore: asOf)
    var states = Dictionary(
      before.map { ($0.stationID, $0.state) }, uniquingKeysWith: { a, _ in a })
    var earliest: [String: Day] = [:]
    for d in recorded { earliest[d.stationID] = min(earliest[d.stationID] ?? d.date, d.date) }
    for (day, ids) in Dictionary(grouping: earliest.keys, by: { earliest[$0]! }) {
      for s in try stations.standings(asOf: day.adding(days: -1)) where ids.contains(s.stationID) {
        states[s.stationID] = s.state
      }
    }
    return states.merging(announced) { _, announced in announced }
  }

  /// Step 2b, with a register in the store: STA-001…STA-004 on every file, against the register
  /// as it stands once the batch's own reports count — so the 2021-2022 report in the same inbox
  /// keeps a station from looking revoked to its 2024-2025 report. Only the reports that passed
  /// everything else count as that evidence.
  private func applyRegisterRules(
    _ facts: inout [FileFacts], receipts: [String: Date], stations: Stations,
    with checker: Checker
  ) throws {
    let held = Self.held(facts)
    var reports: [String: [StationHistory.Report]] = [:]
    var judged: [String: Set<AcademicYear>] = [:]
    for (i, f) in facts.enumerated() where !held.contains(i) {
      guard let id = f.stationID, let year = f.academicYear else { continue }
      judged[id, default: []].insert(year)
      let e = f.entry
      if e.status == .accepted
        || (e.status == .superseded && !e.issues.contains { $0.severity == .error })
      {
        let receipt = receipts[e.sha256.lowercased()].map(Stations.day(of:))
        reports[id, default: []].append(
          StationHistory.Report(academicYear: year, submittedOn: f.submittedOn, receiptDay: receipt)
        )
      }
    }
    // As of the latest academic year the batch reports, if it begins after the run's day (a
    // replay of later years): STA-002 asks how the station stood when the year began.
    let latest = facts.compactMap(\.academicYear).max()
      .map { $0.firstDay(startMonth: configuration.policy.academicYearStartMonth) }
    let register = Lifecycle.register(
      try stations.standings(
        asOf: max(asOf, latest ?? asOf), adding: reports, judged: judged))
    let validator = Validator(
      policy: configuration.policy, template: configuration.template, register: register)
    for i in facts.indices {
      guard let form = facts[i].station else { continue }
      facts[i].entry = checker.adding(
        validator.registerIssues(station: form, register: register), to: facts[i].entry)
    }
  }

  /// The stations whose state differs after the run, by station ID; a station new to the
  /// register since the last run has no state before.
  static func changes(from old: [String: StationState], to after: [Standing]) -> [StateChange] {
    after.filter { old[$0.stationID] != $0.state }.map { s in
      StateChange(
        stationID: s.stationID, name: s.name, college: s.college, before: old[s.stationID],
        after: s.state, why: s.warnings.first)
    }
  }

  /// Step 1: every file checked, the files on all cores (the batch's parallelism: ``inParallel``);
  /// the first file that could not be read from the disk stops the run.
  private func checkAll(
    _ files: [String], with checker: Checker, progress: Progress
  ) throws -> [FileFacts] {
    let done = Mutex(0)
    let facts = inParallel(files.count) { i in
      let fact = examine(files[i], with: checker)
      let count = done.withLock {
        $0 += 1
        return $0
      }
      progress(count, files.count, fact.entry)
      return fact
    }
    if let failure = facts.first(where: { $0.ioError != nil })?.ioError { throw failure }
    return facts
  }

  /// Step 3: the annotated copies (the files on all cores again; a file whose copy could not be
  /// made is `unreadable` instead, its entry updated). Returns each file's copy, relative to
  /// `out` (nil: none is due).
  private func writeCopies(_ facts: inout [FileFacts], files: [String]) throws -> [String?] {
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    removeLeftoverTemporaries()
    let snapshot = facts
    let copies = inParallel(snapshot.count) { i in
      Swift.Result { try annotate(snapshot[i], path: files[i]) }
    }
    // Only the disk fails here.
    let written = try copies.map { try $0.get() }.map(\.0)
    for (i, copy) in copies.enumerated() {
      if case .success((_, let entry?)) = copy { facts[i].entry = entry }
    }
    try removeStaleAnnotations(keeping: Set(written.compactMap { $0 }))
    return written
  }

  /// Step 5, once the store and the stations' states are up to date: report.json and
  /// summary.xlsx.
  private func writeReports(_ facts: [FileFacts], written: [String?]) throws {
    try AtomicFile.write(
      Reports.json(facts.map(\.entry)), to: (out as NSString).appendingPathComponent("report.json"))
    try SummaryWorkbook.write(
      rows: zip(facts, written).map { summaryRow($0.0, annotated: $0.1) },
      to: (out as NSString).appendingPathComponent("summary.xlsx"))
  }

  /// Step 4: into the store, oldest first — accepted submissions, judged after the batch rules
  /// (an X-001 rejects), and superseded ones with no error as the earlier versions they are; then
  /// every verdict (any status) on a submission with a valid station and year (`pipeline
  /// assess` needs the late and the rejected ones too). Idempotent by SHA-256. Returns how many
  /// submissions the store took that it did not have.
  private func store(_ all: [FileFacts], files: [String], receipts: [String: Date]) throws -> Int {
    let oldestFirst = all.indices
      .sorted { (all[$0].modified, all[$0].entry.file) < (all[$1].modified, all[$1].entry.file) }
    let held = Self.held(all)
    let storable = oldestFirst.filter { i in
      let e = all[i].entry
      return !held.contains(i) && all[i].ownVerdictAccepted
        && (e.status == .accepted
          || (e.status == .superseded && !e.issues.contains { $0.severity == .error }))
    }
    let judged = oldestFirst.filter { i in
      !held.contains(i) && all[i].stationID != nil && all[i].academicYear != nil
        && !all[i].entry.sha256.isEmpty
    }
    guard !storable.isEmpty || !judged.isEmpty else { return 0 }
    try FileManager.default.createDirectory(
      atPath: (storePath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let store = try Store(path: storePath)
    defer { try? store.close() }
    let normalizer = Normalizer(template: configuration.template)
    var newlyStored = 0
    for i in storable {
      // Normalized again here rather than held since step 1: memory stays bounded.
      let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: files[i])))
      let (submission, _) = try normalizer.normalize(
        Workbook(bytes: bytes, limits: configuration.reader))
      let outcome = try store.record(
        submission, file: all[i].entry.file, sha256: all[i].entry.sha256,
        receivedAt: all[i].modified, status: .accepted)
      if outcome != .unchanged { newlyStored += 1 }
    }
    for i in judged {
      try recordVerdict(all[i], receiptAt: receipts[all[i].entry.sha256.lowercased()], in: store)
    }
    try store.close()
    return newlyStored
  }

  /// The files of a station and year that two colleges' files claim (X-003 as an error): held
  /// whole — none of them is stored, nor their verdicts, until the office withdraws the wrong one.
  private static func held(_ all: [FileFacts]) -> Set<Int> {
    func key(_ fact: FileFacts) -> String? {
      fact.stationID.map { "\($0)\u{0}\(fact.entry.academicYear ?? "")" }
    }
    let claimed = Set(
      all.filter { $0.entry.issues.contains { $0.rule == "X-003" && $0.severity == .error } }
        .compactMap(key))
    return Set(all.indices.filter { key(all[$0]).map(claimed.contains) ?? false })
  }

  private func recordVerdict(_ fact: FileFacts, receiptAt: Date?, in store: Store) throws {
    var rules: [String: Int] = [:]
    for issue in fact.entry.issues { rules[issue.rule, default: 0] += 1 }
    try store.recordVerdict(
      sha256: fact.entry.sha256, station: fact.stationID!, year: fact.academicYear!,
      file: fact.entry.file, submittedOn: fact.submittedOn, receivedAt: fact.modified,
      status: fact.entry.status, rules: rules,
      findings: fact.entry.issues.filter { $0.severity == .finding }, receiptAt: receiptAt)
  }

  // MARK: - Steps

  /// The inbox's workbooks, by name: `.xlsx`/`.xlsm`, not Excel's `~$` lock files or hidden files.
  func inboxFiles() throws -> [String] {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: inbox)
    } catch {
      throw XLSXError(.io, "\(inbox): \(error.localizedDescription)")
    }
    return names.filter { name in
      let lower = name.lowercased()
      return (lower.hasSuffix(".xlsx") || lower.hasSuffix(".xlsm")) && !name.hasPrefix("~$")
        && !name.hasPrefix(".")
    }.sorted().map { (inbox as NSString).appendingPathComponent($0) }
  }

  /// What step 1 keeps of a file.
  struct FileFacts: Sendable {
    var entry: CheckEntry
    var member: BatchMember
    var modified: Date
    var college: String?
    var stationName: String?
    var frozenRows: [String: Int]
    var ownVerdictAccepted: Bool
    var ioError: XLSXError?
    /// 工作站编号, 报送学年 and 报送日期 when valid (for the store's verdicts).
    var stationID: String? = nil
    var academicYear: AcademicYear? = nil
    var submittedOn: Day? = nil
    /// 工作站信息 as normalized (small), for the register's rules after the batch.
    var station: Form? = nil
  }

  private func examine(_ path: String, with checker: Checker) -> FileFacts {
    let name = URL(fileURLWithPath: path).lastPathComponent
    do {
      let (entry, submission, modified) = try checker.examine(path: path, name: name)
      var frozen: [String: Int] = [:]
      for table in submission?.tables.values ?? [:].values { frozen[table.sheet] = table.headerRow }
      return FileFacts(
        entry: entry,
        member: BatchMember(
          file: name, modified: modified, submission: submission, policy: configuration.policy,
          template: configuration.template),
        modified: modified, college: submission?.station?.text("college"),
        stationName: submission?.station?.text("station_name"), frozenRows: frozen,
        ownVerdictAccepted: entry.status == .accepted && submission != nil, ioError: nil,
        stationID: submission?.station?.text("station_id"),
        academicYear: submission?.station?.academicYear("academic_year"),
        submittedOn: submission?.station?.day("submitted_on"), station: submission?.station)
    } catch {
      let entry = CheckEntry(
        file: name, sha256: "", stationID: nil, academicYear: nil, status: .unreadable, issues: [],
        sheetOrder: [])
      return FileFacts(
        entry: entry,
        member: BatchMember(
          file: name, modified: Date(timeIntervalSince1970: 0), submission: nil,
          policy: configuration.policy, template: configuration.template),
        modified: Date(timeIntervalSince1970: 0), college: nil, stationName: nil, frozenRows: [:],
        ownVerdictAccepted: false, ioError: error)
    }
  }

  /// Writes the annotated copy of a submission with any issue; returns its path relative to
  /// `out` (nil when none is due) and its entry as it then stands (``Checker/writeAnnotated``).
  private func annotate(_ fact: FileFacts, path: String) throws -> (String?, CheckEntry?) {
    guard !fact.entry.issues.isEmpty else { return (nil, nil) }
    let folder = Self.folderName(fact.college)
    let stem = (fact.entry.file as NSString).deletingPathExtension
    let relative = folder + "/" + stem + ".annotated.xlsx"
    let target = (out as NSString).appendingPathComponent(relative)
    try FileManager.default.createDirectory(
      atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let bytes =
      fact.entry.status == .unreadable
      ? [] : try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    let entry = try Checker(configuration: configuration).writeAnnotated(
      fact.entry, bytes: bytes, frozenRows: fact.frozenRows, to: target)
    return (relative, entry)
  }

  /// A college's folder name: its name as submitted, made safe as one path component, one
  /// folder per name (``CollegeNames/folder(_:)``).
  public static func folderName(_ college: String?) -> String { CollegeNames.folder(college) }

  /// Removes the temporary files a run that was killed mid-write left behind (`name.tmp-<pid>-…`,
  /// in `out` and its college folders) — only those whose writing process is gone: another run
  /// working on the same out/ at this moment keeps its own.
  private func removeLeftoverTemporaries() {
    for folder in [""] + ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []) {
      AtomicFile.removeAbandonedTemporaries(
        in: folder.isEmpty ? out : (out as NSString).appendingPathComponent(folder))
    }
  }

  /// Removes `*.annotated.xlsx` files in the college folders that this run did not write.
  private func removeStaleAnnotations(keeping current: Set<String>) throws {
    let manager = FileManager.default
    for folder in (try? manager.contentsOfDirectory(atPath: out)) ?? [] {
      let dir = (out as NSString).appendingPathComponent(folder)
      var isDirectory: ObjCBool = false
      guard manager.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
        continue
      }
      for file in (try? manager.contentsOfDirectory(atPath: dir)) ?? []
      where file.hasSuffix(".annotated.xlsx") && !current.contains(folder + "/" + file) {
        try manager.removeItem(atPath: (dir as NSString).appendingPathComponent(file))
      }
      if (try? manager.contentsOfDirectory(atPath: dir))?.isEmpty == true {
        try? manager.removeItem(atPath: dir)
      }
    }
  }

  private func summaryRow(_ fact: FileFacts, annotated: String?) -> SummaryWorkbook.Row {
    let e = fact.entry
    var counts: [String: Int] = [:]
    for issue in e.issues { counts[issue.rule, default: 0] += 1 }
    return SummaryWorkbook.Row(
      file: e.file, college: fact.college ?? Self.unknownCollege, stationID: e.stationID,
      stationName: fact.stationName, academicYear: e.academicYear, status: e.status,
      counts: IssueCounts(e.issues), ruleCounts: counts, stationState: e.stationState,
      annotated: annotated)
  }
}
