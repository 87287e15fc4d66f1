import Model

/// A station over its terms (SPEC §9; policy 二(一), 四(一), 四(二)): pure, from a
/// ``StationHistory``, the policy and the as-of day.
///
/// Choices (the SPEC and the policy leave them open):
/// - **Terms.** The first term starts on the earliest 认定日期 the register gave; a later import's
///   date within that term (before its end) corrects it, one after it starts a new term (a
///   re-recognition). 优秀 starts the next term the day after the window ends; 重新评估通过 on its
///   own date.
/// - **Events in date order**, the recorded ones first on a day: 撤销 (recorded by the office, or
///   by itself on the deadline of the second consecutive year of the term with no on-time
///   accepted report),
///   优秀/合格/不合格/重新评估…, 未申请验收 (by itself `acceptanceGraceDays` after the window ends
///   while no 期满验收 decision is recorded), a new 认定日期. An ended station stays ended until a
///   new 认定日期; a decision recorded after it ended is kept in the store and ignored. What the
///   tool recorded by itself is derived again from the evidence each time (the store keeps it as
///   a log): an office decision recorded later with an earlier date (优秀 on 2026-06-20) comes
///   before an automatic 未申请验收 of 2026-08-13.
/// - **Evidence as of the day.** A report counts from its 报送日期, or from its receipt's day when
///   that is later (``StationHistory/Report/countsFrom``); reports that count from after the as-of
///   day are not seen, so a status on an earlier day says what was known then.
/// - **Years listed**: the term's academic years (the `validityYears` from the one containing its
///   start); `pending` is the first whose deadline is not past, with no accepted report.
/// - **预警**: the latest due year late or missing, and the next year of the term not yet due:
///   missing its deadline too would revoke the station.
public enum Lifecycle {
  public static func standing(_ h: StationHistory, policy p: Policy, asOf: Day) -> Standing {
    var walk = Walk(history: h, policy: p, asOf: asOf)
    walk.run()
    return walk.standing()
  }

  /// The days a term's years are due, with each year's status as of a day.
  static func years(of term: Term, history h: StationHistory, policy p: Policy, asOf: Day)
    -> [Standing.Year]
  {
    var pendingGiven = false
    return termYears(term, policy: p).map { year in
      let deadline = p.reportDeadline(for: year)
      let submitted = h.reports.filter {
        $0.academicYear == year && ($0.countsFrom.map { $0 <= asOf } ?? false)
      }.compactMap(\.submittedOn).min()
      if let counted = h.reported(year, by: asOf, deadline: deadline) {
        return Standing.Year(
          academicYear: year, status: counted <= deadline ? .onTime : .late, deadline: deadline,
          submittedOn: submitted)
      }
      if deadline < asOf {
        return Standing.Year(academicYear: year, status: .missing, deadline: deadline)
      }
      if !pendingGiven {
        pendingGiven = true
        return Standing.Year(
          academicYear: year, status: .pending, deadline: deadline,
          daysLeft: deadline.days - asOf.days)
      }
      return Standing.Year(academicYear: year, status: .notDue, deadline: deadline)
    }
  }

  /// A term's academic years: `validityYears` of them from the one that contains its start.
  static func termYears(_ term: Term, policy p: Policy) -> [AcademicYear] {
    let (y, m, _) = term.from.parts
    let first = m >= p.academicYearStartMonth ? y : y - 1
    return (0..<p.validityYears).map { AcademicYear(startYear: first + $0) }
  }

  /// The day a term's station is revoked by itself: the deadline of the second (the policy's
  /// `revocationConsecutiveYears`th) consecutive year with no accepted report on time by then,
  /// with those years; nil when none is due by `asOf`.
  static func revocation(of term: Term, history h: StationHistory, policy p: Policy, asOf: Day)
    -> (day: Day, years: [AcademicYear])?
  {
    var run: [AcademicYear] = []
    for year in termYears(term, policy: p) {
      let deadline = p.reportDeadline(for: year)
      guard deadline <= asOf else { return nil }
      // On its deadline, a year is missed unless a report counted by then.
      if h.reported(year, by: deadline, deadline: deadline) != nil {
        run = []
        continue
      }
      run.append(year)
      if run.count >= p.revocationConsecutiveYears { return (deadline, run) }
    }
    return nil
  }

  /// The last day of the reapplication ban `decision` on `day` opens (nil: none): its
  /// `banYears` years from that day, the day before the same date that many years later.
  public static func banUntil(after decision: Decision, on day: Day, policy p: Policy) -> Day? {
    let years = decision.banYears(p)
    return years > 0 ? adding(years: years, to: day).adding(days: -1) : nil
  }

  /// `day` plus `years` years (29 February becomes 28 February in a common year).
  static func adding(years: Int, to day: Day) -> Day {
    let (y, m, d) = day.parts
    return Day(year: y + years, month: m, day: d) ?? Month(year: y + years, month: m).lastDay
  }

  /// The term starts the register gives: a later 认定日期 within the previous term corrects it,
  /// one after the term's end starts a new one.
  static func registerStarts(_ recognitions: [Day], policy p: Policy) -> [Day] {
    var starts: [Day] = []
    for day in recognitions {
      if let last = starts.last, day <= p.validityEnd(recognizedOn: last) {
        starts[starts.count - 1] = day
      } else {
        starts.append(day)
      }
    }
    return starts
  }
}
