/// Every number of the policy (SPEC §2), as `pipeline.json` sets them; the built-in default is
/// ``Policy/standard``.
public struct Policy: Codable, Equatable, Sendable {
  /// Years a recognition is valid from 认定日期 (二(一)).
  public var validityYears: Int
  /// Minimum monthly living subsidy per level, in 元 (三(一)3): 培养层次 value → amount.
  public var minimumMonthlySubsidy: [String: Int]
  /// The month an academic year starts (7: 7月1日 … 6月30日).
  public var academicYearStartMonth: Int
  /// The report is on time on or before this day of the month after the year ends (7月10日).
  public var reportDeadlineMonth: Int
  public var reportDeadlineDay: Int
  /// Consecutive years not reported on time that revoke a station (四(一)).
  public var revocationConsecutiveYears: Int
  /// Cumulative months in station that make a counted student (四(二)).
  public var countedStudentMonths: Int
  public var excellentHeadcount: Int
  public var qualifiedHeadcount: Int
  public var excellentNationalOutcomes: Int
  public var excellentProvincialOutcomes: Int
  /// Title grades from highest to lowest; 职称 values of the template map onto these.
  public var titleGrades: [String]
  /// The lowest grade a 兼职导师 may hold (二(三)).
  public var mentorMinimumGrade: String
  /// A payment is on time when made no later than the last day of the month this many months
  /// after the month it is for (1: by the end of the following month).
  public var paymentDueMonthsAfter: Int
  /// Years a 设站单位 may not apply again after its station failed 期满验收 (不合格, 重新评估未通过)
  /// or did not apply for it in time (四(二) "三年内不得重新申报").
  public var reapplicationBanYears: Int
  /// Years of the same ban after a revocation (四(一) names none: 0).
  public var revocationBanYears: Int
  /// Days after a window ends with no recorded decision before the station is 未申请验收 (SPEC §9).
  public var acceptanceGraceDays: Int

  public init(
    validityYears: Int, minimumMonthlySubsidy: [String: Int], academicYearStartMonth: Int,
    reportDeadlineMonth: Int, reportDeadlineDay: Int, revocationConsecutiveYears: Int,
    countedStudentMonths: Int, excellentHeadcount: Int, qualifiedHeadcount: Int,
    excellentNationalOutcomes: Int, excellentProvincialOutcomes: Int, titleGrades: [String],
    mentorMinimumGrade: String, paymentDueMonthsAfter: Int, reapplicationBanYears: Int = 3,
    revocationBanYears: Int = 0, acceptanceGraceDays: Int = 90
  ) {
    self.validityYears = validityYears
    self.minimumMonthlySubsidy = minimumMonthlySubsidy
    self.academicYearStartMonth = academicYearStartMonth
    self.reportDeadlineMonth = reportDeadlineMonth
    self.reportDeadlineDay = reportDeadlineDay
    self.revocationConsecutiveYears = revocationConsecutiveYears
    self.countedStudentMonths = countedStudentMonths
    self.excellentHeadcount = excellentHeadcount
    self.qualifiedHeadcount = qualifiedHeadcount
    self.excellentNationalOutcomes = excellentNationalOutcomes
    self.excellentProvincialOutcomes = excellentProvincialOutcomes
    self.titleGrades = titleGrades
    self.mentorMinimumGrade = mentorMinimumGrade
    self.paymentDueMonthsAfter = paymentDueMonthsAfter
    self.reapplicationBanYears = reapplicationBanYears
    self.revocationBanYears = revocationBanYears
    self.acceptanceGraceDays = acceptanceGraceDays
  }

  /// The last day of a term recognized on `recognizedOn` (二(一)): a term of ``validityYears``
  /// years that starts on 认定日期 ends the day before the same date ``validityYears`` later
  /// (2021-10-08 → 2025-10-07), so the next term starts on that date; a term started on 29
  /// February ends on 28 February when the later year has no 29 February. DATE-005 and the
  /// 期满验收 window both use it.
  public func validityEnd(recognizedOn day: Day) -> Day {
    let (y, m, d) = day.parts
    guard let anniversary = Day(year: y + validityYears, month: m, day: d) else {
      return Month(year: y + validityYears, month: m).lastDay
    }
    return anniversary.adding(days: -1)
  }

  /// The report deadline for an academic year: 7月10日 after it ends.
  public func reportDeadline(for year: AcademicYear) -> Day {
    let end = year.lastMonth(startMonth: academicYearStartMonth)
    let deadlineYear = end.year + (reportDeadlineMonth <= end.month ? 1 : 0)
    return Day(year: deadlineYear, month: reportDeadlineMonth, day: reportDeadlineDay)
      ?? Month(year: deadlineYear, month: reportDeadlineMonth).lastDay
  }

  /// The last day a payment for `month` is on time.
  public func paymentDue(for month: Month) -> Day {
    Month(index: month.index + paymentDueMonthsAfter).lastDay
  }

  /// The rank of a grade: 0 is the highest; nil for a grade not in ``titleGrades``.
  public func rank(ofTitleGrade titleGrade: String) -> Int? {
    titleGrades.firstIndex(of: titleGrade)
  }

  /// The ban's length as the policy words it: `三年内` (`12 年内` past ten).
  public var reapplicationBanWording: String {
    let digits = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
    return reapplicationBanYears >= 1 && reapplicationBanYears <= 10
      ? digits[reapplicationBanYears] + "年内" : " \(reapplicationBanYears) 年内"
  }
}
