import Model

/// DATE-001 (出站日期 before 进站日期), DATE-002 (not in station on any day of the academic year)
/// and HC-001 (进站研究生人数 ≠ students in station during the year).
///
/// A stay is known when 进站日期 is valid, 出站日期 is valid or blank (still in station), and the
/// two are in order (``RuleContext/stay(of:)``). DATE-002 and HC-001 need the academic year too;
/// without a valid 报送学年 they are skipped.
///
/// HC-001 and stays that cannot be determined: a student whose stay is unknown (进站日期 missing or
/// refused, 出站日期 refused, or the dates inverted — each already flagged by CELL-00x or
/// DATE-001) might or might not count, and so might a student in station whose 学号 is missing or
/// refused (it might repeat another's). Rather than skip HC-001 altogether (and miss a headcount
/// that is wrong under any reading) or count such students one way (and raise a second error for
/// one bad cell), HC-001 compares the reported number with the range those students allow: the
/// distinct 学号 surely in station during the year, up to that number plus every student who may
/// be. It fires only when the reported number lies outside that range; once the bad cells are
/// fixed, the range closes to one number on resubmission. A student whose stay is known and lies
/// outside the year (DATE-002) is not counted: the count is the policy's, and the DATE-002 message
/// says to remove the student or correct the dates.
enum StayRules {
  static func check(_ c: RuleContext) -> [Issue] {
    guard let students = c.students else { return [] }
    var issues: [Issue] = []
    for student in students.records {
      if let issue = leavesBeforeEntering(c, students, student) { issues.append(issue) }
      if let issue = outsideYear(c, students, student) { issues.append(issue) }
    }
    if let issue = headcountMismatch(c, students) { issues.append(issue) }
    return issues
  }

  /// DATE-001: 出站日期 before 进站日期 (the same day is a one-day stay).
  private static func leavesBeforeEntering(_ c: RuleContext, _ students: Table, _ student: Record)
    -> Issue?
  {
    guard let from = student.day("entered_on"), let to = student.day("left_on"), to < from
    else { return nil }
    return c.issue(
      "DATE-001", students, student, "left_on",
      .leavesBeforeEntering(
        left: to, entered: from, leftLabel: c.label("students", "left_on"),
        enteredLabel: c.label("students", "entered_on")))
  }

  /// DATE-002: a known stay with no day in the academic year.
  private static func outsideYear(_ c: RuleContext, _ students: Table, _ student: Record)
    -> Issue?
  {
    guard let year = c.year, let start = c.yearStart, let end = c.yearEnd,
      let stay = c.stay(of: student), c.stayInYear(of: student) == nil
    else { return nil }
    return c.issue(
      "DATE-002", students, student, "entered_on",
      .outsideYear(
        entered: stay.lowerBound, left: student.day("left_on"), year: year, start: start, end: end,
        enteredLabel: c.label("students", "entered_on"),
        leftLabel: c.label("students", "left_on")))
  }

  /// HC-001: the reported headcount against the distinct 学号 in station during the year.
  private static func headcountMismatch(_ c: RuleContext, _ students: Table) -> Issue? {
    guard c.year != nil, let start = c.yearStart, let end = c.yearEnd,
      let reported = c.station?.integer("reported_headcount")
    else { return nil }
    let (low, high) = headcountRange(c, students)
    guard reported < low || reported > high else { return nil }
    return c.issue(
      "HC-001", station: "reported_headcount",
      .headcountMismatch(
        reported: reported, low: low, high: high, sheet: students.sheet, start: start, end: end,
        headcountLabel: c.label("station", "reported_headcount")))
  }

  /// The headcounts the list allows (see the type's notes): the distinct 学号 surely in station
  /// during the year, up to those plus every student who may be.
  private static func headcountRange(_ c: RuleContext, _ students: Table) -> (low: Int, high: Int) {
    var surelyIn: Set<String> = []
    var maybeIn: Set<String> = []
    var maybeInWithoutID = 0
    for student in students.records {
      let inYear: Bool? = c.stay(of: student) == nil ? nil : c.stayInYear(of: student) != nil
      guard inYear != false else { continue }
      if let id = student.text("student_id"), inYear == true {
        surelyIn.insert(id)
      } else if let id = student.text("student_id") {
        maybeIn.insert(id)
      } else {
        maybeInWithoutID += 1
      }
    }
    return (surelyIn.count, surelyIn.union(maybeIn).count + maybeInWithoutID)
  }
}

extension Message {
  fileprivate static func leavesBeforeEntering(
    left: Day, entered: Day, leftLabel: String, enteredLabel: String
  ) -> Message {
    "\(leftLabel) \(left) 早于\(enteredLabel) \(entered)。请核对并改正两个日期；仍在站的研究生\(leftLabel)留空。"
  }

  fileprivate static func outsideYear(
    entered: Day, left: Day?, year: AcademicYear, start: Day, end: Day, enteredLabel: String,
    leftLabel: String
  ) -> Message {
    "该生在站时间为 \(stay(entered: entered, left: left))，与 \(year) 学年（\(start) 至 \(end)）没有一天重合，不应列入本学年名单。请核对\(enteredLabel)和\(leftLabel)，或将该生从名单中删除。"
  }

  /// `low…high` is the range the list allows: one number once every student can be counted.
  fileprivate static func headcountMismatch(
    reported: Int, low: Int, high: Int, sheet: String, start: Day, end: Day,
    headcountLabel: String
  ) -> Message {
    let counted =
      low == high
      ? "按学号去重为 \(low) 人"
      : "按学号去重确定在站 \(low) 人，另有 \(high - low) 人的学号或进站、出站日期有误无法判断，合计应为 \(low) 至 \(high) 人"
    return
      "\(headcountLabel)填报为 \(reported) 人，但「\(sheet)」中本学年（\(start) 至 \(end)）在站的研究生\(counted)。请核对人数与名单，使二者一致。"
  }
}
