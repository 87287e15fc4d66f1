/// A cell value as the submitter sees it, for messages and the `value` of an issue.
public func displayText(_ value: CellValue, date1904: Bool) -> String {
  switch value {
  case .text(let s): return s
  case .number(let v): return formatNumber(v)
  case .bool(let b): return b ? "TRUE" : "FALSE"
  case .error(let e): return e
  case .date(let serial):
    guard let p = SpreadsheetDate.parts(serial: serial, date1904: date1904) else {
      return formatNumber(serial)
    }
    let time = p.hour + p.minute + p.second + p.millisecond > 0
    return time ? p.isoDate + " " + p.isoTime : p.isoDate
  case .duration(let days): return formatNumber(days)
  case .isoDate(let d): return d.display
  case .invalidNumber(let s): return s
  }
}

/// `42`, `1500.5`, `2022120345`: integral values without `.0`.
public func formatNumber(_ v: Double) -> String {
  if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
  return String(v)
}
