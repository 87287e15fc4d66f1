import Model

/// REF-002 (设站单位导师 not listed as 兼职导师), MEN-001 (兼职导师 title below the minimum grade) and MEN-002 (兼职导师 not employed by the 设站单位).
enum MentorRules {
  static func check(_ c: RuleContext) -> [Issue] {
    []
  }
}
