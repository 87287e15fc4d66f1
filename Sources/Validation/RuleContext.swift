import Model

/// What every rule sees: the normalized submission, the policy and the template (for the
/// headers its messages name).
public struct RuleContext: Sendable {
  public let submission: Submission
  public let policy: Policy
  public let template: Template
  /// The stations' register, when the store holds one (STA-001…STA-004 run only then).
  public let register: StationRegister?
  /// The store's accepted reports, when a store is read (Y-001…Y-004, Y-006 run only then).
  public let crossYear: CrossYearIndex?

  public init(
    submission: Submission, policy: Policy, template: Template, register: StationRegister? = nil,
    crossYear: CrossYearIndex? = nil
  ) {
    self.submission = submission
    self.policy = policy
    self.template = template
    self.register = register
    self.crossYear = crossYear
  }

  public var station: Form? { submission.station }
  public func table(_ key: String) -> Table? { submission.tables[key] }
  public var students: Table? { table("students") }
  public var people: Table? { table("people") }
  public var outcomes: Table? { table("outcomes") }
  public var payments: Table? { table("payments") }

  /// The academic year the submission reports, when its 报送学年 is valid.
  public var year: AcademicYear? { station?.academicYear("academic_year") }
  public var yearStart: Day? { year?.firstDay(startMonth: policy.academicYearStartMonth) }
  public var yearEnd: Day? { year?.lastDay(startMonth: policy.academicYearStartMonth) }

  /// The closing words of every finding's message (``Issue/findingNote``).
  public static let findingNote = Issue.findingNote

  /// The canonical header of a field, for messages: `「进站日期」`.
  public func label(_ sheet: String, _ field: String) -> String {
    "「" + (template.sheet(sheet)?.field(field)?.header ?? field) + "」"
  }

  /// An issue at a field's cell of a table record (its column position when the cell is empty).
  public func issue(
    _ rule: String, _ table: Table, _ record: Record, _ field: String, _ message: Message
  ) -> Issue {
    Issue(
      rule, sheet: table.sheet, cell: table.cell(field, of: record), message,
      value: record[field]?.text)
  }

  /// An issue at a field's value cell of the station form.
  public func issue(_ rule: String, station field: String, _ message: Message) -> Issue? {
    guard let form = station else { return nil }
    return Issue(
      rule, sheet: form.sheet, cell: form[field]?.cell ?? form.valueCells[field], message,
      value: form[field]?.text)
  }

  /// A student's stay: from 进站日期 to 出站日期 (or open-ended); nil when the dates are missing,
  /// refused or inverted (DATE-001), so rules that need the stay skip that student.
  public func stay(of student: Record) -> ClosedRange<Day>? {
    guard let from = student.day("entered_on"), !student.isInvalid("left_on") else { return nil }
    let to = student.day("left_on") ?? Day(days: Int.max / 4)
    return from <= to ? from...to : nil
  }

  /// The part of a student's stay within the academic year; nil when none or unknown.
  public func stayInYear(of student: Record) -> ClosedRange<Day>? {
    guard let stay = stay(of: student), let start = yearStart, let end = yearEnd,
      stay.lowerBound <= end, stay.upperBound >= start
    else { return nil }
    return max(stay.lowerBound, start)...min(stay.upperBound, end)
  }

  /// The months of the academic year in which a student was in station on at least one day.
  public func monthsInStation(_ student: Record) -> [Month] {
    guard let stay = stayInYear(of: student) else { return [] }
    return (stay.lowerBound.month.index...stay.upperBound.month.index).map(Month.init(index:))
  }
}

/// One rule or a small family of rules: looks at the submission and returns what it finds.
public typealias RuleCheck = @Sendable (RuleContext) -> [Issue]
