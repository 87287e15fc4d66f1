import Foundation
import Model

// What `pipeline assess` reads: stations and their reported years, and the records of the current
// versions. A starting point; each query is one statement, so it sees one consistent snapshot.

/// A station as the store knows it: its latest details and the years it reported.
public struct StationSummary: Equatable, Sendable {
  public var stationID: String
  /// 工作站名称, 牵头培养单位 and 认定日期 from the current version of the latest year reported.
  public var stationName: String?
  public var college: String?
  public var recognizedOn: Day?
  /// One entry per academic year reported, in order.
  public var years: [ReportedYear]

  public init(
    stationID: String, stationName: String? = nil, college: String? = nil,
    recognizedOn: Day? = nil, years: [ReportedYear] = []
  ) {
    self.stationID = stationID
    self.stationName = stationName
    self.college = college
    self.recognizedOn = recognizedOn
    self.years = years
  }
}

/// One academic year a station reported: its current (latest) version.
public struct ReportedYear: Equatable, Sendable {
  public var academicYear: AcademicYear
  /// The current version's number (= how many versions were stored).
  public var version: Int
  /// 报送日期 of the current version.
  public var submittedOn: Day?
  /// 报送日期 of the first version: whether the year was reported on time may depend on it, not
  /// on a later correction.
  public var firstSubmittedOn: Day?
  public var receivedAt: String
  public var status: SubmissionStatus
  public var file: String

  public init(
    academicYear: AcademicYear, version: Int, submittedOn: Day?, firstSubmittedOn: Day?,
    receivedAt: String, status: SubmissionStatus, file: String
  ) {
    self.academicYear = academicYear
    self.version = version
    self.submittedOn = submittedOn
    self.firstSubmittedOn = firstSubmittedOn
    self.receivedAt = receivedAt
    self.status = status
    self.file = file
  }
}

/// One stored version of a submission, with its 工作站信息.
public struct StoredSubmission: Equatable, Sendable {
  public var id: Int64
  public var stationID: String
  public var academicYear: AcademicYear
  public var version: Int
  /// The version that replaced this one; nil for the current version.
  public var supersededBy: Int64?
  public var sha256: String
  public var file: String
  /// ISO 8601 UTC.
  public var receivedAt: String
  public var status: SubmissionStatus
  public var submittedOn: Day?
  public var stationName: String?
  public var hostUnit: String?
  public var hostType: String?
  public var platform: String?
  public var college: String?
  public var recognizedOn: Day?
  public var hostHead: String?
  public var collegeHead: String?
  public var reportedHeadcount: Int?
  public var totalFunding: Money?
  public var subsidyTotal: Money?
  public var contact: String?
  public var phone: String?

  public var isCurrent: Bool { supersededBy == nil }
}

/// A 进站研究生 row of a current version.
public struct StoredStudent: Equatable, Sendable {
  public var academicYear: AcademicYear
  public var studentID: String
  public var name: String?
  public var level: String?
  public var degreeCategory: String?
  public var campusSupervisor: String?
  public var hostMentor: String?
  public var enteredOn: Day?
  /// nil: still in station.
  public var leftOn: Day?
  public var monthlyStandard: Money?
  public var supervisorProject: Bool?
  public var insured: Bool?
  public var safetyTraining: Bool?

  public init(
    academicYear: AcademicYear, studentID: String, name: String? = nil, level: String? = nil,
    degreeCategory: String? = nil, campusSupervisor: String? = nil, hostMentor: String? = nil,
    enteredOn: Day? = nil, leftOn: Day? = nil, monthlyStandard: Money? = nil,
    supervisorProject: Bool? = nil, insured: Bool? = nil, safetyTraining: Bool? = nil
  ) {
    self.academicYear = academicYear
    self.studentID = studentID
    self.name = name
    self.level = level
    self.degreeCategory = degreeCategory
    self.campusSupervisor = campusSupervisor
    self.hostMentor = hostMentor
    self.enteredOn = enteredOn
    self.leftOn = leftOn
    self.monthlyStandard = monthlyStandard
    self.supervisorProject = supervisorProject
    self.insured = insured
    self.safetyTraining = safetyTraining
  }
}

/// A 成果 row of a current version.
public struct StoredOutcome: Equatable, Sendable {
  public var academicYear: AcademicYear
  public var kind: String?
  public var title: String?
  public var level: String?
  public var achievedOn: Day?
  /// 参与研究生学号, in the order given, without repeats.
  public var students: [String]
  public var benefit: String?

  public init(
    academicYear: AcademicYear, kind: String? = nil, title: String? = nil, level: String? = nil,
    achievedOn: Day? = nil, students: [String] = [], benefit: String? = nil
  ) {
    self.academicYear = academicYear
    self.kind = kind
    self.title = title
    self.level = level
    self.achievedOn = achievedOn
    self.students = students
    self.benefit = benefit
  }
}

/// A 补助发放 row of a current version.
public struct StoredPayment: Equatable, Sendable {
  public var academicYear: AcademicYear
  public var studentID: String
  public var month: Month?
  public var due: Money?
  public var paid: Money?
  public var paidOn: Day?

  public init(
    academicYear: AcademicYear, studentID: String, month: Month? = nil, due: Money? = nil,
    paid: Money? = nil, paidOn: Day? = nil
  ) {
    self.academicYear = academicYear
    self.studentID = studentID
    self.month = month
    self.due = due
    self.paid = paid
    self.paidOn = paidOn
  }
}

extension Store {
  /// Every station with the years it reported (current versions), ordered by station ID.
  public func stations() throws(StoreError) -> [StationSummary] {
    let rows = try database.query(
      """
      SELECT s.station_id, s.start_year, s.version, s.submitted_on, s.received_at, s.status,
        s.file, st.station_name, st.college, st.recognized_on,
        (SELECT f.submitted_on FROM submissions f WHERE f.station_id = s.station_id
          AND f.academic_year = s.academic_year AND f.version = 1)
      FROM submissions s JOIN station st ON st.submission_id = s.id
      WHERE s.superseded_by IS NULL
      ORDER BY s.station_id, s.start_year
      """)
    var summaries: [StationSummary] = []
    for row in rows {
      let id = row.text(0) ?? ""
      let year = ReportedYear(
        academicYear: AcademicYear(startYear: row.int(1) ?? 0), version: row.int(2) ?? 0,
        submittedOn: Self.day(row.text(3)), firstSubmittedOn: Self.day(row.text(10)),
        receivedAt: row.text(4) ?? "", status: try status(row.text(5)), file: row.text(6) ?? "")
      if summaries.last?.stationID != id {
        summaries.append(StationSummary(stationID: id, years: []))
      }
      // Rows come in year order: the last one sets the station's details.
      summaries[summaries.count - 1].stationName = row.text(7)
      summaries[summaries.count - 1].college = row.text(8)
      summaries[summaries.count - 1].recognizedOn = Self.day(row.text(9))
      summaries[summaries.count - 1].years.append(year)
    }
    return summaries
  }

  /// The current version for a station and year, or nil when it never reported that year.
  public func currentSubmission(station: String, year: AcademicYear) throws(StoreError)
    -> StoredSubmission?
  {
    try submissions(
      where: "s.station_id = ?1 AND s.academic_year = ?2 AND s.superseded_by IS NULL",
      [.text(station), .text(year.description)]
    ).first
  }

  /// Every stored version for a station and year, oldest first.
  public func versions(station: String, year: AcademicYear) throws(StoreError)
    -> [StoredSubmission]
  {
    try submissions(
      where: "s.station_id = ?1 AND s.academic_year = ?2",
      [.text(station), .text(year.description)])
  }

  private func submissions(where condition: String, _ parameters: [SQLValue]) throws(StoreError)
    -> [StoredSubmission]
  {
    try database.query(
      """
      SELECT s.id, s.station_id, s.start_year, s.version, s.superseded_by, s.sha256, s.file,
        s.received_at, s.status, s.submitted_on, st.station_name, st.host_unit, st.host_type,
        st.platform, st.college, st.recognized_on, st.host_head, st.college_head,
        st.reported_headcount, st.total_funding, st.subsidy_total, st.contact, st.phone
      FROM submissions s JOIN station st ON st.submission_id = s.id
      WHERE \(condition)
      ORDER BY s.version
      """, parameters
    ).map { (r) throws(StoreError) in
      StoredSubmission(
        id: r.int64(0) ?? 0, stationID: r.text(1) ?? "",
        academicYear: AcademicYear(startYear: r.int(2) ?? 0), version: r.int(3) ?? 0,
        supersededBy: r.int64(4), sha256: r.text(5) ?? "", file: r.text(6) ?? "",
        receivedAt: r.text(7) ?? "", status: try status(r.text(8)),
        submittedOn: Self.day(r.text(9)),
        stationName: r.text(10), hostUnit: r.text(11), hostType: r.text(12), platform: r.text(13),
        college: r.text(14), recognizedOn: Self.day(r.text(15)), hostHead: r.text(16),
        collegeHead: r.text(17), reportedHeadcount: r.int(18), totalFunding: Self.money(r, 19),
        subsidyTotal: Self.money(r, 20), contact: r.text(21), phone: r.text(22))
    }
  }

  /// The students of a station's current versions, one entry per year listed, in year and sheet
  /// order. A student listed in several years appears once per year.
  public func students(station: String) throws(StoreError) -> [StoredStudent] {
    try database.query(
      """
      SELECT s.start_year, t.student_id, t.name, t.level, t.degree_category, t.campus_supervisor,
        t.host_mentor, t.entered_on, t.left_on, t.monthly_standard, t.supervisor_project,
        t.insured, t.safety_training
      FROM submissions s JOIN students t ON t.submission_id = s.id
      WHERE s.station_id = ?1 AND s.superseded_by IS NULL
      ORDER BY s.start_year, t.row
      """, [.text(station)]
    ).map { r in
      StoredStudent(
        academicYear: AcademicYear(startYear: r.int(0) ?? 0), studentID: r.text(1) ?? "",
        name: r.text(2), level: r.text(3), degreeCategory: r.text(4), campusSupervisor: r.text(5),
        hostMentor: r.text(6), enteredOn: Self.day(r.text(7)), leftOn: Self.day(r.text(8)),
        monthlyStandard: Self.money(r, 9), supervisorProject: r.bool(10), insured: r.bool(11),
        safetyTraining: r.bool(12))
    }
  }

  /// The outcomes of a station's current versions, in year and sheet order.
  public func outcomes(station: String) throws(StoreError) -> [StoredOutcome] {
    let rows = try database.query(
      """
      SELECT o.id, s.start_year, o.kind, o.title, o.level, o.achieved_on, o.benefit, os.student_id
      FROM submissions s JOIN outcomes o ON o.submission_id = s.id
        LEFT JOIN outcome_students os ON os.outcome_id = o.id
      WHERE s.station_id = ?1 AND s.superseded_by IS NULL
      ORDER BY s.start_year, o.row, o.id, os.position
      """, [.text(station)])
    var outcomes: [StoredOutcome] = []
    var lastID: Int64?
    for r in rows {
      if r.int64(0) != lastID {
        lastID = r.int64(0)
        outcomes.append(
          StoredOutcome(
            academicYear: AcademicYear(startYear: r.int(1) ?? 0), kind: r.text(2), title: r.text(3),
            level: r.text(4), achievedOn: Self.day(r.text(5)), students: [], benefit: r.text(6)))
      }
      if let student = r.text(7) { outcomes[outcomes.count - 1].students.append(student) }
    }
    return outcomes
  }

  /// The subsidy payments of a station's current versions — of one academic year, or of all
  /// years when `year` is nil — in year and sheet order.
  public func payments(station: String, year: AcademicYear? = nil) throws(StoreError)
    -> [StoredPayment]
  {
    try database.query(
      """
      SELECT s.start_year, p.student_id, p.month, p.due, p.paid, p.paid_on
      FROM submissions s JOIN payments p ON p.submission_id = s.id
      WHERE s.station_id = ?1 AND s.superseded_by IS NULL AND (?2 IS NULL OR s.academic_year = ?2)
      ORDER BY s.start_year, p.row
      """, [.text(station), SQLValue(year?.description)]
    ).map { r in
      StoredPayment(
        academicYear: AcademicYear(startYear: r.int(0) ?? 0), studentID: r.text(1) ?? "",
        month: Self.month(r.text(2)), due: Self.money(r, 3), paid: Self.money(r, 4),
        paidOn: Self.day(r.text(5)))
    }
  }

  // MARK: - Column values back

  /// `YYYY-MM-DD` → Day.
  /// A stored status: the raw value of a ``SubmissionStatus`` (report.json's word). Any other text
  /// is not one this store wrote.
  func status(_ text: String?) throws(StoreError) -> SubmissionStatus {
    guard let status = text.flatMap(SubmissionStatus.init(rawValue:)) else {
      throw StoreError(
        .other, operation: "read", message: "unknown submission status \(text ?? "NULL")",
        path: path)
    }
    return status
  }

  static func day(_ text: String?) -> Day? { text.flatMap(Day.init(iso:)) }

  /// `YYYY-MM` → Month.
  static func month(_ text: String?) -> Month? {
    guard let parts = text?.split(separator: "-"), parts.count == 2,
      let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m)
    else { return nil }
    return Month(year: y, month: m)
  }

  /// The issues of a verdict's `findings` column (``Store/json(findings:)``).
  static func findings(_ text: String?) -> [Issue] {
    guard let text,
      let list = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]
    else { return [] }
    return list.compactMap { o in
      guard let rule = o["rule"] as? String, let message = o["message"] as? String else {
        return nil
      }
      return Issue(
        rule, sheet: o["sheet"] as? String,
        cell: (o["cell"] as? String).flatMap(CellReference.init),
        message: message, value: o["value"] as? String)
    }
  }

  static func money(_ row: Row, _ i: Int) -> Money? { row.int64(i).map { Money(fen: $0) } }
}

/// One verdict of `pipeline run` on a submission (schema version 2): kept for every status, so a
/// late or rejected submission is known even when a later file was the one accepted.
public struct StoredVerdict: Equatable, Sendable {
  public var sha256: String
  public var stationID: String
  public var academicYear: AcademicYear
  public var file: String
  /// 报送日期 as submitted, when it was a valid date.
  public var submittedOn: Day?
  /// ISO 8601 UTC: when the batch read it (the file's modification time).
  public var receivedAt: String
  /// accepted, rejected or superseded (as in report.json).
  public var status: SubmissionStatus
  /// Issues per rule ID.
  public var rules: [String: Int]
  /// Its findings (SPEC §5 `finding`), in report order (schema version 3; none before).
  public var findings: [Issue]
  /// The day (in Beijing) its receipt gave it, when it came through `pipeline serve`.
  public var receiptDay: Day?

  public init(
    sha256: String, stationID: String, academicYear: AcademicYear, file: String,
    submittedOn: Day?, receivedAt: String, status: SubmissionStatus, rules: [String: Int],
    findings: [Issue] = [], receiptDay: Day? = nil
  ) {
    self.receiptDay = receiptDay
    self.sha256 = sha256
    self.stationID = stationID
    self.academicYear = academicYear
    self.file = file
    self.submittedOn = submittedOn
    self.receivedAt = receivedAt
    self.status = status
    self.rules = rules
    self.findings = findings
  }

  /// Whether the report was accepted by its own checks: `accepted`, or `superseded` by a newer
  /// file with no error of its own.
  public var acceptedOnItsOwn: Bool {
    status == .accepted
      || (status == .superseded && !rules.keys.contains { RuleCatalog.severity(of: $0) == .error })
  }

  /// The rule IDs of `set` that it has issues under, sorted.
  public func rules(among set: Set<String>) -> [String] {
    rules.filter { set.contains($0.key) && $0.value > 0 }.keys.sorted()
  }
}

extension Store {
  /// Every verdict recorded for a station, by academic year, then as received (oldest first).
  public func verdicts(station: String) throws(StoreError) -> [StoredVerdict] {
    try database.query(
      """
      SELECT sha256, station_id, start_year, file, submitted_on, received_at, status, rules,
        findings, receipt_at
      FROM verdicts WHERE station_id = ?1
      ORDER BY start_year, received_at, file
      """, [.text(station)]
    ).map { (r) throws(StoreError) in
      var rules: [String: Int] = [:]
      if let text = r.text(7),
        let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
      {
        for (key, value) in object { rules[key] = (value as? NSNumber)?.intValue ?? 0 }
      }
      return StoredVerdict(
        sha256: r.text(0) ?? "", stationID: r.text(1) ?? "",
        academicYear: AcademicYear(startYear: r.int(2) ?? 0), file: r.text(3) ?? "",
        submittedOn: Self.day(r.text(4)), receivedAt: r.text(5) ?? "",
        status: try status(r.text(6)),
        rules: rules, findings: Self.findings(r.text(8)),
        receiptDay: r.text(9).flatMap(Self.beijingDay))
    }
  }
}
