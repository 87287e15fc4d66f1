import Foundation
import HTTPServer
import Testing
import XLSXTestSupport

/// Starting, stopping, concurrency and the access log.
@Suite struct LifecycleTests {
  @Test func aTakenPortOrABadHostIsAClearError() throws {
    let server = try serve { _ in .text(200, "ok") }
    defer { server.stop() }
    let second = HTTPServer(configuration: .init(port: server.port)) { _ in .text(200, "ok") }
    #expect(throws: HTTPServerError.addressInUse(host: "127.0.0.1", port: server.port)) {
      try second.start()
    }
    #expect(throws: HTTPServerError.alreadyRunning) { try server.start() }
    let badHost = HTTPServer(configuration: .init(host: "localhost")) { _ in .text(200, "ok") }
    #expect(throws: HTTPServerError.invalidHost("localhost")) { try badHost.start() }
  }

  @Test func stopLetsTheRequestInFlightFinish() throws {
    let entered = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)
    let server = try serve { _ in
      entered.signal()
      release.wait()
      return .text(200, "done")
    }
    let port = server.port
    let answer = Shared<RawResponse?>(nil)
    let answered = inBackground {
      let response = try? exchange(port, request("GET", "/slow"))
      answer.update { $0 = response }
    }
    entered.wait()
    let stopped = inBackground { server.stop() }
    // Stopping closes the listening socket first: new clients are refused.
    #expect(eventually { (try? RawClient(port: port)) == nil })
    release.signal()
    #expect(answered.wait(timeout: .now() + 10) == .success)
    #expect(stopped.wait(timeout: .now() + 10) == .success)
    let response = try #require(answer.current)
    #expect(response.status == 200)
    #expect(response.text == "done")
    #expect(response.headers["connection"] == "close")
  }

  @Test func theLogHasOneEntryPerRequestAndNoQueryString() throws {
    let entries = Shared<[AccessLogEntry]>([])
    let log: @Sendable (AccessLogEntry) -> Void = { entry in entries.update { $0.append(entry) } }
    let server = try serve(log: log) { request in
      request.path == "/private" ? .text(404, "no") : .text(200, "fine")
    }
    defer { server.stop() }
    let secret = request(
      "GET", "/private?token=secret", headers: ["Authorization: Bearer secret"])
    _ = try exchange(server.port, secret)
    _ = try exchange(server.port, request("POST", "/upload", body: Array("0123456789".utf8)))
    #expect(eventually { entries.current.count == 2 })

    let logged = entries.current.sorted { $0.method < $1.method }
    #expect(logged.map(\.method) == ["GET", "POST"])
    #expect(logged.map(\.path) == ["/private", "/upload"])
    #expect(logged.map(\.status) == [404, 200])
    #expect(logged.map(\.bytes) == [2, 4])
    #expect(logged.allSatisfy { $0.milliseconds >= 0 })
    #expect(!"\(logged)".contains("secret"))
    #expect(!"\(logged)".contains("token"))
  }

  @Test func manyConcurrentClientsEachGetTheirOwnAnswer() throws {
    let server = try serve { request in
      .text(200, "\(request.path) \(String(decoding: request.body.all, as: UTF8.self))")
    }
    defer { server.stop() }
    let port = server.port
    let errors = onThreads(50) { i in
      let response = try exchange(
        port, request("POST", "/client/\(i)", body: Array("body \(i)".utf8)))
      guard response.status == 200, response.text == "/client/\(i) body \(i)" else {
        throw SocketError(operation: "client \(i) got \(response.status) \(response.text)", code: 0)
      }
    }
    #expect(errors == [])
  }

  @Test func aSlowHandlerHoldsOnlyItsOwnThread() throws {
    let entered = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)
    let server = try serve { request in
      if request.path == "/slow" {
        entered.signal()
        release.wait()
      }
      return .text(200, request.path)
    }
    defer { server.stop() }
    let port = server.port
    let slow = Shared<Int?>(nil)
    let answered = inBackground {
      let status = try? exchange(port, request("GET", "/slow")).status
      slow.update { $0 = status }
    }
    entered.wait()
    for _ in 0..<10 {
      let fast = try exchange(port, request("GET", "/fast"))
      #expect(fast.text == "/fast")
    }
    release.signal()
    #expect(answered.wait(timeout: .now() + 10) == .success)
    #expect(slow.current == 200)
  }
}
