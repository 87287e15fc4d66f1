import Basics
import Model
import XLSXReading

/// The blank template colleges fill in (`pipeline template`, SPEC §3 and §7), made from the
/// configured ``Template`` and ``Policy``: sheet names, headers, required marks, dropdown values,
/// the field table and every policy number come from the data, so a changed `pipeline.json` gives
/// a matching template. Only the prose, the yes/no words 是/否 and the example year (2023-2024)
/// are written here.
///
/// The workbook:
/// - `填报说明` first: the reporting rules with the policy's numbers, how to write dates, months,
///   codes and amounts, a table of every field (sheet, item, required, how to fill it) and the
///   职称 → grade table. The pipeline ignores this sheet, so it may stay in a submission.
/// - then every template sheet in order, with its canonical names exactly as the template has them
///   (a filled copy is read by name, so no `*` or `（必填）` is added): required headers and labels
///   bold in red, optional ones bold in black, both on grey.
///   - a form (工作站信息): row 1 `项目 | 填写内容 | 填写说明`, then one field per row, the label in
///     column A, its value cell in B (light yellow, with the field's number format), how to fill it
///     in C;
///   - a table: the header in row 1 (frozen), one column per field in template order, each data
///     column formatted for its type down to the last row.
/// - Formats: dates `yyyy-mm-dd`; months, codes (学号, 工作站编号) and text as text (`@`), so
///   `2023-07` stays text and 学号 keeps its leading zeros; money `#,##0.00`; integers `0`.
/// - Data validation on every data cell: a strict dropdown of the canonical values for a `choice`
///   field and 是/否 for a yes/no one (aliases such as 博士研究生 are refused there though the
///   checker accepts them: the template asks for the canonical words); a lenient one (Excel warns, the person may keep their text)
///   for a `choiceList` such as 角色, since several roles combine as `兼职导师、专家`; for every
///   other field an input message saying how to fill it.
/// - The title-grade field (a choice whose values are ``Policy/titleGrades``, i.e. 职称) offers each
///   grade followed by the titles that map to it (正高级, 教授, 研究员, …): people write their title,
///   and the grades alone would not tell them which to choose. An inline list holds at most 255
///   characters, commas included (Excel), and libxlsxwriter 1.1.4 counts that limit in UTF-8
///   bytes, so about 80 Chinese characters; a longer list (the standard title list is one) is
///   taken from the 职称 column of the table on `填报说明` instead, which has no limit. Another
///   choice field too long to list inline gets an input message naming its values instead.
///
/// The blank register (`pipeline stations template`, SPEC §9) is made the same way from
/// ``Template/register()``: its own `填报说明` (what the register is, its columns, the import
/// rules), then the table sheet `工作站名录` laid out, formatted and validated as above.
public enum TemplateWriter {
  /// The instructions sheet; the template's ``Template/ignoredSheets`` lists it, so the checker
  /// skips it in a submission.
  public static let instructionsSheet = "填报说明"
  /// What `pipeline template` writes without `--out`.
  public static let defaultFileName = "工作站年度数据模板.xlsx"
  /// What `pipeline stations template` writes without `--out`.
  public static let registerFileName = "工作站名录模板.xlsx"

  /// Writes the blank template to `path` (atomically: the file appears complete or not at all).
  public static func write(template: Template, policy: Policy, to path: String) throws(WriteError) {
    try write(template, Instructions(template: template, policy: policy), policy: policy, to: path)
  }

  /// Writes the blank register (工作站名录) of the submission template `template` to `path`
  /// (atomically): `template.register()`'s one sheet, after a 填报说明 of its own.
  public static func writeRegister(template: Template, policy: Policy, to path: String)
    throws(WriteError)
  {
    let register = template.register()
    try write(register, Instructions(register: register, policy: policy), policy: policy, to: path)
  }

  /// 填报说明 with `content`, then every sheet of `template`.
  private static func write(
    _ template: Template, _ content: Instructions, policy: Policy, to path: String
  ) throws(WriteError) {
    let writer = try SpreadsheetWriter(path: path)
    let titleRange = try writeInstructions(content, to: try writer.addSheet(instructionsSheet))
    for spec in template.sheets {
      let sheet = try writer.addSheet(spec.name)
      let columns = spec.fields.map {
        Column(field: $0, sheet: spec, template: template, policy: policy, titleRange: titleRange)
      }
      switch spec.layout {
      case .form: try writeForm(columns, to: sheet)
      case .table: try writeTable(columns, to: sheet)
      }
    }
    try writer.close()
  }

  // MARK: - Layout

  /// Excel's last row, 0-based: data validation and formats run to the bottom of the sheet.
  static let lastRow = 1_048_575
  /// Excel's limits on a validation's input title and message.
  static let titleLimit = 32
  static let messageLimit = 255

  static let requiredHeader = CellFormat(bold: true, fill: 0xE7E6E6, fontColor: 0xC00000)
  static let optionalHeader = CellFormat(bold: true, fill: 0xE7E6E6)
  static let heading = CellFormat(bold: true)
  static let note = CellFormat(fontColor: 0x595959)
  /// The value cells of a form: where to type.
  static let valueFill: UInt32 = 0xFFF2CC

  /// One field as a column (or a form row): its format, width and data validation.
  struct Column {
    var field: FieldSpec
    var format: CellFormat?
    var width: Double
    var validation: SheetWriter.Validation
    var strict: Bool
    var hint: String

    init(
      field: FieldSpec, sheet: SheetSpec, template: Template, policy: Policy, titleRange: String?
    ) {
      self.field = field
      hint = Instructions.hint(field, sheet: sheet, template: template, policy: policy)
      strict = true
      switch field.type {
      case .date: format = CellFormat(numberFormat: "yyyy-mm-dd")
      case .money: format = CellFormat(numberFormat: "#,##0.00")
      case .integer: format = CellFormat(numberFormat: "0")
      case .month, .code, .codeList, .text, .name, .academicYear: format = CellFormat(text: true)
      case .yesNo, .choice, .choiceList: format = nil
      }
      switch field.type {
      case .choice:
        let values = Instructions.dropdownValues(field, policy: policy)
        if !SheetWriter.inlineListFits(values), Instructions.isGradeField(field, policy: policy),
          let titleRange
        {
          validation = .listRange(titleRange)
        } else {
          validation = .list(values)
        }
      case .choiceList:
        validation = .list((field.values ?? []).map(\.value))
        strict = false
      case .yesNo:
        validation = .list(Instructions.yesNo)
      default:
        validation = .any
      }
      // A list too long to write inline, with no range to take it from: the hint names the values.
      if case .list(let values) = validation, !SheetWriter.inlineListFits(values) {
        validation = .any
      }
      let minimum: Double =
        switch field.type {
        case .date, .month, .integer, .yesNo, .academicYear: 12
        case .money, .code: 14
        case .name, .choice, .choiceList: 12
        case .codeList: 24
        case .text: 22
        }
      width = max(minimum, Double(displayWidth(field.header) + 4))
    }
  }

  private static func validate(
    _ column: Column, rows: ClosedRange<Int>, columnIndex: Int, on sheet: SheetWriter
  )
    throws(WriteError)
  {
    try sheet.validate(
      column.validation, rows: rows, column: columnIndex,
      title: String(column.field.header.prefix(titleLimit)),
      message: String(column.hint.prefix(messageLimit)), strict: column.strict)
  }

  private static func writeTable(_ columns: [Column], to sheet: SheetWriter) throws(WriteError) {
    for (i, column) in columns.enumerated() {
      try sheet.write(
        text: column.field.header, row: 0, column: i,
        format: column.field.required ? requiredHeader : optionalHeader)
      try sheet.setColumns(i, i, width: column.width, format: column.format)
      try validate(column, rows: 1...lastRow, columnIndex: i, on: sheet)
    }
    sheet.freeze(row: 1)
  }

  private static func writeForm(_ columns: [Column], to sheet: SheetWriter) throws(WriteError) {
    for (i, text) in Instructions.formHeader.enumerated() {
      try sheet.write(text: text, row: 0, column: i, format: optionalHeader)
    }
    try sheet.setColumns(
      0, 0, width: max(16, Double(columns.map { displayWidth($0.field.header) }.max() ?? 0) + 4))
    try sheet.setColumns(1, 1, width: 36)
    try sheet.setColumns(2, 2, width: 64)
    for (i, column) in columns.enumerated() {
      let row = i + 1
      try sheet.write(
        text: column.field.header, row: row, column: 0,
        format: column.field.required ? requiredHeader : optionalHeader)
      var value = column.format ?? CellFormat()
      value.fill = valueFill
      try sheet.writeBlank(row: row, column: 1, format: value)
      try sheet.write(
        text: Instructions.requirement(column.field) + "。" + column.hint, row: row, column: 2,
        format: note)
      try validate(column, rows: row...row, columnIndex: 1, on: sheet)
    }
    sheet.freeze(row: 1)
  }

  /// Writes 填报说明; returns the range of its 职称 column (for the title dropdown), if any.
  private static func writeInstructions(_ content: Instructions, to sheet: SheetWriter)
    throws(WriteError) -> String?
  {
    try sheet.setColumns(0, 0, width: 16)
    try sheet.setColumns(1, 1, width: 24)
    try sheet.setColumns(2, 2, width: 8)
    try sheet.setColumns(3, 3, width: 100)
    var row = 0
    var titleRange: String?
    for block in content.blocks {
      switch block {
      case .title(let text):
        try sheet.write(text: text, row: row, column: 0, format: heading)
      case .heading(let text):
        row += 1
        try sheet.write(text: text, row: row, column: 0, format: heading)
      case .line(let text):
        // Broken at clause ends into rows no wider than columns A–D, so nothing runs off-screen.
        let parts = breakLine(text, width: instructionsLineWidth)
        for (i, part) in parts.enumerated() {
          try sheet.write(text: i == 0 ? part : "    " + part, row: row + i, column: 0)
        }
        row += parts.count - 1
      case .table(let header, let rows, let isTitleTable):
        for (c, text) in header.enumerated() {
          try sheet.write(text: text, row: row, column: c, format: optionalHeader)
        }
        for (r, cells) in rows.enumerated() {
          for (c, text) in cells.enumerated() where !text.isEmpty {
            try sheet.write(text: text, row: row + 1 + r, column: c)
          }
        }
        if isTitleTable, !rows.isEmpty {
          titleRange = "='\(instructionsSheet)'!$A$\(row + 2):$A$\(row + 1 + rows.count)"
        }
        row += rows.count
      }
      row += 1
    }
    sheet.activate()
    return titleRange
  }
}

/// The display width of a line of 填报说明: about columns A–D.
let instructionsLineWidth = 140

/// `text` in pieces no wider than `width` (``displayWidth(_:)``), broken after 。；，) where it
/// can be, anywhere when a clause alone is too wide.
func breakLine(_ text: String, width: Int) -> [String] {
  var clauses: [String] = []
  var current = ""
  for ch in text {
    current.append(ch)
    if "。；，）".contains(ch) {
      clauses.append(current)
      current = ""
    }
  }
  if !current.isEmpty { clauses.append(current) }
  var lines: [String] = []
  var line = ""
  for clause in clauses {
    if !line.isEmpty, displayWidth(line) + displayWidth(clause) > width {
      lines.append(line)
      line = ""
    }
    line += clause
    while displayWidth(line) > width {
      var head = ""
      for ch in line {
        if displayWidth(head + String(ch)) > width { break }
        head.append(ch)
      }
      lines.append(head)
      line = String(line.dropFirst(head.count))
    }
  }
  if !line.isEmpty { lines.append(line) }
  return lines
}

// MARK: - The words

/// What 填报说明 says, built from the template and the policy.
struct Instructions {
  enum Block: Equatable {
    case title(String)
    case heading(String)
    case line(String)
    /// A header row and its rows; `titles` marks the 职称 table the title dropdown refers to.
    case table(header: [String], rows: [[String]], titles: Bool)
  }

  /// The canonical yes/no words (SPEC §4 accepts many spellings; the template offers these).
  static let yesNo = ["是", "否"]
  static let formHeader = ["项目", "填写内容", "填写说明"]

  let blocks: [Block]

  /// The blocks of a page being written: its title, then headings and items numbered across them.
  private struct Page {
    private(set) var blocks: [Block]
    private var items = 0

    init(title: String) { blocks = [.title(title)] }

    mutating func heading(_ text: String) { blocks.append(.heading(text)) }

    mutating func item(_ text: String) {
      items += 1
      blocks.append(.line("\(items). \(text)"))
    }

    mutating func append(_ block: Block) { blocks.append(block) }
  }

  init(template: Template, policy: Policy) {
    let p = policy
    let example = AcademicYear(startYear: 2023)
    let first = example.firstDay(startMonth: p.academicYearStartMonth)
    let last = example.lastDay(startMonth: p.academicYearStartMonth)
    let deadline = p.reportDeadline(for: example)
    let (f, l, d) = (first.parts, last.parts, deadline.parts)
    let span = "\(f.month)月\(f.day)日至\(l.year > f.year ? "次年" : "当年")\(l.month)月\(l.day)日"
    func h(_ sheet: String, _ field: String) -> String {
      "「" + (template.sheet(sheet)?.field(field)?.header ?? field) + "」"
    }
    func s(_ sheet: String) -> String { "「" + (template.sheet(sheet)?.name ?? sheet) + "」" }

    var b = Page(title: "产教融合研究生工作站年度基本数据 填报说明")

    b.heading("一、报送要求")
    b.item("每个工作站每个学年填报一份本工作簿。学年为每年\(span)（如 \(example) 学年为 \(first) 至 \(last)）。")
    b.item(
      "学年结束后，于\(d.month)月\(d.day)日前（含当日）报送；逾期即为未按时报送，连续\(p.revocationConsecutiveYears)个学年未按时报送的工作站将予以撤销。"
    )
    b.item(
      "年报数据是期满验收的依据：认定有效期\(p.validityYears)年；有效期内在站累计满\(p.countedStudentMonths)个月的研究生，优秀须达\(p.excellentHeadcount)人以上，合格须不少于\(p.qualifiedHeadcount)人；优秀还须有至少\(p.excellentNationalOutcomes)项国家级成果或\(p.excellentProvincialOutcomes)项以上省部级成果（或成果产生重要的经济社会效益）。"
    )

    b.heading("二、生活补助")
    let minimums = Self.orderedLevels(p.minimumMonthlySubsidy, template: template)
      .map { "\($0.level)每人每月 \($0.amount) 元" }.joined(separator: "，")
    b.item(
      "\(h("students", "monthly_standard"))不低于：\(minimums)。\(h("students", "supervisor_project"))填“是”的，补助由导师与设站单位协商，不受此最低标准限制，但仍须按所填标准足额、按时发放。"
    )
    b.item(
      "\(s("payments"))中每名研究生在站的每个月填一行；每月补助最迟于\(Self.dueWording(p.paymentDueMonthsAfter))发放，\(h("payments", "paid"))不低于\(h("payments", "due"))，\(h("payments", "due"))不低于本人的月生活补助标准。"
    )
    b.item(
      "\(s("station"))中\(h("station", "subsidy_total"))应等于\(s("payments"))中\(h("payments", "paid"))的合计；\(h("station", "reported_headcount"))为本学年内在站的研究生人数。"
    )

    b.heading("三、站长及专家")
    b.item(
      "\(s("people"))中设站单位站长、培养单位站长各一人，姓名与\(s("station"))一致；每名学生的\(h("students", "host_mentor"))须在\(s("people"))中列为兼职导师。"
    )
    let grades = p.titleGrades.joined(separator: " > ")
    let titleExamples = (Self.titleChoices(template, policy: policy)?.values ?? []).compactMap {
      $0.aliases.first
    }
    let examples = titleExamples.isEmpty ? nil : titleExamples.prefix(2).joined(separator: "、")
    b.item(
      "兼职导师须为设站单位人员，职称等级不低于\(p.mentorMinimumGrade)（\(grades)）。\(h("people", "title"))可填写具体职称\(examples.map { "（如 \($0)）" } ?? "")或等级，对照表见本页末尾。"
    )
    b.item("\(h("students", "safety_training"))须为“是”（进站研究生须接受安全教育）；条件允许时为进站研究生购买意外伤害保险。")

    b.heading("四、填写格式")
    b.item(
      "日期按 \(first) 的形式填写（也可输入 Excel 日期）；月份按 \(first.month) 的形式填写（该列已设为文本格式）；报送学年按 \(example) 的形式填写。"
    )
    b.item("学号、工作站编号等编号按文本填写（相关列已设为文本格式），保留开头的 0，不要变成科学计数法。")
    b.item("金额以元为单位，只填数字，可保留两位小数。多个学号或多个角色之间用顿号（、）分隔。有下拉列表的单元格请从列表中选择。")

    b.heading("五、表格要求")
    let sheets = template.sheets.map { "「\($0.name)」" }.joined()
    b.item("不要修改工作表名称和表头文字，不要删除工作表：\(sheets)都须保留，没有数据时保留表头即可。")
    let ignored = template.ignoredColumns.map { "「\($0)」" }.joined(separator: "、")
    let totals = template.totalsMarkers.first.map { "；表末的合计行（首格写“\($0)”）不作为数据" } ?? ""
    b.item("红色表头（项目名）为必填项，黑色为选填项。\(ignored.isEmpty ? "" : "\(ignored)列可加可不加，不审核")\(totals)。")
    b.item("本页（\(TemplateWriter.instructionsSheet)）审核时不读取，可保留。")

    b.heading("六、各工作表填写项")
    b.append(Self.fieldTable(template, policy: policy))

    if let titles = Self.titleChoices(template, policy: policy) {
      b.heading("七、职称对照表（\(h(titles.sheet, titles.field.key))可填写下列职称或等级）")
      var rows: [[String]] = []
      for choice in titles.values {
        rows.append([choice.value, choice.value])
        for alias in choice.aliases { rows.append([alias, choice.value]) }
      }
      b.append(.table(header: ["职称", "等级"], rows: rows, titles: true))
    }
    blocks = b.blocks
  }

  /// The register's (SPEC §9): what it is, how to fill its columns, what an import does with it.
  init(register template: Template, policy p: Policy) {
    let sheet = template.sheets.first
    let name = "「" + (sheet?.name ?? Template.registerSheetName) + "」"
    func h(_ field: String) -> String { "「" + (sheet?.field(field)?.header ?? field) + "」" }
    let example = AcademicYear(startYear: 2023).firstDay(startMonth: p.academicYearStartMonth)

    var b = Page(title: "产教融合研究生工作站名录 填报说明")

    b.heading("一、名录是什么")
    b.item(
      "本工作簿为工作站名录：\(name)中每个工作站填一行，\(h("station_id"))不得重复。名录导入后，用于核对各工作站的年度数据（编号、名称、设站单位、牵头培养单位、认定日期），并计算各工作站的认定有效期（\(p.validityYears)年）、报送情况和状态。"
    )
    b.item("每次导入请提供完整的名录（包括已撤销、已结束的工作站）。")

    b.heading("二、各列")
    b.item("\(h("recognized_on"))为工作站本期认定有效期的起始日（有效期\(p.validityYears)年，自该日起算）。")
    let states = Template.registerStates
    b.item(
      "\(h("state"))可不填（即为\(states[0])）；可填 \(states.joined(separator: "、"))，用于登记使用本工具之前已有的情况。\(h("state"))不是“\(states[0])”时须填\(h("state_on"))（撤销、验收结论或期满的日期）。"
    )

    b.heading("三、导入规则")
    // The decisions that open a ban, grouped by its length (the policy may give 撤销 one too).
    let banned = Dictionary(grouping: Decision.allCases.filter { $0.banYears(p) > 0 }) {
      $0.banYears(p)
    }
    for (years, decisions) in banned.sorted(by: { $0.key < $1.key }) {
      let words = decisions.map { "“\($0.label)”" }.joined(separator: "、")
      b.item(
        "结论为\(words)的工作站，其\(h("host_unit"))自结论之日起\(years)年内不得重新申报：名录中新增的工作站，其\(h("host_unit"))在\(h("recognized_on"))时仍在禁止期内的，报错（规则 STA-005），整份名录不予导入。"
      )
    }
    b.item(
      "以前导入过、以后的名录中缺少的工作站不会被删除，其记录保留，在工作站状态中标为“\(StationState.unlisted.label)”。"
    )
    b.item(
      "导入是整体的：名录中有任何错误时不导入任何内容，并在名录旁生成带批注的副本（原文件名.annotated.xlsx）标出问题所在；改正后重新导入。"
    )

    b.heading("四、填写格式")
    b.item("日期按 \(example) 的形式填写（也可输入 Excel 日期）；\(h("station_id"))按文本填写（该列已设为文本格式），保留开头的 0。")
    b.item("红色表头为必填项，黑色为选填项。不要修改工作表名称和表头文字。有下拉列表的单元格请从列表中选择。")
    b.item("本页（\(TemplateWriter.instructionsSheet)）导入时不读取，可保留。")

    b.heading("五、各列填写项")
    b.append(Self.fieldTable(template, policy: p))
    blocks = b.blocks
  }

  /// The table of every field: sheet, item, required, how to fill it.
  static func fieldTable(_ template: Template, policy: Policy) -> Block {
    var rows: [[String]] = []
    for sheet in template.sheets {
      for (i, field) in sheet.fields.enumerated() {
        rows.append([
          i == 0 ? sheet.name : "", field.header, Self.requirement(field),
          Self.hint(field, sheet: sheet, template: template, policy: policy),
        ])
      }
    }
    return .table(header: ["工作表", "项目", "必填", "填写要求"], rows: rows, titles: false)
  }

  static func requirement(_ field: FieldSpec) -> String { field.required ? "必填" : "选填" }

  /// The template's title-grade field: the choice whose values are the policy's grades (职称).
  static func titleChoices(_ template: Template, policy: Policy)
    -> (sheet: String, field: FieldSpec, values: [FieldSpec.Choice])?
  {
    for sheet in template.sheets {
      for field in sheet.fields where isGradeField(field, policy: policy) {
        return (sheet.key, field, field.values ?? [])
      }
    }
    return nil
  }

  static func isGradeField(_ field: FieldSpec, policy: Policy) -> Bool {
    guard field.type == .choice, let values = field.values, !values.isEmpty else { return false }
    return Set(values.map(\.value)) == Set(policy.titleGrades)
  }

  /// The values a choice field's dropdown offers: its canonical values; for the title-grade
  /// field, each grade followed by the titles that map to it.
  static func dropdownValues(_ field: FieldSpec, policy: Policy) -> [String] {
    let values = field.values ?? []
    guard isGradeField(field, policy: policy) else { return values.map(\.value) }
    return values.flatMap { [$0.value] + $0.aliases }
  }

  /// How to fill a field: its type in words, plus what the policy asks of it.
  static func hint(_ field: FieldSpec, sheet: SheetSpec, template: Template, policy: Policy)
    -> String
  {
    let example = AcademicYear(startYear: 2023)
    let first = example.firstDay(startMonth: policy.academicYearStartMonth)
    let values = (field.values ?? []).map(\.value).joined(separator: "、")
    var text: String
    switch field.type {
    case .text: text = "文本"
    case .name: text = "姓名，中间不加空格"
    case .code: text = "按文本填写" + (patternWords(field.pattern).map { "，\($0)" } ?? "，保留开头的 0")
    case .codeList:
      text = "一个或多个，用顿号（、）分隔" + (patternWords(field.pattern).map { "；每个为 \($0)" } ?? "")
    case .integer: text = "整数，不小于 0"
    case .money: text = "金额（元），不小于 0，可保留两位小数"
    case .date: text = "日期，如 \(first)"
    case .month: text = "月份，如 \(first.month)（文本）"
    case .yesNo: text = Self.yesNo.joined(separator: " 或 ")
    case .academicYear: text = "学年，如 \(example)"
    case .choice:
      text =
        isGradeField(field, policy: policy)
        ? "具体职称或等级（\(values)），见「\(TemplateWriter.instructionsSheet)」的职称对照表"
        : "从下拉列表选择：\(values)"
    case .choiceList: text = "一项或多项：\(values)；多项用顿号（、）分隔"
    }
    if let extra = policyNote(
      sheet: sheet.key, field: field.key, template: template, policy: policy)
    {
      text += "。" + extra
    }
    return text
  }

  /// What the policy asks of particular fields (keyed as the rules key them).
  private static func policyNote(sheet: String, field: String, template: Template, policy p: Policy)
    -> String?
  {
    let deadline = p.reportDeadline(for: AcademicYear(startYear: 2023)).parts
    switch (sheet, field) {
    case ("station", "submitted_on"): return "学年结束后\(deadline.month)月\(deadline.day)日前报送"
    case ("station", "reported_headcount"): return "本学年内在站的研究生人数"
    case ("station", "subsidy_total"):
      return "等于「\(template.sheet("payments")?.name ?? "补助发放")」实发金额之和"
    case ("students", "left_on"): return "仍在站的不填"
    case ("students", "monthly_standard"):
      let minimums = orderedLevels(p.minimumMonthlySubsidy, template: template)
        .map { "\($0.level)不低于 \($0.amount) 元" }.joined(separator: "，")
      return minimums + "（导师在设站单位承担项目的除外）"
    case ("students", "safety_training"): return "须为“是”"
    case ("people", "title"): return "兼职导师不低于\(p.mentorMinimumGrade)"
    case ("people", "employer"): return "兼职导师应为设站单位"
    case ("payments", "month"): return "每名研究生在站的每个月一行"
    case ("payments", "paid_on"): return "实发金额大于 0 时必填；最迟于\(dueWording(p.paymentDueMonthsAfter))发放"
    case (Template.registerSheetKey, "recognized_on"): return "本期认定有效期的起始日"
    case (Template.registerSheetKey, "state"): return "不填即为\(Template.registerStates[0])"
    case (Template.registerSheetKey, "state_on"):
      return
        "\(template.sheet(sheet)?.field("state")?.header ?? "状态")不是“\(Template.registerStates[0])”时必填"
    default: return nil
    }
  }

  /// "次月最后一天前" for 1 month after.
  static func dueWording(_ months: Int) -> String {
    switch months {
    case ...0: "当月最后一天前"
    case 1: "次月最后一天前"
    default: "其后第 \(months) 个月的最后一天前"
    }
  }

  /// The minimums in the order the template lists the levels (博士 before 硕士), others after.
  static func orderedLevels(_ minimums: [String: Int], template: Template) -> [(
    level: String, amount: Int
  )] {
    let order = template.sheets.flatMap { $0.fields.flatMap { ($0.values ?? []).map(\.value) } }
    return minimums.sorted { a, b in
      let (i, j) = (order.firstIndex(of: a.key) ?? .max, order.firstIndex(of: b.key) ?? .max)
      return i != j ? i < j : a.key < b.key
    }.map { ($0.key, $0.value) }
  }

  /// Words for the two pattern shapes the standard template uses; nil for any other.
  static func patternWords(_ pattern: String?) -> String? {
    guard let pattern else { return nil }
    if let m = pattern.wholeMatch(of: /\^\\d\{(\d+),(\d+)\}\$/) {
      return "\(m.1)–\(m.2) 位数字"
    }
    if let m = pattern.wholeMatch(of: /\^\[A-Za-z0-9\]\[A-Za-z0-9-\]\{(\d+),(\d+)\}\$/),
      let lo = Int(m.1), let hi = Int(m.2)
    {
      return "字母、数字或连字符（-），\(lo + 1)–\(hi + 1) 位，以字母或数字开头"
    }
    return nil
  }
}
