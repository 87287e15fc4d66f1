import Model

/// DATE-001 (出站日期 before 进站日期), DATE-002 (not in station on any day of the academic year) and HC-001 (进站研究生人数 ≠ students in station during the year).
enum StayRules {
  static func check(_ c: RuleContext) -> [Issue] {
    []
  }
}
