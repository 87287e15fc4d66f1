import Model

/// DATE-004 (an outcome dated outside the academic year).
enum OutcomeRules {
  static func check(_ c: RuleContext) -> [Issue] {
    guard let outcomes = c.outcomes, let year = c.year, let start = c.yearStart, let end = c.yearEnd
    else { return [] }
    let label = c.label("outcomes", "achieved_on")
    return outcomes.records.compactMap { record in
      guard let day = record.day("achieved_on"), day < start || day > end else { return nil }
      let title = record.text("title").map { "「\($0)」" } ?? "该成果"
      return c.issue(
        "DATE-004", outcomes, record, "achieved_on",
        "\(title)的\(label) \(day) 不在本学年（\(year)：\(start) 至 \(end)）内。每年只填报本学年取得的成果：请改正日期，或将该成果放到其取得年度的报表中。"
      )
    }
  }
}
