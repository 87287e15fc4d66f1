import Model

/// `pipeline status`'s outputs (SPEC §9): JSON for tools, text for people. (The workbook,
/// `status.xlsx`, is XLSXWriting's `StatusWorkbook`.)
public enum StandingReport {
  /// A JSON list, one object per registered station, keys in the SPEC's order (each year also has
  /// `days_left`, a number for the pending year and null otherwise).
  public static func json(_ standings: [Standing]) -> String {
    JSONWriter.objectList(standings, json)
  }

  private static func json(_ s: Standing, _ w: inout JSONWriter) {
    w.raw("\"station_id\": ")
    w.string(s.stationID)
    w.raw(", \"name\": ")
    w.string(s.name)
    w.raw(", \"college\": ")
    w.string(s.college)
    w.raw(", \"term\": {\"from\": ")
    w.string(s.term.from.description)
    w.raw(", \"to\": ")
    w.string(s.term.to.description)
    w.raw(", \"number\": \(s.term.number)}, \"state\": ")
    w.string(s.state.rawValue)
    w.raw(", \"years\": [")
    for (j, y) in s.years.enumerated() {
      w.raw(j == 0 ? "{\"academic_year\": " : ", {\"academic_year\": ")
      w.string(y.academicYear.description)
      w.raw(", \"status\": ")
      w.string(y.status.rawValue)
      w.raw(", \"deadline\": ")
      w.string(y.deadline.description)
      w.raw(", \"submitted_on\": ")
      w.string(orNull: y.submittedOn?.description)
      w.raw(", \"days_left\": ")
      w.raw(y.daysLeft.map(String.init) ?? "null")
      w.raw("}")
    }
    w.raw("], \"warnings\": [")
    for (j, text) in s.warnings.enumerated() {
      if j > 0 { w.raw(", ") }
      w.string(text)
    }
    w.raw("], \"ended\": ")
    if let e = s.ended {
      w.raw("{\"decision\": ")
      w.string(e.decision.rawValue)
      w.raw(", \"date\": ")
      w.string(e.date.description)
      w.raw(", \"ban_until\": ")
      w.string(orNull: e.banUntil?.description)
      w.raw("}")
    } else {
      w.raw("null")
    }
  }

  /// For people: the count per state; then, per college, the stations still to report for the
  /// year due next, with the days left; then every station that needs attention (预警, 撤销,
  /// 期满待验收, 待重新评估, 已结束, 未列入名录) with its first warning.
  public static func text(_ standings: [Standing], asOf: Day) -> String {
    guard !standings.isEmpty else {
      return "数据库中没有工作站名录：请先用 pipeline stations import 导入名录。\n"
    }
    let counts = StationState.allCases.compactMap { state -> String? in
      let n = standings.count { $0.state == state }
      return n == 0 ? nil : "\(state.label) \(n)"
    }
    var out = "截至 \(asOf)：名录中工作站 \(standings.count) 个（\(counts.joined(separator: "，"))）。\n"
    let chasing = standings.filter { s in
      !s.state.isEnded && s.state != .unlisted && s.pending != nil
    }
    if chasing.isEmpty {
      out += "\n没有待报送的工作站。\n"
    } else {
      out += "\n待报送（尚无通过审核的报送）：\n"
      for college in Set(chasing.map(\.college)).sorted() {
        out += "  \(college)\n"
        for s in chasing where s.college == college {
          let y = s.pending!
          let left = y.daysLeft == 0 ? "今天截止" : "剩 \(y.daysLeft!) 天"
          out += "    \(s.stationID) \(s.name)：\(y.academicYear) 学年，截止 \(y.deadline)，\(left)\n"
        }
      }
    }
    let attention = standings.filter { $0.state != .active }
    if !attention.isEmpty {
      out += "\n需关注：\n"
      for s in attention {
        out += "  \(s.stationID) \(s.name)（\(s.college)）：\(s.state.label)"
        out += s.warnings.first.map { "。\($0)" } ?? ""
        out += "\n"
      }
    }
    return out
  }
}
