/// The zip-level checks of SPEC §8 ("The package"), made on the raw bytes beside libzip: a
/// package whose records contradict each other is read differently by different programs (a
/// streaming reader follows the local headers, libzip the central directory, some tools the
/// first end record they find), so it is refused as FILE-001 before any part is read.
///
/// Refused: more than one plausible end-of-central-directory record (two zips concatenated, a
/// zip inside the comment); a local header whose name, flags, method, CRC or sizes disagree with
/// its central entry (with bit 3 set the local values may be zero and the data descriptor must
/// agree instead; ZIP64 extra fields stand in for fields of 0xFFFFFFFF); two entries with one
/// part name under OPC comparison; and entries that do not tile the archive from byte 0 to the
/// central directory — two sharing a local header, overlapping, or leaving a gap in which a
/// streaming reader could find entries the central directory does not list.
enum PackageConsistency {
  /// One central-directory entry, its ZIP64 fields resolved.
  struct Entry {
    var name: [UInt8]
    var flags: UInt16
    var versionNeeded: UInt16
    var time: UInt16
    var date: UInt16
    var method: UInt16
    var crc: UInt32
    var compressed: UInt64
    var uncompressed: UInt64
    var offset: UInt64

    var displayName: String { String(decoding: name, as: UTF8.self) }
  }

  /// Checks the package read through `source`, which libzip opened with `entryCount` entries.
  static func check(_ source: CountingSource, entryCount: Int) throws(XLSXError) {
    let directory = try centralDirectory(source)
    let entries = try parseEntries(source, directory)
    guard entries.count == entryCount else {
      throw inconsistent(
        nil, "the central directory lists \(entries.count) entries, libzip \(entryCount)")
    }
    var names: [String: String] = [:]
    for entry in entries {
      let key = opcKey(entry.displayName)
      if let first = names[key] {
        throw inconsistent(entry.displayName, "\(first) and \(entry.displayName) are one part name")
      }
      names[key] = entry.displayName
    }
    let byOffset = entries.sorted { $0.offset < $1.offset }
    for (a, b) in zip(byOffset, byOffset.dropFirst()) where a.offset == b.offset {
      throw inconsistent(
        b.displayName, "\(b.displayName) shares the local header of \(a.displayName)")
    }
    var spans: [(start: UInt64, end: UInt64, name: String)] = []
    spans.reserveCapacity(entries.count)
    for entry in entries {
      spans.append((entry.offset, try localEnd(source, entry), entry.displayName))
    }
    spans.sort { $0.start < $1.start }
    var expected: UInt64 = 0
    for span in spans {
      guard span.start == expected else {
        let what =
          span.start < expected
          ? "shares or overlaps the bytes of the entry before it" : "leaves a gap before it"
        throw inconsistent(
          span.name, "\(span.name) at \(span.start) \(what) (expected \(expected))")
      }
      expected = span.end
    }
    guard expected == directory.offset else {
      throw inconsistent(
        spans.last?.name,
        "the entries end at \(expected), the central directory starts at \(directory.offset)")
    }
  }

  /// The OPC comparison form of a part name: `\` read as `/`, no leading `/`, ASCII lower case.
  static func opcKey(_ name: String) -> String {
    var bytes = Array(name.utf8)
    for i in bytes.indices {
      if bytes[i] == UInt8(ascii: "\\") { bytes[i] = UInt8(ascii: "/") }
      if bytes[i] >= UInt8(ascii: "A") && bytes[i] <= UInt8(ascii: "Z") { bytes[i] |= 0x20 }
    }
    let start = bytes.firstIndex { $0 != UInt8(ascii: "/") } ?? bytes.endIndex
    return String(decoding: bytes[start...], as: UTF8.self)
  }

  // MARK: - End record

  private struct Directory {
    var offset: UInt64
    var size: UInt64
    var entries: UInt64
  }

  /// The central directory the one plausible end record describes.
  private static func centralDirectory(_ source: CountingSource) throws(XLSXError) -> Directory {
    let tailStart = max(0, source.length - (0xFFFF + 22))
    let tail = source.bytes(at: tailStart, count: source.length - tailStart)
    var plausible: [Directory] = []
    var i = tail.count - 22
    while i >= 0 {
      if tail[i] == 0x50, tail.le32(i) == 0x0605_4b50 {
        if let d = directory(source, endRecord: tail, at: i, absolute: UInt64(tailStart + i)) {
          plausible.append(d)
        }
      }
      i -= 1
    }
    guard plausible.count <= 1 else {
      throw inconsistent(nil, "\(plausible.count) plausible end-of-central-directory records")
    }
    guard let found = plausible.first else {
      throw XLSXError(.corruptZip, "no consistent end-of-central-directory record")
    }
    return found
  }

  /// The directory an end record at `i` of `tail` describes, when a central directory is really
  /// there (at its offset, or right before the record as tools that allow for prepended data
  /// look for it); nil otherwise.
  private static func directory(
    _ source: CountingSource, endRecord tail: [UInt8], at i: Int, absolute: UInt64
  ) -> Directory? {
    var d = Directory(
      offset: UInt64(tail.le32(i + 16)), size: UInt64(tail.le32(i + 12)),
      entries: UInt64(tail.le16(i + 10)))
    var end = absolute
    if d.entries == 0xFFFF || d.size == 0xFFFF_FFFF || d.offset == 0xFFFF_FFFF {
      // ZIP64: the locator just before the record gives the ZIP64 end record.
      guard absolute >= 20 else { return nil }
      let locator = source.bytes(at: Int(absolute) - 20, count: 20)
      guard locator.count == 20, locator.le32(0) == 0x0706_4b50 else { return nil }
      let at = locator.le64(8)
      guard at < absolute else { return nil }
      let record = source.bytes(at: Int(at), count: 56)
      guard record.count == 56, record.le32(0) == 0x0606_4b50 else { return nil }
      d = Directory(offset: record.le64(48), size: record.le64(40), entries: record.le64(32))
      end = at
    }
    guard d.offset <= end, d.size <= end - d.offset else { return nil }
    if d.entries == 0 && d.size == 0 { return d }
    func startsDirectory(_ at: UInt64) -> Bool {
      source.bytes(at: Int(at), count: 4).le32(0) == 0x0201_4b50
    }
    if startsDirectory(d.offset) { return d }
    return end >= d.size && startsDirectory(end - d.size) ? d : nil
  }

  // MARK: - Entries

  private static func parseEntries(
    _ source: CountingSource, _ d: Directory
  ) throws(XLSXError) -> [Entry] {
    let bytes = source.bytes(at: Int(d.offset), count: Int(d.size))
    guard bytes.count == Int(d.size) else {
      throw XLSXError(.corruptZip, "central directory cut off")
    }
    var entries: [Entry] = []
    var p = 0
    while p < bytes.count {
      guard p + 46 <= bytes.count, bytes.le32(p) == 0x0201_4b50 else {
        throw XLSXError(.corruptZip, "central directory record \(entries.count) is damaged")
      }
      let nameLength = Int(bytes.le16(p + 28))
      let extraLength = Int(bytes.le16(p + 30))
      let commentLength = Int(bytes.le16(p + 32))
      let next = p + 46 + nameLength + extraLength + commentLength
      guard next <= bytes.count else {
        throw XLSXError(.corruptZip, "central directory record \(entries.count) is cut off")
      }
      var entry = Entry(
        name: Array(bytes[(p + 46)..<(p + 46 + nameLength)]), flags: bytes.le16(p + 8),
        versionNeeded: bytes.le16(p + 6), time: bytes.le16(p + 12), date: bytes.le16(p + 14),
        method: bytes.le16(p + 10), crc: bytes.le32(p + 16), compressed: UInt64(bytes.le32(p + 20)),
        uncompressed: UInt64(bytes.le32(p + 24)), offset: UInt64(bytes.le32(p + 42)))
      let extra = Array(bytes[(p + 46 + nameLength)..<(p + 46 + nameLength + extraLength)])
      // APPNOTE 4.5.3: the ZIP64 field holds, in this order, only the fields that are 0xFFFFFFFF.
      var fields: [WritableKeyPath<Entry, UInt64>] = []
      if entry.uncompressed == 0xFFFF_FFFF { fields.append(\.uncompressed) }
      if entry.compressed == 0xFFFF_FFFF { fields.append(\.compressed) }
      if entry.offset == 0xFFFF_FFFF { fields.append(\.offset) }
      if !fields.isEmpty {
        guard let values = zip64Field(extra), values.count >= fields.count else {
          throw inconsistent(entry.displayName, "ZIP64 sizes missing from the central entry")
        }
        for (k, field) in fields.enumerated() { entry[keyPath: field] = values[k] }
      }
      entries.append(entry)
      p = next
    }
    return entries
  }

  /// Whether an extra field is a sequence of (id, size, data) blocks that fills it exactly: a
  /// damaged length anywhere breaks that.
  private static func extraIsWellFormed(_ extra: [UInt8]) -> Bool {
    var p = 0
    while p + 4 <= extra.count { p += 4 + Int(extra.le16(p + 2)) }
    return p == extra.count
  }

  /// The 8-byte values of the ZIP64 extended-information field (0x0001) of an extra field.
  private static func zip64Field(_ extra: [UInt8]) -> [UInt64]? {
    var p = 0
    while p + 4 <= extra.count {
      let id = extra.le16(p)
      let size = Int(extra.le16(p + 2))
      guard p + 4 + size <= extra.count else { return nil }
      if id == 0x0001 {
        return stride(from: p + 4, to: p + 4 + size - 7, by: 8).map { extra.le64($0) }
      }
      p += 4 + size
    }
    return nil
  }

  /// Compares the local header of `entry` with the entry; returns where the entry's bytes end
  /// (after its data descriptor, when it has one).
  private static func localEnd(_ source: CountingSource, _ entry: Entry) throws(XLSXError) -> UInt64
  {
    let name = entry.displayName
    let at = Int(clamping: entry.offset)
    let fixed = source.bytes(at: at, count: 30)
    guard fixed.count == 30, fixed.le32(0) == 0x0403_4b50 else {
      throw inconsistent(name, "\(name): no local header at \(entry.offset)")
    }
    let nameLength = Int(fixed.le16(26))
    let extraLength = Int(fixed.le16(28))
    let variable = source.bytes(at: at + 30, count: nameLength + extraLength)
    guard variable.count == nameLength + extraLength else {
      throw inconsistent(name, "\(name): local header cut off")
    }
    func disagree(_ what: String) -> XLSXError {
      inconsistent(name, "\(name): the local header's \(what) disagrees with the central directory")
    }
    guard variable[0..<nameLength].elementsEqual(entry.name) else { throw disagree("name") }
    let flags = fixed.le16(6)
    guard flags == entry.flags else { throw disagree("flags") }
    // The version needed and the DOS time may differ in honest files (45 locally and 20 in the
    // central directory; a time one 2-second step apart): only what no writer produces is refused,
    // which still catches most damaged bytes there.
    let version = fixed.le16(4)
    guard version >> 8 == entry.versionNeeded >> 8, version & 0xFF <= 63 else {
      throw disagree("version needed")
    }
    let localTime = dosSeconds(date: fixed.le16(12), time: fixed.le16(10))
    guard abs(localTime - dosSeconds(date: entry.date, time: entry.time)) <= 2 else {
      throw disagree("modification time")
    }
    guard fixed.le16(8) == entry.method else { throw disagree("compression method") }
    var crc = fixed.le32(14)
    var compressed = UInt64(fixed.le32(18))
    var uncompressed = UInt64(fixed.le32(22))
    let extra = Array(variable[nameLength...])
    guard extraIsWellFormed(extra) else { throw disagree("extra field") }
    // A local ZIP64 field holds both sizes, uncompressed first (APPNOTE 4.5.3): they stand in for
    // fields of 0xFFFFFFFF, and otherwise (Apple Numbers writes one anyway) must be zero or true.
    let zip64 = zip64Field(extra)
    if compressed == 0xFFFF_FFFF || uncompressed == 0xFFFF_FFFF {
      guard let values = zip64, values.count >= 2 else {
        throw disagree("sizes (ZIP64 field missing)")
      }
      (uncompressed, compressed) = (values[0], values[1])
    } else if let values = zip64, values.count >= 2 {
      guard values[0] == 0 || values[0] == entry.uncompressed,
        values[1] == 0 || values[1] == entry.compressed
      else { throw disagree("ZIP64 sizes") }
    }
    let dataEnd = entry.offset + 30 + UInt64(nameLength + extraLength) + entry.compressed
    guard dataEnd <= UInt64(source.length) else {
      throw inconsistent(name, "\(name): data cut off")
    }
    guard flags & 0x08 != 0 else {
      guard crc == entry.crc else { throw disagree("CRC") }
      guard compressed == entry.compressed, uncompressed == entry.uncompressed else {
        throw disagree("sizes")
      }
      return dataEnd
    }
    // Bit 3: streaming writers leave zeros here and put the values in the data descriptor.
    if crc == 0 { crc = entry.crc }
    if compressed == 0 { compressed = entry.compressed }
    if uncompressed == 0 { uncompressed = entry.uncompressed }
    guard crc == entry.crc else { throw disagree("CRC") }
    guard compressed == entry.compressed, uncompressed == entry.uncompressed else {
      throw disagree("sizes")
    }
    // The descriptor: an optional signature, the CRC, then 4- or (ZIP64) 8-byte sizes.
    let d = source.bytes(at: Int(dataEnd), count: 24)
    let signed = d.count >= 4 && d.le32(0) == 0x0807_4b50 ? 4 : 0
    for wide in [false, true] {
      let length = signed + 4 + (wide ? 16 : 8)
      guard d.count >= length, d.le32(signed) == entry.crc else { continue }
      let (c, u) =
        wide
        ? (d.le64(signed + 4), d.le64(signed + 12))
        : (UInt64(d.le32(signed + 4)), UInt64(d.le32(signed + 8)))
      if c == entry.compressed && u == entry.uncompressed { return dataEnd + UInt64(length) }
    }
    throw inconsistent(name, "\(name): the data descriptor disagrees with the central directory")
  }

  /// A DOS date and time as seconds, for comparing two of them (months count 31 days: only
  /// nearness matters).
  private static func dosSeconds(date: UInt16, time: UInt16) -> Int {
    let days = (Int(date >> 9) * 12 + Int(date >> 5 & 0x0F)) * 31 + Int(date & 0x1F)
    let seconds = Int(time >> 11) * 3600 + Int(time >> 5 & 0x3F) * 60 + Int(time & 0x1F) * 2
    return days * 86_400 + seconds
  }

  private static func inconsistent(_ entry: String?, _ detail: String) -> XLSXError {
    XLSXError(.inconsistentPackage(entry: entry), detail)
  }
}

extension [UInt8] {
  /// The little-endian integers at `i`; 0 past the end (callers check lengths first).
  fileprivate func le16(_ i: Int) -> UInt16 {
    guard i >= 0, i + 2 <= count else { return 0 }
    return UInt16(self[i]) | UInt16(self[i + 1]) << 8
  }

  fileprivate func le32(_ i: Int) -> UInt32 {
    guard i >= 0, i + 4 <= count else { return 0 }
    return UInt32(le16(i)) | UInt32(le16(i + 2)) << 16
  }

  fileprivate func le64(_ i: Int) -> UInt64 {
    guard i >= 0, i + 8 <= count else { return 0 }
    return UInt64(le32(i)) | UInt64(le32(i + 4)) << 32
  }
}
