import Model
import Testing

@testable import Normalization

// SPEC §4 as case tables: every form a value may take in a real submission, with the exact value
// it normalizes to, and every form that must be refused, with its rule.

/// A field of the standard template.
func field(_ sheet: String, _ key: String) -> FieldSpec {
  Template.standard.sheet(sheet)!.field(key)!
}

/// Parses one cell as a field, as the normalizer does.
func parse(_ value: CellValue, _ field: FieldSpec, date1904: Bool = false) -> Result<
  FieldValue, CellProblem
> {
  let parser = ValueParser(date1904: date1904)
  return parser.parse(value, as: field)
}

/// The rule a refused value gets; nil when the value is accepted.
func refusal(_ value: CellValue, _ field: FieldSpec) -> String? {
  if case .failure(let problem) = parse(value, field) { return problem.rule }
  return nil
}

private func day(_ y: Int, _ m: Int, _ d: Int) -> FieldValue {
  .date(Day(year: y, month: m, day: d)!)
}
private func yuan(_ fen: Int64) -> FieldValue { .money(Money(fen: fen * 100)) }

/// 1900-system serial of 2023-07-01 (Excel's own figure) and the same day in the 1904 system.
private let serial1900 = 45_108.0
private let serial1904 = 45_108.0 - 1_462

@Suite struct AcceptedValueTests {
  // MARK: - Text and names

  @Test(arguments: [
    (CellValue.text("天津某某生物医药研究生工作站"), "天津某某生物医药研究生工作站"),
    (.text("  天津某某工作站 "), "天津某某工作站"),
    (.text("\u{3000}天津某某工作站\u{3000}"), "天津某某工作站"),
    (.text("\u{00A0}天津某某工作站\u{00A0}\t"), "天津某某工作站"),
    (.text("ＴＪＭＵ产教融合工作站２０２２"), "TJMU产教融合工作站2022"),
    (.text("（天津）某某有限公司"), "(天津)某某有限公司"),
    (.text("天津 某某 工作站"), "天津 某某 工作站"),  // free text keeps its inner spaces
    (.number(2_212_345_678), "2212345678"),  // a number in a text field reads as its digits
  ])
  func text(_ cell: CellValue, _ expected: String) {
    #expect(parse(cell, field("station", "station_name")) == .success(.text(expected)))
  }

  @Test(arguments: [
    (CellValue.text("张三"), "张三"),
    (.text("张 三"), "张三"),
    (.text("张\u{3000}三"), "张三"),
    (.text("\u{3000}张三\u{00A0}"), "张三"),
    (.text(" 欧阳 小 明 "), "欧阳小明"),
    (.text("Ｌｉ Ｍｉｎｇ"), "LiMing"),
  ])
  func personName(_ cell: CellValue, _ expected: String) {
    #expect(parse(cell, field("students", "name")) == .success(.text(expected)))
  }

  // MARK: - Numbers and money

  @Test(arguments: [
    (CellValue.text("1000"), yuan(1000)),
    (.text("1,000"), yuan(1000)),
    (.text("1000.00"), yuan(1000)),
    (.text("1000元"), yuan(1000)),
    (.text("¥1000"), yuan(1000)),
    (.text("￥1000"), yuan(1000)),  // the full-width yen sign
    (.text("１０００"), yuan(1000)),
    (.text("１，０００．００元"), yuan(1000)),
    (.text(" ¥ 1,000.00 元 "), yuan(1000)),
    (.text("1,000.5"), .money(Money(fen: 100_050))),
    (.text("1000.05"), .money(Money(fen: 100_005))),
    (.text("0"), .money(.zero)),
    (.number(1000), yuan(1000)),
    (.number(1000.5), .money(Money(fen: 100_050))),
    (.number(26_200.1), .money(Money(fen: 2_620_010))),  // binary fractions are rounded to the fen
    (.number(0), .money(.zero)),
  ])
  func money(_ cell: CellValue, _ expected: FieldValue) {
    #expect(parse(cell, field("students", "monthly_standard")) == .success(expected))
  }

  @Test(arguments: [
    (CellValue.number(3), 3), (.text("3"), 3), (.text("3人"), 3), (.text("３"), 3), (.number(0), 0),
    (.text("3.0"), 3), (.text(" 12 名 "), 12),
  ])
  func integer(_ cell: CellValue, _ expected: Int) {
    #expect(parse(cell, field("station", "reported_headcount")) == .success(.integer(expected)))
  }

  // MARK: - Dates and months

  @Test(arguments: [
    (CellValue.date(serial: serial1900), false),
    (.date(serial: serial1904), true),
    (.date(serial: serial1900 + 0.75), false),  // a date with a time of day
    (.number(serial1900), false),  // a date column that lost its format
    (.text("2023-07-01"), false),
    (.text("2023/7/1"), false),
    (.text("2023.7.1"), false),
    (.text("2023年7月1日"), false),
    (.text("20230701"), false),
    (.number(20_230_701), false),
    (.text("2023-7-1"), false),
    (.text("2023/07/01"), false),
    (.text("2023年07月01日"), false),
    (.text("２０２３－０７－０１"), false),
    (.text(" 2023-07-01 "), false),
    (.text("2023-07-01 00:00:00"), false),
    (.text("2023/7/1 0:00"), false),
  ])
  func dateIsTheFirstOfJuly2023(_ cell: CellValue, date1904: Bool) {
    #expect(
      parse(cell, field("students", "entered_on"), date1904: date1904) == .success(day(2023, 7, 1)))
  }

  /// The same serial is a different day in the other date system.
  @Test func theDateSystemDecidesWhatASerialMeans() {
    let f = field("students", "entered_on")
    #expect(parse(.date(serial: serial1900), f, date1904: true) == .success(day(2027, 7, 2)))
    #expect(parse(.date(serial: serial1904), f, date1904: false) == .success(day(2019, 6, 30)))
  }

  @Test(arguments: [
    (CellValue.text("2023-07"), 7),
    (.text("2023/07"), 7),
    (.text("2023.7"), 7),
    (.text("2023年7月"), 7),
    (.text("2023年7月份"), 7),
    (.text("202307"), 7),
    (.text("2023-7"), 7),
    (.text("2023年07月"), 7),
    (.text("２０２３－０７"), 7),
    (.text("2023.10"), 10),  // as text, 10 stays 10
    (.text("2023-07-25"), 7),  // a whole date names its month
    (.date(serial: serial1900 + 24), 7),  // a date cell: 2023-07-25
    (.number(202_307), 7),
    (.number(2023.7), 7),  // 2023.7 typed into a number cell
    (.number(2023.07), 7),
    (.number(2023.12), 12),
    (.number(2023.11), 11),
  ])
  func month(_ cell: CellValue, _ month: Int) {
    #expect(
      parse(cell, field("payments", "month")) == .success(.month(Month(year: 2023, month: month))))
  }

  @Test func aMonthFromA1904DateCell() {
    #expect(
      parse(.date(serial: serial1904), field("payments", "month"), date1904: true)
        == .success(.month(Month(year: 2023, month: 7))))
  }

  // MARK: - Yes/no

  @Test(arguments: [
    (CellValue.text("是"), true), (.text("否"), false),
    (.text("Y"), true), (.text("N"), false), (.text("y"), true), (.text("n"), false),
    (.text("yes"), true), (.text("no"), false), (.text("YES"), true), (.text("No"), false),
    (.text("true"), true), (.text("false"), false), (.text("TRUE"), true), (.text("False"), false),
    (.text("√"), true), (.text("×"), false),
    (.text("有"), true), (.text("无"), false),
    (.text("1"), true), (.text("0"), false),
    (.number(1), true), (.number(0), false),
    (.bool(true), true), (.bool(false), false),
    (.text(" 是\u{3000}"), true), (.text("Ｙ"), true),
  ])
  func yesNo(_ cell: CellValue, _ expected: Bool) {
    #expect(parse(cell, field("students", "safety_training")) == .success(.bool(expected)))
  }

  // MARK: - Codes

  @Test(arguments: [
    (CellValue.number(2_022_120_345), "2022120345"),
    (.text("2022120345"), "2022120345"),
    (.text(" 2022120345\u{3000}"), "2022120345"),
    (.text("２０２２１２０３４５"), "2022120345"),
    (.number(20_221_203), "20221203"),  // 8 digits: the shortest 学号
  ])
  func studentID(_ cell: CellValue, _ expected: String) {
    #expect(parse(cell, field("students", "student_id")) == .success(.text(expected)))
  }

  @Test(arguments: [
    (CellValue.text("TJMU-2022-015"), "TJMU-2022-015"),
    (.text("ＴＪＭＵ－２０２２－０１５"), "TJMU-2022-015"),
    (.number(2_022_015), "2022015"),
  ])
  func stationID(_ cell: CellValue, _ expected: String) {
    #expect(parse(cell, field("station", "station_id")) == .success(.text(expected)))
  }

  @Test(arguments: [
    (CellValue.text("2022120345、2023110021"), ["2022120345", "2023110021"]),
    (.text("2022120345,2023110021"), ["2022120345", "2023110021"]),
    (.text("2022120345，2023110021"), ["2022120345", "2023110021"]),
    (.text("2022120345;2023110021；2023110088"), ["2022120345", "2023110021", "2023110088"]),
    (.text("2022120345/2023110021"), ["2022120345", "2023110021"]),
    (.text("2022120345 2023110021"), ["2022120345", "2023110021"]),
    (.text("2022120345\u{3000}2023110021"), ["2022120345", "2023110021"]),
    (.text("2022120345、2022120345"), ["2022120345"]),  // a repeat counts once
    (.number(2_022_120_345), ["2022120345"]),
  ])
  func studentIDList(_ cell: CellValue, _ expected: [String]) {
    #expect(parse(cell, field("outcomes", "students")) == .success(.list(expected)))
  }

  // MARK: - Choices

  @Test(arguments: [
    ("students", "level", "博士", "博士"), ("students", "level", "博士研究生", "博士"),
    ("students", "level", "博士生", "博士"), ("students", "level", "PhD", "博士"),
    ("students", "level", "phd", "博士"), ("students", "level", "硕士", "硕士"),
    ("students", "level", "硕士研究生", "硕士"), ("students", "level", "专硕", "硕士"),
    ("students", "level", "学硕", "硕士"), ("students", "level", " 硕 士 ", "硕士"),
    ("station", "host_type", "企业", "企业"), ("station", "host_type", "国有企业", "企业"),
    ("station", "host_type", "民营企业", "企业"), ("station", "host_type", "公司", "企业"),
    ("station", "host_type", "医院", "事业单位"), ("station", "host_type", "研究所", "事业单位"),
    ("station", "platform", "重点实验室", "重点实验室"), ("station", "platform", "无", "无"),
    ("people", "title", "教授", "正高级"), ("people", "title", "研究员", "正高级"),
    ("people", "title", "主任医师", "正高级"), ("people", "title", "正高级工程师", "正高级"),
    ("people", "title", "副教授", "副高级"), ("people", "title", "高级工程师", "副高级"),
    ("people", "title", "高级经济师", "副高级"), ("people", "title", "副主任医师", "副高级"),
    ("people", "title", "讲师", "中级"), ("people", "title", "主治医师", "中级"),
    ("people", "title", "工程师", "中级"), ("people", "title", "助理研究员", "中级"),
    ("people", "title", "助教", "初级"), ("people", "title", "住院医师", "初级"),
    ("people", "title", "助理工程师", "初级"), ("people", "title", "副高级", "副高级"),
    ("outcomes", "kind", "论文", "论文"), ("outcomes", "level", "省部级", "省部级"),
  ])
  func choice(_ sheet: String, _ key: String, _ text: String, _ expected: String) {
    #expect(parse(.text(text), field(sheet, key)) == .success(.text(expected)))
  }

  @Test(arguments: [
    ("兼职导师", ["兼职导师"]),
    ("兼职导师、专家", ["兼职导师", "专家"]),
    ("兼职导师,专家", ["兼职导师", "专家"]),
    ("兼职导师，专家", ["兼职导师", "专家"]),
    ("兼职导师;专家", ["兼职导师", "专家"]),
    ("兼职导师；专家", ["兼职导师", "专家"]),
    ("兼职导师/专家", ["兼职导师", "专家"]),
    ("设站单位站长 、 兼职导师", ["设站单位站长", "兼职导师"]),
  ])
  func roles(_ text: String, _ expected: [String]) {
    #expect(parse(.text(text), field("people", "roles")) == .success(.list(expected)))
  }

  // MARK: - Academic years

  @Test(arguments: [
    "2023-2024", "2023—2024", "2023至2024", "2023-2024学年", "2023–2024", "2023－2024",
    "２０２３－２０２４", " 2023-2024 ", "2023—2024学年", "2023至2024学年", "2023 - 2024", "2023 至 2024",
  ])
  func academicYear(_ text: String) {
    #expect(
      parse(.text(text), field("station", "academic_year"))
        == .success(.academicYear(AcademicYear(startYear: 2023))))
  }
}

@Suite struct RefusedValueTests {
  @Test(arguments: [
    // Dates: month/day order cannot be told apart; days that do not exist.
    (CellValue.text("7/1/2023"), "students", "entered_on", "CELL-002"),
    (.text("1/7/2023"), "students", "entered_on", "CELL-002"),
    (.text("07-01-2023"), "students", "entered_on", "CELL-002"),
    (.text("2023-02-30"), "students", "entered_on", "CELL-002"),
    (.text("2023-13-01"), "students", "entered_on", "CELL-002"),
    (.text("二〇二三年七月一日"), "students", "entered_on", "CELL-002"),
    (.text("下月"), "students", "entered_on", "CELL-002"),
    (.bool(true), "students", "entered_on", "CELL-002"),
    // Codes: a number that lost digits in Excel; a code of the wrong shape.
    (.number(2_022_120_345_678_900), "students", "student_id", "CELL-004"),
    (.number(1_234_567_890_123_456), "students", "student_id", "CELL-004"),
    (.number(2_022_120.345), "students", "student_id", "CELL-004"),
    (.text("20221"), "students", "student_id", "CELL-004"),
    (.text("2022-120345"), "students", "student_id", "CELL-004"),
    (.text("2022120345、abc"), "outcomes", "students", "CELL-004"),
    (.text("TJ"), "station", "station_id", "CELL-004"),
    (.text("-TJMU-2022"), "station", "station_id", "CELL-004"),
    // Money and integers: negative, not a number, fractions of a fen, fractions of a person.
    (.text("-100"), "students", "monthly_standard", "CELL-005"),
    (.number(-100), "students", "monthly_standard", "CELL-005"),
    (.text("abc"), "students", "monthly_standard", "CELL-002"),
    (.text("一千元"), "students", "monthly_standard", "CELL-002"),
    (.text("1000.555"), "students", "monthly_standard", "CELL-002"),
    (.text("1.000.00"), "students", "monthly_standard", "CELL-002"),
    (.number(-1), "station", "reported_headcount", "CELL-005"),
    (.number(2.5), "station", "reported_headcount", "CELL-002"),
    (.text("三人"), "station", "reported_headcount", "CELL-002"),
    (.text("0x10"), "station", "reported_headcount", "CELL-002"),  // no hex, no exponents
    (.text("1e3"), "station", "reported_headcount", "CELL-002"),
    (.text("3.5"), "station", "reported_headcount", "CELL-002"),
    // Academic years: not two consecutive years.
    (.text("2023-2025"), "station", "academic_year", "CELL-004"),
    (.text("2024-2023"), "station", "academic_year", "CELL-004"),
    (.text("2023"), "station", "academic_year", "CELL-004"),
    (.text("23-24"), "station", "academic_year", "CELL-004"),
    // Choices not allowed.
    (.text("本科"), "students", "level", "CELL-003"),
    (.text("合资企业"), "station", "host_type", "CELL-003"),
    (.text("高工"), "people", "title", "CELL-003"),
    (.text("兼职导师、顾问"), "people", "roles", "CELL-003"),
    (.text("国际级"), "outcomes", "level", "CELL-003"),
    // Yes/no: anything else.
    (.text("已培训"), "students", "safety_training", "CELL-002"),
    (.number(2), "students", "safety_training", "CELL-002"),
    // Months: 2023.1 in a number cell may be January or October (2023.10); not a month.
    (.number(2023.1), "payments", "month", "CELL-002"),
    (.number(2023.123), "payments", "month", "CELL-002"),  // not December: no month at all
    (.text("2023-13"), "payments", "month", "CELL-002"),
    (.text("7/2023"), "payments", "month", "CELL-002"),
    (.text("七月"), "payments", "month", "CELL-002"),
  ])
  func refused(_ cell: CellValue, _ sheet: String, _ key: String, _ rule: String) {
    #expect(refusal(cell, field(sheet, key)) == rule)
  }

  /// A formula's error value is CELL-006 whatever the field's type.
  @Test(
    arguments: ["#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!"],
    [
      ("students", "student_id"), ("students", "name"), ("students", "entered_on"),
      ("students", "monthly_standard"), ("students", "safety_training"), ("students", "level"),
      ("payments", "month"), ("station", "academic_year"), ("station", "station_name"),
      ("station", "reported_headcount"), ("outcomes", "students"), ("people", "roles"),
    ])
  func formulaError(_ error: String, _ at: (String, String)) {
    #expect(refusal(.error(error), field(at.0, at.1)) == "CELL-006")
  }

  /// An ambiguous day is refused as ambiguous, and the message says how to write it.
  @Test func anAmbiguousDateSaysSo() throws {
    guard case .failure(let problem) = parse(.text("7/1/2023"), field("students", "entered_on"))
    else {
      Testing.Issue.record("7/1/2023 was accepted")
      return
    }
    #expect(problem.message.contains("歧义") && problem.message.contains("2023-07-01"))
  }

  @Test func anAmbiguousMonthSaysSo() throws {
    guard case .failure(let problem) = parse(.number(2023.1), field("payments", "month")) else {
      Testing.Issue.record("2023.1 was accepted")
      return
    }
    #expect(problem.message.contains("10 月") && problem.message.contains("1 月"))
  }

  @Test func lostDigitsSayWhatToDo() throws {
    guard
      case .failure(let problem) = parse(
        .number(2_022_120_345_678_900), field("students", "student_id"))
    else {
      Testing.Issue.record("a 16-digit number was accepted")
      return
    }
    #expect(problem.message.contains("15 位") && problem.message.contains("文本"))
  }
}

/// One parser serves a whole workbook: a choice field's memo must not leak into another sheet's
/// field with the same key (`level` is 培养层次 in 进站研究生 and 成果级别 in 成果).
@Suite struct ChoiceMemoTests {
  @Test func fieldsWithTheSameKeyOnTwoSheetsKeepTheirOwnValues() throws {
    let parser = ValueParser(date1904: false)
    let template = Model.Template.standard
    let studentLevel = try #require(template.sheet("students")?.field("level"))
    let outcomeLevel = try #require(template.sheet("outcomes")?.field("level"))
    #expect(try parser.parse(.text("博士"), as: studentLevel).get() == .text("博士"))
    #expect(try parser.parse(.text("国家级"), as: outcomeLevel).get() == .text("国家级"))
    #expect((try? parser.parse(.text("国家级"), as: studentLevel).get()) == nil)
    #expect((try? parser.parse(.text("博士"), as: outcomeLevel).get()) == nil)
  }
}

/// SPEC §8: a number cell whose value is not a finite double is CELL-002 at that cell whatever
/// the field, never read as text; a `t="d"` cell is a date as the file writes it.
@Suite struct ReaderCaseTests {
  @Test(
    arguments: [
      ("station", "station_name"), ("students", "name"), ("students", "student_id"),
      ("students", "monthly_standard"), ("students", "entered_on"), ("payments", "month"),
      ("station", "reported_headcount"), ("students", "safety_training"),
    ])
  func invalidNumberIsCELL002(sheet: String, key: String) throws {
    guard case .failure(let problem) = parse(.invalidNumber("1e400"), field(sheet, key)) else {
      Testing.Issue.record("1e400 was accepted as \(key)")
      return
    }
    #expect(problem.rule == "CELL-002")
    #expect(problem.message.contains("1e400"))
  }

  @Test func isoDateCellsAreDates() throws {
    let date = ISODateTime(
      parts: .init(year: 2023, month: 7, day: 1, hour: 8), hasDate: true, zone: "+08:00")
    #expect(
      parse(.isoDate(date), field("students", "entered_on"))
        == .success(.date(Day(year: 2023, month: 7, day: 1)!)))
    #expect(
      parse(.isoDate(date), field("payments", "month"))
        == .success(.month(Month(year: 2023, month: 7))))
    let time = ISODateTime(parts: .init(year: 1899, month: 12, day: 30, hour: 8), hasDate: false)
    #expect(refusal(.isoDate(time), field("students", "entered_on")) == "CELL-002")
    #expect(displayText(.isoDate(date), date1904: false) == "2023-07-01 08:00:00+08:00")
  }
}
