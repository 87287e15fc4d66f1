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
    var issues = heads.compactMap { headNotListed(c, $0, roster, people) }
    let holders = Holders(people)
    for (person, roles) in holders.extras {
      issues.append(extraHead(c, people, person, roles: roles, holders: holders))
    }
    // A role nobody holds: unless a row's 角色 is blank or refused (it might be that role).
    if !people.records.contains(where: { $0.list("roles") == nil }) {
      for head in heads where holders.first[head.role] == nil {
        issues.append(missingHead(c, people, role: head.role))
      }
    }
    return issues
  }

  /// REF-003: the head named in 工作站信息 is not listed in 站长及专家 with that role.
  private static func headNotListed(
    _ c: RuleContext, _ head: (field: String, role: String), _ roster: Roster, _ people: Table
  ) -> Issue? {
    guard let name = c.station?.text(head.field), roster.lists(name, as: head.role) == false
    else { return nil }
    let sheet = people.sheet
    let rolesLabel = c.label("people", "roles")
    let message: Message =
      if let roles = roster.roles(of: name) {
        .headWithoutRole(name, role: head.role, roles: roles, sheet: sheet, rolesLabel: rolesLabel)
      } else {
        .headNotListed(name, role: head.role, sheet: sheet, rolesLabel: rolesLabel)
      }
    return c.issue("REF-003", station: head.field, message)
  }

  /// MEN-003: a later holder of a head role, at its 角色 cell (once, naming every head role it
  /// holds in excess).
  private static func extraHead(
    _ c: RuleContext, _ people: Table, _ person: Record, roles: [String], holders: Holders
  ) -> Issue {
    let firstHolders = roles.map { role in
      let first = holders.first[role]!
      return (role: role, row: first.row, name: first.text("name"))
    }
    return c.issue(
      "MEN-003", people, person, "roles",
      .extraHead(roles: roles, holders: firstHolders, row: person.row, name: person.text("name")))
  }

  /// MEN-003: nobody holds a head role (sheet-level).
  private static func missingHead(_ c: RuleContext, _ people: Table, role: String) -> Issue {
    Issue(
      "MEN-003", sheet: people.sheet, cell: nil,
      .missingHead(role: role, sheet: people.sheet, rolesLabel: c.label("people", "roles")))
  }

  /// Who holds the head roles: the first holder of each in row order is the legitimate one; each
  /// later holder, with the head roles it holds in excess.
  private struct Holders {
    var first: [String: Record] = [:]
    var extras: [(record: Record, roles: [String])] = []

    init(_ people: Table) {
      for person in people.records {
        guard let roles = person.list("roles") else { continue }
        var extra: [String] = []
        for head in HeadRules.heads where roles.contains(head.role) {
          if first[head.role] == nil {
            first[head.role] = person
          } else {
            extra.append(head.role)
          }
        }
        if !extra.isEmpty { extras.append((person, extra)) }
      }
    }
  }
}

extension Message {
  fileprivate static func headWithoutRole(
    _ name: String, role: String, roles: [String], sheet: String, rolesLabel: String
  ) -> Message {
    let sheet = "「\(sheet)」"
    return
      "\(role)「\(name)」在\(sheet)中的\(rolesLabel)为“\(roles.joined(separator: "、"))”，不含“\(role)”。请在\(sheet)中为其角色加上“\(role)”，或核对此处填写的\(role)。"
  }

  fileprivate static func headNotListed(
    _ name: String, role: String, sheet: String, rolesLabel: String
  ) -> Message {
    let sheet = "「\(sheet)」"
    return
      "\(role)「\(name)」未在\(sheet)中登记。请在\(sheet)中补充此人（\(rolesLabel)填“\(role)”），或核对姓名是否与\(sheet)中一致。"
  }

  /// `holders`: for each role held in excess, the row and name of its first holder.
  fileprivate static func extraHead(
    roles: [String], holders: [(role: String, row: Int, name: String?)], row: Int, name: String?
  ) -> Message {
    let quoted = { (name: String?) in name.map { "「\($0)」" } ?? "" }
    let held = holders.map { "\($0.role)已由第 \($0.row) 行\(quoted($0.name))担任" }
    return
      "每个工作站只能有一名\(roles.joined(separator: "、"))，\(held.joined(separator: "，"))，第 \(row) 行\(quoted(name))又填了该角色。请只保留一名，删去其余人员的该角色。"
  }

  fileprivate static func missingHead(role: String, sheet: String, rolesLabel: String) -> Message {
    "「\(sheet)」中没有\(rolesLabel)为“\(role)”的人员。每个工作站应有一名\(role)，请补充其信息（姓名、职称、工作单位）。"
  }
}
