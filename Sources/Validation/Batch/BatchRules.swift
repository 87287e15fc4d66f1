import Model

/// The batch rules of SPEC §5, across the submissions of one batch (`pipeline
/// check` with several files, `pipeline run`'s inbox).
///
/// X-003 first (``RepeatedSubmissionRule``): of two submissions of one college for one station and
/// year the newer supersedes the older; the standing files of two colleges are a conflict. Then
/// X-001 and X-002 (``SharedStudentRules``) over the students of the members still standing. An
/// **unreadable** file takes part in no batch rule; one whose 工作站编号 or 报送学年 is missing or
/// refused cannot supersede nor be superseded, still takes part in X-002, and in X-001 only with
/// a known station.
///
/// Cost: one pass to group by (station, year), one to index the students by 学号; only rows that
/// share a 学号 are compared, pairwise within that 学号 — never all pairs of files. (The worst
/// case, one 学号 in all 2,000 workbooks of a batch, is 2 million cheap comparisons.)
public enum BatchRules {
  /// What the batch rules say about one member.
  public struct Verdict: Sendable, Equatable {
    /// raised on it, by row then rule (X-003 first: it has no cell).
    public var issues: [Issue] = []
    /// The index of the member that supersedes it, when one does.
    public var supersededBy: Int?
    /// Another college's file stands for the same station and year (X-003 as an error): neither
    /// supersedes the other, and neither is stored until the office resolves it.
    public var conflict = false
  }

  /// The verdicts, one per member in the same order. With the store's reports (`stored`), Y-005
  /// too (``StoredStayRule``).
  public static func check(
    _ members: [BatchMember], template: Template, stored: CrossYearIndex? = nil
  ) -> [Verdict] {
    var verdicts = RepeatedSubmissionRule.verdicts(members)
    SharedStudentRules(members, template: template).raise(in: &verdicts)
    if let stored {
      StoredStayRule(members, stored: stored, template: template).raise(in: &verdicts)
    }
    for i in verdicts.indices where verdicts[i].issues.count > 1 {
      verdicts[i].issues.sort {
        ($0.cell?.row ?? 0, $0.cell?.column ?? 0, $0.rule) < (
          $1.cell?.row ?? 0, $1.cell?.column ?? 0, $1.rule
        )
      }
    }
    return verdicts
  }
}
