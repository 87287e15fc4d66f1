import Model
import Testing
import XLSXTestSupport

/// Money units through the whole check (SPEC §8, issue 11): read → normalize → validate, the
/// stages `pipeline check` runs. 工作站信息 of the baseline: A15 年度运行经费(元) 200000, A16
/// 生活补助发放总额(元) 26200 (the sum of every 实发金额).
@Suite struct MoneyUnitCheckTests {
  @Test func a万元FormLabelIsAcceptedAndHolds元() throws {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "A15", .text("年度运行经费（万元）"))
    wb.set("工作站信息", "B15", .number(20))
    // The normalized submission judged (the one `pipeline run` stores when accepted).
    let entry = check(wb)
    #expect(entry.issues == [])
    #expect(entry.status == .accepted)
    let station = try #require(entry.submission?.station)
    #expect(station.money("total_funding") == Money(yuan: 200_000))
    #expect(station.field("total_funding")?.cell.a1 == "B15")
  }

  /// SUB-006 compares 生活补助发放总额, scaled to 元, with the sum of 实发金额 to the fen.
  @Test(arguments: [
    ("生活补助发放总额（万元）", SubmissionWorkbook.Value.number(2.62), [String]()),
    ("生活补助发放总额（万元）", .text("2.62"), []),
    ("生活补助发放总额(千元)", .number(26.2), []),
    ("生活补助发放总额(元)", .text("2.62万元"), []),
    ("生活补助发放总额(元)", .text("2.62万"), []),
    ("生活补助发放总额（万元）", .text("26200元"), []),  // the value's unit wins
    ("生活补助发放总额（万元）", .number(2.6201), ["SUB-006@工作站信息!B16"]),  // 1 元 more
    ("生活补助发放总额（万元）", .number(2.619999), ["SUB-006@工作站信息!B16"]),  // 1 分 less
    ("生活补助发放总额（万元）", .number(26_200), ["SUB-006@工作站信息!B16"]),  // 元 under 万元
    ("生活补助发放总额（万元）", .number(2.6200001), ["CELL-002@工作站信息!B16"]),
    ("生活补助发放总额（美元）", .number(26_200), ["STR-002@工作站信息", "STR-004@工作站信息!A16"]),
  ])
  func theSubsidyTotalIn万元(
    _ label: String, _ value: SubmissionWorkbook.Value, _ expected: [String]
  ) {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "A16", .text(label))
    wb.set("工作站信息", "B16", value)
    #expect(found(wb) == expected)
  }

  /// The payments in 万元 too: the sum of 实发金额 is taken in 元, after scaling each.
  @Test func paymentsAndTheirTotalIn万元() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "D1", .text("应发金额（万元）"))
    wb.set("补助发放", "E1", .text("实发金额（万元）"))
    for row in 2...25 {
      let amount = row <= 11 ? 0.15 : 0.08
      wb.set("补助发放", "D\(row)", .number(amount))
      wb.set("补助发放", "E\(row)", .number(amount))
    }
    wb.set("工作站信息", "A16", .text("生活补助发放总额（万元）"))
    wb.set("工作站信息", "B16", .number(2.62))
    #expect(found(wb) == [])
    wb.set("补助发放", "E25", .number(0.0799))  // 799 元: paid 1 元 short
    #expect(found(wb) == ["SUB-003@补助发放!E25", "SUB-006@工作站信息!B16"])
  }
}
