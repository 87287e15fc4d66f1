import Model

/// Y-001…Y-004 and Y-006 (SPEC §10): a submission against the station's earlier accepted years in
/// the store; "last year" is the latest of them. They run only when the store holds one (none for
/// a station's first report). Y-005 (a stay at another station) is a batch rule:
/// ``StoredStayRule``.
enum CrossYearRules {
  static func check(_ c: RuleContext) -> [Issue] {
    guard let index = c.crossYear, let id = c.station?.text("station_id"), let year = c.year
    else { return [] }
    let earlier = index.earlier(id, before: year)
    guard let last = earlier.last else { return [] }
    return vanished(c, last) + changedStudents(c, last) + repeatedOutcomes(c, earlier)
      + changedStation(c, last)
  }

  /// Y-001: a student in station at the end of last year, not listed this year (one issue each,
  /// at the 学号 header cell).
  private static func vanished(_ c: RuleContext, _ last: CrossYearIndex.Report) -> [Issue] {
    guard let students = c.students, let header = students.columns["student_id"] else { return [] }
    let listed = Set(students.records.compactMap { $0.text("student_id") })
    let lastDay = last.academicYear.lastDay(startMonth: c.policy.academicYearStartMonth)
    return last.students.filter { s in
      !listed.contains(s.studentID) && (s.leftOn.map { $0 > lastDay } ?? true)
    }.map { s in
      Issue(
        "Y-001", sheet: students.sheet,
        cell: CellReference(row: students.headerRow, column: header),
        .vanished(s, last, idLabel: c.label("students", "student_id")))
    }
  }

  /// Y-002 and Y-003: the same 学号 with another 进站日期, 姓名 or 培养层次 than last year.
  private static func changedStudents(_ c: RuleContext, _ last: CrossYearIndex.Report) -> [Issue] {
    guard let students = c.students else { return [] }
    var before: [String: CrossYearIndex.Student] = [:]
    for s in last.students where before[s.studentID] == nil { before[s.studentID] = s }
    var issues: [Issue] = []
    for record in students.records {
      guard let id = record.text("student_id"), let old = before[id] else { continue }
      if let entered = record.day("entered_on"), let was = old.enteredOn, entered != was {
        issues.append(
          c.issue(
            "Y-002", students, record, "entered_on",
            .changed(c.label("students", "entered_on"), id, now: "\(entered)", was: "\(was)", last))
        )
      }
      for field in ["name", "level"] {
        guard let now = record.text(field), let was = field == "name" ? old.name : old.level,
          now != was
        else { continue }
        issues.append(
          c.issue(
            "Y-003", students, record, field,
            .changed(c.label("students", field), id, now: now, was: was, last)))
      }
    }
    return issues
  }

  /// Y-004: an outcome (same 成果类型 and 成果名称, punctuation and white space ignored) already
  /// reported in an earlier year.
  private static func repeatedOutcomes(_ c: RuleContext, _ earlier: [CrossYearIndex.Report])
    -> [Issue]
  {
    guard let outcomes = c.outcomes else { return [] }
    var first: [String: CrossYearIndex.Report] = [:]
    for report in earlier {
      for o in report.outcomes {
        guard let key = CrossYearIndex.outcomeKey(o.kind, o.title), first[key] == nil else {
          continue
        }
        first[key] = report
      }
    }
    return outcomes.records.compactMap { record in
      guard let key = CrossYearIndex.outcomeKey(record.text("kind"), record.text("title")),
        let report = first[key]
      else { return nil }
      return c.issue("Y-004", outcomes, record, "title", .repeatedOutcome(report))
    }
  }

  /// Y-006: 认定日期 or 设站单位 not as last year's accepted report gave it.
  private static func changedStation(_ c: RuleContext, _ last: CrossYearIndex.Report) -> [Issue] {
    guard let form = c.station else { return [] }
    var issues: [Issue] = []
    if let now = form.day("recognized_on"), let was = last.recognizedOn, now != was {
      issues += [
        c.issue(
          "Y-006", station: "recognized_on",
          .changedForm(c.label("station", "recognized_on"), now: "\(now)", was: "\(was)", last))
      ].compactMap { $0 }
    }
    if let now = form.text("host_unit"), let was = last.hostUnit, now != was {
      issues += [
        c.issue(
          "Y-006", station: "host_unit",
          .changedForm(c.label("station", "host_unit"), now: now, was: was, last))
      ].compactMap { $0 }
    }
    return issues
  }
}

extension Message {
  /// `2022-2023 学年（文件 x.xlsx）`: where last year's value came from.
  static func source(_ report: CrossYearIndex.Report) -> String {
    "\(report.academicYear) 学年（文件 \(report.file)）"
  }

  fileprivate static func vanished(
    _ s: CrossYearIndex.Student, _ last: CrossYearIndex.Report, idLabel: String
  ) -> Message {
    let who = "\(s.studentID)\(s.name.map { " \($0)" } ?? "")"
    let since = s.enteredOn.map { "，\($0) 进站" } ?? ""
    return
      "\(source(last))报送的在站研究生 \(who)\(since)，本学年未列出，也没有填写出站日期。如该生已出站，请在本表列出并填写出站日期；如\(idLabel)填错，请改正；如另有原因，请在备注中说明。"
  }

  fileprivate static func changed(
    _ label: String, _ id: String, now: String, was: String, _ last: CrossYearIndex.Report
  ) -> Message {
    "学号 \(id) 的\(label)“\(now)”与\(source(last))报送的“\(was)”不一致。请核对后改正；如上一学年填错，请在备注中说明。"
  }

  fileprivate static func repeatedOutcome(_ first: CrossYearIndex.Report) -> Message {
    "该成果（成果类型与成果名称相同）已在\(source(first))报送，期满验收只计一次。如为同一成果，不必重复填报；如为不同成果，请在成果名称中写明区别。"
  }

  fileprivate static func changedForm(
    _ label: String, now: String, was: String, _ last: CrossYearIndex.Report
  ) -> Message {
    "\(label)“\(now)”与\(source(last))通过审核的报送中的“\(was)”不一致。请核对；如确有变更（如进入新的认定有效期），请在备注中说明。"
  }
}
