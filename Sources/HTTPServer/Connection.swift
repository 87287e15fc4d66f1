internal import CMicroHTTPD
import Glibc

/// What the server reads from, and writes around, one libmicrohttpd connection; used only on the
/// connection's own thread, inside a callback.
struct Connection {
  let handle: OpaquePointer

  /// The values of one kind (header fields, query arguments) in the order they were sent; a
  /// value-less argument (`?flag`) has the value "".
  func values(_ kind: MHD_ValueKind) -> [(String, String)] {
    var pairs: [(String, String)] = []
    withUnsafeMutablePointer(to: &pairs) { pairs in
      _ = MHD_get_connection_values(
        handle, kind,
        { cls, _, key, value in
          guard let cls, let key else { return .YES }
          cls.assumingMemoryBound(to: [(String, String)].self).pointee.append(
            (String(cString: key), value.map { String(cString: $0) } ?? ""))
          return .YES
        }, pairs)
    }
    return pairs
  }

  /// How many times the header field `name` was sent (compared without regard to case).
  func count(of name: String) -> Int {
    values(.HEADER_KIND).lazy.filter { $0.0.lowercased() == name }.count
  }

  /// The connection's socket.
  var socket: Int32? {
    cmhd_connection_info(handle, .CONNECTION_INFO_CONNECTION_FD)?.pointee.connect_fd
  }

  /// The declared `Content-Length`, when there is one and it is a number.
  var contentLength: UInt64? {
    MHD_lookup_connection_value(handle, .HEADER_KIND, "Content-Length").flatMap {
      UInt64(String(cString: $0))
    }
  }

  /// The client's IPv4 address (the server listens on IPv4 only).
  var remoteAddress: String? {
    guard
      let address = cmhd_connection_info(handle, .CONNECTION_INFO_CLIENT_ADDRESS)?
        .pointee.client_addr, address.pointee.sa_family == sa_family_t(AF_INET)
    else { return nil }
    var ipv4 = UnsafeRawPointer(address).load(as: sockaddr_in.self).sin_addr
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(INET_ADDRSTRLEN)) { text in
      inet_ntop(AF_INET, &ipv4, text.baseAddress, socklen_t(text.count)).map { String(cString: $0) }
    }
  }

  /// Writes `bytes` straight to the socket, bypassing libmicrohttpd, without waiting: for the one
  /// answer libmicrohttpd cannot give (see `Dispatcher.refuseUpload`), just before the
  /// connection is closed. A few hundred bytes fit in any socket's send buffer.
  func sendDirectly(_ bytes: [UInt8]) {
    guard let socket else { return }
    send(bytes, toSocket: socket)
  }
}

/// Writes `bytes` to `socket` without waiting (what does not fit in the send buffer is dropped)
/// and without `SIGPIPE`.
func send(_ bytes: [UInt8], toSocket socket: Int32) {
  _ = bytes.withUnsafeBytes {
    send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
  }
}
