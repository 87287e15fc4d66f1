internal import CMicroHTTPD
import Glibc
import Synchronization

/// A small HTTP/1.1 server over libmicrohttpd: each complete request goes to one handler, on
/// its connection's own thread, and its answer is sent whole.
///
/// Bodies are streamed to a private file (``RequestBody``) as they arrive, up to
/// ``Configuration/maxBodyBytes``; a larger one is answered 413 as soon as that is known (from its
/// `Content-Length`, or as a chunked upload crosses the limit) without the handler being called.
/// Before any body byte is read, the `admit` check sees the request's head and may answer it
/// (a missing token), and the bodies in flight together stay under
/// ``Configuration/maxBodyBytesInFlight`` (503 beyond). Clients that stall are dropped after
/// ``Configuration/connectionTimeoutSeconds``, requests that take longer than
/// ``Configuration/requestDeadlineSeconds`` to arrive get 408 and are closed, and one IP address
/// holds at most ``Configuration/maxConnectionsPerIP`` connections. ``stop()`` lets requests in
/// flight finish.
///
///     let server = HTTPServer(configuration: .init(port: 8080)) { request in
///       .text(200, "hello \(request.path)\n")
///     }
///     try server.start()
public final class HTTPServer: Sendable {
  /// Where the server listens and how much it accepts.
  public struct Configuration: Sendable {
    /// The IPv4 address to listen on: loopback by default; `0.0.0.0` for every interface.
    public var host: String
    /// The TCP port; 0 lets the system pick a free one (read it back from ``HTTPServer/port``).
    public var port: UInt16
    /// The largest request body accepted, in bytes; a larger one is answered 413 unread.
    public var maxBodyBytes: Int
    /// A connection on which nothing arrives or leaves for this long is closed (0: never), so a
    /// client that stops in the middle of a request does not hold it forever.
    public var connectionTimeoutSeconds: Int
    /// A request whose header and body have not all arrived this long after the connection
    /// opened (or after the previous answer on it) gets 408 and its connection is closed (0:
    /// no deadline): a client trickling bytes never trips the idle timeout, but trips this.
    public var requestDeadlineSeconds: Int
    /// Connections open at once; further ones are closed as soon as they are accepted.
    public var connectionLimit: Int
    /// Connections open at once from one IP address (0: no limit beyond ``connectionLimit``).
    public var maxConnectionsPerIP: Int
    /// Body bytes of all requests in flight together (their `Content-Length`, or what a chunked
    /// body has sent); a body that would go past it is answered 503 with `Retry-After`.
    public var maxBodyBytesInFlight: Int
    /// The folder bodies are streamed to (files 0600, emptied when their request is over, kept
    /// for the next bodies while the server runs and deleted when it stops).
    public var bodyFolder: String
    /// The `Retry-After` of the server's own 503 answers.
    public var retryAfterSeconds: Int
    /// How long ``HTTPServer/stop()`` waits for requests in flight before closing their
    /// connections.
    public var stopGraceSeconds: Int

    public init(
      host: String = "127.0.0.1", port: UInt16 = 0, maxBodyBytes: Int = 16 << 20,
      connectionTimeoutSeconds: Int = 30, requestDeadlineSeconds: Int = 0,
      connectionLimit: Int = 1024, maxConnectionsPerIP: Int = 0,
      maxBodyBytesInFlight: Int = 256 << 20, bodyFolder: String = "/tmp",
      retryAfterSeconds: Int = 5, stopGraceSeconds: Int = 30
    ) {
      self.host = host
      self.port = port
      self.maxBodyBytes = maxBodyBytes
      self.connectionTimeoutSeconds = connectionTimeoutSeconds
      self.requestDeadlineSeconds = requestDeadlineSeconds
      self.connectionLimit = connectionLimit
      self.maxConnectionsPerIP = maxConnectionsPerIP
      self.maxBodyBytesInFlight = maxBodyBytesInFlight
      self.bodyFolder = bodyFolder
      self.retryAfterSeconds = retryAfterSeconds
      self.stopGraceSeconds = stopGraceSeconds
    }
  }

  /// A started daemon, and what its callbacks share.
  private struct Running {
    let daemon: OpaquePointer
    let dispatcher: Dispatcher
    let port: UInt16
  }

  public let configuration: Configuration
  private let handler: @Sendable (HTTPRequest) -> HTTPResponse
  private let admit: (@Sendable (HTTPRequest) -> HTTPResponse?)?
  private let log: (@Sendable (AccessLogEntry) -> Void)?
  private let running = Mutex<Running?>(nil)

  /// A server that answers every request with `handler` and, when `log` is given, reports each
  /// answered request to it (from the server's threads, once the answer has been sent). `admit`,
  /// when given, is called with each request's head (its body empty) before any of the body is
  /// read; an answer it returns is sent at once and the body is never read.
  public init(
    configuration: Configuration = Configuration(),
    log: (@Sendable (AccessLogEntry) -> Void)? = nil,
    admit: (@Sendable (HTTPRequest) -> HTTPResponse?)? = nil,
    handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse
  ) {
    self.configuration = configuration
    self.log = log
    self.admit = admit
    self.handler = handler
  }

  deinit { stop() }

  /// Binds the address and starts serving; returns at once. Throws when the address cannot be
  /// listened on (``HTTPServerError/addressInUse(host:port:)`` when the port is taken) or when
  /// the server is already running. A stopped server can be started again.
  public func start() throws(HTTPServerError) {
    try running.withLock { running throws(HTTPServerError) in
      guard running == nil else { throw .alreadyRunning }
      let socket = try ListenSocket(host: configuration.host, port: configuration.port)
      let dispatcher = Dispatcher(
        configuration: configuration, admit: admit, handler: handler, log: log)
      // On failure libmicrohttpd has usually closed the socket it was given, and not always:
      // leaking it in that rare case beats closing a descriptor number that may be reused.
      guard let daemon = dispatcher.startDaemon(on: socket) else { throw .startFailed }
      running = Running(daemon: daemon, dispatcher: dispatcher, port: socket.port)
    }
  }

  /// The port the server listens on (the one picked, when 0 was asked); 0 when not running.
  public var port: UInt16 { running.withLock { $0?.port ?? 0 } }

  /// Stops gracefully: stops accepting connections at once, lets the requests in flight finish
  /// (their answers close their connections) for up to ``Configuration/stopGraceSeconds``, then
  /// closes every connection and returns. Does nothing when the server is not running. Must not
  /// be called from the handler (it would wait for itself).
  public func stop() {
    guard let stopped = running.withLock({ $0.take() }) else { return }
    stopped.dispatcher.stopping.store(true, ordering: .relaxed)
    let listener = MHD_quiesce_daemon(stopped.daemon)
    if listener != MHD_INVALID_SOCKET { close(listener) }
    let deadline = ContinuousClock.now + .seconds(configuration.stopGraceSeconds)
    while stopped.dispatcher.inFlight.load(ordering: .acquiring) > 0, .now < deadline {
      usleep(5_000)
    }
    stopped.dispatcher.deadlines.stop()
    MHD_stop_daemon(stopped.daemon)
    stopped.dispatcher.spools.drain()
  }

  /// Connections closed so far for being past ``Configuration/requestDeadlineSeconds``.
  public var requestsCutByDeadline: Int {
    running.withLock { $0?.dispatcher.deadlines.cut.load(ordering: .relaxed) ?? 0 }
  }
}
