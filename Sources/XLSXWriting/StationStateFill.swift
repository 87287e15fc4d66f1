import Model

extension StationState {
  /// The fill that marks it in `status.xlsx` and in the summary's 工作站状态 column: in its term
  /// green, 预警 yellow, 撤销 red, waiting for a decision blue (期满待验收) or light blue
  /// (待重新评估), ended grey, no longer listed light grey.
  var fill: UInt32 {
    switch self {
    case .active: 0xC6EFCE
    case .warned: 0xFFEB9C
    case .revoked: 0xFFC7CE
    case .awaitingAcceptance: 0x9BC2E6
    case .awaitingReassessment: 0xDDEBF7
    case .ended: 0xBFBFBF
    case .unlisted: 0xEDEDED
    }
  }
}
