import Foundation
import HTTPServer
import XLSXTestSupport
import Synchronization

/// A value the server's threads and the test share.
final class Shared<Value>: Sendable where Value: Sendable {
  private let value: Mutex<Value>
  init(_ value: Value) { self.value = Mutex(value) }
  func update<R>(_ body: (inout Value) -> R) -> R { value.withLock { body(&$0) } }
  var current: Value { value.withLock { $0 } }
}

/// A server started on a free loopback port; the test stops it (`defer { server.stop() }`).
func serve(
  _ configuration: HTTPServer.Configuration = .init(),
  log: (@Sendable (AccessLogEntry) -> Void)? = nil,
  admit: (@Sendable (HTTPRequest) -> HTTPResponse?)? = nil,
  handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse
) throws -> HTTPServer {
  let server = HTTPServer(configuration: configuration, log: log, admit: admit, handler: handler)
  try server.start()
  return server
}


/// Runs `work` on a thread of its own; `wait()` on the result returns once it is done.
func inBackground(_ work: @escaping @Sendable () -> Void) -> DispatchSemaphore {
  let done = DispatchSemaphore(value: 0)
  Thread.detachNewThread {
    work()
    done.signal()
  }
  return done
}

/// Polls `condition` until it holds or `seconds` pass; returns whether it held.
func eventually(within seconds: Double = 5, _ condition: () -> Bool) -> Bool {
  let deadline = Date().addingTimeInterval(seconds)
  while !condition() {
    if Date() > deadline { return false }
    usleep(10_000)
  }
  return true
}

extension RequestBody {
  /// The whole body (empty when it cannot be read back).
  var all: [UInt8] { (try? readAll()) ?? [] }
}
