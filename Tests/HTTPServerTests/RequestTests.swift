import HTTPServer
import Testing
import XLSXTestSupport

/// What reaches the handler, and what reaches the client from its answer.
@Suite struct RequestTests {
  @Test func aGetReachesTheHandlerDecoded() throws {
    let seen = Shared<HTTPRequest?>(nil)
    let server = try serve { request in
      seen.update { $0 = request }
      return HTTPResponse(
        status: 200, headers: [("Content-Type", "text/plain"), ("X-Reply", "a"), ("X-Reply", "b")],
        body: Array("ok".utf8))
    }
    defer { server.stop() }
    #expect(server.port != 0)
    let target = "/a%20b/c?x=1&y=hello%20world&z=a+b&flag&x=2"
    let response = try exchange(
      server.port, request("GET", target, headers: ["X-Custom-Header: Value"]))
    #expect(response.status == 200)
    #expect(response.headers["content-length"] == "2")
    #expect(response.headers["x-reply"] == "a, b")
    #expect(response.text == "ok")

    let received = try #require(seen.current)
    #expect(received.method == "GET")
    #expect(received.path == "/a b/c")
    #expect(received.query == ["x": "1", "y": "hello world", "z": "a b", "flag": ""])
    #expect(received.headers["x-custom-header"] == "Value")
    #expect(received.headers["host"] == "localhost")
    #expect(received.body.isEmpty)
    #expect(received.remoteAddress == "127.0.0.1")
  }

  /// Binary bytes (zeros included) and a body of a few MB, with `Content-Length` or chunked,
  /// arrive byte for byte; the handler echoes them back.
  @Test(arguments: [false, true]) func aPostBodyArrivesExactly(chunked: Bool) throws {
    let small: [UInt8] = [0, 1, 0, 255, 13, 10, 0] + (0...255).map { UInt8($0) }
    let large = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 >> 3) }
    let server = try serve { request in
      .bytes(
        request.method == "POST" ? 200 : 405, contentType: "application/octet-stream",
        request.body.all)
    }
    defer { server.stop() }
    for body in [small, large] {
      let sent =
        chunked
        ? request("POST", "/echo", headers: ["Transfer-Encoding: chunked"]) + chunks(body)
        : request("POST", "/echo", body: body)
      let response = try exchange(server.port, sent)
      #expect(response.status == 200)
      #expect(response.headers["content-length"] == String(body.count))
      #expect(response.body == body)
    }
  }

  @Test func headGetsTheHeadersWithoutTheBody() throws {
    let server = try serve { _ in .text(200, "hello") }
    defer { server.stop() }
    let response = try exchange(server.port, request("HEAD", "/"))
    #expect(response.status == 200)
    #expect(response.headers["content-length"] == "5")
    #expect(response.body.isEmpty)
  }

  @Test func aHeaderFieldTheServerRefusesBecomesA500() throws {
    let server = try serve { _ in
      HTTPResponse(status: 200, headers: [("X-Injected", "a\r\nSet-Cookie: evil")], body: [1])
    }
    defer { server.stop() }
    let response = try exchange(server.port, request("GET", "/"))
    #expect(response.status == 500)
    #expect(response.headers["set-cookie"] == nil)
  }
}

/// `body` in chunked transfer coding, in chunks of `size` bytes, with the final empty chunk.
func chunks(_ body: [UInt8], size: Int = 100_000) -> [UInt8] {
  var encoded: [UInt8] = []
  for start in stride(from: 0, to: body.count, by: size) {
    encoded += chunk(body[start..<min(start + size, body.count)])
  }
  return encoded + Array("0\r\n\r\n".utf8)
}

/// One chunk of chunked transfer coding.
func chunk(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
  Array("\(String(bytes.count, radix: 16))\r\n".utf8) + bytes + Array("\r\n".utf8)
}
