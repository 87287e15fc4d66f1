import Basics
import Foundation
import HTTPServer
import Model
import Pipeline
import XLSXReading
import XLSXWriting

/// The web application of `pipeline serve`: the page (`/`, self-check, sign-in, submissions) and
/// the JSON API, answering ``HTTPRequest`` values with ``HTTPResponse`` values (so tests can call
/// ``handle(_:)`` directly). Every error is mapped to an answer: nothing a request holds reaches
/// a trap, and a failure of the server's own storage is a 500 for that request alone.
public final class ServeApp: Sendable {
  let configuration: Configuration
  let settings: ServeSettings
  /// What submissions are checked under; self-checks read at most `serve.maxCheckCells` cells.
  let submissionConfiguration: Configuration
  let selfCheckConfiguration: Configuration
  /// The store's register and earlier reports, for STA-* and Y-* (looked at again every 30 s).
  let storeView: StoreViewCache
  var checker: Checker { checker(submissionConfiguration) }
  var selfChecker: Checker { checker(selfCheckConfiguration) }

  private func checker(_ configuration: Configuration) -> Checker {
    let view = storeView.current()
    return Checker(
      configuration: configuration, register: view.register, crossYear: view.crossYear)
  }
  let gate: CheckGate
  /// Self-checks' annotated copies, on disk for `copyLifetimeSeconds`, in bounded room.
  let copies: CopyCache
  /// Anonymous self-checks per IP address and minute.
  let checkRate: RateLimiter
  /// Signed-in browsers: session id (a cookie) → college, its token hash and CSRF token.
  let sessions: SessionTable
  /// The colleges' token hashes, followed in the configuration file (`token add` takes effect).
  let tokens: TokenBook
  let store: ReceiptStore
  /// The blank template, written once at start.
  let template: [UInt8]
  /// `<serve.receipts>/.scratch` (0700): request bodies as they arrive, annotated copies; emptied
  /// at every start (what a killed server left).
  let scratch: String
  let now: @Sendable () -> Date

  static let xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

  /// Checks the configuration's folders and writes the template; throws when that fails.
  /// `configPath`, when given, is followed for `serve.tokens` (``reloadTokens()``).
  public init(
    configuration: Configuration, configPath: String? = nil,
    now: @escaping @Sendable () -> Date = { Date() }
  ) throws {
    self.configuration = configuration
    settings = configuration.serve
    submissionConfiguration = configuration
    var light = configuration
    light.reader.maxCells = min(configuration.reader.maxCells, settings.maxCheckCells)
    selfCheckConfiguration = light
    storeView = StoreViewCache(stations: Stations(configuration: configuration), now: now)
    checkRate = RateLimiter(perMinute: settings.checksPerIPPerMinute)
    gate = CheckGate(
      concurrent: settings.maxConcurrentChecks, waitSeconds: settings.queueWaitSeconds)
    copies = CopyCache(
      lifetimeSeconds: settings.copyLifetimeSeconds, maxCopies: settings.maxCopies,
      maxBytes: settings.maxCopyBytes, perClient: settings.maxCopiesPerClient, now: now)
    let sessions = SessionTable(
      lifetimeSeconds: settings.sessionLifetimeSeconds, perCollege: settings.maxSessionsPerCollege,
      now: now)
    self.sessions = sessions
    tokens = TokenBook(tokens: settings.tokens, path: configPath, now: now) { changed in
      sessions.endReplaced(changed)
    }
    store = ReceiptStore(
      root: configuration.resolve(settings.receipts),
      inbox: configuration.resolve(configuration.run.inbox))
    self.now = now
    try makePrivateDirectory(store.root)
    try makePrivateDirectory(store.inbox)
    // Bodies and copies pass through here; a killed server's leftovers go at the next start.
    scratch = (store.root as NSString).appendingPathComponent(".scratch")
    try? FileManager.default.removeItem(atPath: scratch)
    try makePrivateDirectory(scratch)
    // Uploads a killed server was writing when it died (hidden, never taken for submissions).
    AtomicFile.removeAbandonedTemporaries(in: store.inbox)
    let templatePath = (scratch as NSString).appendingPathComponent("template.xlsx")
    try TemplateWriter.write(
      template: configuration.template, policy: configuration.policy, to: templatePath)
    template = [UInt8](try Data(contentsOf: URL(fileURLWithPath: templatePath)))
    try? FileManager.default.removeItem(atPath: templatePath)
  }

  /// Removes what the scratch folder holds (the server has stopped).
  func removeScratch() {
    for name in (try? FileManager.default.contentsOfDirectory(atPath: scratch)) ?? [] {
      unlink((scratch as NSString).appendingPathComponent(name))
    }
  }

  /// Reads the tokens again from the configuration file (SIGHUP); sessions of a replaced or
  /// removed token end.
  public func reloadTokens() { tokens.reload() }

  /// Answers one request, with the security headers every answer carries.
  public func handle(_ request: HTTPRequest) -> HTTPResponse {
    secured(answer(request))
  }

  private func answer(_ request: HTTPRequest) -> HTTPResponse {
    if let refused = forgeryRefusal(request) { return refused }
    do {
      return try withContext(of: request) { try route(request) }
    } catch let refusal as Refusal {
      return refusalAnswer(refusal, api: request.path.hasPrefix("/api/"))
    } catch {
      let line = "\(request.method) \(request.path): \(error)".escapingControlCharacters
      FileHandle.standardError.write(Data("pipeline serve: \(line)\n".utf8))
      return request.path.hasPrefix("/api/")
        ? apiError(500, "服务器内部错误，请稍后重试。")
        : .html(500, Pages.message("服务器内部错误", "处理请求时出错，请稍后重试；如仍出错请联系研究生院。"))
    }
  }

  /// A route: a method, a path pattern (`*` matches one segment, passed to the handler).
  private typealias Route = (
    method: String, pattern: [String],
    handler: @Sendable (ServeApp, HTTPRequest, [String]) throws -> HTTPResponse
  )

  private static let routes: [Route] = [
    ("GET", [""], { app, r, _ in app.home(r) }),
    ("GET", ["healthz"], { _, _, _ in .text(200, "ok\n") }),
    ("GET", ["style.css"], { _, _, _ in Pages.styleSheet }),
    (
      "GET", ["template.xlsx"],
      { app, _, _ in app.download(app.template, name: TemplateWriter.defaultFileName) }
    ),
    ("POST", ["check"], { app, r, _ in try app.selfCheck(r) }),
    ("GET", ["copies", "*"], { app, _, ids in app.copy(ids[0]) }),
    ("POST", ["login"], { app, r, _ in app.login(r) }),
    ("POST", ["logout"], { app, r, _ in app.logout(r) }),
    ("POST", ["submit"], { app, r, _ in try app.submitForm(r) }),
    ("GET", ["submissions", "*"], { app, r, ids in app.receiptPage(r, id: ids[0]) }),
    (
      "GET", ["submissions", "*", "annotated.xlsx"],
      { app, r, ids in app.annotatedOfSubmission(r, id: ids[0], api: false) }
    ),
    ("POST", ["api", "check"], { app, r, _ in try app.apiCheck(r) }),
    ("POST", ["api", "submit"], { app, r, _ in try app.apiSubmit(r) }),
    ("GET", ["api", "submissions"], { app, r, _ in app.apiSubmissions(r) }),
    ("GET", ["api", "submissions", "*"], { app, r, ids in app.apiSubmission(r, id: ids[0]) }),
    (
      "GET", ["api", "submissions", "*", "annotated.xlsx"],
      { app, r, ids in app.annotatedOfSubmission(r, id: ids[0], api: true) }
    ),
  ]

  private func route(_ request: HTTPRequest) throws -> HTTPResponse {
    let method = request.method == "HEAD" ? "GET" : request.method
    let parts = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
      .map(String.init)
    var pathKnown = false
    for route in Self.routes {
      guard let captures = Self.match(parts, route.pattern) else { continue }
      pathKnown = true
      if route.method == method { return try route.handler(self, request, captures) }
    }
    let api = request.path.hasPrefix("/api/")
    if pathKnown {
      return api
        ? apiError(405, "不支持的请求方法。") : .html(405, Pages.message("不支持的请求方法", request.method))
    }
    return api ? apiError(404, "没有这个资源。") : notFoundPage
  }

  /// The segments `*` matched, or nil when `parts` does not fit `pattern`.
  private static func match(_ parts: [String], _ pattern: [String]) -> [String]? {
    guard parts.count == pattern.count else { return nil }
    var captures: [String] = []
    for (part, expected) in zip(parts, pattern) {
      if expected == "*" { captures.append(part) } else if part != expected { return nil }
    }
    return captures
  }

  // MARK: - Checking

  /// What a check gives: the entry, the annotated copy's file and the upload's bytes.
  struct Checked {
    var entry: CheckEntry
    var annotated: ScratchFile
    var bytes: [UInt8]
  }

  /// Self-checks an upload: ``check(_:name:with:)`` with the self-check's cost bound
  /// (`serve.maxCheckCells`); a heavier workbook is a FILE-002 result saying so.
  func check(_ body: RequestBody, name: String) throws -> Checked? {
    guard var checked = try check(body, name: name, with: selfChecker) else { return nil }
    let heavy = XLSXError(.limitExceeded(.cells), "").message
    guard checked.entry.issues.contains(where: { $0.rule == "FILE-002" && $0.message == heavy })
    else { return checked }
    for i in checked.entry.issues.indices where checked.entry.issues[i].message == heavy {
      checked.entry.issues[i].message =
        "工作簿的单元格超过 \(settings.maxCheckCells) 个，超出在线自查的上限，未予自查。请按工作站或年度拆分后分别自查，或登录后直接正式报送（报送时按完整限制审核）。"
    }
    try AnnotatedWorkbook.writeUnreadable(
      file: checked.entry.file, issues: checked.entry.issues, to: checked.annotated.path)
    return checked
  }

  /// Checks an upload in a slot of the gate (its bytes are read from the body's file only once
  /// the slot is taken) and writes its annotated copy to the scratch folder; nil when no slot
  /// came free within `serve.queueWaitSeconds`.
  func check(_ body: RequestBody, name: String, with checker: Checker) throws -> Checked? {
    try gate.run {
      let bytes = try body.readAll()
      let annotated = ScratchFile(
        path: (scratch as NSString).appendingPathComponent("copy-\(unguessableID()).xlsx"))
      let entry = try checker.checkAnnotating(bytes: bytes, name: name, to: annotated.path)
      return Checked(entry: entry, annotated: annotated, bytes: bytes)
    }
  }

  /// Checks a submission of `college`, puts it in the inbox and saves its receipt (and its
  /// annotated copy when it has issues); nil when no slot came free in time.
  /// The same bytes again are answered with their receipt; another college's workbook (or one
  /// whose college cannot be read) and a full quota are refused (``Refusal``), nothing written.
  func submit(_ body: RequestBody, uploadedName: String, college: String) throws -> Receipt? {
    guard let checked = try check(body, name: uploadedName, with: checker) else { return nil }
    if let existing = existingReceipt(sha256: checked.entry.sha256, college: college) {
      return existing
    }
    try requireQuota(size: body.count, college: college)
    try requireOwnCollege(checked.entry, college: college)
    let received = now()
    let file = try store.putInInbox(
      checked.bytes, college: college, sha256: checked.entry.sha256, at: received)
    let receipt = Receipt(
      id: unguessableID(), college: college, file: file, uploadedName: uploadedName,
      entry: checked.entry,
      receivedAt: received,
      late: Receipt.isLate(checked.entry, received: received, policy: configuration.policy))
    if !checked.entry.issues.isEmpty {
      try makePrivateDirectory(store.folder(college))
      try checked.annotated.move(to: store.annotatedPath(college, id: receipt.id))
    }
    try store.save(receipt)
    return receipt
  }

  // MARK: - Identity

  /// The college a `Bearer` token signs in as.
  func college(bearer request: HTTPRequest) -> String? {
    guard let header = request.headers["authorization"], header.lowercased().hasPrefix("bearer ")
    else { return nil }
    let token = header.dropFirst(7).trimmingSpaces
    guard !token.isEmpty else { return nil }
    return Tokens.college(for: token, in: tokens.current)
  }

  /// The college of the browser's session cookie.
  func college(session request: HTTPRequest) -> String? {
    sessionID(request).flatMap(session)?.college
  }

  /// The session `id` while it lasts and its college's token is the one it signed in with.
  func session(_ id: String) -> SessionTable.Session? {
    guard let session = sessions.session(id) else { return nil }
    guard tokens.current[session.college] == session.tokenHash else {
      sessions.remove(id)
      return nil
    }
    return session
  }

  func sessionID(_ request: HTTPRequest) -> String? { cookieValue(request, "sid") }

  // MARK: - Answers

  /// An uploaded file's name made safe to show and to put in a header: its last path component,
  /// without control characters, at most 120 characters; `upload.xlsx` when nothing is left.
  static func displayName(_ raw: String?) -> String {
    let last =
      (raw ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
    let clean = String(
      last.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init)
    )
    .trimmingCharacters(in: .whitespaces)
    let name = String(clean.prefix(120))
    return name.isEmpty || name == "." || name == ".." ? "upload.xlsx" : name
  }

  func download(_ bytes: [UInt8], name: String) -> HTTPResponse {
    let ascii = String(
      name.unicodeScalars.map {
        $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 ? Character($0) : "_"
      })
    let encoded =
      name.addingPercentEncoding(
        withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ascii
    return HTTPResponse(
      status: 200,
      headers: [
        ("Content-Type", Self.xlsxType),
        ("Content-Disposition", "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"),
        ("Cache-Control", "no-store"),
      ], body: bytes)
  }

  func apiError(_ status: Int, _ message: String, headers: [(name: String, value: String)] = [])
    -> HTTPResponse
  {
    var response = HTTPResponse.json(status, jsonObject(["error": message]))
    response.headers += headers
    return response
  }

  /// 503 with `Retry-After`: every check slot stayed busy for the whole queue wait.
  func busy(api: Bool) -> HTTPResponse {
    let retry = [(name: "Retry-After", value: "\(max(1, settings.queueWaitSeconds))")]
    if api { return apiError(503, "服务器繁忙，请稍后重试。", headers: retry) }
    var response = HTTPResponse.html(503, Pages.message("服务器繁忙", "当前审核的文件较多，请稍后重试。"))
    response.headers += retry
    return response
  }

  var notFoundPage: HTTPResponse { .html(404, Pages.message("页面不存在", "没有这个页面，或下载已过期。")) }

  func jsonObject<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) + "\n" } ?? "{}\n"
  }
}
