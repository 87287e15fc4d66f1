import Foundation
import Model

/// One submission of a batch, reduced to what the batch rules need: its file, when it was last
/// modified, its station and academic year, and the students of its 进站研究生 (学号, 姓名, stay and
/// where they stand). Made right after the submission is checked, so a batch of thousands of
/// workbooks never holds more than one normalized submission per worker in memory.
public struct BatchMember: Sendable {
  /// The file's name as the report shows it.
  public var file: String
  /// The file's modification time: the newer of two submissions for one station and year wins.
  public var modified: Date
  /// 工作站编号 and 报送学年, when valid (nil when missing or refused, or the file is unreadable).
  public var stationID: String?
  public var academicYear: AcademicYear?
  /// 牵头培养单位 as normalized (SPEC §4), when given: X-003 supersedes only within one college.
  public var college: String?
  /// The 进站研究生 sheet's name as submitted.
  var studentSheet: String
  var students: [Student]

  /// One row of 进站研究生 with a valid 学号.
  struct Student: Sendable {
    var id: String
    var idCell: CellReference
    var idText: String
    /// The normalized 姓名 and its cell; nil when blank or refused.
    var name: String?
    var nameCell: CellReference?
    var nameText: String?
    /// The stay as this workbook asserts it (see ``BatchRules``); nil when unknown.
    var stay: ClosedRange<Day>?
    /// The stay as the submitter wrote it, for messages: `2023-09-01 至 2024-06-30`, `2023-09-01 起至今`.
    var span: String
    var row: Int
  }

  /// A member made from a checked submission; `submission` is nil for an unreadable file (which
  /// then takes part in no batch rule).
  public init(
    file: String, modified: Date, submission: Submission?, policy: Policy, template: Template
  ) {
    self.file = file
    self.modified = modified
    stationID = submission?.station?.text("station_id")
    academicYear = submission?.station?.academicYear("academic_year")
    college = submission?.station?.text("college").flatMap { $0.isEmpty ? nil : $0 }
    studentSheet = ""
    students = []
    guard let submission, let table = submission.tables["students"] else { return }
    let context = RuleContext(submission: submission, policy: policy, template: template)
    let yearEnd = context.yearEnd
    studentSheet = table.sheet
    for record in table.records {
      guard let id = record.text("student_id"), let idCell = record["student_id"] else { continue }
      let name = record.text("name")
      var stay = context.stay(of: record)
      var span = ""
      if let known = stay {
        span =
          record.day("left_on").map { "\(known.lowerBound) 至 \($0)" } ?? "\(known.lowerBound) 起至今"
        // A blank 出站日期 says "still in station" as of this report: no further than the end of
        // the academic year it reports (a report of an earlier year says nothing about later).
        if record.day("left_on") == nil, let yearEnd, known.lowerBound <= yearEnd {
          stay = known.lowerBound...yearEnd
        }
      }
      students.append(
        Student(
          id: id, idCell: idCell.cell, idText: idCell.text, name: name,
          nameCell: name == nil ? nil : record["name"]?.cell,
          nameText: name == nil ? nil : record["name"]?.text, stay: stay, span: span,
          row: record.row))
    }
  }

  /// Whether this member can supersede or be superseded: its station and year are both known.
  var key: StationYear? {
    guard let stationID, let academicYear else { return nil }
    return StationYear(stationID: stationID, academicYear: academicYear)
  }

  struct StationYear: Hashable {
    var stationID: String
    var academicYear: AcademicYear
  }
}

/// The batch rules of SPEC §5: X-001, X-002, X-003, across the submissions of one batch (`pipeline
/// check` with several files, `pipeline run`'s inbox).
///
/// - **X-003** (warning, file-level): two or more submissions of one college (牵头培养单位, as
///   normalized; files without one count as one more college) with the same valid 工作站编号 and
///   报送学年 — the newest (latest modification time; on a tie the greater file name in Unicode
///   order; on a tie of that too, the later in the batch) supersedes every other, and each older
///   one gets X-003 naming it and becomes `superseded`. A newer file supersedes whatever its status
///   (a rejected correction still replaces the accepted original: it is the college's latest word).
///   A superseded submission takes no further part: it is replaced, so its students are not
///   compared (no X-001/X-002 on it, nor raised on others because of it).
/// - **X-003 between colleges** (an error, file-level): when the standing (newest) files of two
///   or more named colleges share a station and year, each gets X-003 naming the others, as an
///   error: one college's file never supersedes another's, and `pipeline run` stores none of that
///   station and year until the office withdraws the wrong one.
/// - An **unreadable** file takes part in no batch rule. A file whose 工作站编号 or 报送学年 is
///   missing or refused (already CELL-001/CELL-004) cannot supersede nor be superseded; it still
///   takes part in X-002, and in X-001 only with a known station (below).
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
/// - A row's X-001 (or X-002) is one issue listing each conflicting row elsewhere (the first few by
///   batch order, then how many more), not one issue per pair. Rows repeated within one workbook
///   are DUP-001's business, not compared with each other here.
///
/// Cost: one pass to group by (station, year), one to index the students by 学号; only rows that
/// share a 学号 are compared, pairwise within that 学号 — never all pairs of files. (The worst
/// case, one 学号 in all 2,000 workbooks of a batch, is 2 million cheap comparisons.)
public enum BatchRules {
  /// What the batch rules say about one member.
  public struct Verdict: Sendable, Equatable {
    /// X-001/X-002/X-003 raised on it, by row then rule (X-003 first: it has no cell).
    public var issues: [Issue] = []
    /// The index of the member that supersedes it (X-003), when one does.
    public var supersededBy: Int?
    /// Another college's file stands for the same station and year (X-003 as an error): neither
    /// supersedes the other, and neither is stored until the office resolves it.
    public var conflict = false
  }

  /// How many conflicting rows a message names before it says "and n more".
  static let namedInMessage = 3

  /// The verdicts, one per member in the same order.
  public static func check(_ members: [BatchMember], template: Template) -> [Verdict] {
    var verdicts = Array(repeating: Verdict(), count: members.count)

    // MARK: X-003 — per station and year, the newest file of each college supersedes that
    // college's others; the standing files of two colleges are a conflict.
    var newest: [BatchMember.StationYear: [String?: Int]] = [:]
    for (i, member) in members.enumerated() {
      guard let key = member.key else { continue }
      if let current = newest[key]?[member.college], !isNewer(i, than: current, in: members) {
        continue
      }
      newest[key, default: [:]][member.college] = i
    }
    for (i, member) in members.enumerated() {
      guard let key = member.key, let winner = newest[key]?[member.college] else { continue }
      if winner != i {
        verdicts[i].supersededBy = winner
        let other = members[winner]
        verdicts[i].issues.append(
          Issue(
            "X-003", sheet: nil, cell: nil,
            message:
              "本批次中工作站 \(key.stationID) 的 \(key.academicYear) 学年另有一份较新的报送文件「\(other.file)」（修改时间 \(timestamp(other.modified))，本文件为 \(timestamp(member.modified))），本文件已被其替代，不再参与审核汇总和入库。如应以本文件为准，请撤回较新的文件后重新报送本文件。"
          ))
        continue
      }
      // Another college's standing file for the same station and year: neither replaces the
      // other (one college must never replace another's report); both are held for the office.
      guard let college = member.college else { continue }
      let others = (newest[key] ?? [:]).compactMap { entry -> Int? in
        guard let otherCollege = entry.key, otherCollege != college else { return nil }
        return entry.value
      }.sorted()
      guard !others.isEmpty else { continue }
      let named = others.map { "牵头培养单位为「\(members[$0].college ?? "")」的文件「\(members[$0].file)」" }
        .joined(separator: "、")
      verdicts[i].conflict = true
      var issue = Issue(
        "X-003", sheet: nil, cell: nil,
        message:
          "本批次中工作站 \(key.stationID) 的 \(key.academicYear) 学年另有\(named)，与本文件（牵头培养单位「\(college)」）冲突：同一工作站同一学年只能由一个培养单位报送，一方不能替代另一方。两份文件均暂不入库，请研究生院核实工作站所属单位后撤回错误的一份。"
      )
      // Between colleges the repeat blocks acceptance until the office resolves it.
      issue.severity = .error
      verdicts[i].issues.append(issue)
    }

    // MARK: Index the students of the members still standing by 学号.
    var byID: [String: [Ref]] = [:]
    for (m, member) in members.enumerated() where verdicts[m].supersededBy == nil {
      for (s, student) in member.students.enumerated() {
        byID[student.id, default: []].append(Ref(member: m, student: s))
      }
    }

    let idLabel = label(template, "student_id")
    let nameLabel = label(template, "name")
    let enteredLabel = label(template, "entered_on")
    let leftLabel = label(template, "left_on")

    for (id, refs) in byID where refs.count > 1 {
      // Rows of one workbook only: nothing to compare across the batch.
      guard refs.contains(where: { $0.member != refs[0].member }) else { continue }

      /// One issue on each row with conflicts: `place` names each other row, `issue` words the
      /// issue from the row's member, its student and that list.
      func report(
        _ conflicts: [Conflicts], place: (BatchMember, BatchMember.Student) -> String,
        issue: (BatchMember, BatchMember.Student, String) -> Issue
      ) {
        for (x, found) in conflicts.enumerated() where found.count > 0 {
          let member = members[refs[x].member]
          let list = found.describe { o in place(members[o.member], members[o.member].students[o.student]) }
          verdicts[refs[x].member].issues.append(issue(member, member.students[refs[x].student], list))
        }
      }

      // MARK: X-001 — overlapping stays in two different stations.
      let overlapping = pairs(of: refs) { a, b in
        let (ma, mb) = (members[a.member], members[b.member])
        guard let stationA = ma.stationID, let stayA = ma.students[a.student].stay,
          let stationB = mb.stationID, stationB != stationA, let stayB = mb.students[b.student].stay
        else { return false }
        return stayA.overlaps(stayB)
      }
      report(
        overlapping,
        place: { om, os in
          "工作站 \(om.stationID ?? "")（文件「\(om.file)」「\(om.studentSheet)」第 \(os.row) 行）填报的在站时间 \(os.span)"
        },
        issue: { member, student, list in
          Issue(
            "X-001", sheet: member.studentSheet, cell: student.idCell,
            message:
              "\(idLabel) \(id) 的研究生在本表（工作站 \(member.stationID ?? "")）的在站时间为 \(student.span)，与\(list)重叠；同一研究生同一时间只能在一个工作站。请与对方工作站核对该生的\(idLabel)、\(enteredLabel)和\(leftLabel)，改正有误的一方。",
            value: student.idText)
        })

      // MARK: X-002 — one 学号, different names in two workbooks.
      let differing = pairs(of: refs) { a, b in
        guard b.member != a.member, let nameA = members[a.member].students[a.student].name,
          let nameB = members[b.member].students[b.student].name
        else { return false }
        return nameA != nameB
      }
      report(
        differing,
        place: { om, os in
          "工作站 \(om.stationID ?? "（编号未识别）")（文件「\(om.file)」「\(om.studentSheet)」第 \(os.row) 行）中为「\(os.name ?? "")」"
        },
        issue: { member, student, list in
          Issue(
            "X-002", sheet: member.studentSheet, cell: student.nameCell,
            message:
              "\(idLabel) \(id) 在本表中的\(nameLabel)为「\(student.name ?? "")」，但在\(list)。同一学号应为同一人。请核对该生的\(idLabel)和\(nameLabel)，改正有误的一方。",
            value: student.nameText)
        })
    }
    for i in verdicts.indices where verdicts[i].issues.count > 1 {
      verdicts[i].issues.sort {
        ($0.cell?.row ?? 0, $0.cell?.column ?? 0, $0.rule) < (
          $1.cell?.row ?? 0, $1.cell?.column ?? 0, $1.rule
        )
      }
    }
    return verdicts
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
      if first.count < BatchRules.namedInMessage { first.append(ref) }
    }

    /// The first few described and joined, then how many in all.
    func describe(_ one: (Ref) -> String) -> String {
      var text = first.map(one).joined(separator: "；")
      if count > first.count { text += "等 \(count) 处" }
      return text
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

  /// Whether member `i` is newer than member `j`: later modification time, then greater file
  /// name, then later in the batch.
  static func isNewer(_ i: Int, than j: Int, in members: [BatchMember]) -> Bool {
    let a = members[i]
    let b = members[j]
    if a.modified != b.modified { return a.modified > b.modified }
    if a.file != b.file {
      return b.file.unicodeScalars.lexicographicallyPrecedes(a.file.unicodeScalars)
    }
    return i > j
  }

  /// `2024-07-05 14:03:09` in the local time zone.
  static func timestamp(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return formatter.string(from: date)
  }

  /// The canonical header of a 进站研究生 field, for messages: `「学号」`.
  static func label(_ template: Template, _ field: String) -> String {
    "「" + (template.sheet("students")?.field(field)?.header ?? field) + "」"
  }
}
