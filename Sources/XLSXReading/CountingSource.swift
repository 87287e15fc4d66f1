import Basics
internal import CZip

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The workbook's bytes (a file or an upload) as the libzip source the archive reads from,
/// counting every byte libzip takes. The count is what makes the compression-ratio limit honest:
/// a part's declared compressed size says nothing about how far into it the inflater is, so a
/// 3 GiB bomb of 3 MiB would otherwise run to 600 MB before 200:1 showed; with the bytes really
/// consumed it shows within the first ten megabytes inflated.
final class CountingSource {
  private enum Storage {
    case file(Int32)
    case memory([UInt8])
  }

  private let storage: Storage
  /// The workbook's size in bytes.
  let length: Int
  private var position = 0
  private var error = zip_error_t()
  /// Bytes libzip has read so far.
  private(set) var delivered = 0

  /// A source over the open file `fd` of `length` bytes; the source closes it.
  init(fileDescriptor fd: Int32, length: Int) {
    storage = .file(fd)
    self.length = length
    zip_error_init(&error)
  }

  /// A source over bytes in memory.
  init(bytes: [UInt8]) {
    storage = .memory(bytes)
    length = bytes.count
    zip_error_init(&error)
  }

  deinit {
    if case .file(let fd) = storage { close(fd) }
    zip_error_fini(&error)
  }

  /// The first bytes, at most `count`.
  func prefix(_ count: Int) -> [UInt8] {
    bytes(at: 0, count: count)
  }

  /// Up to `count` bytes from `offset`, read past libzip and not counted in ``delivered``: for
  /// checking the package's records against each other. Fewer at the end of the file, none on a
  /// read error.
  func bytes(at offset: Int, count: Int) -> [UInt8] {
    guard offset >= 0, offset < length, count > 0 else { return [] }
    var out = [UInt8](repeating: 0, count: min(count, length - offset))
    let n = out.withUnsafeMutableBytes { copy(into: $0.baseAddress!, count: $0.count, at: offset) }
    return n == out.count ? out : Array(out.prefix(max(n, 0)))
  }

  /// A libzip source reading through this object, which it keeps alive until libzip frees it.
  func makeSource() throws(XLSXError) -> OpaquePointer {
    let retained = Unmanaged.passRetained(self)
    var error = zip_error_t()
    zip_error_init(&error)
    defer { zip_error_fini(&error) }
    guard let source = zip_source_function_create(Self.callback, retained.toOpaque(), &error) else {
      retained.release()
      throw XLSXError(.io, String(cString: zip_error_strerror(&error)))
    }
    return source
  }

  private static let callback: zip_source_callback = { userdata, data, length, command in
    let me = Unmanaged<CountingSource>.fromOpaque(userdata!)
    if command == ZIP_SOURCE_FREE {
      me.release()
      return 0
    }
    return me.takeUnretainedValue().handle(data, length, command)
  }

  /// The commands a read-only, seekable source answers (libzip's ZIP_SOURCE_SUPPORTS_SEEKABLE).
  private static let supported: zip_int64_t = [
    ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR,
    ZIP_SOURCE_FREE, ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL, ZIP_SOURCE_SUPPORTS,
  ].reduce(0) { $0 | (1 << zip_int64_t($1.rawValue)) }

  private func handle(
    _ data: UnsafeMutableRawPointer?, _ count: zip_uint64_t, _ command: zip_source_cmd_t
  ) -> zip_int64_t {
    switch command {
    case ZIP_SOURCE_OPEN, ZIP_SOURCE_CLOSE:
      return 0
    case ZIP_SOURCE_READ:
      let want = Int(min(count, zip_uint64_t(max(length - position, 0))))
      guard want > 0, let data else { return 0 }
      let n = copy(into: data, count: want, at: position)
      guard n >= 0 else {
        zip_error_set(&error, ZIP_ER_READ, errno)
        return -1
      }
      position += n
      delivered += n
      return zip_int64_t(n)
    case ZIP_SOURCE_SEEK:
      let offset = zip_source_seek_compute_offset(
        zip_uint64_t(position), zip_uint64_t(length), data, count, &error)
      guard offset >= 0 else { return -1 }
      position = Int(offset)
      return 0
    case ZIP_SOURCE_TELL:
      return zip_int64_t(position)
    case ZIP_SOURCE_STAT:
      guard let stat = data?.assumingMemoryBound(to: zip_stat_t.self) else { return -1 }
      zip_stat_init(stat)
      stat.pointee.size = zip_uint64_t(length)
      stat.pointee.valid |= zip_uint64_t(ZIP_STAT_SIZE)
      return zip_int64_t(MemoryLayout<zip_stat_t>.size)
    case ZIP_SOURCE_ERROR:
      return zip_error_to_data(&error, data, count)
    case ZIP_SOURCE_SUPPORTS:
      return Self.supported
    default:
      zip_error_set(&error, ZIP_ER_OPNOTSUPP, 0)
      return -1
    }
  }

  /// Copies `count` bytes from `offset`; the number copied, or -1 on a read error.
  private func copy(into destination: UnsafeMutableRawPointer, count: Int, at offset: Int) -> Int {
    switch storage {
    case .file(let fd):
      var done = 0
      while done < count {
        let n = Errno.retrying { pread(fd, destination + done, count - done, off_t(offset + done)) }
        guard n > 0 else { return n < 0 ? -1 : done }
        done += n
      }
      return done
    case .memory(let bytes):
      bytes.withUnsafeBytes {
        destination.copyMemory(from: $0.baseAddress! + offset, byteCount: count)
      }
      return count
    }
  }
}
