import Model

/// The text of an issue's message (SPEC §5: what is wrong and how to fix it, in Chinese).
///
/// Each rule's file words its messages at its foot, as `fileprivate static func`s of an
/// `extension Message` named for what they say — the shape swift-format gives its rules'
/// `Finding.Message` — so a rule reads as what it checks and its wording stands in one place.
/// Written as a string literal: `"学号 \(id) 不在「\(sheet)」中。"`.
public struct Message: Sendable, Equatable, ExpressibleByStringInterpolation,
  CustomStringConvertible
{
  public var text: String

  public init(_ text: String) { self.text = text }

  public init(stringLiteral text: String) { self.text = text }

  public var description: String { text }
}

extension Issue {
  /// An issue under a catalogued rule, its message worded by a ``Message`` function.
  init(
    _ rule: String, sheet: String?, cell: CellReference?, _ message: Message, value: String? = nil
  ) {
    self.init(rule, sheet: sheet, cell: cell, message: message.text, value: value)
  }
}

extension Message {
  /// A stay as the messages word it: `2023-09-01 至 2024-06-30`, or `2023-09-01 起至今` while
  /// 出站日期 is blank.
  static func stay(entered: Day, left: Day?) -> String {
    left.map { "\(entered) 至 \($0)" } ?? "\(entered) 起至今"
  }
}
