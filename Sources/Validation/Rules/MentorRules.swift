import Model

/// REF-002 (设站单位导师 not listed as 兼职导师), MEN-001 (兼职导师 title below the minimum grade) and
/// MEN-002 (兼职导师 not employed by the 设站单位).
enum MentorRules {
  static func check(_ c: RuleContext) -> [Issue] {
    // No 站长及专家, or no 姓名/角色 column in it (STR-001/STR-002 already): nobody to look up.
    guard let people = c.people, let roster = Roster(people) else { return [] }
    var issues: [Issue] = []
    if let students = c.students {
      for student in students.records {
        if let issue = mentorNotListed(c, students, student, roster, people) {
          issues.append(issue)
        }
      }
    }
    // Compared without white space anywhere: `(天津) 某公司` is `(天津)某公司`.
    let hostUnit = c.station?.text("host_unit").map(Self.compact)
    for person in people.records where person.list("roles")?.contains(Roster.mentor) == true {
      if let issue = titleBelowMinimum(c, people, person) { issues.append(issue) }
      if let issue = employedElsewhere(c, people, person, hostUnit: hostUnit) {
        issues.append(issue)
      }
    }
    return issues
  }

  /// REF-002: a student's 设站单位导师 is not listed in 站长及专家 with role 兼职导师.
  private static func mentorNotListed(
    _ c: RuleContext, _ students: Table, _ student: Record, _ roster: Roster, _ people: Table
  ) -> Issue? {
    guard let mentor = student.text("host_mentor"),
      roster.lists(mentor, as: Roster.mentor) == false
    else { return nil }
    let sheet = people.sheet
    let message: Message =
      if let roles = roster.roles(of: mentor) {
        .mentorWithoutRole(
          mentor, roles: roles, sheet: sheet, rolesLabel: c.label("people", "roles"))
      } else {
        .mentorNotListed(mentor, sheet: sheet, rolesLabel: c.label("people", "roles"))
      }
    return c.issue("REF-002", students, student, "host_mentor", message)
  }

  /// MEN-001: a 兼职导师's title grade is below the minimum (grades from the highest down).
  private static func titleBelowMinimum(_ c: RuleContext, _ people: Table, _ person: Record)
    -> Issue?
  {
    let minimum = c.policy.mentorMinimumGrade
    guard let grade = person.text("title"), let rank = c.policy.rank(ofTitleGrade: grade),
      let minimumRank = c.policy.rank(ofTitleGrade: minimum), rank > minimumRank
    else { return nil }
    return c.issue(
      "MEN-001", people, person, "title",
      .titleBelowMinimum(
        name: person.text("name"), title: person["title"]?.text ?? grade, titleGrade: grade,
        minimum: minimum))
  }

  /// MEN-002: a 兼职导师's 工作单位 is not the 设站单位 (`hostUnit`, compacted).
  private static func employedElsewhere(
    _ c: RuleContext, _ people: Table, _ person: Record, hostUnit: String?
  ) -> Issue? {
    guard let hostUnit, let employer = person.text("employer"), Self.compact(employer) != hostUnit
    else { return nil }
    return c.issue(
      "MEN-002", people, person, "employer",
      .employedElsewhere(
        name: person.text("name"), employer: employer, host: c.station?.text("host_unit") ?? "",
        form: c.station?.sheet))
  }

  /// A unit's name without white space, for comparison.
  static func compact(_ s: String) -> String {
    String(s.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
  }
}

extension Message {
  fileprivate static func mentorWithoutRole(
    _ mentor: String, roles: [String], sheet: String, rolesLabel: String
  ) -> Message {
    let sheet = "「\(sheet)」"
    return
      "设站单位导师「\(mentor)」在\(sheet)中的\(rolesLabel)为“\(roles.joined(separator: "、"))”，不含“兼职导师”。如其担任本站兼职导师，请在\(sheet)中为其角色加上“兼职导师”；否则请核对该生的设站单位导师。"
  }

  fileprivate static func mentorNotListed(_ mentor: String, sheet: String, rolesLabel: String)
    -> Message
  {
    let sheet = "「\(sheet)」"
    return
      "设站单位导师「\(mentor)」未在\(sheet)中登记。请在\(sheet)中补充此人（\(rolesLabel)填“兼职导师”，并填写职称和工作单位），或核对姓名是否与\(sheet)中一致。"
  }

  /// `title` as written, `titleGrade` as normalized: both shown when they differ.
  fileprivate static func titleBelowMinimum(
    name: String?, title: String, titleGrade: String, minimum: String
  ) -> Message {
    let name = name.map { "「\($0)」" } ?? ""
    let shown = title == titleGrade ? "「\(titleGrade)」" : "「\(title)」（\(titleGrade)）"
    return "兼职导师\(name)的职称\(shown)低于兼职导师的最低职称要求（\(minimum)）。\(RuleContext.findingNote)"
  }

  /// `form`: the station form's sheet.
  fileprivate static func employedElsewhere(
    name: String?, employer: String, host: String, form: String?
  ) -> Message {
    let name = name.map { "「\($0)」" } ?? ""
    let form = form.map { "「\($0)」" } ?? ""
    return
      "兼职导师\(name)的工作单位「\(employer)」与设站单位「\(host)」不一致，兼职导师应为设站单位的人员（单位名称须与\(form)中的设站单位一致）。\(RuleContext.findingNote)"
  }
}
