import Testing

@testable import XLSXReading

@Suite struct NumberFormatTests {
  /// Built-in IDs (ECMA-376 Part 1 §18.8.30), with the East Asian ones a Chinese-locale Excel or
  /// WPS writes: 27–36 and 50–58 are dates and times there.
  @Test(arguments: [
    (0, NumberFormatKind.number), (1, .number), (2, .number), (9, .number), (10, .number),
    (11, .number), (13, .number), (14, .date), (15, .date), (17, .date), (18, .date), (20, .date),
    (22, .date), (23, .number), (26, .number), (27, .date), (31, .date), (36, .date), (37, .number),
    (44, .number), (45, .date), (46, .duration), (47, .date), (49, .number), (50, .date),
    (57, .date), (58, .date), (59, .number), (164, .number),
  ])
  func classifiesBuiltInIDs(id: Int, kind: NumberFormatKind) {
    #expect(NumberFormatKind.classify(id: id, code: nil) == kind)
  }

  @Test(arguments: [
    ("yyyy-mm-dd", NumberFormatKind.date),
    (#"yyyy"年"m"月"d"日""#, .date),
    (#"[DBNum1][$-804]yyyy"年"m"月"d"日""#, .date),
    ("[$-F800]dddd, mmmm dd, yyyy", .date),
    ("h:mm AM/PM", .date),
    ("mm:ss.0", .date),
    ("yyyy/m/d h:mm;@", .date),
    ("[h]:mm:ss", .duration),
    ("[hh]:mm", .duration),
    ("[mm]:ss", .duration),
    ("General", .number),
    ("0.00", .number),
    (#"0.00"元""#, .number),
    (#"#,##0" 天 days""#, .number),
    ("[Red]#,##0;[Blue]-#,##0", .number),
    ("[$¥-804]#,##0.00", .number),
    ("0.00E+00", .number),
    (#"0\d"#, .number),
    ("0_);(0)", .number),
    ("#,##0;\"dd\"yyyy", .number),
    ("@", .number),
  ])
  func classifiesFormatCodes(code: String, kind: NumberFormatKind) {
    #expect(NumberFormatKind.classify(code: code) == kind)
  }

  /// A code the workbook defines wins over the built-in meaning of its ID.
  @Test func definedCodeWinsOverBuiltInID() {
    #expect(NumberFormatKind.classify(id: 14, code: "0.00") == .number)
    #expect(NumberFormatKind.classify(id: 2, code: "yyyy-mm-dd") == .date)
  }
}

@Suite struct ValueParsingTests {
  static func double(_ s: String) -> Double? {
    Array(s.utf8).withUnsafeBufferPointer(parseDouble)
  }

  @Test(arguments: [
    ("0", 0.0), ("42", 42), ("-0.5", -0.5), ("1E-3", 0.001), ("1.5e+10", 1.5e10), ("0.1", 0.1),
    ("3.0000000000000004", 3.0000000000000004),
    ("12345678901234567890", 12_345_678_901_234_567_168),
    ("2022120345", 2_022_120_345), ("1000.00", 1000), ("+7", 7), (".5", 0.5), ("5.", 5),
    ("9007199254740993", 9_007_199_254_740_992),
    ("1.7976931348623157e308", .greatestFiniteMagnitude),
    ("4.9406564584124654e-324", .leastNonzeroMagnitude), ("0.000001234", 0.000001234),
  ])
  func parsesNumbersExactly(text: String, value: Double) {
    #expect(Self.double(text) == value)
  }

  @Test(arguments: [
    "", "-", ".", "1e", "abc", "1,000", " 1", "1 ", "inf", "nan", "0x10", "1e999", "1..2",
  ])
  func rejectsWhatIsNoNumber(text: String) {
    #expect(Self.double(text) == nil)
  }

  @Test(
    "ISO t=\"d\" text keeps its date, time and designator as written",
    arguments: [
      ("2023-07-01", "2023-07-01T00:00:00", true, nil),
      ("2023-07-01T18:00:00", "2023-07-01T18:00:00", true, nil),
      ("2023-07-01T18:00:00Z", "2023-07-01T18:00:00Z", true, "Z"),
      ("2023-07-01T20:00:00+02:00", "2023-07-01T20:00:00+02:00", true, "+02:00"),
      ("2023-07-01T20:00-0500", "2023-07-01T20:00:00-0500", true, "-0500"),
      ("2014-02-14T08:27:48.765Z", "2014-02-14T08:27:48.765Z", true, "Z"),
      ("12:00:00", "12:00:00", false, nil), ("1900-01-01", "1900-01-01T00:00:00", true, nil),
      ("1899-12-31", "1899-12-31T00:00:00", true, nil),
    ] as [(String, String, Bool, String?)])
  func parsesISODates(text: String, iso: String, hasDate: Bool, zone: String?) throws {
    let parsed = try #require(parseISODate(text))
    #expect(parsed.iso == iso)
    #expect(parsed.hasDate == hasDate)
    #expect(parsed.zone == zone)
  }

  @Test(arguments: [
    "2023-02-30", "2023-13-01", "07/01/2023", "2023-07-01T25:00", "yesterday", "2023-07-01T08:00Z+",
    "2023-07-01T08:00+8",
  ])
  func rejectsBadISODates(text: String) {
    #expect(parseISODate(text) == nil)
  }

  @Test(arguments: [
    ("a_x000D_b", "a\rb"), ("_x005F_x0041_", "_x0041_"), ("_xD83C__xDF63_", "🍣"), ("_x00", "_x00"),
    ("no escapes", "no escapes"), ("_xZZZZ_", "_xZZZZ_"), ("_xD800_", "\u{FFFD}"),
  ])
  func decodesXStrings(raw: String, decoded: String) {
    #expect(decodeXString(Array(raw.utf8)) == decoded)
  }
}
