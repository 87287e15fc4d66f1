/// One HTTP request as the handler sees it: complete (its whole body has arrived) and detached
/// from the connection (its body's file lasts until the request is over).
public struct HTTPRequest: Sendable {
  /// The method as sent: `GET`, `POST`, `HEAD`, …
  public let method: String
  /// The path, percent-decoded, without the query string (`/a b` for `/a%20b?x=1`).
  public let path: String
  /// The query string's arguments, percent-decoded (`+` is a space); the first of a repeated
  /// name wins; a name without `=` maps to "".
  public let query: [String: String]
  /// The header fields, names lowercased; a repeated field's values are joined with ", ".
  public let headers: [String: String]
  /// The body, byte for byte (empty when there is none): a private file the server streamed it
  /// to, which exists until the request is over.
  public let body: RequestBody
  /// The client's IP address, when the connection has one.
  public let remoteAddress: String?

  public init(
    method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:],
    body: [UInt8] = [], remoteAddress: String? = nil
  ) {
    self.init(
      method: method, path: path, query: query, headers: headers, body: RequestBody(body),
      remoteAddress: remoteAddress)
  }

  public init(
    method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:],
    body: RequestBody, remoteAddress: String? = nil
  ) {
    self.method = method
    self.path = path
    self.query = query
    self.headers = headers
    self.body = body
    self.remoteAddress = remoteAddress
  }
}
