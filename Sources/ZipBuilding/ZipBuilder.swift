// A minimal zip writer for tests. It never compresses: "deflate" entries are wrapped in
// stored (BTYPE=00) deflate blocks, which every inflater must accept, so the library needs
// no zlib and the bytes it produces are fully predictable.

/// One entry of a zip archive being built.
public struct ZipEntry: Equatable, Sendable {
  /// The entry name, stored byte-for-byte as UTF-8. Nothing is normalised, so tests can feed
  /// backslashes, leading slashes or odd casing to the reader.
  public var name: String
  /// The uncompressed content.
  public var data: [UInt8]
  /// How the content is stored.
  public var method: Method
  /// Sets general-purpose flag bit 3: the local header carries zero CRC and sizes and a data
  /// descriptor (with its optional signature `0x08074b50`) follows the data. The central
  /// directory still has the real values.
  public var dataDescriptor: Bool
  /// Adds a ZIP64 extended-information extra field (`0x0001`) with both sizes to the *local*
  /// header only, as Apple Numbers does; the 32-bit header fields and the central directory
  /// keep their ordinary values. Combined with `dataDescriptor`, the extra field holds zeros
  /// and the descriptor uses 8-byte sizes, as APPNOTE 4.3.9.2 requires.
  public var zip64Extra: Bool

  /// General-purpose flags to set besides bit 11 (UTF-8 names) and bit 3 (`dataDescriptor`),
  /// e.g. bit 0 (encrypted).
  public var flags: UInt16 = 0
  /// The name of an earlier entry whose local header and data this entry's central-directory
  /// record points at, as overlapping zip bombs do; this entry writes no data of its own.
  public var sharesDataWith: String? = nil
  /// What the *local* header says where it should disagree with the central directory (a
  /// package different programs read differently); nil fields are written as usual.
  public var local = LocalHeader()
  /// Writes the local header and data but no central-directory record: an entry only a
  /// streaming reader (one that follows the local headers) finds.
  public var unlisted = false

  /// Local-header fields written instead of the true ones.
  public struct LocalHeader: Equatable, Sendable {
    public var name: String? = nil
    public var method: UInt16? = nil
    public var flags: UInt16? = nil
    public var crc: UInt32? = nil
    public var compressedSize: UInt32? = nil
    public var uncompressedSize: UInt32? = nil
    /// The CRC the data descriptor gives (with `dataDescriptor`).
    public var descriptorCRC: UInt32? = nil
    /// The local extra field's bytes, in place of the ZIP64 field `zip64Extra` writes.
    public var extra: [UInt8]? = nil

    public init() {}
  }

  /// How an entry's bytes are stored.
  public enum Method: Equatable, Sendable {
    /// Method 0: the bytes as they are.
    case stored
    /// Method 8 (deflate), using only non-compressed blocks of at most 65,535 bytes.
    case deflateStored
    /// Method 8, really compressed by ``Deflate/fixedHuffman(_:)``.
    case deflated
    /// Data compressed elsewhere (`data` is ignored): the method code, the stored bytes and the
    /// CRC and size of what they inflate to, written as given — right or wrong.
    case precompressed(code: UInt16, payload: [UInt8], crc: UInt32, uncompressedSize: Int)

    var code: UInt16 {
      switch self {
      case .stored: 0
      case .deflateStored, .deflated: 8
      case .precompressed(let code, _, _, _): code
      }
    }

    /// The bytes written for `data`, the CRC and the uncompressed size.
    func encode(_ data: [UInt8]) -> (payload: [UInt8], crc: UInt32, size: Int) {
      switch self {
      case .stored: (data, CRC32.checksum(data), data.count)
      case .deflateStored: (ZipBuilder.deflateStored(data), CRC32.checksum(data), data.count)
      case .deflated: (Deflate.fixedHuffman(data), CRC32.checksum(data), data.count)
      case .precompressed(_, let payload, let crc, let size): (payload, crc, size)
      }
    }
  }

  /// An entry holding `data`.
  public init(
    _ name: String, _ data: [UInt8], method: Method = .deflateStored,
    dataDescriptor: Bool = false, zip64Extra: Bool = false
  ) {
    self.name = name
    self.data = data
    self.method = method
    self.dataDescriptor = dataDescriptor
    self.zip64Extra = zip64Extra
  }

  /// An entry holding `text` encoded as UTF-8.
  public init(
    _ name: String, _ text: String, method: Method = .deflateStored,
    dataDescriptor: Bool = false, zip64Extra: Bool = false
  ) {
    self.init(
      name, Array(text.utf8), method: method, dataDescriptor: dataDescriptor,
      zip64Extra: zip64Extra)
  }
}

/// Builds zip archives in memory.
public enum ZipBuilder {
  /// A complete archive: local headers, data (and descriptors), central directory and end
  /// record, in the order of `entries`. Every entry has flag bit 11 (UTF-8 names) set and the
  /// fixed DOS timestamp 1980-01-01 00:00, so equal input gives byte-identical output.
  ///
  /// Entries and the archive must stay below 4 GiB; from 65,535 entries on, the entry count is
  /// given by a ZIP64 end record (APPNOTE 4.3.14), as the classic field cannot hold it.
  public static func archive(_ entries: [ZipEntry], comment: [UInt8] = []) -> [UInt8] {
    var out: [UInt8] = []
    var central: [UInt8] = []
    var written:
      [String: (
        offset: UInt32, method: UInt16, crc: UInt32, compressed: UInt32, uncompressed: UInt32
      )] = [:]

    var listed = 0
    for entry in entries {
      let name = Array(entry.name.utf8)
      if !entry.unlisted { listed += 1 }
      if let original = entry.sharesDataWith {
        let w = written[original]!
        appendCentralRecord(
          name: name, flags: 1 << 11 | entry.flags, method: w.method, crc: w.crc,
          compressed: w.compressed, uncompressed: w.uncompressed, offset: w.offset, to: &central)
        continue
      }
      let (payload, crc, size) = entry.method.encode(entry.data)
      let compressed = UInt32(checked: payload.count)
      let uncompressed = UInt32(checked: size)
      let offset = UInt32(checked: out.count)
      written[entry.name] = (offset, entry.method.code, crc, compressed, uncompressed)
      var flags: UInt16 = 1 << 11 | entry.flags
      if entry.dataDescriptor { flags |= 1 << 3 }

      // With bit 3 the local header must not be trusted, so it says zero, as streaming
      // writers (which do not know the values yet) leave it.
      let deferred = entry.dataDescriptor
      var extra: [UInt8] = []
      if entry.zip64Extra {
        extra.append(le16: 0x0001)
        extra.append(le16: 16)
        extra.append(le64: deferred ? 0 : UInt64(uncompressed))
        extra.append(le64: deferred ? 0 : UInt64(compressed))
      }

      let local = entry.local
      let localName = local.name.map { Array($0.utf8) } ?? name
      if let override = local.extra { extra = override }
      out.append(le32: 0x0403_4b50)
      out.append(le16: versionNeeded)
      out.append(le16: local.flags ?? flags)
      out.append(le16: local.method ?? entry.method.code)
      out.append(le16: dosTime)
      out.append(le16: dosDate)
      out.append(le32: local.crc ?? (deferred ? 0 : crc))
      out.append(le32: local.compressedSize ?? (deferred ? 0 : compressed))
      out.append(le32: local.uncompressedSize ?? (deferred ? 0 : uncompressed))
      out.append(le16: UInt16(checked: localName.count))
      out.append(le16: UInt16(checked: extra.count))
      out += localName
      out += extra
      out += payload

      if entry.dataDescriptor {
        out.append(le32: 0x0807_4b50)
        out.append(le32: local.descriptorCRC ?? crc)
        if entry.zip64Extra {
          out.append(le64: UInt64(compressed))
          out.append(le64: UInt64(uncompressed))
        } else {
          out.append(le32: compressed)
          out.append(le32: uncompressed)
        }
      }

      if entry.unlisted { continue }
      appendCentralRecord(
        name: name, flags: flags, method: entry.method.code, crc: crc, compressed: compressed,
        uncompressed: uncompressed, offset: offset, to: &central)
    }

    let centralOffset = UInt32(checked: out.count)
    out += central
    if listed >= 0xFFFF {
      let zip64End = UInt64(out.count)
      out.append(le32: 0x0606_4b50)  // ZIP64 end of central directory record
      out.append(le64: 44)  // size of the rest of this record
      out.append(le16: 45)  // version made by: 4.5
      out.append(le16: 45)  // version needed
      out.append(le32: 0)  // this disk
      out.append(le32: 0)  // disk with the central directory
      out.append(le64: UInt64(listed))
      out.append(le64: UInt64(listed))
      out.append(le64: UInt64(central.count))
      out.append(le64: UInt64(centralOffset))
      out.append(le32: 0x0706_4b50)  // ZIP64 end of central directory locator
      out.append(le32: 0)
      out.append(le64: zip64End)
      out.append(le32: 1)  // total disks
    }
    let classicCount = UInt16(min(listed, 0xFFFF))
    out.append(le32: 0x0605_4b50)
    out.append(le16: 0)  // this disk
    out.append(le16: 0)  // disk with the central directory
    out.append(le16: classicCount)
    out.append(le16: classicCount)
    out.append(le32: UInt32(checked: central.count))
    out.append(le32: centralOffset)
    out.append(le16: UInt16(checked: comment.count))
    return out + comment
  }

  private static func appendCentralRecord(
    name: [UInt8], flags: UInt16, method: UInt16, crc: UInt32, compressed: UInt32,
    uncompressed: UInt32, offset: UInt32, to central: inout [UInt8]
  ) {
    central.append(le32: 0x0201_4b50)
    central.append(le16: versionNeeded)  // version made by: MS-DOS, 2.0
    central.append(le16: versionNeeded)
    central.append(le16: flags)
    central.append(le16: method)
    central.append(le16: dosTime)
    central.append(le16: dosDate)
    central.append(le32: crc)
    central.append(le32: compressed)
    central.append(le32: uncompressed)
    central.append(le16: UInt16(checked: name.count))
    central.append(le16: 0)  // extra field length
    central.append(le16: 0)  // comment length
    central.append(le16: 0)  // disk number start
    central.append(le16: 0)  // internal attributes
    central.append(le32: 0)  // external attributes
    central.append(le32: offset)
    central += name
  }

  /// `data` as a raw deflate stream of non-compressed blocks (RFC 1951 §3.2.4). Empty input
  /// still needs one final, empty block.
  public static func deflateStored(_ data: [UInt8]) -> [UInt8] {
    let blockSize = 65_535
    var out: [UInt8] = []
    out.reserveCapacity(data.count + 5 * (data.count / blockSize + 1))
    var start = 0
    repeat {
      let end = min(start + blockSize, data.count)
      let length = UInt16(end - start)
      // Each block starts byte-aligned, so the header is BFINAL in bit 0, BTYPE=00 and
      // padding: one whole byte.
      out.append(end == data.count ? 1 : 0)
      out.append(le16: length)
      out.append(le16: ~length)
      out += data[start..<end]
      start = end
    } while start < data.count
    return out
  }

  /// "Version needed to extract" 2.0, the value deflate entries need and most writers
  /// (Numbers included) put everywhere.
  static let versionNeeded: UInt16 = 20
  /// 00:00:00.
  static let dosTime: UInt16 = 0
  /// 1980-01-01: year offset 0, month 1, day 1.
  static let dosDate: UInt16 = (0 << 9) | (1 << 5) | 1
}

/// The CRC-32 of zip, gzip and PNG (IEEE 802.3, reflected polynomial `0xEDB88320`).
public enum CRC32 {
  /// The checksum of `data`.
  public static func checksum(_ data: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data {
      crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
    }
    return ~crc
  }

  private static let table: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 {
      c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1
    }
    return c
  }
}

extension [UInt8] {
  fileprivate mutating func append(le16 value: UInt16) {
    append(UInt8(truncatingIfNeeded: value))
    append(UInt8(truncatingIfNeeded: value >> 8))
  }

  fileprivate mutating func append(le32 value: UInt32) {
    for shift in stride(from: 0, to: 32, by: 8) {
      append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
    }
  }

  fileprivate mutating func append(le64 value: UInt64) {
    for shift in stride(from: 0, to: 64, by: 8) {
      append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
    }
  }
}

extension FixedWidthInteger {
  /// Traps with a clear message instead of silently writing a truncated header field.
  fileprivate init(checked value: Int) {
    guard let exact = Self(exactly: value) else {
      preconditionFailure("\(value) does not fit a \(Self.bitWidth)-bit zip field")
    }
    self = exact
  }
}
