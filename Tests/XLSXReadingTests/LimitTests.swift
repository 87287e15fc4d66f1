import Foundation
import Model
import Testing
import XLSXTestSupport

@testable import XLSXReading

/// The reader's safety limits: each input is refused under a small limit with
/// `.limitExceeded(<that limit>)` and rule FILE-002, and the very same input reads in full with
/// the default limits.
@Suite("Reader limits")
struct LimitTests {
  enum Case: String, CaseIterable, CustomTestStringConvertible {
    case fileBytes, entries, entryInflatedBytes, totalInflatedBytes, compressionRatio, cells,
      sharedStrings, sharedStringBytes, tokenBytes, xmlDepth

    var testDescription: String { rawValue }

    var limit: XLSXError.Limit {
      switch self {
      case .fileBytes: .fileBytes
      case .entries: .entries
      case .entryInflatedBytes: .entryInflatedBytes
      case .totalInflatedBytes: .totalInflatedBytes
      case .compressionRatio: .compressionRatio
      case .cells: .cells
      case .sharedStrings: .sharedStrings
      case .sharedStringBytes: .sharedStringBytes
      case .tokenBytes: .tokenBytes
      case .xmlDepth: .xmlDepth
      }
    }

    /// The input and what it reads as.
    var input: (bytes: [UInt8], cells: [String: [String: CellValue]]) {
      switch self {
      case .fileBytes:
        return (simplePackage(), simplePackageCells)
      case .entries:
        var builder = XLSXBuilder(sheets: [
          .init(name: "S", rows: [[.number(1), .inlineString("x")]])
        ])
        builder.extraEntries = (1...20).map { ZipEntry("junk/\($0).bin", [UInt8($0)]) }
        return (builder.build(), simplePackageCells)
      case .entryInflatedBytes:
        // One ~20 KB sheet; every other part is well under 2 KB.
        let (rows, cells) = Self.rows(count: 200, text: String(repeating: "e", count: 50))
        return (XLSXBuilder(sheets: [.init(name: "S", rows: rows)]).build(), ["S": cells])
      case .totalInflatedBytes:
        let (rows, cells) = Self.rows(count: 200, text: String(repeating: "t", count: 50))
        let builder = XLSXBuilder(sheets: [
          .init(name: "A", rows: rows), .init(name: "B", rows: rows),
        ])
        return (builder.build(), ["A": cells, "B": cells])
      case .compressionRatio:
        return (deflatedPackage(sheetXML: Self.airySheet), ["S": Self.airySheetCells])
      case .cells:
        let builder = XLSXBuilder(sheets: [
          .init(name: "S", rows: [(1...10).map { .number(Double($0)) }])
        ])
        return (
          builder.build(),
          [
            "S": Dictionary(
              uniqueKeysWithValues: (1...10).map {
                (columnName($0 - 1) + "1", CellValue.number(Double($0)))
              })
          ]
        )
      case .sharedStrings:
        var builder = XLSXBuilder(sheets: [
          .init(name: "S", rows: [(0..<5).map { .sharedString($0) }])
        ])
        builder.sharedStrings = ["a", "b", "c", "d", "e"]
        return (
          builder.build(),
          [
            "S": [
              "A1": .text("a"), "B1": .text("b"), "C1": .text("c"), "D1": .text("d"),
              "E1": .text("e"),
            ]
          ]
        )
      case .sharedStringBytes:
        // 5 strings of 3 bytes each ("字" is 3 bytes in UTF-8): 15 bytes in all.
        var builder = XLSXBuilder(sheets: [
          .init(name: "S", rows: [(0..<5).map { .sharedString($0) }])
        ])
        builder.sharedStrings = Array(repeating: "字", count: 5)
        let cells = Dictionary(
          uniqueKeysWithValues: (0..<5).map { (columnName($0) + "1", CellValue.text("字")) })
        return (builder.build(), ["S": cells])
      case .tokenBytes:
        let huge = String(repeating: "字", count: 100_000)  // 300,000 bytes in one text token
        return (
          XLSXBuilder(sheets: [.init(name: "S", rows: [[.inlineString(huge)]])]).build(),
          ["S": ["A1": .text(huge)]]
        )
      case .xmlDepth:
        return (Self.deepPackage(nesting: 10), ["S": ["A1": .text("deep")]])
      }
    }

    /// Limits under which the input must be refused.
    func smallLimits(for bytes: [UInt8]) -> ReaderLimits {
      var limits = ReaderLimits()
      switch self {
      case .fileBytes: limits.maxFileBytes = bytes.count - 1
      case .entries: limits.maxEntries = 10
      case .entryInflatedBytes: limits.maxEntryInflatedBytes = 8_000
      case .totalInflatedBytes:
        // Room for the small parts and one sheet, not for two.
        let sheetBytes = sheetXML(
          rows: Self.rows(count: 200, text: String(repeating: "t", count: 50)).0
        ).utf8.count
        limits.maxTotalInflatedBytes = sheetBytes * 3 / 2
      case .compressionRatio:
        limits.maxCompressionRatio = 50
        limits.ratioCheckAfterBytes = 4_096
      case .cells: limits.maxCells = 9
      case .sharedStrings: limits.maxSharedStrings = 4
      case .sharedStringBytes: limits.maxSharedStringBytes = 14
      case .tokenBytes: limits.maxTokenBytes = 100_000
      case .xmlDepth: limits.maxXMLDepth = 12
      }
      return limits
    }

    static func rows(count: Int, text: String) -> ([[CellSpec]], [String: CellValue]) {
      var cells: [String: CellValue] = [:]
      let rows: [[CellSpec]] = (1...count).map { r in
        cells["A\(r)"] = .text(text)
        cells["B\(r)"] = .number(Double(r))
        return [.inlineString(text), .number(Double(r))]
      }
      return (rows, cells)
    }

    /// A sheet of a few cells and 600,000 bytes of white space between its rows (ten runs of
    /// 60,000, each its own text token): deflate makes that roughly 150:1.
    static let airySheet: String = {
      let gap = String(repeating: " ", count: 60_000)
      var sheetData = ""
      for r in 1...10 { sheetData += "<row r=\"\(r)\"><c r=\"A\(r)\"><v>\(r)</v></c></row>" + gap }
      return worksheet(sheetData)
    }()

    static let airySheetCells: [String: CellValue] = Dictionary(
      uniqueKeysWithValues: (1...10).map { ("A\($0)", CellValue.number(Double($0))) })

    /// A sheet whose A1 is an inline string with `<t>deep</t>` inside `nesting` unknown elements:
    /// the `<t>` is at depth 6 + nesting (worksheet, sheetData, row, c, is, …, t).
    static func deepPackage(nesting: Int) -> [UInt8] {
      let open = String(repeating: "<x>", count: nesting)
      let close = String(repeating: "</x>", count: nesting)
      let xml = worksheet(
        "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is>\(open)<t>deep</t>\(close)</is></c></row>")
      return XLSXBuilder(sheets: [.init(name: "S", xml: xml)]).build()
    }
  }

  @Test("each input is refused under its small limit", arguments: Case.allCases)
  func refusedUnderSmallLimit(_ c: Case) throws {
    let (bytes, _) = c.input
    let error = try #require(readError(bytes: bytes, limits: c.smallLimits(for: bytes)))
    #expect(error.kind == .limitExceeded(c.limit), "\(error)")
    #expect(error.rule == "FILE-002")
    #expect(!error.message.isEmpty)
  }

  @Test("the same inputs read in full with the default limits", arguments: Case.allCases)
  func passesWithDefaults(_ c: Case) throws {
    let (bytes, cells) = c.input
    #expect(try read(bytes: bytes) == cells)
  }

  @Test("maxFileBytes also applies to a workbook opened by path")
  func fileBytesByPath() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let bytes = simplePackage()
    let url = dir.url.appendingPathComponent("book.xlsx")
    try Data(bytes).write(to: url)
    var limits = ReaderLimits()
    limits.maxFileBytes = bytes.count - 1
    let error = try #require(xlsxError { _ = try Workbook(path: url.path, limits: limits) })
    #expect(error.kind == .limitExceeded(.fileBytes))
    #expect(error.rule == "FILE-002")

    limits.maxFileBytes = bytes.count
    let workbook = try Workbook(path: url.path, limits: limits)
    var cells: [Cell] = []
    try workbook.forEachRow(inSheet: 0) { cells += $0.cells }
    #expect(
      cells == [Cell(CellReference("A1")!, .number(1)), Cell(CellReference("B1")!, .text("x"))])
  }

  @Test("a limit met exactly is not exceeded")
  func exactlyAtTheLimit() throws {
    var limits = ReaderLimits()
    let simple = simplePackage()
    limits.maxFileBytes = simple.count
    #expect(try read(bytes: simple, limits: limits) == simplePackageCells)

    let entries = Case.entries.input
    limits = ReaderLimits()
    limits.maxEntries = 24  // [Content_Types].xml, two .rels, workbook, sheet and 20 junk
    #expect(readError(bytes: entries.bytes, limits: limits)?.kind == .limitExceeded(.entries))
    limits.maxEntries = 25
    #expect(try read(bytes: entries.bytes, limits: limits) == entries.cells)

    let cells = Case.cells.input
    limits = ReaderLimits()
    limits.maxCells = 10
    #expect(try read(bytes: cells.bytes, limits: limits) == cells.cells)

    let shared = Case.sharedStrings.input
    limits = ReaderLimits()
    limits.maxSharedStrings = 5
    #expect(try read(bytes: shared.bytes, limits: limits) == shared.cells)

    let sharedBytes = Case.sharedStringBytes.input
    limits = ReaderLimits()
    limits.maxSharedStringBytes = 15
    #expect(try read(bytes: sharedBytes.bytes, limits: limits) == sharedBytes.cells)

    // <t> at depth 16: a limit of 16 allows it, 15 does not.
    let deep = Case.deepPackage(nesting: 10)
    limits = ReaderLimits()
    limits.maxXMLDepth = 16
    #expect(try read(bytes: deep, limits: limits) == ["S": ["A1": .text("deep")]])
    limits.maxXMLDepth = 15
    #expect(readError(bytes: deep, limits: limits)?.kind == .limitExceeded(.xmlDepth))
  }

  @Test("maxTotalInflatedBytes counts across parts: the first sheet reads, the second does not")
  func totalInflatedAcrossSheets() throws {
    let (bytes, cells) = Case.totalInflatedBytes.input
    let workbook = try Workbook(
      bytes: bytes, limits: Case.totalInflatedBytes.smallLimits(for: bytes))
    var first: [String: CellValue] = [:]
    try workbook.forEachRow(inSheet: 0) { row in
      for cell in row.cells { first[cell.reference.a1] = cell.value }
    }
    #expect(first == cells["A"])
    let error = try #require(xlsxError { try workbook.forEachRow(inSheet: 1) { _ in } })
    #expect(error.kind == .limitExceeded(.totalInflatedBytes))
    #expect(error.rule == "FILE-002")
  }

  @Test("maxCells counts the whole workbook, across sheets")
  func cellsAcrossSheets() throws {
    let builder = XLSXBuilder(sheets: [
      .init(name: "A", rows: [(1...5).map { .number(Double($0)) }]),
      .init(name: "B", rows: [(1...5).map { .number(Double($0)) }]),
    ])
    var limits = ReaderLimits()
    limits.maxCells = 8
    let workbook = try Workbook(bytes: builder.build(), limits: limits)
    var first = 0
    try workbook.forEachRow(inSheet: 0) { first += $0.cells.count }
    #expect(first == 5)
    let error = try #require(xlsxError { try workbook.forEachRow(inSheet: 1) { _ in } })
    #expect(error.kind == .limitExceeded(.cells))
    #expect(error.rule == "FILE-002")
  }

  @Test("a compression ratio under the limit passes even when checked early")
  func ratioUnderLimit() throws {
    var limits = ReaderLimits()
    limits.ratioCheckAfterBytes = 4_096
    limits.maxCompressionRatio = 200  // the airy sheet is about 150:1
    #expect(
      try read(bytes: deflatedPackage(sheetXML: Case.airySheet), limits: limits) == [
        "S": Case.airySheetCells
      ])
  }

  @Test("maxTokenBytes: a token over the limit is refused however the buffer grows")
  func tokenJustOverLimit() throws {
    // 300,000 bytes against a 200,000-byte limit.
    let bytes = Case.tokenBytes.input.bytes
    var limits = ReaderLimits()
    limits.maxTokenBytes = 200_000
    let error = readErrorOrNil(bytes: bytes, limits: limits)
    #expect(error?.kind == .limitExceeded(.tokenBytes))
  }

  @Test("maxTokenBytes also bounds a tag, such as one with a huge attribute")
  func hugeTag() throws {
    let attribute = String(repeating: "a", count: 300_000)
    let xml = worksheet("<row r=\"1\" x=\"\(attribute)\"><c r=\"A1\"><v>1</v></c></row>")
    let bytes = XLSXBuilder(sheets: [.init(name: "S", xml: xml)]).build()
    var limits = ReaderLimits()
    limits.maxTokenBytes = 100_000
    let error = try #require(readError(bytes: bytes, limits: limits))
    #expect(error.kind == .limitExceeded(.tokenBytes))
    #expect(error.rule == "FILE-002")
    #expect(try read(bytes: bytes) == ["S": ["A1": .number(1)]])
  }

  /// The error reading throws, or nil when it reads without one (no issue recorded).
  private func readErrorOrNil(bytes: [UInt8], limits: ReaderLimits) -> XLSXError? {
    do {
      _ = try read(bytes: bytes, limits: limits)
      return nil
    } catch {
      return error as? XLSXError
    }
  }
}
