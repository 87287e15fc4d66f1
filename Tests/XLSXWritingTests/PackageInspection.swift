import Foundation
import Model
import Testing

@testable import XLSXReading
@testable import XLSXWriting

// What the writer tests look at in a written package beyond its cells, read with our own zip
// reader (no unzip binary: a fresh machine need not have one).

/// A part of the package at `path` as text (comments, styles, sheet XML).
func packagePart(_ path: String, _ name: String) throws -> String {
  let archive = try ZipArchive(path: path, limits: ReaderLimits())
  let stream = try #require(try archive.open(name), "no part \(name) in \(path)")
  var bytes: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 1 << 16)
  while case let n = try chunk.withUnsafeMutableBytes({ try stream.read(into: $0) }), n > 0 {
    bytes += chunk[0..<n]
  }
  return String(decoding: bytes, as: UTF8.self)
}

/// Every sheet's cells, in workbook order: A1 → value.
func cellsBySheet(_ workbook: Workbook) throws -> [[String: CellValue]] {
  try workbook.sheets.indices.map { index in
    var cells: [String: CellValue] = [:]
    try workbook.forEachRow(inSheet: index) { row in
      for cell in row.cells { cells[cell.reference.a1] = cell.value }
    }
    return cells
  }
}

/// Each cell's fill colour (ARGB), from the sheet part's style indexes and the styles part.
func fillsByCell(part: String, styles: String) throws -> [String: String] {
  func matches(_ pattern: String, in text: String) throws -> [[String]] {
    let regex = try NSRegularExpression(pattern: pattern)
    return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { m in
      (1..<m.numberOfRanges).map { String(text[Range(m.range(at: $0), in: text)!]) }
    }
  }
  let fillsPart = try #require(
    styles.range(of: "<fills.*?</fills>", options: .regularExpression).map { String(styles[$0]) })
  let fills = fillsPart.components(separatedBy: "<fill>").dropFirst().map { fill in
    (try? matches("fgColor rgb=\"([0-9A-F]+)\"", in: fill).first?.first) ?? nil
  }
  let xfsPart = try #require(
    styles.range(of: "<cellXfs.*?</cellXfs>", options: .regularExpression).map {
      String(styles[$0])
    })
  let xfFills = try matches("<xf [^>]*fillId=\"([0-9]+)\"", in: xfsPart).map { Int($0[0])! }
  var result: [String: String] = [:]
  for m in try matches("<c r=\"([A-Z]+[0-9]+)\" s=\"([0-9]+)\"", in: part) {
    let xf = Int(m[1])!
    if xf < xfFills.count, xfFills[xf] < fills.count, let color = fills[xfFills[xf]] {
      result[m[0]] = color
    }
  }
  return result
}

/// A sheet's column widths by 1-based column, in the characters the writer asked for (the
/// stored width without libxlsxwriter's padding).
func widthsByColumn(_ workbook: Workbook, sheet: Int) throws -> [Int: Double] {
  Dictionary(
    try workbook.columnWidths(inSheet: sheet).flatMap { w in
      (w.first...w.last).map { ($0, AnnotatedWorkbook.characterWidth(w.width)) }
    }, uniquingKeysWith: { a, _ in a })
}
