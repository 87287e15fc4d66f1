import Model

/// SUB-001 (月生活补助标准 below the level's minimum unless 导师在设站单位承担项目 = 是).
///
/// The minimum is `policy.minimumMonthlySubsidy[培养层次]`; a level with no minimum configured has
/// none. 导师在设站单位承担项目 blank counts as 否 (SPEC §3.2). The rule skips a student whose
/// 培养层次 or 月生活补助标准 was refused, and one whose 导师在设站单位承担项目 was refused
/// (CELL-002): whether the minimum applies is then unknown, and the bad cell is already flagged.
enum SubsidyStandardRules {
  static func check(_ c: RuleContext) -> [Issue] {
    guard let students = c.students else { return [] }
    return students.records.compactMap { belowMinimum(c, students, $0) }
  }

  /// SUB-001: 月生活补助标准 below the minimum of the student's level, unless the mentor's project
  /// lets the two sides agree on it.
  private static func belowMinimum(_ c: RuleContext, _ students: Table, _ student: Record)
    -> Issue?
  {
    guard let level = student.text("level"), let standard = student.money("monthly_standard"),
      let minimumYuan = c.policy.minimumMonthlySubsidy[level],
      !student.isInvalid("supervisor_project"), student.bool("supervisor_project") != true
    else { return nil }
    let minimum = Money(yuan: minimumYuan)
    guard standard < minimum else { return nil }
    return c.issue(
      "SUB-001", students, student, "monthly_standard",
      .belowMinimum(
        standard: standard, level: level, minimum: minimum,
        standardLabel: c.label("students", "monthly_standard"),
        projectLabel: c.label("students", "supervisor_project")))
  }
}

extension Message {
  fileprivate static func belowMinimum(
    standard: Money, level: String, minimum: Money, standardLabel: String, projectLabel: String
  ) -> Message {
    "\(standardLabel) \(standard) 元低于\(level)研究生每人每月 \(minimum) 元的最低标准（导师在设站单位承担项目、补助另行协商的，\(projectLabel)应为“是”）。\(RuleContext.findingNote)"
  }
}
