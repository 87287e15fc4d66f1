import Model
import Store

extension Assessor {
  /// 四(一) "每年按时上报": each year of the window on time, late, missing or not yet due (see
  /// ``Assessment``), with a reason for each late or missing one.
  static func yearStatuses(
    _ input: AssessmentInput, window: Window, policy p: Policy, asOf: Day
  ) -> (years: [Assessment.Year], notes: Notes) {
    var notes = Notes()
    let years = window.years.map { year in
      let verdicts = input.verdicts(of: year)
      let deadline = p.reportDeadline(for: year)
      var (status, reason) = yearStatus(
        year, accepted: input.accepted[year], verdicts: verdicts, deadline: deadline, asOf: asOf)
      if status == .missing, verdicts.isEmpty, let good = input.recordsUntil, deadline <= good {
        // Before the store: the register's own records speak for it.
        (status, reason) = (.onTime, nil)
        notes.review.append(
          "\(year) 学年的数据不在数据库中，依名录（状态日期 \(good)）视为按时报送；该学年的研究生、成果与补助未计入，请人工核实。")
      }
      if let reason { notes.reasons.append(reason) }
      let firstSubmitted =
        (verdicts.compactMap(\.submittedOn) + [input.accepted[year] ?? nil].compactMap { $0 }).min()
      return Assessment.Year(academicYear: year, status: status, submittedOn: firstSubmitted)
    }
    return (years, notes)
  }

  /// One year's status and, when late or missing, the reason that says so. `accepted` is nil when
  /// the year has no accepted version, else the 报送日期 of its first one.
  static func yearStatus(
    _ year: AcademicYear, accepted: Day??, verdicts: [StoredVerdict], deadline: Day, asOf: Day
  ) -> (YearStatus, String?) {
    if let acceptedFirst = accepted {
      // On time when an accepted report has its 报送日期 — and, when it came through the server,
      // its receipt's day — by the deadline (SPEC §9): a rejected report does not count until it
      // is corrected, and the correction's own date decides. A store from before verdicts were
      // kept has only the first version's 报送日期.
      let counted = verdicts.filter(\.acceptedOnItsOwn).compactMap { v in
        v.submittedOn.map { max($0, v.receiptDay ?? $0) }
      }
      let dates = counted.isEmpty ? [acceptedFirst].compactMap { $0 } : counted
      guard let earliest = dates.min(), earliest > deadline else { return (.onTime, nil) }
      return (.late, "\(year) 学年逾期报送（应于 \(deadline) 前，通过审核的报送日期 \(earliest)）。")
    }
    guard asOf > deadline else { return (.notDue, nil) }
    return (
      .missing,
      verdicts.isEmpty
        ? "\(year) 学年未报送（截止 \(deadline)）。" : "\(year) 学年报送未通过审核，视为未报送（截止 \(deadline)）。"
    )
  }

  /// 四(一) "连续两年未按时上报": the first `revocationConsecutiveYears` consecutive years of the
  /// window late or missing; empty when there are none.
  static func revocation(_ years: [Assessment.Year], policy p: Policy) -> [AcademicYear] {
    var run: [AcademicYear] = []
    for year in years {
      guard year.status.notOnTime else {
        run = []
        continue
      }
      run.append(year.academicYear)
      if run.count >= p.revocationConsecutiveYears { return run }
    }
    return []
  }
}
