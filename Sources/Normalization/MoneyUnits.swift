// MARK: - Money units (SPEC §8)

/// A unit an amount of money may be written in: 元, 千元 (×1,000) or 万元 (×10,000). The record
/// always holds 元; a unit only says how far the decimal point moves.
struct MoneyUnit: Equatable, Sendable {
  /// The unit as messages name it.
  let name: String
  /// 元 per unit, and as a power of ten.
  let factor: Int64
  let power: Int

  private init(name: String, factor: Int64, power: Int) {
    self.name = name
    self.factor = factor
    self.power = power
  }

  static let yuan = MoneyUnit(name: "元", factor: 1, power: 0)
  static let thousand = MoneyUnit(name: "千元", factor: 1_000, power: 3)
  static let tenThousand = MoneyUnit(name: "万元", factor: 10_000, power: 4)

  private static let byName: [String: MoneyUnit] = [
    "元": .yuan, "千元": .thousand, "万元": .tenThousand,
  ]

  /// What may follow the unit after a `/`: the period or person an amount is per. It is not
  /// checked against the field; it does not change the unit (`元/月` is 元, `万元/月` is 万元 a
  /// month, so ×10,000: reading it as 元 would be the misreading units exist to prevent).
  private static let perParts: Set<String> = ["月", "年", "人", "人月", "人·月"]

  /// The unit a money header or form label names in its bracketed suffixes, as
  /// ``TextCleaning/keyAndUnits(_:)`` returns them (half-width, without spaces): none is 元;
  /// otherwise each names 元, 千元 or 万元 (an empty `()` names none) (after an optional `单位:`, before optional per-parts:
  /// `(元/月)`, `(万元/人/月)`), and all the same one. nil for anything else (`美元`, `万美元`,
  /// `usd`, `万`): a money column in another currency or an unclear unit is never read as 元.
  init?(headerUnits: [String]) {
    var found = MoneyUnit.yuan
    for (i, written) in headerUnits.enumerated() {
      var text = Substring(written)
      if text.hasPrefix("单位:") { text = text.dropFirst(3) }
      if text.isEmpty { continue }  // `()`: no unit written
      let parts = text.split(separator: "/", omittingEmptySubsequences: false)
      guard let unit = Self.byName[String(parts[0])],
        parts.dropFirst().allSatisfy({ Self.perParts.contains(String($0)) }),
        i == 0 || unit == found
      else { return nil }
      found = unit
    }
    self = found
  }

  /// The unit written after an amount in a cell, and the amount before it: `5万元`, `1.2万`,
  /// `3千元`, `3千`, `500元`. The unit is nil when the text names none.
  static func split(value: Substring) -> (amount: Substring, unit: MoneyUnit?) {
    for (suffix, unit) in [
      ("万元", tenThousand), ("千元", thousand), ("元", yuan), ("万", tenThousand), ("千", thousand),
    ]
    where value.hasSuffix(suffix) {
      return (value.dropLast(suffix.count), unit)
    }
    return (value, nil)
  }
}

// MARK: - Exact decimals

/// A decimal number held as its digits: ±digits × 10^exponent. Amounts are scaled and checked to
/// the fen on the digits, never in binary floating point, where 1.2345 × 10,000 is not 12345.
struct DecimalNumber: Equatable, CustomStringConvertible {
  var negative: Bool
  /// The significant digits (0…9 each) with no leading or trailing zero; empty for zero.
  var digits: [UInt8]
  var exponent: Int

  /// Plain decimal text: an optional sign, digits with at most one point (`-1000.5`, `.5`, `5.`).
  /// No separators, no exponent (`1e3`), no hex.
  init?(plain text: Substring) {
    var rest = text
    negative = rest.first == "-"
    if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
    digits = []
    exponent = 0
    var sawPoint = false
    var sawDigit = false
    for c in rest.utf8 {
      if c == UInt8(ascii: ".") {
        guard !sawPoint else { return nil }
        sawPoint = true
      } else if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
        sawDigit = true
        if c == UInt8(ascii: "0") && digits.isEmpty {
          if sawPoint { exponent -= 1 }  // a leading zero: nothing to keep
          continue
        }
        digits.append(c - UInt8(ascii: "0"))
        if sawPoint { exponent -= 1 }
      } else {
        return nil
      }
    }
    guard sawDigit else { return nil }
    normalize()
  }

  /// A number cell's value as Excel shows it: the double's shortest round-trip decimal (what was
  /// typed, for anything typed), rounded to 15 significant digits when it has more — Excel keeps
  /// no more, so what lies past them is the binary noise of a formula's arithmetic (0.1 + 0.2).
  init?(_ value: Double) {
    guard value.isFinite else { return nil }
    let text = "\(value)"  // `1.23`, `20.0`, `1e-05`, `1.2e+16`
    let parts = text.split(separator: "e", maxSplits: 1)
    guard let mantissa = DecimalNumber(plain: parts[0]) else { return nil }
    self = mantissa
    if parts.count == 2 {
      guard let shift = Int(parts[1]) else { return nil }
      exponent += shift
    }
    round(toSignificantDigits: 15)
  }

  /// The number × 10^`places`: 万 → 元 is `shifted(by: 4)`.
  func shifted(by places: Int) -> DecimalNumber {
    var moved = self
    if !digits.isEmpty { moved.exponent += places }
    return moved
  }

  /// Whether the number is a whole number of fen (at most two decimal places).
  var isWholeFen: Bool { digits.isEmpty || exponent >= -2 }

  /// The number as fen when it is a whole number of fen and under 10^12 元; nil otherwise.
  var fen: Int64? {
    guard isWholeFen else { return nil }
    guard !digits.isEmpty else { return 0 }
    let places = exponent + 2
    guard digits.count + places <= 14 else { return nil }
    var value: Int64 = 0
    for d in digits { value = value * 10 + Int64(d) }
    for _ in 0..<places { value *= 10 }
    return negative ? -value : value
  }

  /// Plain decimal text, without exponent or trailing zeros: `12345.678`, `0.1`, `200000`.
  var description: String {
    guard !digits.isEmpty else { return "0" }
    let chars = digits.map { Character(Unicode.Scalar($0 + UInt8(ascii: "0"))) }
    var text: String
    if exponent >= 0 {
      text = String(chars) + String(repeating: "0", count: exponent)
    } else if digits.count + exponent > 0 {
      let point = digits.count + exponent
      text = String(chars[..<point]) + "." + String(chars[point...])
    } else {
      text = "0." + String(repeating: "0", count: -(digits.count + exponent)) + String(chars)
    }
    return negative ? "-" + text : text
  }

  /// Drops leading zeros (none are kept) and trailing zeros (into the exponent).
  private mutating func normalize() {
    while let last = digits.last, last == 0 {
      digits.removeLast()
      exponent += 1
    }
    if digits.isEmpty { exponent = 0 }
  }

  /// Rounds half up to `n` significant digits.
  private mutating func round(toSignificantDigits n: Int) {
    guard digits.count > n else { return }
    let up = digits[n] >= 5
    exponent += digits.count - n
    digits.removeLast(digits.count - n)
    if up {
      var i = n - 1
      while i >= 0 && digits[i] == 9 {
        digits[i] = 0
        i -= 1
      }
      if i >= 0 { digits[i] += 1 } else { digits.insert(1, at: 0) }
    }
    normalize()
  }
}
