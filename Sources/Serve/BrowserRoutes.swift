import Foundation
import HTTPServer
import Pipeline

/// The page's routes: what a browser's links and forms reach (no script needed).
extension ServeApp {
  func home(_ request: HTTPRequest) -> HTTPResponse {
    let college = college(session: request)
    let receipts = college.map { store.receipts(of: $0) } ?? []
    let (csrf, newCookie) = formToken(request)
    var response = HTTPResponse.html(
      200,
      Pages.home(
        college: college, receipts: receipts, maxUploadBytes: settings.maxUploadBytes, csrf: csrf))
    if let newCookie { response.headers.append(newCookie) }
    return response
  }

  /// `POST /check`: the form's file is checked; nothing of it is kept but its annotated copy, in
  /// memory, for `copyLifetimeSeconds`.
  func selfCheck(_ request: HTTPRequest) throws -> HTTPResponse {
    guard let file = uploadedFile(request) else {
      return .html(400, Pages.message("没有收到文件", "请先选择要自查的工作簿（.xlsx），再点“开始自查”。"))
    }
    let name = Self.displayName(file.fileName)
    guard let checked = try check(file.body, name: name) else { return busy(api: false) }
    let stem = (name as NSString).deletingPathExtension
    let id = copies.insert(
      AnnotatedCopy(fileName: stem + ".annotated.xlsx", bytes: checked.annotated))
    return .html(
      200,
      Pages.results(checked.entry, copyID: id, lifetimeMinutes: settings.copyLifetimeSeconds / 60))
  }

  func copy(_ id: String) -> HTTPResponse {
    guard isWellFormedID(id), let copy = copies.value(id) else { return notFoundPage }
    return download(copy.bytes, name: copy.fileName)
  }

  /// `POST /login` with `token=…` (a form): a session cookie, then back to `/`.
  func login(_ request: HTTPRequest) -> HTTPResponse {
    let form = formFields(leadingBytes(request, 64 << 10))
    guard let token = form["token"],
      case let known = tokens.current,
      let college = Tokens.college(for: token.trimmingSpaces, in: known),
      let hash = known[college]
    else {
      return .html(401, Pages.message("口令不正确", "请核对研究生院发放的报送口令后重新登录。"))
    }
    let (id, _) = sessions.insert(college: college, tokenHash: hash)
    return HTTPResponse(
      status: 303,
      headers: [
        ("Location", "/"), cookie("sid", id, maxAge: settings.sessionLifetimeSeconds),
      ])
  }

  func logout(_ request: HTTPRequest) -> HTTPResponse {
    if let id = sessionID(request) { sessions.remove(id) }
    return HTTPResponse(
      status: 303,
      headers: [
        ("Location", "/"), cookie("sid", "", maxAge: 0),
      ])
  }

  /// `POST /submit`: the signed-in college's submission; its receipt as the answer.
  func submitForm(_ request: HTTPRequest) throws -> HTTPResponse {
    guard let college = college(session: request) else {
      return .html(401, Pages.message("请先登录", "正式报送需先用本单位的报送口令登录。"))
    }
    guard let file = uploadedFile(request) else {
      return .html(400, Pages.message("没有收到文件", "请先选择要报送的工作簿（.xlsx），再点“正式报送”。"))
    }
    guard
      let receipt = try submit(
        file.body, uploadedName: Self.displayName(file.fileName), college: college)
    else {
      return busy(api: false)
    }
    return .html(201, Pages.receipt(receipt))
  }

  func receiptPage(_ request: HTTPRequest, id: String) -> HTTPResponse {
    guard let college = college(session: request) else {
      return .html(401, Pages.message("请先登录", "查看回执需先用本单位的报送口令登录。"))
    }
    guard var receipt = store.receipt(of: college, id: id) else { return notFoundPage }
    receipt.superseded = store.receipts(of: college).first { $0.id == id }?.superseded
    return .html(200, Pages.receipt(receipt))
  }

  /// A submission's annotated copy, for its own college only (404 for any other: whether it
  /// exists is not told).
  func annotatedOfSubmission(_ request: HTTPRequest, id: String, api: Bool) -> HTTPResponse {
    guard let college = api ? college(bearer: request) : college(session: request) else {
      return api ? unauthorized : .html(401, Pages.message("请先登录", "下载需先用本单位的报送口令登录。"))
    }
    guard let receipt = store.receipt(of: college, id: id),
      let data = FileManager.default.contents(atPath: store.annotatedPath(college, id: id))
    else { return api ? apiError(404, "没有这个资源。") : notFoundPage }
    let stem = (receipt.uploadedName as NSString).deletingPathExtension
    return download([UInt8](data), name: stem + ".annotated.xlsx")
  }

  // MARK: - Forms

  /// The `file` part of a `multipart/form-data` body, when it has one with content.
  private func uploadedFile(_ request: HTTPRequest) -> MultipartForm.Part? {
    guard
      let form = try? MultipartForm(
        body: request.body, contentType: request.headers["content-type"] ?? ""),
      let part = form.part("file"), !part.body.isEmpty
    else { return nil }
    return part
  }
}
