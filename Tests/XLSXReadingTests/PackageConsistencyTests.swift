import Model
import Testing
import XLSXTestSupport

@testable import XLSXReading

/// SPEC §8 "The package": a zip whose records contradict each other is FILE-001 (different tools
/// would read different contents), and a CRC mismatch is FILE-001 before any content is reported.
@Suite("Package consistency")
struct PackageConsistencyTests {
  static let sheetPart = "xl/worksheets/sheet1.xml"
  static let sheetXML = worksheet(
    "<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"B1\" t=\"inlineStr\"><is><t>x</t></is></c></row>")

  /// The one-sheet package, with `change` applied to the sheet's entry.
  static func package(_ change: (inout ZipEntry) -> Void) -> [UInt8] {
    ZipBuilder.archive(
      packageEntries(sheetXML: sheetXML).map { entry in
        var entry = entry
        if entry.name == sheetPart { change(&entry) }
        return entry
      })
  }

  static func expectInconsistent(
    _ bytes: [UInt8], entry: String?, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let error = readError(bytes: bytes, sourceLocation: sourceLocation)
    #expect(
      error?.kind == .inconsistentPackage(entry: entry), "\(String(describing: error))",
      sourceLocation: sourceLocation)
    #expect(error?.rule == "FILE-001", sourceLocation: sourceLocation)
  }

  // MARK: - Local header against central entry

  enum LocalLie: String, CaseIterable, CustomStringConvertible {
    case name, method, flags, crc, compressedSize, uncompressedSize
    var description: String { rawValue }
  }

  @Test("a local header that disagrees with its central entry", arguments: LocalLie.allCases)
  func localHeaderDisagrees(_ lie: LocalLie) {
    let bytes = Self.package { entry in
      entry.method = .stored
      switch lie {
      case .name: entry.local.name = "xl/worksheets/sheet2.xml"
      case .method: entry.local.method = 8
      case .flags: entry.local.flags = 1 << 11 | 1 << 1
      case .crc: entry.local.crc = CRC32.checksum(entry.data) ^ 1
      case .compressedSize: entry.local.compressedSize = UInt32(entry.data.count + 1)
      case .uncompressedSize: entry.local.uncompressedSize = UInt32(entry.data.count - 1)
      }
    }
    Self.expectInconsistent(bytes, entry: Self.sheetPart)
    let message = readError(bytes: bytes)?.message ?? ""
    #expect(message.contains(Self.sheetPart) && message.contains("不同的程序会读出不同的内容"))
  }

  @Test(
    "with a data descriptor the local header may say zero or the truth; the descriptor must agree")
  func dataDescriptor() throws {
    // Zeros (streaming writers), and the real uncompressed size beside zeros (Apache POI).
    let zeros = Self.package { $0.dataDescriptor = true }
    #expect(try read(bytes: zeros) == simplePackageCells)
    let poi = Self.package { entry in
      entry.dataDescriptor = true
      entry.local.uncompressedSize = UInt32(entry.data.count)
    }
    #expect(try read(bytes: poi) == simplePackageCells)
    let numbers = Self.package { entry in
      entry.dataDescriptor = true
      entry.zip64Extra = true
    }
    #expect(try read(bytes: numbers) == simplePackageCells)

    Self.expectInconsistent(
      Self.package { entry in
        entry.dataDescriptor = true
        entry.local.descriptorCRC = 0xDEAD_BEEF
      }, entry: Self.sheetPart)
    Self.expectInconsistent(
      Self.package { entry in
        entry.dataDescriptor = true
        entry.local.uncompressedSize = 7
      }, entry: Self.sheetPart)
  }

  @Test("a local extra field that is damaged, or whose ZIP64 sizes lie")
  func localExtraField() throws {
    func zip64(_ uncompressed: UInt64, _ compressed: UInt64) -> [UInt8] {
      var out: [UInt8] = [0x01, 0x00, 16, 0x00]
      for v in [uncompressed, compressed] {
        out += (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
      }
      return out
    }
    let size = UInt64(Self.sheetXML.utf8.count)
    let honest = Self.package { entry in
      entry.method = .stored
      entry.local.extra = zip64(size, size)
    }
    #expect(try read(bytes: honest) == simplePackageCells)
    for extra in [zip64(size + 1, size), [0x55, 0x54, 0x09, 0x00, 0x01], [0x00]] {
      Self.expectInconsistent(
        Self.package { entry in
          entry.method = .stored
          entry.local.extra = extra
        }, entry: Self.sheetPart)
    }
  }

  @Test(
    "a byte flipped in a local header is FILE-001, whichever field it lands in",
    arguments: [
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
      25, 26, 27, 28, 29, 30, 35, 40,
    ])
  func flippedLocalHeaderByte(at offset: Int) throws {
    var bytes = simplePackage()
    // The sheet's local header (not the first entry's: that one libzip alone would catch).
    let header = try #require(Self.localHeaderOffset(of: Self.sheetPart, in: bytes))
    bytes[header + offset] ^= 0x5A
    let error = try #require(readError(bytes: bytes))
    #expect(error.rule == "FILE-001", "\(error)")
  }

  /// Where the local header of `name` starts.
  static func localHeaderOffset(of name: String, in bytes: [UInt8]) -> Int? {
    let signature: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    let target = Array(name.utf8)
    for i in 0..<(bytes.count - 30) where bytes[i..<(i + 4)].elementsEqual(signature) {
      let n = Int(bytes[i + 26]) | Int(bytes[i + 27]) << 8
      if bytes[(i + 30)...].starts(with: target) && n == target.count { return i }
    }
    return nil
  }

  // MARK: - Names, offsets, end records

  @Test(
    "two entries with one part name under OPC comparison",
    arguments: [
      "XL/Worksheets/Sheet1.xml", "xl\\worksheets\\sheet1.xml", "/xl/worksheets/sheet1.xml",
    ])
  func duplicatePartNames(_ twin: String) {
    let entries = packageEntries(sheetXML: Self.sheetXML) + [ZipEntry(twin, worksheet(""))]
    Self.expectInconsistent(ZipBuilder.archive(entries), entry: twin)
  }

  @Test("two central entries sharing one local header")
  func sharedLocalHeader() {
    var twin = ZipEntry("xl/worksheets/sheet2.xml", [UInt8]())
    twin.sharesDataWith = Self.sheetPart
    let error = readError(
      bytes: ZipBuilder.archive(packageEntries(sheetXML: Self.sheetXML) + [twin]))
    #expect(error?.rule == "FILE-001")
    guard case .inconsistentPackage = error?.kind else {
      Issue.record("expected an inconsistent package, got \(String(describing: error))")
      return
    }
    #expect(error?.detail.contains("shares the local header") == true)
  }

  @Test("a local entry the central directory does not list (a streaming reader would see it)")
  func unlistedLocalEntry() {
    var hidden = ZipEntry("xl/worksheets/sheet9.xml", worksheet(""))
    hidden.unlisted = true
    var entries = packageEntries(sheetXML: Self.sheetXML)
    entries.insert(hidden, at: 2)
    let error = readError(bytes: ZipBuilder.archive(entries))
    #expect(error?.rule == "FILE-001")
    #expect(error?.detail.contains("gap") == true, "\(String(describing: error))")
  }

  @Test("more than one plausible end-of-central-directory record")
  func twoEndRecords() throws {
    let one = simplePackage()
    // Two zips concatenated, and a zip inside the zip comment.
    for bytes in [
      one + one, ZipBuilder.archive(packageEntries(sheetXML: Self.sheetXML), comment: one),
    ] {
      let error = try #require(readError(bytes: bytes))
      #expect(error.kind == .inconsistentPackage(entry: nil), "\(error)")
    }
    // An ordinary comment is no second record.
    let commented = ZipBuilder.archive(
      packageEntries(sheetXML: Self.sheetXML), comment: Array("saved by a tool PK".utf8))
    #expect(try read(bytes: commented) == simplePackageCells)
  }

  // MARK: - CRC before content

  @Test("a sheet that fails its CRC yields FILE-001 and not one row")
  func crcMismatchDeliversNothing() throws {
    // Many rows, so that a streaming reader would hand out rows long before the part's end.
    let rows = (1...5_000).map { "<row r=\"\($0)\"><c r=\"A\($0)\"><v>\($0)</v></c></row>" }
      .joined()
    let xml = worksheet(rows)
    let entries = packageEntries(sheetXML: xml).map { entry in
      entry.name != Self.sheetPart
        ? entry
        : ZipEntry(
          entry.name, [],
          method: .precompressed(
            code: 0, payload: entry.data, crc: CRC32.checksum(entry.data) ^ 0xFF,
            uncompressedSize: entry.data.count))
    }
    let workbook = try Workbook(bytes: ZipBuilder.archive(entries))
    var delivered = 0
    let error = xlsxError { try workbook.forEachRow(inSheet: 0) { _ in delivered += 1 } }
    #expect(error?.rule == "FILE-001", "\(String(describing: error))")
    #expect(error?.kind == .corruptZip)
    #expect(delivered == 0)
    // A caller that drops what it got on a throw reads in one pass: the same error, at the end.
    let onePass = xlsxError {
      try workbook.forEachRow(inSheet: 0, verifyFirst: false) { _ in delivered += 1 }
    }
    #expect(
      onePass?.rule == "FILE-001" && onePass?.kind == .corruptZip, "\(String(describing: onePass))")
    #expect(delivered == 5_000)
  }
}
