import Model
import Store

extension Assessor {
  /// The findings that make 合格2/优秀2 fail (subsidies not paid on time and in full).
  static let subsidyRules: Set<String> = ["SUB-001", "SUB-002", "SUB-003", "SUB-004"]
  /// The findings listed for a person to weigh (safety training, the mentors).
  static let personRules: Set<String> = ["SAF-001", "MEN-001", "MEN-002"]

  /// 四(二)合格2/优秀2 "按时、足额发放进站研究生生活补贴": compliant unless an accepted report of the
  /// window has a SUB-001…SUB-004 finding (a reason per such year). For a person: a year whose
  /// rejected report showed such a finding that its accepted one no longer shows, and every
  /// SAF-001/MEN-001/MEN-002 finding of an accepted report.
  static func subsidies(_ input: AssessmentInput, window: Window) -> (
    compliant: Bool, notes: Notes
  ) {
    var compliant = true
    var notes = Notes()
    for year in window.years {
      let verdicts = input.verdicts(of: year)
      let accepted = verdicts.filter(\.acceptedOnItsOwn)
      if let reason = subsidyReason(year, accepted: accepted) {
        compliant = false
        notes.reasons.append(reason)
      } else if input.accepted[year] != nil, let item = subsidyWithdrawn(year, verdicts: verdicts) {
        notes.review.append(item)
      }
      notes.review += personFindings(year, accepted: accepted)
    }
    return (compliant, notes)
  }

  /// Why `year` fails 合格2: the SUB-001…SUB-004 rules of its accepted reports, each with the
  /// most issues one report has; nil when they have none.
  static func subsidyReason(_ year: AcademicYear, accepted: [StoredVerdict]) -> String? {
    let rules = Set(accepted.flatMap { $0.rules(among: subsidyRules) }).sorted()
    guard !rules.isEmpty else { return nil }
    let counted = rules.map { rule in
      let most = accepted.map { $0.rules[rule] ?? 0 }.max() ?? 0
      return "\(rule) \(RuleCatalog.entry(rule)?.title ?? "") \(most) 项"
    }
    return
      "\(year) 学年报送显示生活补助未按时、足额发放（\(counted.joined(separator: "、"))），不符合合格标准2“按时、足额发放进站研究生生活补贴”（四(二)合格2）。"
  }

  /// The subsidy problems a rejected report of `year` showed and its accepted one does not: the
  /// facts are gone from the report, perhaps not from the station; nil when there were none.
  static func subsidyWithdrawn(_ year: AcademicYear, verdicts: [StoredVerdict]) -> String? {
    let earlier = verdicts.filter {
      !$0.acceptedOnItsOwn && !$0.rules(among: subsidyRules).isEmpty
    }
    guard let first = earlier.first else { return nil }
    let rules = Set(earlier.flatMap { $0.rules(among: subsidyRules) }).sorted()
    return
      "\(year) 学年首次报送（\(first.file)）显示补助发放问题（\(rules.joined(separator: "、"))），通过审核的报送中已无此问题；请核实补助发放的实际情况。"
  }

  /// The SAF-001/MEN-001/MEN-002 findings of `year`'s accepted reports, one item each with its
  /// message; a verdict stored before its findings were gives its counts alone.
  static func personFindings(_ year: AcademicYear, accepted: [StoredVerdict]) -> [String] {
    accepted.flatMap { v in
      let listed = v.findings.filter { personRules.contains($0.rule) }
      guard listed.isEmpty else {
        return listed.map { "\(year) 学年（\(v.file)）\($0.rule)：\(withoutFindingNote($0.message))" }
      }
      return v.rules(among: personRules).map { rule in
        "\(year) 学年（\(v.file)）\(rule) \(RuleCatalog.entry(rule)?.title ?? "")：\(v.rules[rule]!) 项，需人工核实。"
      }
    }
  }

  /// A finding's message without ``Model/Issue/findingNote``, the closing words addressed to the
  /// submitter.
  static func withoutFindingNote(_ message: String) -> String {
    message.hasSuffix(Issue.findingNote)
      ? String(message.dropLast(Issue.findingNote.count)) : message
  }
}
