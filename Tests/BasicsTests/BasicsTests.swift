import Basics
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct AtomicFileTests {
  let dir: String = {
    let path = NSTemporaryDirectory() + "basics-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }()

  func names() -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
  }

  @Test func aWriteLeavesTheWholeFileAndNoTemporary() throws {
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/report.json"
    try AtomicFile.write("[1]", to: path)
    try AtomicFile.write("[1, 2]", to: path)  // replaces
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "[1, 2]")
    #expect(names() == ["report.json"])
  }

  @Test func aPrivateFileIsCreatedReadableByItsOwnerAlone() throws {
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/tokens.json"
    try AtomicFile.write([1, 2, 3], to: path, permissions: 0o600)
    var info = stat()
    #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
  }

  @Test func aFailedWriteSaysWhereAndLeavesNothing() {
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let error = #expect(throws: AtomicFile.WriteFailed.self) {
      try AtomicFile.write("x", to: dir + "/missing/folder/x.json")
    }
    #expect(error?.path.hasSuffix("missing/folder/x.json") == true)
    #expect(names().isEmpty)
  }

  /// A temporary whose process is gone goes; this process's own and a live one's stay.
  @Test func onlyAbandonedTemporariesAreRemoved() throws {
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let own = URL(fileURLWithPath: AtomicFile.temporaryPath(for: dir + "/a.xlsx")).lastPathComponent
    // pid 1 is alive (init), 2^22+1 is above Linux's pid_max: no such process.
    for name in [own, "b.xlsx.tmp-1-7", "c.xlsx.tmp-4194305-9", "d.xlsx"] {
      try Data([0]).write(to: URL(fileURLWithPath: dir + "/" + name))
    }
    AtomicFile.removeAbandonedTemporaries(in: dir)
    #expect(names() == [own, "b.xlsx.tmp-1-7", "d.xlsx"].sorted())
  }
}

@Suite struct SlotsTests {
  @Test func inParallelGivesTheResultsInIndexOrder() {
    let squares = inParallel(1000) { $0 * $0 }
    #expect(squares == (0..<1000).map { $0 * $0 })
    #expect(inParallel(0) { $0 } == [])
  }
}

@Suite struct DisplayWidthTests {
  @Test(arguments: [
    ("abc", 3), ("补助", 4), ("２０２３", 8), ("한글", 4), ("かな", 4), ("A，B", 4), ("", 0),
    ("𠀀", 2), ("é", 1), ("—", 1),
  ])
  func wideCharactersCountTwo(text: String, width: Int) {
    #expect(displayWidth(text) == width)
  }
}

@Suite struct BeijingTimeTests {
  /// 2024-07-10 16:30 UTC is already 7月11日 in Beijing: the day a deadline is judged by.
  @Test func theDayIsBeijingsWhateverTheClock() {
    let instant = Date(timeIntervalSince1970: 1_720_629_000)  // 2024-07-10T16:30:00Z
    #expect(BeijingTime.day(of: instant) == (2024, 7, 11))
    #expect(BeijingTime.day(of: instant.addingTimeInterval(-3600)) == (2024, 7, 10))
  }
}
