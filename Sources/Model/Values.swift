/// A calendar day, as days since 1970-01-01 (no time, no zone).
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let days: Int

  public init(days: Int) { self.days = days }

  /// nil when the date does not exist.
  public init?(year: Int, month: Int, day: Int) {
    guard SpreadsheetDate.isValid(year: year, month: month, day: day) else { return nil }
    days = SpreadsheetDate.daysFromCivil(year, month, day)
  }

  /// `YYYY-MM-DD` (one or two digits for the month and the day); nil for any other text or a day
  /// that does not exist.
  public init?(iso text: String) {
    // The store's own form, `YYYY-MM-DD`, read from its bytes (no substrings: the cross-year
    // index reads some hundred thousand of them).
    let utf8 = text.utf8
    if utf8.count == 10,
      let fast = utf8.withContiguousStorageIfAvailable({ Day.isoDigits($0) }) ?? nil
    {
      self.init(year: fast.0, month: fast.1, day: fast.2)
      return
    }
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count),
      (1...2).contains(parts[2].count), let y = Int(parts[0]), let m = Int(parts[1]),
      let d = Int(parts[2])
    else { return nil }
    self.init(year: y, month: m, day: d)
  }

  /// (year, month, day) of `YYYY-MM-DD` bytes; nil for any other shape.
  private static func isoDigits(_ b: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int)? {
    guard b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
    func number(_ range: Range<Int>) -> Int? {
      var value = 0
      for i in range {
        guard b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int(b[i] - UInt8(ascii: "0"))
      }
      return value
    }
    guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
    return (y, m, d)
  }

  public var parts: (year: Int, month: Int, day: Int) { SpreadsheetDate.civil(fromDays: days) }
  public var month: Month {
    let p = parts
    return Month(year: p.year, month: p.month)
  }
  public static func < (a: Day, b: Day) -> Bool { a.days < b.days }
  public func adding(days n: Int) -> Day { Day(days: days + n) }

  /// `2023-07-01`.
  public var description: String {
    let p = parts
    return String(p.year) + "-" + twoDigits(p.month) + "-" + twoDigits(p.day)
  }
}

/// A calendar month.
public struct Month: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// year × 12 + (month − 1).
  public let index: Int

  public init(year: Int, month: Int) { index = year * 12 + (month - 1) }
  public init(index: Int) { self.index = index }

  public var year: Int { index / 12 }
  public var month: Int { index % 12 + 1 }
  public var firstDay: Day { Day(days: SpreadsheetDate.daysFromCivil(year, month, 1)) }
  public var lastDay: Day { next.firstDay.adding(days: -1) }
  public var next: Month { Month(index: index + 1) }
  public static func < (a: Month, b: Month) -> Bool { a.index < b.index }

  /// `2023-07`.
  public var description: String { String(year) + "-" + twoDigits(month) }
}

/// An amount of money in fen (0.01 元), exact: policy checks compare to the cent.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let fen: Int64

  public init(fen: Int64) { self.fen = fen }
  public init(yuan: Int) { fen = Int64(yuan) * 100 }

  public static func < (a: Money, b: Money) -> Bool { a.fen < b.fen }
  public static func + (a: Money, b: Money) -> Money { Money(fen: a.fen + b.fen) }
  public static let zero = Money(fen: 0)

  /// `1500`, `1500.5`, `-3.05`: 元 without trailing zeros.
  public var description: String {
    let sign = fen < 0 ? "-" : ""
    let a = fen.magnitude
    let yuan = String(a / 100)
    let cents = a % 100
    if cents == 0 { return sign + yuan }
    if cents % 10 == 0 { return sign + yuan + "." + String(cents / 10) }
    return sign + yuan + "." + twoDigits(Int(cents))
  }
}

/// An academic (reporting) year: from its start month (July by default) to the month before it,
/// a year later. `2023-2024` runs 2023-07-01 … 2024-06-30.
public struct AcademicYear: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let startYear: Int

  public init(startYear: Int) { self.startYear = startYear }
  public static func < (a: AcademicYear, b: AcademicYear) -> Bool { a.startYear < b.startYear }

  /// `2023-2024`.
  public var description: String { "\(startYear)-\(startYear + 1)" }

  public func firstMonth(startMonth: Int) -> Month { Month(year: startYear, month: startMonth) }
  public func lastMonth(startMonth: Int) -> Month {
    Month(index: firstMonth(startMonth: startMonth).index + 11)
  }
  public func firstDay(startMonth: Int) -> Day { firstMonth(startMonth: startMonth).firstDay }
  public func lastDay(startMonth: Int) -> Day { lastMonth(startMonth: startMonth).lastDay }

  /// The twelve months of the year, in order.
  public func months(startMonth: Int) -> [Month] {
    let first = firstMonth(startMonth: startMonth).index
    return (first..<(first + 12)).map(Month.init(index:))
  }
}

func twoDigits(_ n: Int) -> String { n < 10 ? "0" + String(n) : String(n) }
