import Model

/// Where a registered station stands on a day (SPEC §9 `pipeline status`): its term, its state,
/// the years of its term with their deadlines, what to warn about, and how it ended.
public struct Standing: Sendable, Equatable {
  public struct Year: Sendable, Equatable {
    public var academicYear: AcademicYear
    public var status: YearStatus
    public var deadline: Day
    /// The earliest 报送日期 of the year's accepted reports (as of the day), if any.
    public var submittedOn: Day?
    /// Days from the as-of day to the deadline, for a `pending` year (0 on the day itself).
    public var daysLeft: Int?

    public init(
      academicYear: AcademicYear, status: YearStatus, deadline: Day, submittedOn: Day? = nil,
      daysLeft: Int? = nil
    ) {
      self.academicYear = academicYear
      self.status = status
      self.deadline = deadline
      self.submittedOn = submittedOn
      self.daysLeft = daysLeft
    }
  }

  /// The decision that ended the station and the ban it opened for its 设站单位.
  public struct Ended: Sendable, Equatable {
    public var decision: Decision
    public var date: Day
    /// The last day of the ban (nil: no ban).
    public var banUntil: Day?

    public init(decision: Decision, date: Day, banUntil: Day?) {
      self.decision = decision
      self.date = date
      self.banUntil = banUntil
    }
  }

  /// Its register row (the latest that lists it).
  public var entry: RegisterEntry
  public var stationID: String { entry.stationID }
  public var name: String { entry.name }
  public var college: String { entry.college }
  public var hostUnit: String { entry.hostUnit }
  /// The term it is in (or ended in, or whose 期满验收 it waits for).
  public var term: Term
  /// Every term so far, oldest first (the last is ``term``).
  public var terms: [Term]
  public var state: StationState
  public var years: [Year]
  public var warnings: [String]
  public var ended: Ended?
  /// The decisions the tool makes by itself (撤销 on a missed deadline, 未申请验收 after the grace
  /// days) that happened on or before the as-of day and are not recorded yet: `pipeline run`
  /// records them.
  public var automatic: [StationDecision]

  public init(
    entry: RegisterEntry, term: Term, terms: [Term], state: StationState, years: [Year],
    warnings: [String], ended: Ended?, automatic: [StationDecision]
  ) {
    self.entry = entry
    self.term = term
    self.terms = terms
    self.state = state
    self.years = years
    self.warnings = warnings
    self.ended = ended
    self.automatic = automatic
  }

  /// The year the office chases now, when there is one.
  public var pending: Year? { years.first { $0.status == .pending } }
}

/// What the lifecycle reads of one registered station.
public struct StationHistory: Sendable {
  /// One accepted report (findings allowed): its year, its 报送日期 and, when it came through
  /// `pipeline serve`, the day (in Beijing) its receipt gave it.
  public struct Report: Sendable, Equatable {
    public var academicYear: AcademicYear
    public var submittedOn: Day?
    public var receiptDay: Day?

    public init(academicYear: AcademicYear, submittedOn: Day?, receiptDay: Day? = nil) {
      self.academicYear = academicYear
      self.submittedOn = submittedOn
      self.receiptDay = receiptDay
    }

    /// The day it counts from: its 报送日期, or its receipt's day when that is later (a file
    /// received in September that says 7月5日 is late when it came through the server).
    public var countsFrom: Day? {
      guard let submittedOn else { return nil }
      return max(submittedOn, receiptDay ?? submittedOn)
    }
  }

  public var entry: RegisterEntry
  /// The latest register lists it.
  public var listed: Bool
  /// Every 认定日期 the register gave it, in import order.
  public var recognitions: [Day]
  /// Its recorded decisions, oldest first.
  public var decisions: [StationDecision]
  public var reports: [Report]
  /// The years the store has any verdict for (accepted or not).
  public var judged: Set<AcademicYear>

  public init(
    entry: RegisterEntry, listed: Bool = true, recognitions: [Day]? = nil,
    decisions: [StationDecision] = [], reports: [Report] = [], judged: Set<AcademicYear>? = nil
  ) {
    self.entry = entry
    self.listed = listed
    self.recognitions = recognitions ?? [entry.recognizedOn]
    self.decisions = decisions
    self.reports = reports
    self.judged = judged ?? Set(reports.map(\.academicYear))
  }

  /// The register's word for the years before the tool: a row's 状态 with its 状态日期 says where
  /// the station stood on that day (在建: in good standing; 撤销, 验收不合格…: how it ended, which
  /// the register also records as a decision), so a year due by then that the store has no
  /// verdict for at all is not the tool's to judge — it counts as reported on time (the store
  /// started after it). A year the store judged is decided by its verdicts alone.
  public var recordsUntil: Day? { entry.state == nil ? nil : entry.stateOn }

  /// The day `year`'s report counts from, when one counts by `day`: the earliest accepted report
  /// counting from on or before it, or — for a year the store never judged, due by
  /// ``recordsUntil`` — that year's deadline.
  public func reported(_ year: AcademicYear, by day: Day, deadline: Day) -> Day? {
    let days = reports.filter { $0.academicYear == year }.compactMap(\.countsFrom).filter {
      $0 <= day
    }
    if let earliest = days.min() { return earliest }
    if !judged.contains(year), let good = recordsUntil, deadline <= good, deadline <= day {
      return deadline
    }
    return nil
  }
}
