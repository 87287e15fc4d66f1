import Model
import Testing
import XLSXTestSupport

@testable import Normalization

// SPEC §8 "Money units" (issue 11): 万元 and 千元 in a header's or form label's brackets or in the
// value itself scale the amount; the record holds 元, exact to the fen; a money header in any
// other unit is never read as 元.

/// The money unit a header names, as the normalizer reads it; nil when it names one that is not.
private func unit(ofHeader header: String) -> MoneyUnit? {
  MoneyUnit(headerUnits: TextCleaning.keyAndUnits(header).units)
}

/// Parses `cell` as 年度运行经费 under a header (or form label) written `header`.
private func amount(_ cell: CellValue, under header: String) -> Result<FieldValue, CellProblem> {
  let f = field("station", "total_funding")
  let parser = ValueParser(date1904: false)
  return parser.parse(cell, as: f, label: ValueParser.label(f), unit: unit(ofHeader: header)!)
}

private func fen(_ fen: Int64) -> FieldValue { .money(Money(fen: fen)) }
private func yuan(_ yuan: Int64) -> FieldValue { .money(Money(fen: yuan * 100)) }

@Suite struct MoneyUnitValueTests {
  @Test(arguments: [
    ("年度运行经费(元)", MoneyUnit.yuan),
    ("年度运行经费", .yuan),
    ("年度运行经费（元）", .yuan),
    ("年度运行经费（万元）", .tenThousand),
    ("年度运行经费(万元)", .tenThousand),
    ("年度运行经费 （ 万元 ）", .tenThousand),
    ("年度运行经费（万元）*", .tenThousand),
    ("*年度运行经费（万元）（必填）", .tenThousand),
    ("年度运行经费（单位：万元）", .tenThousand),
    ("年度运行经费(千元)", .thousand),
    ("年度运行经费（万元）：", .tenThousand),
    ("年度运行经费()", .yuan),
    // A per-period or per-person part keeps the unit: (元/月) is 元, (万元/月) is 万元.
    ("月生活补助标准（元/月）", .yuan),
    ("月生活补助标准(元/人/月)", .yuan),
    ("月生活补助标准（万元/月）", .tenThousand),
    ("年度运行经费（千元／年）", .thousand),
  ])
  func aMoneyHeaderNamesItsUnit(_ header: String, _ expected: MoneyUnit) {
    #expect(unit(ofHeader: header) == expected)
  }

  /// Not 元, 千元 or 万元: another currency, a bare 万, two units that disagree, a unit per
  /// something other than a period or a person.
  @Test(arguments: [
    "年度运行经费（美元）", "年度运行经费(万美元)", "年度运行经费(USD)", "年度运行经费（万）",
    "年度运行经费(元)(万元)", "年度运行经费（欧元）", "年度运行经费（万元/项）", "年度运行经费（亿元）",
  ])
  func anotherUnitIsNoMoneyUnit(_ header: String) {
    #expect(unit(ofHeader: header) == nil)
  }

  @Test(arguments: [
    // 万元, 千元 in the value (under the template's 元 header).
    (CellValue.text("5万元"), "年度运行经费(元)", yuan(50_000)),
    (.text("5万"), "年度运行经费(元)", yuan(50_000)),
    (.text("1.2万"), "年度运行经费(元)", yuan(12_000)),
    (.text("1.2万元"), "年度运行经费(元)", yuan(12_000)),
    (.text("¥1.2万"), "年度运行经费(元)", yuan(12_000)),
    (.text("3千元"), "年度运行经费(元)", yuan(3_000)),
    (.text("3千"), "年度运行经费(元)", yuan(3_000)),
    (.text(" 5 万 元 "), "年度运行经费(元)", yuan(50_000)),
    (.text("５万元"), "年度运行经费(元)", yuan(50_000)),
    (.text("1,200万元"), "年度运行经费(元)", yuan(12_000_000)),
    (.text("RMB20万"), "年度运行经费(元)", yuan(200_000)),
    // Exact to the fen: the point moves on the digits.
    (.text("1.2345万"), "年度运行经费(元)", yuan(12_345)),
    (.text("0.00001万"), "年度运行经费(元)", fen(10)),
    (.text("1.234567万"), "年度运行经费(元)", fen(1_234_567)),
    (.text("1.2345670万"), "年度运行经费(元)", fen(1_234_567)),  // a trailing zero is no digit
    (.text("0.001千元"), "年度运行经费(元)", fen(100)),
    // A number cell or plain text under a 万元 / 千元 header.
    (.number(20), "年度运行经费（万元）", yuan(200_000)),
    (.text("20"), "年度运行经费（万元）", yuan(200_000)),
    (.number(1.23), "年度运行经费（万元）", yuan(12_300)),
    (.number(1.2345), "年度运行经费（万元）", yuan(12_345)),
    (.number(1.234567), "年度运行经费（万元）", fen(1_234_567)),
    (.number(0.00001), "年度运行经费（万元）", fen(10)),
    (.number(2.62), "年度运行经费（万元）", yuan(26_200)),
    (.number(0.1 + 0.2), "年度运行经费（万元）", yuan(3_000)),  // a formula's binary noise
    (.number(0), "年度运行经费（万元）", yuan(0)),
    (.number(26.2), "年度运行经费(千元)", yuan(26_200)),
    (.text("1,500.5"), "年度运行经费(千元)", yuan(1_500_500)),
    (.number(1.5), "月生活补助标准（万元/月）", yuan(15_000)),
    // The unit written in the value wins over the header's.
    (.text("0.15万元"), "月生活补助标准（元/月）", yuan(1_500)),
    (.text("500元"), "年度运行经费（万元）", yuan(500)),
    (.text("5万元"), "年度运行经费(千元)", yuan(50_000)),
    (.text("3千元"), "年度运行经费（万元）", yuan(3_000)),
    (.text("¥500"), "年度运行经费（万元）", yuan(5_000_000)),  // ¥ is the currency, not a unit
  ])
  func anAmountIsScaledTo元(_ cell: CellValue, _ header: String, _ expected: FieldValue) {
    #expect(amount(cell, under: header) == .success(expected))
  }

  @Test(arguments: [
    // Not a whole number of fen once scaled.
    (CellValue.text("1.2345678万"), "年度运行经费(元)", "CELL-002"),
    (.text("0.0000001万"), "年度运行经费(元)", "CELL-002"),
    (.text("1.234567千元"), "年度运行经费(元)", "CELL-002"),
    (.number(1.2345678), "年度运行经费（万元）", "CELL-002"),
    (.text("1.2345678"), "年度运行经费（万元）", "CELL-002"),
    (.number(20.0000001), "年度运行经费（万元）", "CELL-002"),
    // Not a money unit, or no amount.
    (.text("5美元"), "年度运行经费(元)", "CELL-002"),
    (.text("5万美元"), "年度运行经费(元)", "CELL-002"),
    (.text("5美元"), "年度运行经费（万元）", "CELL-002"),
    (.text("万元"), "年度运行经费(元)", "CELL-002"),
    (.text("5万万"), "年度运行经费(元)", "CELL-002"),
    (.text("5万5千"), "年度运行经费(元)", "CELL-002"),
    (.text("五万元"), "年度运行经费(元)", "CELL-002"),
    (.text("1e3万"), "年度运行经费(元)", "CELL-002"),
    (.text("100000000万"), "年度运行经费(元)", "CELL-002"),  // 10^12 元: past any real amount
    (.number(1e8), "年度运行经费（万元）", "CELL-002"),
    // Negative, scaled or not.
    (.text("-5万"), "年度运行经费(元)", "CELL-005"),
    (.number(-2), "年度运行经费（万元）", "CELL-005"),
  ])
  func anAmountIsRefused(_ cell: CellValue, _ header: String, _ rule: String) {
    guard case .failure(let problem) = amount(cell, under: header) else {
      Testing.Issue.record("\(cell) under \(header) was accepted")
      return
    }
    #expect(problem.rule == rule)
  }

  /// The message says the amount is not a whole number of fen, and what it came to in 元.
  @Test(arguments: [
    (CellValue.text("1.2345678万"), "年度运行经费(元)", "12345.678"),
    (.number(1.2345678), "年度运行经费（万元）", "12345.678"),
    (.text("0.0000001万"), "年度运行经费(元)", "0.001"),
    (.text("1.234567千元"), "年度运行经费(元)", "1234.567"),
  ])
  func aFractionOfAFenSaysSo(_ cell: CellValue, _ header: String, _ shown: String) {
    guard case .failure(let problem) = amount(cell, under: header) else {
      Testing.Issue.record("\(cell) was accepted")
      return
    }
    #expect(problem.message.contains("不是整分"))
    #expect(problem.message.contains("折合 \(shown) 元"))
  }

  /// A number cell's value is its shortest decimal, rounded to Excel's 15 significant digits.
  @Test(arguments: [
    (1.23, "1.23"), (20, "20"), (0.00001, "0.00001"), (0.1 + 0.2, "0.3"), (2.62, "2.62"),
    (1_234_567.891, "1234567.891"), (1e16, "10000000000000000"), (-0.5, "-0.5"), (0, "0"),
    (0.999_999_999_999_999_9, "1"),
  ])
  func aDoubleReadsAsItsDecimal(_ value: Double, _ text: String) {
    #expect(DecimalNumber(value)?.description == text)
  }
}

// MARK: - Units in a workbook

/// A money unit written in a header, a form label or a value, with amounts that come to the
/// baseline's: the workbook must read exactly like the baseline, with no issue.
enum UnitVariant: String, CaseIterable, CustomTestStringConvertible {
  case formLabelIn万元, formLabelIn千元, formLabelWithUnitPrefix, formValueIn万元, formValueIn万
  case formValueIn千元, formValueWinsOverLabel, formValueIn元UnderA万元Label, subsidyTotalIn万元
  case tableHeaderIn万元, tableHeaderIn千元, tableHeaderIn万元PerMonth, tableValueWinsOverHeader
  case textAmountsUnderA万元Header

  var testDescription: String { rawValue }

  func apply(to wb: inout SubmissionWorkbook) {
    switch self {
    case .formLabelIn万元:
      wb.set("工作站信息", "A15", .text("年度运行经费（万元）"))
      wb.set("工作站信息", "B15", .number(20))
    case .formLabelIn千元:
      wb.set("工作站信息", "A15", .text("年度运行经费(千元)"))
      wb.set("工作站信息", "B15", .number(200))
    case .formLabelWithUnitPrefix:
      wb.set("工作站信息", "A15", .text("年度运行经费（单位：万元）"))
      wb.set("工作站信息", "B15", .number(20))
    case .formValueIn万元:
      wb.set("工作站信息", "B15", .text("20万元"))
    case .formValueIn万:
      wb.set("工作站信息", "B15", .text("20万"))
    case .formValueIn千元:
      wb.set("工作站信息", "B15", .text("200千元"))
    case .formValueWinsOverLabel:
      wb.set("工作站信息", "A15", .text("年度运行经费(千元)"))
      wb.set("工作站信息", "B15", .text("20万元"))
    case .formValueIn元UnderA万元Label:
      wb.set("工作站信息", "A15", .text("年度运行经费（万元）"))
      wb.set("工作站信息", "B15", .text("200000元"))
    case .subsidyTotalIn万元:
      wb.set("工作站信息", "A16", .text("生活补助发放总额（万元）"))
      wb.set("工作站信息", "B16", .number(2.62))
    case .tableHeaderIn万元:
      wb.set("进站研究生", "I1", .text("月生活补助标准（万元）"))
      for (cell, v) in [("I2", 0.15), ("I3", 0.08), ("I4", 0.08)] {
        wb.set("进站研究生", cell, .number(v))
      }
    case .tableHeaderIn千元:
      wb.set("补助发放", "D1", .text("应发金额（千元）"))
      for row in 2...25 { wb.set("补助发放", "D\(row)", .number(row <= 11 ? 1.5 : 0.8)) }
    case .tableHeaderIn万元PerMonth:
      wb.set("进站研究生", "I1", .text("月生活补助标准(万元/月)"))
      for (cell, v) in [("I2", 0.15), ("I3", 0.08), ("I4", 0.08)] {
        wb.set("进站研究生", cell, .number(v))
      }
    case .tableValueWinsOverHeader:
      wb.set("进站研究生", "I1", .text("月生活补助标准（万元）"))
      wb.set("进站研究生", "I2", .text("1500元"))
      wb.set("进站研究生", "I3", .text("0.8千元"))
      wb.set("进站研究生", "I4", .number(0.08))
    case .textAmountsUnderA万元Header:
      wb.set("补助发放", "E1", .text("实发金额(万元)"))
      for row in 2...25 { wb.set("补助发放", "E\(row)", .text(row <= 11 ? "0.15" : "¥0.08")) }
    }
  }
}

/// A money unit that cannot be read, or an amount that does not come to whole fen: the issues it
/// must cause.
enum UnitProblem: String, CaseIterable, CustomTestStringConvertible {
  case formValueNotWholeFen, formNumberNotWholeFenUnderA万元Label, tableNumberNotWholeFen
  case formLabelInDollars, formLabelInUSD, tableHeaderIn万美元, tableHeaderInBare万
  case tableHeaderInTwoUnits, valueInDollars, tableValueInDollars
  case anotherColumnSuppliesTheField, anotherLabelSuppliesTheField

  var testDescription: String { rawValue }

  func apply(to wb: inout SubmissionWorkbook) {
    switch self {
    case .formValueNotWholeFen:
      wb.set("工作站信息", "B15", .text("1.2345678万"))
    case .formNumberNotWholeFenUnderA万元Label:
      wb.set("工作站信息", "A15", .text("年度运行经费（万元）"))
      wb.set("工作站信息", "B15", .number(20.000_000_1))
    case .tableNumberNotWholeFen:
      wb.set("进站研究生", "I1", .text("月生活补助标准（万元）"))
      for (cell, v) in [("I2", 0.123_456_7), ("I3", 0.08), ("I4", 0.08)] {
        wb.set("进站研究生", cell, .number(v))
      }
    case .formLabelInDollars:
      wb.set("工作站信息", "A15", .text("年度运行经费（美元）"))
    case .formLabelInUSD:
      wb.set("工作站信息", "A16", .text("生活补助发放总额(USD)"))
    case .tableHeaderIn万美元:
      wb.set("进站研究生", "I1", .text("月生活补助标准(万美元)"))
    case .tableHeaderInBare万:
      wb.set("补助发放", "E1", .text("实发金额（万）"))
    case .tableHeaderInTwoUnits:
      wb.set("补助发放", "D1", .text("应发金额(元)(万元)"))
    case .valueInDollars:
      wb.set("工作站信息", "B15", .text("28000美元"))
    case .tableValueInDollars:
      wb.set("进站研究生", "I2", .text("1500美元"))
    case .anotherColumnSuppliesTheField:
      wb.insertColumn("补助发放", at: 0) { $0 == 1 ? .text("实发金额(美元)") : .number(200) }
    case .anotherLabelSuppliesTheField:
      wb.appendRow("工作站信息", [.text("年度运行经费（美元）"), .number(28_000)])
    }
  }

  var issues: [String] {
    switch self {
    case .formValueNotWholeFen, .formNumberNotWholeFenUnderA万元Label, .valueInDollars:
      ["CELL-002@工作站信息!B15"]
    case .tableNumberNotWholeFen, .tableValueInDollars: ["CELL-002@进站研究生!I2"]
    case .formLabelInDollars: ["STR-002@工作站信息", "STR-004@工作站信息!A15"]
    case .formLabelInUSD: ["STR-002@工作站信息", "STR-004@工作站信息!A16"]
    case .tableHeaderIn万美元: ["STR-002@进站研究生", "STR-004@进站研究生!I1"]
    case .tableHeaderInBare万: ["STR-002@补助发放", "STR-004@补助发放!E1"]
    case .tableHeaderInTwoUnits: ["STR-002@补助发放", "STR-004@补助发放!D1"]
    case .anotherColumnSuppliesTheField: ["STR-004@补助发放!A1"]
    case .anotherLabelSuppliesTheField: ["STR-004@工作站信息!A19"]
    }
  }

  /// The field whose value is not read: refused (a value) or absent (a header in another unit).
  var field: (table: String?, key: String)? {
    switch self {
    case .formValueNotWholeFen, .formNumberNotWholeFenUnderA万元Label, .formLabelInDollars,
      .valueInDollars:
      (nil, "total_funding")
    case .formLabelInUSD: (nil, "subsidy_total")
    case .tableNumberNotWholeFen, .tableHeaderIn万美元, .tableValueInDollars:
      ("students", "monthly_standard")
    case .tableHeaderInBare万: ("payments", "paid")
    case .tableHeaderInTwoUnits: ("payments", "due")
    case .anotherColumnSuppliesTheField, .anotherLabelSuppliesTheField: nil
    }
  }
}

@Suite struct MoneyUnitWorkbookTests {
  @Test(arguments: UnitVariant.allCases)
  func aUnitReadsLikeTheBaselineIn元(_ variant: UnitVariant) throws {
    var wb = SubmissionWorkbook.valid()
    variant.apply(to: &wb)
    let (issues, snapshot, _) = try normalized(wb)
    #expect(issues == [])
    #expect(snapshot.differences(from: HeaderMatchingTests.baseline) == [])
  }

  @Test(arguments: UnitProblem.allCases)
  func aUnitProblemIsTheIssueAtItsCell(_ problem: UnitProblem) throws {
    var wb = SubmissionWorkbook.valid()
    problem.apply(to: &wb)
    let (issues, snapshot, raw) = try normalized(wb)
    #expect(issues == problem.issues)
    guard let (table, key) = problem.field else {
      // The field's own column or label still supplies it: nothing else changes.
      #expect(snapshot.differences(from: HeaderMatchingTests.baseline) == [])
      return
    }
    // Never silently read as 元: the value is refused, or its column is not the field's.
    let value: FieldValue?? =
      table.map { snapshot.tables[$0]?.first?[key] } ?? snapshot.station[key]
    #expect(value == nil || value == .some(nil), "\(key) was read: \(String(describing: value))")
    if let unknown = raw.first(where: { $0.rule == "STR-004" }) {
      #expect(unknown.message.contains("元、千元 或 万元"))
      #expect(unknown.severity == .warning)
    }
  }

  /// Non-money fields keep ignoring a bracketed unit, whatever it is.
  @Test(arguments: ["进站研究生人数(人)", "进站研究生人数（名）", "进站研究生人数(万元)"])
  func aNonMoneyLabelIgnoresItsUnit(_ label: String) throws {
    var wb = SubmissionWorkbook.valid()
    wb.set("工作站信息", "A14", .text(label))
    let (issues, snapshot, _) = try normalized(wb)
    #expect(issues == [])
    #expect(snapshot.differences(from: HeaderMatchingTests.baseline) == [])
  }
}
