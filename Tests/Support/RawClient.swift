import Foundation

/// What a test's socket call failed at.
public struct SocketError: Error, CustomStringConvertible {
  public let operation: String
  public let code: Int32
  public init(operation: String, code: Int32) {
    self.operation = operation
    self.code = code
  }
  public var description: String { "\(operation): \(String(cString: strerror(code)))" }
}

/// A blocking TCP connection to the server under test that sends exactly the bytes it is given,
/// so tests control every byte (partial requests, chunked bodies, garbage). Reads give up after
/// 10 s, a guard against a server that never answers. Tests of per-address limits connect from
/// other loopback addresses (`127.0.0.2`: all of 127/8 is the loopback).
public final class RawClient {
  /// How a read to the end stopped.
  public enum Ending: Equatable { case closed, reset, timedOut }

  private let fd: Int32

  public init(port: UInt16, from source: String? = nil) throws {
    fd = try Self.connected(port: port, from: source)
  }

  /// A connected socket; on failure nothing is left open. (Set in `init` only on success: a
  /// throwing `init` runs `deinit`, which would close the number again — by then, perhaps,
  /// another thread's socket.)
  private static func connected(port: UInt16, from source: String?) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SocketError(operation: "socket", code: errno) }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    /// `call` (bind, connect) on the address `host:port`; on failure the socket is closed.
    func attach(
      _ operation: String, _ host: String, _ port: UInt16,
      _ call: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Int32
    ) throws {
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = port.bigEndian
      inet_pton(AF_INET, host, &address.sin_addr)
      let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          call(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
      guard result == 0 else {
        let code = errno
        close(fd)
        throw SocketError(operation: operation, code: code)
      }
    }
    if let source { try attach("bind \(source)", source, 0, bind) }
    try attach("connect", "127.0.0.1", port, connect)
    return fd
  }

  deinit { close(fd) }

  /// Sends all of `bytes`; throws when the server has closed the connection.
  public func send(_ bytes: [UInt8]) throws {
    var sent = 0
    while sent < bytes.count {
      let n = bytes.withUnsafeBytes {
        Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL))
      }
      guard n > 0 else { throw SocketError(operation: "send", code: errno) }
      sent += n
    }
  }

  public func send(_ text: String) throws { try send(Array(text.utf8)) }

  /// Whether the server has sent something (or closed) and a read would not wait.
  public var hasReply: Bool {
    var polled = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    return poll(&polled, 1, 0) > 0
  }

  /// Everything the server sends until it closes the connection, and how it closed.
  public func readToEnd() -> (bytes: [UInt8], ending: Ending) {
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if n > 0 {
        received += buffer[..<n]
      } else if n == 0 {
        return (received, .closed)
      } else if errno == EINTR {
        continue
      } else {
        return (received, errno == ECONNRESET ? .reset : .timedOut)
      }
    }
  }

  /// The response, read to the end of the connection (the requests say `Connection: close`).
  public func readResponse() throws -> RawResponse {
    let (bytes, _) = readToEnd()
    guard let response = RawResponse(bytes) else {
      throw SocketError(operation: "read a response (got \(bytes.count) bytes)", code: 0)
    }
    return response
  }
}

/// An HTTP response as it came off the wire.
public struct RawResponse: Sendable {
  public let status: Int
  /// Header names lowercased; a repeated field's values joined with ", ".
  public let headers: [String: String]
  public let body: [UInt8]

  /// Parses a status line, header fields and whatever follows them as the body; nil when the
  /// bytes do not start with a complete head.
  public init?(_ bytes: [UInt8]) {
    let separator = Array("\r\n\r\n".utf8)
    guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else {
      return nil
    }
    let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
    let statusLine = lines[0].split(separator: " ")
    guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
    self.status = status
    var headers: [String: String] = [:]
    for line in lines.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      headers[line[..<colon].lowercased()] =
        headers[line[..<colon].lowercased()].map {
          "\($0), \(value)"
        } ?? value
    }
    self.headers = headers
    body = Array(bytes[(end + separator.count)...])
  }

  public var text: String { String(decoding: body, as: UTF8.self) }
}

/// An HTTP/1.1 request closing its connection, with `Content-Length` when there is a body.
public func request(
  _ method: String, _ target: String, headers: [String] = [], body: [UInt8] = []
) -> [UInt8] {
  var head = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
  for header in headers { head += header + "\r\n" }
  if !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
  return Array((head + "\r\n").utf8) + body
}

/// Sends `bytes` on a new connection and reads the response.
public func exchange(_ port: UInt16, _ bytes: [UInt8]) throws -> RawResponse {
  let client = try RawClient(port: port)
  try client.send(bytes)
  return try client.readResponse()
}
