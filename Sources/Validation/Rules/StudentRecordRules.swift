import Model

/// DUP-001 (学号 repeated), SAF-001 (安全教育 not 是) and INS-001 (意外伤害保险 = 否).
enum StudentRecordRules {
  static func check(_ c: RuleContext) -> [Issue] {
    []
  }
}
