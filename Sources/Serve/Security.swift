import Foundation
import HTTPServer
import Normalization
import Pipeline

// The page's defences (issue 12): CSRF tokens checked with the request's origin, the security
// headers of every answer, and the refusals of a submission (another college's workbook, a full
// quota) that leave nothing written.

/// A request refused for what it is, not for a failure: answered with `status` and the message
/// (JSON for the API, a page for the browser), nothing written.
struct Refusal: Error {
  var status: Int
  var title: String
  var message: String
}

extension ServeApp {
  // MARK: - Headers

  /// The policy of every page: nothing from elsewhere, no inline script or style (the CSS is
  /// `/style.css`), no plugin, forms only to this server, never inside a frame.
  static let contentSecurityPolicy =
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

  /// `response` with the headers every answer carries: CSP, framing, sniffing, referrer, and
  /// `Cache-Control: no-store` unless it says otherwise (only the style sheet does).
  func secured(_ response: HTTPResponse) -> HTTPResponse {
    var response = response
    let present = Set(response.headers.map { $0.name.lowercased() })
    var added: [(name: String, value: String)] = [
      ("Content-Security-Policy", Self.contentSecurityPolicy), ("X-Frame-Options", "DENY"),
      ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
    ]
    if !present.contains("cache-control") { added.append(("Cache-Control", "no-store")) }
    response.headers += added.filter { !present.contains($0.name.lowercased()) }
    return response
  }

  // MARK: - Cookies

  /// Whether cookies get `Secure`: the page is reached over https (`serve.publicURL`).
  var secureCookies: Bool { settings.publicURL.lowercased().hasPrefix("https://") }

  func cookie(_ name: String, _ value: String, maxAge: Int) -> (name: String, value: String) {
    (
      "Set-Cookie",
      "\(name)=\(value); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)"
        + (secureCookies ? "; Secure" : "")
    )
  }

  /// The value of the request's cookie `name`, when it is one of our ids.
  func cookieValue(_ request: HTTPRequest, _ name: String) -> String? {
    for pair in (request.headers["cookie"] ?? "").split(separator: ";") {
      let kv = pair.split(separator: "=", maxSplits: 1)
      if kv.count == 2, kv[0].trimmingSpaces == name {
        let id = kv[1].trimmingSpaces
        if isWellFormedID(id) { return id }
      }
    }
    return nil
  }

  /// The CSRF token the page's forms carry for this browser, and the cookie to set when it is
  /// new: a signed-in browser's session token; before sign-in, the `csrf` cookie's value
  /// (double submit), made when the browser has none.
  func formToken(_ request: HTTPRequest) -> (token: String, cookie: (name: String, value: String)?)
  {
    if let id = sessionID(request), let session = session(id) { return (session.csrf, nil) }
    if let existing = cookieValue(request, "csrf") { return (existing, nil) }
    let made = unguessableID()
    return (made, cookie("csrf", made, maxAge: settings.sessionLifetimeSeconds))
  }

  // MARK: - CSRF

  /// The page's form posts: each must carry the CSRF token and come from this server's page.
  static let formPaths: Set<String> = ["/check", "/login", "/logout", "/submit"]

  /// nil when `request` may go on; a 403 when it is a form post without a valid token or from
  /// another origin. The JSON API (`/api/…`, a `Bearer` token, no cookie) is not a form.
  func forgeryRefusal(_ request: HTTPRequest) -> HTTPResponse? {
    guard request.method == "POST", Self.formPaths.contains(request.path) else { return nil }
    let refused = HTTPResponse.html(
      403, Pages.message("请求被拒绝", "该表单不是从本系统的页面提交的，或页面已过期。请返回首页刷新后重新操作。"))
    guard isSameOrigin(request) else { return refused }
    guard let sent = formField(request, "csrf"), isWellFormedID(sent) else { return refused }
    let expected: [String]
    switch request.path {
    case "/submit", "/logout":
      // Signed in: only the session's own token (a cookie another site tossed cannot stand in).
      guard let id = sessionID(request), let session = session(id) else { return nil }
      expected = [session.csrf]
    default:
      expected = [sessionID(request).flatMap(session)?.csrf, cookieValue(request, "csrf")]
        .compactMap { $0 }
    }
    let matches = expected.contains { Tokens.constantTimeEqual(Array($0.utf8), Array(sent.utf8)) }
    return matches ? nil : refused
  }

  /// Whether what the browser says about where the post comes from is this server's page:
  /// `Sec-Fetch-Site` (when sent) is `same-origin`; `Origin` (unless `null`, which a page with
  /// `Referrer-Policy: no-referrer` sends) and `Referer` (when sent) are the expected origin —
  /// `serve.publicURL`'s, else `http(s)://` and the request's `Host`.
  func isSameOrigin(_ request: HTTPRequest) -> Bool {
    if let site = request.headers["sec-fetch-site"], site.lowercased() != "same-origin" {
      return false
    }
    let allowed: [String]
    if let origin = ServeSettings.origin(ofURL: settings.publicURL) {
      allowed = [origin]
    } else if let host = request.headers["host"]?.lowercased(), !host.isEmpty {
      allowed = ["http://\(host)", "https://\(host)"]
    } else {
      allowed = []
    }
    if let origin = request.headers["origin"]?.trimmingSpaces.lowercased(), origin != "null" {
      guard allowed.contains(origin) else { return false }
    }
    if let referer = request.headers["referer"] {
      guard let origin = ServeSettings.origin(ofURL: referer.trimmingSpaces),
        allowed.contains(origin)
      else { return false }
    }
    return true
  }

  /// A form field's value: from an urlencoded body, or from the `multipart/form-data` part of
  /// that name among the first 64 KiB (the page's forms send the token before the file).
  func formField(_ request: HTTPRequest, _ name: String) -> String? {
    let type = (request.headers["content-type"] ?? "").lowercased()
    let head = leadingBytes(request, 64 << 10)
    if !type.hasPrefix("multipart/") { return formFields(head)[name] }
    let marker = Array("name=\"\(name)\"".utf8)
    guard let found = head.firstRange(of: marker),
      let start = head[found.upperBound...].firstRange(of: Array("\r\n\r\n".utf8))?.upperBound,
      let end = head[start...].firstRange(of: Array("\r\n".utf8))?.lowerBound
    else { return nil }
    return String(decoding: head[start..<end], as: UTF8.self)
  }

  /// The first `limit` bytes of the request's body (a form field is looked for there only, so
  /// the check costs the same whatever the upload's size).
  func leadingBytes(_ request: HTTPRequest, _ limit: Int) -> ArraySlice<UInt8> {
    let head = request.body.slice(from: 0, length: limit)
    return ((try? head.readAll()) ?? [])[...]
  }

  // MARK: - Submissions

  /// The receipt `college` already has for exactly these bytes, if any: the same file submitted
  /// again is answered with it, and nothing is written twice.
  func existingReceipt(sha256 digest: String, college: String) -> Receipt? {
    store.receipts(of: college).first { $0.sha256 == digest }
  }

  /// Refuses a submission of `size` bytes that would take `college` over
  /// `serve.maxCollegeBytes`.
  func requireQuota(size: Int, college: String) throws {
    let used = store.bytesHeld(by: college)
    guard used + size > settings.maxCollegeBytes else { return }
    throw Refusal(
      status: 507, title: "存储空间已满",
      message:
        "本单位已报送的文件共占用 \(used / (1 << 20)) MB，再报送本文件将超过上限 \(settings.maxCollegeBytes / (1 << 20)) MB，未予接收。请联系研究生院清理旧的报送后再报送。"
    )
  }

  /// Refuses a workbook whose 牵头培养单位 (compared as normalized, SPEC §4) is not `college`,
  /// the token's; or whose 牵头培养单位 cannot be read: a submission is only ever its own
  /// college's.
  func requireOwnCollege(_ entry: CheckEntry, college: String) throws {
    guard let stated = entry.college else {
      throw Refusal(
        status: 422, title: "无法确认报送单位",
        message:
          "未能从工作簿的「工作站信息」读出牵头培养单位（文件无法读取，或该项为空），无法确认这是「\(college)」的报送，未予接收。请先自查，填写牵头培养单位后重新报送。"
      )
    }
    guard Normalizer.comparableText(college) == stated else {
      throw Refusal(
        status: 403, title: "报送单位不符",
        message:
          "工作簿的牵头培养单位为「\(stated)」，而当前口令属于「\(college)」：只能报送本单位（\(college)）牵头的工作站数据，未予接收。如确为本单位的报送，请改正「工作站信息」中的牵头培养单位后重新报送。"
      )
    }
  }

  func refusalAnswer(_ refusal: Refusal, api: Bool) -> HTTPResponse {
    api
      ? apiError(refusal.status, refusal.message)
      : .html(refusal.status, Pages.message(refusal.title, refusal.message))
  }
}
