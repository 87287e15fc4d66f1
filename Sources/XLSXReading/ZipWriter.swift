import Basics
internal import CZip

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A package opened to be patched (SPEC §6): its entries in archive order, each one's parts
/// readable under the reader's limits, and each one copyable by ``ZipWriter`` as its compressed
/// bytes.
public final class ZipPackage {
  /// One entry of the archive, as its central directory lists it.
  public struct Entry: Sendable {
    /// The entry's name as stored (a part name, or a folder ending in `/`).
    public var name: String
    /// Its position in the archive.
    public var index: Int
    /// Its modification time (seconds since 1970), as libzip reads it.
    public var modified: Int
    public var compressedSize: Int
    public var crc: UInt32
    /// The compression method (0 stored, 8 deflated, …), kept by a raw copy.
    var method: Int32
  }

  /// Every entry, in archive order.
  public let entries: [Entry]
  /// Normalized part name (``ZipArchive/normalize(_:)``) → position in ``entries``.
  private let byPart: [String: Int]
  /// The same package as the reader opens it: parts read through it count against the limits.
  let archive: ZipArchive
  /// A second libzip handle over the same bytes, the source of the raw entry copies.
  fileprivate var handle: OpaquePointer?

  /// Opens the package held in `bytes`.
  public init(bytes: [UInt8], limits: ReaderLimits = ReaderLimits()) throws(XLSXError) {
    archive = try ZipArchive(bytes: bytes, limits: limits)
    // libzip frees the copy (`freep`) when the source goes, with the handle.
    let copy = malloc(max(bytes.count, 1))!
    bytes.withUnsafeBytes { if let base = $0.baseAddress { memcpy(copy, base, bytes.count) } }
    var error = zip_error_t()
    zip_error_init(&error)
    defer { zip_error_fini(&error) }
    guard let source = zip_source_buffer_create(copy, zip_uint64_t(bytes.count), 1, &error) else {
      free(copy)
      throw XLSXError(
        .io, "zip_source_buffer_create: \(String(cString: zip_error_strerror(&error)))")
    }
    guard let za = zip_open_from_source(source, ZIP_RDONLY, &error) else {
      zip_source_free(source)
      throw XLSXError(.corruptZip, "zip_open: \(String(cString: zip_error_strerror(&error)))")
    }
    handle = za
    var entries: [Entry] = []
    var byPart: [String: Int] = [:]
    let count = max(zip_get_num_entries(za, 0), 0)
    for i in 0..<UInt64(count) {
      var st = zip_stat_t()
      zip_stat_init(&st)
      guard zip_stat_index(za, i, 0, &st) == 0, let name = st.name else { continue }
      let entry = Entry(
        name: String(cString: name), index: Int(i), modified: Int(st.mtime),
        compressedSize: Int(st.comp_size), crc: st.crc, method: Int32(st.comp_method))
      let key = ZipArchive.normalize(entry.name)
      if byPart[key] == nil { byPart[key] = entries.count }
      entries.append(entry)
    }
    self.entries = entries
    self.byPart = byPart
  }

  deinit {
    if let handle { zip_discard(handle) }
  }

  /// The limits its parts are read under.
  public var limits: ReaderLimits { archive.limits }

  /// The entry holding `part` (matched as OPC names are: case-insensitively, no leading `/`).
  public func entry(_ part: String) -> Entry? {
    byPart[ZipArchive.normalize(part)].map { entries[$0] }
  }

  /// The whole of a part, inflated; nil when the package has no such part.
  public func read(_ part: String) throws(XLSXError) -> [UInt8]? {
    guard let stream = try archive.open(part) else { return nil }
    var out: [UInt8] = []
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
    defer { chunk.deallocate() }
    while true {
      let n = try stream.read(into: chunk)
      if n == 0 { return out }
      out.append(contentsOf: chunk[..<n])
    }
  }

  /// An entry's data as stored (still compressed), for comparing copies.
  public func compressedBytes(_ entry: Entry) throws(XLSXError) -> [UInt8] {
    guard let handle,
      let file = zip_fopen_index(handle, zip_uint64_t(entry.index), zip_flags_t(ZIP_FL_COMPRESSED))
    else { throw XLSXError(.corruptZip, "\(entry.name): cannot open") }
    defer { zip_fclose(file) }
    var out = [UInt8](repeating: 0, count: entry.compressedSize)
    let n = out.withUnsafeMutableBytes { zip_fread(file, $0.baseAddress, zip_uint64_t($0.count)) }
    guard n == entry.compressedSize else {
      throw XLSXError(.corruptZip, "\(entry.name): short read")
    }
    return out
  }

  /// Resolves a relationship target against the folder of the part that holds it.
  public func resolve(_ target: String, from part: String) -> String {
    let dir = part.split(separator: "/", omittingEmptySubsequences: false).dropLast()
      .joined(separator: "/")
    return archive.resolve(target, from: dir)
  }
}

/// Writes a new zip package with libzip: entries copied from a ``ZipPackage`` as their
/// compressed bytes (never inflated), and new entries deflated, in the order they are given. The
/// archive appears under `path` only at ``close()``: it is written under a temporary name
/// (`path.tmp-<pid>-<random>`) and renamed.
public final class ZipWriter {
  private var handle: OpaquePointer?
  private let path: String
  private let temporaryPath: String
  /// The packages and parts copied from, kept open until `zip_close` has read them.
  private var sources: [ZipPackage] = []
  private var deflatedSources: [Deflated] = []

  /// Starts an archive that will be written to `path`.
  public init(path: String) throws(WriteError) {
    self.path = path
    temporaryPath = AtomicFile.temporaryPath(for: path)
    var code: Int32 = 0
    guard let za = zip_open(temporaryPath, ZIP_CREATE | ZIP_TRUNCATE, &code) else {
      throw WriteError(operation: "zip_open", message: Self.message(code: code), context: path)
    }
    handle = za
  }

  deinit { discard() }

  /// Copies `entry` of `package` as it is stored: the same compressed bytes, CRC and time.
  public func copy(_ entry: ZipPackage.Entry, from package: ZipPackage) throws(WriteError) {
    let za = try open("copy")
    guard let src = package.handle else {
      throw WriteError(
        operation: "zip_source_zip", message: "source closed", context: entry.name)
    }
    if !sources.contains(where: { $0 === package }) { sources.append(package) }
    // The whole entry (start 0, length -1) is taken as its compressed data, unchanged.
    guard let source = zip_source_zip(za, src, zip_uint64_t(entry.index), 0, 0, -1) else {
      throw error("zip_source_zip", entry.name)
    }
    // The entry's own method, set explicitly: libzip recompresses data whose method differs
    // from the one asked for (the default is deflate, so a stored entry would be deflated).
    try add(source, name: entry.name, modified: entry.modified, method: entry.method)
  }

  /// Deflates a part ahead of the archive it will go into (on any thread, while the rest of
  /// that archive is being made): into a single-entry zip at `scratch`, whose one entry
  /// ``copy(_:as:modified:)`` then copies without deflating it again (read from the disk, not
  /// held in memory). The caller removes `scratch` once the archive is closed.
  public static func deflated(
    _ content: PartContent, level: Int, scratch: String
  ) throws(WriteError) -> Deflated {
    let writer = try ZipWriter(path: scratch)
    do {
      switch content {
      case .bytes(let bytes): try writer.add("part", bytes: bytes, modified: 0, level: level)
      case .file(let file): try writer.add("part", contentsOf: file, modified: 0, level: level)
      }
      try writer.close()
    } catch {
      writer.discard()
      throw error
    }
    var code: Int32 = 0
    guard let za = zip_open(scratch, ZIP_RDONLY, &code) else {
      throw WriteError(operation: "zip_open", message: Self.message(code: code), context: scratch)
    }
    return Deflated(handle: za)
  }

  /// A part deflated ahead (``deflated(_:level:scratch:)``): the single-entry zip it is in.
  public final class Deflated: @unchecked Sendable {
    // Handed from the thread that made it to the one that copies it, used by one at a time.
    fileprivate var handle: OpaquePointer?
    fileprivate init(handle: OpaquePointer) { self.handle = handle }
    deinit { if let handle { zip_discard(handle) } }
  }

  /// Copies a part deflated ahead as it is stored, under `name`.
  public func copy(_ part: Deflated, as name: String, modified: Int) throws(WriteError) {
    let za = try open("copy")
    guard let src = part.handle else {
      throw WriteError(operation: "zip_source_zip", message: "source closed", context: name)
    }
    if !deflatedSources.contains(where: { $0 === part }) { deflatedSources.append(part) }
    guard let source = zip_source_zip(za, src, 0, 0, 0, -1) else {
      throw error("zip_source_zip", name)
    }
    try add(source, name: name, modified: modified, method: ZIP_CM_DEFLATE)
  }

  /// What a new entry holds: bytes, or a file read when the archive is written.
  public enum PartContent: Sendable {
    case bytes([UInt8])
    case file(String)
  }

  /// Adds a new entry holding `bytes`, deflated at `level` (1 fastest … 9 smallest).
  public func add(
    _ name: String, bytes: [UInt8], modified: Int, level: Int = 6
  ) throws(WriteError) {
    let za = try open("add")
    let copy = malloc(max(bytes.count, 1))!
    bytes.withUnsafeBytes { if let base = $0.baseAddress { memcpy(copy, base, bytes.count) } }
    guard let source = zip_source_buffer(za, copy, zip_uint64_t(bytes.count), 1) else {
      free(copy)
      throw error("zip_source_buffer", name)
    }
    try add(source, name: name, modified: modified, method: ZIP_CM_DEFLATE, level: level)
  }

  /// Adds a new entry holding the file at `file`, deflated at `level` (1 fastest … 9 smallest);
  /// the file is read at ``close()`` and must stay until then.
  public func add(
    _ name: String, contentsOf file: String, modified: Int, level: Int = 6
  ) throws(WriteError) {
    let za = try open("add")
    guard let source = zip_source_file(za, file, 0, -1) else {
      throw error("zip_source_file", file)
    }
    try add(source, name: name, modified: modified, method: ZIP_CM_DEFLATE, level: level)
  }

  /// Writes the archive and moves it to its final name. Safe to call twice.
  public func close() throws(WriteError) {
    guard let za = handle else { return }
    guard zip_close(za) == 0 else {
      let message = String(cString: zip_error_strerror(zip_get_error(za)))
      discard()
      throw WriteError(operation: "zip_close", message: message, context: path)
    }
    handle = nil
    sources = []
    deflatedSources = []
    do {
      try AtomicFile.commit(temporaryPath, to: path)
    } catch {
      throw WriteError(operation: "rename", message: error.reason, context: path)
    }
  }

  /// Abandons the archive: nothing is written (safe to call after ``close()``).
  public func discard() {
    if let za = handle {
      zip_discard(za)
      unlink(temporaryPath)
    }
    handle = nil
    sources = []
    deflatedSources = []
  }

  // MARK: - libzip

  private func open(_ operation: String) throws(WriteError) -> OpaquePointer {
    guard let za = handle else {
      throw WriteError(operation: operation, message: "the archive is closed", context: path)
    }
    return za
  }

  private func add(
    _ source: OpaquePointer, name: String, modified: Int, method: Int32, level: Int = 6
  ) throws(WriteError) {
    let za = try open("zip_file_add")
    let index = zip_file_add(za, name, source, zip_flags_t(ZIP_FL_ENC_UTF_8))
    guard index >= 0 else {
      zip_source_free(source)
      throw error("zip_file_add", name)
    }
    let i = zip_uint64_t(index)
    if zip_set_file_compression(za, i, method, method == ZIP_CM_DEFLATE ? zip_uint32_t(level) : 0)
      != 0
    {
      throw error("zip_set_file_compression", name)
    }
    if modified > 0, zip_file_set_mtime(za, i, time_t(modified), 0) != 0 {
      throw error("zip_file_set_mtime", name)
    }
  }

  private func error(_ operation: String, _ context: String) -> WriteError {
    let message = handle.map { String(cString: zip_error_strerror(zip_get_error($0))) } ?? "closed"
    return WriteError(operation: operation, message: message, context: context)
  }

  private static func message(code: Int32) -> String {
    var error = zip_error_t()
    zip_error_init_with_code(&error, code)
    defer { zip_error_fini(&error) }
    return String(cString: zip_error_strerror(&error))
  }
}
