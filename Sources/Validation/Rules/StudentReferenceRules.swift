import Model

/// REF-001 (a 学号 in 补助发放 or 成果 that is not in 进站研究生).
///
/// Skipped when 进站研究生 is missing, and also when any 学号 there is unreadable (refused or
/// blank): the unknown IDs elsewhere may be that student's, and one bad cell must not flag every
/// payment row of theirs. A refused 学号 in 补助发放, or a 参与研究生学号 list with a refused
/// part, has its CELL-004 already and is not checked.
enum StudentReferenceRules {
  static func check(_ c: RuleContext) -> [Issue] {
    guard let students = c.students else { return [] }
    var known: Set<String> = []
    known.reserveCapacity(students.records.count)
    for student in students.records {
      guard let id = student.text("student_id") else { return [] }
      known.insert(id)
    }
    let studentsSheet = students.sheet
    var issues: [Issue] = []

    if let payments = c.payments {
      for record in payments.records {
        guard let id = record.text("student_id"), !known.contains(id) else { continue }
        issues.append(
          c.issue(
            "REF-001", payments, record, "student_id",
            "学号 \(id) 不在「\(studentsSheet)」中。只能为本工作站本学年的进站研究生发放工作站补助：请核对学号，或先在「\(studentsSheet)」中补录该生。"
          ))
      }
    }

    if let outcomes = c.outcomes {
      for record in outcomes.records {
        guard let ids = record.list("students") else { continue }
        let unknown = ids.filter { !known.contains($0) }
        guard !unknown.isEmpty else { continue }
        issues.append(
          c.issue(
            "REF-001", outcomes, record, "students",
            "\(c.label("outcomes", "students"))中的 \(unknown.joined(separator: "、")) 不在「\(studentsSheet)」中。成果只能计入本工作站的进站研究生：请核对学号，或先在「\(studentsSheet)」中补录该生。"
          ))
      }
    }
    return issues
  }
}
