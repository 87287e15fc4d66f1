import Model
import Testing
import XLSXTestSupport

/// REF-003 and MEN-003: each a case that triggers it and a near miss that must not.
///
/// Baseline: 工作站信息 B12 设站单位站长 王建国, B13 培养单位站长 李明; 站长及专家 rows 2 王建国
/// 设站单位站长, 3 李明 培养单位站长, 4 陈高工 兼职导师, 5 周研究员 兼职导师、专家.
@Suite struct HeadRulesTests {
  // MARK: - REF-003

  @Test func aHostHeadNotListedPointsAtTheFormValueCell() {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B12", .text("王建军"))
    #expect(found(wb) == ["REF-003@工作站信息!B12"])
  }

  @Test func aCollegeHeadListedInAnotherRoleIsNotListedWithThatRole() throws {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B13", .text("王建国"))  // listed, but as 设站单位站长
    #expect(found(wb) == ["REF-003@工作站信息!B13"])
    let issue = try #require(check(wb).issues.first)
    #expect(issue.value == "王建国")
    #expect(issue.message.contains("培养单位站长") && issue.message.contains("设站单位站长"))
  }

  /// Names are compared after normalization: inner, full-width and no-break spaces do not count.
  @Test func headNamesWithSpacesMatch() {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "B12", .text("王 建国"))
    wb.set("站长及专家", "A3", .text("李\u{3000}明\u{00A0}"))
    #expect(found(wb) == [])
  }

  /// A head may hold other roles too, in any separator.
  @Test func aHeadWhoIsAlsoAMentorIsListed() {
    var wb = SubmissionWorkbook.valid()
    wb.set("站长及专家", "B2", .text("兼职导师；设站单位站长"))
    #expect(found(wb) == [])
  }

  // MARK: - MEN-003

  /// The first holder in row order is the legitimate one, even when 工作站信息 names the later.
  @Test func aSecondHostHeadIsFlaggedAtItsRolesCell() {
    var wb = SubmissionWorkbook.valid()
    wb.set("站长及专家", "B4", .text("兼职导师、设站单位站长"))
    #expect(found(wb) == ["MEN-003@站长及专家!B4"])
    wb.set("工作站信息", "B12", .text("陈高工"))
    #expect(found(wb) == ["MEN-003@站长及专家!B4"])
  }

  @Test func everyLaterHolderIsFlaggedOnceEach() throws {
    var wb = SubmissionWorkbook.valid()
    wb.set("站长及专家", "B4", .text("兼职导师、设站单位站长、培养单位站长"))  // two extra roles, one cell
    wb.appendRow("站长及专家", ["赵六", "培养单位站长", "教授", "", "天津医科大学", ""].map { .text($0) })
    #expect(found(wb) == ["MEN-003@站长及专家!B4", "MEN-003@站长及专家!B6"])
    let issue = try #require(check(wb).issues.first { $0.cell?.a1 == "B4" })
    #expect(issue.message.contains("设站单位站长、培养单位站长"))
    #expect(issue.message.contains("王建国") && issue.message.contains("李明"))
  }

  /// A role nobody holds is a sheet-level issue (no cell) on the 站长及专家 sheet as submitted.
  @Test func aMissingHeadIsASheetLevelIssue() throws {
    var wb = SubmissionWorkbook.valid()
    wb.removeRow("站长及专家", 3)  // 李明, the only 培养单位站长
    #expect(found(wb) == ["MEN-003@站长及专家", "REF-003@工作站信息!B13"])
    wb.renameSheet("站长及专家", to: "站长及专家（必填）")
    let issue = try #require(check(wb).issues.first { $0.rule == "MEN-003" })
    #expect(issue.sheet == "站长及专家（必填）")
    #expect(issue.cell == nil)
    #expect(issue.message.contains("培养单位站长"))
  }

  @Test func bothHeadsMissingAreTwoIssues() {
    var wb = SubmissionWorkbook.valid()
    wb.set("站长及专家", "B2", .text("专家"))
    wb.set("站长及专家", "B3", .text("专家"))
    #expect(
      found(wb) == [
        "MEN-003@站长及专家", "MEN-003@站长及专家", "REF-003@工作站信息!B12", "REF-003@工作站信息!B13",
      ])
  }

  /// A blank 角色 might be the missing head: only its CELL-001, no MEN-003 on top; the REF-003
  /// of a head listed in another role still stands.
  @Test func aBlankRolesCellLeavesAMissingHeadOpen() {
    var wb = SubmissionWorkbook.valid()
    wb.set("站长及专家", "B2", .text("专家"))
    wb.set("站长及专家", "B5", .empty)
    #expect(found(wb) == ["CELL-001@站长及专家!B5", "REF-003@工作站信息!B12"])
  }

  /// A missing 角色 column (STR-002) leaves nothing to compare: no issue on every row.
  @Test func aMissingRolesColumnSkipsTheRules() {
    var wb = SubmissionWorkbook.valid()
    wb.set("站长及专家", "B1", .text("备注"))
    #expect(found(wb) == ["STR-002@站长及专家", "STR-004@站长及专家!B1"])
  }

  @Test func aMissingPeopleSheetSkipsTheRules() {
    var wb = SubmissionWorkbook.valid()
    wb.removeSheet("站长及专家")
    #expect(found(wb) == ["STR-001@站长及专家"])
  }
}
