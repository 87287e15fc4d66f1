import Model

/// DUP-002 (a 学号 and 发放月份 paid twice), DATE-003 (payment month outside the year or the stay),
/// SUB-002 (应发 below the standard), SUB-003 (实发 below 应发), SUB-004 (paid late) — the three
/// findings — and CELL-001 on a blank 发放日期 of a payment with 实发金额 > 0.
///
/// One pass over 补助发放 (it can hold tens of thousands of rows): each row's fields are read once
/// into a ``Payment`` that every rule of the row looks at, and students are looked up in a
/// dictionary built once. When a 学号 is listed twice in 进站研究生 (DUP-001), its first record
/// is the one payments are checked against, as DUP-001 flags the later ones.
enum PaymentRules {
  static func check(_ c: RuleContext) -> [Issue] {
    guard let payments = c.payments else { return [] }
    var pass = Pass(c, payments)
    var issues: [Issue] = []
    for record in payments.records {
      let row = Payment(record, students: pass.students)
      if let issue = pass.paidTwice(row) { issues.append(issue) }
      if let issue = pass.monthOutOfPlace(row) { issues.append(issue) }
      if let issue = pass.dueBelowStandard(row) { issues.append(issue) }
      if let issue = pass.paidShort(row) { issues.append(issue) }
      if let issue = pass.paidLate(row) { issues.append(issue) }
      if let issue = pass.paidWithoutDate(row) { issues.append(issue) }
    }
    return issues
  }
}

/// One row of 补助发放, its fields read once for all the rules of the row.
private struct Payment {
  var record: Record
  var id: String?
  var month: Month?
  /// The student's first record in 进站研究生, when the 学号 is listed there.
  var student: Record?
  var due: Money?
  var paid: Money?
  var paidOn: Day?

  init(_ record: Record, students: [String: Record]) {
    self.record = record
    id = record.text("student_id")
    month = record.month("month")
    student = id.flatMap { students[$0] }
    due = record.money("due")
    paid = record.money("paid")
    paidOn = record.day("paid_on")
  }
}

/// What the pass over 补助发放 knows beyond the row: the students, the academic year, the labels,
/// and the (学号, month) pairs already paid (DUP-002).
private struct Pass {
  let c: RuleContext
  let payments: Table
  /// 学号 → the first record of that 学号 in 进站研究生.
  let students: [String: Record]
  let firstMonth: Month?
  let lastMonth: Month?
  let monthLabel: String
  let dueLabel: String
  let paidLabel: String
  let paidOnLabel: String
  /// (学号, month index) → the row that first paid it; the 学号 as a number of its own (the
  /// order it was first met in), so the table holds no strings: a key per payment row.
  var seen: [Int: Int32] = [:]
  var numbers: [String: Int] = [:]

  init(_ c: RuleContext, _ payments: Table) {
    self.c = c
    self.payments = payments
    var students: [String: Record] = [:]
    for student in c.students?.records ?? [] {
      if let id = student.text("student_id"), students[id] == nil { students[id] = student }
    }
    self.students = students
    firstMonth = c.year?.firstMonth(startMonth: c.policy.academicYearStartMonth)
    lastMonth = c.year?.lastMonth(startMonth: c.policy.academicYearStartMonth)
    monthLabel = c.label("payments", "month")
    dueLabel = c.label("payments", "due")
    paidLabel = c.label("payments", "paid")
    paidOnLabel = c.label("payments", "paid_on")
    seen.reserveCapacity(payments.records.count)
  }

  /// DUP-002: the same student and month paid on an earlier row.
  mutating func paidTwice(_ row: Payment) -> Issue? {
    guard let id = row.id, let month = row.month else { return nil }
    let number = numbers[id] ?? numbers.count
    if number == numbers.count { numbers[id] = number }
    let key = number << 32 | (month.index & 0xFFFF_FFFF)
    guard let first = seen[key] else {
      seen[key] = Int32(row.record.row)
      return nil
    }
    return c.issue(
      "DUP-002", payments, row.record, "month",
      .paidTwice(id: id, month: month, firstRow: Int(first), monthLabel: monthLabel))
  }

  /// DATE-003: the month lies outside the academic year, or has no day of the student's stay
  /// (only the year is checked when the student or the stay is unknown).
  func monthOutOfPlace(_ row: Payment) -> Issue? {
    guard let month = row.month else { return nil }
    if let firstMonth, let lastMonth, month < firstMonth || month > lastMonth {
      return c.issue(
        "DATE-003", payments, row.record, "month",
        .monthOutsideYear(
          month, year: c.year!, first: firstMonth, last: lastMonth, monthLabel: monthLabel))
    }
    guard let student = row.student, let stay = c.stay(of: student),
      month.lastDay < stay.lowerBound || month.firstDay > stay.upperBound
    else { return nil }
    return c.issue(
      "DATE-003", payments, row.record, "month",
      .monthOutsideStay(
        month, id: row.id!, entered: stay.lowerBound, left: student.day("left_on"),
        monthLabel: monthLabel))
  }

  /// SUB-002: 应发金额 below the student's full monthly standard (no pro-rating).
  func dueBelowStandard(_ row: Payment) -> Issue? {
    guard let due = row.due, let standard = row.student?.money("monthly_standard"), due < standard
    else { return nil }
    return c.issue(
      "SUB-002", payments, row.record, "due",
      .dueBelowStandard(due: due, id: row.id!, standard: standard, dueLabel: dueLabel))
  }

  /// SUB-003: 实发金额 below 应发金额.
  func paidShort(_ row: Payment) -> Issue? {
    guard let due = row.due, let paid = row.paid, paid < due else { return nil }
    return c.issue(
      "SUB-003", payments, row.record, "paid",
      .paidShort(paid: paid, due: due, paidLabel: paidLabel, dueLabel: dueLabel))
  }

  /// SUB-004: paid after the due day (a finding).
  func paidLate(_ row: Payment) -> Issue? {
    guard let paidOn = row.paidOn, let month = row.month else { return nil }
    let dueDay = c.policy.paymentDue(for: month)
    guard paidOn > dueDay else { return nil }
    return c.issue(
      "SUB-004", payments, row.record, "paid_on",
      .paidLate(month: month, paidOn: paidOn, dueDay: dueDay))
  }

  /// CELL-001 on 发放日期 (SPEC §5.1): paid, with no date — missing data, not a fact about the
  /// payment (SUB-004 needs the date).
  func paidWithoutDate(_ row: Payment) -> Issue? {
    guard row.paidOn == nil, let paid = row.paid, paid > .zero, !row.record.isFilled("paid_on")
    else { return nil }
    return c.issue(
      "CELL-001", payments, row.record, "paid_on",
      .paidWithoutDate(paid: paid, paidLabel: paidLabel, paidOnLabel: paidOnLabel))
  }
}

extension Message {
  fileprivate static func paidTwice(id: String, month: Month, firstRow: Int, monthLabel: String)
    -> Message
  {
    "学号 \(id) 的 \(month) 补助已在第 \(firstRow) 行填报，同一学生同一月份只应有一行。请删除重复的行；如是月份填错，请改为正确的\(monthLabel)。"
  }

  fileprivate static func monthOutsideYear(
    _ month: Month, year: AcademicYear, first: Month, last: Month, monthLabel: String
  ) -> Message {
    "\(monthLabel) \(month) 不在本学年（\(year)：\(first) 至 \(last)）内。请只填报本学年各月的发放记录，或改正月份。"
  }

  /// `left` is nil while the student is still in station.
  fileprivate static func monthOutsideStay(
    _ month: Month, id: String, entered: Day, left: Day?, monthLabel: String
  ) -> Message {
    "学号 \(id) 在站时间为 \(stay(entered: entered, left: left))，\(month) 不在其在站期间，不应发放工作站生活补助。请核对\(monthLabel)或该生的进站、出站日期。"
  }

  fileprivate static func dueBelowStandard(
    due: Money, id: String, standard: Money, dueLabel: String
  ) -> Message {
    "\(dueLabel) \(due) 元低于该生（学号 \(id)）的月生活补助标准 \(standard) 元：每月应按标准足额核定（在站不足整月也按整月）。\(RuleContext.findingNote)"
  }

  fileprivate static func paidShort(paid: Money, due: Money, paidLabel: String, dueLabel: String)
    -> Message
  {
    "\(paidLabel) \(paid) 元少于\(dueLabel) \(due) 元，补助未足额发放（差额 \(Money(fen: due.fen - paid.fen)) 元）。\(RuleContext.findingNote)"
  }

  fileprivate static func paidLate(month: Month, paidOn: Day, dueDay: Day) -> Message {
    "\(month) 的补助于 \(paidOn) 发放，晚于规定的最迟发放日 \(dueDay)（次月最后一天），属于未按时发放。\(RuleContext.findingNote)"
  }

  fileprivate static func paidWithoutDate(paid: Money, paidLabel: String, paidOnLabel: String)
    -> Message
  {
    "\(paidLabel)为 \(paid) 元，但未填写\(paidOnLabel)，无法确认是否按时发放。请按发放凭证填写实际发放日期。"
  }
}
