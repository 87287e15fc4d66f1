internal import CMicroHTTPD
import Synchronization

/// What one running daemon's callbacks share: the handler, the log, the limits and the count of
/// requests in flight. libmicrohttpd holds it, unretained, as the callbacks' `cls`; the server
/// keeps it alive until the daemon has stopped.
final class Dispatcher: Sendable {
  let configuration: HTTPServer.Configuration
  let handler: @Sendable (HTTPRequest) -> HTTPResponse
  let log: (@Sendable (AccessLogEntry) -> Void)?
  /// Requests whose header has arrived and that have not completed yet.
  let inFlight = Atomic<Int>(0)
  /// Set when the server starts stopping: answers then close their connection.
  let stopping = Atomic<Bool>(false)

  init(
    configuration: HTTPServer.Configuration,
    handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse,
    log: (@Sendable (AccessLogEntry) -> Void)?
  ) {
    self.configuration = configuration
    self.handler = handler
    self.log = log
  }

  /// Starts a daemon serving `socket` (which it takes over) through this dispatcher: a pool of
  /// threads each polling with epoll (poll where there is none), without error output to stderr.
  /// `MHD_USE_ITC` lets `MHD_quiesce_daemon` wake the pool.
  func startDaemon(on socket: ListenSocket) -> OpaquePointer? {
    cmhd_start_daemon(
      MHD_USE_AUTO_INTERNAL_THREAD.rawValue | MHD_USE_ITC.rawValue, socket.descriptor,
      UInt32(clamping: configuration.threads),
      UInt32(clamping: configuration.connectionTimeoutSeconds),
      UInt32(clamping: configuration.connectionLimit), accessHandler, requestCompleted,
      Unmanaged.passUnretained(self).toOpaque())
  }

  /// The access handler's work for one call: the first (the header has arrived) opens the
  /// request's ``Exchange``, the next ones add a piece of the body each, and the last (the
  /// request is complete) runs the handler and queues its answer.
  fileprivate func access(
    _ connection: Connection, exchange stored: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
    url: UnsafePointer<CChar>, method: UnsafePointer<CChar>, upload: UnsafePointer<CChar>?,
    uploadSize: UnsafeMutablePointer<Int>
  ) -> MHD_Result {
    guard let opened = stored.pointee else {
      let exchange = Exchange(method: String(cString: method), path: String(cString: url))
      stored.pointee = Unmanaged.passRetained(exchange).toOpaque()
      inFlight.add(1, ordering: .relaxed)
      // Refused before any of the body is read: libmicrohttpd then closes the connection.
      if let length = connection.contentLength, length > configuration.maxBodyBytes {
        return answer(tooLarge, for: exchange, on: connection)
      }
      return .YES
    }
    let exchange = Unmanaged<Exchange>.fromOpaque(opened).takeUnretainedValue()
    if uploadSize.pointee > 0 {
      guard exchange.body.count + uploadSize.pointee <= configuration.maxBodyBytes else {
        return refuseUpload(exchange, on: connection)
      }
      exchange.body.append(
        contentsOf: UnsafeRawBufferPointer(start: upload, count: uploadSize.pointee))
      uploadSize.pointee = 0
      return .YES
    }
    let request = HTTPRequest(
      method: exchange.method, path: exchange.path,
      query: Dictionary(connection.values(.GET_ARGUMENT_KIND)) { first, _ in first },
      headers: Dictionary(connection.values(.HEADER_KIND).map { ($0.lowercased(), $1) }) {
        "\($0), \($1)"
      },
      body: exchange.body, remoteAddress: connection.remoteAddress)
    exchange.body = []
    return answer(handler(request), for: exchange, on: connection)
  }

  /// Queues `response` (a 500 instead when libmicrohttpd refuses one of its header fields).
  private func answer(
    _ response: HTTPResponse, for exchange: Exchange, on connection: Connection
  ) -> MHD_Result {
    var response = response
    var made = response.makeMHDResponse()
    if made == nil {
      response = .text(500, "the handler's response has an invalid header field\n")
      made = response.makeMHDResponse()
    }
    guard let made else { return .NO }
    defer { MHD_destroy_response(made) }
    if stopping.load(ordering: .relaxed) { MHD_add_response_header(made, "Connection", "close") }
    exchange.answered(response)
    return MHD_queue_response(connection.handle, UInt32(clamping: response.status), made)
  }

  /// A chunked body has grown past the limit. libmicrohttpd accepts no response while a body
  /// is arriving (`MHD_queue_response` refuses, up to 1.0), and reading the rest to answer
  /// afterwards would let the client send without end; so the 413 is written to the socket
  /// directly, and returning `MHD_NO` has libmicrohttpd close the connection.
  private func refuseUpload(_ exchange: Exchange, on connection: Connection) -> MHD_Result {
    connection.sendDirectly(tooLarge.closingMessage)
    exchange.body = []
    exchange.answered(tooLarge)
    return .NO
  }

  private var tooLarge: HTTPResponse {
    .text(413, "the request body is larger than \(configuration.maxBodyBytes) bytes\n")
  }

  /// The request is over (answered, or its connection failed): logs it and releases its
  /// ``Exchange``.
  fileprivate func complete(_ stored: UnsafeMutablePointer<UnsafeMutableRawPointer?>) {
    guard let opened = stored.pointee else { return }
    stored.pointee = nil
    let exchange = Unmanaged<Exchange>.fromOpaque(opened).takeRetainedValue()
    if let log, let status = exchange.status {
      let elapsed = exchange.started.duration(to: .now).components
      log(
        AccessLogEntry(
          method: exchange.method, path: exchange.path, status: status, bytes: exchange.bytes,
          milliseconds: Double(elapsed.seconds) * 1e3 + Double(elapsed.attoseconds) * 1e-15))
    }
    inFlight.subtract(1, ordering: .releasing)
  }
}

/// One request's state across the access handler's calls, from its header's arrival to its
/// completion; only ever touched by its connection's thread.
final class Exchange {
  let method: String
  /// Percent-decoded by libmicrohttpd, without the query string.
  let path: String
  let started = ContinuousClock.now
  /// The body received so far.
  var body: [UInt8] = []
  /// The status answered, once there is an answer.
  private(set) var status: Int?
  /// The body bytes answered.
  private(set) var bytes = 0

  init(method: String, path: String) {
    self.method = method
    self.path = path
  }

  /// Records the answer, for the log (a `HEAD` answer carries no body).
  func answered(_ response: HTTPResponse) {
    status = response.status
    bytes = method == "HEAD" ? 0 : response.body.count
  }
}

// MARK: - The C callbacks

/// libmicrohttpd's access handler (`MHD_AccessHandlerCallback`).
private func accessHandler(
  cls: UnsafeMutableRawPointer?, connection: OpaquePointer?, url: UnsafePointer<CChar>?,
  method: UnsafePointer<CChar>?, version: UnsafePointer<CChar>?, upload: UnsafePointer<CChar>?,
  uploadSize: UnsafeMutablePointer<Int>?, exchange: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> MHD_Result {
  guard let cls, let connection, let url, let method, let uploadSize, let exchange else {
    return .NO
  }
  return Unmanaged<Dispatcher>.fromOpaque(cls).takeUnretainedValue().access(
    Connection(handle: connection), exchange: exchange, url: url, method: method, upload: upload,
    uploadSize: uploadSize)
}

/// libmicrohttpd's request-completed callback (`MHD_RequestCompletedCallback`).
private func requestCompleted(
  cls: UnsafeMutableRawPointer?, connection: OpaquePointer?,
  exchange: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, reason: MHD_RequestTerminationCode
) {
  guard let cls, let exchange else { return }
  Unmanaged<Dispatcher>.fromOpaque(cls).takeUnretainedValue().complete(exchange)
}
