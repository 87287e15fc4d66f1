/// A submission's verdict (SPEC §6 `report.json` `status`): the raw values are the report's and
/// the store's words, ``label`` the one Chinese word every output shows.
public enum SubmissionStatus: String, Sendable, Codable, CaseIterable {
  /// No error: stored (findings and warnings allowed).
  case accepted
  /// At least one error: returned to be corrected.
  case rejected
  /// Not a readable workbook, or over a safety limit (FILE-001, FILE-002).
  case unreadable
  /// Another submission of the batch for the same station and year is newer.
  case superseded

  /// The Chinese word for it: 通过, 未通过, 无法读取, 已被取代.
  public var label: String {
    switch self {
    case .accepted: "通过"
    case .rejected: "未通过"
    case .unreadable: "无法读取"
    case .superseded: "已被取代"
    }
  }
}
