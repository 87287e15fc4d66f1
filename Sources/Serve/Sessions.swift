import Foundation
import Synchronization

/// The page's signed-in browsers: session id (the `sid` cookie) → its college, the token hash it
/// signed in with, and its own CSRF token (the hidden field of every form it is shown). A session
/// ends when it expires, when the browser signs out, when the college's token is replaced or
/// removed (``endReplaced(_:)``), or when the college signs in more than `perCollege` browsers: then
/// that college's oldest session goes, never another college's.
final class SessionTable: Sendable {
  struct Session: Sendable {
    var college: String
    /// `serve.tokens[college]` when it signed in: a replaced token ends the session.
    var tokenHash: String
    var csrf: String
    /// Sign-in order (times can tie): the lowest of a college goes first.
    var serial: UInt64
    var expires: Date
  }

  private let sessions = Mutex<(table: [String: Session], next: UInt64)>(([:], 0))
  private let lifetime: TimeInterval
  private let perCollege: Int
  private let now: @Sendable () -> Date

  init(lifetimeSeconds: Int, perCollege: Int, now: @escaping @Sendable () -> Date) {
    lifetime = TimeInterval(lifetimeSeconds)
    self.perCollege = max(1, perCollege)
    self.now = now
  }

  /// Signs `college` in; returns the new session's id and CSRF token.
  func insert(college: String, tokenHash: String) -> (id: String, csrf: String) {
    let id = unguessableID()
    let csrf = unguessableID()
    let time = now()
    sessions.withLock { state in
      state.table = state.table.filter { $0.value.expires > time }
      let own = state.table.filter { $0.value.college == college }
        .sorted { $0.value.serial < $1.value.serial }
      for (old, _) in own.prefix(max(0, own.count - perCollege + 1)) { state.table[old] = nil }
      state.next += 1
      state.table[id] = Session(
        college: college, tokenHash: tokenHash, csrf: csrf, serial: state.next,
        expires: time + lifetime)
    }
    return (id, csrf)
  }

  /// The session under `id` while it has not expired.
  func session(_ id: String) -> Session? {
    let time = now()
    return sessions.withLock { state in
      guard let session = state.table[id] else { return nil }
      guard session.expires > time else {
        state.table[id] = nil
        return nil
      }
      return session
    }
  }

  func remove(_ id: String) { _ = sessions.withLock { $0.table.removeValue(forKey: id) } }

  /// Ends every session whose token is no longer its college's (`tokens` as just loaded).
  func endReplaced(_ tokens: [String: String]) {
    sessions.withLock { state in
      state.table = state.table.filter { tokens[$0.value.college] == $0.value.tokenHash }
    }
  }

  /// How many sessions `college` holds (expired ones included until the next sign-in).
  func count(of college: String) -> Int {
    sessions.withLock { $0.table.values.filter { $0.college == college }.count }
  }

  var count: Int { sessions.withLock { $0.table.count } }
}
