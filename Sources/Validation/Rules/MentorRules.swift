import Model

/// REF-002 (设站单位导师 not listed as 兼职导师), MEN-001 (兼职导师 title below the minimum grade) and
/// MEN-002 (兼职导师 not employed by the 设站单位).
enum MentorRules {
  static func check(_ c: RuleContext) -> [Issue] {
    // No 站长及专家, or no 姓名/角色 column in it (STR-001/STR-002 already): nobody to look up.
    guard let people = c.people, let roster = Roster(people) else { return [] }
    var issues: [Issue] = []
    let sheet = "「\(people.sheet)」"
    let rolesLabel = c.label("people", "roles")

    // REF-002: a student's 设站单位导师 is not listed in 站长及专家 with role 兼职导师.
    if let students = c.students {
      for student in students.records {
        guard let mentor = student.text("host_mentor"),
          roster.lists(mentor, as: Roster.mentor) == false
        else { continue }
        let message: String
        if let roles = roster.roles(of: mentor) {
          message =
            "设站单位导师「\(mentor)」在\(sheet)中的\(rolesLabel)为“\(roles.joined(separator: "、"))”，不含“兼职导师”。如其担任本站兼职导师，请在\(sheet)中为其角色加上“兼职导师”；否则请核对该生的设站单位导师。"
        } else {
          message =
            "设站单位导师「\(mentor)」未在\(sheet)中登记。请在\(sheet)中补充此人（\(rolesLabel)填“兼职导师”，并填写职称和工作单位），或核对姓名是否与\(sheet)中一致。"
        }
        issues.append(c.issue("REF-002", students, student, "host_mentor", message))
      }
    }

    let minimum = c.policy.mentorMinimumGrade
    let minimumRank = c.policy.rank(ofGrade: minimum)
    // Compared without white space anywhere: `(天津) 某公司` is `(天津)某公司`.
    let hostUnit = c.station?.text("host_unit").map(Self.compact)

    for person in people.records where person.list("roles")?.contains(Roster.mentor) == true {
      let name = person.text("name").map { "「\($0)」" } ?? ""

      // MEN-001: a 兼职导师's title grade is below the minimum (grades from the highest down).
      if let grade = person.text("title"), let rank = c.policy.rank(ofGrade: grade),
        let minimumRank, rank > minimumRank
      {
        let title = person["title"]?.text ?? grade
        let shown = title == grade ? "「\(grade)」" : "「\(title)」（\(grade)）"
        issues.append(
          c.issue(
            "MEN-001", people, person, "title",
            "兼职导师\(name)的职称\(shown)低于兼职导师的最低职称要求（\(minimum)）。" + RuleContext.findingNote
          ))
      }

      // MEN-002: a 兼职导师's 工作单位 is not the 设站单位.
      if let hostUnit, let employer = person.text("employer"), Self.compact(employer) != hostUnit {
        let host = c.station?.text("host_unit") ?? ""
        let form = c.station.map { "「\($0.sheet)」" } ?? ""
        issues.append(
          c.issue(
            "MEN-002", people, person, "employer",
            "兼职导师\(name)的工作单位「\(employer)」与设站单位「\(host)」不一致，兼职导师应为设站单位的人员（单位名称须与\(form)中的设站单位一致）。"
              + RuleContext.findingNote
          ))
      }
    }
    return issues
  }

  /// A unit's name without white space, for comparison.
  static func compact(_ s: String) -> String {
    String(s.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
  }
}

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
