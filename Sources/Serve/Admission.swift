import Foundation
import HTTPServer
import Synchronization

/// What is decided from a request's head alone, before any of its body is read (the server's
/// `admit` hook): a submission without a valid token or session is answered 401 at once, and
/// anonymous self-checks beyond `serve.checksPerIPPerMinute` get 429.
extension ServeApp {
  /// The request being served, for the code beneath the routes: whose self-check copy is kept
  /// (``CopyCache``) and how many parts a form may have (``MultipartForm``).
  struct Context: Sendable {
    /// `ip:ADDRESS` when anonymous, `college:NAME` when signed in.
    var client = "ip:"
    var maxParts = 16
  }

  @TaskLocal static var context = Context()

  /// Runs `body` with the context of `request`.
  func withContext<T>(of request: HTTPRequest, _ body: () throws -> T) rethrows -> T {
    let college = college(bearer: request) ?? college(session: request)
    let context = Context(
      client: college.map { "college:\($0)" } ?? "ip:\(request.remoteAddress ?? "")",
      maxParts: settings.maxParts)
    return try Self.$context.withValue(context, operation: body)
  }

  /// The answer to a request's head, when it is refused before its body is read.
  public func admit(_ request: HTTPRequest) -> HTTPResponse? {
    guard request.method == "POST" else { return nil }
    switch request.path {
    case "/api/submit":
      return college(bearer: request) == nil ? unauthorized : nil
    case "/submit":
      return college(session: request) == nil
        ? .html(401, Pages.message("请先登录", "正式报送需先用本单位的报送口令登录。")) : nil
    case "/check", "/api/check":
      guard college(bearer: request) == nil, college(session: request) == nil,
        let wait = checkRate.take(request.remoteAddress ?? "")
      else { return nil }
      let retry = [(name: "Retry-After", value: "\(wait)")]
      if request.path.hasPrefix("/api/") {
        return apiError(429, "自查过于频繁，请稍后重试。", headers: retry)
      }
      var response = HTTPResponse.html(
        429, Pages.message("自查过于频繁", "同一地址每分钟最多自查 \(settings.checksPerIPPerMinute) 次，请稍后重试，或登录后报送。")
      )
      response.headers += retry
      return response
    default:
      return nil
    }
  }

  /// A self-check's annotated copy, as a download; 404 when its file is gone.
  func download(_ file: ScratchFile, name: String) -> HTTPResponse {
    guard let bytes = file.read() else { return notFoundPage }
    return download(bytes, name: name)
  }

  /// The fields of an `application/x-www-form-urlencoded` body (the sign-in form: a larger body
  /// than 64 KiB has none). The first of a repeated name wins; `+` is a space.
  func formFields(_ body: RequestBody) -> [String: String] {
    guard body.count <= 64 << 10, let bytes = try? body.readAll() else { return [:] }
    return formFields(bytes[...])
  }

  /// The fields of urlencoded bytes (a body, or its first 64 KiB): the first of a repeated name
  /// wins; `+` is a space.
  func formFields(_ bytes: ArraySlice<UInt8>) -> [String: String] {
    var fields: [String: String] = [:]
    for pair in bytes.split(separator: UInt8(ascii: "&")) {
      let equals = pair.firstIndex(of: UInt8(ascii: "="))
      let name = formDecoded(pair[..<(equals ?? pair.endIndex)])
      let value = equals.map { formDecoded(pair[pair.index(after: $0)...]) } ?? ""
      if fields[name] == nil { fields[name] = value }
    }
    return fields
  }
}

/// Form-encoded bytes as text: `+` a space, `%XX` its byte; a `%` not followed by two hex digits
/// stays as it is.
private func formDecoded(_ bytes: ArraySlice<UInt8>) -> String {
  var out: [UInt8] = []
  out.reserveCapacity(bytes.count)
  var i = bytes.startIndex
  while i < bytes.endIndex {
    let byte = bytes[i]
    if byte == UInt8(ascii: "+") {
      out.append(UInt8(ascii: " "))
    } else if byte == UInt8(ascii: "%"), i + 2 < bytes.endIndex,
      case let digits = bytes[(i + 1)...(i + 2)],
      digits.allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }),
      let value = UInt8(String(decoding: digits, as: UTF8.self), radix: 16)
    {
      out.append(value)
      i += 2
    } else {
      out.append(byte)
    }
    i += 1
  }
  return String(decoding: out, as: UTF8.self)
}

/// At most `perMinute` events per key in each minute (a fixed window per key); memory stays
/// bounded: windows that have ended are dropped once there are many keys.
final class RateLimiter: Sendable {
  private struct Window {
    var start: ContinuousClock.Instant
    var count: Int
  }

  private let windows = Mutex<[String: Window]>([:])
  private let perMinute: Int

  init(perMinute: Int) { self.perMinute = perMinute }

  /// Counts one event for `key`: nil when it is allowed, else the seconds until it would be.
  func take(_ key: String) -> Int? {
    let now = ContinuousClock.now
    return windows.withLock { windows in
      if windows.count > 10_000 {
        windows = windows.filter { $0.value.start.duration(to: now) < .seconds(60) }
      }
      var window = windows[key] ?? Window(start: now, count: 0)
      if window.start.duration(to: now) >= .seconds(60) { window = Window(start: now, count: 0) }
      guard window.count < perMinute else {
        let left = Duration.seconds(60) - window.start.duration(to: now)
        return max(1, Int(left.components.seconds) + 1)
      }
      window.count += 1
      windows[key] = window
      return nil
    }
  }
}
