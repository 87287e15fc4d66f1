import Model
import Testing
import XLSXTestSupport

/// REF-002, MEN-001, MEN-002: each a case that triggers it and a near miss that must not.
///
/// Baseline: 站长及专家 rows 2 王建国 设站单位站长, 3 李明 培养单位站长, 4 陈高工 兼职导师 高级工程师,
/// 5 周研究员 兼职导师、专家 研究员, each 兼职导师 working for the 设站单位 (工作站信息 B5); the students'
/// 设站单位导师 in 进站研究生 F2 (陈高工), F3 and F4 (周研究员).
@Suite struct MentorRulesTests {
  // MARK: - REF-002

  @Test func aMentorNotListedPointsAtTheStudentsMentorCell() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "F2", .text("陈工"))
    #expect(found(wb) == ["REF-002@进站研究生!F2"])
  }

  @Test func aMentorListedOnlyAsExpertIsNotAMentor() {
    var wb = SubmissionWorkbook.valid()
    wb.set("站长及专家", "B5", .text("专家"))  // 周研究员 mentors the students of rows 3 and 4
    #expect(found(wb) == ["REF-002@进站研究生!F3", "REF-002@进站研究生!F4"])
  }

  @Test func theMessageSaysWhatRoleTheMentorHasAndHowToFixIt() throws {
    var wb = SubmissionWorkbook.valid()
    wb.set("站长及专家", "B5", .text("专家"))
    let issue = try #require(check(wb).issues.first { $0.rule == "REF-002" })
    #expect(issue.value == "周研究员")
    #expect(issue.message.contains("周研究员") && issue.message.contains("兼职导师"))
    #expect(issue.message.contains("专家"))
  }

  /// Names are compared after normalization: inner and full-width spaces do not count.
  @Test func aMentorNameWithSpacesMatches() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "F2", .text(" 陈 高工"))
    wb.set("站长及专家", "A5", .text("周\u{3000}研究员"))
    #expect(found(wb) == [])
  }

  @Test func rolesSeparatedOtherwiseStillListTheMentor() {
    var wb = SubmissionWorkbook.valid()
    wb.set("站长及专家", "B5", .text("专家；兼职导师"))
    #expect(found(wb) == [])
  }

  /// A 角色 cell that is blank or refused leaves the lookup open: only its own CELL-00x issue.
  @Test func aMentorWhoseRolesAreUnreadableIsNotFlaggedAgain() {
    var wb = SubmissionWorkbook.valid()
    wb.set("站长及专家", "B4", .empty)
    #expect(found(wb) == ["CELL-001@站长及专家!B4"])
    wb.set("站长及专家", "B4", .text("企业导师"))
    #expect(found(wb) == ["CELL-003@站长及专家!B4"])
  }

  // MARK: - MEN-001

  @Test func aMentorBelowTheMinimumGradePointsAtTheTitleCell() {
    var wb = SubmissionWorkbook.valid()
    wb.set("站长及专家", "C4", .text("工程师"))  // 中级
    #expect(found(wb) == ["MEN-001@站长及专家!C4"])
  }

  @Test func aMentorAtTheMinimumGradeIsNoIssue() {
    var wb = SubmissionWorkbook.valid()
    wb.set("站长及专家", "C4", .text("副主任医师"))  // 副高级, exactly the minimum
    #expect(found(wb) == [])
  }

  /// Only 兼职导师 are held to the minimum title: a head who is no mentor is not.
  @Test func aLowTitleOfSomeoneWhoIsNoMentorIsNoIssue() {
    var wb = SubmissionWorkbook.valid()
    wb.set("站长及专家", "C2", .text("助理工程师"))
    #expect(found(wb) == [])
  }

  @Test func aRefusedTitleIsOnlyItsOwnIssue() {
    var wb = SubmissionWorkbook.valid()
    wb.set("站长及专家", "C4", .text("高工"))
    #expect(found(wb) == ["CELL-003@站长及专家!C4"])
  }

  @Test func theMinimumGradeComesFromTheConfiguration() throws {
    let wb = SubmissionWorkbook.valid()
    var config = Configuration()
    #expect(found(wb, configuration: config) == [])
    config.policy.mentorMinimumGrade = "正高级"  // 陈高工 is 高级工程师 (副高级), 周研究员 正高级
    #expect(found(wb, configuration: config) == ["MEN-001@站长及专家!C4"])
    let issue = try #require(check(wb, configuration: config).issues.first)
    #expect(issue.value == "高级工程师")
    #expect(issue.message.contains("正高级"))
    config.policy.mentorMinimumGrade = "中级"
    var lower = wb
    lower.set("站长及专家", "C4", .text("工程师"))
    #expect(found(lower, configuration: config) == [])
  }

  /// SPEC §8 "职称", the office's list beyond §3.3: each title, on the 兼职导师 row of 陈高工, reads
  /// as its grade — no issue with that grade as the minimum (so no CELL-003 either), MEN-001 at
  /// the title with the grade above it as the minimum.
  @Test(arguments: [
    ("研究员级高级工程师", "正高级"), ("正高级经济师", "正高级"), ("正高级会计师", "正高级"),
    ("正高级统计师", "正高级"), ("正高级农艺师", "正高级"), ("正高级实验师", "正高级"),
    ("教授级高级工程师", "正高级"), ("主任技师", "正高级"),
    ("高级实验师", "副高级"), ("副主任技师", "副高级"), ("副主任护师", "副高级"), ("高级会计师", "副高级"),
    ("高级统计师", "副高级"), ("高级农艺师", "副高级"),
    ("主管药师", "中级"), ("主管技师", "中级"), ("主管护师", "中级"), ("实验师", "中级"), ("会计师", "中级"),
  ])
  func aTitleOfTheOfficesListReadsAsItsGrade(title: String, grade: String) throws {
    var wb = SubmissionWorkbook.valid()
    wb.set("站长及专家", "C4", .text(title))
    var config = Configuration()
    config.policy.mentorMinimumGrade = grade
    #expect(found(wb, configuration: config) == [])
    let rank = try #require(config.policy.rank(ofTitleGrade: grade))
    guard rank > 0 else { return }
    config.policy.mentorMinimumGrade = config.policy.titleGrades[rank - 1]
    #expect(found(wb, configuration: config) == ["MEN-001@站长及专家!C4"])
  }

  @Test func aReportWhoseMentorIsAResearcherGradeSeniorEngineerIsAccepted() {
    var wb = SubmissionWorkbook.valid()
    wb.set("站长及专家", "C4", .text("研究员级高级工程师"))
    let entry = check(wb)
    #expect(entry.issues == [])
    #expect(entry.status == .accepted)
  }

  // MARK: - MEN-002

  @Test func aMentorOfAnotherEmployerPointsAtTheEmployerCell() {
    var wb = SubmissionWorkbook.valid()
    wb.set("站长及专家", "E4", .text("天津某某医疗器械有限公司"))
    #expect(found(wb) == ["MEN-002@站长及专家!E4"])
  }

  /// Units are compared after normalization: full-width brackets and spaces anywhere do not count.
  @Test func theHostUnitWrittenWithOtherBracketsAndSpacesMatches() {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B5", .text("（天津）某某生物医药有限公司"))
    wb.set("站长及专家", "E4", .text("(天津) 某某生物医药有限公司"))
    wb.set("站长及专家", "E5", .text(" （天津）某某生物医药\u{3000}有限公司 "))
    #expect(found(wb) == [])
  }

  /// Only 兼职导师 must work for the 设站单位: 李明 (培养单位站长) works for the university.
  @Test func anotherEmployerOfSomeoneWhoIsNoMentorIsNoIssue() {
    var wb = SubmissionWorkbook.valid()
    wb.set("站长及专家", "E2", .text("天津某某控股集团"))
    #expect(found(wb) == [])
  }

  @Test func noHostUnitMeansNothingToCompareWith() {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B5", .empty)
    #expect(found(wb) == ["CELL-001@工作站信息!B5"])
  }

  @Test func theMessageNamesBothUnits() throws {
    var wb = SubmissionWorkbook.valid()
    wb.set("站长及专家", "E4", .text("天津某某医疗器械有限公司"))
    let issue = try #require(check(wb).issues.first)
    #expect(issue.value == "天津某某医疗器械有限公司")
    #expect(issue.message.contains("陈高工") && issue.message.contains("天津某某生物医药有限公司"))
  }
}
