import Foundation
import Model
import Testing
import Validation
import XLSXTestSupport

/// X-001, X-002, X-003 across the files of one batch, checked as `pipeline check FILE…` does
/// (each file on its own, then ``BatchRules`` across them): each a case that triggers it and a
/// near miss that must not.
///
/// Baseline (station TJMU-2022-015, 2023-2024): 进站研究生 rows 2 张三 2022120345 (from
/// 2023-09-01, open), 3 李四 2023110021 (2023-09-01…2024-06-30), 4 王五 2023110088 (from
/// 2024-03-01, open); A 学号, B 姓名, G 进站日期, H 出站日期. 张三's payments are 补助发放 rows 2–11
/// (2023-09…2024-06, 1500 each); 工作站信息 B3 工作站编号, B10 报送学年, B16 生活补助发放总额 = 26200.
@Suite struct BatchRulesTests {
  static let base = Date(timeIntervalSince1970: 1_720_000_000)  // 2024-07-03

  /// A file of a batch: its name, workbook (or raw bytes) and modification time.
  struct File {
    var name: String
    var bytes: [UInt8]
    var modified: Date

    init(_ name: String, _ workbook: SubmissionWorkbook, minute: Double = 0) {
      self.init(name, bytes: workbook.build(), minute: minute)
    }
    init(_ name: String, bytes: [UInt8], minute: Double = 0) {
      self.name = name
      self.bytes = bytes
      modified = BatchRulesTests.base.addingTimeInterval(minute * 60)
    }
  }

  /// Checks each file on its own, then the batch rules across them, merged as `pipeline check`
  /// merges them: the batch issues among the file's own in report order, the status judged
  /// again, and superseded for the older of two files (whatever its own status). By file name.
  func batch(_ files: [File]) -> [String: Checked] {
    let configuration = Configuration()
    var entries = files.map { check(bytes: $0.bytes, name: $0.name) }
    let members = zip(files, entries).map { file, entry in
      BatchMember(
        file: file.name, modified: file.modified, submission: entry.submission,
        policy: configuration.policy, template: configuration.template)
    }
    let verdicts = BatchRules.check(members, template: configuration.template)
    #expect(verdicts.count == files.count)
    for (i, verdict) in zip(entries.indices, verdicts) {
      let entry = entries[i]
      entries[i] = Checked(
        entry.file, issues: entry.issues + verdict.issues, submission: entry.submission)
      if verdict.supersededBy != nil { entries[i].status = .superseded }
    }
    return Dictionary(uniqueKeysWithValues: entries.map { ($0.file, $0) })
  }

  /// An entry's issues as `rule@sheet!cell` strings, in report order.
  func issues(_ entry: Checked?, only prefix: String = "") -> [String] {
    (entry?.issues ?? []).filter { $0.rule.hasPrefix(prefix) }.map { issue in
      var s = issue.rule
      if let sheet = issue.sheet { s += "@" + sheet }
      if let cell = issue.cell { s += "!" + cell.a1 }
      return s
    }
  }

  // MARK: - Workbooks

  /// The baseline under another 工作站编号, its 李四 and 王五 renumbered (everywhere they appear):
  /// 张三 2022120345 is then the only 学号 it shares with the baseline.
  static func otherStation(_ id: String = "TJMU-2023-001") -> SubmissionWorkbook {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B3", .text(id))
    wb.replace("2023110021", with: "2023110091")
    wb.replace("2023110088", with: "2023110098")
    return wb
  }

  /// The baseline whose 张三 leaves on 2023-12-31: his 2024 payment rows (6–11) go.
  static func zhangLeavesEndOfDecember() -> SubmissionWorkbook {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "H2", .date(2023, 12, 31))
    for row in [11, 10, 9, 8, 7, 6] { wb.removeRow("补助发放", row) }
    wb.set("工作站信息", "B16", .number(26_200 - 6 * 1500))
    return wb
  }

  /// ``otherStation(_:)`` whose 张三 enters on `day` of December 2023 or on 2024-01-01: his payment
  /// rows before that month go.
  static func otherStationZhangEnters(_ y: Int, _ m: Int, _ d: Int) -> SubmissionWorkbook {
    var wb = otherStation()
    wb.set("进站研究生", "G2", .date(y, m, d))
    let unpaidMonths = (y - 2023) * 12 + m - 9  // months of 2023-09… before his first
    for row in (2..<(2 + unpaidMonths)).reversed() { wb.removeRow("补助发放", row) }
    wb.set("工作站信息", "B16", .number(26_200 - Double(unpaidMonths) * 1500))
    return wb
  }

  // MARK: - Each workbook alone is valid

  /// Each workbook these tests compare has no issue of its own.
  @Test func theWorkbooksOfTheseTestsAreValidAlone() {
    for wb in [
      Self.otherStation(), Self.zhangLeavesEndOfDecember(),
      Self.otherStationZhangEnters(2024, 1, 1),
      Self.otherStationZhangEnters(2023, 12, 31),
    ] {
      #expect(found(wb) == [])
    }
  }

  // MARK: - X-001

  /// 张三 in two stations over the same time: X-001 at his 学号 cell in both workbooks, which are
  /// then rejected; the message names the other station, its file and both stays.
  @Test func overlappingStaysInTwoStationsAreFlaggedInBoth() throws {
    let entries = batch([
      File("a.xlsx", SubmissionWorkbook.valid()), File("b.xlsx", Self.otherStation(), minute: 1),
    ])
    #expect(issues(entries["a.xlsx"]) == ["X-001@进站研究生!A2"])
    #expect(issues(entries["b.xlsx"]) == ["X-001@进站研究生!A2"])
    #expect(entries["a.xlsx"]?.status == .rejected)
    #expect(entries["b.xlsx"]?.status == .rejected)
    let message = try #require(entries["a.xlsx"]?.issues.first?.message)
    #expect(message.contains("TJMU-2023-001") && message.contains("b.xlsx"))
    #expect(message.contains("2023-09-01 起至今"))
    #expect(entries["a.xlsx"]?.issues.first?.value == "2022120345")
    let other = try #require(entries["b.xlsx"]?.issues.first?.message)
    #expect(other.contains("TJMU-2022-015") && other.contains("a.xlsx"))
  }

  /// Stays that touch on one day overlap; a stay that begins the day after the other ends does not.
  @Test(arguments: [
    ((2023, 12, 31), ["X-001@进站研究生!A2"]),
    ((2024, 1, 1), []),
  ])
  func staysOverlapWhenTheyShareADay(_ enters: (Int, Int, Int), _ expected: [String]) {
    let entries = batch([
      File("a.xlsx", Self.zhangLeavesEndOfDecember()),
      File("b.xlsx", Self.otherStationZhangEnters(enters.0, enters.1, enters.2)),
    ])
    #expect(issues(entries["a.xlsx"]) == expected)
    #expect(issues(entries["b.xlsx"]) == expected)
  }

  /// A blank 出站日期 runs to the end of that workbook's academic year, not forever: last year's
  /// report of a student still in station does not clash with another station's next year
  /// unless the stays share a day of the earlier year. (The 2024-2025 workbook is the baseline
  /// relabelled, so it has issues of its own; only the batch issues are compared.)
  @Test(arguments: [
    ((2024, 7, 1), [String]()),
    ((2024, 6, 30), ["X-001@进站研究生!A2"]),
  ])
  func aBlankLeavingDateEndsWithItsAcademicYear(_ enters: (Int, Int, Int), _ expected: [String]) {
    var next = Self.otherStation()
    next.set("工作站信息", "B10", .text("2024-2025"))
    next.set("进站研究生", "G2", .date(enters.0, enters.1, enters.2))
    let entries = batch([File("a.xlsx", SubmissionWorkbook.valid()), File("b.xlsx", next)])
    #expect(issues(entries["a.xlsx"], only: "X-") == expected)
    #expect(issues(entries["b.xlsx"], only: "X-") == expected)
  }

  /// One station's two academic years list the same student: no X-001 (it is one station).
  @Test func oneStationsTwoYearsAreNoClash() {
    var next = SubmissionWorkbook.valid()
    next.set("工作站信息", "B10", .text("2024-2025"))
    let entries = batch([File("a.xlsx", SubmissionWorkbook.valid()), File("b.xlsx", next)])
    #expect(issues(entries["a.xlsx"]) == [])
    #expect(issues(entries["b.xlsx"], only: "X-") == [])
  }

  /// A student whose stay is unknown (inverted dates: DATE-001) is not compared.
  @Test func aStudentWhoseStayIsUnknownIsSkipped() {
    var b = Self.otherStation()
    b.set("进站研究生", "H2", .date(2023, 8, 31))  // entered 2023-09-01
    let entries = batch([File("a.xlsx", SubmissionWorkbook.valid()), File("b.xlsx", b)])
    #expect(issues(entries["a.xlsx"]) == [])
    #expect(issues(entries["b.xlsx"], only: "X-") == [])
  }

  // MARK: - X-002

  /// 张三 of the other station is 张珊 there: X-002 at the 姓名 cell in both, beside X-001 when
  /// the stays overlap too, alone when they do not. A warning: the workbooks stay accepted.
  @Test(arguments: [
    (true, ["X-001@进站研究生!A2", "X-002@进站研究生!B2"]),
    (false, ["X-002@进站研究生!B2"]),
  ])
  func theSameIDWithAnotherNameIsFlaggedInBoth(_ overlapping: Bool, _ expected: [String]) throws {
    let a = overlapping ? SubmissionWorkbook.valid() : Self.zhangLeavesEndOfDecember()
    var b = overlapping ? Self.otherStation() : Self.otherStationZhangEnters(2024, 1, 1)
    b.set("进站研究生", "B2", .text("张珊"))
    let entries = batch([File("a.xlsx", a), File("b.xlsx", b)])
    #expect(issues(entries["a.xlsx"]) == expected)
    #expect(issues(entries["b.xlsx"]) == expected)
    if !overlapping {
      #expect(entries["a.xlsx"]?.status == .accepted)
      #expect(entries["b.xlsx"]?.status == .accepted)
    }
    let issue = try #require(entries["a.xlsx"]?.issues.first { $0.rule == "X-002" })
    #expect(issue.value == "张三")
    #expect(issue.message.contains("张珊") && issue.message.contains("b.xlsx"))
  }

  /// Names are compared after normalization: `张 三` is 张三.
  @Test func namesAreComparedNormalized() {
    var b = Self.otherStationZhangEnters(2024, 1, 1)
    b.set("进站研究生", "B2", .text("张 三"))
    let entries = batch([File("a.xlsx", Self.zhangLeavesEndOfDecember()), File("b.xlsx", b)])
    #expect(issues(entries["a.xlsx"]) == [])
    #expect(issues(entries["b.xlsx"]) == [])
  }

  // MARK: - X-003

  /// Two files for one station and year: the newer by modification time supersedes, even when
  /// its name sorts first. X-003 is on the older only (file-level), which becomes superseded.
  @Test func theNewerFileSupersedesTheOlder() throws {
    let entries = batch([
      File("v2.xlsx", SubmissionWorkbook.valid(), minute: 0),
      File("v1.xlsx", SubmissionWorkbook.valid(), minute: 5),
    ])
    #expect(issues(entries["v2.xlsx"]) == ["X-003"])
    #expect(entries["v2.xlsx"]?.status == .superseded)
    #expect(issues(entries["v1.xlsx"]) == [])
    #expect(entries["v1.xlsx"]?.status == .accepted)
    let issue = try #require(entries["v2.xlsx"]?.issues.first)
    #expect(issue.severity == .warning && issue.sheet == nil && issue.cell == nil)
    #expect(issue.message.contains("v1.xlsx") && issue.message.contains("TJMU-2022-015"))
  }

  /// The same modification time: the greater file name is the newer.
  @Test func aTieIsBrokenByName() {
    let entries = batch([
      File("b.xlsx", SubmissionWorkbook.valid()), File("a.xlsx", SubmissionWorkbook.valid()),
    ])
    #expect(issues(entries["a.xlsx"]) == ["X-003"])
    #expect(entries["a.xlsx"]?.status == .superseded)
    #expect(issues(entries["b.xlsx"]) == [])
    #expect(entries["b.xlsx"]?.status == .accepted)
  }

  /// A superseded file keeps its own issues (X-003 first: file-level), and superseded wins over
  /// rejected; a rejected newer file still supersedes an accepted older one.
  @Test func supersededWinsOverTheFilesOwnStatus() {
    var bad = SubmissionWorkbook.valid()
    bad.set("工作站信息", "B14", .text("三人"))  // CELL-002
    let entries = batch([
      File("old-bad.xlsx", bad, minute: 0),
      File("mid-ok.xlsx", SubmissionWorkbook.valid(), minute: 1),
      File("new-bad.xlsx", bad, minute: 2),
    ])
    #expect(issues(entries["old-bad.xlsx"]) == ["X-003", "CELL-002@工作站信息!B14"])
    #expect(entries["old-bad.xlsx"]?.status == .superseded)
    #expect(issues(entries["mid-ok.xlsx"]) == ["X-003"])
    #expect(entries["mid-ok.xlsx"]?.status == .superseded)
    #expect(issues(entries["new-bad.xlsx"]) == ["CELL-002@工作站信息!B14"])
    #expect(entries["new-bad.xlsx"]?.status == .rejected)
    // Both older files name the newest.
    for file in ["old-bad.xlsx", "mid-ok.xlsx"] {
      #expect(entries[file]?.issues.first?.message.contains("new-bad.xlsx") == true)
    }
  }

  /// A superseded file takes no part in X-001/X-002: only the file that replaces it is compared.
  @Test func aSupersededFileIsNotCompared() {
    var renamed = Self.otherStation()
    renamed.set("进站研究生", "B2", .text("张珊"))
    var newer = SubmissionWorkbook.valid()
    newer.replace("2022120345", with: "2022120399")  // the corrected list no longer has him
    let entries = batch([
      File("old.xlsx", SubmissionWorkbook.valid(), minute: 0), File("new.xlsx", newer, minute: 1),
      File("other.xlsx", renamed, minute: 0),
    ])
    #expect(issues(entries["old.xlsx"]) == ["X-003"])
    #expect(issues(entries["new.xlsx"]) == [])
    #expect(issues(entries["other.xlsx"]) == [])
  }

  /// Different years or stations are not superseded.
  @Test func anotherYearOrStationIsNotSuperseded() {
    var nextYear = SubmissionWorkbook.valid()
    nextYear.set("工作站信息", "B10", .text("2024-2025"))
    let entries = batch([
      File("a.xlsx", SubmissionWorkbook.valid()), File("b.xlsx", nextYear, minute: 1),
      File("c.xlsx", Self.otherStation("TJMU-2023-002"), minute: 2),
    ])
    #expect(issues(entries["a.xlsx"], only: "X-003") == [])
    #expect(issues(entries["b.xlsx"], only: "X-003") == [])
    #expect(issues(entries["c.xlsx"], only: "X-003") == [])
  }

  // MARK: - X-003 between colleges

  /// Attack: another college's newer file for the same station and year supersedes nothing:
  /// both are flagged (X-003 as an error, naming the other college and file), neither is
  /// superseded, both are rejected.
  @Test func anotherCollegesFileForTheSameStationAndYearIsAConflict() throws {
    let entries = batch([
      File("owner.xlsx", SubmissionWorkbook.valid(), minute: 0),
      File("forged.xlsx", SubmissionWorkbook.valid(college: "第二医院"), minute: 5),
    ])
    for (file, other, otherCollege) in [
      ("owner.xlsx", "forged.xlsx", "第二医院"), ("forged.xlsx", "owner.xlsx", "基础医学院"),
    ] {
      #expect(issues(entries[file]) == ["X-003"])
      #expect(entries[file]?.status == .rejected)
      let issue = try #require(entries[file]?.issues.first)
      #expect(issue.severity == .error)
      #expect(issue.message.contains(other) && issue.message.contains(otherCollege))
    }
  }

  /// Each college's own older file is still superseded by its own newer one; the newest of
  /// each college are in conflict with each other.
  @Test func withinEachCollegeTheNewestStillSupersedes() {
    let entries = batch([
      File("a-old.xlsx", SubmissionWorkbook.valid(), minute: 0),
      File("a-new.xlsx", SubmissionWorkbook.valid(), minute: 1),
      File("b.xlsx", SubmissionWorkbook.valid(college: "第二医院"), minute: 2),
    ])
    #expect(entries["a-old.xlsx"]?.status == .superseded)
    #expect(entries["a-old.xlsx"]?.issues.first?.message.contains("a-new.xlsx") == true)
    #expect(entries["a-new.xlsx"]?.status == .rejected)
    #expect(entries["b.xlsx"]?.status == .rejected)
    #expect(entries["b.xlsx"]?.issues.first?.message.contains("a-new.xlsx") == true)
  }

  /// Near miss: the same college written with full-width brackets and spaces is one college
  /// after normalization (SPEC §4): the newer supersedes as before, no conflict.
  @Test func theSameCollegeWrittenDifferentlyIsNotAConflict() {
    let entries = batch([
      File("a.xlsx", SubmissionWorkbook.valid(college: "天津医科大学（基础医学院）"), minute: 0),
      File("b.xlsx", SubmissionWorkbook.valid(college: "\u{3000}天津医科大学(基础医学院) "), minute: 1),
    ])
    #expect(issues(entries["a.xlsx"]) == ["X-003"])
    #expect(entries["a.xlsx"]?.status == .superseded)
    #expect(entries["a.xlsx"]?.issues.first?.severity == .warning)
    #expect(issues(entries["b.xlsx"]) == [])
    #expect(entries["b.xlsx"]?.status == .accepted)
  }

  // MARK: - Files the batch rules cannot use

  /// An unreadable file in the batch (newest of all) changes nothing for the others.
  @Test func anUnreadableFileChangesNothingForTheOthers() {
    let entries = batch([
      File("a.xlsx", SubmissionWorkbook.valid()), File("b.xlsx", Self.otherStation()),
      File("broken.xlsx", bytes: Array("not a workbook".utf8), minute: 10),
    ])
    #expect(issues(entries["broken.xlsx"]) == ["FILE-001"])
    #expect(entries["broken.xlsx"]?.status == .unreadable)
    #expect(issues(entries["a.xlsx"]) == ["X-001@进站研究生!A2"])
    #expect(issues(entries["b.xlsx"]) == ["X-001@进站研究生!A2"])
  }

  /// A workbook whose 工作站编号 is refused can neither supersede nor be superseded, and is not in
  /// X-001 (it may be the same station); the same students under the same names are no X-002.
  @Test func aFileWithoutAValidStationIsNeitherSupersededNorClashing() {
    var noStation = SubmissionWorkbook.valid()
    noStation.set("工作站信息", "B3", .text("X"))  // CELL-004
    let entries = batch([
      File("a.xlsx", SubmissionWorkbook.valid()), File("x.xlsx", noStation, minute: 1),
    ])
    #expect(issues(entries["a.xlsx"]) == [])
    #expect(entries["a.xlsx"]?.status == .accepted)
    #expect(issues(entries["x.xlsx"]) == ["CELL-004@工作站信息!B3"])
    #expect(entries["x.xlsx"]?.status == .rejected)
  }

  /// A batch of one is the file checked alone.
  @Test func aBatchOfOneIsTheFileAlone() {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B14", .text("三人"))
    let entries = batch([File("one.xlsx", wb)])
    let alone = check(wb)
    #expect(entries["one.xlsx"]?.issues == alone.issues)
    #expect(entries["one.xlsx"]?.status == alone.status)
  }
}
