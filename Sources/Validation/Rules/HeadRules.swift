import Model

/// REF-003 (a head in 工作站信息 not listed with that role) and MEN-003 (not exactly one head of
/// each kind).
enum HeadRules {
  /// The station form's field naming each head, and the role that head holds in 站长及专家.
  static let heads: [(field: String, role: String)] = [
    ("host_head", "设站单位站长"),
    ("college_head", "培养单位站长"),
  ]

  static func check(_ c: RuleContext) -> [Issue] {
    // No 站长及专家, or no 姓名/角色 column in it (STR-001/STR-002 already): nothing to compare.
    guard let people = c.people, let roster = Roster(people) else { return [] }
    var issues: [Issue] = []
    let sheet = "「\(people.sheet)」"
    let rolesLabel = c.label("people", "roles")

    // REF-003: the head named in 工作站信息 is not listed in 站长及专家 with that role.
    for head in heads {
      guard let name = c.station?.text(head.field), roster.lists(name, as: head.role) == false
      else { continue }
      let message: String
      if let roles = roster.roles(of: name) {
        message =
          "\(head.role)「\(name)」在\(sheet)中的\(rolesLabel)为“\(roles.joined(separator: "、"))”，不含“\(head.role)”。请在\(sheet)中为其角色加上“\(head.role)”，或核对此处填写的\(head.role)。"
      } else {
        message =
          "\(head.role)「\(name)」未在\(sheet)中登记。请在\(sheet)中补充此人（\(rolesLabel)填“\(head.role)”），或核对姓名是否与\(sheet)中一致。"
      }
      if let issue = c.issue("REF-003", station: head.field, message) { issues.append(issue) }
    }

    // MEN-003: exactly one holder of each head role. The first holder in row order is the
    // legitimate one; each later holder is flagged at its 角色 cell (once, naming every head
    // role it holds in excess).
    var firstHolder: [String: Record] = [:]
    var extras: [(record: Record, roles: [String])] = []
    for person in people.records {
      guard let roles = person.list("roles") else { continue }
      var extra: [String] = []
      for head in heads where roles.contains(head.role) {
        if firstHolder[head.role] == nil {
          firstHolder[head.role] = person
        } else {
          extra.append(head.role)
        }
      }
      if !extra.isEmpty { extras.append((person, extra)) }
    }
    for (person, roles) in extras {
      let name = person.text("name").map { "「\($0)」" } ?? ""
      let holders = roles.map { role in
        let first = firstHolder[role]!
        let who = first.text("name").map { "「\($0)」" } ?? ""
        return "\(role)已由第 \(first.row) 行\(who)担任"
      }
      issues.append(
        c.issue(
          "MEN-003", people, person, "roles",
          "每个工作站只能有一名\(roles.joined(separator: "、"))，\(holders.joined(separator: "，"))，第 \(person.row) 行\(name)又填了该角色。请只保留一名，删去其余人员的该角色。"
        ))
    }
    // A role nobody holds: unless a row's 角色 is blank or refused (it might be that role).
    let rolesUnknown = people.records.contains { $0.list("roles") == nil }
    if !rolesUnknown {
      for head in heads where firstHolder[head.role] == nil {
        issues.append(
          Issue(
            "MEN-003", sheet: people.sheet, cell: nil,
            message:
              "\(sheet)中没有\(rolesLabel)为“\(head.role)”的人员。每个工作站应有一名\(head.role)，请补充其信息（姓名、职称、工作单位）。"
          ))
      }
    }
    return issues
  }
}
