internal import CZip

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A read-only zip archive (libzip), with parts looked up the way OPC names them: ASCII
/// case-insensitively, `\` read as `/`, no leading `/`. Every byte inflated is counted against the
/// reader's limits; sizes the archive declares are never trusted for safety.
final class ZipArchive {
  private var handle: OpaquePointer?
  let limits: ReaderLimits
  /// Normalized part name → entry index.
  private var index: [String: UInt64] = [:]
  /// Bytes inflated from every entry opened so far.
  fileprivate(set) var totalInflated = 0

  /// Opens the workbook file at `path`.
  convenience init(path: String, limits: ReaderLimits) throws(XLSXError) {
    var st = stat()
    guard stat(path, &st) == 0 else {
      throw XLSXError(.io, "\(path): \(String(cString: strerror(errno)))")
    }
    guard (st.st_mode & S_IFMT) == S_IFREG else { throw XLSXError(.io, "\(path): not a regular file") }
    guard Int(st.st_size) <= limits.maxFileBytes else {
      throw XLSXError(
        .limitExceeded(.fileBytes), "\(path): \(st.st_size) bytes, limit \(limits.maxFileBytes)")
    }
    guard let file = fopen(path, "rb") else {
      throw XLSXError(.io, "\(path): \(String(cString: strerror(errno)))")
    }
    var magic = [UInt8](repeating: 0, count: 8)
    let n = fread(&magic, 1, 8, file)
    fclose(file)
    try Self.checkMagic(magic.prefix(n))
    var code: Int32 = 0
    guard let za = zip_open(path, ZIP_RDONLY, &code) else {
      throw Self.openError(code, context: path, startsLikeZip: magic.starts(with: Self.localHeader))
    }
    try self.init(handle: za, limits: limits)
  }

  /// Opens a workbook held in memory (an upload).
  convenience init(bytes: [UInt8], limits: ReaderLimits) throws(XLSXError) {
    guard bytes.count <= limits.maxFileBytes else {
      throw XLSXError(
        .limitExceeded(.fileBytes), "\(bytes.count) bytes, limit \(limits.maxFileBytes)")
    }
    try Self.checkMagic(bytes.prefix(8))
    // libzip frees this copy together with the source.
    guard let copy = malloc(max(bytes.count, 1)) else { throw XLSXError(.io, "out of memory") }
    bytes.withUnsafeBytes { _ = memcpy(copy, $0.baseAddress!, bytes.count) }
    var error = zip_error_t()
    zip_error_init(&error)
    defer { zip_error_fini(&error) }
    guard let source = zip_source_buffer_create(copy, zip_uint64_t(bytes.count), 1, &error) else {
      free(copy)
      throw XLSXError(.io, String(cString: zip_error_strerror(&error)))
    }
    guard let za = zip_open_from_source(source, ZIP_RDONLY, &error) else {
      zip_source_free(source)
      throw Self.openError(
        zip_error_code_zip(&error), context: "upload", startsLikeZip: bytes.starts(with: Self.localHeader))
    }
    try self.init(handle: za, limits: limits)
  }

  private init(handle: OpaquePointer, limits: ReaderLimits) throws(XLSXError) {
    self.handle = handle
    self.limits = limits
    let count = zip_get_num_entries(handle, 0)
    guard count >= 0 else { throw XLSXError(.corruptZip, "cannot count the entries") }
    guard count <= limits.maxEntries else {
      throw XLSXError(.limitExceeded(.entries), "\(count) entries, limit \(limits.maxEntries)")
    }
    for i in 0..<UInt64(count) {
      guard let name = zip_get_name(handle, i, 0) else { continue }
      let key = Self.normalize(String(cString: name))
      if index[key] == nil { index[key] = i }
    }
  }

  deinit {
    if let handle { zip_discard(handle) }
  }

  /// The OPC form of a part name used for lookups: `/`-separated, no leading `/`, lower case.
  static func normalize(_ name: String) -> String {
    var s = name.replacingBackslashes()
    while s.hasPrefix("/") { s.removeFirst() }
    return s.lowercased()
  }

  func contains(_ part: String) -> Bool { index[Self.normalize(part)] != nil }

  /// Opens a part for streaming; nil when the archive has no such part.
  func open(_ part: String) throws(XLSXError) -> ZipEntryStream? {
    guard let handle, let i = index[Self.normalize(part)] else { return nil }
    var st = zip_stat_t()
    zip_stat_init(&st)
    guard zip_stat_index(handle, i, 0, &st) == 0 else {
      throw XLSXError(.corruptZip, "\(part): \(String(cString: zip_strerror(handle)))")
    }
    guard let file = zip_fopen_index(handle, i, 0) else {
      let code = zip_error_code_zip(zip_get_error(handle))
      let message = String(cString: zip_strerror(handle))
      if code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_ENCRNOTSUPP {
        throw XLSXError(.legacyOrEncrypted, "\(part): \(message)")
      }
      throw XLSXError(.corruptZip, "\(part): \(message)")
    }
    let compressed = (st.valid & zip_uint64_t(ZIP_STAT_COMP_SIZE)) != 0 ? Int(clamping: st.comp_size) : 0
    return ZipEntryStream(archive: self, file: file, part: part, compressedSize: compressed)
  }

  // MARK: - Errors

  private static func checkMagic(_ magic: ArraySlice<UInt8>) throws(XLSXError) {
    let bytes = Array(magic)
    if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
      throw XLSXError(.legacyOrEncrypted, "an OLE compound file (legacy .xls or encrypted .xlsx)")
    }
    guard bytes.count >= 4, bytes[0] == 0x50, bytes[1] == 0x4B else {
      throw XLSXError(.notZip, bytes.isEmpty ? "an empty file" : "no zip signature")
    }
  }

  /// The signature of a zip's first local file header.
  private static let localHeader: [UInt8] = [0x50, 0x4B, 0x03, 0x04]

  /// Maps libzip's open error. A file that starts like a zip but has no end record was cut off
  /// (an interrupted upload or copy): that is a damaged zip, not "not a zip".
  private static func openError(_ code: Int32, context: String, startsLikeZip: Bool) -> XLSXError {
    var error = zip_error_t()
    zip_error_init_with_code(&error, code)
    defer { zip_error_fini(&error) }
    let message = "\(context): \(String(cString: zip_error_strerror(&error)))"
    switch code {
    case ZIP_ER_NOZIP: return XLSXError(startsLikeZip ? .corruptZip : .notZip, message)
    case ZIP_ER_OPEN, ZIP_ER_MEMORY: return XLSXError(.io, message)
    default: return XLSXError(.corruptZip, message)
    }
  }
}

/// One zip entry being inflated, as a byte source for the tokenizer.
final class ZipEntryStream: ByteSource {
  private let archive: ZipArchive
  private var file: OpaquePointer?
  let part: String
  private let compressedSize: Int
  private var inflated = 0

  fileprivate init(archive: ZipArchive, file: OpaquePointer, part: String, compressedSize: Int) {
    self.archive = archive
    self.file = file
    self.part = part
    self.compressedSize = compressedSize
  }

  deinit {
    if let file { zip_fclose(file) }
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(XLSXError) -> Int {
    guard let file, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
    let n = zip_fread(file, base, zip_uint64_t(buffer.count))
    guard n >= 0 else {
      throw XLSXError(.corruptZip, "\(part): \(String(cString: zip_file_strerror(file)))")
    }
    if n == 0 {
      zip_fclose(file)
      self.file = nil
      return 0
    }
    let limits = archive.limits
    inflated += Int(n)
    archive.totalInflated += Int(n)
    if inflated > limits.maxEntryInflatedBytes {
      throw XLSXError(
        .limitExceeded(.entryInflatedBytes),
        "\(part): inflates past \(limits.maxEntryInflatedBytes) bytes")
    }
    if archive.totalInflated > limits.maxTotalInflatedBytes {
      throw XLSXError(
        .limitExceeded(.totalInflatedBytes),
        "the parts read inflate past \(limits.maxTotalInflatedBytes) bytes")
    }
    if inflated > limits.ratioCheckAfterBytes
      && inflated / max(compressedSize, 1) > limits.maxCompressionRatio
    {
      throw XLSXError(
        .limitExceeded(.compressionRatio),
        "\(part): \(inflated) bytes from \(compressedSize) compressed, over \(limits.maxCompressionRatio):1")
    }
    return Int(n)
  }
}

/// A byte source over memory, for parts already read and for tests.
final class MemorySource: ByteSource {
  private let bytes: [UInt8]
  private var pos = 0
  private let chunk: Int

  init(_ bytes: [UInt8], chunk: Int = 1 << 16) {
    self.bytes = bytes
    self.chunk = chunk
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(XLSXError) -> Int {
    let n = min(buffer.count, bytes.count - pos, chunk)
    guard n > 0 else { return 0 }
    bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + pos, byteCount: n) }
    pos += n
    return n
  }
}

extension String {
  func replacingBackslashes() -> String {
    contains("\\") ? String(map { $0 == "\\" ? "/" : $0 }) : self
  }
}
