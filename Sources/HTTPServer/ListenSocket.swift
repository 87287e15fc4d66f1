import Glibc

/// The server's listening TCP socket on an IPv4 address. It is opened here rather than by
/// libmicrohttpd (which takes it over) so that a port already in use is reported as such, where
/// libmicrohttpd would only say it failed, and so that the port picked for port 0 can be read.
struct ListenSocket {
  let descriptor: Int32
  /// The bound port (the one the system picked, when 0 was asked).
  let port: UInt16

  init(host: String, port: UInt16) throws(HTTPServerError) {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw .invalidHost(host) }
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw .socket("socket", errno: errno) }
    do throws(HTTPServerError) {
      // Lets a restarted server bind while its predecessor's connections are in TIME_WAIT; it
      // never lets two sockets listen on one port.
      var on: Int32 = 1
      guard setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size)) == 0
      else { throw .socket("setsockopt", errno: errno) }
      var length = socklen_t(MemoryLayout<sockaddr_in>.size)
      guard withGenericAddress(&address, { bind(fd, $0, length) }) == 0 else {
        throw errno == EADDRINUSE
          ? .addressInUse(host: host, port: port) : .socket("bind", errno: errno)
      }
      guard listen(fd, SOMAXCONN) == 0 else { throw .socket("listen", errno: errno) }
      guard withGenericAddress(&address, { getsockname(fd, $0, &length) }) == 0 else {
        throw .socket("getsockname", errno: errno)
      }
    } catch {
      close(fd)
      throw error
    }
    descriptor = fd
    self.port = UInt16(bigEndian: address.sin_port)
  }
}

/// Runs `body` with `address` seen as the `sockaddr` the socket calls take.
private func withGenericAddress<R>(
  _ address: inout sockaddr_in, _ body: (UnsafeMutablePointer<sockaddr>) -> R
) -> R {
  withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body)
  }
}
