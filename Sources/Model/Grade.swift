/// The 期满验收 grade (SPEC §6 "The grade, exactly"; policy 四(一), 四(二)). The raw values are the
/// JSON's `grade`, which is the Chinese word itself.
public enum Grade: String, Sendable, Codable, CaseIterable {
  case excellent = "优秀"
  case qualified = "合格"
  case unqualified = "不合格"
  /// Two consecutive due years late or missing (四(一)).
  case revoked = "撤销"

  /// The Chinese word for it (the raw value).
  public var label: String { rawValue }
}
