import Model

/// REF-001 (a 学号 in 补助发放 or 成果 that is not in 进站研究生).
enum StudentReferenceRules {
  static func check(_ c: RuleContext) -> [Issue] {
    []
  }
}
