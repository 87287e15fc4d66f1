import HTTPServer

/// A `multipart/form-data` body (RFC 7578), as the page's upload forms send it: each part's field
/// name, its file name when it is a file, and where its bytes are in the body. The body is read
/// from its file a block at a time, never whole: a part's bytes stay in the file (a slice of the
/// body) until a check reads them. Parsing never traps and is bounded: at most `maxParts` parts
/// and ``maxHeaderBytes`` of header per part; a body that does not follow the format, or goes
/// past those bounds, is a ``MultipartError``.
struct MultipartForm: Sendable {
  /// One field of the form.
  struct Part: Sendable {
    var name: String
    /// The file name as the browser sent it (display only: it never becomes a path).
    var fileName: String?
    var body: RequestBody
  }

  var parts: [Part]

  /// The header of one part (its `Content-Disposition` and `Content-Type` lines) is never longer.
  static let maxHeaderBytes = 8 << 10

  /// The first part named `name`.
  func part(_ name: String) -> Part? { parts.first { $0.name == name } }

  /// Parses `body` sent with the `Content-Type` header `contentType`; `maxParts` defaults to the
  /// serving request's `serve.maxParts`.
  init(body: RequestBody, contentType: String, maxParts: Int = ServeApp.context.maxParts)
    throws(MultipartError)
  {
    guard contentType.lowercased().hasPrefix("multipart/form-data"),
      let boundary = HeaderParameters(contentType)["boundary"], !boundary.isEmpty,
      boundary.utf8.count <= 200
    else { throw .notMultipart }
    let scanner = BodyScanner(body)
    let delimiter = Array("--\(boundary)".utf8)
    let separator = Array("\r\n--\(boundary)".utf8)
    guard var position = try scanner.find(delimiter, from: 0).map({ $0 + delimiter.count }) else {
      throw .malformed
    }
    var parts: [Part] = []
    while true {
      // After a delimiter: `--` ends the body, CRLF starts a part.
      let next = try scanner.bytes(position..<position + 2)
      if next == Array("--".utf8) { break }
      guard next == [13, 10] else { throw .malformed }
      guard parts.count < maxParts else { throw .tooManyParts }
      position += 2
      guard
        let headerEnd = try scanner.find(
          Array("\r\n\r\n".utf8), from: position, within: Self.maxHeaderBytes)
      else {
        throw scanner.body.count - position > Self.maxHeaderBytes ? .headerTooLarge : .malformed
      }
      let headers = String(decoding: try scanner.bytes(position..<headerEnd), as: UTF8.self)
      let start = headerEnd + 4
      guard let end = try scanner.find(separator, from: start) else { throw .malformed }
      parts.append(
        try Self.part(headers: headers, body: body.slice(from: start, length: end - start)))
      position = end + separator.count
    }
    self.parts = parts
  }

  /// Parses a body held in memory (tests).
  init(body: [UInt8], contentType: String, maxParts: Int = 64) throws(MultipartError) {
    try self.init(body: RequestBody(body), contentType: contentType, maxParts: maxParts)
  }

  private static func part(headers: String, body: RequestBody) throws(MultipartError) -> Part {
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
  /// More parts than `serve.maxParts`.
  case tooManyParts
  /// A part's header longer than ``MultipartForm/maxHeaderBytes``.
  case headerTooLarge
  /// The body's file could not be read back.
  case unreadable
}

/// Searches a ``RequestBody`` a block at a time.
struct BodyScanner {
  let body: RequestBody
  private static let block = 256 << 10

  init(_ body: RequestBody) { self.body = body }

  /// The bytes of `range` (fewer at the end of the body).
  func bytes(_ range: Range<Int>) throws(MultipartError) -> [UInt8] {
    let slice = body.slice(from: range.lowerBound, length: range.count)
    do { return try slice.readAll() } catch { throw .unreadable }
  }

  /// Where `pattern` first starts at or after `start`, looking at no more than `limit` bytes
  /// past `start` (plus the pattern); nil when it is not there.
  func find(_ pattern: [UInt8], from start: Int, within limit: Int = .max) throws(MultipartError)
    -> Int?
  {
    var position = start
    var buffer = [UInt8](repeating: 0, count: Self.block + pattern.count)
    while position < body.count, position - start <= limit {
      let read: Int
      do {
        read = try buffer.withUnsafeMutableBytes { try body.read(at: position, into: $0) }
      } catch { throw .unreadable }
      if let found = buffer[..<read].firstRange(of: pattern) {
        let at = position + (found.lowerBound - buffer.startIndex)
        return at - start <= limit ? at : nil
      }
      guard read >= pattern.count, position + read < body.count else { return nil }
      // The next block overlaps this one by the pattern less a byte, so a pattern split between
      // two blocks is found.
      position += read - (pattern.count - 1)
    }
    return nil
  }
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
