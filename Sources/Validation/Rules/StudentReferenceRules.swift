import Model

/// REF-001 (a 学号 in 补助发放 or 成果 that is not in 进站研究生).
///
/// Skipped when 进站研究生 is missing, and also when any 学号 there is unreadable (refused or
/// blank): the unknown IDs elsewhere may be that student's, and one bad cell must not flag every
/// payment row of theirs. A refused 学号 in 补助发放, or a 参与研究生学号 list with a refused
/// part, has its CELL-004 already and is not checked.
enum StudentReferenceRules {
  static func check(_ c: RuleContext) -> [Issue] {
    guard let students = c.students, let known = knownIDs(students) else { return [] }
    var issues: [Issue] = []
    if let payments = c.payments {
      for record in payments.records {
        if let issue = unknownPayee(c, payments, record, known, students) { issues.append(issue) }
      }
    }
    if let outcomes = c.outcomes {
      for record in outcomes.records {
        if let issue = unknownParticipants(c, outcomes, record, known, students) {
          issues.append(issue)
        }
      }
    }
    return issues
  }

  /// Every 学号 of 进站研究生; nil when one is unreadable.
  private static func knownIDs(_ students: Table) -> Set<String>? {
    var known: Set<String> = []
    known.reserveCapacity(students.records.count)
    for student in students.records {
      guard let id = student.text("student_id") else { return nil }
      known.insert(id)
    }
    return known
  }

  /// REF-001 in 补助发放: a payment to a 学号 the list does not have.
  private static func unknownPayee(
    _ c: RuleContext, _ payments: Table, _ record: Record, _ known: Set<String>, _ students: Table
  ) -> Issue? {
    guard let id = record.text("student_id"), !known.contains(id) else { return nil }
    return c.issue(
      "REF-001", payments, record, "student_id",
      .unknownPayee(id: id, studentsSheet: students.sheet))
  }

  /// REF-001 in 成果: 参与研究生学号 the list does not have.
  private static func unknownParticipants(
    _ c: RuleContext, _ outcomes: Table, _ record: Record, _ known: Set<String>, _ students: Table
  ) -> Issue? {
    guard let ids = record.list("students") else { return nil }
    let unknown = ids.filter { !known.contains($0) }
    guard !unknown.isEmpty else { return nil }
    return c.issue(
      "REF-001", outcomes, record, "students",
      .unknownParticipants(
        unknown, studentsSheet: students.sheet, label: c.label("outcomes", "students")))
  }
}

extension Message {
  fileprivate static func unknownPayee(id: String, studentsSheet: String) -> Message {
    "学号 \(id) 不在「\(studentsSheet)」中。只能为本工作站本学年的进站研究生发放工作站补助：请核对学号，或先在「\(studentsSheet)」中补录该生。"
  }

  fileprivate static func unknownParticipants(
    _ ids: [String], studentsSheet: String, label: String
  ) -> Message {
    "\(label)中的 \(ids.joined(separator: "、")) 不在「\(studentsSheet)」中。成果只能计入本工作站的进站研究生：请核对学号，或先在「\(studentsSheet)」中补录该生。"
  }
}
