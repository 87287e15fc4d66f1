import Model

/// Who 站长及专家 lists in which role, for the rules that look a person up by name (REF-002,
/// REF-003). A row whose 角色 is blank or refused, or whose 姓名 is, leaves a lookup open rather
/// than failing it: its CELL-00x issue is already raised, and no rule piles on (SPEC §5).
struct Roster {
  static let mentor = "兼职导师"

  /// Name → the roles listed for it, every row of that name together, in order.
  private var listed: [String: [String]] = [:]
  /// Names of rows whose 角色 is blank or refused.
  private var unknownRoles: Set<String> = []
  /// Roles of rows whose 姓名 is blank or refused.
  private var unknownNames: Set<String> = []

  /// nil when the table lacks its 姓名 or 角色 column (STR-002): then no lookup can be trusted.
  init?(_ people: Table) {
    guard people.columns["name"] != nil, people.columns["roles"] != nil else { return nil }
    for person in people.records {
      let roles = person.list("roles")
      switch (person.text("name"), roles) {
      case (let name?, let roles?):
        for role in roles where !(listed[name]?.contains(role) ?? false) {
          listed[name, default: []].append(role)
        }
      case (let name?, nil): unknownRoles.insert(name)
      case (nil, let roles?): unknownNames.formUnion(roles)
      case (nil, nil): break
      }
    }
  }

  /// Whether `name` is listed with `role`; nil when 站长及专家 cannot tell.
  func lists(_ name: String, as role: String) -> Bool? {
    if listed[name]?.contains(role) == true { return true }
    if unknownRoles.contains(name) || unknownNames.contains(role) { return nil }
    return false
  }

  /// The roles listed for `name`; nil when the name is not listed with any.
  func roles(of name: String) -> [String]? { listed[name] }
}
