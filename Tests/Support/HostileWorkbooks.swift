// Hostile variants of the valid submission: each keeps the submission's sheets, so the checks
// really reach the part that carries the attack, and each must be refused with FILE-001 or
// FILE-002 in bounded time and memory under the reader's default limits.

/// One hostile workbook, built in code.
public enum HostileWorkbook: String, CaseIterable, Sendable, CustomStringConvertible {
  /// 进站研究生's part inflates to 3 GiB (`<a/>` over and over) from about 3 MiB: the most a
  /// deflate stream can compress, about 1,030:1.
  case deflateBomb
  /// One 8 MiB sheet part of about 8 KB, listed in the workbook as 400 more sheets whose
  /// central-directory records all point at its data: 3.2 GiB to read from about 200 KB (the
  /// sheet list itself is most of it). Entries sharing a local header are an inconsistent
  /// package, FILE-001 (SPEC §8), refused before anything is inflated.
  case overlappingBomb
  /// A shared-string table of 1,000,000 entries, from a few tens of KB.
  case millionSharedStrings
  /// 100,000 zip entries (a ZIP64 end record gives the count).
  case hundredThousandEntries
  /// The billion-laughs entity expansion in the workbook part.
  case billionLaughs
  /// An external entity naming `/etc/passwd`, used in a cell.
  case externalEntity
  /// A plain DOCTYPE: any DOCTYPE is refused.
  case doctype
  /// A cell's value 100,000 elements deep.
  case deepNesting
  /// 补助发放's part stops after an open row and never closes its elements.
  case neverClosingSheet

  public var description: String { rawValue }

  /// The rule the file is refused under.
  public var rule: String {
    switch self {
    case .neverClosingSheet, .overlappingBomb: "FILE-001"
    default: "FILE-002"
    }
  }

  /// The workbook's bytes.
  public func bytes() -> [UInt8] {
    let valid = SubmissionWorkbook.valid()
    var builder = valid.builder()
    switch self {
    case .deflateBomb:
      let inflated = 3 << 30
      let head = Array(Self.worksheetOpening.utf8)
      return Self.archive(
        builder, replacing: "xl/worksheets/sheet2.xml", with: Self.bomb(head: head, bytes: inflated)
      )
    case .overlappingBomb:
      let extra = 400
      builder.sheets += (1...extra).map { XLSXBuilder.Sheet(name: "附表\($0)", xml: "") }
      let kernel = "xl/worksheets/sheet\(valid.sheets.count + 1).xml"
      var entries = builder.entries()
      for (i, entry) in entries.enumerated() where entry.name.hasPrefix("xl/worksheets/sheet") {
        let number = Int(entry.name.dropFirst("xl/worksheets/sheet".count).dropLast(4))!
        if entry.name == kernel {
          entries[i] = Self.bomb(
            name: kernel, head: Array(Self.worksheetOpening.utf8), bytes: 8 << 20, withCRC: true)
        } else if number > valid.sheets.count {
          entries[i].sharesDataWith = kernel
        }
      }
      return ZipBuilder.archive(entries)
    case .millionSharedStrings:
      builder.sharedStrings = ["x"]  // the relationship and content type; the part is replaced
      let count = 1_000_000
      let sst =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sst xmlns=\"\(spreadsheetMLNamespace)\" count=\"\(count)\" uniqueCount=\"\(count)\">"
      let pattern = Array("<si><t>x</t></si>".utf8)
      let payload = Deflate.repeating(
        prefix: Array(sst.utf8), pattern: pattern, count: count, suffix: Array("</sst>".utf8))
      let size = sst.utf8.count + pattern.count * count + 6
      return Self.archive(
        builder, replacing: "xl/sharedStrings.xml",
        with: ZipEntry(
          "xl/sharedStrings.xml", [],
          method: .precompressed(code: 8, payload: payload, crc: 0, uncompressedSize: size)))
    case .hundredThousandEntries:
      builder.extraEntries = (1...100_000).map {
        ZipEntry("customXml/item\($0).xml", [], method: .stored)
      }
      return builder.build()
    case .billionLaughs:
      let laughs =
        "<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        + (2...9).map { n in
          "<!ENTITY lol\(n) \""
            + String(repeating: "&lol\(n == 2 ? "" : String(n - 1));", count: 10) + "\">"
        }.joined()
        + "]>"
      builder.workbookXML = builder.entries()[2].text.replacingOccurrences(
        of: "<workbook ", with: laughs + "<workbook "
      )
      .replacingOccurrences(of: "name=\"工作站信息\"", with: "name=\"&lol9;\"")
      return builder.build()
    case .externalEntity, .doctype:
      let doctype =
        self == .doctype
        ? "<!DOCTYPE worksheet>"
        : "<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
      builder.sheets[0].xml = builder.sheets[0].xml
        .replacingOccurrences(of: "<worksheet ", with: doctype + "<worksheet ")
        .replacingOccurrences(of: "工作站编号", with: self == .doctype ? "工作站编号" : "&xxe;")
      return builder.build()
    case .deepNesting:
      let depth = 100_000
      let deep =
        String(repeating: "<x>", count: depth) + "深" + String(repeating: "</x>", count: depth)
      builder.sheets[1].xml = builder.sheets[1].xml.replacingOccurrences(
        of: "<t xml:space=\"preserve\">张三</t>", with: "<t xml:space=\"preserve\">张三</t>" + deep)
      return builder.build()
    case .neverClosingSheet:
      let xml = builder.sheets[4].xml
      let cut = xml.range(of: "<row r=\"3\"")!.lowerBound
      builder.sheets[4].xml =
        String(xml[..<cut])
        + "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t xml:space=\"preserve\">2023110021"
      return builder.build()
    }
  }

  /// The overlapping bomb's consistent twin: the one 8 MiB sheet part of about 8 KB appears once
  /// in the zip, and the workbook lists it as 400 more sheets through their relationships. Only
  /// the compression ratio over all the parts read stops it.
  public static func oneSheetListedManyTimes() -> [UInt8] {
    let valid = SubmissionWorkbook.valid()
    var builder = valid.builder()
    let kernelNumber = valid.sheets.count + 1
    builder.sheets += (1...400).map { XLSXBuilder.Sheet(name: "附表\($0)", xml: "") }
    let kernel = "xl/worksheets/sheet\(kernelNumber).xml"
    var entries: [ZipEntry] = []
    for var entry in builder.entries() {
      if entry.name == kernel {
        entry = bomb(
          name: kernel, head: Array(worksheetOpening.utf8), bytes: 8 << 20, withCRC: true)
      } else if entry.name.hasPrefix("xl/worksheets/sheet"),
        Int(entry.name.dropFirst("xl/worksheets/sheet".count).dropLast(4))! > kernelNumber
      {
        continue
      } else if entry.name == "xl/_rels/workbook.xml.rels" {
        var xml = entry.text
        for n in (kernelNumber + 1)...(kernelNumber + 400) {
          xml = xml.replacingOccurrences(
            of: "\"worksheets/sheet\(n).xml\"", with: "\"worksheets/sheet\(kernelNumber).xml\"")
        }
        entry.data = Array(xml.utf8)
      }
      entries.append(entry)
    }
    return ZipBuilder.archive(entries)
  }

  /// A worksheet part up to its open `<sheetData>`.
  private static var worksheetOpening: String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<worksheet xmlns=\"\(spreadsheetMLNamespace)\"><sheetData>"
  }

  /// A worksheet part `head` + `<a/>`… (an element no reader needs, 2 bits a 258-byte copy)
  /// inflating to about `bytes`, really compressed. Its CRC is 0 unless asked for: the limits
  /// stop a reader long before the end of a big one.
  private static func bomb(name: String = "", head: [UInt8], bytes: Int, withCRC: Bool = false)
    -> ZipEntry
  {
    let pattern = Array("<a/>".utf8)
    let tail = Array("</sheetData></worksheet>".utf8)
    let count = (bytes - head.count - tail.count) / pattern.count
    let payload = Deflate.repeating(prefix: head, pattern: pattern, count: count, suffix: tail)
    let size = head.count + pattern.count * count + tail.count
    let crc =
      withCRC
      ? CRC32.checksum(head + Array(repeatElement(pattern, count: count).joined()) + tail) : 0
    return ZipEntry(
      name, [],
      method: .precompressed(
        code: 8, payload: payload, crc: crc, uncompressedSize: min(size, Int(UInt32.max))))
  }

  private static func archive(_ builder: XLSXBuilder, replacing name: String, with entry: ZipEntry)
    -> [UInt8]
  {
    var replacement = entry
    replacement.name = name
    return ZipBuilder.archive(
      builder.entries().map { $0.name == name ? replacement : $0 } + builder.extraEntries)
  }
}

extension ZipEntry {
  /// The entry's data as UTF-8 text.
  var text: String { String(decoding: data, as: UTF8.self) }
}
