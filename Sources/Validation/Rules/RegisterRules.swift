import Model

/// STA-001…STA-004: a submission against the stations' register (SPEC §9), when the store holds
/// one. A station not in the register (STA-001) is not compared further; one that had ended before
/// the year began (STA-002) is not asked for its 认定日期 (STA-003).
enum RegisterRules {
  static func check(_ c: RuleContext) -> [Issue] {
    guard let register = c.register, let form = c.station, let id = form.text("station_id") else {
      return []
    }
    guard let station = register.stations[id] else {
      return [c.issue("STA-001", station: "station_id", .unregistered(id))].compactMap { $0 }
    }
    var issues = [ended(c, station), differingTerm(c, station)].compactMap { $0 }
    if issues.first?.rule == "STA-002" { issues.removeLast(issues.count - 1) }
    return issues + differingDetails(c, form, station)
  }

  /// STA-002: ended (撤销 / 不合格 / 重新评估未通过 / 未申请验收 / 期满) before the year began.
  private static func ended(_ c: RuleContext, _ station: StationRegister.Station) -> Issue? {
    guard let ended = station.ended, let start = c.yearStart, let year = c.year,
      ended.date < start
    else { return nil }
    return c.issue(
      "STA-002", station: "station_id",
      .endedBefore(decision: ended.decision, date: ended.date, year: year))
  }

  /// STA-003: 认定日期 is not the start of the register's term for the year.
  private static func differingTerm(_ c: RuleContext, _ station: StationRegister.Station) -> Issue?
  {
    guard let recognized = c.station?.day("recognized_on"), let year = c.year,
      let term = station.term(for: year, startMonth: c.policy.academicYearStartMonth),
      term.from != recognized
    else { return nil }
    return c.issue(
      "STA-003", station: "recognized_on",
      .differingTerm(recognized: recognized, term: term, year: year))
  }

  /// STA-004: 工作站名称, 设站单位 or 牵头培养单位 not as the register has it.
  private static func differingDetails(
    _ c: RuleContext, _ form: Form, _ station: StationRegister.Station
  ) -> [Issue] {
    let e = station.entry
    return [("station_name", e.name), ("host_unit", e.hostUnit), ("college", e.college)]
      .compactMap { field, registered in
        guard let given = form.text(field), !given.isEmpty, given != registered else { return nil }
        return c.issue(
          "STA-004", station: field,
          .differingDetail(label: c.label("station", field), given: given, registered: registered))
      }
  }
}

extension Message {
  fileprivate static func unregistered(_ id: String) -> Message {
    "工作站编号 \(id) 不在研究生院的工作站名录中。请按认定文件核对编号；如为新认定的工作站，请联系研究生院先将其列入名录。"
  }

  fileprivate static func endedBefore(decision: Decision, date: Day, year: AcademicYear) -> Message
  {
    let how =
      switch decision {
      case .revoked: "已于 \(date) 撤销"
      case .notApplied: "因未及时申请期满验收，自 \(date) 起不再作为市级研究生工作站"
      case .expired: "认定有效期已于 \(date) 届满"
      default: "于 \(date) \(decision.label)，不再作为市级研究生工作站"
      }
    return "该工作站\(how)，\(year) 学年开始前已终止，本学年的数据不予受理。如有异议，请联系研究生院。"
  }

  fileprivate static func differingTerm(recognized: Day, term: Term, year: AcademicYear)
    -> Message
  {
    "认定日期 \(recognized) 与名录不一致：\(year) 学年属于第 \(term.number) 个认定有效期，起始日期为 \(term.from)（至 \(term.to)）。请按名录填写本期的认定日期。"
  }

  fileprivate static func differingDetail(label: String, given: String, registered: String)
    -> Message
  {
    "\(label)“\(given)”与名录中的“\(registered)”不一致。请核对；如已变更，请联系研究生院更新名录。"
  }
}
