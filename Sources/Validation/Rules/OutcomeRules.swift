import Model

/// DATE-004 (an outcome dated outside the academic year).
enum OutcomeRules {
  static func check(_ c: RuleContext) -> [Issue] {
    guard let outcomes = c.outcomes, let year = c.year, let start = c.yearStart, let end = c.yearEnd
    else { return [] }
    return outcomes.records.compactMap { outsideYear(c, outcomes, $0, year: year, start...end) }
  }

  /// DATE-004: 取得日期 before the academic year's first day or after its last.
  private static func outsideYear(
    _ c: RuleContext, _ outcomes: Table, _ record: Record, year: AcademicYear,
    _ days: ClosedRange<Day>
  ) -> Issue? {
    guard let day = record.day("achieved_on"), !days.contains(day) else { return nil }
    return c.issue(
      "DATE-004", outcomes, record, "achieved_on",
      .outsideYear(
        title: record.text("title"), day: day, year: year, days: days,
        label: c.label("outcomes", "achieved_on")))
  }
}

extension Message {
  fileprivate static func outsideYear(
    title: String?, day: Day, year: AcademicYear, days: ClosedRange<Day>, label: String
  ) -> Message {
    let title = title.map { "「\($0)」" } ?? "该成果"
    return
      "\(title)的\(label) \(day) 不在本学年（\(year)：\(days.lowerBound) 至 \(days.upperBound)）内。每年只填报本学年取得的成果：请改正日期，或将该成果放到其取得年度的报表中。"
  }
}
