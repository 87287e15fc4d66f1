/// The vocabulary of SPEC §9: a station's standing, the decisions about it, the states a register
/// may carry from before the tool, and what the rules of the register know of each station.

/// Where a registered station stands on a day (`pipeline status` `state`). The raw values are the
/// JSON's, which are the Chinese words themselves.
public enum StationState: String, Sendable, Codable, CaseIterable {
  /// In its term, every due year on time (or one late year whose next deadline is far).
  case active = "在建"
  /// One due year late or missing: the next deadline missed would revoke it (四(一)).
  case warned = "预警"
  /// Revoked (四(一)), by itself on a deadline or by a recorded decision.
  case revoked = "撤销"
  /// Its window is over and no 期满验收 decision is recorded yet.
  case awaitingAcceptance = "期满待验收"
  /// 期满验收 合格: the next term waits for a 重新评估 that passes (四(二)).
  case awaitingReassessment = "待重新评估"
  /// Ended: 不合格, 重新评估未通过, 未申请验收, or 期满 from the register.
  case ended = "已结束"
  /// In an earlier register, missing from the latest one (kept, never deleted).
  case unlisted = "未列入名录"

  public var label: String { rawValue }

  /// The station can no longer report: STA-002 refuses a report for a year that began after.
  public var isEnded: Bool { self == .revoked || self == .ended }
}

/// A decision about a station (SPEC §9 `stations decide`), or an event the tool records by itself
/// (撤销 on a missed deadline, 未申请验收 after the grace days), or a state a register row carries
/// from before the tool (验收不合格 is recorded as 不合格, 期满 as itself). Raw values are the
/// Chinese words the office types and the store keeps.
public enum Decision: String, Sendable, Codable, CaseIterable {
  case excellent = "优秀"
  case qualified = "合格"
  case unqualified = "不合格"
  case reassessmentPassed = "重新评估通过"
  case reassessmentFailed = "重新评估未通过"
  case revoked = "撤销"
  /// No decision `acceptanceGraceDays` after the window ended (recorded by the tool).
  case notApplied = "未申请验收"
  /// The term ran out and the station did not go on (a register's 状态 期满).
  case expired = "期满"

  public var label: String { rawValue }

  /// The decisions `pipeline stations decide` takes (the others are the tool's or the register's).
  public static let officeDecisions: [Decision] = [
    .excellent, .qualified, .unqualified, .reassessmentPassed, .reassessmentFailed, .revoked,
  ]

  /// Ends the station (no next term follows it).
  public var ends: Bool {
    switch self {
    case .unqualified, .reassessmentFailed, .revoked, .notApplied, .expired: true
    case .excellent, .qualified, .reassessmentPassed: false
    }
  }

  /// Years of the reapplication ban it opens for its 设站单位 (0: none).
  public func banYears(_ policy: Policy) -> Int {
    switch self {
    case .unqualified, .reassessmentFailed, .notApplied: policy.reapplicationBanYears
    case .revoked: policy.revocationBanYears
    case .excellent, .qualified, .reassessmentPassed, .expired: 0
    }
  }

  /// The state a register row's 状态 records, when it is not 在建 (验收不合格 → 不合格).
  public init?(registerState text: String) {
    switch text {
    case "撤销": self = .revoked
    case "验收不合格": self = .unqualified
    case "未申请验收": self = .notApplied
    case "期满": self = .expired
    default: return nil
    }
  }
}

/// Who recorded a decision.
public enum DecisionSource: String, Sendable, Codable {
  /// `pipeline stations decide` (or `assess --record --confirm`).
  case office
  /// The tool, on the day the policy makes it happen (撤销, 未申请验收).
  case automatic
  /// A register row's 状态/状态日期 (history from before the tool).
  case register
}

/// A recorded decision.
public struct StationDecision: Sendable, Equatable {
  public var stationID: String
  public var decision: Decision
  public var date: Day
  public var note: String?
  public var source: DecisionSource

  public init(
    stationID: String, decision: Decision, date: Day, note: String? = nil,
    source: DecisionSource = .office
  ) {
    self.stationID = stationID
    self.decision = decision
    self.date = date
    self.note = note
    self.source = source
  }
}

/// One station's row of the register (工作站名录), as normalized (SPEC §4).
public struct RegisterEntry: Sendable, Equatable {
  public var stationID: String
  public var name: String
  public var hostUnit: String
  public var college: String
  /// 认定日期: the current term's start.
  public var recognizedOn: Day
  /// 状态 when given (在建 or a state that records a decision), with 状态日期.
  public var state: String?
  public var stateOn: Day?
  public var note: String?

  public init(
    stationID: String, name: String, hostUnit: String, college: String, recognizedOn: Day,
    state: String? = nil, stateOn: Day? = nil, note: String? = nil
  ) {
    self.stationID = stationID
    self.name = name
    self.hostUnit = hostUnit
    self.college = college
    self.recognizedOn = recognizedOn
    self.state = state
    self.stateOn = stateOn
    self.note = note
  }
}

/// A term of a station: `validityYears` years from its start (二(一)).
public struct Term: Sendable, Equatable {
  public var from: Day
  public var to: Day
  /// 1 for the first term the store knows.
  public var number: Int

  public init(from: Day, to: Day, number: Int) {
    self.from = from
    self.to = to
    self.number = number
  }
}

/// What the rules STA-001…STA-004 need of the register: per station, its names, its terms and
/// when it ended. Built from the store by the assessment stage; empty when no register exists
/// (the rules then do not run).
public struct StationRegister: Sendable {
  public struct Station: Sendable {
    public var entry: RegisterEntry
    public var terms: [Term]
    /// The decision that ended it, with its date; nil while it goes on.
    public var ended: (decision: Decision, date: Day)?

    public init(entry: RegisterEntry, terms: [Term], ended: (decision: Decision, date: Day)?) {
      self.entry = entry
      self.terms = terms
      self.ended = ended
    }

    /// The term a report for `year` belongs to: the latest that starts on or before the year's
    /// last day (nil when the year ends before the first term starts).
    public func term(for year: AcademicYear, startMonth: Int) -> Term? {
      terms.last { $0.from <= year.lastDay(startMonth: startMonth) }
    }
  }

  public var stations: [String: Station]

  public init(stations: [String: Station]) { self.stations = stations }
}

/// A reapplication ban (四(二) "三年内不得重新申报"): the 设站单位 whose station ended, that
/// station, the decision and the ban's first and last days.
public struct ReapplicationBan: Sendable, Equatable {
  public var hostUnit: String
  public var stationID: String
  public var decision: Decision
  public var from: Day
  public var until: Day

  public init(hostUnit: String, stationID: String, decision: Decision, from: Day, until: Day) {
    self.hostUnit = hostUnit
    self.stationID = stationID
    self.decision = decision
    self.from = from
    self.until = until
  }

  public func covers(_ day: Day) -> Bool { from <= day && day <= until }
}
