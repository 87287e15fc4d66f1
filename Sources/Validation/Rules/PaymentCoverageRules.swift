import Model

/// SUB-005 (a month in station with no payment row) and SUB-006 (生活补助发放总额 ≠ the sum of 实发金额).
enum PaymentCoverageRules {
  static func check(_ c: RuleContext) -> [Issue] {
    []
  }
}
