import Dispatch
import Glibc
import Synchronization

/// The whole-request deadline. libmicrohttpd's own timeout is per read (a client sending a header
/// line every few seconds never trips it) and it offers no deadline for a whole request, nor a
/// call to close one connection from outside. So every connection is watched from its opening
/// (and again from each answer, for the next request on it) until its request is complete; a
/// timer closes the ones past the deadline: a 408 written to the socket, then `shutdown`, which
/// wakes the connection's thread to find it closed. The descriptor stays valid meanwhile:
/// libmicrohttpd reports a connection closed (``closed(_:)``, under the same lock) before it
/// closes its socket.
final class RequestDeadlines: Sendable {
  private struct Watched {
    let socket: Int32
    /// When the request now arriving started; nil while it is handled or answered.
    var since: ContinuousClock.Instant?
  }

  private let watched = Mutex<[Int: Watched]>([:])
  private let deadline: Duration
  /// Thread-safe (Dispatch's sources are), though not marked `Sendable`.
  nonisolated(unsafe) private let timer: DispatchSourceTimer?
  /// Connections closed for being past the deadline.
  let cut = Atomic<Int>(0)

  /// Checks every quarter of `seconds` (at least every second); 0 watches nothing.
  init(seconds: Int) {
    deadline = .seconds(seconds)
    // A source that was never activated must not be released: none when there is no deadline.
    guard seconds > 0 else {
      timer = nil
      return
    }
    let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "request-deadlines"))
    self.timer = timer
    let period = DispatchTimeInterval.milliseconds(min(1000, max(50, seconds * 250)))
    timer.schedule(deadline: .now() + period, repeating: period)
    timer.setEventHandler { [weak self] in self?.sweep() }
    timer.activate()
  }

  deinit { timer?.cancel() }

  /// Stops the timer (the server is stopping).
  func stop() { timer?.cancel() }

  func opened(_ connection: OpaquePointer, socket: Int32) {
    watched.withLock { $0[key(connection)] = Watched(socket: socket, since: .now) }
  }

  /// The request is complete (or answered early): its deadline no longer runs.
  func handling(_ connection: OpaquePointer) {
    watched.withLock { $0[key(connection)]?.since = nil }
  }

  /// The request is over: the next one on the connection gets a deadline of its own.
  func answered(_ connection: OpaquePointer) {
    watched.withLock { $0[key(connection)]?.since = .now }
  }

  func closed(_ connection: OpaquePointer) {
    _ = watched.withLock { $0.removeValue(forKey: key(connection)) }
  }

  private func key(_ connection: OpaquePointer) -> Int { Int(bitPattern: connection) }

  private func sweep() {
    let now = ContinuousClock.now
    watched.withLock { watched in
      for (key, entry) in watched {
        guard let since = entry.since, since.duration(to: now) > deadline else { continue }
        send(Self.timeout, toSocket: entry.socket)
        shutdown(entry.socket, Int32(SHUT_RDWR))
        watched[key]?.since = nil
        cut.add(1, ordering: .relaxed)
      }
    }
  }

  private static let timeout = HTTPResponse.text(408, "the request took too long\n").closingMessage
}
