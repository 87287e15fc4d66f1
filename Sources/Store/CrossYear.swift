import Model

extension Store {
  /// Every station's accepted reports (current versions) with their students and outcomes, for
  /// the cross-year rules (SPEC §10): three queries over the whole store, each a scan of one table
  /// in rowid order (a submission's rows are written in sheet order, one transaction each, so
  /// rowid order is sheet order) joined to the current versions by primary key — no sort.
  public func crossYearIndex(startMonth: Int) throws(StoreError) -> CrossYearIndex {
    var reports: [Int64: CrossYearIndex.Report] = [:]
    var order: [Int64] = []
    for r in try database.query(
      """
      SELECT s.id, s.station_id, s.start_year, s.file, st.recognized_on, st.host_unit
      FROM submissions s JOIN station st ON st.submission_id = s.id
      WHERE s.superseded_by IS NULL
      """)
    {
      guard let id = r.int64(0) else { continue }
      order.append(id)
      reports[id] = CrossYearIndex.Report(
        stationID: r.text(1) ?? "", academicYear: AcademicYear(startYear: r.int(2) ?? 0),
        file: r.text(3) ?? "", recognizedOn: Self.day(r.text(4)), hostUnit: r.text(5))
    }
    for r in try database.query(
      """
      SELECT t.submission_id, t.student_id, t.name, t.level, t.entered_on, t.left_on
      FROM students t JOIN submissions s ON s.id = t.submission_id
      WHERE s.superseded_by IS NULL ORDER BY t.id
      """)
    {
      guard let id = r.int64(0) else { continue }
      reports[id]?.students.append(
        CrossYearIndex.Student(
          studentID: r.text(1) ?? "", name: r.text(2), level: r.text(3),
          enteredOn: Self.day(r.text(4)), leftOn: Self.day(r.text(5))))
    }
    for r in try database.query(
      """
      SELECT o.submission_id, o.kind, o.title
      FROM outcomes o JOIN submissions s ON s.id = o.submission_id
      WHERE s.superseded_by IS NULL ORDER BY o.id
      """)
    {
      guard let id = r.int64(0) else { continue }
      reports[id]?.outcomes.append(CrossYearIndex.Outcome(kind: r.text(1), title: r.text(2)))
    }
    return CrossYearIndex(order.compactMap { reports[$0] }, startMonth: startMonth)
  }
}
