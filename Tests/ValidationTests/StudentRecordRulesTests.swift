import Model
import Testing
import XLSXTestSupport

/// DUP-001, SAF-001, INS-001: each a case that triggers it and a near miss that must not.
///
/// Rows of 进站研究生 in the baseline: 2 张三, 3 李四, 4 王五; A 学号, K 意外伤害保险, L 安全教育.
@Suite struct StudentRecordRulesTests {
  // MARK: - DUP-001

  /// A second row for 李四 (same 学号, same stay; his payment rows cover both) is flagged at its
  /// 学号 cell, and only there: the headcount still counts him once.
  @Test func aRepeated学号PointsAtTheRepeat() {
    var wb = SubmissionWorkbook.valid()
    wb.appendRow("进站研究生", wb.row("进站研究生", 3))
    #expect(found(wb) == ["DUP-001@进站研究生!A5"])
  }

  @Test func threeRowsOfOne学号GiveTwoIssues() {
    var wb = SubmissionWorkbook.valid()
    wb.appendRow("进站研究生", wb.row("进站研究生", 3))
    wb.appendRow("进站研究生", wb.row("进站研究生", 3))
    #expect(found(wb) == ["DUP-001@进站研究生!A5", "DUP-001@进站研究生!A6"])
  }

  /// The first listing is the legitimate one, wherever the repeat stands.
  @Test func theFirstRowIsKeptAndTheMessageNamesIt() throws {
    var wb = SubmissionWorkbook.valid()
    wb.appendRow("进站研究生", wb.row("进站研究生", 2))
    let entry = check(wb)
    #expect(found(wb) == ["DUP-001@进站研究生!A5"])
    let issue = try #require(entry.issues.first)
    #expect(issue.message.contains("2022120345") && issue.message.contains("第 2 行"))
    #expect(issue.value == "2022120345")
    #expect(entry.status == .rejected)
  }

  /// A 学号 stored as a number and the same 学号 typed as text are the same 学号.
  @Test func a学号StoredAsANumberRepeatsTheSameText() {
    var wb = SubmissionWorkbook.valid()
    let row = wb.appendRow("进站研究生", wb.row("进站研究生", 3))
    wb.set("进站研究生", "A\(row)", .number(2_023_110_021))
    #expect(found(wb) == ["DUP-001@进站研究生!A5"])
  }

  /// Two students of the same name with different 学号 are two students.
  @Test func theSameNameWithAnother学号IsNoRepeat() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "B4", .text("李四"))
    #expect(found(wb) == [])
  }

  // MARK: - SAF-001

  @Test(arguments: ["否", "N", "×", "no", "无"])
  func safetyTrainingNotGivenIsAFinding(_ answer: String) {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "L3", .text(answer))
    let entry = check(wb)
    #expect(found(wb) == ["SAF-001@进站研究生!L3"])
    #expect(entry.issues.first?.severity == .finding && entry.status == .accepted)
  }

  @Test(arguments: ["是", "Y", "√", "yes", "有"])
  func safetyTrainingGivenIsNoIssue(_ answer: String) {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "L3", .text(answer))
    #expect(found(wb) == [])
  }

  /// Text that is not a yes/no value is CELL-002 only; a blank is CELL-001 only (SPEC §5.1).
  @Test(arguments: [
    (SubmissionWorkbook.Value.text("未参加"), "CELL-002@进站研究生!L3"),
    (.text("待定"), "CELL-002@进站研究生!L3"),
    (.empty, "CELL-001@进站研究生!L3"),
  ])
  func safetyTrainingNotAYesNoIsOnlyTheCellIssue(
    _ value: SubmissionWorkbook.Value, _ expected: String
  ) {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "L3", value)
    #expect(found(wb) == [expected])
  }

  // MARK: - INS-001

  @Test(arguments: ["否", "N", "×"])
  func noAccidentInsuranceIsAWarning(_ answer: String) {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "K4", .text(answer))
    let entry = check(wb)
    #expect(found(wb) == ["INS-001@进站研究生!K4"])
    #expect(entry.issues.first?.severity == .warning)
    #expect(entry.status == .accepted)  // a warning does not block acceptance
  }

  @Test(arguments: [SubmissionWorkbook.Value.empty, .text("是"), .text("Y")])
  func blankOrInsuredIsNoIssue(_ value: SubmissionWorkbook.Value) {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "K4", value)
    #expect(found(wb) == [])
  }

  @Test func insuranceNotAYesNoIsOnlyCELL002() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "K4", .text("办理中"))
    #expect(found(wb) == ["CELL-002@进站研究生!K4"])
  }

  /// The three rules look at different cells of one row and do not hide each other.
  @Test func oneRowCanCarryAllThree() {
    var wb = SubmissionWorkbook.valid()
    let row = wb.appendRow("进站研究生", wb.row("进站研究生", 3))
    wb.set("进站研究生", "K\(row)", .text("否"))
    wb.set("进站研究生", "L\(row)", .text("否"))
    #expect(
      found(wb) == ["DUP-001@进站研究生!A5", "INS-001@进站研究生!K5", "SAF-001@进站研究生!L5"])
  }
}
