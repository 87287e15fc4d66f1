/// Spreadsheet serial dates as a pure function of (serial, date system), always in UTC.
///
/// The 1900 system counts days from 1899-12-30 but, copying Lotus 1-2-3, treats 1900 as a leap
/// year: serials 1…59 are 1900-01-01…1900-02-28 (one less than the naive count) and serial 60 is
/// the 1900-02-29 that never was. Like the reference readers, serial 60 is shown as 1900-02-28
/// (the serial itself is kept by ``CellValue/date(serial:)``). The 1904 system counts days
/// from 1904-01-01 with no such quirk. The machine's time zone is never consulted.
public enum SpreadsheetDate {
  /// A civil date and time of day, to the millisecond.
  public struct Parts: Equatable, Sendable, CustomStringConvertible {
    public var year, month, day, hour, minute, second, millisecond: Int

    public init(
      year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
      millisecond: Int = 0
    ) {
      (self.year, self.month, self.day) = (year, month, day)
      (self.hour, self.minute, self.second, self.millisecond) = (hour, minute, second, millisecond)
    }

    /// `YYYY-MM-DDTHH:MM:SS`, with `.mmm` when the milliseconds are not zero.
    public var iso: String { isoDate + "T" + isoTime }
    /// `YYYY-MM-DD`.
    public var isoDate: String { pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) }
    /// `HH:MM:SS`, with `.mmm` when the milliseconds are not zero.
    public var isoTime: String {
      let base = pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2)
      return millisecond == 0 ? base : base + "." + pad(millisecond, 3)
    }
    public var description: String { iso }
  }

  private static let msPerDay: Int64 = 86_400_000
  /// Days from 1970-01-01 to each system's day zero.
  private static let epoch1900 = -25_569  // 1899-12-30
  private static let epoch1904 = -24_107  // 1904-01-01

  /// The date and time a serial stands for, rounded to the millisecond; nil when it is not finite
  /// or beyond year 9999.
  public static func parts(serial: Double, date1904: Bool) -> Parts? {
    guard serial.isFinite, abs(serial) < 3_000_000 else { return nil }
    let totalMs = Int64((serial * Double(msPerDay)).rounded())
    var days = Int(totalMs.floorDiv(msPerDay))
    let msOfDay = Int(totalMs - Int64(days) * msPerDay)
    if !date1904 && serial > 0 && serial < 60 { days += 1 }  // before the phantom 1900-02-29
    let (y, m, d) = civil(fromDays: days + (date1904 ? epoch1904 : epoch1900))
    guard (1...9999).contains(y) else { return nil }
    return Parts(
      year: y, month: m, day: d, hour: msOfDay / 3_600_000, minute: msOfDay / 60_000 % 60,
      second: msOfDay / 1000 % 60, millisecond: msOfDay % 1000)
  }

  /// The serial of a civil date and time; the inverse of ``parts(serial:date1904:)``.
  public static func serial(_ p: Parts, date1904: Bool) -> Double {
    var days = daysFromCivil(p.year, p.month, p.day) - (date1904 ? epoch1904 : epoch1900)
    if !date1904 && days > 0 && days <= 60 { days -= 1 }  // 1900-01-01…1900-02-28 are 1…59
    let ms = ((p.hour * 60 + p.minute) * 60 + p.second) * 1000 + p.millisecond
    return Double(days) + Double(ms) / Double(msPerDay)
  }

  /// Whether a civil date exists in the proleptic Gregorian calendar.
  public static func isValid(year: Int, month: Int, day: Int) -> Bool {
    guard (1...12).contains(month), day >= 1 else { return false }
    let lengths = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return day <= lengths[month - 1]
  }

  public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

  // MARK: - Civil calendar (H. Hinnant's days_from_civil / civil_from_days)

  /// Days since 1970-01-01 of a proleptic Gregorian date.
  public static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// The proleptic Gregorian date of a count of days since 1970-01-01.
  public static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
  }
}

private func pad(_ n: Int, _ width: Int) -> String {
  let s = String(n)
  return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

extension Int64 {
  fileprivate func floorDiv(_ d: Int64) -> Int64 {
    let q = self / d
    return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
  }
}
