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
    let idLabel = c.label("students", "student_id")
    let safetyLabel = c.label("students", "safety_training")
    let insuredLabel = c.label("students", "insured")

    /// 学号 → the row it was first listed on.
    var firstRow: [String: Int] = [:]
    for student in students.records {
      // DUP-001: every repeat after the first, at its 学号 cell.
      if let id = student.text("student_id") {
        if let first = firstRow[id] {
          issues.append(
            c.issue(
              "DUP-001", students, student, "student_id",
              "\(idLabel) \(id) 与第 \(first) 行重复，每名研究生只应填报一行。请删除重复的行；如是学号填错，请改为该生正确的学号。"))
        } else {
          firstRow[id] = student.row
        }
      }

      // SAF-001: 安全教育 answered 否.
      if student.bool("safety_training") == false {
        issues.append(
          c.issue(
            "SAF-001", students, student, "safety_training",
            "\(safetyLabel)为“否”：进站研究生须接受安全教育。请尽快组织该生完成安全教育。" + RuleContext.findingNote))
      }

      // INS-001: 意外伤害保险 answered 否 (a warning: blank is no issue).
      if student.bool("insured") == false {
        issues.append(
          c.issue(
            "INS-001", students, student, "insured",
            "\(insuredLabel)为“否”：建议为进站研究生购买意外伤害保险。请核实，办理后改为“是”。"))
      }
    }
    return issues
  }
}
