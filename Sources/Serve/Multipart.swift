/// A `multipart/form-data` body (RFC 7578), as the page's upload forms send it: each part's field
/// name, its file name when it is a file, and its bytes. Parsing never traps: a body that does
/// not follow the format is a ``MultipartError``.
struct MultipartForm: Sendable {
  /// One field of the form.
  struct Part: Sendable {
    var name: String
    /// The file name as the browser sent it (display only: it never becomes a path).
    var fileName: String?
    var body: [UInt8]
  }

  var parts: [Part]

  /// The first part named `name`.
  func part(_ name: String) -> Part? { parts.first { $0.name == name } }

  /// Parses `body` sent with the `Content-Type` header `contentType`.
  init(body: [UInt8], contentType: String) throws(MultipartError) {
    guard contentType.lowercased().hasPrefix("multipart/form-data"),
      let boundary = HeaderParameters(contentType)["boundary"], !boundary.isEmpty,
      boundary.utf8.count <= 200
    else { throw .notMultipart }
    let delimiter = Array("--\(boundary)".utf8)
    let separator = Array("\r\n--\(boundary)".utf8)
    guard var position = body.firstRange(of: delimiter)?.upperBound else { throw .malformed }
    var parts: [Part] = []
    while true {
      // After a delimiter: `--` ends the body, CRLF starts a part.
      if body[position...].starts(with: Array("--".utf8)) { break }
      guard body[position...].starts(with: [13, 10]) else { throw .malformed }
      position += 2
      guard let headerEnd = body[position...].firstRange(of: Array("\r\n\r\n".utf8)) else {
        throw .malformed
      }
      let headers = String(decoding: body[position..<headerEnd.lowerBound], as: UTF8.self)
      guard let end = body[headerEnd.upperBound...].firstRange(of: separator) else {
        throw .malformed
      }
      parts.append(
        try Self.part(headers: headers, body: Array(body[headerEnd.upperBound..<end.lowerBound])))
      position = end.upperBound
    }
    self.parts = parts
  }

  private static func part(headers: String, body: [UInt8]) throws(MultipartError) -> Part {
    for line in headers.split(separator: "\r\n") {
      guard let colon = line.firstIndex(of: ":"),
        line[..<colon].trimmingSpaces.lowercased() == "content-disposition"
      else { continue }
      let parameters = HeaderParameters(String(line[line.index(after: colon)...]))
      guard let name = parameters["name"] else { throw .malformed }
      return Part(name: name, fileName: parameters["filename"], body: body)
    }
    throw .malformed
  }
}

/// Why a form body could not be read.
enum MultipartError: Error, Sendable {
  case notMultipart, malformed
}

/// The `name=value` parameters of a header value such as `form-data; name="file";
/// filename="a.xlsx"` (values quoted or not; names lowercased; the first of a repeated name wins).
struct HeaderParameters {
  private var values: [String: String] = [:]

  init(_ header: String) {
    var rest = Substring(header)
    while let semicolon = rest.firstIndex(of: ";") {
      rest = rest[rest.index(after: semicolon)...]
      let field = rest.prefix { $0 != ";" && $0 != "\"" }
      guard let equals = field.firstIndex(of: "=") else { continue }
      let name = rest[..<equals].trimmingSpaces.lowercased()
      var value = rest[rest.index(after: equals)...].drop { $0 == " " }
      if value.first == "\"" {
        // A quoted string, up to the next quote. Browsers send a `"` in a file name as `%22`
        // and a backslash as it is (the HTML standard's form encoding), so `\` escapes nothing.
        value = value.dropFirst()
        let text = value.prefix { $0 != "\"" }
        if values[name] == nil { values[name] = String(text) }
        rest = value[text.endIndex...].dropFirst()
      } else {
        let token = value.prefix { $0 != ";" }
        if values[name] == nil { values[name] = token.trimmingSpaces }
        rest = value[token.endIndex...]
      }
    }
  }

  subscript(name: String) -> String? { values[name] }
}

extension StringProtocol {
  /// Without the spaces and tabs at either end.
  var trimmingSpaces: String {
    String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
  }
}
