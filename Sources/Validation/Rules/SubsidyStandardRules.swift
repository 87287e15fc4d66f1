import Model

/// SUB-001 (月生活补助标准 below the level's minimum unless 导师在设站单位承担项目 = 是).
enum SubsidyStandardRules {
  static func check(_ c: RuleContext) -> [Issue] {
    []
  }
}
