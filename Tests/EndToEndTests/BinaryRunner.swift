import Foundation
import XLSXTestSupport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// Finding the built `pipeline` binary and the corpus, and running the binary with a time limit.

// MARK: - Locations

enum TestLocations {
  /// The package root: this file is `<root>/Tests/EndToEndTests/BinaryRunner.swift`.
  static let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// `<root>/../shared/corpus/wild/files`.
  static let corpusDirectory: URL = packageRoot.deletingLastPathComponent()
    .appendingPathComponent("shared/corpus/wild/files", isDirectory: true).standardizedFileURL

  /// The built `pipeline` executable, or the list of places looked at.
  ///
  /// `swift test` builds it because `EndToEndTests` depends on the executable target, and puts it
  /// next to the test product: on Linux `.build/<config>/pipelinePackageTests.xctest` (an
  /// executable) and `.build/<config>/pipeline`; on macOS the `.xctest` is a bundle, so the
  /// binary sits next to the bundle, a few levels above the test executable. We walk up from the
  /// test executable (`Bundle.main`, `argv[0]`) and fall back to `<root>/.build/debug/pipeline`.
  /// `PIPELINE_BINARY` overrides all of it.
  static let pipelineBinary: Result<URL, LocateError> = locatePipeline()

  struct LocateError: Error, CustomStringConvertible {
    let tried: [String]
    var description: String {
      "the built `pipeline` binary was not found; looked at:\n  " + tried.joined(separator: "\n  ")
    }
  }

  private static func locatePipeline() -> Result<URL, LocateError> {
    let fm = FileManager.default
    var tried: [String] = []
    func usable(_ url: URL) -> Bool {
      var isDir: ObjCBool = false
      tried.append(url.path)
      return fm.fileExists(atPath: url.path, isDirectory: &isDir) && !isDir.boolValue
        && fm.isExecutableFile(atPath: url.path)
    }
    if let override = ProcessInfo.processInfo.environment["PIPELINE_BINARY"], !override.isEmpty {
      let url = URL(fileURLWithPath: override)
      return usable(url) ? .success(url) : .failure(LocateError(tried: tried))
    }
    var starts: [URL] = []
    if let exe = Bundle.main.executableURL { starts.append(exe.deletingLastPathComponent()) }
    starts.append(Bundle.main.bundleURL)
    if let argv0 = CommandLine.arguments.first, !argv0.isEmpty {
      let url = URL(fileURLWithPath: argv0).resolvingSymlinksInPath()
      starts.append(url.deletingLastPathComponent())
    }
    for start in starts {
      // Linux: the directory itself; macOS: …/pipelinePackageTests.xctest/Contents/MacOS, up 3.
      var dir = start.standardizedFileURL
      for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("pipeline")
        if usable(candidate) { return .success(candidate) }
        let parent = dir.deletingLastPathComponent()
        if parent.path == dir.path { break }
        dir = parent
      }
    }
    let fallback = packageRoot.appendingPathComponent(".build/debug/pipeline")
    return usable(fallback) ? .success(fallback) : .failure(LocateError(tried: tried))
  }

  /// Every `*.xlsx` / `*.xlsm` in the corpus, sorted; a failure message when the corpus is missing
  /// or holds no workbooks.
  static func corpusFiles() -> Result<[String], CorpusMissing> {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: corpusDirectory.path)
    } catch {
      return .failure(
        CorpusMissing(
          description:
            "corpus folder \(corpusDirectory.path) is missing or unreadable (\(error.localizedDescription))"
        ))
    }
    let files = names.filter {
      let lower = $0.lowercased()
      return lower.hasSuffix(".xlsx") || lower.hasSuffix(".xlsm")
    }.sorted()
    if files.isEmpty {
      return .failure(
        CorpusMissing(
          description: "corpus folder \(corpusDirectory.path) holds no .xlsx/.xlsm files"))
    }
    return .success(files)
  }

  struct CorpusMissing: Error, CustomStringConvertible {
    let description: String
  }
}

// MARK: - Running

/// A lock-protected value threads share. An `NSLock` (a pthread mutex), not `Synchronization`'s
/// `Mutex`: on Linux that one waits on a raw futex, which ThreadSanitizer cannot see, so
/// `make sanitize` reported the values it guards as races.
final class Shared<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Value
  init(_ value: Value) { self.value = value }
  func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }
}

/// Runs `executable arguments` with stdin closed, collecting stdout and stderr; after `timeout`
/// seconds the process is killed (SIGKILL) and the result says `timedOut`.
func runProcess(_ executable: URL, _ arguments: [String], timeout: Double) async throws -> RunResult
{
  try await runMeasured(executable, arguments, timeout: timeout).result
}

// MARK: - Running with a memory measurement

/// What ``runMeasured(_:_:timeout:)`` returns: the run and the child's peak resident set.
struct MeasuredRun {
  var result: RunResult
  /// `ru_maxrss` of the process as `wait4` reports it, in KiB.
  var peakRSSKiB: Int
}

/// Runs `executable arguments` with stdin closed and stdout and stderr collected (through files),
/// SIGKILL after `timeout` seconds, and also reports its peak memory, which only `wait4` on the
/// child itself can tell (Foundation's `Process` reaps it out of reach).
func runMeasured(_ executable: URL, _ arguments: [String], timeout: Double) async throws
  -> MeasuredRun
{
  let dir = try TemporaryDirectory()
  defer { dir.remove() }
  let outPath = dir.url.appendingPathComponent("stdout").path
  let errPath = dir.url.appendingPathComponent("stderr").path
  var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
  defer { for pointer in argv { free(pointer) } }
  var pid: pid_t = 0
  let spawned = posix_spawn(&pid, executable.path, &actions, nil, argv, environ)
  guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }

  let start = Date()
  var status: Int32 = 0
  var usage = rusage()
  var timedOut = false
  while wait4(pid, &status, WNOHANG, &usage) == 0 {
    if !timedOut && Date().timeIntervalSince(start) > timeout {
      timedOut = true
      kill(pid, SIGKILL)
    }
    try await Task.sleep(nanoseconds: 20_000_000)
  }
  let signaled = (status & 0x7F) != 0
  let result = RunResult(
    exitCode: signaled ? -1 : (status >> 8) & 0xFF, signal: signaled ? status & 0x7F : nil,
    timedOut: timedOut, stdout: readWhole(outPath), stderr: readWhole(errPath),
    seconds: Date().timeIntervalSince(start))
  return MeasuredRun(result: result, peakRSSKiB: Int(usage.ru_maxrss))
}

/// The bytes of the file at `path` (empty when it cannot be read), read with POSIX calls:
/// Foundation's `Data(contentsOf:)` leaks its buffer on an empty file (LeakSanitizer reports it
/// under `make sanitize`).
private func readWhole(_ path: String) -> Data {
  let fd = open(path, O_RDONLY)
  guard fd >= 0 else { return Data() }
  defer { close(fd) }
  var data = Data()
  var buffer = [UInt8](repeating: 0, count: 65_536)
  while true {
    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if n < 0 && errno == EINTR { continue }
    guard n > 0 else { return data }
    data.append(contentsOf: buffer[0..<n])
  }
}
