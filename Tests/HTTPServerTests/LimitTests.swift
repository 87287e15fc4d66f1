import HTTPServer
import Testing
import XLSXTestSupport

/// Clients that send too much, too slowly or nonsense: answered or dropped, never buffered, and
/// the server keeps serving.
@Suite struct LimitTests {
  static let limited = HTTPServer.Configuration(maxBodyBytes: 64 * 1024)

  /// Counts the handler's calls; answers 200.
  final class CountingHandler: Sendable {
    let calls = Shared(0)
    func handle(_ request: HTTPRequest) -> HTTPResponse {
      calls.update { $0 += 1 }
      return .text(200, "ok")
    }
  }

  @Test func aDeclaredBodyOverTheLimitGets413BeforeItIsSent() throws {
    let handler = CountingHandler()
    let server = try serve(Self.limited, handler: handler.handle)
    defer { server.stop() }
    let client = try RawClient(port: server.port)
    // The header only: the answer cannot be waiting for a body that never comes.
    try client.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10000000\r\n\r\n")
    #expect(try client.readResponse().status == 413)
    #expect(try exchange(server.port, request("GET", "/")).status == 200)
    #expect(handler.calls.current == 1)  // the GET only
  }

  @Test func aChunkedBodyGets413AsItCrossesTheLimit() throws {
    let handler = CountingHandler()
    let server = try serve(Self.limited, handler: handler.handle)
    defer { server.stop() }
    let client = try RawClient(port: server.port)
    try client.send(request("POST", "/upload", headers: ["Transfer-Encoding: chunked"]))
    // Chunks without end, until the server answers (or closes first).
    let piece = chunk([UInt8](repeating: 7, count: 16 * 1024)[...])
    let cap = 64 << 20  // 1000 times the limit: what a server buffering the upload would take
    var sent = 0
    while sent < cap, !client.hasReply, (try? client.send(piece)) != nil {
      sent += piece.count
    }
    #expect(sent < cap)
    let response = try client.readResponse()
    #expect(response.status == 413)
    #expect(response.headers["connection"] == "close")
    #expect(try exchange(server.port, request("GET", "/")).status == 200)
    #expect(handler.calls.current == 1)
  }

  @Test func aClientThatStopsMidRequestIsDropped() throws {
    var configuration = HTTPServer.Configuration()
    configuration.connectionTimeoutSeconds = 1
    let server = try serve(configuration) { _ in .text(200, "ok") }
    defer { server.stop() }
    let client = try RawClient(port: server.port)
    try client.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nabc")
    // The server closes the socket; the client's own 10 s guard would report `.timedOut`.
    #expect(client.readToEnd().ending != .timedOut)
  }

  @Test func aMalformedRequestGets400AndTheServerGoesOn() throws {
    let server = try serve { _ in .text(200, "ok") }
    defer { server.stop() }
    let badVersion = try exchange(server.port, Array("GET / NOT-HTTP\r\n\r\n".utf8))
    let badHeader = try exchange(server.port, Array("GET / HTTP/1.1\r\nno colon\r\n\r\n".utf8))
    #expect([badVersion.status, badHeader.status] == [400, 400])
    // A line without a single space is not even a request line: libmicrohttpd 0.9.75 closes the
    // connection without an answer (later versions answer 400).
    let garbage = try RawClient(port: server.port)
    try garbage.send("NOT-HTTP\r\n\r\n")
    let answer = garbage.readToEnd().bytes
    #expect(answer.isEmpty || RawResponse(answer)?.status == 400)
    #expect(try exchange(server.port, request("GET", "/")).status == 200)
  }
}
