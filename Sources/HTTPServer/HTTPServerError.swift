import Glibc

/// Why ``HTTPServer/start()`` failed.
public enum HTTPServerError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The host is not an IPv4 address such as `127.0.0.1` or `0.0.0.0`.
  case invalidHost(String)
  /// Another socket already listens on the address.
  case addressInUse(host: String, port: UInt16)
  /// A socket call failed: the call and the system's message.
  case socket(operation: String, message: String)
  /// libmicrohttpd refused to start (out of threads, file descriptors or memory).
  case startFailed
  /// ``HTTPServer/start()`` was called on a running server.
  case alreadyRunning

  /// The failure of the socket call `operation`, from `errno`.
  static func socket(_ operation: String, errno code: Int32) -> HTTPServerError {
    .socket(operation: operation, message: String(cString: strerror(code)))
  }

  public var description: String {
    switch self {
    case .invalidHost(let host): "cannot listen on \(host): not an IPv4 address"
    case .addressInUse(let host, let port): "cannot listen on \(host):\(port): already in use"
    case .socket(let operation, let message): "cannot listen: \(operation) failed: \(message)"
    case .startFailed: "cannot start the HTTP server (libmicrohttpd refused)"
    case .alreadyRunning: "the HTTP server is already running"
    }
  }
}
