/// How much an issue matters (SPEC §5): an error blocks acceptance; a finding (政策问题) is a
/// shortfall against the policy that the data truthfully shows — accepted, marked, stored and
/// weighed in 期满验收, never something to edit away; a warning is a reminder.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
  case error, finding, warning

  /// Worst first: error, finding, warning.
  public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }

  private var rank: Int {
    switch self {
    case .error: 0
    case .finding: 1
    case .warning: 2
    }
  }

  /// The Chinese word every output uses for it.
  public var label: String {
    switch self {
    case .error: "错误"
    case .finding: "政策问题"
    case .warning: "警告"
    }
  }
}

/// How many issues of each severity a list holds.
public struct IssueCounts: Sendable, Equatable {
  public var errors = 0
  public var findings = 0
  public var warnings = 0

  public init(errors: Int = 0, findings: Int = 0, warnings: Int = 0) {
    self.errors = errors
    self.findings = findings
    self.warnings = warnings
  }

  public init(_ issues: some Sequence<Issue>) {
    for issue in issues { add(issue.severity) }
  }

  public mutating func add(_ severity: Severity, _ n: Int = 1) {
    switch severity {
    case .error: errors += n
    case .finding: findings += n
    case .warning: warnings += n
    }
  }

  public subscript(_ severity: Severity) -> Int {
    switch severity {
    case .error: errors
    case .finding: findings
    case .warning: warnings
    }
  }

  /// `错误 2 个，政策问题 1 个，警告 0 个` (the unit word given: 个 or 项).
  public func text(unit: String) -> String {
    Severity.allCases.map { "\($0.label) \(self[$0]) \(unit)" }.joined(separator: "，")
  }
}

/// One problem found in a submission: which rule, where (sheet and cell as they stand in the
/// submitted file; nil for a file- or sheet-level issue), a Chinese message that says what is
/// wrong and how to fix it, and the cell's text where there is one (SPEC §5).
public struct Issue: Equatable, Hashable, Sendable {
  public var rule: String
  public var severity: Severity
  public var sheet: String?
  public var cell: CellReference?
  public var message: String
  public var value: String?

  /// An issue under a catalogued rule; its severity comes from the catalog.
  public init(
    _ rule: String, sheet: String?, cell: CellReference?, message: String, value: String? = nil
  ) {
    self.rule = rule
    self.severity = RuleCatalog.severity(of: rule)
    self.sheet = sheet
    self.cell = cell
    self.message = message
    self.value = value
  }

  /// The closing words of every finding's message (SPEC §5 `finding`): what it means for the
  /// submission, and that the fact is to be reported as it is — a rule never pushes a submitter to
  /// change a fact to be accepted. 期满验收 lists a finding without them.
  public static let findingNote =
    "此为政策问题：不影响本次报送通过，将记入期满验收。请如实填报，不要为通过审核而改动实际情况；如系填写错误，请改正。"

  /// Report order: file-level first, then by sheet (in the given order), row, column, rule.
  public static func reportOrder(sheetOrder: [String]) -> (Issue, Issue) -> Bool {
    let rank = Dictionary(sheetOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    return { a, b in
      let sa = a.sheet.map { rank[$0] ?? Int.max - 1 } ?? -1
      let sb = b.sheet.map { rank[$0] ?? Int.max - 1 } ?? -1
      if sa != sb { return sa < sb }
      let ca = a.cell.map { ($0.row, $0.column) } ?? (0, 0)
      let cb = b.cell.map { ($0.row, $0.column) } ?? (0, 0)
      if ca != cb { return ca < cb }
      return a.rule < b.rule
    }
  }
}
