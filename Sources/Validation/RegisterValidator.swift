import Model

/// The register workbook's own rules (SPEC §9), beside the CELL-* issues of its normalization:
/// DUP-001 on a repeated 工作站编号, CELL-001 on a 状态 other than 在建 with no 状态日期, and STA-005
/// on a new station whose 设站单位 is under a reapplication ban on its 认定日期.
public struct RegisterValidator: Sendable {
  public let template: Template
  /// The bans in force (from the stations the store knows).
  public let bans: [ReapplicationBan]
  /// The stations earlier registers listed: not new, so STA-005 does not apply to them.
  public let known: Set<String>

  public init(template: Template, bans: [ReapplicationBan], known: Set<String>) {
    self.template = template
    self.bans = bans
    self.known = known
  }

  public func validate(_ register: Submission) -> [Issue] {
    guard let table = register.tables[Template.registerSheetKey] else { return [] }
    guard !table.records.isEmpty else {
      return [Issue("STR-002", sheet: table.sheet, cell: nil, .emptyRegister)]
    }
    // For its cell lookup only: no rule of the policy is read here.
    let c = RuleContext(submission: register, policy: .standard, template: template)
    var issues: [Issue] = []
    var firstRow: [String: Int] = [:]
    for record in table.records {
      guard let id = record.text("station_id") else { continue }
      if let first = firstRow[id] {
        issues.append(c.issue("DUP-001", table, record, "station_id", .repeatedStation(id, first)))
        continue
      }
      firstRow[id] = record.row
      if let state = record.text("state"), state != "在建", !record.isFilled("state_on") {
        issues.append(c.issue("CELL-001", table, record, "state_on", .stateWithoutDate(state)))
      }
      if !known.contains(id), let day = record.day("recognized_on"),
        let host = record.text("host_unit"),
        let ban = bans.first(where: { $0.hostUnit == host && $0.stationID != id && $0.covers(day) })
      {
        issues.append(c.issue("STA-005", table, record, "recognized_on", .banned(ban, on: day)))
      }
    }
    return issues
  }

  /// Each row's entry (rows with an issue included: the caller stores nothing when any error was
  /// found).
  public static func entries(_ register: Submission) -> [RegisterEntry] {
    register.tables[Template.registerSheetKey]?.records.compactMap { r in
      guard let id = r.text("station_id"), let name = r.text("station_name"),
        let host = r.text("host_unit"), let college = r.text("college"),
        let recognized = r.day("recognized_on")
      else { return nil }
      return RegisterEntry(
        stationID: id, name: name, hostUnit: host, college: college, recognizedOn: recognized,
        state: r.text("state"), stateOn: r.day("state_on"), note: r.text("note"))
    } ?? []
  }
}

extension Message {
  fileprivate static func repeatedStation(_ id: String, _ first: Int) -> Message {
    "工作站编号 \(id) 与第 \(first) 行重复，名录中每个工作站只应有一行。请删除重复的行，或改正编号。"
  }

  fileprivate static let emptyRegister: Message = "工作站名录中没有任何工作站。请在表头下每行填写一个工作站。"

  fileprivate static func stateWithoutDate(_ state: String) -> Message {
    "状态为“\(state)”时须填写状态日期（作出该结论的日期）。请补填。"
  }

  fileprivate static func banned(_ ban: ReapplicationBan, on day: Day) -> Message {
    "设站单位的工作站 \(ban.stationID) 于 \(ban.from) \(ban.decision.label)，\(ban.until) 前不得重新申报（四(二)）；本行认定日期 \(day) 在此期间内。请核对认定日期或设站单位。"
  }
}
