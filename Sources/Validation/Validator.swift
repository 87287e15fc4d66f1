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
  ]

  public let policy: Policy
  public let template: Template

  public init(policy: Policy, template: Template) {
    self.policy = policy
    self.template = template
  }

  public func validate(_ submission: Submission) -> [Issue] {
    let context = RuleContext(submission: submission, policy: policy, template: template)
    return Self.rules.flatMap { $0(context) }
  }
}
