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
  /// What libzip reads the archive through, counting the bytes it takes.
  fileprivate let source: CountingSource
  /// Bytes inflated from every entry opened so far.
  fileprivate(set) var totalInflated = 0
  /// Compressed bytes consumed while inflating them: with `totalInflated`, the workbook-wide
  /// compression ratio. Parts that stay each under `ratioCheckAfterBytes` but share their data
  /// (overlapping entries, one part listed as hundreds of sheets) still add up past it.
  fileprivate(set) var totalConsumed = 0

  /// Opens the workbook file at `path`.
  convenience init(path: String, limits: ReaderLimits) throws(XLSXError) {
    let fd = openForReading(path)
    guard fd >= 0 else { throw XLSXError(.io, "\(path): \(String(cString: strerror(errno)))") }
    var st = stat()
    guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
      close(fd)
      throw XLSXError(.io, "\(path): not a regular file")
    }
    guard Int(st.st_size) <= limits.maxFileBytes else {
      close(fd)
      throw XLSXError(
        .limitExceeded(.fileBytes), "\(path): \(st.st_size) bytes, limit \(limits.maxFileBytes)")
    }
    try self.init(
      source: CountingSource(fileDescriptor: fd, length: Int(st.st_size)), context: path,
      limits: limits)
  }

  /// Opens a workbook held in memory (an upload).
  convenience init(bytes: [UInt8], limits: ReaderLimits) throws(XLSXError) {
    guard bytes.count <= limits.maxFileBytes else {
      throw XLSXError(
        .limitExceeded(.fileBytes), "\(bytes.count) bytes, limit \(limits.maxFileBytes)")
    }
    try self.init(source: CountingSource(bytes: bytes), context: "upload", limits: limits)
  }

  private convenience init(source: CountingSource, context: String, limits: ReaderLimits)
    throws(XLSXError)
  {
    let magic = source.prefix(8)
    try Self.checkMagic(magic[...])
    let zipSource = try source.makeSource()
    var error = zip_error_t()
    zip_error_init(&error)
    defer { zip_error_fini(&error) }
    guard let za = zip_open_from_source(zipSource, ZIP_RDONLY, &error) else {
      zip_source_free(zipSource)
      throw Self.openError(
        zip_error_code_zip(&error), context: context,
        startsLikeZip: magic.starts(with: Self.localHeader))
    }
    try self.init(handle: za, source: source, limits: limits)
  }

  private init(handle: OpaquePointer, source: CountingSource, limits: ReaderLimits)
    throws(XLSXError)
  {
    self.handle = handle
    self.source = source
    self.limits = limits
    let count = zip_get_num_entries(handle, 0)
    guard count >= 0 else { throw XLSXError(.corruptZip, "cannot count the entries") }
    guard count <= limits.maxEntries else {
      throw XLSXError(.limitExceeded(.entries), "\(count) entries, limit \(limits.maxEntries)")
    }
    try PackageConsistency.check(source, entryCount: Int(count))
    for i in 0..<UInt64(count) {
      guard let name = zip_get_name(handle, i, 0) else { continue }
      // Two entries with one key were refused above.
      index[Self.normalize(String(cString: name))] = i
    }
  }

  deinit {
    if let handle { zip_discard(handle) }
  }

  /// The OPC form of a part name used for lookups: `/`-separated, no leading `/`, ASCII lower
  /// case (OPC compares part names ASCII case-insensitively).
  static func normalize(_ name: String) -> String { PackageConsistency.opcKey(name) }

  func contains(_ part: String) -> Bool { index[Self.normalize(part)] != nil }

  /// Opens a part for streaming; nil when the archive has no such part. Without `counting`, the
  /// bytes are not counted against the limits again: for a part ``verify(_:)`` has just read.
  func open(_ part: String, counting: Bool = true) throws(XLSXError) -> ZipEntryStream? {
    guard let handle, let i = index[Self.normalize(part)] else { return nil }
    guard let file = zip_fopen_index(handle, i, 0) else {
      let code = zip_error_code_zip(zip_get_error(handle))
      let message = String(cString: zip_strerror(handle))
      if code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_ENCRNOTSUPP {
        throw XLSXError(.legacyOrEncrypted, "\(part): \(message)")
      }
      throw XLSXError(.corruptZip, "\(part): \(message)")
    }
    return ZipEntryStream(archive: self, file: file, part: part, counting: counting)
  }

  /// Inflates `part` to its end without keeping anything, so that its CRC (and every limit) is
  /// checked before a caller is handed any of its contents: a part that fails its CRC is FILE-001
  /// alone, never FILE-001 after rows already delivered (SPEC §8). (Keeping the bytes of parts up
  /// to 64 MiB instead of inflating twice was measured: no faster, and 67 MB more memory for a
  /// 200,000-row sheet.)
  func verify(_ part: String) throws(XLSXError) {
    guard let stream = try open(part) else { return }
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
    defer { scratch.deallocate() }
    while try stream.read(into: scratch) > 0 {}
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
  private let counting: Bool
  private var inflated = 0
  /// Compressed bytes libzip read for this part so far.
  private var consumed = 0

  fileprivate init(archive: ZipArchive, file: OpaquePointer, part: String, counting: Bool) {
    self.archive = archive
    self.file = file
    self.part = part
    self.counting = counting
  }

  deinit {
    if let file { zip_fclose(file) }
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(XLSXError) -> Int {
    guard let file, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
    let before = archive.source.delivered
    let n = zip_fread(file, base, zip_uint64_t(buffer.count))
    if counting {
      consumed += archive.source.delivered - before
      archive.totalConsumed += archive.source.delivered - before
    }
    guard n >= 0 else {
      throw XLSXError(.corruptZip, "\(part): \(String(cString: zip_file_strerror(file)))")
    }
    if n == 0 {
      zip_fclose(file)
      self.file = nil
      return 0
    }
    guard counting else { return Int(n) }
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
      && inflated / max(consumed, 1) > limits.maxCompressionRatio
    {
      throw XLSXError(
        .limitExceeded(.compressionRatio),
        "\(part): \(inflated) bytes from \(consumed) compressed, over \(limits.maxCompressionRatio):1"
      )
    }
    if archive.totalInflated > limits.ratioCheckAfterBytes
      && archive.totalInflated / max(archive.totalConsumed, 1) > limits.maxCompressionRatio
    {
      throw XLSXError(
        .limitExceeded(.compressionRatio),
        "the parts read: \(archive.totalInflated) bytes from \(archive.totalConsumed) compressed, over \(limits.maxCompressionRatio):1"
      )
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
    bytes.withUnsafeBytes {
      buffer.baseAddress!.copyMemory(from: $0.baseAddress! + pos, byteCount: n)
    }
    pos += n
    return n
  }
}

extension String {
  func replacingBackslashes() -> String {
    contains("\\") ? String(map { $0 == "\\" ? "/" : $0 }) : self
  }
}

/// `open(2)` for reading (inside ZipArchive the name means the part-opening method).
private func openForReading(_ path: String) -> Int32 { open(path, O_RDONLY | O_CLOEXEC) }
