import Foundation
import HTTPServer
import Pipeline
import Testing
import XLSXReading
import XLSXTestSupport

@testable import Serve

/// Issue 12, each defence with an attack and a near miss: identity, CSRF, headers, tokens,
/// files, sheet names.
@Suite struct SecurityTests {
  /// Every file under `path`, relative.
  static func files(_ path: String) -> [String] {
    (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []).filter {
      var isDirectory: ObjCBool = false
      return FileManager.default.fileExists(atPath: path + "/" + $0, isDirectory: &isDirectory)
        && !isDirectory.boolValue
    }
  }

  // MARK: - Identity

  /// Attack: 第二医院's token submits 基础医学院's workbook (API and page): 403 naming both,
  /// nothing in the inbox, no receipt.
  @Test func anotherCollegesWorkbookIsRefusedAndNothingIsWritten() throws {
    let f = try AppFixture()
    let forged = SubmissionWorkbook.valid().build()
    let api = f.send("POST", "/api/submit", headers: f.bearer("第二医院"), body: forged)
    #expect(api.status == 403)
    let message = try #require((api.json as? [String: Any])?["error"] as? String)
    #expect(message.contains("基础医学院") && message.contains("第二医院"))
    var browser = Browser(f)
    _ = browser.signIn("token-of-second-hospital")
    let page = browser.upload("/submit", fileName: "x.xlsx", forged)
    #expect(page.status == 403)
    #expect(page.text.contains("基础医学院") && page.text.contains("第二医院"))
    #expect(f.inboxFiles().isEmpty)
    #expect(Self.files(f.receipts).isEmpty)
  }

  /// Near miss: the college's own name written with full-width brackets and spaces around it is
  /// the same college (SPEC §4) and is accepted.
  @Test func theOwnCollegeWrittenDifferentlyIsAccepted() throws {
    let f = try AppFixture(configure: {
      $0.serve.tokens["天津医科大学(第二医院)"] = Tokens.hash("t-2")
    })
    let answer = f.send(
      "POST", "/api/submit", headers: ["authorization": "Bearer t-2"],
      body: SubmissionWorkbook.valid(college: "\u{3000}天津医科大学（第二医院） ").build())
    #expect(answer.status == 201)
    #expect(f.inboxFiles().count == 1)
  }

  /// A workbook whose college cannot be read (unreadable, or 牵头培养单位 blank): a self-check
  /// answers as always; a submission is refused (422), nothing written.
  @Test func aWorkbookWithoutACollegeIsCheckedButNotSubmitted() throws {
    let f = try AppFixture()
    for bytes in [Array("not a workbook".utf8), SubmissionWorkbook.valid(college: "").build()] {
      #expect(f.send("POST", "/api/check", body: bytes).status == 200)
      let answer = f.send("POST", "/api/submit", headers: f.bearer("基础医学院"), body: bytes)
      #expect(answer.status == 422)
      #expect(((answer.json as? [String: Any])?["error"] as? String)?.contains("牵头培养单位") == true)
    }
    #expect(f.inboxFiles().isEmpty)
    #expect(Self.files(f.receipts).isEmpty)
  }

  // MARK: - CSRF

  /// Attacks on sign-in and submit: no token, a wrong token, a token of the pre-session cookie
  /// for a signed-in form, another origin (Origin, Referer, Sec-Fetch-Site) — each 403, nothing
  /// done (no session, no inbox file).
  @Test func formPostsWithoutAValidTokenOrFromAnotherOriginAre403() throws {
    let f = try AppFixture()
    let bytes = SubmissionWorkbook.valid().build()
    var browser = Browser(f)
    browser.open()
    let token = "token-of-basic-medicine"
    let elsewhere: [[String: String]] = [
      ["origin": "http://127.0.0.1:9999", "sec-fetch-site": "same-site"],
      ["origin": "http://127.0.0.1:9999"], ["referer": "http://evil.example/page"],
      ["sec-fetch-site": "cross-site"], ["origin": "null", "sec-fetch-site": "same-site"],
    ]
    #expect(browser.post("/login", ["token": token], csrf: "").status == 403)
    #expect(
      browser.post("/login", ["token": token], csrf: String(repeating: "0", count: 32)).status
        == 403)
    for headers in elsewhere {
      #expect(
        browser.post("/login", ["token": token], headers: headers).status == 403, "\(headers)")
    }
    // Login CSRF by a cookie tossed from a page on another port: the field matches the cookie,
    // but the browser says the post is not from this origin.
    var tossed = Browser(f)
    tossed.cookies["csrf"] = String(repeating: "a", count: 32)
    #expect(
      tossed.post(
        "/login", ["token": token], csrf: String(repeating: "a", count: 32),
        headers: ["origin": "null", "sec-fetch-site": "same-site"]
      ).status == 403)
    #expect(browser.cookies["sid"] == nil && tossed.cookies["sid"] == nil)

    _ = browser.signIn(token)
    #expect(browser.cookies["sid"] != nil)
    let preSession = try #require(browser.cookies["csrf"])
    #expect(browser.upload("/submit", fileName: "a.xlsx", bytes, csrf: preSession).status == 403)
    #expect(browser.upload("/submit", fileName: "a.xlsx", bytes, csrf: "").status == 403)
    for headers in elsewhere {
      #expect(browser.upload("/submit", fileName: "a.xlsx", bytes, headers: headers).status == 403)
      #expect(browser.upload("/check", fileName: "a.xlsx", bytes, headers: headers).status == 403)
    }
    #expect(browser.post("/logout", csrf: "").status == 403)
    #expect(browser.cookies["sid"] != nil)
    #expect(f.inboxFiles().isEmpty)
  }

  /// Near misses: the page's own forms (with `Origin: null`, what a no-referrer page sends, or
  /// no origin header at all), and the JSON API with a Bearer token and no cookie or CSRF field.
  @Test func thePagesOwnFormsAndTheAPIWork() throws {
    let f = try AppFixture()
    var browser = Browser(f)
    browser.open()
    let noReferrer = ["origin": "null", "sec-fetch-site": "same-origin"]
    #expect(
      browser.post("/login", ["token": "token-of-basic-medicine"], headers: noReferrer).status
        == 303)
    browser.open()
    let first = browser.upload("/submit", fileName: "a.xlsx", SubmissionWorkbook.valid().build())
    #expect(first.status == 201)
    let corrected = SubmissionWorkbook.resubmission()
    let tool = f.send("POST", "/api/submit", headers: f.bearer("基础医学院"), body: corrected.build())
    #expect(tool.status == 201)
    #expect(f.inboxFiles().count == 2)
    #expect(browser.post("/logout", headers: [:]).status == 303)
  }

  /// With `serve.publicURL` the form's origin must be that one, whatever `Host` says.
  @Test func publicURLIsTheOnlyOriginForms() throws {
    let f = try AppFixture(configure: { $0.serve.publicURL = "https://report.example.edu.cn" })
    var browser = Browser(f)
    browser.open()
    #expect(browser.post("/login", ["token": "token-of-basic-medicine"]).status == 403)
    let answer = browser.post(
      "/login", ["token": "token-of-basic-medicine"],
      headers: ["origin": "https://report.example.edu.cn", "sec-fetch-site": "same-origin"])
    #expect(answer.status == 303)
    #expect(answer.header("Set-Cookie")?.contains("; Secure") == true)
  }

  // MARK: - Headers

  /// Every answer carries the CSP (no inline script or style, never framed), X-Frame-Options,
  /// nosniff and no-referrer; signed-in pages and API answers `Cache-Control: no-store`; the page
  /// has no `<style>` or `<script>` and its style sheet is served.
  @Test func everyAnswerCarriesTheSecurityHeaders() throws {
    let f = try AppFixture()
    var browser = Browser(f)
    _ = browser.signIn("token-of-basic-medicine")
    let answers = [
      browser.open(), f.send("GET", "/"), f.send("GET", "/healthz"), f.send("GET", "/nothing"),
      f.send("POST", "/api/check", body: try fixture("invalid-cells.xlsx")),
      f.send("GET", "/api/submissions", headers: f.bearer("基础医学院")),
      f.send("GET", "/api/submissions"), f.send("GET", "/template.xlsx"),
      browser.upload("/check", fileName: "a.xlsx", try fixture("invalid-cells.xlsx")),
    ]
    for answer in answers {
      let csp = try #require(answer.header("Content-Security-Policy"))
      #expect(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"))
      #expect(!csp.contains("unsafe-inline"))
      #expect(answer.header("X-Frame-Options") == "DENY")
      #expect(answer.header("X-Content-Type-Options") == "nosniff")
      #expect(answer.header("Referrer-Policy") == "no-referrer")
      #expect(answer.header("Cache-Control") == "no-store")
      #expect(!answer.text.contains("<style") && !answer.text.contains("<script"))
    }
    let css = f.send("GET", "/style.css")
    #expect(css.status == 200 && css.header("Content-Type")?.hasPrefix("text/css") == true)
    #expect(css.text.contains("font-family"))
    #expect(browser.open().text.contains("<link rel=\"stylesheet\" href=\"/style.css\">"))
    // No `Secure` without an https publicURL (the page is plain http on loopback).
    var plain = Browser(f)
    plain.open()
    #expect(
      plain.post("/login", ["token": "token-of-basic-medicine"]).header("Set-Cookie")?.contains(
        "Secure") == false)
  }

  // MARK: - Tokens

  /// `token add` on the running server's file: the replaced token stops working at once (API and
  /// the sessions it signed in), the new one works; another college's sessions are untouched.
  @Test func aReplacedTokenEndsAtOnceWithItsSessions() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.url.appendingPathComponent("pipeline.json").path
    let old = try Tokens.add(college: "基础医学院", configPath: path)
    let other = try Tokens.add(college: "第二医院", configPath: path)
    let clock = Clock()
    var configuration = try Configuration.load(path: path)
    configuration.run.inbox = "inbox"
    let app = try ServeApp(configuration: configuration, configPath: path, now: { clock.now })
    func bearer(_ token: String) -> Int {
      app.handle(
        HTTPRequest(
          method: "GET", path: "/api/submissions", headers: ["authorization": "Bearer \(token)"])
      ).status
    }
    let f = try AppFixture()
    let session = app.sessions.insert(
      college: "基础医学院", tokenHash: configuration.serve.tokens["基础医学院"]!)
    let otherSession = app.sessions.insert(
      college: "第二医院", tokenHash: configuration.serve.tokens["第二医院"]!)
    #expect(bearer(old) == 200)
    let new = try Tokens.add(college: "基础医学院", configPath: path)
    clock.advance(2)
    #expect(bearer(old) == 401)
    #expect(bearer(new) == 200)
    #expect(bearer(other) == 200)
    #expect(app.session(session.id) == nil)
    #expect(app.session(otherSession.id) != nil)
    // SIGHUP's reload reads it at once, without waiting for the clock.
    let newest = try Tokens.add(college: "第二医院", configPath: path)
    app.reloadTokens()
    #expect(bearer(newest) == 200 && bearer(other) == 401)
    #expect(app.session(otherSession.id) == nil)
    _ = f
  }

  /// A file that no longer loads keeps the tokens already known.
  @Test func aBrokenConfigurationKeepsTheKnownTokens() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.url.appendingPathComponent("pipeline.json").path
    let token = try Tokens.add(college: "基础医学院", configPath: path)
    var configuration = try Configuration.load(path: path)
    configuration.run.inbox = "inbox"
    let app = try ServeApp(configuration: configuration, configPath: path)
    try Data("{ half written".utf8).write(to: URL(fileURLWithPath: path))
    app.reloadTokens()
    #expect(Tokens.college(for: token, in: app.tokens.current) == "基础医学院")
  }

  /// One college signing in again and again ends only its own oldest sessions.
  @Test func sessionsAreCappedPerCollege() throws {
    let f = try AppFixture(configure: { $0.serve.maxSessionsPerCollege = 3 })
    let hash = f.app.configuration.serve.tokens
    let victim = f.app.sessions.insert(college: "第二医院", tokenHash: hash["第二医院"]!)
    let ids = (0..<100).map { _ in
      f.app.sessions.insert(college: "基础医学院", tokenHash: hash["基础医学院"]!).id
    }
    #expect(f.app.session(victim.id)?.college == "第二医院")
    #expect(f.app.sessions.count(of: "基础医学院") == 3)
    #expect(ids.suffix(3).allSatisfy { f.app.session($0) != nil })
    #expect(f.app.session(ids[0]) == nil)
  }

  @Test(arguments: [
    "", ".hidden", "~$lock", "a/b", "a\\b", "a:b", "a\u{0}b", "a\nb", "a\u{202E}b",
    String(repeating: "院", count: 33),
  ])
  func invalidCollegeNamesAreRefused(name: String) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.url.appendingPathComponent("pipeline.json").path
    #expect(throws: ConfigurationError.self) { try Tokens.add(college: name, configPath: path) }
    // … and at load, when written into the file by hand.
    guard !name.isEmpty, name.trimmingCharacters(in: .whitespaces) == name else { return }
    let json = try JSONSerialization.data(withJSONObject: [
      "serve": ["tokens": [name: "sha256:00:00"]]
    ])
    try json.write(to: URL(fileURLWithPath: path))
    #expect(throws: ConfigurationError.self) { try Configuration.load(path: path) }
  }

  /// Near miss: 32 characters, dots and `~` inside, `$` and brackets are names.
  @Test(arguments: [String(repeating: "院", count: 32), "a.b", "a~$b", "第二医院(滨海)", "a_b"])
  func validCollegeNamesAreAccepted(name: String) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.url.appendingPathComponent("pipeline.json").path
    let token = try Tokens.add(college: name, configPath: path)
    #expect(Tokens.college(for: token, in: try Configuration.load(path: path).serve.tokens) == name)
  }

  /// Folder names never collide, and stay short; a 100-character name (not made by `token
  /// add`, written by hand) submits normally instead of making every submit a 500.
  @Test func collegeFoldersNeverCollideAndStayShort() throws {
    let names = ["a/b", "a_b", "a:b", "a%2Fb", "a\\b", ".x", "%2Ex", "未识别", "~$x"]
    let folders = names.map { BatchRun.folderName($0) }
    #expect(Set(folders).count == names.count)
    #expect(Set(folders).contains(BatchRun.unknownCollege) == false)
    #expect(folders.allSatisfy { !$0.contains("/") && !$0.hasPrefix(".") && !$0.hasPrefix("~") })
    #expect(BatchRun.folderName("基础医学院") == "基础医学院")
    let long = String(repeating: "长", count: 100)
    #expect(BatchRun.folderName(long).utf8.count <= 150)
    #expect(BatchRun.folderName(long) != BatchRun.folderName(long + "x"))
    let f = try AppFixture(configure: { $0.serve.tokens[long] = Tokens.hash("long") })
    let answer = f.send(
      "POST", "/api/submit", headers: ["authorization": "Bearer long"],
      body: SubmissionWorkbook.valid(college: long).build())
    #expect(answer.status == 201)
  }

  // MARK: - Files

  /// Inbox files, receipts and annotated copies are 0600 in 0700 folders.
  @Test func submissionsAreReadableByTheServerAlone() throws {
    let f = try AppFixture()
    var workbook = SubmissionWorkbook.valid()
    workbook.set("进站研究生", "L2", .text("也许"))  // an issue: an annotated copy is kept
    #expect(
      f.send("POST", "/api/submit", headers: f.bearer("基础医学院"), body: workbook.build()).status
        == 201)
    for folder in [f.inbox, f.receipts, f.receipts + "/基础医学院"] {
      #expect(fileMode(folder) == 0o700, "\(folder)")
    }
    let written =
      f.inboxFiles().map { f.inbox + "/" + $0 }
      + Self.files(f.receipts).map { f.receipts + "/" + $0 }
    #expect(written.count == 3)
    for file in written { #expect(fileMode(file) == 0o600, "\(file)") }
  }

  /// The same bytes again: the same receipt, no second inbox file. Near miss: a corrected file is
  /// a new submission.
  @Test func identicalBytesAreAnsweredWithTheExistingReceipt() throws {
    let f = try AppFixture()
    let bytes = SubmissionWorkbook.valid().build()
    let first = try #require(
      f.send("POST", "/api/submit", headers: f.bearer("基础医学院"), body: bytes).json as? [String: Any])
    let again = try #require(
      f.send("POST", "/api/submit", headers: f.bearer("基础医学院"), body: bytes).json as? [String: Any])
    #expect(first["id"] as? String == again["id"] as? String)
    #expect(f.inboxFiles().count == 1)
    let corrected = SubmissionWorkbook.resubmission()
    #expect(
      f.send("POST", "/api/submit", headers: f.bearer("基础医学院"), body: corrected.build()).status
        == 201)
    #expect(f.inboxFiles().count == 2)
  }

  /// Over `serve.maxCollegeBytes`: 507 with a Chinese message, nothing written; another college
  /// still submits.
  @Test func aCollegeOverItsQuotaIsRefused() throws {
    let bytes = SubmissionWorkbook.valid().build()
    let f = try AppFixture(configure: { $0.serve.maxCollegeBytes = bytes.count * 2 + 10 })
    #expect(f.send("POST", "/api/submit", headers: f.bearer("基础医学院"), body: bytes).status == 201)
    let second = SubmissionWorkbook.resubmission()
    let refused = f.send("POST", "/api/submit", headers: f.bearer("基础医学院"), body: second.build())
    #expect(refused.status == 507)
    #expect(((refused.json as? [String: Any])?["error"] as? String)?.contains("上限") == true)
    #expect(f.inboxFiles().count == 1)
    #expect(
      f.send(
        "POST", "/api/submit", headers: f.bearer("第二医院"),
        body: SubmissionWorkbook.valid(college: "第二医院").build()
      )
      .status == 201)
  }

  // MARK: - Sheet names

  /// Sheet names Excel forbids: the check answers normally (not 500), the annotated copy (the
  /// submitter's package, patched: its names as it carries them) downloads, the submission gets
  /// its receipt.
  @Test func sheetNamesExcelForbidsAreCheckedNormally() throws {
    let f = try AppFixture()
    let bytes = SubmissionWorkbook.withExtraSheets().build()
    let json = f.send("POST", "/api/check", body: bytes)
    #expect(json.status == 200)
    let copy = f.send("POST", "/api/check", headers: ["accept": ServeApp.xlsxType], body: bytes)
    #expect(copy.status == 200)
    let names = try Workbook(bytes: copy.body, limits: ReaderLimits()).sheets.map(\.name)
    #expect(names.first == "审核结果" && names.count == 11)
    #expect(Array(names.suffix(5)) == SubmissionWorkbook.forbiddenSheetNames)
    var browser = Browser(f)
    browser.open()
    let page = browser.upload("/check", fileName: "a.xlsx", bytes)
    #expect(page.status == 200 && page.text.contains("a[b]"))
    #expect(f.send("POST", "/api/submit", headers: f.bearer("基础医学院"), body: bytes).status == 201)
  }
}
