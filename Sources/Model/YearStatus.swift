/// How one academic year of a station's window was reported (SPEC §6 `years[].status`): the raw
/// values are the JSON's, ``label`` the Chinese word every output shows.
public enum YearStatus: String, Sendable, Codable, CaseIterable {
  /// An accepted report with its 报送日期 on or before the deadline.
  case onTime = "on_time"
  /// Accepted, but after the deadline.
  case late
  /// The deadline passed with no accepted report.
  case missing
  /// No accepted report yet, and the deadline has not passed.
  case notDue = "not_due"
  /// `pipeline status` only: the year whose deadline comes next, with no accepted report yet —
  /// the one the office chases before 7月10日 (the later years of the term are `not_due`).
  case pending

  /// The Chinese word for it: 按时, 逾期, 未报送, 未到期, 待报送.
  public var label: String {
    switch self {
    case .onTime: "按时"
    case .late: "逾期"
    case .missing: "未报送"
    case .notDue: "未到期"
    case .pending: "待报送"
    }
  }

  /// Late or missing: what 合格1 and the revocation (四(一)) count.
  public var notOnTime: Bool { self == .late || self == .missing }
}
