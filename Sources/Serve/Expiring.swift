import Foundation
import Synchronization

/// Values kept under unguessable ids for a limited time, then forgotten: the page's sign-in
/// sessions (self-checks' annotated copies are in a ``CopyCache``).
/// Expired entries are dropped whenever the table is touched; beyond `capacity` the oldest go
/// first, so memory stays bounded however many requests come.
final class ExpiringTable<Value: Sendable>: Sendable {
  private struct Entry {
    var value: Value
    var expires: Date
  }

  private let entries = Mutex<[String: Entry]>([:])
  private let lifetime: TimeInterval
  private let capacity: Int
  private let now: @Sendable () -> Date

  init(lifetimeSeconds: Int, capacity: Int, now: @escaping @Sendable () -> Date) {
    lifetime = TimeInterval(lifetimeSeconds)
    self.capacity = capacity
    self.now = now
  }

  /// Keeps `value` and returns its new id.
  func insert(_ value: Value) -> String {
    let id = unguessableID()
    let time = now()
    entries.withLock { entries in
      entries = entries.filter { $0.value.expires > time }
      while entries.count >= capacity,
        let oldest = entries.min(by: { $0.value.expires < $1.value.expires })
      {
        entries[oldest.key] = nil
      }
      entries[id] = Entry(value: value, expires: time + lifetime)
    }
    return id
  }

  /// The value under `id` while it has not expired.
  func value(_ id: String) -> Value? {
    let time = now()
    return entries.withLock { entries in
      guard let entry = entries[id] else { return nil }
      guard entry.expires > time else {
        entries[id] = nil
        return nil
      }
      return entry.value
    }
  }

  func remove(_ id: String) { _ = entries.withLock { $0.removeValue(forKey: id) } }

  /// How many entries are held (expired ones included until the next touch).
  var count: Int { entries.withLock { $0.count } }
}
