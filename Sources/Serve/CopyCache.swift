import Basics
import Foundation
import Synchronization

/// A file in the server's scratch folder that is deleted when the last reference to it goes: an
/// annotated copy from the moment it is written until it is evicted or moved into a receipt.
final class ScratchFile: Sendable {
  let path: String

  init(path: String) { self.path = path }

  deinit { unlink(path) }

  /// Its size in bytes (0 when it is gone).
  var size: Int {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : 0
  }

  /// Its bytes; nil when it is gone.
  func read() -> [UInt8]? { FileManager.default.contents(atPath: path).map { [UInt8]($0) } }

  /// Moves the file to `destination` (same file system), replacing what is there.
  /// Moves the file to `destination`, readable by the server's user alone (0600, whatever the
  /// umask it was written under).
  func move(to destination: String) throws {
    do {
      try AtomicFile.commit(path, to: destination, permissions: 0o600)
    } catch {
      throw ServeError.io(error.description)
    }
  }
}

/// A self-check's annotated copy, ready to download: its file on disk.
struct AnnotatedCopy: Sendable {
  var fileName: String
  /// The copy's file (the name `bytes` is the one the page's routes use).
  var bytes: ScratchFile
}

/// Self-checks' annotated copies, on disk under unguessable ids for a limited time, in bounded
/// room: at most `maxCopies` files and `maxBytes` bytes in all, and each client (an IP address
/// when anonymous, a college when signed in: ``ServeApp/context``) at most `perClient` of the
/// copies and the same share of the bytes. A client at its share replaces its own oldest copy;
/// when the whole cache is full, the oldest copy of the anonymous client holding the most goes
/// (a college's only when no anonymous copy is left). So one client checking without end only
/// ever evicts its own copies, and anonymous checks never evict a signed-in college's.
final class CopyCache: Sendable {
  private struct Entry {
    var copy: AnnotatedCopy
    var client: String
    var size: Int
    var expires: Date
  }

  private let entries = Mutex<[String: Entry]>([:])
  private let lifetime: TimeInterval
  private let maxCopies: Int
  private let maxBytes: Int
  private let perClient: Int
  private let now: @Sendable () -> Date

  init(
    lifetimeSeconds: Int, maxCopies: Int, maxBytes: Int, perClient: Int,
    now: @escaping @Sendable () -> Date
  ) {
    lifetime = TimeInterval(lifetimeSeconds)
    self.maxCopies = max(1, maxCopies)
    self.maxBytes = max(1, maxBytes)
    self.perClient = min(max(1, perClient), self.maxCopies)
    self.now = now
  }

  /// The bytes one client's copies may take together.
  var bytesPerClient: Int { Int((Double(maxBytes) * Double(perClient) / Double(maxCopies))) }

  /// Keeps `copy` for the serving request's client and returns its new id.
  func insert(_ copy: AnnotatedCopy) -> String {
    insert(copy, client: ServeApp.context.client)
  }

  func insert(_ copy: AnnotatedCopy, client: String) -> String {
    let id = unguessableID()
    let time = now()
    let size = copy.bytes.size
    // Evicted copies are released (their files deleted) after the lock is given back.
    var evicted: [Entry] = []
    entries.withLock { entries in
      for (key, entry) in entries where entry.expires <= time {
        evicted.append(entries.removeValue(forKey: key)!)
      }
      func evictOldest(of owner: String) {
        guard
          let oldest = entries.filter({ $0.value.client == owner })
            .min(by: { $0.value.expires < $1.value.expires })
        else { return }
        evicted.append(entries.removeValue(forKey: oldest.key)!)
      }
      func held(by owner: String) -> (count: Int, bytes: Int) {
        entries.values.reduce(into: (0, 0)) {
          if $1.client == owner { $0 = ($0.0 + 1, $0.1 + $1.size) }
        }
      }
      while true {
        let mine = held(by: client)
        guard mine.count > 0, mine.count >= perClient || mine.bytes + size > bytesPerClient
        else { break }
        evictOldest(of: client)
      }
      while !entries.isEmpty,
        entries.count >= maxCopies || entries.values.reduce(0, { $0 + $1.size }) + size > maxBytes
      {
        // Anonymous copies give way first, so checks without signing in never evict a
        // college's copy while there is an anonymous one to evict instead.
        let anonymous = entries.values.filter { !$0.client.hasPrefix("college:") }
        let holdings = Dictionary(
          grouping: anonymous.isEmpty ? Array(entries.values) : anonymous, by: \.client
        ).mapValues { $0.reduce(0) { $0 + $1.size } }
        guard let largest = holdings.max(by: { $0.value < $1.value })?.key else { break }
        evictOldest(of: largest)
      }
      entries[id] = Entry(copy: copy, client: client, size: size, expires: time + lifetime)
    }
    evicted.removeAll()
    return id
  }

  /// The copy under `id` while it has not expired.
  func value(_ id: String) -> AnnotatedCopy? {
    let time = now()
    let (found, expired) = entries.withLock { entries -> (AnnotatedCopy?, Entry?) in
      guard let entry = entries[id] else { return (nil, nil) }
      guard entry.expires > time else { return (nil, entries.removeValue(forKey: id)) }
      return (entry.copy, nil)
    }
    _ = expired
    return found
  }

  /// How many copies are held (expired ones included until the next insertion).
  var count: Int { entries.withLock { $0.count } }

  /// The bytes of the copies held.
  var bytes: Int { entries.withLock { $0.values.reduce(0) { $0 + $1.size } } }
}
