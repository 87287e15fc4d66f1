/// How much an issue matters: an error blocks acceptance, a warning does not.
public enum Severity: String, Sendable, Codable, Comparable {
  case error, warning

  public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
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
  public init(_ rule: String, sheet: String?, cell: CellReference?, message: String, value: String? = nil) {
    self.rule = rule
    self.severity = RuleCatalog.severity(of: rule)
    self.sheet = sheet
    self.cell = cell
    self.message = message
    self.value = value
  }

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
