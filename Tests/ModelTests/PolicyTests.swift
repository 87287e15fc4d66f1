import Model
import Testing

/// The policy's dates and the vocabulary's labels.
@Suite struct PolicyTests {
  static func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Day(year: y, month: m, day: d)! }

  /// A term starts on 认定日期 and ends the day before the same date `validityYears` later, so the
  /// next term starts on that date; 29 February into a year without one ends on 28 February.
  @Test(arguments: [
    (day(2021, 10, 8), 4, day(2025, 10, 7)),
    (day(2019, 7, 1), 4, day(2023, 6, 30)),
    (day(2020, 1, 1), 4, day(2023, 12, 31)),
    (day(2020, 2, 29), 4, day(2024, 2, 28)),
    (day(2020, 2, 29), 1, day(2021, 2, 28)),
    (day(2021, 3, 1), 3, day(2024, 2, 29)),
  ])
  func theValidityEndsTheDayBeforeTheAnniversary(recognized: Day, years: Int, end: Day) {
    var policy = Policy.standard
    policy.validityYears = years
    #expect(policy.validityEnd(recognizedOn: recognized) == end)
  }

  /// One Chinese word for each value, and no two values sharing one.
  @Test func eachValueHasItsOneLabel() {
    #expect(SubmissionStatus.allCases.map(\.label) == ["通过", "未通过", "无法读取", "已被取代"])
    #expect(Severity.allCases.map(\.label) == ["错误", "政策问题", "警告"])
    #expect(Grade.allCases.map(\.label) == ["优秀", "合格", "不合格", "撤销"])
    #expect(YearStatus.allCases.map(\.label) == ["按时", "逾期", "未报送", "未到期", "待报送"])
    #expect(
      YearStatus.allCases.map(\.rawValue) == ["on_time", "late", "missing", "not_due", "pending"])
    #expect(
      StationState.allCases.map(\.label) == ["在建", "预警", "撤销", "期满待验收", "待重新评估", "已结束", "未列入名录"])
    #expect(
      SubmissionStatus.allCases.map(\.rawValue) == [
        "accepted", "rejected", "unreadable", "superseded",
      ])
  }
}

/// `Day(iso:)`: the store's `YYYY-MM-DD` and the office's `--date`.
@Suite struct ISODayTests {
  @Test(
    arguments: [
      ("2025-07-10", "2025-07-10"), ("2025-7-5", "2025-07-05"), ("2024-02-29", "2024-02-29"),
      ("2025-02-29", nil), ("2025-13-01", nil), ("2025/07/10", nil), ("20x5-07-10", nil),
      ("2025-07-1x", nil), ("", nil), ("2025-07", nil), ("12025-07-10", nil),
    ] as [(String, String?)])
  func parses(_ text: String, _ expected: String?) {
    #expect(Day(iso: text)?.description == expected)
  }
}
