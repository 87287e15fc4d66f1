import Basics
import Foundation
import HTTPServer
import Pipeline
import Testing
import XLSXTestSupport

@testable import Serve

@Suite struct SubmissionTests {
  @Test func aSubmissionGoesIntoTheInboxUnderTheServersNameWithAReceipt() throws {
    let f = try AppFixture()
    let bytes = SubmissionWorkbook.valid().build()
    let answer = f.send(
      "POST", "/api/submit", query: ["name": "../../../etc/passwd"], headers: f.bearer("基础医学院"),
      body: bytes)
    #expect(answer.status == 201)
    let receipt = try #require(answer.json as? [String: Any])
    let file = try #require(receipt["file"] as? String)
    #expect(f.inboxFiles() == [file])
    #expect(file.hasPrefix("基础医学院-") && file.hasSuffix(".xlsx"))
    #expect(receipt["uploaded_name"] as? String == "passwd")
    #expect(receipt["status"] as? String == "accepted")
    #expect(receipt["sha256"] as? String == SHA256.hex(bytes))
    #expect(receipt["late"] as? Bool == false)
    #expect(answer.header("Location") == "/api/submissions/\(receipt["id"] as? String ?? "")")
    // The inbox holds exactly the bytes uploaded.
    let stored = try Data(contentsOf: URL(fileURLWithPath: f.inbox + "/" + file))
    #expect([UInt8](stored) == bytes)
    // Nothing was written above the inbox or the receipts.
    #expect(
      !FileManager.default.fileExists(atPath: f.directory.url.appendingPathComponent("etc").path))
  }

  @Test func aResubmissionIsASecondFileAndSupersedesTheFirstInTheList() throws {
    let f = try AppFixture()
    for bytes in [SubmissionWorkbook.valid().build(), SubmissionWorkbook.resubmission().build()] {
      #expect(f.send("POST", "/api/submit", headers: f.bearer("基础医学院"), body: bytes).status == 201)
    }
    #expect(f.inboxFiles().count == 2)
    let list = try #require(
      f.send("GET", "/api/submissions", headers: f.bearer("基础医学院")).json as? [[String: Any]])
    #expect(list.count == 2)
    #expect(list.map { $0["superseded"] as? Bool } == [nil, true])
  }

  @Test func aLateReportIsAcceptedAndMarkedLate() throws {
    let f = try AppFixture()
    var workbook = SubmissionWorkbook.valid(college: "第二医院")
    workbook.set("工作站信息", "B11", .date(2024, 7, 20))
    let receipt = try #require(
      f.send("POST", "/api/submit", headers: f.bearer("第二医院"), body: workbook.build()).json
        as? [String: Any])
    #expect(receipt["status"] as? String == "accepted")
    #expect(receipt["late"] as? Bool == true)
    let rules = (receipt["issues"] as? [[String: Any]])?.compactMap { $0["rule"] as? String }
    #expect(rules == ["RPT-001"])
  }

  @Test func receivedAfterTheDeadlineIsLateWhatever报送日期Says() throws {
    let f = try AppFixture(now: { Date(timeIntervalSince1970: 1_722_500_000) })  // 2024-08-01
    let workbook = SubmissionWorkbook.valid(college: "第二医院")
    let receipt = try #require(
      f.send("POST", "/api/submit", headers: f.bearer("第二医院"), body: workbook.build()).json
        as? [String: Any])
    #expect(receipt["status"] as? String == "accepted")
    #expect(receipt["late"] as? Bool == true)
    #expect(receipt["note"] == nil)  // the sentence is a rejected report's alone
  }

  @Test func receiptsSurviveARestartAndStayWithTheirCollege() throws {
    let f = try AppFixture()
    var workbook = SubmissionWorkbook.valid()
    workbook.set("进站研究生", "L2", .text("也许"))
    let receipt = try #require(
      f.send("POST", "/api/submit", headers: f.bearer("基础医学院"), body: workbook.build()).json
        as? [String: Any])
    let id = try #require(receipt["id"] as? String)
    #expect(receipt["status"] as? String == "rejected")
    // SPEC §9: one sentence says a rejected report does not count until corrected.
    #expect((receipt["note"] as? String)?.contains("不计为已按时报送") == true)
    // A new app on the same folders (a restart) lists it.
    var configuration = f.app.configuration
    configuration.baseDirectory = f.directory.url.path
    let restarted = try ServeApp(configuration: configuration)
    let own = restarted.handle(
      HTTPRequest(method: "GET", path: "/api/submissions", headers: f.bearer("基础医学院")))
    #expect((own.json as? [[String: Any]])?.map { $0["id"] as? String } == [id])
    let annotated = restarted.handle(
      HTTPRequest(
        method: "GET", path: "/api/submissions/\(id)/annotated.xlsx", headers: f.bearer("基础医学院")))
    #expect(annotated.status == 200)
    #expect(annotated.body.starts(with: [0x50, 0x4B]))
    // Another college sees none of it: an empty list and 404s, never 403.
    let other = f.bearer("第二医院")
    #expect((f.send("GET", "/api/submissions", headers: other).json as? [Any])?.isEmpty == true)
    #expect(f.send("GET", "/api/submissions/\(id)", headers: other).status == 404)
    #expect(f.send("GET", "/api/submissions/\(id)/annotated.xlsx", headers: other).status == 404)
  }

  @Test(arguments: [
    ("POST", "/api/submit"), ("GET", "/api/submissions"),
    ("GET", "/api/submissions/0123456789abcdef0123456789abcdef"),
    ("GET", "/api/submissions/0123456789abcdef0123456789abcdef/annotated.xlsx"),
  ])
  func noOrWrongTokenIs401(method: String, path: String) throws {
    let f = try AppFixture()
    for headers in [
      [:], ["authorization": "Bearer nope"], ["authorization": "Basic eDp5"],
      ["authorization": "Bearer "],
    ] {
      let answer = f.send(method, path, headers: headers, body: SubmissionWorkbook.valid().build())
      #expect(answer.status == 401)
      #expect(answer.header("WWW-Authenticate") == "Bearer")
    }
    #expect(f.inboxFiles().isEmpty)
  }

  @Test func thePageSignsInSubmitsAndListsOnlyItsOwnCollege() throws {
    let f = try AppFixture()
    var browser = Browser(f)
    browser.open()
    #expect(browser.post("/login", ["token": "wrong"]).status == 401)
    let login = browser.post("/login", ["token": "token-of-basic-medicine"])
    #expect(login.status == 303)
    let sid = try #require(browser.cookies["sid"])
    #expect(login.header("Set-Cookie")?.contains("HttpOnly") == true)
    browser.open()
    let bytes = SubmissionWorkbook.valid().build()
    let submitted = browser.upload("/submit", fileName: "我的报送.xlsx", bytes)
    #expect(submitted.status == 201)
    #expect(submitted.text.contains("报送回执") && submitted.text.contains("我的报送.xlsx"))
    let home = browser.open()
    #expect(home.text.contains("本单位的报送记录") && home.text.contains("我的报送.xlsx"))
    // Without the cookie: the sign-in form, no list; submitting is refused.
    var stranger = Browser(f)
    #expect(!stranger.open().text.contains("我的报送.xlsx"))
    #expect(stranger.upload("/submit", fileName: "x.xlsx", bytes).status == 401)
    // Signed out: the cookie no longer works.
    let csrf = browser.csrf
    #expect(browser.post("/logout").status == 303)
    browser.cookies["sid"] = sid
    #expect(browser.upload("/submit", fileName: "x.xlsx", bytes, csrf: csrf).status == 401)
    #expect(f.inboxFiles().count == 1)
  }
}
