import Glibc

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
        let n = pread(fd, base + done, wanted - done, off_t(offset + position + done))
        if n < 0, errno == EINTR { continue }
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

/// The body of a request arriving: a file created 0600 in the server's body folder, appended to
/// as the pieces come; removed when the request is over.
final class BodySpool {
  let path: String
  private var fd: Int32
  private(set) var count = 0

  /// A new, empty file in `folder`; nil when it cannot be created.
  init?(folder: String) {
    let name =
      "body-"
      + (0..<2).map { _ in String(UInt64.random(in: .min ... .max), radix: 16) }
      .joined(separator: "-")
    path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
    fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return nil }
  }

  deinit { remove() }

  /// Appends `bytes`; false when the file cannot take them (the disk is full).
  func append(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var done = 0
    while done < bytes.count {
      let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
      if n < 0, errno == EINTR { continue }
      guard n > 0 else { return false }
      done += n
    }
    count += bytes.count
    return true
  }

  /// The body so far, for the handler.
  var body: RequestBody { RequestBody(file: path, count: count) }

  /// Closes and deletes the file (safe to call twice).
  func remove() {
    guard fd >= 0 else { return }
    close(fd)
    fd = -1
    unlink(path)
  }
}
