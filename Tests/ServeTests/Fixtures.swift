import Foundation
import HTTPServer
import Pipeline
import Synchronization
import XLSXTestSupport

@testable import Serve

/// A ServeApp over a temporary inbox and receipts folder, with two colleges' tokens, called
/// directly with HTTPRequest values.
struct AppFixture {
  static let tokens = ["基础医学院": "token-of-basic-medicine", "第二医院": "token-of-second-hospital"]

  let directory: TemporaryDirectory
  let app: ServeApp
  var inbox: String { app.store.inbox }
  var receipts: String { app.store.root }

  init(
    concurrentChecks: Int = 2, queueWait: Int = 5, maxUpload: Int = 1 << 20,
    now: @escaping @Sendable () -> Date = { Date(timeIntervalSince1970: 1_720_000_000) },
    configure: (inout Configuration) -> Void = { _ in }, configPath: String? = nil
  ) throws {
    let configuration: Configuration
    (directory, configuration) = try Self.prepared(
      concurrentChecks: concurrentChecks, queueWait: queueWait, maxUpload: maxUpload,
      configure: configure)
    app = try ServeApp(configuration: configuration, configPath: configPath, now: now)
  }

  /// A new folder and its ``configuration(in:concurrentChecks:queueWait:maxUpload:configure:)``.
  static func prepared(
    concurrentChecks: Int, queueWait: Int, maxUpload: Int,
    configure: (inout Configuration) -> Void
  ) throws -> (TemporaryDirectory, Configuration) {
    let directory = try TemporaryDirectory()
    return (
      directory,
      configuration(
        in: directory, concurrentChecks: concurrentChecks, queueWait: queueWait,
        maxUpload: maxUpload, configure: configure)
    )
  }

  /// The configuration of the fixture's folder, two colleges' tokens, small limits.
  static func configuration(
    in directory: TemporaryDirectory, concurrentChecks: Int = 2, queueWait: Int = 5,
    maxUpload: Int = 1 << 20, configure: (inout Configuration) -> Void = { _ in }
  ) -> Configuration {
    var configuration = Configuration()
    configuration.baseDirectory = directory.url.path
    configuration.run.inbox = "inbox"
    configuration.serve.receipts = "receipts"
    configuration.serve.maxConcurrentChecks = concurrentChecks
    configuration.serve.queueWaitSeconds = queueWait
    configuration.serve.maxUploadBytes = maxUpload
    configuration.serve.copyLifetimeSeconds = 60
    configuration.reader.ratioCheckAfterBytes = 1 << 20
    for (college, token) in Self.tokens { configuration.serve.tokens[college] = Tokens.hash(token) }
    configure(&configuration)
    return configuration
  }

  func send(
    _ method: String, _ path: String, query: [String: String] = [:],
    headers: [String: String] = [:],
    body: [UInt8] = [], from address: String? = nil
  ) -> HTTPResponse {
    app.handle(
      HTTPRequest(
        method: method, path: path, query: query, headers: headers, body: body,
        remoteAddress: address))
  }

  /// A session cookie (`sid=…`) of `college`, from the sign-in form (as a browser posts it).
  func signIn(_ college: String) -> String? {
    var browser = Browser(self)
    _ = browser.signIn(Self.tokens[college] ?? "")
    return browser.cookies["sid"].map { "sid=\($0)" }
  }

  func bearer(_ college: String) -> [String: String] {
    ["authorization": "Bearer \(Self.tokens[college] ?? "")"]
  }

  /// The workbooks in the inbox (what `pipeline run` would read), and every other file there.
  func inboxFiles() -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: inbox)) ?? []).sorted()
  }
}

/// A `multipart/form-data` body with one file field (after `fields`, as the page's forms put
/// the CSRF token first), as a browser sends it.
func multipart(
  field: String = "file", fileName: String, _ bytes: [UInt8],
  boundary: String = "----pipelineTestBoundary7MA4YWxk", fields: [(String, String)] = []
)
  -> (body: [UInt8], contentType: String)
{
  var body: [UInt8] = []
  for (name, value) in fields {
    body += Array(
      "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
  }
  body += Array(
    "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(fileName)\"\r\n"
      .utf8)
  body += Array(
    "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n".utf8)
  body += bytes
  body += Array("\r\n--\(boundary)--\r\n".utf8)
  return (body, "multipart/form-data; boundary=\(boundary)")
}

extension HTTPResponse {
  var text: String { String(decoding: body, as: UTF8.self) }
  func header(_ name: String) -> String? {
    headers.first { $0.name.lowercased() == name.lowercased() }?.value
  }
  var json: Any? { try? JSONSerialization.jsonObject(with: Data(body)) }
}

/// The shipped fixture `name` of fixtures/inbox.
func fixture(_ name: String) throws -> [UInt8] {
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  return [UInt8](try Data(contentsOf: root.appendingPathComponent("fixtures/inbox/\(name)")))
}

/// What a browser holds for the page — its cookies and the CSRF token of the last page's forms —
/// and how it posts them: from the page's own origin, as Chromium does (`Origin`, and
/// `Sec-Fetch-Site: same-origin`).
struct Browser {
  let f: AppFixture
  var cookies: [String: String] = [:]
  var csrf = ""
  var host = "127.0.0.1:8080"
  /// The client's address (the server's per-address limits).
  var address: String? = nil
  /// Headers sent with every post (what the browser says about where it comes from).
  var origin: [String: String] { ["origin": "http://\(host)", "sec-fetch-site": "same-origin"] }

  init(_ f: AppFixture) { self.f = f }

  var cookieHeader: [String: String] {
    cookies.isEmpty
      ? [:]
      : ["cookie": cookies.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: "; ")]
  }

  /// GET `path`: keeps the cookies it sets and its forms' CSRF token.
  @discardableResult
  mutating func open(_ path: String = "/") -> HTTPResponse {
    let answer = f.send(
      "GET", path, headers: cookieHeader.merging(["host": host]) { a, _ in a }, from: address)
    take(answer)
    if let match = answer.text.firstMatch(of: /name="csrf" value="([0-9a-f]{32})"/) {
      csrf = String(match.1)
    }
    return answer
  }

  mutating func take(_ answer: HTTPResponse) {
    for (name, value) in answer.headers where name.lowercased() == "set-cookie" {
      let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
      let key = String(pair[0])
      let v = pair.count == 2 ? String(pair[1]) : ""
      if v.isEmpty { cookies[key] = nil } else { cookies[key] = v }
    }
  }

  /// An urlencoded form post with the CSRF token (unless `csrf` says otherwise).
  @discardableResult
  mutating func post(
    _ path: String, _ fields: [String: String] = [:], csrf: String? = nil,
    headers: [String: String]? = nil
  ) -> HTTPResponse {
    var all = fields
    all["csrf"] = csrf ?? self.csrf
    let body = all.sorted { $0.key < $1.key }.map {
      "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
    }.joined(separator: "&")
    let answer = f.send(
      "POST", path,
      headers: cookieHeader.merging(headers ?? origin) { a, _ in a }.merging(["host": host]) {
        a, _ in a
      },
      body: Array(body.utf8), from: address)
    take(answer)
    return answer
  }

  /// A multipart upload of `bytes` with the CSRF token first.
  mutating func upload(
    _ path: String, fileName: String, _ bytes: [UInt8], csrf: String? = nil,
    headers: [String: String]? = nil
  ) -> HTTPResponse {
    let (body, type) = multipart(fileName: fileName, bytes, fields: [("csrf", csrf ?? self.csrf)])
    let answer = f.send(
      "POST", path,
      headers: cookieHeader.merging(headers ?? origin) { a, _ in a }.merging([
        "host": host, "content-type": type,
      ]) { a, _ in a }, body: body, from: address)
    take(answer)
    return answer
  }

  /// Opens `/`, signs in with `token` and opens `/` again (the signed-in forms' token).
  mutating func signIn(_ token: String) -> HTTPResponse {
    open()
    let answer = post("/login", ["token": token])
    open()
    return answer
  }
}

/// `pipeline serve` on a free loopback port over a fixture's folder, its access log kept.
final class ServerFixture: Sendable {
  let directory: TemporaryDirectory
  let server: ServeServer
  private let log = Log()
  var app: ServeApp { server.app }
  var port: UInt16 { server.port }

  init(
    concurrentChecks: Int = 2, queueWait: Int = 5, maxUpload: Int = 1 << 20,
    configure: (inout Configuration) -> Void = { _ in }
  ) throws {
    let configuration: Configuration
    (directory, configuration) = try AppFixture.prepared(
      concurrentChecks: concurrentChecks, queueWait: queueWait, maxUpload: maxUpload,
      configure: configure)
    let log = log
    server = try ServeServer(configuration: configuration, listen: "127.0.0.1:0") { line in
      log.lines.withLock { $0.append(line) }
    }
    try server.start()
  }

  deinit {
    server.stop()
    directory.remove()
  }

  /// The access-log lines so far.
  var lines: [String] { log.lines.withLock { $0 } }

  private final class Log: Sendable {
    let lines = Mutex<[String]>([])
  }
}
