import Foundation
import HTTPServer
import Synchronization
import XLSXTestSupport

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

extension RequestBody {
  /// The whole body (empty when it cannot be read back).
  var all: [UInt8] { (try? readAll()) ?? [] }
}
