import Foundation
import Model
import Testing
import XLSXReading
import XLSXTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// `pipeline serve` as colleges and tools reach it: the real binary on a free loopback port,
/// driven over HTTP byte by byte.
@Suite(.serialized) struct ServeCommandTests {
  static let xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

  static let fixtures: [String] = {
    let inbox = TestLocations.packageRoot.appendingPathComponent("fixtures/inbox")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: inbox.path)) ?? []
    return names.filter { $0.hasSuffix(".xlsx") }.sorted().map { "fixtures/inbox/" + $0 }
      + ["fixtures/sample-station-2023.xlsx"]
  }()

  static func bytes(_ fixture: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: TestLocations.packageRoot.appendingPathComponent(fixture)))
  }

  /// What `pipeline check --format json FILE` prints.
  static func checkJSON(_ fixture: String) async throws -> String {
    let path = TestLocations.packageRoot.appendingPathComponent(fixture).path
    let result = try await runProcess(
      try TestLocations.pipelineBinary.get(), ["check", "--format", "json", path], timeout: 60)
    return String(decoding: result.stdout, as: UTF8.self)
  }

  @Test func everyFixtureThroughAPICheckIsWhatCheckFormatJSONPrints() async throws {
    #expect(Self.fixtures.count >= 11)
    let server = try await ServeProcess()
    for fixture in Self.fixtures {
      let name = URL(fileURLWithPath: fixture).lastPathComponent
      let reply = try server.send("POST", "/api/check?name=\(name)", body: try Self.bytes(fixture))
      #expect(reply.status == 200)
      #expect(reply.headers["content-type"] == "application/json")
      #expect(reply.text == (try await Self.checkJSON(fixture)), "\(fixture)")
    }
    #expect(server.stop() == 0)
    // One access-log line per request: method, path, status, bytes, ms.
    #expect(server.stderr.contains("POST /api/check 200 "))
  }

  @Test(arguments: ["fixtures/inbox/invalid-cells.xlsx", "fixtures/inbox/invalid-students.xlsx"])
  func theAnnotatedDownloadReadsBackWithTheSameCells(fixture: String) async throws {
    let server = try await ServeProcess()
    let upload = try Self.bytes(fixture)
    let reply = try server.send(
      "POST", "/api/check", headers: ["Accept": Self.xlsxType], body: upload)
    #expect(reply.status == 200)
    #expect(reply.headers["content-type"] == Self.xlsxType)
    // The copy is the upload itself, patched: every value keeps its type, error values (#N/A)
    // and formulas' cached values included.
    let original = try Self.cells(upload)
    let annotated = try Self.cells(reply.body)
    #expect(annotated.keys.sorted() == (original.keys.sorted() + ["审核结果"]).sorted())
    for (sheet, cells) in original { #expect(annotated[sheet] == cells, "\(sheet)") }
  }

  /// Every worksheet's non-empty cells, by sheet name.
  static func cells(_ bytes: [UInt8]) throws -> [String: [Cell]] {
    let workbook = try Workbook(bytes: bytes, limits: ReaderLimits())
    var sheets: [String: [Cell]] = [:]
    for (index, sheet) in workbook.sheets.enumerated() where sheet.kind == .worksheet {
      var cells: [Cell] = []
      try workbook.forEachRow(inSheet: index) { row in cells += row.cells }
      sheets[sheet.name] = cells
    }
    return sheets
  }

  @Test func tokensAnd401And404BetweenColleges() async throws {
    let server = try await ServeProcess(colleges: ["基础医学院", "第二医院"])
    let workbook = SubmissionWorkbook.valid().build()
    #expect(try server.send("POST", "/api/submit", body: workbook).status == 401)
    #expect(
      try server.send(
        "POST", "/api/submit", headers: ["Authorization": "Bearer wrong"], body: workbook
      ).status == 401)
    #expect(try server.send("GET", "/api/submissions").status == 401)
    let own = ["Authorization": "Bearer \(server.token("基础医学院"))"]
    let submitted = try server.send("POST", "/api/submit", headers: own, body: workbook)
    #expect(submitted.status == 201)
    let id = try #require((submitted.json as? [String: Any])?["id"] as? String)
    let list = try server.send("GET", "/api/submissions", headers: own)
    #expect((list.json as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id])
    let other = ["Authorization": "Bearer \(server.token("第二医院"))"]
    #expect(
      (try server.send("GET", "/api/submissions", headers: other).json as? [Any])?.isEmpty == true)
    #expect(try server.send("GET", "/api/submissions/\(id)", headers: other).status == 404)
    #expect(try server.send("GET", "/api/submissions/\(id)", headers: own).status == 200)
    #expect(server.stop() == 0)
    // The token never reaches the log.
    #expect(!server.stderr.contains(server.token("基础医学院")))
    #expect(server.stderr.contains("POST /api/submit 201 "))
  }

  @Test func aBodyOverTheLimitIs413BeforeItIsRead() async throws {
    let server = try await ServeProcess(serve: ["maxUploadBytes": 100_000])
    let connection = try LoopbackConnection(port: server.port)
    // Only the head is sent: the answer comes from the announced length alone.
    try connection.write(server.requestHead("POST", "/api/check", headers: [:], length: 50_000_000))
    #expect(try connection.readReply().status == 413)
    #expect(try server.send("GET", "/healthz").status == 200)
  }

  @Test func aClientThatStallsIsDisconnected() async throws {
    let server = try await ServeProcess(serve: ["connectionTimeoutSeconds": 1])
    let connection = try LoopbackConnection(port: server.port)
    try connection.write(
      server.requestHead("POST", "/api/check", headers: [:], length: 1000) + [0x50, 0x4B])
    // The server closes the connection (the request never completed), before the test's own
    // 30 s read limit would.
    #expect(connection.closedByServer())
    #expect(try server.send("GET", "/healthz").status == 200)
  }

  @Test func uploadedNamesNeverBecomePaths() async throws {
    let server = try await ServeProcess(colleges: ["基础医学院"])
    let (cookie, csrf) = try server.signIn("基础医学院")
    let boundary = "----traversal"
    var body = Array(
      "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../../pipeline.json\"\r\n\r\n"
        .utf8)
    body += SubmissionWorkbook.valid().build() + Array("\r\n--\(boundary)--\r\n".utf8)
    let reply = try server.send(
      "POST", "/submit",
      headers: [
        "Cookie": cookie, "Content-Type": "multipart/form-data; boundary=\(boundary)",
        "Origin": "http://127.0.0.1:\(server.port)",
      ], body: body)
    #expect(reply.status == 201)
    // Other bytes: the same ones again would get the same receipt.
    let corrected = SubmissionWorkbook.resubmission()
    let api = try server.send(
      "POST", "/api/submit?name=..%2F..%2Fpipeline.json",
      headers: ["Authorization": "Bearer \(server.token("基础医学院"))"],
      body: corrected.build())
    #expect(api.status == 201)
    let files = try FileManager.default.contentsOfDirectory(atPath: server.inbox.path)
    #expect(files.count == 2)
    #expect(files.allSatisfy { $0.hasPrefix("基础医学院-") && $0.hasSuffix(".xlsx") })
    // pipeline.json is still the configuration, not a workbook.
    let config = try String(contentsOfFile: server.configPath, encoding: .utf8)
    #expect(config.contains("\"serve\""))
  }

  @Test func fiftyConcurrentUploadsAreAllAnsweredCorrectly() async throws {
    // Fifty clients from one address: above the per-IP limits a real deployment keeps.
    let server = try await ServeProcess(serve: [
      "maxConcurrentChecks": 2, "queueWaitSeconds": 120, "maxConnectionsPerIP": 64,
      "checksPerIPPerMinute": 1000,
    ])
    let chosen = Array(Self.fixtures.prefix(5))
    var expected: [String: String] = [:]
    for fixture in chosen { expected[fixture] = try await Self.checkJSON(fixture) }
    let uploads = try chosen.map { try Self.bytes($0) }
    let replies = Shared([Int: HTTPReply]())
    let port = server.port
    let threads = (0..<50).map { i in
      Thread {
        let name = URL(fileURLWithPath: chosen[i % chosen.count]).lastPathComponent
        guard let connection = try? LoopbackConnection(port: port) else { return }
        let head =
          "POST /api/check?name=\(name) HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: \(uploads[i % uploads.count].count)\r\n\r\n"
        guard (try? connection.write(Array(head.utf8) + uploads[i % uploads.count])) != nil,
          let reply = try? connection.readReply()
        else { return }
        replies.withLock { $0[i] = reply }
      }
    }
    for thread in threads { thread.start() }
    while replies.withLock({ $0.count }) < 50 && threads.contains(where: { !$0.isFinished }) {
      usleep(20_000)
    }
    let answered = replies.withLock { $0 }
    #expect(answered.count == 50)
    for (i, reply) in answered {
      #expect(reply.status == 200)
      #expect(reply.text == expected[chosen[i % chosen.count]])
    }
  }

  @Test func busyChecksAre503WithRetryAfterOrCorrect() async throws {
    let server = try await ServeProcess(serve: ["maxConcurrentChecks": 1, "queueWaitSeconds": 0])
    let fixture = "fixtures/inbox/valid-TJMU-2021-008-2023-2024.xlsx"
    let expected = try await Self.checkJSON(fixture)
    let upload = try Self.bytes(fixture)
    let replies = Shared([HTTPReply]())
    let port = server.port
    let threads = (0..<12).map { _ in
      Thread {
        guard let connection = try? LoopbackConnection(port: port),
          (try? connection.write(
            Array(
              "POST /api/check?name=valid-TJMU-2021-008-2023-2024.xlsx HTTP/1.1\r\nConnection: close\r\nContent-Length: \(upload.count)\r\n\r\n"
                .utf8) + upload)) != nil,
          let reply = try? connection.readReply()
        else { return }
        replies.withLock { $0.append(reply) }
      }
    }
    for thread in threads { thread.start() }
    while threads.contains(where: { !$0.isFinished }) { usleep(20_000) }
    let answered = replies.withLock { $0 }
    #expect(answered.count == 12)
    for reply in answered {
      if reply.status == 503 {
        #expect(reply.headers["retry-after"] == "1")
      } else {
        #expect(reply.status == 200)
        #expect(reply.text == expected)
      }
    }
  }

  /// SIGTERM while two uploads are half sent: the server stops accepting, the upload that goes
  /// on to finish is checked and submitted whole, the one whose client gives up leaves nothing,
  /// and the server then exits 0 with no partial file in the inbox.
  @Test func sigtermMidUploadLeavesNothingPartialInTheInbox() async throws {
    let server = try await ServeProcess(colleges: ["基础医学院"])
    let workbook = SubmissionWorkbook.valid().build()
    let auth = ["Authorization": "Bearer \(server.token("基础医学院"))"]
    let finishing = try LoopbackConnection(port: server.port)
    var abandoned: LoopbackConnection? = try LoopbackConnection(port: server.port)
    for connection in [finishing, abandoned].compactMap({ $0 }) {
      try connection.write(
        server.requestHead("POST", "/api/submit", headers: auth, length: workbook.count))
      try connection.write(Array(workbook.prefix(workbook.count / 2)))
    }
    // Both requests are in flight once their heads are in (the log has no line for them yet).
    usleep(300_000)
    kill(server.process.processIdentifier, SIGTERM)
    usleep(300_000)
    #expect(server.process.isRunning)
    try finishing.write(Array(workbook.suffix(from: workbook.count / 2)))
    let reply = try finishing.readReply()
    #expect(reply.status == 201)
    let file = try #require((reply.json as? [String: Any])?["file"] as? String)
    abandoned = nil  // the client gives up: its connection closes mid-body
    #expect(abandoned == nil)
    #expect(server.stop() == 0)
    let files = try FileManager.default.contentsOfDirectory(atPath: server.inbox.path)
    #expect(files == [file])
    let stored = try Data(contentsOf: server.inbox.appendingPathComponent(file))
    #expect([UInt8](stored) == workbook)
  }
}

/// Issue 12 against the real binary over sockets: identity, CSRF, headers, tokens taking effect
/// while the server runs, private files, sheet names.
@Suite(.serialized) struct ServeSecurityCommandTests {
  /// Attack: another college's workbook under one's own token: 403, nothing in the inbox.
  /// Near miss: one's own is 201; its inbox file and receipt are 0600 in 0700 folders, and so is
  /// the configuration with the token hashes.
  @Test func identityAndPrivateFiles() async throws {
    let server = try await ServeProcess(colleges: ["基础医学院", "第二医院"])
    let second = ["Authorization": "Bearer \(server.token("第二医院"))"]
    let forged = try server.send(
      "POST", "/api/submit", headers: second, body: SubmissionWorkbook.valid().build())
    #expect(forged.status == 403)
    #expect(forged.text.contains("基础医学院") && forged.text.contains("第二医院"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: server.inbox.path).isEmpty)
    let own = try server.send(
      "POST", "/api/submit", headers: second,
      body: SubmissionWorkbook.valid(college: "第二医院").build())
    #expect(own.status == 201)
    #expect(own.headers["cache-control"] == "no-store")
    let files = try FileManager.default.contentsOfDirectory(atPath: server.inbox.path)
    #expect(files.count == 1)
    #expect(fileMode(server.inbox.path) == 0o700)
    #expect(fileMode(server.inbox.appendingPathComponent(files[0]).path) == 0o600)
    let receipts = server.folder.url.appendingPathComponent("receipts/第二医院")
    #expect(fileMode(receipts.path) == 0o700)
    for name in try FileManager.default.contentsOfDirectory(atPath: receipts.path) {
      #expect(fileMode(receipts.appendingPathComponent(name).path) == 0o600)
    }
    #expect(fileMode(server.configPath) == 0o600)
  }

  /// A form post from another origin (a page on another port) or without the token is 403 and
  /// signs nobody in; the page's own sign-in works. Every page carries the security headers.
  @Test func csrfAndHeaders() async throws {
    let server = try await ServeProcess(colleges: ["基础医学院"])
    let home = try server.send("GET", "/")
    #expect(home.headers["x-frame-options"] == "DENY")
    #expect(home.headers["content-security-policy"]?.contains("frame-ancestors 'none'") == true)
    #expect(home.headers["x-content-type-options"] == "nosniff")
    #expect(home.headers["referrer-policy"] == "no-referrer")
    let pre = try #require(home.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
    let csrf = try #require(ServeProcess.csrf(in: home.text))
    let body = Array("csrf=\(csrf)&token=\(server.token("基础医学院"))".utf8)
    let form = ["Content-Type": "application/x-www-form-urlencoded", "Cookie": pre]
    let attacks: [[String: String]] = [
      ["Origin": "http://127.0.0.1:1"], ["Sec-Fetch-Site": "same-site", "Origin": "null"],
      ["Referer": "http://127.0.0.1:1/attack.html"],
    ]
    for attack in attacks {
      let reply = try server.send(
        "POST", "/login", headers: form.merging(attack) { a, _ in a }, body: body)
      #expect(reply.status == 403, "\(attack)")
      #expect(reply.headers["set-cookie"] == nil)
    }
    let noToken = try server.send(
      "POST", "/login", headers: form,
      body: Array("token=\(server.token("基础医学院"))".utf8))
    #expect(noToken.status == 403)
    let login = try server.send(
      "POST", "/login",
      headers: form.merging(["Origin": "http://127.0.0.1:\(server.port)"]) { a, _ in a },
      body: body)
    #expect(login.status == 303)
  }

  /// `pipeline token add` while the server runs: the new token works at once, the old one (and
  /// its session) stop; SIGHUP reloads too.
  @Test func tokenAddTakesEffectOnTheRunningServer() async throws {
    let server = try await ServeProcess(colleges: ["基础医学院"])
    let old = server.token("基础医学院")
    let (cookie, _) = try server.signIn("基础医学院")
    #expect(
      try server.send("GET", "/api/submissions", headers: ["Authorization": "Bearer \(old)"]).status
        == 200)
    let binary = try TestLocations.pipelineBinary.get()
    let made = try await runProcess(
      binary, ["token", "add", "基础医学院", "--config", server.configPath], timeout: 60)
    let new = String(decoding: made.stdout, as: UTF8.self).trimmingCharacters(
      in: .whitespacesAndNewlines)
    kill(server.process.processIdentifier, SIGHUP)
    usleep(300_000)
    #expect(
      try server.send("GET", "/api/submissions", headers: ["Authorization": "Bearer \(new)"]).status
        == 200)
    #expect(
      try server.send("GET", "/api/submissions", headers: ["Authorization": "Bearer \(old)"]).status
        == 401)
    #expect(!(try server.send("GET", "/", headers: ["Cookie": cookie]).text.contains("当前单位")))
    // A new college, with no signal: the file's change is seen by itself.
    usleep(1_100_000)
    let third = try await runProcess(
      binary, ["token", "add", "第三医院", "--config", server.configPath], timeout: 60)
    let token = String(decoding: third.stdout, as: UTF8.self).trimmingCharacters(
      in: .whitespacesAndNewlines)
    usleep(1_100_000)
    #expect(
      try server.send("GET", "/api/submissions", headers: ["Authorization": "Bearer \(token)"])
        .status == 200)
    #expect(server.stop() == 0)
  }

  /// Sheet names Excel forbids: a check is answered (200), not a 500.
  @Test func sheetNamesExcelForbidsAreChecked() async throws {
    let server = try await ServeProcess()
    let reply = try server.send(
      "POST", "/api/check", body: SubmissionWorkbook.withExtraSheets().build())
    #expect(reply.status == 200)
    #expect(reply.text.contains("a[b]") && reply.text.contains("STR-005"))
  }
}
