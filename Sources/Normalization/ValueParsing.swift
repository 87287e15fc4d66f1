import Model

/// Why a cell's value was refused: the rule (CELL-002…CELL-006) and a Chinese message.
struct CellProblem: Error, Equatable {
  var rule: String
  var message: String
}

/// Parses cell values into field values per SPEC §4, one field type at a time. Everything a
/// person might reasonably type is accepted; anything ambiguous is refused, never guessed.
final class ValueParser {
  let date1904: Bool
  /// Compiled code patterns and their verdicts so far, per pattern (codes repeat: a student
  /// appears in every month's payment row).
  private var patterns: [String: CodePattern] = [:]
  private var lastPattern: (source: String, compiled: CodePattern)?
  /// Per choice field (by header and key): its values and aliases by comparable key, and the
  /// texts seen so far.
  private var choices: [String: ChoiceTable] = [:]

  init(date1904: Bool) { self.date1904 = date1904 }

  /// The label a field's messages name it by: `「进站日期」`.
  static func label(_ field: FieldSpec) -> String { "「\(field.header)」" }

  func parse(_ value: CellValue, as field: FieldSpec) -> Result<FieldValue, CellProblem> {
    parse(value, as: field, label: Self.label(field))
  }

  /// Parses `value` as `field`; `label` is the field's precomputed ``label(_:)``; `unit` is the
  /// money unit its header or form label names (SPEC §8), which only money fields read.
  func parse(
    _ value: CellValue, as field: FieldSpec, label: String, unit: MoneyUnit = .yuan
  ) -> Result<FieldValue, CellProblem> {
    if case .error(let e) = value {
      return .failure(
        CellProblem(rule: "CELL-006", message: "\(label)是公式错误值 \(e)，请修正公式或直接填写数值。"))
    }
    if case .invalidNumber(let text) = value {
      // A number cell the file could not give a finite number for (SPEC §8): never read as text.
      return .failure(
        CellProblem(rule: "CELL-002", message: "\(label)「\(text)」不是有效的数值，请重新填写该单元格。"))
    }
    if field.unchecked {
      // Read but never checked (the optional 姓名 of 补助发放): kept as submitted.
      return .success(.text(displayText(value, date1904: date1904)))
    }
    switch field.type {
    case .text:
      return .success(.text(TextCleaning.clean(displayText(value, date1904: date1904))))
    case .name:
      return .success(.text(TextCleaning.personName(displayText(value, date1904: date1904))))
    case .code:
      return code(value, field: field, label: label).map { .text($0) }
    case .codeList:
      if case .number = value { return code(value, field: field, label: label).map { .list([$0]) } }
      var codes: [String] = []
      for part in TextCleaning.splitList(displayText(value, date1904: date1904), onSpaces: true) {
        switch code(.text(part), field: field, label: label) {
        case .success(let c): if !codes.contains(c) { codes.append(c) }
        case .failure(let p): return .failure(p)
        }
      }
      return .success(.list(codes))
    case .integer: return integer(value, label: label)
    case .money: return money(value, label: label, unit: unit)
    case .date: return date(value, label: label).map { .date($0) }
    case .month: return month(value, label: label)
    case .yesNo: return yesNo(value, label: label)
    case .choice:
      return choice(displayText(value, date1904: date1904), field: field, label: label).map {
        .text($0)
      }
    case .choiceList:
      var chosen: [String] = []
      for part in TextCleaning.splitList(displayText(value, date1904: date1904), onSpaces: false) {
        switch choice(part, field: field, label: label) {
        case .success(let c): if !chosen.contains(c) { chosen.append(c) }
        case .failure(let p): return .failure(p)
        }
      }
      return .success(.list(chosen))
    case .academicYear: return academicYear(value, label: label)
    }
  }

  // MARK: - Codes

  private func code(_ value: CellValue, field: FieldSpec, label: String) -> Result<
    String, CellProblem
  > {
    let text: String
    switch value {
    case .number(let v):
      // Excel keeps 15 significant digits: a longer number typed into a cell has lost digits.
      guard abs(v) < 1e15 else {
        return .failure(
          CellProblem(
            rule: "CELL-004",
            message: "\(label)是超过 15 位的数字，Excel 已丢失末尾数字。请把该列设为“文本”格式后重新输入。"))
      }
      guard v == v.rounded(), v >= 0 else {
        return .failure(CellProblem(rule: "CELL-004", message: "\(label)应为编码，不能是小数或负数。"))
      }
      text = String(Int64(v))
    default:
      text = TextCleaning.clean(displayText(value, date1904: date1904))
    }
    guard let pattern = field.pattern else { return .success(text) }
    guard matches(text, pattern) else {
      return .failure(
        CellProblem(rule: "CELL-004", message: "\(label)「\(text)」格式不符合要求（应符合 \(pattern)），请核对。"))
    }
    return .success(text)
  }

  private func matches(_ text: String, _ pattern: String) -> Bool {
    if let last = lastPattern, last.source == pattern { return last.compiled.matches(text) }
    let compiled = patterns[pattern] ?? CodePattern(pattern)
    patterns[pattern] = compiled
    lastPattern = (pattern, compiled)
    return compiled.matches(text)
  }

  // MARK: - Numbers

  /// The digits of a whole number typed as text: `1,000`, `１０００`, `12人`, `3名`.
  private func numericText(_ s: String) -> String {
    var t = TextCleaning.personName(s)
    for prefix in ["rmb", "RMB"] where t.hasPrefix(prefix) { t.removeFirst(prefix.count) }
    return t.filter { !"元¥￥人名,".contains($0) }
  }

  private func integer(_ value: CellValue, label: String) -> Result<FieldValue, CellProblem> {
    let v: Double
    switch value {
    case .number(let n): v = n
    case .text(let s):
      // Plain decimal digits only (as for money): `Double("0x10")` would read hex, `1e5` exponents.
      guard let fen = Self.fen(numericText(s)) else {
        return .failure(CellProblem(rule: "CELL-002", message: "\(label)应为整数，当前为「\(s)」。"))
      }
      v = Double(fen) / 100
    default:
      return .failure(CellProblem(rule: "CELL-002", message: "\(label)应为整数。"))
    }
    guard v == v.rounded(), abs(v) < 1e9 else {
      return .failure(
        CellProblem(rule: "CELL-002", message: "\(label)应为整数，当前为「\(formatNumber(v))」。"))
    }
    guard v >= 0 else {
      return .failure(CellProblem(rule: "CELL-005", message: "\(label)不能为负数。"))
    }
    return .success(.integer(Int(v)))
  }

  /// An amount in 元, exact to the fen (SPEC §4, §8). The unit written in a text value (`5万元`,
  /// `1.2万`, `3千元`, `500元`) wins over `unit`, the header's; a number cell is in the header's
  /// unit. Scaling moves the decimal point on the digits (``DecimalNumber``), so `1.2345万` is
  /// 12345 元 exactly and `1.2345678万` (12345.678 元) is refused, not rounded.
  private func money(_ value: CellValue, label: String, unit: MoneyUnit) -> Result<
    FieldValue, CellProblem
  > {
    if case .number(let v) = value, v == v.rounded(), abs(v) < 1e12 / Double(unit.factor) {
      // A whole number of units, the commonest amount, is exact in the double: no digits needed.
      return Self.amount(fen: Int64(v) * unit.factor * 100, label: label)
    }
    let amount: DecimalNumber?
    var unit = unit
    let shown: String
    switch value {
    case .number(let v):
      amount = DecimalNumber(v)
      shown = formatNumber(v)
    case .text(let s):
      let (text, written) = MoneyUnit.split(value: Self.moneyText(s))
      amount = DecimalNumber(plain: text)
      unit = written ?? unit
      shown = s
    default:
      return .failure(CellProblem(rule: "CELL-002", message: "\(label)应为金额（元）。"))
    }
    let yuan = amount?.shifted(by: unit.power)
    guard let yuan, let fen = yuan.fen else {
      if let yuan, !yuan.isWholeFen, unit != .yuan {
        return .failure(
          CellProblem(
            rule: "CELL-002",
            message: "\(label)「\(shown)」按\(unit.name)折合 \(yuan) 元，不是整分的金额（金额只能精确到分）。请核对数值或单位。"))
      }
      return .failure(
        CellProblem(
          rule: "CELL-002",
          message: "\(label)应为金额（元，最多两位小数；也可写作 5万元、3千元），当前为「\(shown)」。"))
    }
    return Self.amount(fen: fen, label: label)
  }

  private static func amount(fen: Int64, label: String) -> Result<FieldValue, CellProblem> {
    guard fen >= 0 else {
      return .failure(CellProblem(rule: "CELL-005", message: "\(label)不能为负数。"))
    }
    return .success(.money(Money(fen: fen)))
  }

  /// An amount typed as text without its decorations: spaces, full-width forms, thousands
  /// separators and the currency (`RMB`, `¥`, `￥`) dropped; a unit after it is left in place.
  private static func moneyText(_ s: String) -> Substring {
    var t = Substring(TextCleaning.personName(s))
    for prefix in ["rmb", "RMB"] where t.hasPrefix(prefix) { t.removeFirst(prefix.count) }
    t.removeAll { $0 == "¥" || $0 == "￥" || $0 == "," }
    return t
  }

  /// Exact decimal text → fen: `-1000.5` → -100050; more than two non-zero decimals, or 10^12 元
  /// and more → nil.
  static func fen(_ s: String) -> Int64? { DecimalNumber(plain: Substring(s))?.fen }

  // MARK: - Dates and months

  private func dateProblem(_ label: String, _ text: String, ambiguous: Bool = false) -> CellProblem
  {
    CellProblem(
      rule: "CELL-002",
      message: ambiguous
        ? "\(label)「\(text)」的月、日顺序有歧义，请写成 年-月-日（如 2023-07-01）。"
        : "\(label)应为日期（如 2023-07-01），当前为「\(text)」。")
  }

  private func date(_ value: CellValue, label: String) -> Result<Day, CellProblem> {
    switch value {
    case .date(let serial), .number(let serial):
      if case .number = value, let day = Self.compactDate(serial) { return .success(day) }
      // A serial from a date cell — or from a date column that lost its format.
      guard serial >= 1, let p = SpreadsheetDate.parts(serial: serial, date1904: date1904),
        (1950...2100).contains(p.year), let day = Day(year: p.year, month: p.month, day: p.day)
      else { return .failure(dateProblem(label, displayText(value, date1904: date1904))) }
      return .success(day)
    case .isoDate(let d):
      guard d.hasDate, (1950...2100).contains(d.parts.year),
        let day = Day(year: d.parts.year, month: d.parts.month, day: d.parts.day)
      else { return .failure(dateProblem(label, d.display)) }
      return .success(day)
    case .text(let s):
      if let day = Self.isoDate(s) { return .success(day) }
      let g = DigitGroups(TextCleaning.clean(s))
      if let day = g.date() { return .success(day) }
      return .failure(dateProblem(label, s, ambiguous: g.isMonthDayYear))
    default:
      return .failure(dateProblem(label, displayText(value, date1904: date1904)))
    }
  }

  /// The commonest forms, read straight from the bytes: `2023-07` and `2023-07-01`.
  private static func isoMonth(_ s: String) -> Month? {
    s.utf8.withContiguousStorageIfAvailable { b -> Month? in
      guard b.count == 7, b[4] == UInt8(ascii: "-"), let y = digits(b, 0, 4),
        let m = digits(b, 5, 2),
        (1...12).contains(m)
      else { return nil }
      return Month(year: y, month: m)
    } ?? nil
  }

  private static func isoDate(_ s: String) -> Day? {
    s.utf8.withContiguousStorageIfAvailable { b -> Day? in
      guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
        let y = digits(b, 0, 4),
        let m = digits(b, 5, 2), let d = digits(b, 8, 2)
      else { return nil }
      return Day(year: y, month: m, day: d)
    } ?? nil
  }

  @inline(__always)
  private static func digits(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ n: Int) -> Int? {
    var v = 0
    for i in at..<(at + n) {
      let d = b[i] &- UInt8(ascii: "0")
      guard d < 10 else { return nil }
      v = v * 10 + Int(d)
    }
    return v
  }

  /// `20230701` typed as a number.
  private static func compactDate(_ v: Double) -> Day? {
    guard v == v.rounded(), v >= 19_000_101, v <= 29_991_231 else { return nil }
    let n = Int(v)
    return Day(year: n / 10000, month: n / 100 % 100, day: n % 100)
  }

  private func month(_ value: CellValue, label: String) -> Result<FieldValue, CellProblem> {
    if case .text(let s) = value, let m = Self.isoMonth(s) { return .success(.month(m)) }
    var problem: CellProblem {
      CellProblem(
        rule: "CELL-002",
        message: "\(label)应为年月（如 2023-07），当前为「\(displayText(value, date1904: date1904))」。")
    }
    switch value {
    case .date, .isoDate:
      return date(value, label: label).map { .month($0.month) }.mapError { _ in problem }
    case .number(let v):
      if v == v.rounded(), v >= 190_001, v <= 299_912, (1...12).contains(Int(v) % 100) {
        return .success(.month(Month(year: Int(v) / 100, month: Int(v) % 100)))  // 202307
      }
      if v == v.rounded(), let day = Self.compactDate(v) { return .success(.month(day.month)) }
      // 2023.7 typed into a number cell; 2023.1 could be January or October (2023.10).
      let year = v.rounded(.down)
      let scaled = (v - year) * 100
      let hundredths = Int(scaled.rounded())
      // Only one or two decimals name a month: 2023.123 is no month, not December.
      if year >= 1900, year <= 2999, v != year, abs(scaled - scaled.rounded()) < 1e-6 {
        if hundredths == 10 {
          return .failure(
            CellProblem(
              rule: "CELL-002",
              message:
                "\(label)「\(formatNumber(v))」无法区分是 1 月还是 10 月（Excel 把 2023.10 存成了 2023.1），请写成 2023-10 或 2023-01。"
            ))
        }
        let m = hundredths % 10 == 0 ? hundredths / 10 : hundredths
        if (1...12).contains(m) { return .success(.month(Month(year: Int(year), month: m))) }
      }
      return date(value, label: label).map { .month($0.month) }.mapError { _ in problem }
    case .text(let s):
      if let m = Self.isoMonth(s) { return .success(.month(m)) }
      let g = DigitGroups(TextCleaning.clean(s))
      if let m = g.month() { return .success(.month(m)) }
      if let day = g.date() { return .success(.month(day.month)) }
      return .failure(problem)
    default:
      return .failure(problem)
    }
  }

  // MARK: - Yes/no, choices, years

  private static let yes: Set<String> = ["是", "y", "yes", "true", "√", "✓", "✔", "有", "1", "对"]
  private static let no: Set<String> = [
    "否", "n", "no", "false", "×", "✗", "✘", "x", "无", "0", "不是", "没有",
  ]

  private func yesNo(_ value: CellValue, label: String) -> Result<FieldValue, CellProblem> {
    if case .bool(let b) = value { return .success(.bool(b)) }
    if case .text(let t) = value {
      if t == "是" { return .success(.bool(true)) }
      if t == "否" { return .success(.bool(false)) }
    }
    let key = TextCleaning.key(displayText(value, date1904: date1904))
    if Self.yes.contains(key) { return .success(.bool(true)) }
    if Self.no.contains(key) { return .success(.bool(false)) }
    return .failure(
      CellProblem(
        rule: "CELL-002",
        message: "\(label)应填“是”或“否”，当前为「\(displayText(value, date1904: date1904))」。"))
  }

  private func choice(_ text: String, field: FieldSpec, label: String) -> Result<
    String, CellProblem
  > {
    // Keys repeat across sheets (`level` is 培养层次 and 成果级别): the header tells them apart.
    let id = field.header + "\u{1}" + field.key
    let table = choices[id] ?? ChoiceTable(field)
    choices[id] = table
    if let value = table.value(of: text) { return .success(value) }
    let allowed = (field.values ?? []).map(\.value).joined(separator: "、")
    return .failure(
      CellProblem(
        rule: "CELL-003", message: "\(label)「\(TextCleaning.clean(text))」不是允许的取值，应为：\(allowed)。"))
  }

  private func academicYear(_ value: CellValue, label: String) -> Result<FieldValue, CellProblem> {
    // Spaces around the separator (`2023 - 2024`) are no content.
    let text = TextCleaning.personName(displayText(value, date1904: date1904))
    let problem = CellProblem(
      rule: "CELL-004", message: "\(label)应写成连续两年，如 2023-2024，当前为「\(text)」。")
    var rest = Substring(text)
    for suffix in ["学年度", "学年", "年度"] where rest.hasSuffix(suffix) {
      rest = rest.dropLast(suffix.count)
    }
    let years = rest.split { "-—–~～至/－".contains($0) }
    guard years.count == 2, years.allSatisfy({ $0.count == 4 && $0.allSatisfy(\.isASCIIDigit) }),
      let a = Int(years[0]), let b = Int(years[1]), b == a + 1,
      (9...10).contains(rest.count)  // one separator (two for a doubled dash) between the years
    else { return .failure(problem) }
    return .success(.academicYear(AcademicYear(startYear: a)))
  }
}

extension Character {
  var isASCIIDigit: Bool { asciiValue.map { $0 >= 48 && $0 <= 57 } ?? false }
}

/// A date-like text taken apart into its digit groups and what separates them.
struct DigitGroups {
  var groups: [Substring] = []
  var separators: [String] = []
  var valid = true

  init(_ s: String) {
    var current = ""
    var start: String.Index?
    for i in s.indices {
      if s[i].isASCIIDigit {
        if start == nil {
          start = i
          separators.append(current)
          current = ""
        }
      } else {
        if let st = start {
          groups.append(s[st..<i])
          start = nil
        }
        current.append(s[i])
      }
    }
    if let st = start { groups.append(s[st...]) }
    separators.append(current)
    let allowed: Set<Character> = ["-", "/", ".", "年", "月", "日", " ", ":", "T", "号", "份"]
    valid =
      separators.allSatisfy { $0.allSatisfy { allowed.contains($0) } } && separators.first == ""
  }

  private func number(_ i: Int) -> Int? { i < groups.count ? Int(groups[i]) : nil }

  /// Year-first dates: `2023-07-01`, `2023/7/1`, `2023.7.1`, `2023年7月1日`, `20230701`, with an
  /// optional time after them.
  func date() -> Day? {
    guard valid else { return nil }
    if groups.count == 1, groups[0].count == 8, let n = Int(groups[0]) {
      return Day(year: n / 10000, month: n / 100 % 100, day: n % 100)
    }
    guard groups.count == 3 || groups.count == 5 || groups.count == 6, groups[0].count == 4,
      groups[1].count <= 2, groups[2].count <= 2, let y = number(0), let m = number(1),
      let d = number(2)
    else { return nil }
    return Day(year: y, month: m, day: d)
  }

  /// `2023-07`, `2023/07`, `2023.7`, `2023年7月`, `202307`.
  func month() -> Month? {
    guard valid else { return nil }
    if groups.count == 1, groups[0].count == 6, let n = Int(groups[0]), (1...12).contains(n % 100) {
      return Month(year: n / 100, month: n % 100)
    }
    guard groups.count == 2, groups[0].count == 4, groups[1].count <= 2, let y = number(0),
      let m = number(1), (1...12).contains(m)
    else { return nil }
    return Month(year: y, month: m)
  }

  /// `7/1/2023`: month and day first, which cannot be told apart.
  var isMonthDayYear: Bool {
    valid && groups.count == 3 && groups[2].count == 4 && groups[0].count <= 2
      && groups[1].count <= 2
  }
}

/// The allowed values of a choice field by comparable key (its value and every alias), with the
/// verdicts on texts seen so far (the same few texts fill a whole column).
final class ChoiceTable {
  private var byKey: [String: String] = [:]
  private var seen: [String: String?] = [:]

  init(_ field: FieldSpec) {
    for choice in field.values ?? [] {
      for name in [choice.value] + choice.aliases where byKey[TextCleaning.key(name)] == nil {
        byKey[TextCleaning.key(name)] = choice.value
      }
    }
  }

  func value(of text: String) -> String? {
    if let known = seen[text] { return known }
    let value = byKey[TextCleaning.key(text)]
    if seen.count < 10_000 { seen[text] = value }
    return value
  }
}

/// A code pattern (a regular expression matched whole), with its verdicts cached.
final class CodePattern {
  private let regex: Regex<AnyRegexOutput>?
  private var cache: [String: Bool] = [:]

  init(_ pattern: String) { regex = try? Regex(pattern) }

  func matches(_ s: String) -> Bool {
    if let known = cache[s] { return known }
    let verdict = regex.map { ((try? $0.wholeMatch(in: s)) ?? nil) != nil } ?? true
    if cache.count < 100_000 { cache[s] = verdict }
    return verdict
  }
}
