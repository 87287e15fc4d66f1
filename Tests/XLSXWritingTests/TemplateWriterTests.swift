import Basics
import Foundation
import Model
import Pipeline
import Testing
import XLSXReading
import XLSXTestSupport

@testable import XLSXWriting

/// The blank template (`pipeline template`): its sheets and headers are the template's exactly, a
/// submission laid out like it is accepted, its dropdowns and formats come from the template, and
/// 填报说明 states the configured policy.
@Suite struct TemplateWriterTests {
  /// A written template, read back.
  struct Written {
    let path: String
    let workbook: Workbook
    /// Per sheet, in workbook order: A1 reference → value.
    let cells: [[String: CellValue]]

    /// The texts of a sheet in reading order, a long item's continuation rows joined back on.
    func text(_ sheet: Int) -> String {
      cells[sheet].sorted { CellReference($0.key)! < CellReference($1.key)! }.compactMap {
        if case .text(let s) = $0.value {
          return s.hasPrefix("    ") ? String(s.dropFirst(4)) : "\n" + s
        }
        return nil
      }.joined()
    }

    /// A part of the package, as text.
    func part(_ name: String) throws -> String { try packagePart(path, name) }

    /// The worksheet part of sheet `index` (0-based; libxlsxwriter numbers them in order).
    func sheetXML(_ index: Int) throws -> String { try part("xl/worksheets/sheet\(index + 1).xml") }

    /// The template as a person gets it to fill in: sheets named as its, every text cell (填报说明
    /// included) where it stands.
    func filledIn() -> SubmissionWorkbook {
      // Empty sheets named as the template's (`Sheet.init` is internal to the support module).
      let valid = SubmissionWorkbook.valid()
      var filled = valid
      filled.sheets = workbook.sheets.map { info in
        var sheet = valid.sheets[0]
        (sheet.name, sheet.rows) = (info.name, [])
        return sheet
      }
      for (i, info) in workbook.sheets.enumerated() {
        for (ref, value) in cells[i] {
          guard case .text(let s) = value else { continue }
          filled.set(info.name, ref, .text(s))
        }
      }
      return filled
    }
  }

  /// What `write` writes (it takes the path) to a file named `name` in `dir`, read back.
  static func written(
    _ name: String, in dir: TemporaryDirectory, by write: (String) throws -> Void
  ) throws -> Written {
    let path = dir.url.appendingPathComponent(name).path
    try write(path)
    let workbook = try Workbook(path: path)
    return Written(path: path, workbook: workbook, cells: try cellsBySheet(workbook))
  }

  func write(
    _ template: Template = .standard, _ policy: Policy = .standard, in dir: TemporaryDirectory
  ) throws -> Written {
    try Self.written("template.xlsx", in: dir) {
      try TemplateWriter.write(template: template, policy: policy, to: $0)
    }
  }

  // MARK: - Sheets and headers

  @Test func sheetsAndHeadersAreExactlyTheTemplates() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let t = try write(in: dir)
    let template = Template.standard
    #expect(
      t.workbook.sheets.map(\.name) == [TemplateWriter.instructionsSheet]
        + template.sheets.map(\.name))
    #expect(template.ignoredSheets.contains(TemplateWriter.instructionsSheet))
    for (i, spec) in template.sheets.enumerated() {
      let cells = t.cells[i + 1]
      switch spec.layout {
      case .table:
        // Row 1 holds the headers in template order, and nothing else is written.
        let headers = spec.fields.indices.map { cells[columnName($0) + "1"] }
        #expect(headers == spec.fields.map { .text($0.header) }, "\(spec.name)")
        #expect(cells.count == spec.fields.count, "\(spec.name)")
      case .form:
        // Labels in column A from row 2, their value cells in B empty.
        let labels = spec.fields.indices.map { cells["A\($0 + 2)"] }
        #expect(labels == spec.fields.map { .text($0.header) })
        #expect(spec.fields.indices.allSatisfy { cells["B\($0 + 2)"] == nil })
      }
    }
  }

  @Test func requiredHeadersAreRedAndEveryDataSheetFreezesItsHeader() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let t = try write(in: dir)
    let styles = try Styles(t.part("xl/styles.xml"))
    for (i, spec) in Template.standard.sheets.enumerated() {
      let xml = try t.sheetXML(i + 1)
      #expect(
        xml.contains(#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#)
      )
      let cells = cellStyles(xml)
      for (j, field) in spec.fields.enumerated() {
        let ref = spec.layout == .table ? columnName(j) + "1" : "A\(j + 2)"
        let style = try #require(cells[ref])
        #expect(styles.isRed(style) == field.required, "\(spec.name) \(field.header)")
      }
    }
  }

  // MARK: - A filled copy is accepted

  /// The baseline submission's data, moved into the template's layout (sheet names, header
  /// columns, label rows, the 填报说明 sheet and the form's hint column kept), is accepted with no
  /// issue: what a college gets by filling the template in is what the checker reads.
  @Test func aSubmissionLaidOutLikeTheTemplateIsAccepted() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let t = try write(in: dir)
    let valid = SubmissionWorkbook.valid()
    var filled = t.filledIn()
    for spec in Template.standard.sheets {
      let source = valid.sheets.first { $0.name == spec.name }!
      let templateCells = t.cells[t.workbook.sheets.firstIndex { $0.name == spec.name }!]
      switch spec.layout {
      case .form:
        // Each label's value goes to the cell right of that label in the template.
        for row in source.rows {
          guard case .text(let label)? = row.first, row.count > 1 else { continue }
          let at = try #require(
            templateCells.first { $0.value == .text(label) && $0.key.hasPrefix("A") }?.key,
            "\(label)")
          filled.set(spec.name, "B" + at.dropFirst(), row[1])
        }
      case .table:
        // Each value goes under its header's column in the template.
        let headers = source.rows[0].map { value -> String in
          guard case .text(let s) = value else { return "" }
          return s
        }
        let columnOf = Dictionary(
          uniqueKeysWithValues: templateCells.compactMap { ref, value -> (String, String)? in
            guard case .text(let s) = value else { return nil }
            return (s, String(ref.dropLast()))
          })
        for (r, row) in source.rows.enumerated().dropFirst() {
          for (c, value) in row.enumerated() where value != .empty {
            let column = try #require(columnOf[headers[c]], "\(spec.name) \(headers[c])")
            filled.set(spec.name, "\(column)\(r + 1)", value)
          }
        }
      }
    }
    let entry = Checker(configuration: Configuration()).check(
      bytes: filled.build(), name: "filled.xlsx")
    #expect(entry.issues == [])
    #expect(entry.status == .accepted)
    #expect(entry.stationID == "TJMU-2022-015")
  }

  // MARK: - Dropdowns and formats

  @Test func everyChoiceFieldHasADropdownOfItsValues() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let t = try write(in: dir)
    var checked = 0
    for (i, spec) in Template.standard.sheets.enumerated() {
      let validations = dataValidations(try t.sheetXML(i + 1))
      for (j, field) in spec.fields.enumerated() {
        let sqref =
          spec.layout == .table ? "\(columnName(j))2:\(columnName(j))1048576" : "B\(j + 2)"
        let v = validations[sqref]
        switch field.type {
        case .choice where field.key == "title":
          // Too long to write inline: the dropdown takes the 职称 column of 填报说明's table.
          let formula = try #require(v?.formula, "职称")
          let range = try #require(formula.wholeMatch(of: /'填报说明'!\$A\$(\d+):\$A\$(\d+)/))
          let listed = (Int(range.1)!...Int(range.2)!).map { t.cells[0]["A\($0)"] }
          let expected = field.values!.flatMap { [$0.value] + $0.aliases }
          #expect(listed == expected.map { .text($0) })
          #expect(
            expected.contains("教授") && expected.contains("高级工程师")
              && expected.contains(Policy.standard.mentorMinimumGrade))
          #expect(!SheetWriter.inlineListFits(expected))
          #expect(v?.strict == true)
          checked += 1
        case .choice, .choiceList:
          let values = field.values!.map(\.value)
          #expect(
            v?.formula == "\"" + values.joined(separator: ",") + "\"",
            "\(spec.name) \(field.header)")
          // Several roles combine (兼职导师、专家): Excel only warns.
          #expect(v?.strict == (field.type == .choice), "\(spec.name) \(field.header)")
          checked += 1
        case .yesNo:
          #expect(v?.formula == "\"是,否\"", "\(spec.name) \(field.header)")
          checked += 1
        default:
          // An input message on how to fill it, no list.
          #expect(
            v != nil && v?.formula == nil && v?.prompt.isEmpty == false,
            "\(spec.name) \(field.header)")
        }
      }
    }
    // 设站单位性质, 科研创新平台; 培养层次 and three yes/no; 角色, 职称; 成果类型, 成果级别.
    #expect(checked == 10)
  }

  @Test func dataColumnsCarryTheirTypesFormats() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let t = try write(in: dir)
    let styles = try Styles(t.part("xl/styles.xml"))
    for (i, spec) in Template.standard.sheets.enumerated() {
      let xml = try t.sheetXML(i + 1)
      let columns = columnStyles(xml)
      let cells = cellStyles(xml)
      for (j, field) in spec.fields.enumerated() {
        // A table formats the whole column; a form its value cell.
        let style = spec.layout == .table ? columns[j + 1] : cells["B\(j + 2)"]
        let code = style.flatMap { styles.numberFormat($0) }
        let expected: String? =
          switch field.type {
          case .date: "yyyy-mm-dd"
          case .money: "#,##0.00"
          case .integer: "0"
          case .month, .code, .codeList, .text, .name, .academicYear: "@"
          case .yesNo, .choice, .choiceList: nil
          }
        #expect(code == expected, "\(spec.name) \(field.header)")
      }
    }
    // The ones that matter most, named: 学号 keeps its digits, 发放月份 stays text.
    let students = columnStyles(try t.sheetXML(2))
    #expect(students[1].flatMap { styles.numberFormat($0) } == "@")
    let payments = columnStyles(try t.sheetXML(5))
    #expect(payments[3].flatMap { styles.numberFormat($0) } == "@")
    #expect(payments[6].flatMap { styles.numberFormat($0) } == "yyyy-mm-dd")
  }

  /// A short title table fits inline; the template then lists it in the cell's dropdown directly.
  @Test func aTitleListThatFitsIsWrittenInline() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var template = Template.standard
    let people = template.sheets.firstIndex { $0.key == "people" }!
    let title = template.sheets[people].fields.firstIndex { $0.key == "title" }!
    template.sheets[people].fields[title].values = Policy.standard.titleGrades.map {
      FieldSpec.Choice($0, aliases: $0 == "正高级" ? ["教授"] : [])
    }
    let t = try write(template, in: dir)
    let v = dataValidations(try t.sheetXML(people + 1))[
      "\(columnName(title))2:\(columnName(title))1048576"]
    #expect(v?.formula == "\"正高级,教授,副高级,中级,初级,无\"")
  }

  /// libxlsxwriter 1.1.4 copies a list into a 258-byte buffer after checking its length in
  /// characters: a Chinese list of fewer than 255 characters can overflow it. Refused, not crashed.
  @Test func aListTooLongInBytesIsRefused() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let writer = try SpreadsheetWriter(path: dir.url.appendingPathComponent("x.xlsx").path)
    let sheet = try writer.addSheet("S")
    let list = (1...30).map { "职称第\($0)" }  // 350 bytes with the commas, 170 characters
    #expect(list.joined(separator: ",").count < 255)
    #expect(!SheetWriter.inlineListFits(list))
    #expect(throws: WriteError.self) {
      try sheet.validate(.list(list), rows: 1...10, column: 0, title: "职称", message: "选择")
    }
  }

  // MARK: - 填报说明

  @Test func theInstructionsStateThePolicy() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let text = try write(in: dir).text(0)
    for phrase in [
      "博士每人每月 1000 元", "硕士每人每月 500 元", "「导师在设站单位承担项目」填“是”的", "7月1日至次年6月30日",
      "于7月10日前（含当日）报送", "连续2个学年未按时报送", "次月最后一天前发放", "职称等级不低于副高级",
      "日期按 2023-07-01 的形式", "月份按 2023-07 的形式", "保留开头的 0", "不要修改工作表名称和表头文字",
      "「序号」列可加可不加", "没有数据时保留表头即可",
    ] {
      #expect(text.contains(phrase), "\(phrase)")
    }
  }

  @Test func theInstructionsFollowAChangedPolicy() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var policy = Policy.standard
    policy.minimumMonthlySubsidy = ["博士": 1800, "硕士": 900]
    policy.reportDeadlineDay = 15
    policy.revocationConsecutiveYears = 3
    policy.mentorMinimumGrade = "中级"
    policy.paymentDueMonthsAfter = 2
    let text = try write(.standard, policy, in: dir).text(0)
    for phrase in [
      "博士每人每月 1800 元", "硕士每人每月 900 元", "博士不低于 1800 元，硕士不低于 900 元", "于7月15日前（含当日）报送",
      "连续3个学年未按时报送", "其后第 2 个月的最后一天前发放", "职称等级不低于中级",
    ] {
      #expect(text.contains(phrase), "\(phrase)")
    }
    for old in ["1000 元", "500 元", "7月10日", "副高级（"] {
      #expect(!text.contains(old), "\(old)")
    }
  }

  /// Long items are broken at clause ends into rows that fit columns A–D.
  @Test func noInstructionLineRunsOffTheColumns() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let cells = try write(in: dir).cells[0]
    for case (let ref, .text(let s)) in cells where ref.hasPrefix("A") {
      #expect(displayWidth(s) <= instructionsLineWidth + 4, "\(ref)")
    }
    #expect(breakLine("一二三，四五六。七八", width: 8) == ["一二三，", "四五六。", "七八"])
    #expect(breakLine("一二三四五六", width: 4) == ["一二", "三四", "五六"])
  }

  @Test func theInstructionsListEveryFieldWithItsRequirement() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let cells = try write(in: dir).cells[0]
    // The field table: 项目 in B, 必填/选填 in C, one row per field in template order.
    let header = try #require(cells.first { $0.value == .text("填写要求") }?.key)
    let first = CellReference(header)!.row + 1
    let fields = Template.standard.sheets.flatMap(\.fields)
    for (k, field) in fields.enumerated() {
      #expect(cells["B\(first + k)"] == .text(field.header))
      #expect(cells["C\(first + k)"] == .text(field.required ? "必填" : "选填"))
    }
  }
}

// MARK: - Reading the parts back

/// The data validations of a sheet part, by `sqref`.
func dataValidations(_ xml: String) -> [String: (
  formula: String?, strict: Bool, prompt: String
)] {
  var found: [String: (formula: String?, strict: Bool, prompt: String)] = [:]
  for m in xml.matches(of: /<dataValidation ([^>]*?)(?:\/>|>(.*?)<\/dataValidation>)/) {
    let attributes = String(m.1)
    guard let sqref = attribute("sqref", in: attributes) else { continue }
    let formula = m.2.flatMap { body in
      body.firstMatch(of: /<formula1>(.*?)<\/formula1>/).map { unescape(String($0.1)) }
    }
    found[sqref] = (
      formula, attribute("errorStyle", in: attributes) == nil,
      attribute("prompt", in: attributes).map(unescape) ?? ""
    )
  }
  return found
}

func attribute(_ name: String, in attributes: String) -> String? {
  let pattern = try! Regex<(Substring, Substring)>(" ?\\b\(name)=\"([^\"]*)\"")
  return (" " + attributes).firstMatch(of: pattern).map { String($0.1) }
}

func unescape(_ s: String) -> String {
  s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
    .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
    .replacingOccurrences(of: "&amp;", with: "&")
}

/// The style index of each written cell, by A1 reference.
func cellStyles(_ xml: String) -> [String: Int] {
  var styles: [String: Int] = [:]
  for m in xml.matches(of: /<c r="([A-Z]+[0-9]+)" s="([0-9]+)"/) { styles[String(m.1)] = Int(m.2) }
  return styles
}

/// The style index of each formatted column (1-based), from `<cols>`.
func columnStyles(_ xml: String) -> [Int: Int] {
  var styles: [Int: Int] = [:]
  for m in xml.matches(of: /<col min="([0-9]+)" max="([0-9]+)"[^>]*? style="([0-9]+)"/) {
    for c in Int(m.1)!...Int(m.2)! { styles[c] = Int(m.3) }
  }
  return styles
}

/// What the tests need of `xl/styles.xml`: each cell format's number format and font colour.
struct Styles {
  var formats: [Int: String] = [:]
  var xfs: [(numFmt: Int, font: Int)] = []
  var redFonts: Set<Int> = []

  init(_ xml: String) throws {
    for m in xml.matches(of: /<numFmt numFmtId="([0-9]+)" formatCode="([^"]*)"/) {
      formats[Int(m.1)!] = unescape(String(m.2))
    }
    let fonts = try #require(xml.firstMatch(of: /<fonts[^>]*>(.*?)<\/fonts>/)).1
    for (i, font) in fonts.matches(of: /<font>(.*?)<\/font>/).enumerated()
    where font.1.contains("FFC00000") {
      redFonts.insert(i)
    }
    let cellXfs = try #require(xml.firstMatch(of: /<cellXfs[^>]*>(.*?)<\/cellXfs>/)).1
    for m in cellXfs.matches(of: /<xf numFmtId="([0-9]+)" fontId="([0-9]+)"/) {
      xfs.append((Int(m.1)!, Int(m.2)!))
    }
  }

  func numberFormat(_ style: Int) -> String? {
    guard style < xfs.count else { return nil }
    let id = xfs[style].numFmt
    return id == 0 ? nil : formats[id] ?? (id == 49 ? "@" : "builtin \(id)")
  }

  func isRed(_ style: Int) -> Bool { style < xfs.count && redFonts.contains(xfs[style].font) }
}
