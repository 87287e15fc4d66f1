import Foundation
import Model
import Store
import Synchronization
import Testing
import XLSXTestSupport

/// Two `pipeline run`s on one store: each thread opens its own `Store` (its own connection, as a
/// process would), and they write at the same time. Writers wait for each other (WAL, busy
/// timeout, BEGIN IMMEDIATE): no error, nothing lost, nothing stored twice.
@Suite struct ConcurrencyTests {
  @Test func twoWritersOnOneStoreLoseNothing() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let path = dir.path()
    let perThread = 20
    let outcomes = Mutex<[RecordOutcome]>([])

    let errors = onThreads(2) { t in
      let store = try Store(path: path)  // both create the schema at once, too
      defer { try? store.close() }
      for i in 0..<perThread {
        // Its own stations…
        try store.record(
          submission(station: "T\(t)-\(i)"), file: "own-\(t)-\(i)", sha256: sha("own-\(t)-\(i)"),
          receivedAt: received)
        // …the same files as the other thread (each stored once)…
        let shared = try store.record(
          submission(station: "SHARED-\(i)"), file: "shared-\(i)", sha256: sha("shared-\(i)"),
          receivedAt: received)
        // …and different files for one station and year (versions, none lost).
        let version = try store.record(
          submission(station: "HOT-1"), file: "hot-\(t)-\(i)", sha256: sha("hot-\(t)-\(i)"),
          receivedAt: received)
        outcomes.withLock { $0 += [shared, version] }
        // Reads in between see a consistent store.
        _ = try store.stations()
      }
    }
    #expect(errors == [])

    let store = try Store(path: path)
    defer { try? store.close() }
    #expect(try store.integrityCheck() == ["ok"])
    let n = perThread
    #expect(try counts(store)["submissions"] == 2 * n + n + 2 * n)
    #expect(try counts(store)["students"] == 2 * (2 * n + n + 2 * n))
    for i in 0..<n {
      #expect(
        try store.versions(station: "SHARED-\(i)", year: AcademicYear(startYear: 2023)).count == 1)
    }
    let hot = try store.versions(station: "HOT-1", year: AcademicYear(startYear: 2023))
    #expect(hot.map(\.version) == Array(1...(2 * n)))
    #expect(hot.filter(\.isCurrent).count == 1)
    #expect(hot.last?.isCurrent == true)
    for (older, newer) in zip(hot, hot.dropFirst()) { #expect(older.supersededBy == newer.id) }

    let all = outcomes.withLock { $0 }
    // Each shared file: stored by one thread, unchanged for the other; plus the first HOT-1.
    #expect(all.filter { $0 == .unchanged }.count == n)
    #expect(all.filter { $0 == .inserted }.count == n + 1)
    #expect(all.filter { if case .newVersion = $0 { true } else { false } }.count == 2 * n - 1)
  }

  @Test func aReaderDoesNotBlockAWriter() throws {
    let dir = try TempDir()
    defer { dir.remove() }
    let path = dir.path()
    let writer = try Store(path: path)
    defer { try? writer.close() }
    try writer.record(submission(), file: "a", sha256: sha("a"), receivedAt: received)

    // A reader mid-query (its statement holds a read snapshot under WAL)…
    let reader = try Store(path: path)
    defer { try? reader.close() }
    let statement = try reader.database.prepare("SELECT id FROM submissions")
    try statement.bind([])
    #expect(try statement.next() != nil)
    // …does not stop a writer.
    #expect(
      try writer.record(submission(year: 2024), file: "b", sha256: sha("b"), receivedAt: received)
        == .inserted)
    statement.reset()
    #expect(try reader.stations().first?.years.count == 2)
  }
}
