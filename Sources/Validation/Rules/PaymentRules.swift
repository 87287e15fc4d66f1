import Model

/// DUP-002 (a 学号 and 发放月份 paid twice), DATE-003 (payment month outside the year or the stay),
/// SUB-002 (应发 below the standard), SUB-003 (实发 below 应发), SUB-004 (paid late) — the three
/// findings — and CELL-001 on a blank 发放日期 of a payment with 实发金额 > 0.
///
/// One pass over 补助发放 (it can hold tens of thousands of rows): students are looked up in a
/// dictionary built once. When a 学号 is listed twice in 进站研究生 (DUP-001), its first record
/// is the one payments are checked against, as DUP-001 flags the later ones.
enum PaymentRules {
  static func check(_ c: RuleContext) -> [Issue] {
    guard let payments = c.payments else { return [] }
    var issues: [Issue] = []
    let p = c.policy

    var students: [String: Record] = [:]
    for student in c.students?.records ?? [] {
      if let id = student.text("student_id"), students[id] == nil { students[id] = student }
    }
    let firstMonth = c.year?.firstMonth(startMonth: p.academicYearStartMonth)
    let lastMonth = c.year?.lastMonth(startMonth: p.academicYearStartMonth)
    let monthLabel = c.label("payments", "month")
    let dueLabel = c.label("payments", "due")
    let paidLabel = c.label("payments", "paid")
    let paidOnLabel = c.label("payments", "paid_on")

    /// (学号, month index) → the row that first paid it; the 学号 as a number of its own (the
    /// order it was first met in), so the table holds no strings: a key per payment row.
    var seen: [Int: Int32] = [:]
    seen.reserveCapacity(payments.records.count)
    var numbers: [String: Int] = [:]

    for record in payments.records {
      let id = record.text("student_id")
      let month = record.month("month")
      let student = id.flatMap { students[$0] }

      // DUP-002: the same student and month paid on an earlier row.
      if let id, let month {
        let number = numbers[id] ?? numbers.count
        if number == numbers.count { numbers[id] = number }
        let key = number << 32 | (month.index & 0xFFFF_FFFF)
        if let first = seen[key] {
          issues.append(
            c.issue(
              "DUP-002", payments, record, "month",
              "学号 \(id) 的 \(month) 补助已在第 \(first) 行填报，同一学生同一月份只应有一行。请删除重复的行；如是月份填错，请改为正确的\(monthLabel)。"
            ))
        } else {
          seen[key] = Int32(record.row)
        }
      }

      // DATE-003: the month lies outside the academic year, or has no day of the student's stay
      // (only the year is checked when the student or the stay is unknown).
      if let month {
        if let firstMonth, let lastMonth, month < firstMonth || month > lastMonth {
          issues.append(
            c.issue(
              "DATE-003", payments, record, "month",
              "\(monthLabel) \(month) 不在本学年（\(c.year!)：\(firstMonth) 至 \(lastMonth)）内。请只填报本学年各月的发放记录，或改正月份。"
            ))
        } else if let student, let stay = c.stay(of: student),
          month.lastDay < stay.lowerBound || month.firstDay > stay.upperBound
        {
          let left = student.day("left_on").map { "至 \($0)" } ?? "起至今"
          issues.append(
            c.issue(
              "DATE-003", payments, record, "month",
              "学号 \(id!) 在站时间为 \(stay.lowerBound) \(left)，\(month) 不在其在站期间，不应发放工作站生活补助。请核对\(monthLabel)或该生的进站、出站日期。"
            ))
        }
      }

      // SUB-002: 应发金额 below the student's full monthly standard (no pro-rating).
      let due = record.money("due")
      if let due, let standard = student?.money("monthly_standard"), due < standard {
        issues.append(
          c.issue(
            "SUB-002", payments, record, "due",
            "\(dueLabel) \(due) 元低于该生（学号 \(id!)）的月生活补助标准 \(standard) 元：每月应按标准足额核定（在站不足整月也按整月）。"
              + RuleContext.findingNote
          ))
      }

      // SUB-003: 实发金额 below 应发金额.
      let paid = record.money("paid")
      if let due, let paid, paid < due {
        issues.append(
          c.issue(
            "SUB-003", payments, record, "paid",
            "\(paidLabel) \(paid) 元少于\(dueLabel) \(due) 元，补助未足额发放（差额 \(Money(fen: due.fen - paid.fen)) 元）。"
              + RuleContext.findingNote
          ))
      }

      // SUB-004: paid after the due day (a finding). Paid with no 发放日期 is CELL-001 (SPEC
      // §5.1): the date is missing data, not a fact about the payment.
      if let paidOn = record.day("paid_on") {
        if let month {
          let dueDay = p.paymentDue(for: month)
          if paidOn > dueDay {
            issues.append(
              c.issue(
                "SUB-004", payments, record, "paid_on",
                "\(month) 的补助于 \(paidOn) 发放，晚于规定的最迟发放日 \(dueDay)（次月最后一天），属于未按时发放。"
                  + RuleContext.findingNote
              ))
          }
        }
      } else if !record.isFilled("paid_on"), let paid, paid > .zero {
        issues.append(
          c.issue(
            "CELL-001", payments, record, "paid_on",
            "\(paidLabel)为 \(paid) 元，但未填写\(paidOnLabel)，无法确认是否按时发放。请按发放凭证填写实际发放日期。"))
      }
    }
    return issues
  }
}
