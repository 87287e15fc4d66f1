import Model

/// DUP-001 (学号 repeated), SAF-001 (安全教育 not 是) and INS-001 (意外伤害保险 = 否).
///
/// Each looks at one field of 进站研究生 and fires only on a valid value: a 学号 refused by
/// normalization (CELL-001/CELL-004) is not compared, and a 安全教育 or 意外伤害保险 that is not a
/// yes/no value is CELL-002 only (SPEC §5.1). A blank 意外伤害保险 is no issue; a blank 安全教育 is
/// CELL-001 (the field is required), not SAF-001.
enum StudentRecordRules {
  static func check(_ c: RuleContext) -> [Issue] {
    guard let students = c.students else { return [] }
    var issues: [Issue] = []
    /// 学号 → the row it was first listed on.
    var firstRow: [String: Int] = [:]
    for student in students.records {
      if let issue = repeatedID(c, students, student, firstRow: &firstRow) { issues.append(issue) }
      if let issue = untrained(c, students, student) { issues.append(issue) }
      if let issue = uninsured(c, students, student) { issues.append(issue) }
    }
    return issues
  }

  /// DUP-001: every repeat after the first, at its 学号 cell.
  private static func repeatedID(
    _ c: RuleContext, _ students: Table, _ student: Record, firstRow: inout [String: Int]
  ) -> Issue? {
    guard let id = student.text("student_id") else { return nil }
    guard let first = firstRow[id] else {
      firstRow[id] = student.row
      return nil
    }
    return c.issue(
      "DUP-001", students, student, "student_id",
      .repeatedID(id: id, firstRow: first, idLabel: c.label("students", "student_id")))
  }

  /// SAF-001: 安全教育 answered 否.
  private static func untrained(_ c: RuleContext, _ students: Table, _ student: Record) -> Issue? {
    guard student.bool("safety_training") == false else { return nil }
    return c.issue(
      "SAF-001", students, student, "safety_training",
      .untrained(safetyLabel: c.label("students", "safety_training")))
  }

  /// INS-001: 意外伤害保险 answered 否 (a warning: blank is no issue).
  private static func uninsured(_ c: RuleContext, _ students: Table, _ student: Record) -> Issue? {
    guard student.bool("insured") == false else { return nil }
    return c.issue(
      "INS-001", students, student, "insured",
      .uninsured(insuredLabel: c.label("students", "insured")))
  }
}

extension Message {
  fileprivate static func repeatedID(id: String, firstRow: Int, idLabel: String) -> Message {
    "\(idLabel) \(id) 与第 \(firstRow) 行重复，每名研究生只应填报一行。请删除重复的行；如是学号填错，请改为该生正确的学号。"
  }

  fileprivate static func untrained(safetyLabel: String) -> Message {
    "\(safetyLabel)为“否”：进站研究生须接受安全教育。请尽快组织该生完成安全教育。\(RuleContext.findingNote)"
  }

  fileprivate static func uninsured(insuredLabel: String) -> Message {
    "\(insuredLabel)为“否”：建议为进站研究生购买意外伤害保险。请核实，办理后改为“是”。"
  }
}
