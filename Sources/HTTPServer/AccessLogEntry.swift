/// One line of the access log, given to the server's `log` closure when a request is done. It
/// holds the path only: never the query string nor a header, where a token may travel.
public struct AccessLogEntry: Sendable, Equatable {
  public let method: String
  /// The percent-decoded path, without the query string.
  public let path: String
  /// The status answered.
  public let status: Int
  /// Body bytes answered (0 for `HEAD`).
  public let bytes: Int
  /// From the request's header having arrived to the answer having been sent (or the connection
  /// having failed).
  public let milliseconds: Double
}
