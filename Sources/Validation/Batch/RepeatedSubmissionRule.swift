import Basics
import Foundation
import Model

/// two or more submissions for one station and academic year in a batch (SPEC §5).
///
/// - **Within one college** (a warning, file-level): of the submissions of one college (牵头培养单位,
///   as normalized; files without one count as one more college) with the same valid 工作站编号
///   and 报送学年, the newest (latest modification time; on a tie the greater file name in Unicode
///   order; on a tie of that too, the later in the batch) supersedes every other, and each older
///   one gets X-003 naming it and becomes `superseded`. A newer file supersedes whatever its status
///   (a rejected correction still replaces the accepted original: it is the college's latest word).
/// - **Between colleges** (an error, file-level): when the standing (newest) files of two or more
///   named colleges share a station and year, each gets X-003 naming the others, as an error: one
///   college's file never supersedes another's, and `pipeline run` stores none of that station
///   and year until the office withdraws the wrong one.
/// - A file whose 工作站编号 or 报送学年 is missing or refused (already CELL-001/CELL-004), or that
///   is unreadable, cannot supersede nor be superseded.
enum RepeatedSubmissionRule {
  /// One verdict per member, in the same order: who supersedes it, whether another college's
  /// file conflicts with it, and its X-003.
  static func verdicts(_ members: [BatchMember]) -> [BatchRules.Verdict] {
    let newest = newestOfEachCollege(members)
    var verdicts = Array(repeating: BatchRules.Verdict(), count: members.count)
    for (i, member) in members.enumerated() {
      guard let key = member.key, let standing = newest[key], let winner = standing[member.college]
      else { continue }
      if winner != i {
        verdicts[i].supersededBy = winner
        verdicts[i].issues.append(superseded(member, by: members[winner], key))
      } else if let issue = conflict(member, key, standing, members) {
        verdicts[i].conflict = true
        verdicts[i].issues.append(issue)
      }
    }
    return verdicts
  }

  /// Per station and year, the newest file of each college (the key nil: files naming none).
  private static func newestOfEachCollege(_ members: [BatchMember])
    -> [BatchMember.StationYear: [String?: Int]]
  {
    var newest: [BatchMember.StationYear: [String?: Int]] = [:]
    for (i, member) in members.enumerated() {
      guard let key = member.key else { continue }
      if let current = newest[key]?[member.college], !isNewer(i, than: current, in: members) {
        continue
      }
      newest[key, default: [:]][member.college] = i
    }
    return newest
  }

  /// X-003 (warning): a newer file of the member's college stands for its station and year.
  private static func superseded(
    _ member: BatchMember, by newer: BatchMember, _ key: BatchMember.StationYear
  ) -> Issue {
    Issue(
      "X-003", sheet: nil, cell: nil,
      .superseded(
        key, newerFile: newer.file, newerModified: timestamp(newer.modified),
        modified: timestamp(member.modified)))
  }

  /// X-003 (error): another college's standing file for the same station and year — neither
  /// replaces the other (one college must never replace another's report); both are held for
  /// the office. `standing`: the newest file of each college for that station and year.
  private static func conflict(
    _ member: BatchMember, _ key: BatchMember.StationYear, _ standing: [String?: Int],
    _ members: [BatchMember]
  ) -> Issue? {
    guard let college = member.college else { return nil }
    let others = standing.compactMap { entry -> Int? in
      guard let otherCollege = entry.key, otherCollege != college else { return nil }
      return entry.value
    }.sorted()
    guard !others.isEmpty else { return nil }
    let named = others.map { (college: members[$0].college ?? "", file: members[$0].file) }
    var issue = Issue("X-003", sheet: nil, cell: nil, .conflict(key, college: college, with: named))
    // Between colleges the repeat blocks acceptance until the office resolves it.
    issue.severity = .error
    return issue
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

  /// `2024-07-05 14:03:09`, Beijing time (the product's one time-zone policy: ``BeijingTime``),
  /// whatever zone the server's clock is set to.
  static func timestamp(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = BeijingTime.timeZone
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return formatter.string(from: date)
  }
}

extension Message {
  fileprivate static func superseded(
    _ key: BatchMember.StationYear, newerFile: String, newerModified: String, modified: String
  ) -> Message {
    "本批次中工作站 \(key.stationID) 的 \(key.academicYear) 学年另有一份较新的报送文件「\(newerFile)」（修改时间 \(newerModified)，本文件为 \(modified)），本文件已被其替代，不再参与审核汇总和入库。如应以本文件为准，请撤回较新的文件后重新报送本文件。"
  }

  /// `others`: the standing files of the other colleges, with their college.
  fileprivate static func conflict(
    _ key: BatchMember.StationYear, college: String, with others: [(college: String, file: String)]
  ) -> Message {
    let named = others.map { "牵头培养单位为「\($0.college)」的文件「\($0.file)」" }.joined(separator: "、")
    return
      "本批次中工作站 \(key.stationID) 的 \(key.academicYear) 学年另有\(named)，与本文件（牵头培养单位「\(college)」）冲突：同一工作站同一学年只能由一个培养单位报送，一方不能替代另一方。两份文件均暂不入库，请研究生院核实工作站所属单位后撤回错误的一份。"
  }
}
