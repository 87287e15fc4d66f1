import Foundation
import Testing
import XLSXTestSupport

/// Hostile uploads: each is a result (200, FILE-001/FILE-002), never a server error.
@Suite struct HostileUploadTests {
  /// A workbook whose one sheet inflates 1.6 MB from 2.8 KB (ratio ~570, over the limit of 200
  /// once 1 MiB has inflated: AppFixture's `ratioCheckAfterBytes`), made with Python's zipfile.
  static let zipBomb: [UInt8] = {
    guard
      let url = Bundle.module.url(
        forResource: "zip-bomb-ratio-570", withExtension: "xlsx", subdirectory: "Resources"),
      let data = try? Data(contentsOf: url)
    else { return [] }
    return [UInt8](data)
  }()

  static let cases: [(String, [UInt8], String)] = [
    ("zip bomb", zipBomb, "FILE-002"),
    (
      "XML entity expansion",
      XLSXBuilder(sheets: [
        .init(
          name: "S",
          xml:
            #"<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><worksheet><sheetData>&b;</sheetData></worksheet>"#
        )
      ]).build(),
      "FILE-002"
    ),
    ("not a workbook", Array("<html>hello</html>".utf8), "FILE-001"),
    ("a truncated zip", Array(SubmissionWorkbook.valid().build().prefix(700)), "FILE-001"),
  ]

  @Test(arguments: cases)
  func isAReportNotAnError(label: String, bytes: [UInt8], rule: String) throws {
    let f = try AppFixture()
    #expect(bytes.count > 0)
    let answer = f.send("POST", "/api/check", body: bytes)
    #expect(answer.status == 200, "\(label)")
    let entry = try #require((answer.json as? [[String: Any]])?.first)
    #expect(entry["status"] as? String == "unreadable")
    #expect((entry["issues"] as? [[String: Any]])?.map { $0["rule"] as? String } == [rule])
    // Its annotated copy is the small 审核结果-only workbook.
    let copy = f.send(
      "POST", "/api/check",
      headers: ["accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
      body: bytes)
    #expect(copy.status == 200 && copy.body.starts(with: [0x50, 0x4B]))
    #expect(f.send("GET", "/healthz").status == 200)
  }
}
