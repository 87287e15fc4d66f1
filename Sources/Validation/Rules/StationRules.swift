import Model

/// The station form's own rules: DATE-005 (recognition lapsed), RPT-001 (late report) and
/// PLT-001 (no research platform).
enum StationRules {
  static func check(_ c: RuleContext) -> [Issue] {
    guard let station = c.station else { return [] }
    return [
      recognitionLapsed(c, station),
      reportedLate(c, station),
      withoutPlatform(c, station),
    ].compactMap { $0 }
  }

  /// DATE-005: the academic year starts after 认定日期 + validity.
  private static func recognitionLapsed(_ c: RuleContext, _ station: Form) -> Issue? {
    guard let recognized = station.day("recognized_on"), let year = c.year,
      let start = c.yearStart
    else { return nil }
    let years = c.policy.validityYears
    let expires = c.policy.validityEnd(recognizedOn: recognized)
    guard start > expires else { return nil }
    return c.issue(
      "DATE-005", station: "recognized_on",
      .recognitionLapsed(recognized: recognized, years: years, expires: expires, year: year))
  }

  /// RPT-001: 报送日期 after 7月10日 following the academic year.
  private static func reportedLate(_ c: RuleContext, _ station: Form) -> Issue? {
    guard let submitted = station.day("submitted_on"), let year = c.year else { return nil }
    let deadline = c.policy.reportDeadline(for: year)
    guard submitted > deadline else { return nil }
    return c.issue(
      "RPT-001", station: "submitted_on",
      .reportedLate(year: year, deadline: deadline, submitted: submitted))
  }

  /// PLT-001: 科研创新平台 = 无.
  private static func withoutPlatform(_ c: RuleContext, _ station: Form) -> Issue? {
    guard station.text("platform") == "无" else { return nil }
    return c.issue("PLT-001", station: "platform", .withoutPlatform)
  }
}

extension Message {
  fileprivate static func recognitionLapsed(
    recognized: Day, years: Int, expires: Day, year: AcademicYear
  ) -> Message {
    "认定日期 \(recognized) 起 \(years) 年有效，至 \(expires) 已过期，本学年（\(year)）不在有效期内。请核对认定日期，或先申请重新认定。"
  }

  fileprivate static func reportedLate(year: AcademicYear, deadline: Day, submitted: Day)
    -> Message
  {
    "\(year) 学年的数据应于 \(deadline) 前报送，报送日期 \(submitted) 已逾期。逾期报送计入“未按时上报”，连续两年将撤销工作站。"
  }

  fileprivate static let withoutPlatform: Message =
    "设站单位无科研创新平台。设站条件要求一般应具有重点实验室、工程技术研究中心、企业技术中心等平台，请核实。"
}
