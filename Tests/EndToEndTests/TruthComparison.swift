import Foundation

// Scoring of `pipeline dump FILE --format json` against the wild corpus truth
// (`/work/shared/corpus/wild/README.md`, "Truth format" and "Scoring a reader"). Everything here is
// a plain function of (truth JSON, process result); `CorpusTests.swift` only runs the binary and
// turns the outcome into Swift Testing issues.

// MARK: - JSON

/// A decoded JSON value that keeps booleans apart from numbers (`true` and `1` are different cell
/// values, and `JSONSerialization`'s `NSNumber` blurs them on Linux).
indirect enum JSONValue: Decodable, Equatable, Sendable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      self = .null
    } else if let b = try? c.decode(Bool.self) {
      self = .bool(b)
    } else if let d = try? c.decode(Double.self) {
      self = .number(d)
    } else if let s = try? c.decode(String.self) {
      self = .string(s)
    } else if let o = try? c.decode([String: JSONValue].self) {
      self = .object(o)
    } else if let a = try? c.decode([JSONValue].self) {
      self = .array(a)
    } else {
      throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a JSON value")
    }
  }

  static func parse(_ data: Data) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: data)
  }

  subscript(key: String) -> JSONValue? {
    if case .object(let o) = self { return o[key] }
    return nil
  }

  var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }
  var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }
  var numberValue: Double? {
    if case .number(let n) = self { return n }
    return nil
  }
  var arrayValue: [JSONValue]? {
    if case .array(let a) = self { return a }
    return nil
  }
  var objectValue: [String: JSONValue]? {
    if case .object(let o) = self { return o }
    return nil
  }

  /// Compact JSON-ish text for messages.
  var brief: String {
    switch self {
    case .null: "null"
    case .bool(let b): b ? "true" : "false"
    case .number(let n): formatNumber(n)
    case .string(let s): quoted(s)
    case .array(let a): "[" + a.map(\.brief).joined(separator: ", ") + "]"
    case .object(let o):
      "{" + o.keys.sorted().map { "\(quoted($0)): \(o[$0]!.brief)" }.joined(separator: ", ") + "}"
    }
  }
}

/// A string quoted with its control characters escaped, so `"ABC\r\nDEF"` and `"ABC_x000D_…"`
/// read differently in a failure message.
func quoted(_ s: String) -> String {
  var out = "\""
  for u in s.unicodeScalars {
    switch u {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    default:
      if u.value < 0x20 || u.value == 0x7F || (0x80..<0xA0).contains(u.value) {
        out += "\\u{\(String(u.value, radix: 16, uppercase: true))}"
      } else {
        out.unicodeScalars.append(u)
      }
    }
  }
  return out + "\""
}

func formatNumber(_ n: Double) -> String {
  if n.rounded() == n && abs(n) < 1e15 { return String(Int64(n)) }
  return "\(n)"
}

// MARK: - Cell positions

/// A cell position parsed from an A1 reference; ordered row-major (row, then column), the order
/// the truth lists cells in.
struct CellPosition: Hashable, Comparable, Sendable, CustomStringConvertible {
  let row: Int
  let column: Int

  init(row: Int, column: Int) {
    self.row = row
    self.column = column
  }

  /// Parses `B7` … `XFD1048576` (upper-case letters, no `$`, no leading zero); nil otherwise.
  init?(_ a1: String) {
    var column = 0
    var row = 0
    var letters = 0
    var digits = 0
    for u in a1.unicodeScalars {
      switch u.value {
      case 0x41...0x5A:  // A-Z
        guard digits == 0 else { return nil }
        letters += 1
        column = column * 26 + Int(u.value - 0x40)
        if column > 16_384 { return nil }
      case 0x30...0x39:  // 0-9
        guard letters > 0, !(digits == 0 && u.value == 0x30) else { return nil }
        digits += 1
        row = row * 10 + Int(u.value - 0x30)
        if row > 1_048_576 { return nil }
      default:
        return nil
      }
    }
    guard letters > 0, digits > 0 else { return nil }
    self.row = row
    self.column = column
  }

  var a1: String {
    var n = column
    var letters: [Character] = []
    while n > 0 {
      let r = (n - 1) % 26
      letters.append(Character(UnicodeScalar(UInt8(65 + r))))
      n = (n - 1) / 26
    }
    return String(letters.reversed()) + String(row)
  }
  var description: String { a1 }

  static func < (a: CellPosition, b: CellPosition) -> Bool {
    (a.row, a.column) < (b.row, b.column)
  }
}

// MARK: - Cell values

/// A cell value in the truth format. Dates and times keep the text they were written as and the
/// instant it denotes (milliseconds), so messages show what was written and comparison uses the
/// instant.
enum SheetValue: Equatable, Sendable, CustomStringConvertible {
  case string(String)
  case number(Double)
  case bool(Bool)
  /// `{"date": "YYYY-MM-DDTHH:MM:SS[.mmm]"}`; `millis` counts from 1970-01-01T00:00:00 (proleptic
  /// Gregorian, no time zone).
  case date(text: String, millis: Double)
  /// `{"time": "HH:MM:SS[.mmm]"}`; `millis` since midnight.
  case time(text: String, millis: Double)
  /// `{"duration_seconds": n}`.
  case duration(seconds: Double)
  /// `{"error": "#N/A"}`.
  case error(String)

  struct FormatError: Error, CustomStringConvertible {
    let description: String
  }

  /// Reads a truth-format value; nil means empty (JSON null or the empty string, which the README
  /// counts as an absent cell).
  static func from(_ json: JSONValue) throws(FormatError) -> SheetValue? {
    switch json {
    case .null: return nil
    case .string(let s): return s.isEmpty ? nil : .string(s)
    case .number(let n): return .number(n)
    case .bool(let b): return .bool(b)
    case .object(let o):
      guard o.count == 1, let (key, value) = o.first else {
        throw FormatError(description: "not a cell value: \(json.brief)")
      }
      switch (key, value) {
      case ("date", .string(let text)):
        guard let ms = parseISODateTime(text) else {
          throw FormatError(description: "bad date text \(quoted(text))")
        }
        return .date(text: text, millis: ms)
      case ("time", .string(let text)):
        guard let ms = parseTimeOfDay(text) else {
          throw FormatError(description: "bad time text \(quoted(text))")
        }
        return .time(text: text, millis: ms)
      case ("duration_seconds", .number(let seconds)):
        return .duration(seconds: seconds)
      case ("error", .string(let e)):
        return .error(e)
      default:
        throw FormatError(description: "not a cell value: \(json.brief)")
      }
    case .array:
      throw FormatError(description: "not a cell value: \(json.brief)")
    }
  }

  var description: String {
    switch self {
    case .string(let s): quoted(s)
    case .number(let n): formatNumber(n)
    case .bool(let b): b ? "true" : "false"
    case .date(let text, _): "{\"date\": \"\(text)\"}"
    case .time(let text, _): "{\"time\": \"\(text)\"}"
    case .duration(let s): "{\"duration_seconds\": \(formatNumber(s))}"
    case .error(let e): "{\"error\": \(quoted(e))}"
    }
  }
}

/// Describes an optional cell value for messages: `(empty)` for an absent cell.
func describe(_ v: SheetValue?) -> String { v.map(\.description) ?? "(empty)" }

/// The README's equality: strings exact (Unicode scalars, no normalisation), numbers within a
/// relative 1e-9 (so 0 only equals 0), a boolean never equals a number, dates/times as instants and
/// durations numerically within 1 ms, errors exact. Absent equals absent.
func valuesMatch(_ a: SheetValue?, _ b: SheetValue?) -> Bool {
  switch (a, b) {
  case (nil, nil): return true
  case (nil, _), (_, nil): return false
  case (.string(let x), .string(let y)):
    // Swift's `==` on String is canonical equivalence; the truth wants the exact scalars.
    return x.unicodeScalars.elementsEqual(y.unicodeScalars)
  case (.number(let x), .number(let y)):
    return abs(x - y) <= 1e-9 * max(abs(x), abs(y))
  case (.bool(let x), .bool(let y)):
    return x == y
  case (.date(_, let x), .date(_, let y)), (.time(_, let x), .time(_, let y)):
    return abs(x - y) <= millisecondTolerance
  case (.duration(let x), .duration(let y)):
    return abs(x - y) * 1000 <= millisecondTolerance
  case (.error(let x), .error(let y)):
    return x.unicodeScalars.elementsEqual(y.unicodeScalars)
  default:
    return false
  }
}

/// 1 ms, plus a hair for the binary rounding of `.mmm` fractions.
let millisecondTolerance = 1.0 + 1e-6

/// `YYYY-MM-DDTHH:MM:SS[.fff…]` → milliseconds since 1970-01-01T00:00:00, or nil.
func parseISODateTime(_ text: String) -> Double? {
  // A time-zone designator (`Z`, `+08:00`, `-0500`), as our dump keeps a `t="d"` cell's: the
  // instant is the wall-clock time less the offset.
  var text = Substring(text)
  var offsetMinutes = 0
  if text.hasSuffix("Z") {
    text = text.dropLast()
  } else if let sign = text.lastIndex(where: { $0 == "+" || $0 == "-" }),
    let t = text.firstIndex(of: "T"), sign > t
  {
    let zone = text[text.index(after: sign)...].filter { $0 != ":" }
    guard zone.count == 4 || zone.count == 2, zone.allSatisfy({ $0.isASCII && $0.isNumber }),
      let hh = Int(zone.prefix(2)),
      let mm = Int(zone.dropFirst(2).isEmpty ? "0" : zone.dropFirst(2))
    else { return nil }
    offsetMinutes = (text[sign] == "-" ? -1 : 1) * (hh * 60 + mm)
    text = text[..<sign]
  }
  guard let local = parseLocalISODateTime(String(text)) else { return nil }
  return local - Double(offsetMinutes) * 60_000
}

/// `YYYY-MM-DDTHH:MM:SS[.fff…]` with no designator → milliseconds since 1970-01-01, or nil.
func parseLocalISODateTime(_ text: String) -> Double? {
  let parts = text.split(separator: "T", omittingEmptySubsequences: false)
  guard parts.count == 2 else { return nil }
  let ymd = parts[0].split(separator: "-", omittingEmptySubsequences: false)
  guard ymd.count == 3, ymd[0].count == 4, ymd[1].count == 2, ymd[2].count == 2,
    let y = Int(ymd[0]), let m = Int(ymd[1]), let d = Int(ymd[2]),
    (1...12).contains(m), (1...daysInMonth(year: y, month: m)).contains(d),
    let tod = parseTimeOfDay(String(parts[1]))
  else { return nil }
  return Double(daysFromCivil(year: y, month: m, day: d)) * 86_400_000 + tod
}

/// `HH:MM:SS[.fff…]` → milliseconds since midnight, or nil.
func parseTimeOfDay(_ text: String) -> Double? {
  let dot = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
  let hms = dot[0].split(separator: ":", omittingEmptySubsequences: false)
  guard hms.count == 3, hms.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
    let h = Int(hms[0]), let mi = Int(hms[1]), let s = Int(hms[2]),
    (0...23).contains(h), (0...59).contains(mi), (0...59).contains(s)
  else { return nil }
  var fraction = 0.0
  if dot.count == 2 {
    guard !dot[1].isEmpty, dot[1].allSatisfy({ $0.isASCII && $0.isNumber }),
      let f = Double("0." + dot[1])
    else { return nil }
    fraction = f
  }
  return (Double(h * 3600 + mi * 60 + s) + fraction) * 1000
}

func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

func daysInMonth(year: Int, month: Int) -> Int {
  [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
}

/// Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's `days_from_civil`).
func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
  let y = month <= 2 ? year - 1 : year
  let era = (y >= 0 ? y : y - 399) / 400
  let yoe = y - era * 400
  let mp = (month + 9) % 12
  let doy = (153 * mp + 2) / 5 + day - 1
  let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
  return era * 146_097 + doe - 719_468
}

/// Strips leading and trailing White_Space scalars, as Rust's `str::trim` (python-calamine) does.
func trimmedLikeCalamine(_ s: String) -> String {
  let scalars = Array(s.unicodeScalars)
  guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
    let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
  else { return "" }
  var out = String.UnicodeScalarView()
  out.append(contentsOf: scalars[first...last])
  return String(out)
}

// MARK: - Truth

struct TruthFormatError: Error, CustomStringConvertible {
  let description: String
}

/// One `files/<name>.truth.json`.
enum WorkbookTruth: Sendable {
  /// Neither reference reader opens the file: it must be rejected.
  case mustReject(reason: String)
  case readable(ReadableTruth)

  static func load(_ url: URL) throws -> WorkbookTruth {
    let json = try JSONValue.parse(Data(contentsOf: url))
    return try parse(json)
  }

  static func parse(_ json: JSONValue) throws(TruthFormatError) -> WorkbookTruth {
    guard case .object(let root) = json else {
      throw TruthFormatError(description: "truth is not a JSON object")
    }
    if let error = root["error"] {
      return .mustReject(reason: error.stringValue ?? error.brief)
    }
    return .readable(try ReadableTruth(root))
  }
}

struct ReadableTruth: Sendable {
  var file: String
  /// `openpyxl` or `python-calamine`.
  var truthSource: String
  var rejectOK: Bool
  var agree: Bool
  var date1904: Bool
  var sheets: [SheetTruth]
  /// Cell-level records (`open_failed:*` records, which name no cell, are kept in
  /// `openFailures`).
  var disagreements: [DisagreementRecord]
  var openFailures: [String]

  init(_ root: [String: JSONValue]) throws(TruthFormatError) {
    func need<T>(_ key: String, _ get: (JSONValue) -> T?) throws(TruthFormatError) -> T {
      guard let v = root[key], let t = get(v) else {
        throw TruthFormatError(description: "truth lacks a valid \"\(key)\"")
      }
      return t
    }
    file = try need("file", \.stringValue)
    truthSource = try need("truth_source", \.stringValue)
    rejectOK = try need("reject_ok", \.boolValue)
    agree = root["agree"]?.boolValue ?? true
    date1904 = try need("date1904", \.boolValue)
    sheets = []
    for s in try need("sheets", \.arrayValue) {
      sheets.append(try SheetTruth(s))
    }
    disagreements = []
    openFailures = []
    for r in root["disagreements"]?.arrayValue ?? [] {
      guard let kind = r["kind"]?.stringValue else {
        throw TruthFormatError(description: "disagreement without kind: \(r.brief)")
      }
      if kind.hasPrefix("open_failed:") {
        openFailures.append("\(kind): \(r["reason"]?.stringValue ?? "?")")
      } else {
        disagreements.append(try DisagreementRecord(r, kind: kind))
      }
    }
  }
}

struct SheetTruth: Sendable {
  var name: String
  var visible: String
  var kind: String
  var cellCount: Int
  var truncated: Bool
  var cells: [CellPosition: SheetValue]

  init(_ json: JSONValue) throws(TruthFormatError) {
    guard let name = json["name"]?.stringValue, let visible = json["visible"]?.stringValue,
      let kind = json["kind"]?.stringValue, let count = json["cell_count"]?.numberValue,
      let cells = json["cells"]?.objectValue
    else { throw TruthFormatError(description: "malformed truth sheet") }
    self.name = name
    self.visible = visible
    self.kind = kind
    self.cellCount = Int(count)
    self.truncated = json["truncated"]?.boolValue ?? false
    self.cells = [:]
    for (ref, value) in cells {
      guard let pos = CellPosition(ref) else {
        throw TruthFormatError(description: "truth sheet \(quoted(name)): bad reference \(ref)")
      }
      do {
        if let v = try SheetValue.from(value) { self.cells[pos] = v }
      } catch {
        throw TruthFormatError(description: "truth \(quoted(name))!\(ref): \(error)")
      }
    }
  }

  /// For a truncated sheet, the last listed cell in row-major order: only cells at or before it
  /// are known.
  var comparisonLimit: CellPosition? { truncated ? cells.keys.max() : nil }
}

/// A cell where python-calamine's view differs from openpyxl's.
struct DisagreementRecord: Sendable {
  var kind: String
  var sheet: String
  var cell: CellPosition
  /// Each reader's value (nil: the reader shows the cell as empty).
  var openpyxl: SheetValue?
  var calamine: SheetValue?
  /// The values the README lets a reader return (nil entries: empty is allowed).
  var accept: [SheetValue?]

  init(_ r: JSONValue, kind: String) throws(TruthFormatError) {
    guard let sheet = r["sheet"]?.stringValue, let ref = r["cell"]?.stringValue,
      let cell = CellPosition(ref), let accept = r["accept"]?.arrayValue,
      let o = r["openpyxl"], let c = r["calamine"]
    else {
      throw TruthFormatError(description: "malformed \(kind) disagreement: \(r.brief)")
    }
    self.kind = kind
    self.sheet = sheet
    self.cell = cell
    do {
      self.openpyxl = try SheetValue.from(o)
      self.calamine = try SheetValue.from(c)
      self.accept = try accept.map { v throws(SheetValue.FormatError) in try SheetValue.from(v) }
    } catch {
      throw TruthFormatError(description: "\(kind) at \(quoted(sheet))!\(ref): \(error)")
    }
  }

  /// The value of the reader the truth was taken from (what `cells`/`cell_count` reflect).
  func value(of truthSource: String) -> SheetValue? {
    truthSource == "openpyxl" ? openpyxl : calamine
  }
}

// MARK: - Disagreement decisions

/// Where the two reference readers disagree, the corpus accepts either; we do not. Each kind is
/// decided by ECMA-376 (or XML 1.0) and our reader must return the decided value, which must itself
/// be one the truth accepts.
struct DisagreementRule: Sendable {
  enum Pick: Sendable {
    case openpyxl
    case calamine
    /// Both readings are defensible; any `accept` entry passes.
    case anyAccepted
  }

  /// The kind it decides; a trailing `*` matches a prefix (`type_mismatch:*`).
  let kind: String
  let pick: Pick
  let reason: String
  /// Checks that a record is the situation the rule was written for; a message if not, so a
  /// regenerated truth that changes meaning fails loudly instead of being decided blindly.
  let shape: @Sendable (DisagreementRecord) -> String?

  func matches(_ kind: String) -> Bool {
    self.kind.hasSuffix("*") ? kind.hasPrefix(self.kind.dropLast()) : kind == self.kind
  }
}

enum DisagreementDecisions {
  static let rules: [DisagreementRule] = [
    // ECMA-376 Part 1 §18.18.11 ST_CellType `e`: the cell holds an error value (§18.3.1.4 `c`,
    // `<v>#N/A</v>`). Showing it as an empty cell loses a value the workbook stores; the
    // python-calamine binding's empty cell is an artefact of the binding, not a reading of the
    // file. → openpyxl's `{"error": …}`.
    DisagreementRule(
      kind: "error_cell_empty_in_calamine", pick: .openpyxl,
      reason: "ECMA-376 §18.18.11 ST_CellType e: the cell holds an error value",
      shape: { r in
        if case .error = r.openpyxl, r.calamine == nil { return nil }
        return "expected openpyxl = error, calamine = empty"
      }),
    // ECMA-376 Part 1 §22.9.2.19 ST_Xstring: `_xHHHH_` in string content encodes the character
    // U+HHHH (that is how XML-illegal characters such as U+0007 and a bare U+000D are stored).
    // Leaving the escape literal shows the encoding, not the string. → calamine's decoded text.
    DisagreementRule(
      kind: "string_xHHHH_escape", pick: .calamine,
      reason: "ECMA-376 §22.9.2.19 ST_Xstring: _xHHHH_ encodes U+HHHH",
      shape: { r in
        guard case .string(let o) = r.openpyxl, case .string = r.calamine,
          o.contains(/_x[0-9A-Fa-f]{4}_/)
        else { return "expected openpyxl = a string with a literal _xHHHH_, calamine = a string" }
        return nil
      }),
    // XML 1.0 §2.10: without `xml:space="preserve"` the application's default white-space
    // handling applies, and Excel's default drops the white space at the edges of a `<t>` (so
    // that is what the submitter saw); Excel and WPS always write `preserve` on a run whose edge
    // spaces a person typed. ECMA-376 Part 1 §18.4.12 (t) relies on xml:space for this. The reader
    // follows Excel. → calamine's trimmed text.
    DisagreementRule(
      kind: "string_edge_whitespace", pick: .calamine,
      reason: "XML 1.0 §2.10 + ECMA-376 §18.4.12: edge white space of a <t> without xml:space="
        + "\"preserve\" is not content (Excel's default); keep what Excel shows",
      shape: { r in
        guard case .string(let o) = r.openpyxl,
          trimmedLikeCalamine(o)
            == (r.calamine.flatMap { if case .string(let c) = $0 { c } else { nil } } ?? "")
        else { return "expected calamine = openpyxl with edge whitespace trimmed" }
        return nil
      }),
    // ECMA-376 Part 1 §18.3.1.55 mergeCell only describes how cells are displayed; the non-anchor
    // cell's `<c>` element and its `<v>` are still in sheetData (§18.3.1.80). The value is in the
    // file, so a reader that reports what the file holds keeps it. → calamine's value (not empty).
    DisagreementRule(
      kind: "merged_non_anchor_value", pick: .calamine,
      reason: "ECMA-376 §18.3.1.55 mergeCell is display only; the <c> value is still in sheetData",
      shape: { r in
        r.openpyxl == nil && r.calamine != nil
          ? nil : "expected openpyxl = empty, calamine = a value"
      }),
    // Negative serials and exotic formats (LONumbers.xlsx, number_format.xlsm): ECMA-376 Part 1
    // §18.8.30 numFmt / §18.8.31 numFmts only say how a number is displayed; the cell stores the
    // same serial either way (§18.3.1.96 `v`). A date before 1900, a time of day, a duration or
    // the plain number are all readings of that serial, and for negative serials under a date
    // format Excel itself shows `#####`, so the standard picks none. → any `accept` entry.
    DisagreementRule(
      kind: "type_mismatch:*", pick: .anyAccepted,
      reason:
        "ECMA-376 §18.8.30 numFmt is display only; all readings of the same serial are accepted",
      shape: { r in
        r.openpyxl != nil && r.calamine != nil ? nil : "expected both readers to show a value"
      }),
  ]

  enum Decision: Sendable {
    case require(SheetValue?, rule: DisagreementRule)
    case anyOf([SheetValue?], rule: DisagreementRule)
  }

  /// The value our reader must return for a record, or a message when the table has no rule for
  /// its kind, the record does not have the shape the rule was written for, or the decided value
  /// is not among the truth's `accept` values.
  static func decide(_ r: DisagreementRecord) -> Result<Decision, TruthFormatError> {
    func fail(_ why: String) -> Result<Decision, TruthFormatError> {
      .failure(
        TruthFormatError(
          description: "disagreement \(r.kind) at \(quoted(r.sheet))!\(r.cell): \(why)"))
    }
    guard let rule = rules.first(where: { $0.matches(r.kind) }) else {
      return fail("no ECMA-376 decision for this kind; add one to DisagreementDecisions.rules")
    }
    if let bad = rule.shape(r) {
      return fail("\(bad) (openpyxl \(describe(r.openpyxl)), calamine \(describe(r.calamine)))")
    }
    let decided: SheetValue?
    switch rule.pick {
    case .anyAccepted:
      guard !r.accept.isEmpty else { return fail("empty accept list") }
      return .success(.anyOf(r.accept, rule: rule))
    case .openpyxl: decided = r.openpyxl
    case .calamine: decided = r.calamine
    }
    guard r.accept.contains(where: { valuesMatch($0, decided) }) else {
      let accepted = r.accept.map(describe).joined(separator: ", ")
      return fail("decided value \(describe(decided)) is not in accept [\(accepted)]")
    }
    return .success(.require(decided, rule: rule))
  }
}

// MARK: - Artefacts of a python-calamine-only truth

/// When only python-calamine opens a file (`truth_source` is `python-calamine`), there is no
/// disagreement record: openpyxl was not there to disagree. The truth then carries a calamine
/// artefact that the corpus data shows (sheetjs__xlsx-stream-d-date-cell.xlsx); where our value is
/// the spec reading that the artefact was made from, it passes. Returns the reason, or
/// nil when the difference is not one of these.
func calamineArtefact(ours: SheetValue?, truth: SheetValue?) -> String? {
  // A `t="d"` cell whose ISO 8601 text ends in `Z`: python-calamine hands the text back as a
  //    string. ECMA-376 Part 1 §18.18.11 ST_CellType `d`: the cell holds a date in ISO 8601 form,
  //    so the value is a date; SPEC §8 has it keep its designator and show it as the file does, so
  //    our date's text must be the truth's string exactly, `Z` included. (A text cell that merely
  //    looks like an ISO date would also pass here; no such cell is in the calamine-only files.)
  if case .date(let text, _)? = ours, case .string(let w)? = truth, w.hasSuffix("Z"), text == w {
    return "calamine ISO t=\"d\" text as string (ECMA-376 §18.18.11 d)"
  }
  return nil
}

// MARK: - Scoring one workbook

struct CellMismatch: Sendable, CustomStringConvertible {
  var file: String
  var sheet: String
  var cell: String
  var ours: String
  var expected: String

  var description: String {
    "\(file) \(quoted(sheet))!\(cell): ours \(ours), expected \(expected)"
  }
}

/// The result of comparing a dump with a readable truth.
struct WorkbookScore: Sendable {
  /// Workbook- and sheet-level failures (date system, sheet list, visibility, kind, counts,
  /// output format).
  var problems: [String] = []
  var mismatches: [CellMismatch] = []
  var cellsCompared = 0
  var cellsMatched = 0
  /// Cells passed by a disagreement decision or a truth-source artefact, by reason.
  var decided: [String: Int] = [:]
}

/// Our `kind` as the truth spells it: the truth takes openpyxl's view, which reports macro sheets
/// (`xl/macrosheets/`) and dialog sheets (`xl/dialogsheets/`), separate part types in ECMA-376
/// Part 1 §12.3, as worksheets. Our reader names them, so they are mapped before comparing.
func truthKind(ofOurs kind: String) -> String? {
  switch kind {
  case "worksheet", "macrosheet", "dialogsheet": "worksheet"
  case "chartsheet": "chartsheet"
  default: nil
  }
}

/// Compares a successful `pipeline dump` (exit 0, `dump` its stdout) with the truth.
func compareWorkbook(truth: ReadableTruth, dump: JSONValue, fileName: String) -> WorkbookScore {
  var score = WorkbookScore()
  guard case .object(let root) = dump else {
    score.problems.append("stdout is not a JSON object")
    return score
  }
  if root["file"]?.stringValue != fileName {
    score.problems.append(
      "\"file\" is \(root["file"]?.brief ?? "missing"), expected \(quoted(fileName))")
  }
  if root["error"] != nil {
    score.problems.append("exit 0 but the output carries \"error\": \(root["error"]!.brief)")
  }
  if let d = root["date1904"]?.boolValue {
    if d != truth.date1904 { score.problems.append("date1904 is \(d), expected \(truth.date1904)") }
  } else {
    score.problems.append("\"date1904\" missing or not a boolean")
  }
  guard let sheetsJSON = root["sheets"]?.arrayValue else {
    score.problems.append("\"sheets\" missing or not an array")
    return score
  }

  var ours: [(name: String, json: JSONValue)] = []
  for (i, s) in sheetsJSON.enumerated() {
    guard let name = s["name"]?.stringValue else {
      score.problems.append("sheet #\(i + 1) has no string \"name\"")
      continue
    }
    ours.append((name, s))
  }
  let ourNames = ours.map(\.name)
  let truthNames = truth.sheets.map(\.name)
  if !ourNames.elementsEqual(truthNames, by: { $0.unicodeScalars.elementsEqual($1.unicodeScalars) })
  {
    score.problems.append(
      "sheet names [\(ourNames.map(quoted).joined(separator: ", "))], expected"
        + " [\(truthNames.map(quoted).joined(separator: ", "))] (in order)")
  }

  let recordsBySheet = Dictionary(grouping: truth.disagreements, by: \.sheet)
  for name in recordsBySheet.keys where !truthNames.contains(name) {
    score.problems.append("truth has disagreements for unknown sheet \(quoted(name))")
  }

  for sheet in truth.sheets {
    guard
      let our = ours.first(where: {
        $0.name.unicodeScalars.elementsEqual(sheet.name.unicodeScalars)
      })
    else {
      // Reported by the name check; its cells count as compared and unmatched.
      score.cellsCompared += sheet.cells.count
      continue
    }
    compareSheet(
      truth: sheet, ours: our.json, records: recordsBySheet[sheet.name] ?? [],
      truthSource: truth.truthSource, fileName: fileName, into: &score)
  }
  return score
}

private func compareSheet(
  truth: SheetTruth, ours json: JSONValue, records: [DisagreementRecord], truthSource: String,
  fileName: String, into score: inout WorkbookScore
) {
  let label = quoted(truth.name)
  func problem(_ text: String) { score.problems.append("sheet \(label): \(text)") }

  let visible = json["visible"]?.stringValue
  if visible != truth.visible {
    problem("visible \(json["visible"]?.brief ?? "missing"), expected \(quoted(truth.visible))")
  }
  let ourKind = json["kind"]?.stringValue
  if ourKind.flatMap(truthKind(ofOurs:)) != truth.kind {
    problem("kind \(json["kind"]?.brief ?? "missing"), expected \(quoted(truth.kind))")
  }
  guard let cellsJSON = json["cells"]?.objectValue else {
    problem("\"cells\" missing or not an object")
    score.cellsCompared += truth.cells.count
    return
  }

  // Our cells. Malformed entries are mismatches at that cell (or problems if the reference itself
  // is unreadable).
  var ourCells: [CellPosition: SheetValue] = [:]
  var ourBad: [CellPosition: String] = [:]
  var emptyListed = 0
  for (ref, value) in cellsJSON {
    guard let pos = CellPosition(ref) else {
      problem("cell reference \(quoted(ref)) is not an A1 reference")
      continue
    }
    do {
      if let v = try SheetValue.from(value) { ourCells[pos] = v } else { emptyListed += 1 }
    } catch {
      ourBad[pos] = "invalid \(value.brief) (\(error))"
    }
  }
  if emptyListed > 0 { problem("lists \(emptyListed) empty cells (null or \"\")") }
  // The dump lists every non-empty cell, never truncated, so cell_count is the number listed.
  if let n = json["cell_count"]?.numberValue {
    if Int(n) != cellsJSON.count {
      problem("cell_count \(formatNumber(n)) but \(cellsJSON.count) cells listed")
    }
  } else {
    problem("\"cell_count\" missing or not a number")
  }

  // Decisions for the disagreement cells. Records cover the whole sheet (also past a truncation),
  // so they are compared wherever they are.
  var decisions: [CellPosition: DisagreementDecisions.Decision] = [:]
  for r in records {
    switch DisagreementDecisions.decide(r) {
    case .success(let d): decisions[r.cell] = d
    case .failure(let e): problem(e.description)
    }
  }

  let limit = truth.comparisonLimit
  var region = Set(truth.cells.keys)
  for p in ourCells.keys where limit.map({ p <= $0 }) ?? true { region.insert(p) }
  for p in ourBad.keys where limit.map({ p <= $0 }) ?? true { region.insert(p) }
  region.formUnion(decisions.keys)

  for pos in region.sorted() {
    score.cellsCompared += 1
    let ours = ourCells[pos]
    func mismatch(_ expected: String) {
      score.mismatches.append(
        CellMismatch(
          file: fileName, sheet: truth.name, cell: pos.a1, ours: ourBad[pos] ?? describe(ours),
          expected: expected))
    }
    if ourBad[pos] != nil {
      mismatch(describe(truth.cells[pos]))
      continue
    }
    switch decisions[pos] {
    case .require(let want, let rule)?:
      if valuesMatch(ours, want) {
        score.cellsMatched += 1
        score.decided[rule.kind, default: 0] += 1
      } else {
        mismatch("\(describe(want)) (decided: \(rule.reason))")
      }
    case .anyOf(let allowed, let rule)?:
      if allowed.contains(where: { valuesMatch(ours, $0) }) {
        score.cellsMatched += 1
        score.decided[rule.kind, default: 0] += 1
      } else {
        mismatch("one of [\(allowed.map(describe).joined(separator: ", "))] (\(rule.reason))")
      }
    case nil:
      let want = truth.cells[pos]
      if valuesMatch(ours, want) {
        score.cellsMatched += 1
      } else if truthSource == "python-calamine",
        let artefact = calamineArtefact(ours: ours, truth: want)
      {
        score.cellsMatched += 1
        score.decided[artefact, default: 0] += 1
      } else {
        mismatch(describe(want))
      }
    }
  }

  // Past the truncation only the count is known. It is the truth reader's count; adjust it by the
  // disagreement cells where the decided value is present and the truth reader's is not (or the
  // reverse).
  if truth.truncated, let n = json["cell_count"]?.numberValue {
    var expected = truth.cellCount
    var exact = true
    for r in records {
      let had = r.value(of: truthSource) != nil
      switch decisions[r.cell] {
      case .require(let want, _)?: expected += (want != nil ? 1 : 0) - (had ? 1 : 0)
      case .anyOf(let allowed, _)?:
        if allowed.contains(where: { $0 == nil }) { exact = false } else { expected += had ? 0 : 1 }
      case nil: exact = false
      }
    }
    if truthSource == "python-calamine" {
      // calamine drops cells whose text trims to nothing, so its count is a lower bound.
      if Int(n) < expected {
        problem(
          "cell_count \(formatNumber(n)) < \(expected), python-calamine's count for this truncated"
            + " sheet")
      }
    } else if exact, Int(n) != expected {
      problem(
        "cell_count \(formatNumber(n)), expected \(expected) (truncated sheet: cells past the"
          + " truth's listing count too)")
    }
  }
}

// MARK: - Judging one run

/// How `pipeline dump` ended for one corpus file.
struct RunResult: Sendable {
  var exitCode: Int32
  /// The signal that ended the process, if one did.
  var signal: Int32?
  var timedOut: Bool
  var stdout: Data
  var stderr: Data
  var seconds: Double
}

struct FileOutcome: Sendable {
  enum Verdict: String, Sendable {
    /// Read, and every compared cell and the sheet list matched.
    case matched
    /// Must-reject file, rejected cleanly.
    case rejectedAsRequired
    /// `reject_ok` file, rejected cleanly.
    case acceptedRejection
    /// Anything else.
    case failed
  }

  var file: String
  var verdict: Verdict
  var problems: [String] = []
  var mismatches: [CellMismatch] = []
  var cellsCompared = 0
  var cellsMatched = 0
  var decided: [String: Int] = [:]
  /// Informative lines (what the rejection said, what was accepted and why).
  var notes: [String] = []
  var mustReject = false
  var rejectOK = false
  /// `agree == false`: the reference readers differ on some cells.
  var hardCase = false
}

let validRejectionRules: Set<String> = ["FILE-001", "FILE-002"]

/// Applies the README's scoring to one run of `pipeline dump FILE --format json`.
func judge(file: String, truth: WorkbookTruth, run: RunResult, timeout: Double) -> FileOutcome {
  var out = FileOutcome(file: file, verdict: .failed)
  switch truth {
  case .mustReject: out.mustReject = true
  case .readable(let t):
    out.rejectOK = t.rejectOK
    out.hardCase = !t.agree
  }
  let stderrTail = String(decoding: run.stderr.suffix(600), as: UTF8.self)
  let stdoutHead = String(decoding: run.stdout.prefix(300), as: UTF8.self)

  if run.timedOut {
    out.problems.append("timed out after \(Int(timeout)) s (killed)")
    return out
  }
  if let sig = run.signal {
    out.problems.append("crashed with signal \(sig); stderr: \(stderrTail)")
    return out
  }
  guard run.exitCode == 0 || run.exitCode == 1 else {
    out.problems.append("exit status \(run.exitCode) (only 0 or 1 allowed); stderr: \(stderrTail)")
    return out
  }
  let json: JSONValue
  do {
    json = try JSONValue.parse(run.stdout)
  } catch {
    out.problems.append(
      "exit \(run.exitCode), stdout is not JSON (\(error)); stdout starts: \(quoted(stdoutHead));"
        + " stderr: \(stderrTail)")
    return out
  }

  if run.exitCode == 1 {
    let rejection = checkRejection(json, fileName: file)
    switch truth {
    case .mustReject:
      out.problems += rejection.problems
      out.verdict = rejection.problems.isEmpty ? .rejectedAsRequired : .failed
    case .readable(let t) where t.rejectOK:
      out.problems += rejection.problems
      out.verdict = rejection.problems.isEmpty ? .acceptedRejection : .failed
      out.notes.append(
        "accepted rejection (reject_ok; only \(t.truthSource) reads it): \(rejection.summary)")
    case .readable:
      out.problems.append("rejected a workbook both reference readers read: \(rejection.summary)")
    }
    return out
  }

  switch truth {
  case .mustReject(let reason):
    out.problems.append("returned data (exit 0) for a workbook that must be rejected (\(reason))")
    return out
  case .readable(let t):
    let score = compareWorkbook(truth: t, dump: json, fileName: file)
    out.problems = score.problems
    out.mismatches = score.mismatches
    out.cellsCompared = score.cellsCompared
    out.cellsMatched = score.cellsMatched
    out.decided = score.decided
    if t.rejectOK { out.notes.append("reject_ok file read (only \(t.truthSource) reads it)") }
    for (reason, n) in score.decided.sorted(by: { $0.key < $1.key }) {
      out.notes.append("\(n) cells decided by \(reason)")
    }
    out.verdict = score.problems.isEmpty && score.mismatches.isEmpty ? .matched : .failed
    return out
  }
}

/// Checks a rejection's stdout:
/// `{"file", "error": {"rule": "FILE-001"|"FILE-002", "message", "detail"}}`.
func checkRejection(_ json: JSONValue, fileName: String) -> (problems: [String], summary: String) {
  var problems: [String] = []
  if json["file"]?.stringValue != fileName {
    problems.append("\"file\" is \(json["file"]?.brief ?? "missing"), expected \(quoted(fileName))")
  }
  guard let error = json["error"], case .object = error else {
    problems.append("exit 1 but stdout has no \"error\" object: \(json.brief.prefix(300))")
    return (problems, "no error object")
  }
  let rule = error["rule"]?.stringValue ?? ""
  let message = error["message"]?.stringValue ?? ""
  let detail = error["detail"]?.stringValue
  if !validRejectionRules.contains(rule) {
    problems.append(
      "error.rule is \(error["rule"]?.brief ?? "missing"), expected FILE-001 or FILE-002")
  }
  if message.isEmpty {
    problems.append("error.message is empty or missing")
  } else if !message.unicodeScalars.contains(where: { (0x3400...0x9FFF).contains($0.value) }) {
    problems.append("error.message \(quoted(message)) has no Chinese text")
  }
  if detail == nil { problems.append("error.detail missing or not a string") }
  if json["sheets"] != nil { problems.append("a rejection must not carry \"sheets\"") }
  return (problems, "\(rule) \(quoted(message)) detail: \(quoted(detail ?? "-"))")
}
