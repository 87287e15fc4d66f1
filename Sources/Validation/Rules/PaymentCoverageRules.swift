import Model

/// SUB-005 (a month in station with no payment row) and SUB-006 (生活补助发放总额 ≠ the sum of
/// 实发金额).
enum PaymentCoverageRules {
  static func check(_ c: RuleContext) -> [Issue] {
    guard let payments = c.payments else { return [] }
    return missingMonths(c, payments) + totalMismatch(c, payments)
  }

  // MARK: - SUB-005

  /// One issue per student, at their 学号 cell in 进站研究生, listing every owed month that has no
  /// payment row: the fix is one conversation with the station about one student, and a dozen
  /// issues on one cell would bury the rest of the report.
  ///
  /// No cascade from a refused cell: a student with a payment row whose 发放月份 is unreadable is
  /// skipped (that row may be the missing month), and a month named on a row whose 学号 is
  /// unreadable is not reported missing for anyone (the row may be theirs). A row with neither
  /// readable could be anyone's any month, so SUB-005 is skipped altogether then. Students
  /// listed twice (DUP-001) are checked once, by their first record.
  private static func missingMonths(_ c: RuleContext, _ payments: Table) -> [Issue] {
    guard let students = c.students else { return [] }
    var paid: [String: Set<Int>] = [:]
    var unreadableMonth: Set<String> = []
    var orphanMonths: Set<Int> = []
    for record in payments.records {
      let month = record.month("month")
      switch (record.text("student_id"), month) {
      case (let id?, let month?): paid[id, default: []].insert(month.index)
      case (let id?, nil): unreadableMonth.insert(id)
      case (nil, let month?): orphanMonths.insert(month.index)
      case (nil, nil): return []
      }
    }

    var issues: [Issue] = []
    var checked: Set<String> = []
    for student in students.records {
      guard let id = student.text("student_id"), checked.insert(id).inserted,
        !unreadableMonth.contains(id)
      else { continue }
      let months = paid[id] ?? []
      let missing = c.monthsInStation(student).filter {
        !months.contains($0.index) && !orphanMonths.contains($0.index)
      }
      guard !missing.isEmpty else { continue }
      let list = missing.map(\.description).joined(separator: "、")
      issues.append(
        c.issue(
          "SUB-005", students, student, "student_id",
          "学号 \(id) 本学年在站的 \(list)（共 \(missing.count) 个月）在「\(payments.sheet)」中没有发放记录。在站期间（当月在站哪怕一天）每月都应发放生活补助：请补填这些月份的发放记录；如未发放，请补发后填报。"
        ))
    }
    return issues
  }

  // MARK: - SUB-006

  /// The declared total against the sum of every 实发金额 to the fen. Every row counts, a
  /// repeated one (DUP-002) or one for an unknown student (REF-001) too: the total declares what
  /// was paid out. Skipped when any 实发金额 is refused or missing, since the sum is then unknown.
  private static func totalMismatch(_ c: RuleContext, _ payments: Table) -> [Issue] {
    guard let declared = c.station?.money("subsidy_total"), payments.columns["paid"] != nil
    else { return [] }
    var sum = Money.zero
    for record in payments.records {
      guard let paid = record.money("paid") else { return [] }
      sum = sum + paid
    }
    guard sum != declared else { return [] }
    let issue = c.issue(
      "SUB-006", station: "subsidy_total",
      "\(c.label("station", "subsidy_total")) \(declared) 元与「\(payments.sheet)」中\(c.label("payments", "paid"))合计 \(sum) 元不一致（相差 \(Money(fen: abs(declared.fen - sum.fen))) 元）。请核对后使二者一致。"
    )
    return issue.map { [$0] } ?? []
  }
}
