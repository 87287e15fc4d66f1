import Model
import Testing
import XLSXTestSupport

@testable import XLSXReading

/// The hostile workbooks of issue 6 under the reader's *default* limits: each is refused with
/// the limit or error meant for it, long before it can cost what it was built to cost.
@Suite("Hostile workbooks")
struct HostileWorkbookTests {
  /// Every hostile workbook, built once (the bombs take seconds to build in a debug build).
  static let packages = Dictionary(
    uniqueKeysWithValues: HostileWorkbook.allCases.map { ($0, $0.bytes()) })

  static func expectedKind(_ hostile: HostileWorkbook) -> XLSXError.Kind {
    switch hostile {
    case .deflateBomb: .limitExceeded(.compressionRatio)
    // SPEC §8: "two central entries that share one local header … is FILE-001 (different tools
    // would read different contents)"; it was FILE-002 (the compression ratio) before.
    case .overlappingBomb: .inconsistentPackage(entry: nil)
    case .millionSharedStrings: .limitExceeded(.sharedStrings)
    case .hundredThousandEntries: .limitExceeded(.entries)
    case .billionLaughs, .externalEntity, .doctype: .doctype
    case .deepNesting: .limitExceeded(.xmlDepth)
    case .neverClosingSheet: .malformedXML
    }
  }

  @Test("each is refused under the default limits", arguments: HostileWorkbook.allCases)
  func refused(_ hostile: HostileWorkbook) throws {
    let error = try #require(readError(bytes: Self.packages[hostile]!))
    if case .inconsistentPackage = error.kind,
      case .inconsistentPackage = Self.expectedKind(hostile)
    {
      #expect(error.detail.contains("shares the local header"), "\(error)")
    } else {
      #expect(error.kind == Self.expectedKind(hostile), "\(error)")
    }
    #expect(error.rule == hostile.rule)
    #expect(!error.description.contains("root:"))
  }

  @Test("the bombs are small on disk: about 1,000:1 in one stream, far more by overlapping")
  func bombSizes() {
    #expect(Self.packages[.deflateBomb]!.count < 4 << 20)  // for 3 GiB
    #expect(Self.packages[.overlappingBomb]!.count < 250_000)  // for 3.2 GiB
    #expect(Self.packages[.millionSharedStrings]!.count < 100_000)
  }

  @Test("one part listed as 400 sheets is stopped by the ratio over all the parts read")
  func manyListingsStoppedEarly() throws {
    let bytes = HostileWorkbook.oneSheetListedManyTimes()
    #expect(bytes.count < 250_000)
    let error = try #require(readError(bytes: bytes))
    #expect(error.kind == .limitExceeded(.compressionRatio), "\(error)")
    #expect(error.detail.hasPrefix("the parts read"), "\(error)")
  }

  @Test(
    "Deflate.repeating inflates to exactly its input",
    arguments: [1, 3, 4, 5, 17, 300], [1, 2, 3, 100, 2_000])
  func repeatingRoundTrip(patternLength: Int, count: Int) throws {
    let pattern = String((0..<patternLength).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
    let head = worksheet("").replacingOccurrences(
      of: "</sheetData></worksheet>", with: "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>")
    let tail = "</t></is></c></row></sheetData></worksheet>"
    let xml = head + String(repeating: pattern, count: count) + tail
    let payload = Deflate.repeating(
      prefix: Array(head.utf8), pattern: Array(pattern.utf8), count: count, suffix: Array(tail.utf8)
    )
    let entries = packageEntries(sheetXML: xml).map { entry in
      entry.name != "xl/worksheets/sheet1.xml"
        ? entry
        : ZipEntry(
          entry.name, [],
          method: .precompressed(
            code: 8, payload: payload, crc: CRC32.checksum(entry.data),
            uncompressedSize: entry.data.count))
    }
    #expect(
      try read(bytes: ZipBuilder.archive(entries)) == [
        "S": ["A1": .text(String(repeating: pattern, count: count))]
      ])
  }
}
