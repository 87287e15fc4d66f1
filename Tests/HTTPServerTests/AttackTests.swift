import Foundation
import HTTPServer
import Testing
import XLSXTestSupport

/// Issue 12's resource attacks at the HTTP level, each beside its near miss: bodies on disk and
/// refused from the headers, the budget of bodies in flight, the per-IP limit, the whole-request
/// deadline and ambiguous framing. Real sockets throughout; timeouts are small and margins wide.
@Suite struct AttackTests {
  /// Refuses a request without `Authorization` from its head; the handler reports what it sees
  /// of the body's file.
  final class Guarded: Sendable {
    let folder: TemporaryDirectory
    let calls = Shared(0)
    let seen = Shared<(files: [String], mode: Int, size: Int)?>(nil)
    init() throws { folder = try TemporaryDirectory() }

    var configuration: HTTPServer.Configuration {
      HTTPServer.Configuration(maxBodyBytes: 32 << 20, bodyFolder: folder.url.path)
    }

    /// A started server behind a new guard.
    static func serving() throws -> (Guarded, HTTPServer) {
      let guarded = try Guarded()
      return (
        guarded, try serve(guarded.configuration, admit: guarded.admit, handler: guarded.handle)
      )
    }

    func stop(_ server: HTTPServer) {
      server.stop()
      folder.remove()
    }

    func admit(_ request: HTTPRequest) -> HTTPResponse? {
      request.headers["authorization"] == nil ? .text(401, "who are you?\n") : nil
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
      calls.update { $0 += 1 }
      let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.url.path)) ?? []
      let attributes = files.first.flatMap {
        try? FileManager.default.attributesOfItem(
          atPath: folder.url.appendingPathComponent($0).path)
      }
      seen.update {
        $0 = (
          files, (attributes?[.posixPermissions] as? Int) ?? -1,
          (attributes?[.size] as? Int) ?? -1
        )
      }
      return .text(200, "\(request.body.count)")
    }
  }

  @Test func anUnauthenticatedUploadIsRefusedBeforeItsBodyIsSent() throws {
    let (guarded, server) = try Guarded.serving()
    defer { guarded.stop(server) }
    let client = try RawClient(port: server.port)
    let declared = 20 << 20
    try client.send(
      "POST /api/submit HTTP/1.1\r\nHost: x\r\nContent-Length: \(declared)\r\n\r\n")
    try client.send([UInt8](repeating: 1, count: 64 << 10))
    // The answer is there while the client still holds all but 64 KiB of its body.
    let response = try client.readResponse()
    #expect(response.status == 401)
    #expect(response.headers["connection"] == "close")
    #expect(guarded.calls.current == 0)
    #expect(try FileManager.default.contentsOfDirectory(atPath: guarded.folder.url.path) == [])
  }

  @Test func anAuthenticatedUploadIsStreamedToAPrivateFileEmptiedAfter() throws {
    let (guarded, server) = try Guarded.serving()
    defer { guarded.folder.remove() }
    let body = [UInt8](repeating: 7, count: 20 << 20)
    let response = try exchange(
      server.port, request("POST", "/api/submit", headers: ["Authorization: Bearer t"], body: body))
    #expect(response.status == 200)
    #expect(response.text == "\(body.count)")
    let seen = try #require(guarded.seen.current)
    #expect(seen.files.count == 1)
    #expect(seen.mode == 0o600)
    #expect(seen.size == body.count)
    // Emptied when the request is over (and kept for the next body), deleted when the server stops.
    let folder = guarded.folder.url.path
    let file = (folder as NSString).appendingPathComponent(seen.files[0])
    #expect(
      eventually {
        (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) == 0
      })
    server.stop()
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [])
  }

  @Test func aBodyPastTheBudgetInFlightGets503WithRetryAfter() throws {
    let bodies = try TemporaryDirectory()
    defer { bodies.remove() }
    var configuration = HTTPServer.Configuration(
      maxBodyBytesInFlight: 1 << 20, bodyFolder: bodies.url.path)
    configuration.retryAfterSeconds = 7
    let server = try serve(configuration) { .text(200, "\($0.body.count)") }
    defer { server.stop() }
    let holding = try RawClient(port: server.port)
    try holding.send(
      "POST /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 800000\r\n\r\n")
    try holding.send([UInt8](repeating: 1, count: 1000))
    // The first body is being taken (its bytes reach its file) before the second one comes: the
    // two would otherwise race for the budget.
    #expect(
      eventually {
        ((try? FileManager.default.contentsOfDirectory(atPath: bodies.url.path)) ?? []).contains {
          let path = bodies.url.appendingPathComponent($0).path
          return ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int ?? 0) > 0
        }
      })
    // A second body that does not fit beside the first: refused from its header.
    let refused = try exchange(
      server.port, request("POST", "/b", body: [UInt8](repeating: 2, count: 800_000)))
    #expect(refused.status == 503)
    #expect(refused.headers["retry-after"] == "7")
    // One that fits beside it is taken; once the first is done, the second fits too.
    #expect(try exchange(server.port, request("POST", "/c", body: [1, 2, 3])).text == "3")
    try holding.send([UInt8](repeating: 1, count: 799_000))
    #expect(try holding.readResponse().text == "800000")
    #expect(
      eventually {
        (try? exchange(
          server.port, request("POST", "/b", body: [UInt8](repeating: 2, count: 800_000))))?
          .status == 200
      })
  }

  @Test func aChunkedBodyPastTheBudgetIsCutWith503() throws {
    let server = try serve(HTTPServer.Configuration(maxBodyBytesInFlight: 256 << 10)) { _ in
      .text(200, "ok")
    }
    defer { server.stop() }
    let client = try RawClient(port: server.port)
    try client.send(request("POST", "/upload", headers: ["Transfer-Encoding: chunked"]))
    let piece = chunk([UInt8](repeating: 7, count: 16 * 1024)[...])
    var sent = 0
    while sent < 64 << 20, !client.hasReply, (try? client.send(piece)) != nil {
      sent += piece.count
    }
    let response = try client.readResponse()
    #expect(response.status == 503)
    #expect(response.headers["retry-after"] != nil)
    #expect(try exchange(server.port, request("GET", "/")).status == 200)
  }

  @Test func oneAddressGetsAtMostItsShareOfConnections() throws {
    let server = try serve(HTTPServer.Configuration(maxConnectionsPerIP: 4)) { request in
      .text(200, request.path)
    }
    defer { server.stop() }
    // Four connections from 127.0.0.2, each in the middle of a request.
    let held = try (0..<4).map { _ in try RawClient(port: server.port, from: "127.0.0.2") }
    for client in held { try client.send("GET /held HTTP/1.1\r\nHost: x\r\n") }
    usleep(300_000)  // lets the server accept them before the fifth comes
    let fifth = try RawClient(port: server.port, from: "127.0.0.2")
    try? fifth.send(request("GET", "/fifth"))
    let refused = fifth.readToEnd()
    #expect(refused.bytes.isEmpty)
    #expect(refused.ending != .timedOut)
    // Another address is served meanwhile, and the four held ones are served when they finish.
    #expect(try exchange(server.port, request("GET", "/healthz")).text == "/healthz")
    for client in held {
      try client.send("Connection: close\r\n\r\n")
      #expect(try client.readResponse().text == "/held")
    }
  }

  @Test func aRequestTricklingPastTheDeadlineIsCutWhileOneUnderItIsServed() throws {
    var configuration = HTTPServer.Configuration(
      connectionTimeoutSeconds: 2, requestDeadlineSeconds: 2)
    configuration.maxConnectionsPerIP = 2
    let server = try serve(configuration) { request in .text(200, request.path) }
    defer { server.stop() }
    // Slow but complete within the deadline: a header line every 0.3 s, four lines.
    let patient = try RawClient(port: server.port)
    try patient.send("GET /patient HTTP/1.1\r\n")
    for line in ["Host: x", "X-A: 1", "X-B: 2", "Connection: close"] {
      usleep(300_000)
      try patient.send(line + "\r\n")
    }
    try patient.send("\r\n")
    #expect(try patient.readResponse().text == "/patient")
    // A header line every 0.5 s, never idle for the 2 s timeout, without end: cut at the deadline.
    let slowloris = try RawClient(port: server.port)
    try slowloris.send("GET /slowloris HTTP/1.1\r\nHost: x\r\n")
    var lines = 0
    while lines < 40, !slowloris.hasReply, (try? slowloris.send("X-\(lines): y\r\n")) != nil {
      usleep(500_000)
      lines += 1
    }
    #expect(lines < 40)  // 20 s: the deadline (2 s) and the sweep (0.5 s) with a wide margin
    let cut = slowloris.readToEnd()
    #expect(RawResponse(cut.bytes)?.status ?? 408 == 408)
    #expect(server.requestsCutByDeadline == 1)
    #expect(try exchange(server.port, request("GET", "/after")).text == "/after")
  }

  @Test(arguments: [
    ["Content-Length: 3", "Transfer-Encoding: chunked"],
    ["Transfer-Encoding: chunked", "Content-Length: 3"],
    ["Content-Length: 3", "Content-Length: 3"],
    ["Content-Length: 3", "Content-Length: 30"],
    ["Transfer-Encoding: gzip"],
  ])
  func ambiguousFramingIs400AndClosed(headers: [String]) throws {
    let (bytes, ending, calls) = try post(headers, "3\r\nabc\r\n0\r\n\r\n")
    #expect(RawResponse(bytes)?.status == 400)
    #expect(RawResponse(bytes)?.headers["connection"] == "close")
    #expect(ending != .timedOut)
    #expect(calls == 0)
  }

  @Test(arguments: [["Content-Length: 3"], ["Transfer-Encoding: chunked"]])
  func oneFramingIsServed(headers: [String]) throws {
    let body = headers[0].hasPrefix("Content") ? "abc" : "3\r\nabc\r\n0\r\n\r\n"
    let (bytes, _, calls) = try post(headers + ["Connection: close"], body)
    #expect(RawResponse(bytes)?.text == "3")
    #expect(calls == 1)
  }

  /// A POST with `headers` and `body` as they are, read to the end of the connection; and how
  /// often the handler ran.
  private func post(_ headers: [String], _ body: String) throws -> (
    [UInt8], RawClient.Ending, Int
  ) {
    let guarded = try Guarded()
    defer { guarded.folder.remove() }
    let server = try serve(guarded.configuration, handler: guarded.handle)
    defer { server.stop() }
    var head = "POST /api/check HTTP/1.1\r\nHost: x\r\n"
    for header in headers { head += header + "\r\n" }
    let client = try RawClient(port: server.port)
    try client.send(head + "\r\n" + body)
    let (bytes, ending) = client.readToEnd()
    return (bytes, ending, guarded.calls.current)
  }

  @Test func controlCharactersAreEscapedForTheLog() {
    let forged = "/a\r\n2026-01-01T00:00:00Z GET /admin 200\u{1b}[2J\u{7f}\\\u{85}é中"
    let escaped = forged.escapingControlCharacters
    #expect(escaped == #"/a\r\n2026-01-01T00:00:00Z GET /admin 200\x1b[2J\x7f\\\u{85}é中"#)
    #expect(!escaped.contains("\n") && !escaped.contains("\r"))
    #expect("/plain/路径 ok".escapingControlCharacters == "/plain/路径 ok")
  }
}
