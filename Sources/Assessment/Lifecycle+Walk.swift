import Model

extension Lifecycle {
  /// The walk through a station's events in date order (see ``Lifecycle``).
  struct Walk {
    enum Phase: Equatable {
      /// In its term (or past its end with no 期满验收 decision yet).
      case inTerm
      /// 合格: waiting for 重新评估.
      case awaitingReassessment
      /// 优秀 decided before the window ended: the next term starts the day after.
      case continuing
      case ended(Standing.Ended)
    }

    let history: StationHistory
    let policy: Policy
    let asOf: Day
    var terms: [Term]
    var phase = Phase.inTerm
    var automatic: [StationDecision] = []
    var notes: [String] = []
    private var recorded: [StationDecision]
    private var starts: [Day]

    init(history: StationHistory, policy: Policy, asOf: Day) {
      self.history = history
      self.policy = policy
      self.asOf = asOf
      starts = Lifecycle.registerStarts(history.recognitions, policy: policy)
      let first = starts.removeFirst()
      terms = [Term(from: first, to: policy.validityEnd(recognizedOn: first), number: 1)]
      // What the tool recorded by itself is its log, not evidence: the walk derives it again,
      // so an office decision recorded later with an earlier date comes first.
      recorded = history.decisions.filter { $0.date <= asOf && $0.source != .automatic }
        .sorted { $0.date < $1.date }
      logged = Set(
        history.decisions.filter { $0.source == .automatic }.map {
          "\($0.decision.rawValue)\($0.date)"
        })
    }

    /// The automatic decisions already recorded (decision and day).
    private let logged: Set<String>

    /// Keeps an automatic decision for `pipeline run` to record, unless it already is.
    private mutating func log(_ d: StationDecision) {
      if !logged.contains("\(d.decision.rawValue)\(d.date)") { automatic.append(d) }
    }

    var term: Term { terms[terms.count - 1] }

    /// An event of the walk.
    enum Event {
      case recorded(StationDecision)
      case start(Day)
      case revocation(Day, [AcademicYear])
      case notApplied(Day)
      case nextTerm(Day)

      var day: Day {
        switch self {
        case .recorded(let d): d.date
        case .start(let day), .revocation(let day, _), .notApplied(let day), .nextTerm(let day):
          day
        }
      }
    }

    mutating func run() {
      while let event = nextEvent(), event.day <= asOf { apply(event) }
    }

    /// The earliest event still to come, the recorded decisions first on a day, then a new
    /// 认定日期, then what the tool does by itself.
    func nextEvent() -> Event? {
      var candidates: [Event] = []
      if let d = recorded.first { candidates.append(.recorded(d)) }
      if let s = starts.first { candidates.append(.start(s)) }
      switch phase {
      case .inTerm:
        if let r = Lifecycle.revocation(of: term, history: history, policy: policy, asOf: asOf) {
          candidates.append(.revocation(r.day, r.years))
        }
        candidates.append(.notApplied(term.to.adding(days: policy.acceptanceGraceDays)))
      case .continuing:
        candidates.append(.nextTerm(term.to.adding(days: 1)))
      case .awaitingReassessment, .ended:
        break
      }
      // Stable: on a day, the earlier candidate (recorded, start, automatic) wins.
      return candidates.enumerated().min {
        ($0.element.day, $0.offset) < ($1.element.day, $1.offset)
      }?
      .element
    }

    mutating func apply(_ event: Event) {
      switch event {
      case .recorded(let d):
        recorded.removeFirst()
        decide(d.decision, on: d.date)
      case .start(let day):
        starts.removeFirst()
        begin(day)
      case .revocation(let day, let years):
        let named = years.map(\.description).joined(separator: "、")
        log(
          StationDecision(
            stationID: history.entry.stationID, decision: .revoked, date: day,
            note: "连续 \(years.count) 个学年（\(named)）未按时报送（四(一)）", source: .automatic))
        end(.revoked, on: day)
      case .notApplied(let day):
        log(
          StationDecision(
            stationID: history.entry.stationID, decision: .notApplied, date: day,
            note: "验收期 \(term.to) 结束后 \(policy.acceptanceGraceDays) 天内未记录期满验收结果（四(二)）",
            source: .automatic))
        end(.notApplied, on: day)
      case .nextTerm(let day):
        begin(day)
      }
    }

    /// A decision's consequences (SPEC §9). An ended station ignores it.
    mutating func decide(_ decision: Decision, on day: Day) {
      if case .ended = phase { return }
      switch decision {
      case .excellent:
        if day > term.to { begin(term.to.adding(days: 1)) } else { phase = .continuing }
      case .qualified: phase = .awaitingReassessment
      case .reassessmentPassed: begin(day)
      case .unqualified, .reassessmentFailed, .revoked, .notApplied, .expired:
        end(decision, on: day)
      }
    }

    mutating func begin(_ day: Day) {
      terms.append(
        Term(from: day, to: policy.validityEnd(recognizedOn: day), number: term.number + 1))
      phase = .inTerm
    }

    mutating func end(_ decision: Decision, on day: Day) {
      phase = .ended(
        Standing.Ended(
          decision: decision, date: day,
          banUntil: Lifecycle.banUntil(after: decision, on: day, policy: policy)))
    }
  }
}

extension Lifecycle.Walk {
  /// The standing the walk arrived at.
  func standing() -> Standing {
    let e = history.entry
    let years = Lifecycle.years(of: term, history: history, policy: policy, asOf: asOf)
    var warnings: [String] = []
    var state: StationState
    var ended: Standing.Ended?
    switch phase {
    case .ended(let how):
      ended = how
      state = how.decision == .revoked ? .revoked : .ended
      warnings.append(Self.endedWarning(how))
    case .awaitingReassessment:
      state = .awaitingReassessment
      warnings.append("期满验收合格，须经重新评估通过后方可进入下一轮认定有效期（四(二)）。")
    case .continuing:
      state = .active
    case .inTerm:
      state = asOf > term.to ? .awaitingAcceptance : .active
      let due = years.filter { $0.status != .pending && $0.status != .notDue }
      var warned: AcademicYear?
      if state == .awaitingAcceptance {
        let last = term.to.adding(days: policy.acceptanceGraceDays - 1)
        warnings.append(
          "认定有效期已于 \(term.to) 届满，须申请期满验收；至 \(last) 仍无验收结果的，视为未及时申请期满验收，\(policy.reapplicationBanWording)不得重新申报（四(二)）。"
        )
      } else if let latest = due.last, latest.status.notOnTime,
        let next = years.first(where: { $0.status == .pending || $0.status == .notDue })
      {
        state = .warned
        warned = latest.academicYear
        warnings.append(
          "\(latest.academicYear) 学年\(latest.status == .late ? "逾期报送" : "未按时报送")；\(next.academicYear) 学年数据如未在 \(next.deadline) 前按时报送，工作站将因连续两年未按时上报被撤销（四(一)）。"
        )
      }
      for year in due where year.status.notOnTime && year.academicYear != warned {
        warnings.append(
          "\(year.academicYear) 学年\(year.status.label)，期满验收不符合合格标准1“每年按时上报基本数据”（四(二)合格1）。")
      }
    }
    if !history.listed {
      warnings.insert("不在最新的工作站名录中（按名录前的状态：\(state.label)）。", at: 0)
      state = .unlisted
    }
    return Standing(
      entry: e, term: term, terms: terms, state: state, years: years, warnings: warnings,
      ended: ended,
      automatic: automatic)
  }

  static func endedWarning(_ how: Standing.Ended) -> String {
    let ban = how.banUntil.map { "，\($0) 前设站单位不得重新申报" } ?? ""
    switch how.decision {
    case .revoked: return "已于 \(how.date) 撤销（四(一)）\(ban)。"
    case .notApplied:
      return "未及时申请期满验收，自 \(how.date) 起不再作为市级研究生工作站\(ban)（四(二)）。"
    case .expired: return "认定有效期已于 \(how.date) 届满，未进入下一轮认定有效期。"
    default:
      return "\(how.date) \(how.decision.label)，不再作为市级研究生工作站\(ban)（四(二)）。"
    }
  }
}
