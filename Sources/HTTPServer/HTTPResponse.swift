/// The handler's answer: a status, header fields and a body sent whole. The server adds
/// `Content-Length` (and `Date`); a `HEAD` request gets the headers only, so a handler can answer
/// `HEAD` as it answers `GET`.
public struct HTTPResponse: Sendable {
  /// The status code (200, 404, …).
  public var status: Int
  /// Header fields in the order they are sent; a name may repeat. A field the server refuses
  /// (a line break in it, or a `Content-Length` of its own) turns the answer into a 500.
  public var headers: [(name: String, value: String)]
  public var body: [UInt8]

  public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  /// `body` with the given `Content-Type`.
  public static func bytes(_ status: Int, contentType: String, _ body: [UInt8]) -> HTTPResponse {
    HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: body)
  }

  /// Plain text, UTF-8.
  public static func text(_ status: Int, _ text: String) -> HTTPResponse {
    .bytes(status, contentType: "text/plain; charset=utf-8", Array(text.utf8))
  }

  /// An HTML page, UTF-8.
  public static func html(_ status: Int, _ html: String) -> HTTPResponse {
    .bytes(status, contentType: "text/html; charset=utf-8", Array(html.utf8))
  }

  /// A JSON document, already serialized.
  public static func json(_ status: Int, _ json: String) -> HTTPResponse {
    .bytes(status, contentType: "application/json", Array(json.utf8))
  }
}
