import Foundation

/// The product's one time-zone policy: the store keeps instants in UTC (ISO 8601 with `Z`);
/// deadlines, dates in messages and the default `--as-of` are days in Beijing time (UTC+8), the
/// policy's own — a report received at 00:30 on 7月11日 in Beijing is late, wherever the server's
/// clock is set.
public enum BeijingTime {
  public static let timeZone = TimeZone(secondsFromGMT: 8 * 3600)!

  /// The Gregorian calendar in Beijing time.
  public static var calendar: Calendar {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    return calendar
  }

  /// The day `instant` falls on in Beijing: (year, month, day).
  public static func day(of instant: Date = Date()) -> (year: Int, month: Int, day: Int) {
    let parts = calendar.dateComponents([.year, .month, .day], from: instant)
    return (parts.year!, parts.month!, parts.day!)
  }
}
