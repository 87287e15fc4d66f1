import Foundation
import Model
import Store
import Testing

/// Row counts of every table, to check that something changed nothing.
func counts(_ store: Store) throws -> [String: Int] {
  var result: [String: Int] = [:]
  for t in [
    "submissions", "station", "students", "people", "outcomes", "outcome_students", "payments",
  ] {
    result[t] = try store.database.scalar("SELECT count(*) FROM \(t)").flatMap {
      if case .integer(let n) = $0 { Int(n) } else { nil }
    }
  }
  return result
}

/// Recording accepted submissions: what goes in comes back, a file is stored once, a new file for
/// the same station and year is a new version, and a failure stores nothing.
@Suite struct RecordTests {
  @Test func insertThenReadBack() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let store = try Store(path: dir.path())
    defer { try? store.close() }

    let outcome = try store.record(
      submission(), file: "inbox/药学院-2023.xlsx", sha256: sha("a").uppercased(),
      receivedAt: received)
    #expect(outcome == .inserted)

    let current = try #require(
      try store.currentSubmission(station: "TJMU-GZZ-001", year: AcademicYear(startYear: 2023)))
    #expect(current.version == 1)
    #expect(current.isCurrent)
    #expect(current.sha256 == sha("a"))  // stored lower-case
    #expect(current.file == "inbox/药学院-2023.xlsx")
    #expect(current.receivedAt == "2024-07-12T08:30:05Z")
    #expect(current.status == .accepted)
    #expect(current.submittedOn == day(2024, 7, 5))
    #expect(current.stationName == "天津某某医药工作站")
    #expect(current.hostType == "企业")
    #expect(current.platform == "企业技术中心")
    #expect(current.college == "药学院")
    #expect(current.recognizedOn == day(2022, 5, 20))
    #expect(current.hostHead == "王五")
    #expect(current.collegeHead == "赵六")
    #expect(current.reportedHeadcount == 2)
    #expect(current.totalFunding == Money(fen: 50_000_050))
    #expect(current.subsidyTotal == Money(yuan: 4000))
    #expect(current.contact == "钱七")
    #expect(current.phone == nil)
    #expect(
      try store.currentSubmission(station: "TJMU-GZZ-001", year: AcademicYear(startYear: 2022))
        == nil)

    let students = try store.students(station: "TJMU-GZZ-001")
    #expect(students.map(\.studentID) == ["2022120345", "2022120346"])
    #expect(students[0].name == "张三")
    #expect(students[0].level == "博士")
    #expect(students[0].enteredOn == day(2023, 9, 1))
    #expect(students[0].leftOn == nil)
    #expect(students[1].leftOn == day(2024, 3, 31))
    #expect(students[0].monthlyStandard == Money(yuan: 1200))
    #expect(students[0].supervisorProject == false)
    #expect(students[0].insured == true)
    #expect(students[0].safetyTraining == true)
    #expect(students[0].hostMentor == "周导师")
    #expect(students[0].degreeCategory == nil)
    #expect(students.allSatisfy { $0.academicYear == AcademicYear(startYear: 2023) })

    let outcomes = try store.outcomes(station: "TJMU-GZZ-001")
    #expect(outcomes.count == 2)
    #expect(outcomes[0].title == "一种\"新型\"制剂")
    #expect(outcomes[0].level == "国家级")
    #expect(outcomes[0].achievedOn == day(2024, 1, 15))
    #expect(outcomes[0].students == ["2022120345", "2022120346"])  // the repeat is dropped
    #expect(outcomes[0].benefit == "节约成本")
    #expect(outcomes[1].students == ["2022120346"])
    #expect(outcomes[1].benefit == nil)

    let payments = try store.payments(station: "TJMU-GZZ-001", year: AcademicYear(startYear: 2023))
    #expect(payments.count == 4)
    #expect(payments[0].studentID == "2022120345")
    #expect(payments[0].month == Month(year: 2023, month: 9))
    #expect(payments[0].due == Money(yuan: 1200))
    #expect(payments[0].paid == Money(yuan: 1200))
    #expect(payments[0].paidOn == day(2023, 9, 25))
    #expect(try store.payments(station: "TJMU-GZZ-001").count == 4)
    #expect(
      try store.payments(station: "TJMU-GZZ-001", year: AcademicYear(startYear: 2024)).isEmpty)

    // Plain columns, readable by any SQLite client.
    let raw = try store.database.query(
      "SELECT entered_on, monthly_standard, insured FROM students ORDER BY row")
    #expect(raw[0].values == [.text("2023-09-01"), .integer(120_000), .integer(1)])
    #expect(
      try store.database.scalar("SELECT month FROM payments ORDER BY row") == .text("2023-09"))
    let roles = try store.database.query(
      "SELECT j.value FROM people p, json_each(p.roles) j WHERE p.name = '王五' ORDER BY j.key")
    #expect(roles.map { $0.text(0) } == ["设站单位站长", "兼职导师"])

    let stations = try store.stations()
    #expect(stations.count == 1)
    #expect(stations[0].stationID == "TJMU-GZZ-001")
    #expect(stations[0].stationName == "天津某某医药工作站")
    #expect(stations[0].college == "药学院")
    #expect(stations[0].recognizedOn == day(2022, 5, 20))
    #expect(
      stations[0].years == [
        ReportedYear(
          academicYear: AcademicYear(startYear: 2023), version: 1, submittedOn: day(2024, 7, 5),
          firstSubmittedOn: day(2024, 7, 5), receivedAt: "2024-07-12T08:30:05Z",
          status: .accepted, file: "inbox/药学院-2023.xlsx")
      ])
  }

  @Test func stationsListEveryYearInOrderWithTheLatestDetails() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let store = try Store(path: dir.path())
    defer { try? store.close() }
    try store.record(
      submission(year: 2024, stationName: "新名称"), file: "b", sha256: sha("b"), receivedAt: received)
    try store.record(submission(year: 2022), file: "a", sha256: sha("a"), receivedAt: received)
    try store.record(
      submission(station: "AAA-1"), file: "c", sha256: sha("c"), receivedAt: received)

    let stations = try store.stations()
    #expect(stations.map(\.stationID) == ["AAA-1", "TJMU-GZZ-001"])
    #expect(stations[1].years.map(\.academicYear.startYear) == [2022, 2024])
    #expect(stations[1].stationName == "新名称")
    // Students of every year, year by year.
    #expect(
      try store.students(station: "TJMU-GZZ-001").map(\.academicYear.startYear) == [
        2022, 2022, 2024, 2024,
      ])
    #expect(try store.students(station: "nobody").isEmpty)
  }

  @Test func theSameFileTwiceChangesNothing() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let store = try Store(path: dir.path())
    defer { try? store.close() }

    #expect(
      try store.record(submission(), file: "a.xlsx", sha256: sha("a"), receivedAt: received)
        == .inserted)
    let before = try counts(store)
    #expect(before["payments"] == 4)
    // Same bytes under another name, another time, another letter case of the hash.
    let again = try store.record(
      submission(), file: "copy of a.xlsx", sha256: sha("a").uppercased(),
      receivedAt: Date(timeIntervalSince1970: 1_800_000_000))
    #expect(again == .unchanged)
    #expect(try counts(store) == before)
    let current = try #require(
      try store.currentSubmission(station: "TJMU-GZZ-001", year: AcademicYear(startYear: 2023)))
    #expect(current.file == "a.xlsx")
    #expect(current.version == 1)
  }

  @Test func aNewFileForTheSameYearIsTheNextVersion() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let store = try Store(path: dir.path())
    defer { try? store.close() }
    let year = AcademicYear(startYear: 2023)

    try store.record(submission(), file: "v1.xlsx", sha256: sha("v1"), receivedAt: received)
    let corrected = submission(
      submittedOn: day(2024, 7, 20),
      students: [StudentRow(id: "2022120399", name: "王八", entered: day(2023, 10, 1))])
    #expect(
      try store.record(corrected, file: "v2.xlsx", sha256: sha("v2"), receivedAt: received)
        == .newVersion(2))

    let versions = try store.versions(station: "TJMU-GZZ-001", year: year)
    #expect(versions.map(\.version) == [1, 2])
    #expect(versions[0].supersededBy == versions[1].id)
    #expect(versions[1].isCurrent)
    #expect(try store.currentSubmission(station: "TJMU-GZZ-001", year: year)?.file == "v2.xlsx")
    // Both versions' records are kept; the queries read the current one.
    #expect(try counts(store)["students"] == 3)
    #expect(try store.students(station: "TJMU-GZZ-001").map(\.studentID) == ["2022120399"])
    #expect(
      try store.payments(station: "TJMU-GZZ-001").map(\.studentID) == ["2022120399", "2022120399"])
    let reported = try #require(try store.stations().first?.years.first)
    #expect(reported.version == 2)
    #expect(reported.submittedOn == day(2024, 7, 20))
    #expect(reported.firstSubmittedOn == day(2024, 7, 5))

    // Another year is its own version 1; a third file here is version 3; an old file again is
    // no change (it does not become current again).
    #expect(
      try store.record(submission(year: 2024), file: "y2", sha256: sha("y2"), receivedAt: received)
        == .inserted)
    #expect(
      try store.record(submission(), file: "v3.xlsx", sha256: sha("v3"), receivedAt: received)
        == .newVersion(3))
    #expect(
      try store.record(submission(), file: "v1.xlsx", sha256: sha("v1"), receivedAt: received)
        == .unchanged)
    #expect(try store.currentSubmission(station: "TJMU-GZZ-001", year: year)?.version == 3)
    let all = try store.versions(station: "TJMU-GZZ-001", year: year)
    #expect(all.filter(\.isCurrent).map(\.version) == [3])
    #expect(all[1].supersededBy == all[2].id)
  }

  @Test func aFailingSubmissionLeavesNothing() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let store = try Store(path: dir.path())
    defer { try? store.close() }
    let duplicate = submission(students: [
      StudentRow(id: "2022120345", name: "张三"), StudentRow(id: "2022120345", name: "张三"),
    ])

    let error = try #require(throws: StoreError.self) {
      try store.record(duplicate, file: "dup.xlsx", sha256: sha("dup"), receivedAt: received)
    }
    #expect(error.kind == .constraint)
    #expect(error.message.contains("UNIQUE"))
    #expect(error.sql?.contains("INSERT INTO students") == true)
    #expect(error.operation == "step")
    #expect(try counts(store).values.allSatisfy { $0 == 0 })
    #expect(!store.database.inTransaction)

    // Over an existing version: the old one stays current, untouched.
    try store.record(submission(), file: "v1.xlsx", sha256: sha("v1"), receivedAt: received)
    let before = try counts(store)
    #expect(throws: StoreError.self) {
      try store.record(duplicate, file: "dup.xlsx", sha256: sha("dup"), receivedAt: received)
    }
    #expect(try counts(store) == before)
    let versions = try store.versions(station: "TJMU-GZZ-001", year: AcademicYear(startYear: 2023))
    #expect(versions.map(\.version) == [1])
    #expect(versions[0].isCurrent)
    // The store still works, and the refused file can come in corrected.
    #expect(
      try store.record(submission(), file: "dup.xlsx", sha256: sha("dup"), receivedAt: received)
        == .newVersion(2))
  }

  @Test(arguments: ["submissions", "station", "students", "people", "outcomes", "payments"])
  func aFailureAfterAnyTableRollsEverythingBack(table: String) throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let store = try Store(path: dir.path())
    defer { try? store.close() }
    try store.record(submission(), file: "v1", sha256: sha("v1"), receivedAt: received)
    let before = try counts(store)

    store.afterWriting = { (written: String) throws(StoreError) in
      if written == table {
        throw StoreError(.other, operation: "test", message: "injected after \(written)", path: "")
      }
    }
    let error = try #require(throws: StoreError.self) {
      try store.record(submission(), file: "v2", sha256: sha("v2"), receivedAt: received)
    }
    #expect(error.message == "injected after \(table)")
    #expect(try counts(store) == before)
    #expect(
      try store.currentSubmission(station: "TJMU-GZZ-001", year: AcademicYear(startYear: 2023))?
        .file == "v1")

    store.afterWriting = nil
    #expect(
      try store.record(submission(), file: "v2", sha256: sha("v2"), receivedAt: received)
        == .newVersion(2))
  }

  @Test func aSubmissionWithoutItsKeysIsRefused() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let store = try Store(path: dir.path())
    defer { try? store.close() }
    var noForm = submission()
    noForm.station = nil
    let error = try #require(throws: StoreError.self) {
      try store.record(noForm, file: "x.xlsx", sha256: sha("x"), receivedAt: received)
    }
    #expect(error.kind == .invalidSubmission)
    #expect(error.message.contains("x.xlsx"))
    #expect(try counts(store)["submissions"] == 0)
  }

  @Test func optionalTablesMayBeAbsentOrEmpty() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let store = try Store(path: dir.path())
    defer { try? store.close() }
    var bare = submission()
    bare.tables["outcomes"] = nil
    bare.tables["payments"]?.records = []
    #expect(
      try store.record(bare, file: "bare", sha256: sha("bare"), receivedAt: received) == .inserted)
    #expect(try store.outcomes(station: "TJMU-GZZ-001").isEmpty)
    #expect(try store.payments(station: "TJMU-GZZ-001").isEmpty)
    #expect(try store.students(station: "TJMU-GZZ-001").count == 2)
  }
}
