import Assessment
import Basics
import Foundation
import Model
import Pipeline
import Serve
import Store
import XLSXReading
import XLSXWriting

// The executable parses arguments and prints; the Pipeline library does the work.

let version = "0.1.0"

let usage = """
  pipeline — checks graduate-workstation annual data workbooks (.xlsx) against the policy.

  Usage:
    pipeline run [--config F] [--inbox DIR] [--out DIR] [--as-of YYYY-MM-DD]
        The batch: every .xlsx/.xlsm of the inbox (pipeline.json run.inbox) is checked, the
        batch rules applied across them; an annotated copy of each submission with any issue
        goes to OUT/<牵头培养单位>/, with report.json and summary.xlsx in OUT; accepted
        submissions go into the store (run.store). With a register in the store, the submissions
        are checked against it (STA-001…STA-004), what the policy makes happen by itself by
        --as-of (default today in Beijing: a revocation, 未申请验收) is recorded, and the run
        ends with one line per station whose state changed. One line per file and totals on
        stderr. Exit 0 when the batch ran (rejections are results), non-zero when it could not.
    pipeline check FILE… [--format text|json] [--store F [--as-of YYYY-MM-DD]] [--config F]
        Check submissions against the policy without touching the store (--store F: also
        against that store, read only — the register's STA-001…STA-004 and the cross-year
        Y-001…Y-006, the register as of --as-of, default today). Text for people
        (issues grouped by sheet, in row order), JSON for tools. Several files are checked
        as one batch: the batch rules X-001…X-003 apply across them, and of two files for
        the same station and academic year the newer (by modification time, then name)
        supersedes the older, whose status becomes superseded. Exit 0 when every file is
        accepted or superseded (a superseded file is replaced by the newer one, which is
        judged instead), 1 when any is rejected or unreadable, 2 on a usage or I/O error.
    pipeline dump FILE [--format text|json] [--stats] [--config F]
        Print what a workbook holds, as the reader sees it. --stats: per sheet, the numbers
        of rows and of cells by type. Exit 0 when read, 1 when the workbook is unreadable
        (FILE-001/FILE-002), 2 on a usage or I/O error.
    pipeline template [--out F] [--config F]
        Write the blank template: a 填报说明 sheet with the reporting rules and the policy's
        numbers, then every sheet with its headers (required ones in red), dropdowns for the
        fixed choices, date/month/money/code formats. Default F: ./工作站年度数据模板.xlsx.
        Exit 0 when written, 2 on a usage or I/O error.
    pipeline stations import FILE [--format text|json] [--as-of YYYY-MM-DD] [--config F]
        Import the register of stations (工作站名录), all or nothing: with any error nothing
        changes, the issues are printed, FILE's annotated copy is written next to it and the
        exit status is 1; else 0, with what was added and changed (STA-005: a new station whose
        设站单位 is under a reapplication ban). A station missing later is kept (未列入名录).
    pipeline stations template [--out F] [--config F]
        Write the blank register. Default F: ./工作站名录模板.xlsx.
    pipeline stations decide ID DECISION --date YYYY-MM-DD [--note TEXT] [--config F]
        Record a decision: 优秀, 合格, 不合格, 重新评估通过, 重新评估未通过 or 撤销; never
        overwritten (a later one supersedes). Prints the station's term and state afterwards.
        Exit 0, 2 for an unknown station or decision or a bad date.
    pipeline status [--as-of YYYY-MM-DD] [--format text|json] [--out DIR] [--config F]
        Every registered station's standing on --as-of (default today): its term, its state
        (在建, 预警, 撤销, 期满待验收, 待重新评估, 已结束, 未列入名录), its years with their
        deadlines, warnings, how it ended and the ban. Text: per college the stations still to
        report with the days left, then the ones that need attention. --out: also DIR/status.json
        and DIR/status.xlsx. Exit 0.
    pipeline assess [--config F] [--station ID] [--as-of YYYY-MM-DD] [--out DIR] [--format text|json] [--record --confirm]
        期满验收 from the store (run.store): per station over its validity window, each
        academic year on time / late / missing / not yet due, revocation, counted students,
        outcomes by level, subsidy compliance, the grade with its reasons and the items a
        person must judge. --as-of: the day to judge at (default today). --out: also write
        DIR/assess.json and DIR/assess.xlsx (a row per station with its grade and reasons, a
        sheet per station with its evidence: years, students with their days, outcomes). With a
        register, each station once per term, on its own window. --record --confirm: record
        each final grade of a station awaiting 期满验收 as the office's decision (a person
        confirms: --record alone is refused). Exit 0 when assessed, 2 on a usage or I/O error.
    pipeline serve [--config F] [--listen HOST:PORT]
        The upload page and JSON API for colleges (README "Admins"): self-check a workbook and
        download its annotated copy; signed in with the college's token, submit it into the
        inbox (run.inbox) with a receipt. Listens on serve.listen (127.0.0.1:8080); port 0 picks
        a free one. The first line on stdout is the address listened on; one line per request
        on stderr. SIGINT/SIGTERM stop it once the requests in flight are answered. Exit 0
        when stopped, 2 when it cannot start (a usage error, the address taken).
    pipeline token add COLLEGE [--config F]
        Make a new token for COLLEGE, store its salted hash in serve.tokens of F (default
        ./pipeline.json, created when missing; rewritten whole, atomically) and print the token
        once: it cannot be shown again. A college's earlier token stops working. Exit 0.
    pipeline config [--config F]
        Print the configuration in effect (the built-in defaults equal the shipped
        pipeline.json).
    pipeline --help | --version

  Every command takes --config F; without it ./pipeline.json is used when present, else the
  built-in defaults (equal to the shipped pipeline.json).
  """

/// A usage error: printed with the usage to stderr, exit status 2.
struct UsageError: Error {
  var message: String
}

/// A value the office gave that cannot be used (a date that does not exist, an unknown
/// decision): printed alone, in Chinese, exit status 2.
struct InputError: Error {
  var message: String
}

/// The arguments after the subcommand: flags with values, switches, and positionals.
struct Arguments {
  var positionals: [String] = []
  var options: [String: String] = [:]
  var switches: Set<String> = []

  init(_ args: ArraySlice<String>, options known: Set<String>, switches knownSwitches: Set<String>)
    throws
  {
    var it = args.makeIterator()
    while let arg = it.next() {
      if arg.hasPrefix("--") {
        var name = arg
        var value: String?
        if let eq = arg.firstIndex(of: "=") {
          name = String(arg[..<eq])
          value = String(arg[arg.index(after: eq)...])
        }
        if known.contains(name) {
          guard let v = value ?? it.next() else {
            throw UsageError(message: "\(name) needs a value")
          }
          options[name] = v
        } else if knownSwitches.contains(name), value == nil {
          switches.insert(name)
        } else {
          throw UsageError(message: "unknown option \(arg)")
        }
      } else {
        positionals.append(arg)
      }
    }
  }
}

/// Writes to standard output unbuffered (no C `stdout` global: not concurrency-safe in Swift 6).
func writeStdout(_ bytes: [UInt8]) {
  bytes.withUnsafeBytes { buffer in
    var offset = 0
    while offset < buffer.count {
      let n = write(1, buffer.baseAddress! + offset, buffer.count - offset)
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { return }
      offset += n
    }
  }
}

func printOut(_ s: String) { writeStdout(Array((s + "\n").utf8)) }

/// The day an option gives (`YYYY-MM-DD`); without it, today in Beijing — the policy's own days,
/// whatever the server's clock zone.
func day(_ a: Arguments, _ option: String) throws -> Day {
  guard let text = a.options[option] else { return Stations.today() }
  guard let day = Day(iso: text) else {
    throw InputError(message: "\(option) 须为日期 YYYY-MM-DD（如 2025-07-10），而不是「\(text)」")
  }
  return day
}

/// `--format text|json`, text by default.
func format(_ a: Arguments) throws -> String {
  let format = a.options["--format"] ?? "text"
  guard format == "text" || format == "json" else {
    throw UsageError(message: "--format must be text or json")
  }
  return format
}

func printError(_ s: String, newline: Bool = true) {
  FileHandle.standardError.write(Data((newline ? s + "\n" : s).utf8))
}

func runDump(_ args: ArraySlice<String>) throws -> Int32 {
  let a = try Arguments(args, options: ["--format", "--config"], switches: ["--stats"])
  guard a.positionals.count == 1 else { throw UsageError(message: "dump takes exactly one FILE") }
  guard let format = Dump.Format(rawValue: a.options["--format"] ?? "text") else {
    throw UsageError(message: "--format must be text or json")
  }
  let config = try Configuration.load(explicitPath: a.options["--config"])
  let path = a.positionals[0]
  let name = URL(fileURLWithPath: path).lastPathComponent
  do {
    // Held until the whole workbook is read: a damaged part shows itself only at its end (the
    // CRC), and a failed read must print the error alone, never a partial dump before it.
    var output: [UInt8] = []
    try Dump.write(
      path: path, fileName: name, format: format, stats: a.switches.contains("--stats"),
      limits: config.reader, to: { output += $0 })
    writeStdout(output)
    return 0
  } catch let error as XLSXError where error.kind != .io {
    if format == .json {
      writeStdout(Array(Dump.errorJSON(fileName: name, error: error).utf8))
    } else {
      printError("\(name): \(error.rule) \(error.message)（\(error.detail)）")
    }
    return 1
  }
}

func runBatch(_ args: ArraySlice<String>) throws -> Int32 {
  let a = try Arguments(args, options: ["--config", "--inbox", "--out", "--as-of"], switches: [])
  guard a.positionals.isEmpty else {
    throw UsageError(message: "run takes no FILE (it reads the inbox)")
  }
  let asOf = try day(a, "--as-of")
  // out/ holds students' names and IDs (annotated copies, the store): the office's user's alone.
  umask(0o077)
  let config = try Configuration.load(explicitPath: a.options["--config"])
  let cwd = FileManager.default.currentDirectoryPath
  func absolute(_ p: String?) -> String? {
    p.map { $0.hasPrefix("/") ? $0 : (cwd as NSString).appendingPathComponent($0) }
  }
  let batch = BatchRun(
    configuration: config, inbox: absolute(a.options["--inbox"]), out: absolute(a.options["--out"]),
    asOf: asOf)
  let live = isatty(2) == 1
  let started = Date()
  let result = try batch.run { done, total, entry in
    let counts = IssueCounts(entry.issues)
    var line = "[\(done)/\(total)] \(entry.file)：\(entry.status.label)"
    for severity in [Severity.error, .finding] where counts[severity] > 0 {
      line += "，\(severity.label) \(counts[severity]) 个"
    }
    if live {
      // Each file's line scrolls up; the bar is redrawn on the last line, and cleared at the end.
      let width = 30
      let filled = total == 0 ? width : done * width / total
      let bar =
        String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
      printError(
        "\r\u{1B}[2K\(line)\n" + (done < total ? "\(bar) \(done)/\(total)" : ""), newline: false)
    } else {
      printError(line)
    }
  }
  var counts: [SubmissionStatus: Int] = [:]
  for e in result.entries { counts[e.status, default: 0] += 1 }
  let seconds = Date().timeIntervalSince(started)
  let summary = SubmissionStatus.allCases
    .map { "\($0.label) \(counts[$0, default: 0])" }.joined(separator: "，")
  let inserted = result.newlyStored
  printError(
    "共 \(result.entries.count) 个文件：\(summary)；批注文件 \(result.annotated.count) 个；新入库 \(inserted) 份"
      + String(format: "；用时 %.1f 秒。", seconds))
  printError("输出：\(batch.out)（report.json、summary.xlsx、各学院批注文件）；数据库：\(batch.storePath)")
  // The registered stations whose state this run changed (revoked, 预警, ended…).
  for c in result.stateChanges {
    let before = c.before.map { "\($0.label) → " } ?? ""
    printError(
      "工作站 \(c.stationID) \(c.name)（\(c.college)）：\(before)\(c.after.label)\(c.why.map { "。\($0)" } ?? "")"
    )
  }
  return 0
}

func runCheck(_ args: ArraySlice<String>) throws -> Int32 {
  let a = try Arguments(
    args, options: ["--format", "--config", "--as-of", "--store"], switches: [])
  guard !a.positionals.isEmpty else { throw UsageError(message: "check takes one or more FILEs") }
  let format = try format(a)
  var config = try Configuration.load(explicitPath: a.options["--config"])
  // With --store F (read only): the register's rules (STA-001…STA-004) and the cross-year rules
  // (Y-001…Y-006) against that store; without it, the file alone.
  var checker = Checker(configuration: config)
  if let store = a.options["--store"] {
    guard FileManager.default.fileExists(atPath: store) else {
      throw InputError(message: "--store：找不到数据库文件 \(store)")
    }
    config.run.store =
      store.hasPrefix("/") ? store : FileManager.default.currentDirectoryPath + "/" + store
    let stations = Stations(configuration: config)
    checker = Checker(
      configuration: config, register: try stations.register(asOf: try day(a, "--as-of")),
      crossYear: try stations.crossYearIndex())
  }
  // One file is a batch of one: the batch rules find nothing in it.
  let entries = try checker.checkBatch(paths: a.positionals)
  writeStdout(Array((format == "json" ? Reports.json(entries) : Reports.text(entries)).utf8))
  // A superseded file does not count against the exit status: the newer file replaces it.
  return entries.allSatisfy { $0.status == .accepted || $0.status == .superseded } ? 0 : 1
}

func runTemplate(_ args: ArraySlice<String>) throws -> Int32 {
  let a = try Arguments(args, options: ["--out", "--config"], switches: [])
  guard a.positionals.isEmpty else {
    throw UsageError(message: "template takes no FILE; use --out F")
  }
  let config = try Configuration.load(explicitPath: a.options["--config"])
  let path = a.options["--out"] ?? TemplateWriter.defaultFileName
  try TemplateWriter.write(template: config.template, policy: config.policy, to: path)
  printOut("已生成模板：\(path)")
  return 0
}

func runAssess(_ args: ArraySlice<String>) throws -> Int32 {
  let a = try Arguments(
    args, options: ["--config", "--station", "--as-of", "--out", "--format"],
    switches: ["--record", "--confirm"])
  guard a.positionals.isEmpty else { throw UsageError(message: "assess takes no FILE") }
  let format = try format(a)
  let asOf = try day(a, "--as-of")
  if a.switches.contains("--record") && !a.switches.contains("--confirm") {
    throw UsageError(
      message: "assess --record 把算出的等级记为期满验收结论，须由人确认：核对后加 --confirm 再运行（工具不代为决定）")
  }
  let config = try Configuration.load(explicitPath: a.options["--config"])
  let storePath = config.resolve(config.run.store)
  var assessments: [Assessment] = []
  var recorded: [StationDecision] = []
  // No store yet: nothing to assess (and no empty store created as a side effect).
  if FileManager.default.fileExists(atPath: storePath) {
    let store = try Store(path: storePath)
    defer { try? store.close() }
    let inputs = try AssessmentInput.load(
      from: store, station: a.options["--station"], policy: config.policy, asOf: asOf)
    assessments = inputs.map { Assessor.assess($0, policy: config.policy, asOf: asOf) }
    if a.switches.contains("--record") {
      recorded = try Lifecycle.recordGrades(
        assessments, in: store, policy: config.policy, asOf: asOf)
    }
  }
  if let station = a.options["--station"], assessments.isEmpty {
    printError("pipeline: 数据库中没有工作站 \(station) 的已通过报送")
  }
  let json = AssessmentReport.json(assessments)
  if let out = a.options["--out"] {
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    try AtomicFile.write(json, to: (out as NSString).appendingPathComponent("assess.json"))
    try AssessmentWorkbook.write(
      assessments, to: (out as NSString).appendingPathComponent("assess.xlsx"))
  }
  writeStdout(Array((format == "json" ? json : AssessmentReport.text(assessments)).utf8))
  if a.switches.contains("--record") {
    for d in recorded { printError("已记录期满验收结论：\(d.stationID) \(d.date) \(d.decision.label)") }
    printError("共记录 \(recorded.count) 条（只记录验收期已结束、尚无结论的等级）。")
  }
  return 0
}

func runStatus(_ args: ArraySlice<String>) throws -> Int32 {
  let a = try Arguments(args, options: ["--config", "--as-of", "--out", "--format"], switches: [])
  guard a.positionals.isEmpty else { throw UsageError(message: "status takes no FILE") }
  let format = try format(a)
  let asOf = try day(a, "--as-of")
  let config = try Configuration.load(explicitPath: a.options["--config"])
  let standings = try Stations(configuration: config).standings(asOf: asOf)
  let json = StandingReport.json(standings)
  if let out = a.options["--out"] {
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    try AtomicFile.write(json, to: (out as NSString).appendingPathComponent("status.json"))
    try StatusWorkbook.write(
      standings, asOf: asOf, to: (out as NSString).appendingPathComponent("status.xlsx"))
  }
  writeStdout(Array((format == "json" ? json : StandingReport.text(standings, asOf: asOf)).utf8))
  return 0
}

func runStations(_ args: ArraySlice<String>) throws -> Int32 {
  let a = try Arguments(
    args, options: ["--config", "--as-of", "--out", "--date", "--note", "--format"], switches: [])
  let config = try Configuration.load(explicitPath: a.options["--config"])
  let stations = Stations(configuration: config)
  switch a.positionals.first {
  case "import":
    guard a.positionals.count == 2 else {
      throw UsageError(message: "stations import takes one FILE")
    }
    let result = try stations.importRegister(path: a.positionals[1], asOf: try day(a, "--as-of"))
    if try format(a) == "json" {
      writeStdout(Array(Reports.json([result.entry]).utf8))
    } else if !result.entry.issues.isEmpty {
      writeStdout(Array(Reports.text([result.entry]).utf8))
    }
    if let copy = result.annotated { printError("批注文件：\(copy)") }
    switch result.outcome {
    case nil:
      printError("名录有错误，未导入：数据库未作任何更改。")
      return 1
    case .unchanged?:
      printError("名录与数据库中的一致，未作更改。")
    case .imported(let added, let changed, let unlisted, let decisions)?:
      printError(
        "名录已导入：新增 \(added.count) 个工作站，变更 \(changed.count) 个，不再列入 \(unlisted.count) 个（保留，标为未列入名录），记录状态 \(decisions) 条。"
      )
      for (title, ids) in [("新增", added), ("变更", changed), ("未列入名录", unlisted)] where !ids.isEmpty {
        printError("  \(title)：\(ids.joined(separator: "、"))")
      }
    }
    return 0
  case "template":
    guard a.positionals.count == 1 else {
      throw UsageError(message: "stations template takes no FILE; use --out F")
    }
    let path = a.options["--out"] ?? TemplateWriter.registerFileName
    try TemplateWriter.writeRegister(template: config.template, policy: config.policy, to: path)
    printOut("已生成工作站名录模板：\(path)")
    return 0
  case "decide":
    guard a.positionals.count == 3 else {
      throw UsageError(message: "stations decide takes ID DECISION --date YYYY-MM-DD [--note TEXT]")
    }
    guard let decision = Decision(rawValue: a.positionals[2]),
      Decision.officeDecisions.contains(decision)
    else {
      let allowed = Decision.officeDecisions.map(\.label).joined(separator: "、")
      throw InputError(message: "结论「\(a.positionals[2])」不是可记录的结论：只能是 \(allowed) 之一")
    }
    guard a.options["--date"] != nil else {
      throw InputError(message: "stations decide 须给出 --date YYYY-MM-DD（结论的日期）")
    }
    let date = try day(a, "--date")
    let (standing, recorded) = try stations.decide(
      station: a.positionals[1], decision: decision, date: date, note: a.options["--note"],
      asOf: max(date, try day(a, "--as-of")))
    printOut(
      (recorded ? "已记录" : "此前已记录，未重复记录") + "：\(standing.stationID) \(date) \(decision.label)。"
        + "现为第 \(standing.term.number) 个认定有效期（\(standing.term.from) 至 \(standing.term.to)），状态：\(standing.state.label)。"
        + (standing.warnings.first ?? ""))
    return 0
  default:
    throw UsageError(
      message: "stations takes: import FILE | template [--out F] | decide ID DECISION --date D")
  }
}

func runServe(_ args: ArraySlice<String>) throws -> Int32 {
  let a = try Arguments(args, options: ["--config", "--listen"], switches: [])
  guard a.positionals.isEmpty else { throw UsageError(message: "serve takes no FILE") }
  // Receipts, inbox files, annotated copies and the token hashes: the server's user's alone.
  umask(0o077)
  let config = try Configuration.load(explicitPath: a.options["--config"])
  let local = FileManager.default.currentDirectoryPath + "/pipeline.json"
  let configPath =
    a.options["--config"] ?? (FileManager.default.fileExists(atPath: local) ? local : nil)
  // Blocked before any thread starts, so every thread inherits the mask and sigwait gets them.
  var signals = sigset_t()
  sigemptyset(&signals)
  sigaddset(&signals, SIGINT)
  sigaddset(&signals, SIGTERM)
  sigaddset(&signals, SIGHUP)
  pthread_sigmask(SIG_BLOCK, &signals, nil)
  let server = try ServeServer(
    configuration: config, listen: a.options["--listen"], configPath: configPath
  ) { printError($0) }
  try server.start()
  printOut("listening on http://\(server.host):\(server.port)")
  var received: Int32 = 0
  // SIGHUP: the tokens are read again (a change of the file is also seen by itself).
  while sigwait(&signals, &received) == 0 && received == SIGHUP { server.app.reloadTokens() }
  printError("pipeline serve: 收到信号 \(received)，处理完进行中的请求后停止")
  server.stop()
  return 0
}

func runToken(_ args: ArraySlice<String>) throws -> Int32 {
  let a = try Arguments(args, options: ["--config"], switches: [])
  guard a.positionals.count == 2, a.positionals[0] == "add" else {
    throw UsageError(message: "token takes: add COLLEGE")
  }
  let path = a.options["--config"] ?? FileManager.default.currentDirectoryPath + "/pipeline.json"
  umask(0o077)
  let token = try Tokens.add(college: a.positionals[1], configPath: path)
  printOut(token)
  printError("已为「\(a.positionals[1])」生成新口令（仅显示这一次），其哈希已写入 \(path)。")
  return 0
}

func runConfig(_ args: ArraySlice<String>) throws -> Int32 {
  let a = try Arguments(args, options: ["--config"], switches: [])
  guard a.positionals.isEmpty else { throw UsageError(message: "config takes no FILE") }
  writeStdout(Array(try Configuration.load(explicitPath: a.options["--config"]).json().utf8))
  return 0
}

func main() -> Int32 {
  let args = CommandLine.arguments.dropFirst()
  // `--help` anywhere (also after a command) prints the usage, which covers every command.
  if args.dropFirst().contains(where: { $0 == "--help" || $0 == "-h" }) {
    printOut(usage)
    return 0
  }
  do {
    switch args.first {
    case "run": return try runBatch(args.dropFirst())
    case "check": return try runCheck(args.dropFirst())
    case "dump": return try runDump(args.dropFirst())
    case "template": return try runTemplate(args.dropFirst())
    case "config": return try runConfig(args.dropFirst())
    case "assess": return try runAssess(args.dropFirst())
    case "status": return try runStatus(args.dropFirst())
    case "stations": return try runStations(args.dropFirst())
    case "serve": return try runServe(args.dropFirst())
    case "token": return try runToken(args.dropFirst())
    case "--version":
      printOut("pipeline \(version)")
      return 0
    case "--help", "-h", "help", nil:
      printOut(usage)
      return args.first == nil ? 2 : 0
    case let other?: throw UsageError(message: "unknown command \(other)")
    }
  } catch let error as UsageError {
    printError("pipeline: \(error.message)\n\n\(usage)")
    return 2
  } catch let error as InputError {
    printError("pipeline: \(error.message)")
    return 2
  } catch let error as XLSXError {
    printError("pipeline: \(error.message)（\(error.detail)）")
    return 2
  } catch {
    printError("pipeline: \(error)")
    return 2
  }
}

exit(main())
