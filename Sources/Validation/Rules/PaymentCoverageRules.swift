import Model

/// SUB-005 (a month in station with no payment row) and SUB-006 (生活补助发放总额 ≠ the sum of
/// 实发金额).
///
/// One pass over 补助发放 (it can hold tens of thousands of rows) gathers what both need into a
/// ``Ledger``; each rule then judges from it.
enum PaymentCoverageRules {
  static func check(_ c: RuleContext) -> [Issue] {
    guard let payments = c.payments else { return [] }
    let declared = c.station?.money("subsidy_total")
    let ledger = Ledger(
      payments, months: c.students != nil, sum: declared != nil && payments.columns["paid"] != nil)
    var issues: [Issue] = []
    if let students = c.students, !ledger.anyoneAnyMonth {
      var checked: Set<String> = []
      for student in students.records {
        // Students listed twice (DUP-001) are checked once, by their first record.
        guard let id = student.text("student_id"), checked.insert(id).inserted else { continue }
        if let issue = missingMonths(c, students, student, id, ledger, payments) {
          issues.append(issue)
        }
      }
    }
    if let declared, let sum = ledger.sum, let issue = totalMismatch(c, declared, sum, payments) {
      issues.append(issue)
    }
    return issues
  }

  /// SUB-005: one issue per student, at their 学号 cell in 进站研究生, listing every owed month that
  /// has no payment row: the fix is one conversation with the station about one student, and a
  /// dozen issues on one cell would bury the rest of the report.
  ///
  /// No cascade from a refused cell: a student with a payment row whose 发放月份 is unreadable is
  /// skipped (that row may be the missing month), and a month named on a row whose 学号 is
  /// unreadable is not reported missing for anyone (the row may be theirs).
  private static func missingMonths(
    _ c: RuleContext, _ students: Table, _ student: Record, _ id: String, _ ledger: Ledger,
    _ payments: Table
  ) -> Issue? {
    guard !ledger.unreadableMonth.contains(id) else { return nil }
    let months = ledger.paid[id] ?? []
    let missing = c.monthsInStation(student).filter {
      !months.contains($0.index) && !ledger.orphanMonths.contains($0.index)
    }
    guard !missing.isEmpty else { return nil }
    return c.issue(
      "SUB-005", students, student, "student_id",
      .missingMonths(id: id, missing, paymentsSheet: payments.sheet))
  }

  /// SUB-006: the declared total against the sum of every 实发金额 to the fen. Every row counts, a
  /// repeated one (DUP-002) or one for an unknown student (REF-001) too: the total declares what
  /// was paid out.
  private static func totalMismatch(
    _ c: RuleContext, _ declared: Money, _ sum: Money, _ payments: Table
  ) -> Issue? {
    guard sum != declared else { return nil }
    return c.issue(
      "SUB-006", station: "subsidy_total",
      .totalMismatch(
        declared: declared, sum: sum, paymentsSheet: payments.sheet,
        totalLabel: c.label("station", "subsidy_total"), paidLabel: c.label("payments", "paid")))
  }
}

/// What one pass over 补助发放 gathers for SUB-005 and SUB-006.
private struct Ledger {
  /// 学号 → the indexes of the months paid to it.
  var paid: [String: Set<Int>] = [:]
  /// 学号 of rows whose 发放月份 is unreadable.
  var unreadableMonth: Set<String> = []
  /// Months of rows whose 学号 is unreadable.
  var orphanMonths: Set<Int> = []
  /// A row with neither readable could be anyone's any month: SUB-005 is skipped altogether.
  var anyoneAnyMonth = false
  /// The sum of every 实发金额; nil when one is refused or missing (the sum is then unknown), or
  /// when not asked for.
  var sum: Money?

  /// `months`: gather the months paid (SUB-005); `sum`: add up 实发金额 (SUB-006).
  init(_ payments: Table, months: Bool, sum: Bool) {
    var gathering = months
    var summing = sum
    var total = Money.zero
    for record in payments.records {
      if gathering { gathering = addMonth(of: record) }
      if summing {
        if let paid = record.money("paid") { total = total + paid } else { summing = false }
      }
      if !gathering && !summing { break }
    }
    self.sum = summing ? total : nil
  }

  /// Records the row's 学号 and month; false once a row has neither (nothing more to gather).
  @inline(__always)  // called per row: as a call it costs ~4 % of the family (callgrind)
  private mutating func addMonth(of record: Record) -> Bool {
    switch (record.text("student_id"), record.month("month")) {
    case (let id?, let month?): paid[id, default: []].insert(month.index)
    case (let id?, nil): unreadableMonth.insert(id)
    case (nil, let month?): orphanMonths.insert(month.index)
    case (nil, nil):
      anyoneAnyMonth = true
      return false
    }
    return true
  }
}

extension Message {
  fileprivate static func missingMonths(id: String, _ missing: [Month], paymentsSheet: String)
    -> Message
  {
    let list = missing.map(\.description).joined(separator: "、")
    return
      "学号 \(id) 本学年在站的 \(list)（共 \(missing.count) 个月）在「\(paymentsSheet)」中没有发放记录。在站期间（当月在站哪怕一天）每月都应发放生活补助：请补填这些月份的发放记录；如未发放，请补发后填报。"
  }

  fileprivate static func totalMismatch(
    declared: Money, sum: Money, paymentsSheet: String, totalLabel: String, paidLabel: String
  ) -> Message {
    "\(totalLabel) \(declared) 元与「\(paymentsSheet)」中\(paidLabel)合计 \(sum) 元不一致（相差 \(Money(fen: abs(declared.fen - sum.fen))) 元）。请核对后使二者一致。"
  }
}
