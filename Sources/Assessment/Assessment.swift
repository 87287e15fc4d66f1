import Model

/// 期满验收 (SPEC §6, policy 四(二)): one station's result over its validity window.
///
/// Choices (the policy leaves them open):
/// - **Window**: `from` = 认定日期, `to` = ``Policy/validityEnd(recognizedOn:)`` (the day before
///   the same date `validityYears` later). Its academic years are the `validityYears` years
///   starting with the one that contains 认定日期 (four reports for four years). `final` = as-of
///   is after `to` and after the last year's deadline.
/// - **A year's status**: `on_time` / `late` when an accepted version exists, decided by the
///   earliest 报送日期 of the year's accepted reports (SPEC §9: a rejected report does not count
///   until it is corrected; a correction that keeps the first report's 报送日期 keeps it on time);
///   `missing` when none was accepted and the deadline passed by as-of; `not_due` otherwise.
/// - **Revocation**: `revocationConsecutiveYears` consecutive years (in the window) late or missing.
/// - **Counted students**: every 进站研究生 row of the current versions gives the interval
///   [进站日期, 出站日期 or the end of that row's academic year], clipped to that academic year,
///   to the window and to as-of (a row is evidence of the stay within the year it reports).
///   Intervals are merged per 学号 (stays spanning two years join; a student listed twice is
///   not counted twice) and their days summed. A student counts when that sum is at least the
///   number of days of `countedStudentMonths` calendar months from the student's first day in
///   the window: one stay from 2024-04-01 to 2024-09-30 is exactly 6 months and counts, one
///   from 2024-04-02 does not.
/// - **Outcomes**: the current versions' 成果 dated within the window (undated ones kept),
///   de-duplicated by (成果类型, 成果名称, 成果级别), counted by level.
/// - **Subsidy** (合格2/优秀2): not compliant when any accepted report of the window (earlier
///   versions included: a fact once reported stays reported) has a SUB-001…SUB-004 finding. A
///   year whose rejected report showed such a finding and whose accepted one does not is listed
///   for a person. SAF-001/MEN-001/MEN-002 findings of accepted reports are listed for a person.
/// - **Grade** (SPEC §6): 撤销 when revoked; else 不合格 when a due year is late or missing (合格1,
///   even one year alone), not subsidy compliant (合格2) or counted students <
///   `qualifiedHeadcount` (合格3) — final: may not reapply for 3 years; preliminary: says what
///   would follow; 优秀 when counted ≥ `excellentHeadcount` and outcomes meet (≥
///   `excellentNationalOutcomes` 国家级 or ≥ `excellentProvincialOutcomes` 省部级); else 合格.
///
/// ``Assessor`` computes it, one function per clause; ``AssessmentReport`` prints it.
public struct Assessment: Sendable, Equatable {
  /// One academic year of the window.
  public struct Year: Sendable, Equatable {
    public var academicYear: AcademicYear
    public var status: YearStatus
    /// Evidence (not in the JSON): the earliest 报送日期 of the year's submissions, if any.
    public var submittedOn: Day?

    public init(academicYear: AcademicYear, status: YearStatus, submittedOn: Day? = nil) {
      self.academicYear = academicYear
      self.status = status
      self.submittedOn = submittedOn
    }
  }

  /// Evidence (not in the JSON): one 学号 listed in the current versions' 进站研究生.
  public struct Student: Sendable, Equatable {
    public var studentID: String
    /// The name of its latest row that has one.
    public var name: String?
    /// Its first day in station within the window (nil: no stay within it).
    public var firstDay: Day?
    /// Days in station within the window (merged over the years, up to as-of).
    public var days: Int
    /// Whole calendar months those days make from `firstDay`.
    public var months: Int
    public var counted: Bool

    public init(
      studentID: String, name: String? = nil, firstDay: Day? = nil, days: Int, months: Int,
      counted: Bool
    ) {
      self.studentID = studentID
      self.name = name
      self.firstDay = firstDay
      self.days = days
      self.months = months
      self.counted = counted
    }
  }

  /// Evidence (not in the JSON): one outcome counted (in the window, de-duplicated).
  public struct Outcome: Sendable, Equatable {
    public var academicYear: AcademicYear
    public var kind: String?
    public var title: String?
    public var level: String?
    public var achievedOn: Day?
    /// Every academic year whose report claimed it (Y-004 counts it once), the first one first.
    public var claimedIn: [AcademicYear]

    public init(
      academicYear: AcademicYear, kind: String? = nil, title: String? = nil, level: String? = nil,
      achievedOn: Day? = nil, claimedIn: [AcademicYear]? = nil
    ) {
      self.claimedIn = claimedIn ?? [academicYear]
      self.academicYear = academicYear
      self.kind = kind
      self.title = title
      self.level = level
      self.achievedOn = achievedOn
    }
  }

  public var stationID: String
  public var stationName: String?
  /// The register's term this grades (nil without a register).
  public var term: Int? = nil
  public var from: Day
  public var to: Day
  public var years: [Year]
  public var revoked: Bool
  public var countedStudents: Int
  /// Level → count, in ``Assessment/levels`` order.
  public var outcomes: [(level: String, count: Int)]
  public var subsidyCompliant: Bool
  public var grade: Grade
  public var final: Bool
  public var reasons: [String]
  public var manualReview: [String]
  /// Evidence for the workbook (not in the JSON): every 学号 listed, in 学号 order.
  public var students: [Student]
  /// Evidence for the workbook (not in the JSON): the outcomes counted, in the store's order.
  public var outcomeList: [Outcome]

  public init(
    stationID: String, stationName: String? = nil, from: Day, to: Day, years: [Year] = [],
    revoked: Bool = false, countedStudents: Int = 0,
    outcomes: [(level: String, count: Int)] = Assessment.levels.map { ($0, 0) },
    subsidyCompliant: Bool = true, grade: Grade, final: Bool, reasons: [String] = [],
    manualReview: [String] = [], students: [Student] = [], outcomeList: [Outcome] = []
  ) {
    self.stationID = stationID
    self.stationName = stationName
    self.from = from
    self.to = to
    self.years = years
    self.revoked = revoked
    self.countedStudents = countedStudents
    self.outcomes = outcomes
    self.subsidyCompliant = subsidyCompliant
    self.grade = grade
    self.final = final
    self.reasons = reasons
    self.manualReview = manualReview
    self.students = students
    self.outcomeList = outcomeList
  }

  /// The outcome levels of the template, in the order the JSON lists them.
  public static let levels = ["国家级", "省部级", "市级", "校级", "其他"]

  /// The number of outcomes counted at `level` (0 when none).
  public func outcomeCount(_ level: String) -> Int {
    outcomes.first { $0.level == level }?.count ?? 0
  }

  public static func == (a: Assessment, b: Assessment) -> Bool {
    a.stationID == b.stationID && a.term == b.term && a.from == b.from && a.to == b.to
      && a.years == b.years
      && a.revoked == b.revoked && a.countedStudents == b.countedStudents
      && a.outcomes.map { "\($0.level)\($0.count)" } == b.outcomes.map { "\($0.level)\($0.count)" }
      && a.subsidyCompliant == b.subsidyCompliant && a.grade == b.grade && a.final == b.final
      && a.reasons == b.reasons && a.manualReview == b.manualReview
      && a.students == b.students && a.outcomeList == b.outcomeList
  }
}
