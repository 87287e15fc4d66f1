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

extension String {
  /// The text with every control character (C0, DEL, C1) written as an escape — `\r`, `\n`,
  /// `\t`, `\\` for a backslash, `\xHH` or `\u{HHHH}` for the others — so a request's path
  /// cannot end a log line or forge another one, nor drive a terminal.
  public var escapingControlCharacters: String {
    var out = ""
    for scalar in unicodeScalars {
      switch scalar {
      case "\r": out += "\\r"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\\": out += "\\\\"
      case "\u{00}"..."\u{1F}", "\u{7F}":
        out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
      case "\u{80}"..."\u{9F}", "\u{2028}", "\u{2029}":
        out += "\\u{" + String(scalar.value, radix: 16) + "}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
