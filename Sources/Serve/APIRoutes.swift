import Foundation
import HTTPServer
import Pipeline

/// The JSON API for tools (README "The JSON API"): the workbook is the request body.
extension ServeApp {
  /// `POST /api/check[?name=FILE]`: what `pipeline check --format json FILE` prints; the
  /// annotated workbook instead when the `Accept` header asks for xlsx.
  func apiCheck(_ request: HTTPRequest) throws -> HTTPResponse {
    let name = Self.displayName(request.query["name"])
    guard let checked = try check(request.body, name: name) else { return busy(api: true) }
    if (request.headers["accept"] ?? "").contains(Self.xlsxType) {
      return download(
        checked.annotated, name: (name as NSString).deletingPathExtension + ".annotated.xlsx")
    }
    return .json(200, Reports.json([checked.entry]))
  }

  /// `POST /api/submit[?name=FILE]` with `Authorization: Bearer TOKEN`: 201 and the receipt.
  func apiSubmit(_ request: HTTPRequest) throws -> HTTPResponse {
    guard let college = college(bearer: request) else { return unauthorized }
    guard !request.body.isEmpty else { return apiError(400, "请求体为空：请把工作簿作为请求体发送。") }
    guard
      let receipt = try submit(
        request.body, uploadedName: Self.displayName(request.query["name"]), college: college)
    else {
      return busy(api: true)
    }
    var response = HTTPResponse.json(201, jsonObject(receipt))
    response.headers.append(("Location", "/api/submissions/\(receipt.id)"))
    return response
  }

  /// `GET /api/submissions`: the college's receipts, newest first.
  func apiSubmissions(_ request: HTTPRequest) -> HTTPResponse {
    guard let college = college(bearer: request) else { return unauthorized }
    return .json(200, jsonObject(store.receipts(of: college)))
  }

  /// `GET /api/submissions/ID`: one receipt of the college; 404 for any other college's.
  func apiSubmission(_ request: HTTPRequest, id: String) -> HTTPResponse {
    guard let college = college(bearer: request) else { return unauthorized }
    guard let receipt = store.receipts(of: college).first(where: { $0.id == id }) else {
      return apiError(404, "没有这个资源。")
    }
    return .json(200, jsonObject(receipt))
  }

  var unauthorized: HTTPResponse {
    apiError(
      401, "需要本单位的报送口令：Authorization: Bearer <口令>。", headers: [("WWW-Authenticate", "Bearer")])
  }
}
