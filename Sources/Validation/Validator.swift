import Foundation
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

  /// Runs the rule families concurrently (they only read the submission); the issues come back
  /// in family order, so the result does not depend on scheduling.
  public func validate(_ submission: Submission) -> [Issue] {
    let context = RuleContext(submission: submission, policy: policy, template: template)
    let results = Results(count: Self.rules.count)
    DispatchQueue.concurrentPerform(iterations: Self.rules.count) { i in
      results.set(i, Self.rules[i](context))
    }
    return results.all.flatMap { $0 }
  }
}

/// One slot per rule family, filled from several threads.
private final class Results: @unchecked Sendable {
  private let lock = NSLock()
  private var slots: [[Issue]]

  init(count: Int) { slots = Array(repeating: [], count: count) }

  func set(_ i: Int, _ issues: [Issue]) {
    lock.lock()
    slots[i] = issues
    lock.unlock()
  }

  var all: [[Issue]] {
    lock.lock()
    defer { lock.unlock() }
    return slots
  }
}
