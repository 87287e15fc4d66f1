import Basics
import Glibc
import Synchronization

/// A request's body, or a run of bytes inside one: on disk when it came off the wire (the server
/// streams every body to a private file as it arrives, never holding it whole in memory), in
/// memory when a caller built the request itself (a test). The file exists until the request is
/// over: read it while handling the request, never keep the path.
public struct RequestBody: Sendable, Equatable {
  private enum Storage: Sendable, Equatable {
    case bytes([UInt8])
    case file(String)
  }

  private let storage: Storage
  /// Where these bytes start in the file (or the array).
  private let offset: Int
  /// The number of bytes.
  public let count: Int

  /// No body.
  public static let empty = RequestBody([])

  /// Bytes held in memory.
  public init(_ bytes: [UInt8]) {
    storage = .bytes(bytes)
    offset = 0
    count = bytes.count
  }

  /// `count` bytes of the file at `path`, from `offset`.
  init(file path: String, offset: Int = 0, count: Int) {
    storage = .file(path)
    self.offset = offset
    self.count = count
  }

  public var isEmpty: Bool { count == 0 }

  /// The bytes from `start` (relative to this body), at most `length` of them.
  public func slice(from start: Int, length: Int) -> RequestBody {
    let start = min(max(0, start), count)
    let length = min(max(0, length), count - start)
    switch storage {
    case .bytes: return RequestBody(storage: storage, offset: offset + start, count: length)
    case .file(let path): return RequestBody(file: path, offset: offset + start, count: length)
    }
  }

  private init(storage: Storage, offset: Int, count: Int) {
    self.storage = storage
    self.offset = offset
    self.count = count
  }

  /// Reads up to `buffer.count` bytes from `position` (relative to this body) into `buffer`;
  /// returns how many were read (0 at the end).
  public func read(at position: Int, into buffer: UnsafeMutableRawBufferPointer) throws(BodyError)
    -> Int
  {
    let wanted = min(buffer.count, count - position)
    guard wanted > 0, let base = buffer.baseAddress else { return 0 }
    switch storage {
    case .bytes(let bytes):
      bytes.withUnsafeBytes {
        base.copyMemory(from: $0.baseAddress! + offset + position, byteCount: wanted)
      }
      return wanted
    case .file(let path):
      let fd = open(path, O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else { throw BodyError(operation: "open", code: errno) }
      defer { close(fd) }
      var done = 0
      while done < wanted {
        let n = Errno.retrying {
          pread(fd, base + done, wanted - done, off_t(offset + position + done))
        }
        guard n > 0 else {
          if n == 0 { break }
          throw BodyError(operation: "read", code: errno)
        }
        done += n
      }
      return done
    }
  }

  /// The whole of these bytes in memory: for bodies known to be small (a form's fields), or
  /// once a check has its turn.
  public func readAll() throws(BodyError) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    let failure: BodyError? = bytes.withUnsafeMutableBytes { buffer in
      var done = 0
      while done < count {
        do throws(BodyError) {
          let n = try read(at: done, into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
          guard n > 0 else { return BodyError(operation: "read (the file is shorter)", code: 0) }
          done += n
        } catch {
          return error
        }
      }
      return nil
    }
    if let failure { throw failure }
    return bytes
  }
}

/// Why a body could not be read back.
public struct BodyError: Error, Sendable, CustomStringConvertible {
  public let operation: String
  public let code: Int32
  public var description: String {
    "request body: \(operation) failed" + (code == 0 ? "" : ": \(String(cString: strerror(code)))")
  }
}

/// The body of a request arriving: a file (0600) in the server's body folder, written as the
/// pieces come; given back to its ``SpoolPool`` when the request is over.
final class BodySpool {
  let path: String
  private var fd: Int32
  private let pool: SpoolPool
  private(set) var count = 0

  /// An empty file from `pool`; nil when none can be created.
  init?(from pool: SpoolPool) {
    guard let (fd, path) = pool.take() else { return nil }
    self.fd = fd
    self.path = path
    self.pool = pool
  }

  deinit { remove() }

  /// Appends `bytes`; false when the file cannot take them (the disk is full).
  func append(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var done = 0
    while done < bytes.count {
      let n = Errno.retrying {
        pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(count + done))
      }
      guard n > 0 else { return false }
      done += n
    }
    count += bytes.count
    return true
  }

  /// The body so far, for the handler.
  var body: RequestBody { RequestBody(file: path, count: count) }

  /// Gives the file back, emptied (safe to call twice).
  func remove() {
    guard fd >= 0 else { return }
    pool.give(fd, path)
    fd = -1
  }
}

/// Body files, reused: creating and deleting a file for every request costs the file system more
/// than the request's own reading and writing (an inode allocated and freed each time, the folder
/// locked by every request at once). A file given back is emptied and kept for the next body, up
/// to `keep` of them; the others are deleted. Every file is 0600 in `folder`.
final class SpoolPool: Sendable {
  private let folder: String
  private let keep: Int
  private let idle = Mutex<[(fd: Int32, path: String)]>([])

  init(folder: String, keep: Int = 64) {
    self.folder = folder.hasSuffix("/") ? folder : folder + "/"
    self.keep = keep
  }

  deinit { drain() }

  /// An empty file: a kept one, else a new one; nil when it cannot be created.
  func take() -> (Int32, String)? {
    if let kept = idle.withLock({ $0.popLast() }) { return kept }
    let name =
      "body-"
      + (0..<2).map { _ in String(UInt64.random(in: .min ... .max), radix: 16) }
      .joined(separator: "-")
    let fd = open(folder + name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0o600)
    return fd >= 0 ? (fd, folder + name) : nil
  }

  /// Takes a file back: emptied and kept, or deleted when enough are kept (or it cannot be
  /// emptied).
  func give(_ fd: Int32, _ path: String) {
    let kept =
      ftruncate(fd, 0) == 0
      && idle.withLock { idle in
        guard idle.count < keep else { return false }
        idle.append((fd, path))
        return true
      }
    if !kept {
      close(fd)
      unlink(path)
    }
  }

  /// Deletes the kept files (the server has stopped).
  func drain() {
    let files: [(fd: Int32, path: String)] = idle.withLock { idle in
      let all = idle
      idle = []
      return all
    }
    for file in files {
      close(file.fd)
      unlink(file.path)
    }
  }
}
