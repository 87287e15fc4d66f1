// The libFuzzer target over the reader and the checks (`make fuzz`).
//
// Built by `make fuzz` with `-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING`. SwiftPM links
// an executable's entry point as `main` (`--defsym main=pipeline_fuzz_main`), so libFuzzer's own
// `main` cannot be used: the entry point hands the command line to libFuzzer's driver
// (`LLVMFuzzerRunDriver`), which calls `LLVMFuzzerTestOneInput` with each input. In the ordinary build
// (`swift build`, no FUZZING) the target is a plain reproducer instead: `pipeline-fuzz FILE…`
// runs each file through the same entry point once, so a crash found by the fuzzer can be
// replayed under the debugger or ASan without libFuzzer.
import Foundation
import Pipeline
import XLSXReading
import ZipBuilding

/// Small limits, so each input is fast and a "too big" input is refused rather than timing out.
let fuzzLimits: ReaderLimits = {
  var limits = ReaderLimits()
  limits.maxFileBytes = 4 << 20
  limits.maxCells = 100_000
  limits.maxSharedStrings = 50_000
  limits.maxTokenBytes = 65_536
  limits.maxEntryInflatedBytes = 8 << 20
  limits.maxTotalInflatedBytes = 32 << 20
  limits.ratioCheckAfterBytes = 1 << 20
  return limits
}()

let fuzzChecker: Checker = {
  var configuration = Configuration()
  configuration.reader = fuzzLimits
  return Checker(configuration: configuration)
}()

/// The separator of the parts of an XML-mode input.
let partSeparator = Array("\n=====\n".utf8)

/// An input that does not start with `PK` is not taken as a zip (mutated zips nearly all fail
/// libzip's CRC check, so they rarely get far into the XML) but as the XML of the parts, which
/// are zipped here with correct CRCs: worksheet, then optionally shared strings, styles and
/// workbook, separated by `\n=====\n`. The package around them is fixed.
func package(_ bytes: [UInt8]) -> [UInt8] {
  var parts: [[UInt8]] = []
  var start = 0
  var i = 0
  while i + partSeparator.count <= bytes.count, parts.count < 3 {
    if bytes[i..<i + partSeparator.count].elementsEqual(partSeparator) {
      parts.append(Array(bytes[start..<i]))
      i += partSeparator.count
      start = i
    } else {
      i += 1
    }
  }
  parts.append(Array(bytes[start...]))
  let sheet = parts[0]
  let shared = parts.count > 1 ? parts[1] : nil
  let styles = parts.count > 2 ? parts[2] : nil
  let workbook =
    parts.count > 3
    ? parts[3]
    : Array(
      ("<workbook xmlns=\"\(spreadsheetMLNamespace)\" xmlns:r=\"\(officeRelationships)\">"
        + "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>").utf8)
  func rel(_ id: String, _ type: String, _ target: String) -> String {
    "<Relationship Id=\"\(id)\" Type=\"\(officeRelationships)/\(type)\" Target=\"\(target)\"/>"
  }
  let rels =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
  var entries = [
    ZipEntry(
      "[Content_Types].xml",
      "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        + "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"),
    ZipEntry(
      "_rels/.rels", rels + rel("rId1", "officeDocument", "xl/workbook.xml") + "</Relationships>"),
    ZipEntry("xl/workbook.xml", workbook),
    ZipEntry(
      "xl/_rels/workbook.xml.rels",
      rels + rel("rId1", "worksheet", "worksheets/sheet1.xml")
        + rel("rId2", "sharedStrings", "sharedStrings.xml")
        + rel("rId3", "styles", "styles.xml") + "</Relationships>"),
    ZipEntry("xl/worksheets/sheet1.xml", sheet),
  ]
  if let shared { entries.append(ZipEntry("xl/sharedStrings.xml", shared)) }
  if let styles { entries.append(ZipEntry("xl/styles.xml", styles)) }
  return ZipBuilder.archive(entries)
}

let officeRelationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
let spreadsheetMLNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

/// One input (a zip, or XML parts packaged by ``package(_:)``): the reader alone (every sheet, every row), then the whole check. Neither may trap;
/// an `XLSXError` (or any thrown error) is a correct answer to bad input.
@discardableResult
func fuzzOne(_ input: [UInt8]) -> String {
  let bytes = input.starts(with: [0x50, 0x4B]) ? input : package(input)
  var cells = 0
  var read = "unreadable"
  if let workbook = try? Workbook(bytes: bytes, limits: fuzzLimits) {
    read = "\(workbook.sheets.count) sheets"
    for index in workbook.sheets.indices {
      do {
        try workbook.forEachRow(inSheet: index) { row in cells &+= row.cells.count }
      } catch {
        read += ", sheet \(index + 1): \(error)"
      }
    }
  }
  let entry = fuzzChecker.check(bytes: bytes, name: "fuzz.xlsx")
  return "\(read), \(cells) cells; check: \(entry.status.rawValue), \(entry.issues.count) issues"
}

@_cdecl("LLVMFuzzerTestOneInput")
public func llvmFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  fuzzOne(bytes)
  return 0
}

#if FUZZING
  /// libFuzzer's driver (compiler-rt `FuzzerInterface.h`): parses the flags, runs the fuzz loop.
  @_silgen_name("LLVMFuzzerRunDriver")
  func llvmFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
  ) -> CInt

  @main
  enum Fuzz {
    static func main() {
      var argc = CommandLine.argc
      var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
      let status = llvmFuzzerRunDriver(&argc, &argv) { data, size in
        llvmFuzzerTestOneInput(data, size)
      }
      exit(status)
    }
  }
#else
  @main
  enum Reproduce {
    static func main() {
      let paths = CommandLine.arguments.dropFirst()
      if paths.isEmpty {
        print(
          "usage: pipeline-fuzz FILE…  (runs each file through the fuzz entry point; `make fuzz` fuzzes)"
        )
      }
      for path in paths {
        guard let data = FileManager.default.contents(atPath: path) else {
          print("\(path): cannot read")
          continue
        }
        print("\(path): \(fuzzOne(Array(data)))")
      }
    }
  }
#endif
