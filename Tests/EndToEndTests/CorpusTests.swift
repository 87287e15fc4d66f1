import Foundation
import Testing

// Conformance of `pipeline dump FILE --format json` on the wild xlsx corpus
// (`../shared/corpus/wild`, README "Scoring a reader"), with one deliberate difference: where the
// two reference readers disagree we do not take whichever the truth accepts, we require the value
// ECMA-376 decides (`DisagreementDecisions` in TruthComparison.swift says which and why).
//
// Sheet kinds: the truth takes openpyxl's view, in which macro sheets and dialog sheets are
// "worksheet"; our reader reports "macrosheet"/"dialogsheet", mapped to "worksheet" before
// comparing (`truthKind(ofOurs:)`). Chartsheets are listed by both.

/// Seconds one file may take before the binary is killed and the file fails.
let corpusTimeout = 20.0
/// Cell mismatches reported per file; the rest are counted in one more issue.
let mismatchCap = 20

/// The marker argument used when the corpus cannot be listed, so the parameterized test fails
/// (an empty argument list would pass silently).
let corpusMissingMarker = "(corpus missing)"

let corpusFiles: [String] = {
  switch TestLocations.corpusFiles() {
  case .success(let files): files
  case .failure: [corpusMissingMarker]
  }
}()

@Suite("Wild xlsx corpus")
struct CorpusTests {
  @Test("pipeline dump matches the truth", arguments: corpusFiles)
  func conforms(_ file: String) async throws {
    if file == corpusMissingMarker {
      if case .failure(let e) = TestLocations.corpusFiles() { Issue.record("\(e)") }
      return
    }
    let outcome = await CorpusRuns.shared.outcome(for: file)
    for p in outcome.problems {
      Issue.record("\(file): \(p)")
    }
    for m in outcome.mismatches.prefix(mismatchCap) {
      Issue.record("\(m)")
    }
    if outcome.mismatches.count > mismatchCap {
      let more = outcome.mismatches.count - mismatchCap
      Issue.record(
        Comment(
          rawValue: "\(file): … and \(more) more cell mismatches"
            + " (\(outcome.cellsMatched)/\(outcome.cellsCompared) cells matched)"))
    }
    if outcome.verdict == .failed && outcome.problems.isEmpty && outcome.mismatches.isEmpty {
      Issue.record("\(file): failed without a recorded reason")
    }
    if !outcome.notes.isEmpty {
      print(
        "[corpus] \(file): \(outcome.verdict.rawValue); " + outcome.notes.joined(separator: "; "))
    }
  }

  @Test("corpus summary")
  func summary() async throws {
    let files = try TestLocations.corpusFiles().get()
    var outcomes: [FileOutcome] = []
    for file in files {
      outcomes.append(await CorpusRuns.shared.outcome(for: file))
    }
    let summary = CorpusSummary(outcomes)
    print(summary.line)
    for detail in summary.details { print("[corpus] \(detail)") }
    // The floor: what the reader achieved when this line was written (2026-12-04) — every
    // readable file read and matched (69), every broken one refused (11), every cell matched
    // (23,053); a corpus that grows may raise it, never lower it.
    #expect(summary.matched == summary.read && summary.read >= 69, "\(summary.line)")
    #expect(summary.rejected == summary.mustReject && summary.mustReject >= 11, "\(summary.line)")
    #expect(summary.failed == 0 && summary.acceptedRejections == 0, "\(summary.line)")
    #expect(
      summary.cellsMatched == summary.cellsCompared && summary.cellsCompared >= 23_053,
      "\(summary.line)")
  }
}

/// Counts for the one-line summary.
struct CorpusSummary {
  var line: String
  var details: [String]
  /// Readable files read, and those of them matched to the truth.
  var read = 0
  var matched = 0
  /// Broken files, and those of them refused as required.
  var mustReject = 0
  var rejected = 0
  var acceptedRejections = 0
  var failed = 0
  var cellsCompared = 0
  var cellsMatched = 0

  init(_ outcomes: [FileOutcome]) {
    let readable = outcomes.filter { !$0.mustReject }
    let read = readable.filter { $0.verdict != .acceptedRejection }
    let matched = read.filter { $0.verdict == .matched }
    let clean = read.filter { !$0.hardCase && !$0.rejectOK }
    let hard = read.filter { $0.hardCase && !$0.rejectOK }
    let rejectOKRead = read.filter(\.rejectOK)
    let mustReject = outcomes.filter(\.mustReject)
    let rejected = mustReject.filter { $0.verdict == .rejectedAsRequired }
    let accepted = outcomes.filter { $0.verdict == .acceptedRejection }
    let compared = outcomes.reduce(0) { $0 + $1.cellsCompared }
    let cellsMatched = outcomes.reduce(0) { $0 + $1.cellsMatched }
    func ok(_ xs: [FileOutcome]) -> Int { xs.filter { $0.verdict == .matched }.count }
    let failed = outcomes.filter { $0.verdict == .failed }

    line =
      "corpus: \(outcomes.count) files; read and matched \(matched.count)/\(read.count)"
      + " (clean \(ok(clean))/\(clean.count), hard cases \(ok(hard))/\(hard.count),"
      + " reject_ok read \(ok(rejectOKRead))/\(rejectOKRead.count));"
      + " rejected as required \(rejected.count)/\(mustReject.count);"
      + " accepted rejections \(accepted.count);"
      + " cells matched \(cellsMatched)/\(compared); failed files \(failed.count)"
    var details: [String] = []
    if !accepted.isEmpty {
      details.append("accepted rejections: " + accepted.map(\.file).joined(separator: ", "))
    }
    var decided: [String: Int] = [:]
    for o in outcomes { decided.merge(o.decided, uniquingKeysWith: +) }
    if !decided.isEmpty {
      details.append(
        "cells decided on disagreements: "
          + decided.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(
            separator: ", "))
    }
    if !failed.isEmpty {
      details.append("failed: " + failed.map(\.file).joined(separator: ", "))
    }
    self.details = details
    (self.read, self.matched) = (read.count, matched.count)
    (self.mustReject, self.rejected) = (mustReject.count, rejected.count)
    (acceptedRejections, self.failed) = (accepted.count, failed.count)
    (cellsCompared, self.cellsMatched) = (compared, cellsMatched)
  }
}

/// Runs each corpus file once, shared by the per-file test and the summary.
actor CorpusRuns {
  static let shared = CorpusRuns()
  private var runs: [String: Task<FileOutcome, Never>] = [:]

  func outcome(for file: String) async -> FileOutcome {
    if let run = runs[file] { return await run.value }
    let run = Task.detached { await evaluateCorpusFile(file) }
    runs[file] = run
    return await run.value
  }
}

/// Loads the truth, runs the binary and scores the file; harness failures (no binary, no truth,
/// cannot spawn) become problems of the file.
func evaluateCorpusFile(_ file: String) async -> FileOutcome {
  let path = TestLocations.corpusDirectory.appendingPathComponent(file)
  let truth: WorkbookTruth
  do {
    truth = try WorkbookTruth.load(path.appendingPathExtension("truth.json"))
  } catch {
    return FileOutcome(file: file, verdict: .failed, problems: ["cannot load its truth: \(error)"])
  }
  let binary: URL
  switch TestLocations.pipelineBinary {
  case .success(let url): binary = url
  case .failure(let e): return FileOutcome(file: file, verdict: .failed, problems: ["\(e)"])
  }
  // Swift Testing may start every case at once; run at most one binary per core so the 20 s
  // limit measures the reader, not the machine's load. The clock starts when the process does.
  await RunSlots.shared.acquire()
  let run: RunResult
  do {
    run = try await runProcess(
      binary, ["dump", path.path, "--format", "json"], timeout: corpusTimeout)
  } catch {
    await RunSlots.shared.release()
    return FileOutcome(
      file: file, verdict: .failed, problems: ["cannot run \(binary.path): \(error)"])
  }
  await RunSlots.shared.release()
  return judge(file: file, truth: truth, run: run, timeout: corpusTimeout)
}

/// A counting semaphore for concurrent binary runs.
actor RunSlots {
  static let shared = RunSlots(max(2, ProcessInfo.processInfo.activeProcessorCount))
  private var free: Int
  private var waiting: [CheckedContinuation<Void, Never>] = []

  init(_ count: Int) { free = count }

  func acquire() async {
    if free > 0 {
      free -= 1
      return
    }
    await withCheckedContinuation { waiting.append($0) }
  }

  func release() {
    if waiting.isEmpty {
      free += 1
    } else {
      waiting.removeFirst().resume()
    }
  }
}

// MARK: - The comparator itself

/// Checks of the scoring functions that need no binary: they pin the README's comparison rules
/// and the decision table, so a corpus failure is the reader's and not the comparator's.
@Suite("Corpus truth comparison")
struct TruthComparisonTests {
  @Test(arguments: [
    ("A1", 1, 1), ("Z9", 9, 26), ("AA10", 10, 27), ("XFD1048576", 1_048_576, 16_384),
  ])
  func parsesA1(_ ref: String, _ row: Int, _ column: Int) throws {
    let p = try #require(CellPosition(ref))
    #expect(p.row == row && p.column == column)
    #expect(p.a1 == ref)
  }

  @Test(arguments: ["", "A", "1", "A0", "a1", "$A$1", "XFE1", "A1048577", "A01", "1A"])
  func rejectsBadA1(_ ref: String) {
    #expect(CellPosition(ref) == nil)
  }

  @Test func rowMajorOrder() throws {
    let b1 = try #require(CellPosition("B1"))
    let a2 = try #require(CellPosition("A2"))
    #expect(b1 < a2)
  }

  @Test func valueRules() throws {
    func v(_ json: String) throws -> SheetValue? {
      try SheetValue.from(JSONValue.parse(Data(json.utf8)))
    }
    #expect(valuesMatch(try v("1"), try v("1.0000000001")))
    #expect(!valuesMatch(try v("1"), try v("1.00001")))
    #expect(!valuesMatch(try v("0"), try v("1e-300")))
    #expect(!valuesMatch(try v("true"), try v("1")))
    #expect(!valuesMatch(try v("\"1\""), try v("1")))
    #expect(try v("\"\"") == nil)
    #expect(try v("null") == nil)
    // Canonically equivalent but different scalars: not equal.
    #expect(!valuesMatch(try v("\"\\u00e9\""), try v("\"e\\u0301\"")))
    #expect(
      valuesMatch(
        try v(#"{"date": "1899-12-28T19:12:00"}"#), try v(#"{"date": "1899-12-28T19:12:00.001"}"#)))
    #expect(
      !valuesMatch(
        try v(#"{"date": "2021-01-01T00:00:00"}"#), try v(#"{"date": "2021-01-01T00:00:00.002"}"#)))
    #expect(
      !valuesMatch(try v(#"{"date": "1900-01-01T00:00:00"}"#), try v(#"{"time": "00:00:00"}"#)))
    #expect(valuesMatch(try v(#"{"time": "13:03:21.600"}"#), try v(#"{"time": "13:03:21.6"}"#)))
    #expect(
      valuesMatch(try v(#"{"duration_seconds": 1.0005}"#), try v(#"{"duration_seconds": 1}"#)))
    #expect(!valuesMatch(try v(##"{"error": "#N/A"}"##), try v(##"{"error": "#NA"}"##)))
    #expect(throws: SheetValue.FormatError.self) { try v(#"{"date": "2021-02-30T00:00:00"}"#) }
  }

  @Test func daysFromCivilMatchesExcelEpochs() {
    // 1899-12-30 is 25,569 days before 1970-01-01 (Excel serial 0 of the 1900 system).
    #expect(daysFromCivil(year: 1899, month: 12, day: 30) == -25_569)
    #expect(daysFromCivil(year: 1970, month: 1, day: 1) == 0)
    #expect(daysFromCivil(year: 2000, month: 3, day: 1) == 11_017)
  }

  private func record(_ json: String) throws -> DisagreementRecord {
    let j = try JSONValue.parse(Data(json.utf8))
    return try DisagreementRecord(j, kind: j["kind"]!.stringValue!)
  }

  @Test func decisionTable() throws {
    let escape = try record(
      #"""
      {"kind": "string_xHHHH_escape", "sheet": "S", "cell": "A1", "openpyxl": "A_x000D_B",
       "calamine": "A\rB", "accept": ["A_x000D_B", "A\rB"]}
      """#
    )
    guard case .require(let want, _) = try DisagreementDecisions.decide(escape).get() else {
      Issue.record("escape should require one value")
      return
    }
    #expect(want == .string("A\rB"))

    let blank = try record(
      #"""
      {"kind": "string_edge_whitespace", "sheet": "S", "cell": "A1", "openpyxl": "City ",
       "calamine": "City", "accept": ["City ", "City"]}
      """#
    )
    guard case .require(let trimmed, _) = try DisagreementDecisions.decide(blank).get() else {
      Issue.record("whitespace should require one value")
      return
    }
    #expect(trimmed == .string("City"))

    let unknown = try record(
      #"""
      {"kind": "something_new", "sheet": "S", "cell": "A1", "openpyxl": 1, "calamine": 2,
       "accept": [1, 2]}
      """#
    )
    #expect(throws: TruthFormatError.self) { try DisagreementDecisions.decide(unknown).get() }

    // A decision the truth does not accept is a truth/table problem, not a pass.
    let odd = try record(
      #"""
      {"kind": "merged_non_anchor_value", "sheet": "S", "cell": "B2", "openpyxl": null,
       "calamine": "x", "accept": [null]}
      """#
    )
    #expect(throws: TruthFormatError.self) { try DisagreementDecisions.decide(odd).get() }
  }

  @Test func scoresAWorkbook() throws {
    let truthJSON = #"""
      {"file": "t.xlsx", "truth_source": "openpyxl", "reject_ok": false, "agree": false,
       "date1904": false,
       "sheets": [{"name": "S", "visible": "visible", "kind": "worksheet", "cell_count": 3,
                   "truncated": false, "cells": {"A1": 1, "B1": "x", "A2": {"error": "#N/A"}}},
                  {"name": "M", "visible": "hidden", "kind": "worksheet", "cell_count": 0,
                   "truncated": false, "cells": {}}],
       "disagreements": [{"kind": "error_cell_empty_in_calamine", "sheet": "S", "cell": "A2",
                          "openpyxl": {"error": "#N/A"}, "calamine": null,
                          "accept": [{"error": "#N/A"}]}]}
      """#
    guard case .readable(let truth) = try WorkbookTruth.parse(JSONValue.parse(Data(truthJSON.utf8)))
    else {
      Issue.record("truth should be readable")
      return
    }
    func dump(_ cells: String, kind: String = "macrosheet") throws -> JSONValue {
      let count = cells.isEmpty ? 0 : cells.split(separator: ",").count
      return try JSONValue.parse(
        Data(
          #"""
          {"file": "t.xlsx", "date1904": false, "sheets": [
            {"name": "S", "visible": "visible", "kind": "worksheet", "cell_count": \#(count),
             "cells": {\#(cells)}},
            {"name": "M", "visible": "hidden", "kind": "\#(kind)", "cell_count": 0, "cells": {}}]}
          """#.utf8))
    }
    let good = compareWorkbook(
      truth: truth, dump: try dump(##""A1": 1, "B1": "x", "A2": {"error": "#N/A"}"##),
      fileName: "t.xlsx")
    #expect(good.problems.isEmpty && good.mismatches.isEmpty)
    #expect(good.cellsCompared == 3 && good.cellsMatched == 3)

    let bad = compareWorkbook(
      truth: truth, dump: try dump(#""A1": true, "B1": "x", "C9": 5"#, kind: "chartsheet"),
      fileName: "t.xlsx")
    #expect(bad.mismatches.map(\.cell) == ["A1", "A2", "C9"])
    #expect(bad.problems.count == 1)  // M's kind
  }

  @Test func calamineArtefacts() throws {
    // Text differences are never excused: the reader trims exactly as calamine does.
    #expect(calamineArtefact(ours: .string("  WOODLEY AV"), truth: .string("WOODLEY AV")) == nil)
    #expect(calamineArtefact(ours: .string(" "), truth: nil) == nil)
    #expect(calamineArtefact(ours: .string("City"), truth: .string("City ")) == nil)
    #expect(calamineArtefact(ours: .string("B "), truth: .string("A")) == nil)
    #expect(calamineArtefact(ours: nil, truth: .string("A")) == nil)
    // A t="d" date matches calamine's string only when it shows the file's text, `Z` included.
    let ms = try #require(parseISODateTime("2014-02-14T08:27:48.765Z"))
    let date = SheetValue.date(text: "2014-02-14T08:27:48.765Z", millis: ms)
    #expect(calamineArtefact(ours: date, truth: .string("2014-02-14T08:27:48.765Z")) != nil)
    #expect(calamineArtefact(ours: date, truth: .string("2014-02-14T08:27:49.765Z")) == nil)
    #expect(calamineArtefact(ours: date, truth: .string("2014-02-14T08:27:48.765")) == nil)
    let zoneless = SheetValue.date(text: "2014-02-14T08:27:48.765", millis: ms)
    #expect(calamineArtefact(ours: zoneless, truth: .string("2014-02-14T08:27:48.765Z")) == nil)
    // The designator shifts the instant: 10:27:48.765+02:00 is 08:27:48.765Z.
    #expect(parseISODateTime("2014-02-14T10:27:48.765+02:00") == ms)
    #expect(parseISODateTime("2014-02-14T03:27:48.765-0500") == ms)
  }

  @Test func judgesRejections() throws {
    let mustReject = WorkbookTruth.mustReject(reason: "bomb")
    func run(_ code: Int32, _ stdout: String, signal: Int32? = nil, timedOut: Bool = false)
      -> RunResult
    {
      RunResult(
        exitCode: code, signal: signal, timedOut: timedOut, stdout: Data(stdout.utf8),
        stderr: Data(), seconds: 0)
    }
    let clean = run(
      1, #"{"file": "b.xlsx", "error": {"rule": "FILE-002", "message": "超出安全限制", "detail": ""}}"#)
    #expect(
      judge(file: "b.xlsx", truth: mustReject, run: clean, timeout: 20).verdict
        == .rejectedAsRequired)
    #expect(
      judge(file: "b.xlsx", truth: mustReject, run: run(0, "{}"), timeout: 20).verdict == .failed)
    #expect(
      judge(file: "b.xlsx", truth: mustReject, run: run(-1, "", signal: 11), timeout: 20).verdict
        == .failed)
    #expect(
      judge(file: "b.xlsx", truth: mustReject, run: run(-1, "", timedOut: true), timeout: 20)
        .verdict == .failed)
    #expect(
      judge(file: "b.xlsx", truth: mustReject, run: run(2, clean.stdout.description), timeout: 20)
        .verdict == .failed)
    let english = run(
      1, #"{"file": "b.xlsx", "error": {"rule": "FILE-001", "message": "bad file", "detail": "x"}}"#
    )
    #expect(judge(file: "b.xlsx", truth: mustReject, run: english, timeout: 20).verdict == .failed)
  }
}
