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
    configure: (inout ServeSettings) -> Void = { _ in }
  ) throws {
    let configuration: Configuration
    (directory, configuration) = try Self.prepared(
      concurrentChecks: concurrentChecks, queueWait: queueWait, maxUpload: maxUpload,
      configure: configure)
    app = try ServeApp(configuration: configuration, now: now)
  }

  /// A new folder and its ``configuration(in:concurrentChecks:queueWait:maxUpload:configure:)``.
  static func prepared(
    concurrentChecks: Int, queueWait: Int, maxUpload: Int,
    configure: (inout ServeSettings) -> Void
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
    maxUpload: Int = 1 << 20, configure: (inout ServeSettings) -> Void = { _ in }
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
    configure(&configuration.serve)
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

  /// A session cookie (`sid=…`) of `college`, from the sign-in form.
  func signIn(_ college: String) -> String? {
    let login = send("POST", "/login", body: Array("token=\(Self.tokens[college] ?? "")".utf8))
    return login.header("Set-Cookie")?.split(separator: ";").first.map(String.init)
  }

  func bearer(_ college: String) -> [String: String] {
    ["authorization": "Bearer \(Self.tokens[college] ?? "")"]
  }

  /// The workbooks in the inbox (what `pipeline run` would read), and every other file there.
  func inboxFiles() -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: inbox)) ?? []).sorted()
  }
}

/// A `multipart/form-data` body with one file field, as a browser sends it.
func multipart(
  field: String = "file", fileName: String, _ bytes: [UInt8],
  boundary: String = "----pipelineTestBoundary7MA4YWxk"
)
  -> (body: [UInt8], contentType: String)
{
  var body = Array(
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

/// `pipeline serve` on a free loopback port over a fixture's folder, its access log kept.
final class ServerFixture: Sendable {
  let directory: TemporaryDirectory
  let server: ServeServer
  private let log = Log()
  var app: ServeApp { server.app }
  var port: UInt16 { server.port }

  init(
    concurrentChecks: Int = 2, queueWait: Int = 5, maxUpload: Int = 1 << 20,
    configure: (inout ServeSettings) -> Void = { _ in }
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
