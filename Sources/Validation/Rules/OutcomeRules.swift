import Model

/// DATE-004 (an outcome dated outside the academic year).
enum OutcomeRules {
  static func check(_ c: RuleContext) -> [Issue] {
    []
  }
}
