import Basics
import Model

/// Runs every rule of SPEC §5 (but the batch rules) over a normalized submission.
public struct Validator: Sendable {
  /// Every rule family, one per file under `Rules/`.
  public static let rules: [RuleCheck] = [
    StationRules.check,
    StudentRecordRules.check,
    StayRules.check,
    SubsidyStandardRules.check,
    PaymentRules.check,
    PaymentCoverageRules.check,
    StudentReferenceRules.check,
    OutcomeRules.check,
    MentorRules.check,
    HeadRules.check,
    RegisterRules.check,
    CrossYearRules.check,
  ]

  public let policy: Policy
  public let template: Template
  public let register: StationRegister?
  public let crossYear: CrossYearIndex?

  public init(
    policy: Policy, template: Template, register: StationRegister? = nil,
    crossYear: CrossYearIndex? = nil
  ) {
    self.policy = policy
    self.template = template
    self.register = register
    self.crossYear = crossYear
  }

  /// STA-001…STA-004 on a station form alone, against `register` (`pipeline run` applies them
  /// after the batch, once the batch's own reports are known: ``RegisterRules``).
  public func registerIssues(station: Form, register: StationRegister) -> [Issue] {
    RegisterRules.check(
      RuleContext(
        submission: Submission(station: station, tables: [:], sheetOrder: []), policy: policy,
        template: template, register: register))
  }

  /// Runs the rule families concurrently (they only read the submission); the issues come back
  /// in family order, so the result does not depend on scheduling.
  public func validate(_ submission: Submission) -> [Issue] {
    let context = RuleContext(
      submission: submission, policy: policy, template: template, register: register,
      crossYear: crossYear)
    return inParallel(Self.rules.count) { i in Self.rules[i](context) }.flatMap { $0 }
  }
}
