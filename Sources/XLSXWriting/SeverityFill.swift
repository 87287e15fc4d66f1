import Model

extension Severity {
  /// The fill that marks it in every workbook: errors red, findings orange, warnings yellow
  /// (Excel's "bad" and "neutral" fills, and an orange between them).
  public var fill: UInt32 {
    switch self {
    case .error: 0xFFC7CE
    case .finding: 0xF4B084
    case .warning: 0xFFEB9C
    }
  }
}
