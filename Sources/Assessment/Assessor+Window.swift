import Model

extension Assessor {
  /// The validity window: its days, its academic years and whether it is over.
  struct Window {
    var from: Day
    var to: Day
    /// The `validityYears` academic years it reports, in order.
    var years: [AcademicYear]
    /// As-of is past `to` and the last year's deadline: the grade is final.
    var final: Bool
    var notes = Notes()

    func contains(_ day: Day) -> Bool { from <= day && day <= to }
  }

  /// 二(一) "每次认定有效期为4年": the term from 认定日期 to
  /// ``Policy/validityEnd(recognizedOn:)``, and its `validityYears` academic years from the one
  /// that contains 认定日期. Without a 认定日期 the term starts with the earliest year reported (or
  /// as-of), and a person is asked to check it.
  static func window(_ input: AssessmentInput, policy p: Policy, asOf: Day) -> Window {
    let startMonth = p.academicYearStartMonth
    var notes = Notes()
    let earliest = input.accepted.keys.min()?.firstDay(startMonth: startMonth)
    let from = input.recognizedOn ?? earliest ?? asOf
    if input.recognizedOn == nil {
      notes.review.append("认定日期缺失，验收期以最早报送学年起算，请核实认定日期。")
    }
    let to = p.validityEnd(recognizedOn: from)
    let first = academicYear(containing: from, startMonth: startMonth)
    let years = (0..<p.validityYears).map { AcademicYear(startYear: first.startYear + $0) }
    let lastDeadline = years.last.map { p.reportDeadline(for: $0) } ?? to
    return Window(
      from: from, to: to, years: years, final: asOf > max(to, lastDeadline), notes: notes)
  }
}
