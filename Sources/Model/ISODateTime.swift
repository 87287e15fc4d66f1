/// The value of a `t="d"` cell: an ISO 8601 date, time of day or date-time, as the file writes
/// it. `2014-02-14T08:27:48.765Z` is that instant and is shown so; `2023-07-01T08:00:00+08:00`
/// keeps both its wall-clock time and its offset. Dates before 1900-03-01 are dates like any
/// other (no serial, so no 1900 leap-year quirk and no confusion with a time of day).
public struct ISODateTime: Equatable, Sendable, CustomStringConvertible {
  /// The civil date and time as written, at the file's offset. A time alone has the date of
  /// serial 0 (1899-12-30).
  public var parts: SpreadsheetDate.Parts
  /// False for a time of day alone (`08:30:00`).
  public var hasDate: Bool
  /// The time-zone designator as written (`Z`, `+08:00`, `-0500`); nil when the file gives none.
  public var zone: String?

  public init(parts: SpreadsheetDate.Parts, hasDate: Bool, zone: String? = nil) {
    self.parts = parts
    self.hasDate = hasDate
    self.zone = zone
  }

  /// `YYYY-MM-DDTHH:MM:SS[.mmm]` (or the time alone) followed by the designator.
  public var iso: String { (hasDate ? parts.iso : parts.isoTime) + (zone ?? "") }

  /// As a person reads it: `2023-07-01`, `2023-07-01 08:30:00`, `08:30:00`, with the designator.
  public var display: String {
    let hasTime = parts.hour + parts.minute + parts.second + parts.millisecond > 0 || zone != nil
    let text =
      !hasDate ? parts.isoTime : hasTime ? parts.isoDate + " " + parts.isoTime : parts.isoDate
    return text + (zone ?? "")
  }

  /// The wall-clock date and time as a serial of the 1900 date system, for writing the value
  /// back into a workbook (a time alone is its fraction of a day).
  public var serial1900: Double {
    hasDate
      ? SpreadsheetDate.serial(parts, date1904: false)
      : SpreadsheetDate.serial(
        .init(
          year: 1899, month: 12, day: 30, hour: parts.hour, minute: parts.minute,
          second: parts.second, millisecond: parts.millisecond), date1904: false)
  }

  public var description: String { iso }
}
