import Foundation
import Model
import Normalization
import Testing
import Validation
import XLSXReading
import XLSXTestSupport

@testable import XLSXWriting

/// The blank register (`pipeline stations template`, SPEC §9): its own 填报说明, then 工作站名录
/// laid out, formatted and validated as the submission template's tables are, so a register
/// filled in from it imports with no issue.
@Suite struct RegisterTemplateTests {
  static let headers = ["工作站编号", "工作站名称", "设站单位", "牵头培养单位", "认定日期", "状态", "状态日期", "备注"]

  func write(
    _ template: Template = .standard, _ policy: Policy = .standard, in dir: TemporaryDirectory
  ) throws -> TemplateWriterTests.Written {
    try TemplateWriterTests.written(TemplateWriter.registerFileName, in: dir) {
      try TemplateWriter.writeRegister(template: template, policy: policy, to: $0)
    }
  }

  @Test func theInstructionsComeFirstThenTheRegisterWithItsHeaders() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let t = try write(in: dir)
    #expect(t.workbook.sheets.map(\.name) == ["填报说明", "工作站名录"])
    #expect(TemplateWriter.registerFileName == "工作站名录模板.xlsx")
    // Row 1 holds the headers in order, and nothing else is written.
    #expect(
      Self.headers.indices.map { t.cells[1][columnName($0) + "1"] }
        == Self.headers.map { .text($0) })
    #expect(t.cells[1].count == Self.headers.count)
    let xml = try t.sheetXML(1)
    #expect(
      xml.contains(#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#))
  }

  /// Per column: required (a red header), its number format, its dropdown.
  static let columns: [(header: String, required: Bool, format: String?, list: String?)] = [
    ("工作站编号", true, "@", nil), ("工作站名称", true, "@", nil), ("设站单位", true, "@", nil),
    ("牵头培养单位", true, "@", nil), ("认定日期", true, "yyyy-mm-dd", nil),
    ("状态", false, nil, "\"在建,撤销,验收不合格,未申请验收,期满\""), ("状态日期", false, "yyyy-mm-dd", nil),
    ("备注", false, "@", nil),
  ]

  @Test(arguments: columns.enumerated().map { ($0.offset, $0.element) })
  func eachColumnHasItsMarkFormatAndValidation(
    index: Int, column: (header: String, required: Bool, format: String?, list: String?)
  ) throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let t = try write(in: dir)
    let xml = try t.sheetXML(1)
    let styles = try Styles(t.part("xl/styles.xml"))
    #expect(t.cells[1][columnName(index) + "1"] == .text(column.header))
    let header = try #require(cellStyles(xml)[columnName(index) + "1"])
    #expect(styles.isRed(header) == column.required)
    #expect(columnStyles(xml)[index + 1].flatMap { styles.numberFormat($0) } == column.format)
    let validation = try #require(
      dataValidations(xml)["\(columnName(index))2:\(columnName(index))1048576"])
    #expect(validation.formula == column.list)
    #expect(validation.strict)
    #expect(!validation.prompt.isEmpty)
  }

  @Test func theInstructionsSayWhatTheRegisterIsAndWhatAnImportDoes() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let text = try write(in: dir).text(0)
    for phrase in [
      "工作站名录 填报说明", "「工作站名录」中每个工作站填一行", "「工作站编号」不得重复", "认定有效期（4年）",
      "「认定日期」为工作站本期认定有效期的起始日", "可填 在建、撤销、验收不合格、未申请验收、期满", "用于登记使用本工具之前已有的情况",
      "「状态」不是“在建”时须填「状态日期」",
      "结论为“不合格”、“重新评估未通过”、“未申请验收”的工作站，其「设站单位」自结论之日起3年内不得重新申报", "STA-005",
      "标为“未列入名录”", "有任何错误时不导入任何内容", "原文件名.annotated.xlsx", "日期按 2023-07-01 的形式",
    ] {
      #expect(text.contains(phrase), "\(phrase)")
    }
    // 撤销 opens no ban under the standard policy.
    #expect(!text.contains("“撤销”的工作站"))
  }

  @Test func theBanFollowsThePolicy() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var policy = Policy.standard
    policy.reapplicationBanYears = 5
    policy.revocationBanYears = 2
    let text = try write(.standard, policy, in: dir).text(0)
    #expect(text.contains("“撤销”的工作站，其「设站单位」自结论之日起2年内不得重新申报"))
    #expect(text.contains("“未申请验收”的工作站，其「设站单位」自结论之日起5年内不得重新申报"))
    #expect(!text.contains("3年内"))
  }

  /// A register filled in under the template's own headers (填报说明 kept) is read by the
  /// register's normalizer and checked by its rules with no issue, and gives the entries typed in.
  @Test func aRegisterFilledInFromTheTemplateImportsWithNoIssue() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let t = try write(in: dir)
    var filled = t.filledIn()
    let headers = (0..<t.cells[1].count).map { i -> String in
      guard case .text(let s)? = t.cells[1][columnName(i) + "1"] else { return "" }
      return s
    }
    let rows: [[String: SubmissionWorkbook.Value]] = [
      [
        "工作站编号": .text("TJMU-2022-015"), "工作站名称": .text("天津某某生物科技有限公司研究生工作站"),
        "设站单位": .text("天津某某生物科技有限公司"), "牵头培养单位": .text("基础医学院"), "认定日期": .date(2022, 9, 1),
      ],
      [
        "工作站编号": .text("TJMU-2021-007"), "工作站名称": .text("某某医院工作站"), "设站单位": .text("某某医院"),
        "牵头培养单位": .text("公共卫生学院"), "认定日期": .date(2021, 9, 1), "状态": .text("在建"),
      ],
      [
        "工作站编号": .text("TJMU-2018-003"), "工作站名称": .text("某某药业工作站"), "设站单位": .text("某某药业有限公司"),
        "牵头培养单位": .text("药学院"), "认定日期": .date(2018, 9, 1), "状态": .text("撤销"),
        "状态日期": .date(2020, 7, 10), "备注": .text("连续两个学年未按时报送"),
      ],
    ]
    for (r, row) in rows.enumerated() {
      for (header, value) in row {
        let column = try #require(headers.firstIndex(of: header), "\(header)")
        filled.set(Template.registerSheetName, "\(columnName(column))\(r + 2)", value)
      }
    }
    let template = Template.standard.register()
    let (register, issues) = try Normalizer(template: template).normalize(
      Workbook(bytes: filled.build()))
    #expect(issues == [])
    #expect(RegisterValidator(template: template, bans: [], known: []).validate(register) == [])
    #expect(
      RegisterValidator.entries(register) == [
        RegisterEntry(
          stationID: "TJMU-2022-015", name: "天津某某生物科技有限公司研究生工作站", hostUnit: "天津某某生物科技有限公司",
          college: "基础医学院", recognizedOn: Day(year: 2022, month: 9, day: 1)!),
        RegisterEntry(
          stationID: "TJMU-2021-007", name: "某某医院工作站", hostUnit: "某某医院", college: "公共卫生学院",
          recognizedOn: Day(year: 2021, month: 9, day: 1)!, state: "在建"),
        RegisterEntry(
          stationID: "TJMU-2018-003", name: "某某药业工作站", hostUnit: "某某药业有限公司", college: "药学院",
          recognizedOn: Day(year: 2018, month: 9, day: 1)!, state: "撤销",
          stateOn: Day(year: 2020, month: 7, day: 10)!, note: "连续两个学年未按时报送"),
      ])
  }
}
