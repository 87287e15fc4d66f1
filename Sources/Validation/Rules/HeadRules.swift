import Model

/// REF-003 (a head in 工作站信息 not listed with that role) and MEN-003 (not exactly one head of each kind).
enum HeadRules {
  static func check(_ c: RuleContext) -> [Issue] {
    []
  }
}
