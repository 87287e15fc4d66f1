import Foundation
import Model
import Store

extension Assessor {
  /// The outcomes of the window, as 优秀5 weighs them.
  struct Outcomes {
    /// Level → count: the template's levels in order, then any other by name.
    var levels: [(level: String, count: Int)]
    /// The outcomes counted, in the store's order.
    var list: [Assessment.Outcome]
    /// The 经济社会效益 claimed, `《成果名称》：效益`, for a person.
    var benefits: [String]
    var national: Int
    var provincial: Int
    /// ≥ `excellentNationalOutcomes` 国家级 or ≥ `excellentProvincialOutcomes` 省部级.
    var meetExcellent: Bool
  }

  /// 四(二)优秀5 "至少有1项国家级或2项以上省部级成果": the current versions' 成果 dated within the
  /// window (undated ones kept), counted once across the years — the same 成果类型 and 成果名称,
  /// punctuation and white space ignored, as Y-004 compares them (``CrossYearIndex/outcomeKey``),
  /// the first report's level counting — by level (none: 其他); each keeps the years whose
  /// reports claimed it; the 经济社会效益 they claim are kept for a person.
  static func outcomes(_ stored: [StoredOutcome], window: Window, policy p: Policy) -> Outcomes {
    var seen: [String: Int] = [:]
    var byLevel: [String: Int] = [:]
    var list: [Assessment.Outcome] = []
    var benefits: [String] = []
    for o in stored {
      if let d = o.achievedOn, !window.contains(d) { continue }
      let key =
        CrossYearIndex.outcomeKey(o.kind, o.title)
        ?? [o.kind ?? "", clean(o.title), o.level ?? ""].joined(separator: "\u{1F}")
      if let first = seen[key] {
        if !list[first].claimedIn.contains(o.academicYear) {
          list[first].claimedIn.append(o.academicYear)
        }
        continue
      }
      seen[key] = list.count
      byLevel[o.level ?? "其他", default: 0] += 1
      list.append(
        Assessment.Outcome(
          academicYear: o.academicYear, kind: o.kind, title: o.title, level: o.level,
          achievedOn: o.achievedOn))
      if let b = o.benefit?.trimmingCharacters(in: .whitespaces), !b.isEmpty {
        benefits.append("《\(clean(o.title))》：\(b)")
      }
    }
    var levels = Assessment.levels.map { (level: $0, count: byLevel[$0] ?? 0) }
    for (level, n) in byLevel.sorted(by: { $0.key < $1.key })
    where !Assessment.levels.contains(level) {
      levels.append((level, n))
    }
    let national = byLevel["国家级"] ?? 0
    let provincial = byLevel["省部级"] ?? 0
    return Outcomes(
      levels: levels, list: list, benefits: benefits, national: national, provincial: provincial,
      meetExcellent: national >= p.excellentNationalOutcomes
        || provincial >= p.excellentProvincialOutcomes)
  }

  private static func clean(_ s: String?) -> String {
    (s ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
