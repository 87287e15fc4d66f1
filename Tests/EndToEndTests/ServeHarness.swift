import Foundation
import Testing
import XLSXTestSupport

#if canImport(Glibc)
  import Glibc
#endif

// Running the real `pipeline serve` and talking HTTP/1.1 to it byte by byte.

/// A `pipeline serve --listen 127.0.0.1:0` process on a temporary folder (its own pipeline.json,
/// inbox and receipts), with the port read from the first line it prints.
final class ServeProcess: @unchecked Sendable {
  let folder: TemporaryDirectory
  let process = Process()
  let port: UInt16
  private let log = Shared(Data())

  var configPath: String { folder.url.appendingPathComponent("pipeline.json").path }
  var inbox: URL { folder.url.appendingPathComponent("inbox") }
  /// What the server wrote to stderr so far (the access log).
  var stderr: String { String(decoding: log.withLock { $0 }, as: UTF8.self) }

  /// Starts the server with `serve` settings merged into the configuration; `tokens` colleges
  /// get a token through `pipeline token add` (read back with ``token(_:)``).
  init(serve: [String: Any] = [:], colleges: [String] = []) async throws {
    folder = try TemporaryDirectory()
    let config: [String: Any] = [
      "run": ["inbox": "inbox", "out": "out", "store": "out/store.sqlite"], "serve": serve,
    ]
    try JSONSerialization.data(withJSONObject: config).write(
      to: folder.url.appendingPathComponent("pipeline.json"))
    let binary = try TestLocations.pipelineBinary.get()
    var tokens: [String: String] = [:]
    for college in colleges {
      let made = try await runProcess(
        binary, ["token", "add", college, "--config", folder.url.path + "/pipeline.json"],
        timeout: 60)
      tokens[college] = String(decoding: made.stdout, as: UTF8.self).trimmingCharacters(
        in: .whitespacesAndNewlines)
    }
    self.tokens = tokens
    process.executableURL = binary
    process.arguments = [
      "serve", "--config", folder.url.path + "/pipeline.json", "--listen", "127.0.0.1:0",
    ]
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let log = log
    err.fileHandleForReading.readabilityHandler = { handle in
      let data = handle.availableData
      log.withLock { $0.append(data) }
    }
    // The first stdout line: `listening on http://127.0.0.1:PORT`.
    var line = Data()
    while !line.contains(10) {
      let chunk = out.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      line.append(chunk)
    }
    let text = String(decoding: line, as: UTF8.self)
    guard text.hasPrefix("listening on http://127.0.0.1:"),
      let port = UInt16(
        text.split(separator: ":").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
    else {
      process.terminate()
      throw HarnessError("serve printed \(text.debugDescription) instead of its address")
    }
    self.port = port
  }

  let tokens: [String: String]

  func token(_ college: String) -> String { tokens[college] ?? "" }

  /// Sends SIGTERM and waits for the process to end (killing it after 60 s); its exit status.
  @discardableResult
  func stop() -> Int32 {
    guard process.isRunning else { return process.terminationStatus }
    kill(process.processIdentifier, SIGTERM)
    let deadline = Date() + 60
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    return process.terminationStatus
  }

  deinit {
    stop()
    folder.remove()
  }

  /// One request on its own connection (`Connection: close`), answered whole.
  func send(
    _ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []
  ) throws -> HTTPReply {
    let connection = try LoopbackConnection(port: port)
    try connection.write(requestHead(method, path, headers: headers, length: body.count) + body)
    return try connection.readReply()
  }

  /// Signs `college` in as the page does (GET / for the pre-session CSRF cookie and token, then
  /// the login form from the page's origin); the session cookie (`sid=…`) and the signed-in
  /// forms' CSRF token.
  func signIn(_ college: String) throws -> (cookie: String, csrf: String) {
    let home = try send("GET", "/")
    let pre = try #require(home.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
    let token = try #require(Self.csrf(in: home.text))
    let login = try send(
      "POST", "/login",
      headers: [
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": pre,
        "Origin": "http://127.0.0.1:\(port)",
      ], body: Array("csrf=\(token)&token=\(self.token(college))".utf8))
    guard login.status == 303,
      let cookie = login.headers["set-cookie"]?.split(separator: ";").first.map(String.init)
    else { throw HarnessError("sign-in answered \(login.status)") }
    let signedIn = try send("GET", "/", headers: ["Cookie": cookie])
    return (cookie, try #require(Self.csrf(in: signedIn.text)))
  }

  /// The CSRF token of a page's forms.
  static func csrf(in page: String) -> String? {
    page.firstMatch(of: /name="csrf" value="([0-9a-f]{32})"/).map { String($0.1) }
  }

  func requestHead(_ method: String, _ path: String, headers: [String: String], length: Int)
    -> [UInt8]
  {
    var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    head += "Content-Length: \(length)\r\n\r\n"
    return Array(head.utf8)
  }
}

struct HarnessError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// An HTTP answer as read off the socket.
struct HTTPReply: Sendable {
  var status: Int
  /// Names lowercased.
  var headers: [String: String]
  var body: [UInt8]
  var text: String { String(decoding: body, as: UTF8.self) }
  var json: Any? { try? JSONSerialization.jsonObject(with: Data(body)) }
}

/// A blocking TCP connection to 127.0.0.1 (reads give up after 30 s).
final class LoopbackConnection {
  private let descriptor: Int32

  init(port: UInt16) throws {
    descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw HarnessError("socket: errno \(errno)") }
    var limit = timeval(tv_sec: 30, tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    var target = sockaddr_in(
      sin_family: sa_family_t(AF_INET), sin_port: port.bigEndian,
      sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")),
      sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
    let status = withUnsafePointer(to: &target) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    if status != 0 {
      close(descriptor)
      throw HarnessError("connect to port \(port): errno \(errno)")
    }
  }

  deinit { close(descriptor) }

  func write(_ bytes: [UInt8]) throws {
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes {
        Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      guard written > 0 else { throw HarnessError("send: errno \(errno)") }
      offset += written
    }
  }

  /// Reads until the connection ends; true when the server closed it (end of stream or reset),
  /// false when the 30 s read limit ran out first.
  func closedByServer() -> Bool {
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
      if n > 0 { continue }
      return n == 0 || errno == ECONNRESET
    }
  }

  /// Reads until the server closes the connection, and parses the answer.
  func readReply() throws -> HTTPReply {
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
      let n = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
      if n <= 0 { break }
      received += buffer[0..<n]
    }
    guard let split = received.firstRange(of: Array("\r\n\r\n".utf8)) else {
      throw HarnessError("no HTTP answer (\(received.count) bytes)")
    }
    let lines = String(decoding: received[..<split.lowerBound], as: UTF8.self).components(
      separatedBy: "\r\n")
    let statusWords = lines[0].split(separator: " ")
    guard statusWords.count >= 2, let status = Int(statusWords[1]) else {
      throw HarnessError("bad status line \(lines[0])")
    }
    var headers: [String: String] = [:]
    for line in lines.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
        in: .whitespaces)
    }
    return HTTPReply(status: status, headers: headers, body: Array(received[split.upperBound...]))
  }
}
