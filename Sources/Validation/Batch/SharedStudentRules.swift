import Model

/// X-001 and X-002: one 学号 listed by two workbooks of a batch (SPEC §5).
///
/// - **X-001** (error, at the 学号 cell in 进站研究生): the same valid 学号 listed by two workbooks of
///   two different stations (both 工作站编号 valid and unequal: one station's two academic years
///   may list the same student, and a workbook of unknown station may be that same station) with
///   overlapping stays. A stay is ``RuleContext/stay(of:)`` — 进站日期 to 出站日期, a student whose
///   stay is unknown is skipped — except that a blank 出站日期 (still in station) runs to the end of
///   the workbook's academic year rather than forever: a report says the student was still there
///   when it was made, nothing about later years, so a batch holding last year's late report and
///   this year's does not flag a student who moved between them. Raised in both workbooks.
/// - **X-002** (warning, at the 姓名 cell): the same valid 学号 with different normalized 姓名 in two
///   workbooks (any stations or years). Raised in both.
/// - Only the members still standing take part: a superseded submission (X-003) is replaced, so
///   its students are not compared.
/// - A row's X-001 (or X-002) is one issue listing each conflicting row elsewhere (the first few by
///   batch order, then how many more), not one issue per pair. Rows repeated within one workbook
///   are DUP-001's business, not compared with each other here.
///
/// Cost: one pass to index the students by 学号; only rows that share a 学号 are compared,
/// pairwise within that 学号 — never all pairs of files.
struct SharedStudentRules {
  /// How many conflicting rows a message names before it says "and n more".
  static let namedInMessage = 3

  let members: [BatchMember]
  let idLabel: String
  let nameLabel: String
  let enteredLabel: String
  let leftLabel: String

  init(_ members: [BatchMember], template: Template) {
    self.members = members
    idLabel = Self.label(template, "student_id")
    nameLabel = Self.label(template, "name")
    enteredLabel = Self.label(template, "entered_on")
    leftLabel = Self.label(template, "left_on")
  }

  /// Adds X-001 and X-002 to the verdicts of the members still standing.
  func raise(in verdicts: inout [BatchRules.Verdict]) {
    for (id, refs) in index(standing: verdicts) where refs.count > 1 {
      // Rows of one workbook only: nothing to compare across the batch.
      guard refs.contains(where: { $0.member != refs[0].member }) else { continue }
      for (member, issue) in overlappingStays(id, refs) + differentNames(id, refs) {
        verdicts[member].issues.append(issue)
      }
    }
  }

  /// 学号 → its rows in the members not superseded, in batch order.
  private func index(standing verdicts: [BatchRules.Verdict]) -> [String: [Ref]] {
    var byID: [String: [Ref]] = [:]
    for (m, member) in members.enumerated() where verdicts[m].supersededBy == nil {
      for (s, student) in member.students.enumerated() {
        byID[student.id, default: []].append(Ref(member: m, student: s))
      }
    }
    return byID
  }

  /// X-001: overlapping stays in two different stations.
  private func overlappingStays(_ id: String, _ refs: [Ref]) -> [(member: Int, issue: Issue)] {
    let conflicts = Self.pairs(of: refs) { a, b in
      let (ma, sa) = self[a]
      let (mb, sb) = self[b]
      guard let stationA = ma.stationID, let stayA = sa.stay, let stationB = mb.stationID,
        stationB != stationA, let stayB = sb.stay
      else { return false }
      return stayA.overlaps(stayB)
    }
    return report(
      refs, conflicts, place: Message.stayElsewhere,
      issue: { member, student, elsewhere in
        Issue(
          "X-001", sheet: member.studentSheet, cell: student.idCell,
          .overlappingStays(
            id: id, member, student, elsewhere: elsewhere, idLabel: idLabel,
            enteredLabel: enteredLabel, leftLabel: leftLabel),
          value: student.idText)
      })
  }

  /// X-002: one 学号, different names in two workbooks.
  private func differentNames(_ id: String, _ refs: [Ref]) -> [(member: Int, issue: Issue)] {
    let conflicts = Self.pairs(of: refs) { a, b in
      guard b.member != a.member, let nameA = self[a].student.name,
        let nameB = self[b].student.name
      else { return false }
      return nameA != nameB
    }
    return report(
      refs, conflicts, place: Message.nameElsewhere,
      issue: { member, student, elsewhere in
        Issue(
          "X-002", sheet: member.studentSheet, cell: student.nameCell,
          .differentNames(
            id: id, student, elsewhere: elsewhere, idLabel: idLabel, nameLabel: nameLabel),
          value: student.nameText)
      })
  }

  /// One issue on each row of `refs` with conflicts: `place` words each conflicting row,
  /// `issue` the issue from the row's member, its student and the words for the rows elsewhere.
  private func report(
    _ refs: [Ref], _ conflicts: [Conflicts],
    place: (BatchMember, BatchMember.Student) -> Message,
    issue: (BatchMember, BatchMember.Student, Message) -> Issue
  ) -> [(member: Int, issue: Issue)] {
    conflicts.indices.compactMap { x in
      let found = conflicts[x]
      guard found.count > 0 else { return nil }
      let (member, student) = self[refs[x]]
      let elsewhere = Message.places(
        found.first.map { place(self[$0].member, self[$0].student) }, count: found.count)
      return (refs[x].member, issue(member, student, elsewhere))
    }
  }

  private subscript(_ ref: Ref) -> (member: BatchMember, student: BatchMember.Student) {
    (members[ref.member], members[ref.member].students[ref.student])
  }

  /// A student row of a member.
  struct Ref {
    var member: Int
    var student: Int
  }

  /// The rows elsewhere in conflict with one row: how many, and the first few in batch order
  /// (rows are indexed in batch order and compared in that order, so they arrive sorted).
  struct Conflicts {
    var count = 0
    var first: [Ref] = []

    mutating func add(_ ref: Ref) {
      count += 1
      if first.count < SharedStudentRules.namedInMessage { first.append(ref) }
    }
  }

  /// For each row of `refs` (the rows sharing one 学号), the other rows in conflict with it: every
  /// pair is tested once and recorded on both sides.
  static func pairs(of refs: [Ref], where conflict: (Ref, Ref) -> Bool) -> [Conflicts] {
    var result = Array(repeating: Conflicts(), count: refs.count)
    for x in refs.indices {
      for y in (x + 1)..<refs.count where conflict(refs[x], refs[y]) {
        result[x].add(refs[y])
        result[y].add(refs[x])
      }
    }
    return result
  }

  /// The canonical header of a 进站研究生 field, for messages: `「学号」`.
  static func label(_ template: Template, _ field: String) -> String {
    "「" + (template.sheet("students")?.field(field)?.header ?? field) + "」"
  }
}

extension Message {
  /// The first few rows elsewhere, then how many in all when there are more.
  fileprivate static func places(_ named: [Message], count: Int) -> Message {
    var text = named.map(\.text).joined(separator: "；")
    if count > named.count { text += "等 \(count) 处" }
    return Message(text)
  }

  /// X-001's words for a row elsewhere.
  fileprivate static func stayElsewhere(_ member: BatchMember, _ student: BatchMember.Student)
    -> Message
  {
    "工作站 \(member.stationID ?? "")（文件「\(member.file)」「\(member.studentSheet)」第 \(student.row) 行）填报的在站时间 \(span(student))"
  }

  fileprivate static func overlappingStays(
    id: String, _ member: BatchMember, _ student: BatchMember.Student, elsewhere: Message,
    idLabel: String, enteredLabel: String, leftLabel: String
  ) -> Message {
    "\(idLabel) \(id) 的研究生在本表（工作站 \(member.stationID ?? "")）的在站时间为 \(span(student))，与\(elsewhere)重叠；同一研究生同一时间只能在一个工作站。请与对方工作站核对该生的\(idLabel)、\(enteredLabel)和\(leftLabel)，改正有误的一方。"
  }

  /// X-002's words for a row elsewhere.
  fileprivate static func nameElsewhere(_ member: BatchMember, _ student: BatchMember.Student)
    -> Message
  {
    "工作站 \(member.stationID ?? "（编号未识别）")（文件「\(member.file)」「\(member.studentSheet)」第 \(student.row) 行）中为「\(student.name ?? "")」"
  }

  fileprivate static func differentNames(
    id: String, _ student: BatchMember.Student, elsewhere: Message, idLabel: String,
    nameLabel: String
  ) -> Message {
    "\(idLabel) \(id) 在本表中的\(nameLabel)为「\(student.name ?? "")」，但在\(elsewhere)。同一学号应为同一人。请核对该生的\(idLabel)和\(nameLabel)，改正有误的一方。"
  }

  /// The stay as the submitter wrote it (X-001 compares known stays only).
  fileprivate static func span(_ student: BatchMember.Student) -> String {
    student.stay.map { stay(entered: $0.lowerBound, left: student.left) } ?? ""
  }
}
