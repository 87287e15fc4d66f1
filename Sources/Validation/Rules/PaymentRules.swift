import Model

/// DUP-002 (a 学号 and 发放月份 paid twice), DATE-003 (payment month outside the year or the stay),
/// SUB-002 (应发 below the standard), SUB-003 (实发 below 应发), SUB-004 (paid late) — the three
/// findings — and CELL-001 on a blank 发放日期 of a payment with 实发金额 > 0.
///
/// One pass over 补助发放 (it can hold tens of thousands of rows): each row's fields are read once
/// and handed to every rule of the row, and students are looked up in a dictionary built once.
/// The rules the compiler leaves as calls are `@inline(__always)`: as calls they cost ~9 % of the
/// pass, and a struct carrying the row's fields ~11 % more in copies (callgrind, bench/check.sh's
/// 50,000 rows). When a 学号 is listed twice in 进站研究生 (DUP-001), its first record is the one
/// payments are checked against, as DUP-001 flags the later ones.
enum PaymentRules {
  static func check(_ c: RuleContext) -> [Issue] {
    guard let payments = c.payments else { return [] }
    var pass = Pass(c, payments)
    var issues: [Issue] = []
    for record in payments.records {
      let id = record.text("student_id")
      let month = record.month("month")
      let student = id.flatMap { pass.students[$0] }
      let due = record.money("due")
      let paid = record.money("paid")
      let paidOn = record.day("paid_on")
      if let issue = pass.paidTwice(record, id, month) { issues.append(issue) }
      if let issue = pass.monthOutOfPlace(record, month, id, student) { issues.append(issue) }
      if let issue = pass.dueBelowStandard(record, due, id, student) { issues.append(issue) }
      if let issue = pass.paidShort(record, due, paid) { issues.append(issue) }
      if let issue = pass.paidLate(record, month, paidOn) { issues.append(issue) }
      if let issue = pass.paidWithoutDate(record, paid, paidOn) { issues.append(issue) }
    }
    return issues
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
  @inline(__always)
  mutating func paidTwice(_ record: Record, _ id: String?, _ month: Month?) -> Issue? {
    guard let id, let month else { return nil }
    let number = numbers[id] ?? numbers.count
    if number == numbers.count { numbers[id] = number }
    let key = number << 32 | (month.index & 0xFFFF_FFFF)
    guard let first = seen[key] else {
      seen[key] = Int32(record.row)
      return nil
    }
    return c.issue(
      "DUP-002", payments, record, "month",
      .paidTwice(id: id, month: month, firstRow: Int(first), monthLabel: monthLabel))
  }

  /// DATE-003: the month lies outside the academic year, or has no day of the student's stay
  /// (only the year is checked when the student or the stay is unknown).
  @inline(__always)
  func monthOutOfPlace(_ record: Record, _ month: Month?, _ id: String?, _ student: Record?)
    -> Issue?
  {
    guard let month else { return nil }
    if let firstMonth, let lastMonth, month < firstMonth || month > lastMonth {
      return c.issue(
        "DATE-003", payments, record, "month",
        .monthOutsideYear(
          month, year: c.year!, first: firstMonth, last: lastMonth, monthLabel: monthLabel))
    }
    guard let student, let stay = c.stay(of: student),
      month.lastDay < stay.lowerBound || month.firstDay > stay.upperBound
    else { return nil }
    return c.issue(
      "DATE-003", payments, record, "month",
      .monthOutsideStay(
        month, id: id!, entered: stay.lowerBound, left: student.day("left_on"),
        monthLabel: monthLabel))
  }

  /// SUB-002: 应发金额 below the student's full monthly standard (no pro-rating).
  func dueBelowStandard(_ record: Record, _ due: Money?, _ id: String?, _ student: Record?)
    -> Issue?
  {
    guard let due, let standard = student?.money("monthly_standard"), due < standard
    else { return nil }
    return c.issue(
      "SUB-002", payments, record, "due",
      .dueBelowStandard(due: due, id: id!, standard: standard, dueLabel: dueLabel))
  }

  /// SUB-003: 实发金额 below 应发金额.
  @inline(__always)
  func paidShort(_ record: Record, _ due: Money?, _ paid: Money?) -> Issue? {
    guard let due, let paid, paid < due else { return nil }
    return c.issue(
      "SUB-003", payments, record, "paid",
      .paidShort(paid: paid, due: due, paidLabel: paidLabel, dueLabel: dueLabel))
  }

  /// SUB-004: paid after the due day (a finding).
  func paidLate(_ record: Record, _ month: Month?, _ paidOn: Day?) -> Issue? {
    guard let paidOn, let month else { return nil }
    let dueDay = c.policy.paymentDue(for: month)
    guard paidOn > dueDay else { return nil }
    return c.issue(
      "SUB-004", payments, record, "paid_on",
      .paidLate(month: month, paidOn: paidOn, dueDay: dueDay))
  }

  /// CELL-001 on 发放日期 (SPEC §5.1): paid, with no date — missing data, not a fact about the
  /// payment (SUB-004 needs the date).
  func paidWithoutDate(_ record: Record, _ paid: Money?, _ paidOn: Day?) -> Issue? {
    guard paidOn == nil, let paid, paid > .zero, !record.isFilled("paid_on")
    else { return nil }
    return c.issue(
      "CELL-001", payments, record, "paid_on",
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
