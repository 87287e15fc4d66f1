import Foundation
import HTTPServer
import Pipeline
import Testing
import XLSXReading
import XLSXTestSupport

@testable import Serve

@Suite struct AppTests {
  @Test(arguments: [
    "invalid-cells.xlsx", "invalid-station.xlsx", "unreadable.xlsx",
    "valid-TJMU-2022-021-2023-2024.xlsx",
  ])
  func apiCheckAnswersWhatCheckFormatJSONPrints(name: String) throws {
    let f = try AppFixture()
    let bytes = try fixture(name)
    let answer = f.send("POST", "/api/check", query: ["name": name], body: bytes)
    #expect(answer.status == 200)
    #expect(answer.header("Content-Type") == "application/json")
    let expected = Reports.json([
      Checker(configuration: f.app.configuration).check(bytes: bytes, name: name)
    ])
    #expect(answer.text == expected)
  }

  @Test func theSelfCheckPageListsTheIssuesAndKeepsNothingButTheCopy() throws {
    let f = try AppFixture()
    var browser = Browser(f)
    browser.open()
    let page = browser.upload(
      "/check", fileName: "C:\\Users\\x\\invalid-cells.xlsx", try fixture("invalid-cells.xlsx"))
    #expect(page.status == 200)
    #expect(
      page.text.contains("invalid-cells.xlsx") && page.text.contains("未通过")
        && page.text.contains("CELL-002"))
    let link = try #require(page.text.firstRange(of: /\/copies\/[0-9a-f]{32}/))
    let copy = f.send("GET", String(page.text[link]))
    #expect(copy.status == 200)
    #expect(copy.header("Content-Type") == ServeApp.xlsxType)
    #expect(copy.header("Content-Disposition")?.contains("invalid-cells.annotated.xlsx") == true)
    let workbook = try Workbook(bytes: copy.body, limits: ReaderLimits())
    #expect(workbook.sheets.first?.name == "审核结果")
    #expect(f.inboxFiles().isEmpty)
    // Only the scratch folder, which holds the copy until it expires.
    #expect(try FileManager.default.contentsOfDirectory(atPath: f.receipts) == [".scratch"])
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: f.app.scratch).allSatisfy {
        $0.hasPrefix("copy-")
      })
  }

  @Test func anAnnotatedCopyExpires() throws {
    let clock = Clock()
    let f = try AppFixture(now: { clock.now })
    var browser = Browser(f)
    browser.open()
    let page = browser.upload("/check", fileName: "a.xlsx", try fixture("invalid-cells.xlsx")).text
    let link = String(page[try #require(page.firstRange(of: /\/copies\/[0-9a-f]{32}/))])
    #expect(f.send("GET", link).status == 200)
    clock.advance(61)
    #expect(f.send("GET", link).status == 404)
    #expect(f.send("GET", "/copies/../../etc/passwd").status == 404)
  }

  @Test func whenEveryCheckSlotStaysBusyTheAnswerIs503WithRetryAfter() throws {
    let f = try AppFixture(concurrentChecks: 1, queueWait: 0)
    #expect(f.app.gate.enter())
    defer { f.app.gate.leave() }
    let bytes = try fixture("invalid-cells.xlsx")
    let api = f.send("POST", "/api/check", body: bytes)
    #expect(api.status == 503)
    #expect(api.header("Retry-After") != nil)
    let submit = f.send("POST", "/api/submit", headers: f.bearer("基础医学院"), body: bytes)
    #expect(submit.status == 503)
    var browser = Browser(f)
    browser.open()
    #expect(browser.upload("/check", fileName: "a.xlsx", bytes).status == 503)
    #expect(f.inboxFiles().isEmpty)
  }

  @Test func theTemplateAndThePageAreThere() throws {
    let f = try AppFixture()
    let home = f.send("GET", "/")
    #expect(
      home.status == 200 && home.text.contains("下载《工作站年度数据模板》") && home.text.contains("<form"))
    #expect(!home.text.contains("<script"))
    let template = f.send("GET", "/template.xlsx")
    #expect(template.status == 200)
    let workbook = try Workbook(bytes: template.body, limits: ReaderLimits())
    #expect(workbook.sheets.map(\.name).contains("进站研究生"))
    #expect(f.send("HEAD", "/healthz").status == 200)
    #expect(f.send("GET", "/nothing").status == 404)
    #expect(f.send("DELETE", "/api/check").status == 405)
  }

  /// Garbage and hostile bodies to every route: each is answered (never a 500 from the data), the
  /// app still answers /healthz, and nothing appears in the inbox but what a signed-in college
  /// submitted.
  @Test(arguments: AppTests.hostileBodies)
  func hostileBodiesToEveryRouteAreAnsweredAndTheServerStaysUp(body: [UInt8]) throws {
    let f = try AppFixture()
    let routes = [
      ("GET", "/"), ("POST", "/"), ("POST", "/check"), ("GET", "/copies/%00"), ("POST", "/login"),
      ("POST", "/logout"), ("POST", "/submit"), ("GET", "/submissions/x"),
      ("GET", "/submissions/x/annotated.xlsx"),
      ("POST", "/api/check"), ("POST", "/api/submit"), ("GET", "/api/submissions"),
      ("GET", "/api/submissions/../x"),
      ("PUT", "/api/check"), ("GET", "/template.xlsx/../../x"),
    ]
    let headerSets: [[String: String]] = [
      [:], ["content-type": "multipart/form-data; boundary=x"],
      ["content-type": "multipart/form-data; boundary=\"\""],
      ["cookie": "sid=\u{0}; sid=../../x"], ["authorization": "Bearer \u{7F}\u{FF}"],
    ]
    for (method, path) in routes {
      for headers in headerSets {
        let answer = f.send(
          method, path, query: ["name": "../\u{0}\r\n.xlsx"], headers: headers, body: body)
        #expect((200..<500).contains(answer.status), "\(method) \(path) \(headers)")
        #expect(answer.headers.allSatisfy { !$0.value.contains("\r") && !$0.value.contains("\n") })
      }
    }
    #expect(f.send("GET", "/healthz").status == 200)
    #expect(f.inboxFiles().isEmpty)
  }

  static let hostileBodies: [[UInt8]] = [
    [],
    Array("not a workbook at all".utf8),
    [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0xFF, count: 64),
    Array(
      "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../x.xlsx\"\r\n\r\nPK\r\n--x--\r\n"
        .utf8),
    XLSXBuilder(sheets: [
      .init(name: "S", xml: "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><worksheet>&a;</worksheet>")
    ]).build(),
    HostileUploadTests.zipBomb,
  ]
}

/// A clock tests move by hand.
final class Clock: @unchecked Sendable {
  private let lock = NSLock()
  private var time = Date(timeIntervalSince1970: 1_720_000_000)
  var now: Date { lock.withLock { time } }
  func advance(_ seconds: TimeInterval) { lock.withLock { time += seconds } }
}
