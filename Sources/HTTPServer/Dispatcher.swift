internal import CMicroHTTPD
import Synchronization

/// What one running daemon's callbacks share: the handler, the log, the limits, the requests and
/// body bytes in flight and the whole-request deadlines. libmicrohttpd holds it, unretained, as
/// the callbacks' `cls`; the server keeps it alive until the daemon has stopped.
final class Dispatcher: Sendable {
  let configuration: HTTPServer.Configuration
  let handler: @Sendable (HTTPRequest) -> HTTPResponse
  let admit: (@Sendable (HTTPRequest) -> HTTPResponse?)?
  let log: (@Sendable (AccessLogEntry) -> Void)?
  /// Requests whose header has arrived and that have not completed yet.
  let inFlight = Atomic<Int>(0)
  /// Body bytes the requests in flight have been granted (their `Content-Length`, or what a
  /// chunked body has sent so far), against ``HTTPServer/Configuration/maxBodyBytesInFlight``.
  let bodyBytes = Atomic<Int>(0)
  /// Set when the server starts stopping: answers then close their connection.
  let stopping = Atomic<Bool>(false)
  let deadlines: RequestDeadlines
  /// The files bodies are streamed to.
  let spools: SpoolPool

  init(
    configuration: HTTPServer.Configuration,
    admit: (@Sendable (HTTPRequest) -> HTTPResponse?)?,
    handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse,
    log: (@Sendable (AccessLogEntry) -> Void)?
  ) {
    self.configuration = configuration
    self.admit = admit
    self.handler = handler
    self.log = log
    deadlines = RequestDeadlines(seconds: configuration.requestDeadlineSeconds)
    spools = SpoolPool(folder: configuration.bodyFolder)
  }

  /// Starts a daemon serving `socket` (which it takes over) through this dispatcher: a thread
  /// per connection, so a handler that waits (for a check's turn) holds up only its own client,
  /// without error output to stderr. `MHD_USE_ITC` lets `MHD_quiesce_daemon` wake the daemon.
  func startDaemon(on socket: ListenSocket) -> OpaquePointer? {
    cmhd_start_daemon(
      MHD_USE_THREAD_PER_CONNECTION.rawValue | MHD_USE_AUTO_INTERNAL_THREAD.rawValue
        | MHD_USE_ITC.rawValue, socket.descriptor,
      UInt32(clamping: configuration.connectionTimeoutSeconds),
      UInt32(clamping: configuration.connectionLimit),
      UInt32(clamping: configuration.maxConnectionsPerIP), accessHandler, requestCompleted,
      connectionNotified, Unmanaged.passUnretained(self).toOpaque())
  }

  /// The access handler's work for one call: the first (the header has arrived, no body byte
  /// read yet) opens the request's ``Exchange`` or refuses the request at once, the next ones
  /// add a piece of the body each to its file, and the last (the request is complete) runs the
  /// handler and queues its answer.
  fileprivate func access(
    _ connection: Connection, exchange stored: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
    url: UnsafePointer<CChar>, method: UnsafePointer<CChar>, upload: UnsafePointer<CChar>?,
    uploadSize: UnsafeMutablePointer<Int>
  ) -> MHD_Result {
    guard let opened = stored.pointee else {
      let exchange = Exchange(method: String(cString: method), path: String(cString: url))
      stored.pointee = Unmanaged.passRetained(exchange).toOpaque()
      inFlight.add(1, ordering: .relaxed)
      guard let refusal = refusal(of: exchange, on: connection) else { return .YES }
      // Answered before any of the body is read: libmicrohttpd then reads none of it and
      // closes the connection after the answer.
      deadlines.handling(connection.handle)
      var closing = refusal
      closing.headers.append(("Connection", "close"))
      return answer(closing, for: exchange, on: connection)
    }
    let exchange = Unmanaged<Exchange>.fromOpaque(opened).takeUnretainedValue()
    if uploadSize.pointee > 0 {
      let piece = UnsafeRawBufferPointer(start: upload, count: uploadSize.pointee)
      uploadSize.pointee = 0
      return receive(piece, for: exchange, on: connection)
    }
    deadlines.handling(connection.handle)
    let request = makeRequest(exchange, on: connection, body: exchange.spool?.body ?? .empty)
    return answer(handler(request), for: exchange, on: connection)
  }

  /// What the request's header alone is refused with, if anything: ambiguous framing, a declared
  /// body over the limit, the admission check's answer, or no room left in the budget of bodies
  /// in flight.
  private func refusal(of exchange: Exchange, on connection: Connection) -> HTTPResponse? {
    let lengths = connection.count(of: "content-length")
    let encoding = MHD_lookup_connection_value(connection.handle, .HEADER_KIND, "Transfer-Encoding")
      .map { String(cString: $0).lowercased() }
    // Two framings (or two lengths) read differently by a proxy and by the server are the
    // ground of request smuggling: refused, and the connection closed.
    if lengths > 1 || (lengths == 1 && encoding != nil)
      || (encoding.map { $0 != "chunked" } ?? false)
    {
      return .text(400, "ambiguous request framing (Content-Length, Transfer-Encoding)\n")
    }
    let length = connection.contentLength
    if let length, length > configuration.maxBodyBytes { return tooLarge }
    if let admit, let answer = admit(makeRequest(exchange, on: connection, body: .empty)) {
      return answer
    }
    if let length, length > 0 {
      guard reserve(Int(length), for: exchange) else { return busy }
    }
    return nil
  }

  /// Appends a piece of the body to the request's file; refuses the upload when it grows past
  /// the limit or the budget, or when the file cannot take it.
  private func receive(
    _ piece: UnsafeRawBufferPointer, for exchange: Exchange, on connection: Connection
  ) -> MHD_Result {
    let received = (exchange.spool?.count ?? 0) + piece.count
    guard received <= configuration.maxBodyBytes else {
      return refuseUpload(tooLarge, exchange, on: connection)
    }
    if received > exchange.reserved {
      guard reserve(received - exchange.reserved, for: exchange) else {
        return refuseUpload(busy, exchange, on: connection)
      }
    }
    if exchange.spool == nil { exchange.spool = BodySpool(from: spools) }
    guard let spool = exchange.spool, spool.append(piece) else {
      return refuseUpload(
        .text(503, "the server cannot store the request body now\n"), exchange, on: connection)
    }
    return .YES
  }

  /// Grants `bytes` more to the exchange's body; false (nothing granted) past the budget.
  private func reserve(_ bytes: Int, for exchange: Exchange) -> Bool {
    let total = bodyBytes.add(bytes, ordering: .relaxed).newValue
    guard total <= configuration.maxBodyBytesInFlight else {
      bodyBytes.subtract(bytes, ordering: .relaxed)
      return false
    }
    exchange.reserved += bytes
    return true
  }

  private func makeRequest(_ exchange: Exchange, on connection: Connection, body: RequestBody)
    -> HTTPRequest
  {
    HTTPRequest(
      method: exchange.method, path: exchange.path,
      query: Dictionary(connection.values(.GET_ARGUMENT_KIND)) { first, _ in first },
      headers: Dictionary(connection.values(.HEADER_KIND).map { ($0.lowercased(), $1) }) {
        "\($0), \($1)"
      },
      body: body, remoteAddress: connection.remoteAddress)
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

  /// A body being received is refused (over the limit, over the budget). libmicrohttpd accepts no
  /// response while a body is arriving (`MHD_queue_response` refuses, up to 1.0), and reading
  /// the rest to answer afterwards would let the client send without end; so the answer is
  /// written to the socket directly, and returning `MHD_NO` has libmicrohttpd close the
  /// connection.
  private func refuseUpload(
    _ response: HTTPResponse, _ exchange: Exchange, on connection: Connection
  ) -> MHD_Result {
    connection.sendDirectly(response.closingMessage)
    exchange.spool?.remove()
    exchange.answered(response)
    return .NO
  }

  private var tooLarge: HTTPResponse {
    .text(413, "the request body is larger than \(configuration.maxBodyBytes) bytes\n")
  }

  /// 503 with `Retry-After`: the bodies in flight already fill the budget.
  private var busy: HTTPResponse {
    var response = HTTPResponse.text(503, "too many uploads in progress; retry later\n")
    response.headers.append(("Retry-After", "\(max(1, configuration.retryAfterSeconds))"))
    return response
  }

  /// The request is over (answered, or its connection failed): logs it, removes its body's
  /// file, gives its bytes back to the budget and releases its ``Exchange``.
  fileprivate func complete(
    _ stored: UnsafeMutablePointer<UnsafeMutableRawPointer?>, connection: OpaquePointer?
  ) {
    guard let opened = stored.pointee else { return }
    stored.pointee = nil
    let exchange = Unmanaged<Exchange>.fromOpaque(opened).takeRetainedValue()
    exchange.spool?.remove()
    bodyBytes.subtract(exchange.reserved, ordering: .relaxed)
    if let connection { deadlines.answered(connection) }
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
  /// The body received so far, in its file (nil until the first byte).
  var spool: BodySpool?
  /// Body bytes granted from the budget of bodies in flight.
  var reserved = 0
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
  Unmanaged<Dispatcher>.fromOpaque(cls).takeUnretainedValue().complete(
    exchange, connection: connection)
}

/// libmicrohttpd's connection callback (`MHD_NotifyConnectionCallback`): a connection opened or
/// closed (the latter before its socket is closed).
private func connectionNotified(
  cls: UnsafeMutableRawPointer?, connection: OpaquePointer?,
  context: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, code: MHD_ConnectionNotificationCode
) {
  guard let cls, let connection else { return }
  let deadlines = Unmanaged<Dispatcher>.fromOpaque(cls).takeUnretainedValue().deadlines
  if code.rawValue == 0 {  // MHD_CONNECTION_NOTIFY_STARTED
    if let socket = Connection(handle: connection).socket {
      deadlines.opened(connection, socket: socket)
    }
  } else {
    deadlines.closed(connection)
  }
}
