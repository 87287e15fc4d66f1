import Foundation

/// What a test's socket call failed at.
struct SocketError: Error, CustomStringConvertible {
  let operation: String
  let code: Int32
  var description: String { "\(operation): \(String(cString: strerror(code)))" }
}

/// A blocking TCP connection to the server under test that sends exactly the bytes it is given,
/// so tests control every byte (partial requests, chunked bodies, garbage). Reads give up after
/// 10 s, a guard against a server that never answers.
final class RawClient {
  /// How a read to the end stopped.
  enum Ending: Equatable { case closed, reset, timedOut }

  private let fd: Int32

  init(port: UInt16) throws {
    fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SocketError(operation: "socket", code: errno) }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else {
      let code = errno
      close(fd)
      throw SocketError(operation: "connect", code: code)
    }
  }

  deinit { close(fd) }

  /// Sends all of `bytes`; throws when the server has closed the connection.
  func send(_ bytes: [UInt8]) throws {
    var sent = 0
    while sent < bytes.count {
      let n = bytes.withUnsafeBytes {
        Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL))
      }
      guard n > 0 else { throw SocketError(operation: "send", code: errno) }
      sent += n
    }
  }

  func send(_ text: String) throws { try send(Array(text.utf8)) }

  /// Whether the server has sent something (or closed) and a read would not wait.
  var hasReply: Bool {
    var polled = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    return poll(&polled, 1, 0) > 0
  }

  /// Everything the server sends until it closes the connection, and how it closed.
  func readToEnd() -> (bytes: [UInt8], ending: Ending) {
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
  func readResponse() throws -> RawResponse {
    let (bytes, _) = readToEnd()
    guard let response = RawResponse(bytes) else {
      throw SocketError(operation: "read a response (got \(bytes.count) bytes)", code: 0)
    }
    return response
  }
}

/// An HTTP response as it came off the wire.
struct RawResponse {
  let status: Int
  /// Header names lowercased; a repeated field's values joined with ", ".
  let headers: [String: String]
  let body: [UInt8]

  /// Parses a status line, header fields and whatever follows them as the body; nil when the
  /// bytes do not start with a complete head.
  init?(_ bytes: [UInt8]) {
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

  var text: String { String(decoding: body, as: UTF8.self) }
}

/// An HTTP/1.1 request closing its connection, with `Content-Length` when there is a body.
func request(
  _ method: String, _ target: String, headers: [String] = [], body: [UInt8] = []
) -> [UInt8] {
  var head = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
  for header in headers { head += header + "\r\n" }
  if !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
  return Array((head + "\r\n").utf8) + body
}

/// Sends `bytes` on a new connection and reads the response.
func exchange(_ port: UInt16, _ bytes: [UInt8]) throws -> RawResponse {
  let client = try RawClient(port: port)
  try client.send(bytes)
  return try client.readResponse()
}
