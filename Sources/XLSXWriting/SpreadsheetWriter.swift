import Basics
internal import CXlsxWriter
import XLSXReading

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A cell format: what the writers need of libxlsxwriter's formats, as a value (formats are
/// created once per distinct value and reused).
public struct CellFormat: Hashable, Sendable {
  public var numberFormat: String?
  public var bold = false
  /// Background fill, 0xRRGGBB.
  public var fill: UInt32?
  /// Font colour, 0xRRGGBB.
  public var fontColor: UInt32?
  public var underline = false
  public var wrap = false
  /// Text format (`@`): what a person types into the cell stays text.
  public var text = false

  public init(
    numberFormat: String? = nil, bold: Bool = false, fill: UInt32? = nil, fontColor: UInt32? = nil,
    underline: Bool = false, wrap: Bool = false, text: Bool = false
  ) {
    self.numberFormat = numberFormat
    self.bold = bold
    self.fill = fill
    self.fontColor = fontColor
    self.underline = underline
    self.wrap = wrap
    self.text = text
  }
}

/// One .xlsx being written with libxlsxwriter. Every call checks its return code (libxlsxwriter
/// reports some refusals, such as a comment on a row already flushed in constant-memory mode,
/// only that way). The file appears only at ``close()``, written under a temporary name and
/// renamed, so no partial workbook is ever visible under `path`.
public final class SpreadsheetWriter {
  private var workbook: UnsafeMutablePointer<lxw_workbook>?
  private let path: String
  private let temporaryPath: String
  private var formats: [CellFormat: UnsafeMutablePointer<lxw_format>] = [:]

  /// Starts a workbook that will be written to `path`. `constantMemory` flushes each row once the
  /// next one starts (rows must then be written in order, each with its formats and comments).
  public init(path: String, constantMemory: Bool = false) throws(WriteError) {
    self.path = path
    temporaryPath = AtomicFile.temporaryPath(for: path)
    var options = lxw_workbook_options()
    options.constant_memory = constantMemory ? 1 : 0
    guard let wb = temporaryPath.withCString({ workbook_new_opt($0, &options) }) else {
      throw WriteError(operation: "workbook_new", message: "cannot start a workbook", context: path)
    }
    workbook = wb
  }

  deinit {
    // Not closed (an error on the way): nothing was written; drop the temporary file if any.
    if workbook != nil {
      _ = workbook.map { workbook_close($0) }
      unlink(temporaryPath)
    }
  }

  /// Adds a worksheet (names longer than 31 characters or with `[]:*?/\` are refused by Excel).
  public func addSheet(_ name: String) throws(WriteError) -> SheetWriter {
    guard let wb = workbook else { throw closed("addSheet") }
    guard let ws = name.withCString({ workbook_add_worksheet(wb, $0) }) else {
      throw WriteError(operation: "workbook_add_worksheet", message: "refused", context: name)
    }
    // Not kept here: a sheet holds its writer (to reach the formats), and a writer holding its
    // sheets would make a cycle that never deinitializes — an unclosed writer would then leak the
    // C workbook and leave its temporary file.
    return SheetWriter(writer: self, sheet: ws, name: name)
  }

  /// The libxlsxwriter format for a value, created on first use.
  func format(_ f: CellFormat?) throws(WriteError) -> UnsafeMutablePointer<lxw_format>? {
    guard let f else { return nil }
    if let existing = formats[f] { return existing }
    guard let wb = workbook else { throw closed("format") }
    guard let format = workbook_add_format(wb) else {
      throw WriteError(operation: "workbook_add_format", message: "refused", context: "\(f)")
    }
    if f.text {
      format_set_num_format(format, "@")
    } else if let code = f.numberFormat {
      code.withCString { format_set_num_format(format, $0) }
    }
    if f.bold { format_set_bold(format) }
    if let fill = f.fill {
      format_set_pattern(format, UInt8(LXW_PATTERN_SOLID.rawValue))
      format_set_bg_color(format, fill)
    }
    if let color = f.fontColor { format_set_font_color(format, color) }
    if f.underline { format_set_underline(format, UInt8(LXW_UNDERLINE_SINGLE.rawValue)) }
    if f.wrap { format_set_text_wrap(format) }
    formats[f] = format
    return format
  }

  /// Writes the workbook and moves it to its final name. Safe to call twice.
  public func close() throws(WriteError) {
    guard let wb = workbook else { return }
    workbook = nil
    let error = workbook_close(wb)
    guard error == LXW_NO_ERROR else {
      unlink(temporaryPath)
      throw WriteError(
        operation: "workbook_close", message: String(cString: lxw_strerror(error)), context: path)
    }
    do {
      try AtomicFile.commit(temporaryPath, to: path)
    } catch {
      throw WriteError(operation: "rename", message: error.reason, context: path)
    }
  }

  var isOpen: Bool { workbook != nil }

  private func closed(_ operation: String) -> WriteError {
    WriteError(operation: operation, message: "the workbook is already closed", context: path)
  }

  static func check(_ error: lxw_error, _ operation: String, _ context: @autoclosure () -> String)
    throws(WriteError)
  {
    guard error == LXW_NO_ERROR else {
      throw WriteError(
        operation: operation, message: String(cString: lxw_strerror(error)), context: context())
    }
  }
}

/// One worksheet being written. Rows and columns are 0-based here, as in libxlsxwriter.
public final class SheetWriter {
  private let writer: SpreadsheetWriter
  private let sheet: UnsafeMutablePointer<lxw_worksheet>
  public let name: String

  fileprivate init(
    writer: SpreadsheetWriter, sheet: UnsafeMutablePointer<lxw_worksheet>, name: String
  ) {
    self.writer = writer
    self.sheet = sheet
    self.name = name
  }

  private func place(_ row: Int, _ column: Int) -> String { "\(name)!R\(row + 1)C\(column + 1)" }

  /// Text, always as text: a value beginning with `=` is never made a formula, and a literal
  /// `_x0041_` stays those seven characters.
  public func write(text: String, row: Int, column: Int, format: CellFormat? = nil)
    throws(WriteError)
  {
    let f = try writer.format(format)
    try SpreadsheetWriter.check(
      escapingXString(text).withCString {
        worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(column), $0, f)
      },
      "worksheet_write_string", place(row, column))
  }

  public func write(number: Double, row: Int, column: Int, format: CellFormat? = nil)
    throws(WriteError)
  {
    try SpreadsheetWriter.check(
      worksheet_write_number(
        sheet, lxw_row_t(row), lxw_col_t(column), number, try writer.format(format)),
      "worksheet_write_number", place(row, column))
  }

  public func write(bool: Bool, row: Int, column: Int, format: CellFormat? = nil) throws(WriteError)
  {
    try SpreadsheetWriter.check(
      worksheet_write_boolean(
        sheet, lxw_row_t(row), lxw_col_t(column), bool ? 1 : 0, try writer.format(format)),
      "worksheet_write_boolean", place(row, column))
  }

  /// A cell with a format and no value (a fill on an empty cell an issue points at).
  public func writeBlank(row: Int, column: Int, format: CellFormat) throws(WriteError) {
    try SpreadsheetWriter.check(
      worksheet_write_blank(sheet, lxw_row_t(row), lxw_col_t(column), try writer.format(format)),
      "worksheet_write_blank", place(row, column))
  }

  /// An internal or external hyperlink (`internal:'Sheet'!A1`) showing `text`.
  public func write(url: String, text: String, row: Int, column: Int, format: CellFormat? = nil)
    throws(WriteError)
  {
    let f = try writer.format(format)
    try SpreadsheetWriter.check(
      url.withCString { u in
        escapingXString(text).withCString { t in
          worksheet_write_url_opt(sheet, lxw_row_t(row), lxw_col_t(column), u, f, t, nil)
        }
      }, "worksheet_write_url", place(row, column))
  }

  /// A comment (a note) on a cell, sized to its text.
  public func comment(_ text: String, row: Int, column: Int, author: String = "pipeline")
    throws(WriteError)
  {
    let lines = text.split(separator: "\n").count
    let error = author.withCString { a in
      text.withCString { t in
        var options = lxw_comment_options()
        options.author = UnsafeMutablePointer(mutating: a)
        options.width = 360
        options.height = UInt16(min(60 + 40 * lines, 400))
        return worksheet_write_comment_opt(sheet, lxw_row_t(row), lxw_col_t(column), t, &options)
      }
    }
    try SpreadsheetWriter.check(error, "worksheet_write_comment", place(row, column))
  }

  /// Sets the width of columns `first...last` (in characters).
  public func setColumns(_ first: Int, _ last: Int, width: Double, format: CellFormat? = nil)
    throws(WriteError)
  {
    try SpreadsheetWriter.check(
      worksheet_set_column(
        sheet, lxw_col_t(first), lxw_col_t(last), width, try writer.format(format)),
      "worksheet_set_column", "\(name) columns \(first + 1)…\(last + 1)")
  }

  /// Sets column `column` as wide as the widest of `texts` (``displayWidth(_:)``, so a CJK
  /// character counts two) and a margin, at least 8 characters and at most `cap`.
  func fitColumn(_ column: Int, to texts: [String], cap: Double = 60) throws(WriteError) {
    let widest = texts.map(displayWidth).max() ?? 0
    try setColumns(column, column, width: min(max(Double(widest) + 2, 8), cap))
  }

  /// Freezes the rows above `row` and the columns left of `column`.
  public func freeze(row: Int, column: Int = 0) {
    worksheet_freeze_panes(sheet, lxw_row_t(row), lxw_col_t(column))
  }

  /// Makes this the sheet shown when the workbook opens.
  public func activate() { worksheet_activate(sheet) }

  /// Hides the sheet's tab (Excel's "hidden"; libxlsxwriter cannot write "very hidden"). The
  /// sheet shown when the workbook opens must stay visible.
  public func hide() { worksheet_hide(sheet) }

  // MARK: Validation beyond `dropdown` (the blank template)

  /// What a ``validate(_:rows:column:title:message:strict:)`` accepts.
  public enum Validation: Sendable {
    /// A dropdown of these values, within ``SheetWriter/inlineListFits(_:)``.
    case list([String])
    /// A dropdown of the cells a range names, e.g. `='填报说明'!$A$40:$A$80` (no length limit).
    case listRange(String)
    /// Anything: only the input message shows when a cell is selected.
    case any
  }

  /// Whether `values` fit an inline list: at most 255 characters with their commas (Excel), and
  /// at most 255 UTF-8 bytes — libxlsxwriter 1.1.4 checks characters but copies into a 258-byte
  /// buffer, so a longer Chinese list overflows it (a crash, not an error code).
  public static func inlineListFits(_ values: [String]) -> Bool {
    !values.isEmpty && values.reduce(values.count - 1) { $0 + $1.utf8.count } <= 255
  }

  /// Data validation on `rows` of `column`, showing `title`/`message` when a cell is selected.
  /// `strict` refuses other values; otherwise Excel warns and lets the person keep theirs (a list
  /// of roles where several may be combined). Titles hold at most 32 characters, messages 255.
  public func validate(
    _ kind: Validation, rows: ClosedRange<Int>, column: Int, title: String, message: String,
    strict: Bool = true
  ) throws(WriteError) {
    var validation = lxw_data_validation()
    validation.ignore_blank = UInt8(LXW_VALIDATION_ON.rawValue)
    validation.show_input = UInt8(LXW_VALIDATION_ON.rawValue)
    validation.show_error = UInt8(LXW_VALIDATION_ON.rawValue)
    validation.error_type = UInt8(
      (strict ? LXW_VALIDATION_ERROR_TYPE_STOP : LXW_VALIDATION_ERROR_TYPE_WARNING).rawValue)
    let (values, formula): ([String]?, String?)
    switch kind {
    case .list(let list):
      guard Self.inlineListFits(list) else {
        throw WriteError(
          operation: "worksheet_data_validation_range", message: "list longer than 255 bytes",
          context: "\(name) column \(column + 1)")
      }
      validation.validate = UInt8(LXW_VALIDATION_TYPE_LIST.rawValue)
      (values, formula) = (list, nil)
    case .listRange(let range):
      validation.validate = UInt8(LXW_VALIDATION_TYPE_LIST_FORMULA.rawValue)
      (values, formula) = (nil, range)
    case .any:
      validation.validate = UInt8(LXW_VALIDATION_TYPE_ANY.rawValue)
      (values, formula) = (nil, nil)
    }
    let error = withCStrings(values ?? []) { list in
      (formula ?? "").withCString { f in
        title.withCString { t in
          message.withCString { m in
            if values != nil { validation.value_list = list }
            if formula != nil { validation.value_formula = UnsafeMutablePointer(mutating: f) }
            validation.input_title = UnsafeMutablePointer(mutating: t)
            validation.input_message = UnsafeMutablePointer(mutating: m)
            validation.error_title = UnsafeMutablePointer(mutating: t)
            validation.error_message = UnsafeMutablePointer(mutating: m)
            return worksheet_data_validation_range(
              sheet, lxw_row_t(rows.lowerBound), lxw_col_t(column), lxw_row_t(rows.upperBound),
              lxw_col_t(column), &validation)
          }
        }
      }
    }
    try SpreadsheetWriter.check(
      error, "worksheet_data_validation_range", "\(name) column \(column + 1)")
  }
}

/// Text as libxlsxwriter must be given it. Cell text in SpreadsheetML uses `_xHHHH_` to escape a
/// character (libxlsxwriter writes control characters that way), so a reader turns a literal
/// `_x0041_` into `A`; escaping the underscore that starts one (`_x005F_x0041_`), as Excel does,
/// keeps the text as it was.
func escapingXString(_ s: String) -> String {
  guard s.utf8.count >= 7, s.utf8.contains(UInt8(ascii: "_")) else { return s }
  let bytes = Array(s.utf8)
  func isHex(_ b: UInt8) -> Bool {
    (0x30...0x39).contains(b) || (0x41...0x46).contains(b) || (0x61...0x66).contains(b)
  }
  func startsEscape(_ i: Int) -> Bool {
    i + 7 <= bytes.count && bytes[i] == UInt8(ascii: "_") && bytes[i + 1] == UInt8(ascii: "x")
      && bytes[i + 6] == UInt8(ascii: "_") && bytes[(i + 2)..<(i + 6)].allSatisfy(isHex)
  }
  guard let first = bytes.indices.first(where: startsEscape) else { return s }
  var out = Array(bytes[..<first])
  var i = first
  while i < bytes.count {
    if startsEscape(i) { out.append(contentsOf: "_x005F".utf8) }
    out.append(bytes[i])
    i += 1
  }
  return String(decoding: out, as: UTF8.self)
}

/// Calls `body` with a NULL-terminated array of C strings that live for the call.
private func withCStrings<R>(
  _ strings: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> R
) -> R {
  var pointers = strings.map { strdup($0) } + [nil]
  defer { for pointer in pointers { free(pointer) } }
  return pointers.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}
