import Model

/// The 期满验收 engine: pure, from an ``AssessmentInput``, the policy and the as-of date.
///
/// One function per clause of the policy, each in its own file: ``window(_:policy:asOf:)`` (二(一)),
/// ``yearStatuses(_:window:policy:asOf:)`` and ``revocation(_:policy:)`` (四(一)),
/// ``studentStays(_:from:to:months:startMonth:)`` (四(二) 半年以上), ``outcomes(_:window:policy:)``
/// (优秀5), ``subsidies(_:window:)`` (合格2/优秀2) and ``grade(_:policy:)`` (SPEC §6 "The grade,
/// exactly"). ``assess(_:policy:asOf:)`` runs them in that order and keeps what each says —
/// reasons for the grade, items for a person — in that order.
public enum Assessor {
  public static func assess(_ input: AssessmentInput, policy p: Policy, asOf: Day) -> Assessment {
    let window = window(input, policy: p, asOf: asOf)
    let years = yearStatuses(input, window: window, policy: p, asOf: asOf)
    let revokedAt = revocation(years.years, policy: p)
    let students = studentStays(
      input.students, from: window.from, to: min(window.to, asOf), months: p.countedStudentMonths,
      startMonth: p.academicYearStartMonth)
    let counted = students.count(where: \.counted)
    let outcomes = outcomes(input.outcomes, window: window, policy: p)
    let subsidies = subsidies(input, window: window)
    let evidence = Evidence(
      years: years.years, revokedAt: revokedAt, counted: counted,
      subsidyCompliant: subsidies.compliant, outcomes: outcomes, final: window.final)
    let grade = grade(evidence, policy: p)

    var notes = window.notes + years.notes + subsidies.notes + grade.notes
    notes.review += qualitativeReview(grade.grade)
    if !window.final {
      notes.reasons.append(
        "验收期（\(window.from) 至 \(window.to)）截至 \(asOf) 尚未结束，等级为依现有数据的预评。")
    }
    var assessment = Assessment(
      stationID: input.stationID, stationName: input.stationName, from: window.from,
      to: window.to, years: years.years, revoked: !revokedAt.isEmpty, countedStudents: counted,
      outcomes: outcomes.levels, subsidyCompliant: subsidies.compliant, grade: grade.grade,
      final: window.final, reasons: notes.reasons, manualReview: notes.review,
      students: students, outcomeList: outcomes.list)
    assessment.term = input.term
    return assessment
  }

  /// What a clause says, in order: reasons for the grade (the JSON's `reasons`) and items for a
  /// person (`manual_review`).
  struct Notes {
    var reasons: [String] = []
    var review: [String] = []

    static func + (a: Notes, b: Notes) -> Notes {
      Notes(reasons: a.reasons + b.reasons, review: a.review + b.review)
    }
  }

  /// `day` plus `n` calendar months; a day past the end of the target month becomes its last day.
  static func addMonths(_ day: Day, _ n: Int) -> Day {
    let (y, m, d) = day.parts
    let target = Month(index: Month(year: y, month: m).index + n)
    return Day(year: target.year, month: target.month, day: d) ?? target.lastDay
  }

  static func academicYear(containing day: Day, startMonth: Int) -> AcademicYear {
    let (y, m, _) = day.parts
    return AcademicYear(startYear: m >= startMonth ? y : y - 1)
  }
}
