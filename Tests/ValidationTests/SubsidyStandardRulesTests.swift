import Model
import Testing
import XLSXTestSupport

/// SUB-001: a case that triggers it, near misses at the minimum, the exception, and the minimums
/// coming from the configuration.
///
/// Baseline rows of 进站研究生: 2 张三 博士 1500, 3 李四 硕士 800, 4 王五 硕士 800; C 培养层次,
/// I 月生活补助标准(元), J 导师在设站单位承担项目 (否 throughout). Default minimums: 博士 1000,
/// 硕士 500. Lowering a standard never trips SUB-002 (应发 1500/800 stay above it).
@Suite struct SubsidyStandardRulesTests {
  /// One fen below the level's minimum is SUB-001 at the 月生活补助标准 cell.
  @Test(arguments: [("I2", 999.99), ("I2", 500), ("I3", 499.99), ("I4", 0)])
  func aStandardBelowTheMinimumIsAnError(_ cell: String, _ standard: Double) {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", cell, .number(standard))
    #expect(found(wb) == ["SUB-001@进站研究生!\(cell)"])
  }

  /// Exactly the minimum is enough.
  @Test(arguments: [("I2", 1000.0), ("I3", 500), ("I4", 500.01)])
  func theMinimumItselfIsNoIssue(_ cell: String, _ standard: Double) {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", cell, .number(standard))
    #expect(found(wb) == [])
  }

  /// The message names the standard, the level and its minimum.
  @Test func theMessageNamesTheLevelAndTheMinimum() throws {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "I3", .text("450元"))
    let issue = try #require(check(wb).issues.first)
    #expect(issue.rule == "SUB-001")
    #expect(issue.value == "450元")
    for part in ["450", "硕士", "500"] { #expect(issue.message.contains(part)) }
  }

  /// 导师在设站单位承担项目 = 是 lifts the minimum; 否 and blank (= 否) do not.
  @Test(arguments: [
    (SubmissionWorkbook.Value.text("是"), [String]()),
    (.text("Y"), []),
    (.text("否"), ["SUB-001@进站研究生!I3"]),
    (.empty, ["SUB-001@进站研究生!I3"]),
  ])
  func theSupervisorProjectException(_ project: SubmissionWorkbook.Value, _ expected: [String]) {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "I3", .number(300))
    wb.set("进站研究生", "J3", project)
    #expect(found(wb) == expected)
  }

  /// The minimums are policy numbers from pipeline.json: raising the 硕士 minimum to 900 puts
  /// both 硕士 at 800 below it; lowering the 博士 minimum to 900 clears a 博士 at 900.
  @Test func theMinimumsComeFromTheConfiguration() {
    let wb = SubmissionWorkbook.valid()
    var config = Configuration()
    #expect(found(wb, configuration: config) == [])
    config.policy.minimumMonthlySubsidy["硕士"] = 900
    #expect(found(wb, configuration: config) == ["SUB-001@进站研究生!I3", "SUB-001@进站研究生!I4"])

    var doctor = SubmissionWorkbook.valid()
    doctor.set("进站研究生", "I2", .number(900))
    config = Configuration()
    #expect(found(doctor, configuration: config) == ["SUB-001@进站研究生!I2"])
    config.policy.minimumMonthlySubsidy["博士"] = 900
    #expect(found(doctor, configuration: config) == [])
  }

  /// A level with no minimum in the configuration has none.
  @Test func aLevelWithoutAMinimumIsNotChecked() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "I3", .number(100))
    var config = Configuration()
    config.policy.minimumMonthlySubsidy["硕士"] = nil
    #expect(found(wb, configuration: config) == [])
  }

  /// A refused cell the rule needs is its own issue only: the standard, the level, or the
  /// exception (whether the minimum applies is then unknown).
  @Test(arguments: [
    ("I3", SubmissionWorkbook.Value.text("八百"), "CELL-002@进站研究生!I3"),
    ("C3", .text("本科"), "CELL-003@进站研究生!C3"),
    ("J3", .text("不确定"), "CELL-002@进站研究生!J3"),
  ])
  func aRefusedCellSkipsTheRule(
    _ cell: String, _ value: SubmissionWorkbook.Value, _ expected: String
  ) {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "I3", .number(300))
    wb.set("进站研究生", "I4", .number(300))  // 王五 is still checked: one bad cell hides nothing else
    wb.set("进站研究生", cell, value)
    #expect(found(wb) == [expected, "SUB-001@进站研究生!I4"].sorted())
  }

  /// An alias of the level maps to its minimum.
  @Test func aLevelAliasUsesItsLevelsMinimum() {
    var wb = SubmissionWorkbook.valid()
    wb.set("进站研究生", "C3", .text("专硕"))
    wb.set("进站研究生", "I3", .number(499))
    #expect(found(wb) == ["SUB-001@进站研究生!I3"])
  }
}
