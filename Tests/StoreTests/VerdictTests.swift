import Foundation
import Model
import Store
import Testing

/// Schema version 2: every verdict of a run, idempotent by SHA-256, and the migration from 1.
@Suite struct VerdictTests {
  @Test func verdictsAreKeptOncePerFileInYearAndArrivalOrder() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let store = try Store(path: dir.path())
    defer { try? store.close() }
    let y23 = AcademicYear(startYear: 2023)
    #expect(
      try store.recordVerdict(
        sha256: sha("b"), station: "S-1", year: y23, file: "b.xlsx", submittedOn: day(2024, 7, 20),
        receivedAt: received.addingTimeInterval(60), status: .accepted, rules: ["RPT-001": 1]))
    #expect(
      try store.recordVerdict(
        sha256: sha("a"), station: "S-1", year: y23, file: "a.xlsx", submittedOn: day(2024, 7, 5),
        receivedAt: received, status: .rejected, rules: ["SUB-003": 2, "SUB-004": 1]))
    // The same file again: its first verdict stays.
    #expect(
      try !store.recordVerdict(
        sha256: sha("a"), station: "S-1", year: y23, file: "a.xlsx", submittedOn: nil,
        receivedAt: received, status: .accepted, rules: [:]))
    try store.recordVerdict(
      sha256: sha("c"), station: "S-2", year: y23, file: "c.xlsx", submittedOn: nil,
      receivedAt: received, status: .rejected, rules: [:])
    let verdicts = try store.verdicts(station: "S-1")
    #expect(verdicts.map(\.file) == ["a.xlsx", "b.xlsx"])
    #expect(verdicts[0].status == .rejected)
    #expect(verdicts[0].rules == ["SUB-003": 2, "SUB-004": 1])
    #expect(verdicts[0].submittedOn == day(2024, 7, 5))
    #expect(verdicts[1].rules == ["RPT-001": 1])
    #expect(verdicts[0].academicYear == y23)
  }

  /// Schema version 3: a verdict keeps its findings, each issue whole, in report order.
  @Test func aVerdictKeepsItsFindings() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let store = try Store(path: dir.path())
    defer { try? store.close() }
    let findings = [
      Issue(
        "SUB-004", sheet: "补助发放", cell: CellReference("F2"), message: "晚发，\"引号\"\n换行",
        value: "2023-11-01"),
      Issue("SAF-001", sheet: "进站研究生", cell: CellReference("L3"), message: "未进行安全教育。", value: nil),
    ]
    try store.recordVerdict(
      sha256: sha("f"), station: "S-1", year: AcademicYear(startYear: 2023), file: "f.xlsx",
      submittedOn: day(2024, 7, 5), receivedAt: received, status: .accepted,
      rules: ["SUB-004": 1, "SAF-001": 1], findings: findings)
    try store.recordVerdict(
      sha256: sha("g"), station: "S-1", year: AcademicYear(startYear: 2024), file: "g.xlsx",
      submittedOn: nil, receivedAt: received, status: .accepted, rules: [:])
    let verdicts = try store.verdicts(station: "S-1")
    #expect(verdicts.map(\.findings) == [findings, []])
    #expect(verdicts[0].findings.map(\.severity) == [.finding, .finding])
  }

  @Test func aVersionOneStoreIsMigratedAndKeepsItsRecords() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let path = dir.path()
    do {
      let store = try Store(path: path)
      try store.record(submission(), file: "a", sha256: sha("a"), receivedAt: received)
      try store.close()
    }
    // Back to what a version-1 build wrote.
    do {
      let db = try Database(path: path)
      for table in [
        "verdicts", "register_rows", "register_imports", "decisions", "announced_states",
      ] {
        try db.execute("DROP TABLE \(table)")
      }
      try db.execute("PRAGMA user_version = 1")
      try db.close()
    }
    let store = try Store(path: path)
    defer { try? store.close() }
    #expect(
      try store.database.scalar("PRAGMA user_version") == .integer(Int64(StoreSchema.version)))
    #expect(try store.integrityCheck() == ["ok"])
    #expect(try store.stations().map(\.stationID) == ["TJMU-GZZ-001"])
    #expect(try store.verdicts(station: "TJMU-GZZ-001").isEmpty)
    try store.recordVerdict(
      sha256: sha("a"), station: "TJMU-GZZ-001", year: AcademicYear(startYear: 2023), file: "a",
      submittedOn: nil, receivedAt: received, status: .accepted, rules: [:])
    #expect(try store.verdicts(station: "TJMU-GZZ-001").count == 1)
  }

  /// The store writes a ``SubmissionStatus``'s raw value; any other word read back is an error,
  /// never a status guessed.
  @Test func aStatusTheStoreNeverWritesIsAnError() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let store = try Store(path: dir.path())
    defer { try? store.close() }
    try store.recordVerdict(
      sha256: sha("a"), station: "TJMU-GZZ-001", year: AcademicYear(startYear: 2023), file: "a",
      submittedOn: nil, receivedAt: received, status: .rejected, rules: [:])
    #expect(try store.verdicts(station: "TJMU-GZZ-001").map(\.status) == [.rejected])
    try store.database.execute("UPDATE verdicts SET status = 'pending'")
    #expect(throws: StoreError.self) { try store.verdicts(station: "TJMU-GZZ-001") }
  }
}
