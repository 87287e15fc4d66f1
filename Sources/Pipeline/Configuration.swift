import Basics
import Foundation
import Model
import XLSXReading

/// What `pipeline.json` configures: the reader's limits, the policy numbers and the template.
///
/// Every key is optional: a missing one keeps its built-in default (objects merge key by key,
/// lists are replaced whole), and the built-in defaults equal the shipped `pipeline.json`.
/// Unknown keys are an error, so a misspelt setting is never silently ignored.
public struct Configuration: Codable, Equatable, Sendable {
  /// The reader's safety limits (FILE-002).
  public var reader = ReaderLimits()
  /// The policy numbers (SPEC §2).
  public var policy = Policy.standard
  /// The workbook template (SPEC §3).
  public var template = Template.standard
  /// Where `pipeline run` reads and writes (relative to the configuration file's folder).
  public var run = RunSettings()
  /// How `pipeline serve` listens, what it accepts, and the colleges' token hashes.
  public var serve = ServeSettings()
  /// The folder relative paths are resolved against: the configuration file's, else the current.
  public var baseDirectory = FileManager.default.currentDirectoryPath

  public init() {}

  private enum CodingKeys: String, CodingKey { case reader, policy, template, run, serve }

  /// A path of the configuration, resolved against ``baseDirectory``.
  public func resolve(_ path: String) -> String {
    path.hasPrefix("/")
      ? path : URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).path
  }

  /// `--config F` when given; else `./pipeline.json` when present; else the built-in defaults.
  public static func load(explicitPath: String?) throws -> Configuration {
    if let explicitPath { return try load(path: explicitPath) }
    let local = FileManager.default.currentDirectoryPath + "/pipeline.json"
    if FileManager.default.fileExists(atPath: local) { return try load(path: local) }
    return Configuration()
  }

  public static func load(path: String) throws -> Configuration {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw ConfigurationError(path: path, problem: "cannot be read: \(error.localizedDescription)")
    }
    var config = try parse(data, path: path)
    config.baseDirectory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    return config
  }

  static func parse(_ data: Data, path: String) throws -> Configuration {
    guard let user = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw ConfigurationError(path: path, problem: "is not a JSON object")
    }
    let defaults = try Configuration().jsonObject()
    if let problem = typeProblem(user, like: defaults, at: "") {
      throw ConfigurationError(path: path, problem: problem)
    }
    let merged = merge(defaults, user)
    let config: Configuration
    do {
      config = try JSONDecoder().decode(
        Configuration.self, from: JSONSerialization.data(withJSONObject: merged))
    } catch let error as DecodingError {
      throw ConfigurationError(path: path, problem: describe(error))
    }
    if let unknown = firstUnknownKey(user, known: try config.jsonObject(), at: "") {
      throw ConfigurationError(path: path, problem: "\(unknown) is not a known setting")
    }
    try config.validate(path: path)
    return config
  }

  /// The configuration as `pipeline.json` text: what `pipeline config` prints.
  public func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
  }

  private func jsonObject() throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: JSONEncoder().encode(self)) as! [String: Any]
  }

  private func validate(path: String) throws {
    let limits: [(String, Int)] = [
      ("maxFileBytes", reader.maxFileBytes), ("maxEntries", reader.maxEntries),
      ("maxEntryInflatedBytes", reader.maxEntryInflatedBytes),
      ("maxTotalInflatedBytes", reader.maxTotalInflatedBytes),
      ("maxCompressionRatio", reader.maxCompressionRatio),
      ("ratioCheckAfterBytes", reader.ratioCheckAfterBytes), ("maxCells", reader.maxCells),
      ("maxSharedStrings", reader.maxSharedStrings),
      ("maxSharedStringBytes", reader.maxSharedStringBytes),
      ("maxTokenBytes", reader.maxTokenBytes),
      ("maxXMLDepth", reader.maxXMLDepth),
    ]
    for (key, value) in limits where value <= 0 {
      throw ConfigurationError(path: path, problem: "reader.\(key) must be a positive whole number")
    }
    let serveNumbers: [(String, Int)] = [
      ("maxUploadBytes", serve.maxUploadBytes), ("maxConcurrentChecks", serve.maxConcurrentChecks),
      ("threads", serve.threads), ("copyLifetimeSeconds", serve.copyLifetimeSeconds),
      ("sessionLifetimeSeconds", serve.sessionLifetimeSeconds),
      ("maxSessionsPerCollege", serve.maxSessionsPerCollege),
      ("maxCollegeBytes", serve.maxCollegeBytes),
    ]
    let serveBounds: [(String, Int)] = [
      ("maxBodyBytesInFlight", serve.maxBodyBytesInFlight),
      ("checksPerIPPerMinute", serve.checksPerIPPerMinute), ("maxCheckCells", serve.maxCheckCells),
      ("maxParts", serve.maxParts), ("maxCopies", serve.maxCopies),
      ("maxCopyBytes", serve.maxCopyBytes), ("maxCopiesPerClient", serve.maxCopiesPerClient),
    ]
    for (key, value) in serveNumbers + serveBounds where value <= 0 {
      throw ConfigurationError(path: path, problem: "serve.\(key) must be a positive whole number")
    }
    let serveZeroOff: [(String, Int)] = [
      ("maxConnectionsPerIP", serve.maxConnectionsPerIP),
      ("requestDeadlineSeconds", serve.requestDeadlineSeconds),
    ]
    let serveZeroOrMore: [(String, Int)] = [
      ("queueWaitSeconds", serve.queueWaitSeconds),
      ("connectionTimeoutSeconds", serve.connectionTimeoutSeconds),
    ]
    for (key, value) in serveZeroOrMore + serveZeroOff where value < 0 {
      throw ConfigurationError(path: path, problem: "serve.\(key) must be 0 or more")
    }
    if let address = Self.storeAddress(run.store) {
      throw ConfigurationError(
        path: path, problem: "run.store：不支持的存储地址「\(address)」（目前只支持 SQLite 文件路径）")
    }
    if !serve.publicURL.isEmpty, ServeSettings.origin(ofURL: serve.publicURL) == nil {
      throw ConfigurationError(
        path: path, problem: "serve.publicURL must be http(s)://HOST[:PORT], not \(serve.publicURL)"
      )
    }
    for college in serve.tokens.keys.sorted() {
      if let problem = CollegeNames.problem(college) {
        throw ConfigurationError(path: path, problem: "serve.tokens: \(problem)")
      }
    }
    guard (1...12).contains(policy.academicYearStartMonth) else {
      throw ConfigurationError(path: path, problem: "policy.academicYearStartMonth must be 1…12")
    }
    guard policy.titleGrades.contains(policy.mentorMinimumGrade) else {
      throw ConfigurationError(
        path: path, problem: "policy.mentorMinimumGrade must be one of policy.titleGrades")
    }
    for sheet in template.sheets {
      for field in sheet.fields {
        if let pattern = field.pattern, (try? Regex(pattern)) == nil {
          throw ConfigurationError(
            path: path,
            problem:
              "template \(sheet.key).\(field.key): pattern \(pattern) is not a regular expression")
        }
      }
    }
  }
}

extension Configuration {
  /// `store` when it is an address (`scheme://…`: `postgresql://`, `sqlite://`, `file://`) rather
  /// than a path, with the password of its user information hidden (the message ends up in
  /// logs); nil for a path. Only a SQLite file can be the store so far (SPEC §12's PostgreSQL is
  /// not built), and an address taken as a path would be a store in an odd folder, or none.
  static func storeAddress(_ store: String) -> String? {
    guard let scheme = store.prefixMatch(of: /[A-Za-z][A-Za-z0-9+.\-]*:\/\//) else { return nil }
    let rest = store[scheme.range.upperBound...]
    let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":")
    else { return store }
    return String(store[..<authority.index(after: colon)]) + "***" + String(store[at...])
  }
}

/// `pipeline run`'s folders and store, relative to the configuration file's folder.
public struct RunSettings: Codable, Equatable, Sendable {
  /// The folder of submissions (`.xlsx`/`.xlsm`).
  public var inbox = "fixtures/inbox"
  /// Where the annotated copies (one folder per college), report.json and summary.xlsx go.
  public var out = "out"
  /// The SQLite store of accepted submissions.
  public var store = "out/store.sqlite"

  public init() {}
}

/// `pipeline serve`'s settings (README "Admins"): where it listens, its limits, and per college
/// the salted SHA-256 hash of its token (`pipeline token add COLLEGE` writes one).
public struct ServeSettings: Codable, Equatable, Sendable {
  /// `HOST:PORT` to listen on; loopback unless told otherwise (`0.0.0.0:8080`: every interface).
  public var listen = "127.0.0.1:8080"
  /// The largest upload accepted (bytes); a larger body is answered 413 before it is read whole.
  public var maxUploadBytes = 20 << 20
  /// Checks (self-checks and submissions) run at once; the others wait their turn.
  public var maxConcurrentChecks = 4
  /// How long a check waits for its turn before the answer is 503 with `Retry-After`.
  public var queueWaitSeconds = 10
  /// No longer used: every connection has a thread of its own (issue 12), so a check waiting its
  /// turn holds up no other client. Kept so that existing configuration files still load.
  public var threads = 16
  /// A connection on which nothing arrives or leaves for this long is closed.
  public var connectionTimeoutSeconds = 30
  /// A request that has not arrived whole this long after its connection opened (or after the
  /// previous answer on it) gets 408 and is closed, however steadily it trickles (0: never).
  public var requestDeadlineSeconds = 120
  /// Connections open at once from one IP address; further ones are closed at once (0: no
  /// limit but the server's 1,024).
  public var maxConnectionsPerIP = 16
  /// Body bytes of all uploads in flight together; past it a new body gets 503 + `Retry-After`.
  public var maxBodyBytesInFlight = 256 << 20
  /// Self-checks (`/check`, `/api/check`) one IP address may start per minute without signing
  /// in; beyond, 429 + `Retry-After`.
  public var checksPerIPPerMinute = 30
  /// Non-empty cells a self-check reads (below `reader.maxCells`, which submissions get): a
  /// heavier workbook is FILE-002 for the self-check, to be split or submitted.
  public var maxCheckCells = 2_000_000
  /// Parts of one `multipart/form-data` body; more is refused unread.
  public var maxParts = 16
  /// Self-checks' annotated copies kept on disk at once, and their bytes together.
  public var maxCopies = 512
  public var maxCopyBytes = 1 << 30
  /// Copies one client (an IP address, or a signed-in college) may hold at once (and the same
  /// share of `maxCopyBytes`); its next copy replaces its oldest, never another client's.
  public var maxCopiesPerClient = 16
  /// How long a self-check's annotated copy can be downloaded before it is deleted.
  public var copyLifetimeSeconds = 1800
  /// How long a college stays signed in on the page.
  public var sessionLifetimeSeconds = 28800
  /// Browsers one college can have signed in at once; a new sign-in beyond it ends that
  /// college's oldest session (never another college's).
  public var maxSessionsPerCollege = 20
  /// Bytes one college's submissions may hold (inbox files, receipts and annotated copies); a
  /// submission beyond it is refused (507).
  public var maxCollegeBytes = 1 << 30
  /// The address colleges reach the page at (`https://report.example.edu.cn`), when a reverse
  /// proxy stands in front: form posts must come from this origin, and an `https` one makes the
  /// session cookie `Secure`. Empty: the request's own `Host` is the origin.
  public var publicURL = ""
  /// Where receipts and the annotated copies of submissions are kept, one folder per college
  /// (relative to the configuration file's folder). Submissions themselves go to `run.inbox`.
  public var receipts = "receipts"
  /// College → `sha256:<salt hex>:<hash hex>` of its token; never the token itself.
  public var tokens: [String: String] = [:]

  public init() {}
}

extension ServeSettings {
  /// The origin (`https://host[:port]`, lowercased, no path) of an `http`/`https` URL; nil for
  /// anything else.
  public static func origin(ofURL text: String) -> String? {
    guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
      scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty,
      url.user == nil, url.query == nil
    else { return nil }
    let port = url.port.map { ":\($0)" } ?? ""
    return "\(scheme)://\(host.lowercased())\(port)"
  }
}

/// Objects merge key by key; anything else (lists, numbers, strings) is replaced.
private func merge(_ base: [String: Any], _ over: [String: Any]) -> [String: Any] {
  var out = base
  for (key, value) in over {
    if let b = base[key] as? [String: Any], let o = value as? [String: Any] {
      out[key] = merge(b, o)
    } else {
      out[key] = value
    }
  }
  return out
}

/// The first value of `user` whose JSON type differs from the default's at the same place (so
/// every type error names its key; the decoder's own messages do not always).
private func typeProblem(_ user: Any, like model: Any, at path: String) -> String? {
  func isBool(_ v: Any) -> Bool {
    guard let n = v as? NSNumber else { return false }
    return ["c", "B"].contains(String(cString: n.objCType))
  }
  switch model {
  case let m as [String: Any]:
    guard let u = user as? [String: Any] else { return "\(path) must be an object" }
    for (key, value) in u {
      if let mv = m[key],
        let problem = typeProblem(value, like: mv, at: path.isEmpty ? key : path + "." + key)
      {
        return problem
      }
    }
  case let m as [Any]:
    guard let u = user as? [Any] else { return "\(path) must be a list" }
    if let first = m.first {
      for (i, element) in u.enumerated() {
        if let problem = typeProblem(element, like: first, at: "\(path)[\(i)]") { return problem }
      }
    }
  case is String:
    if !(user is String) { return "\(path) must be text" }
  default:
    if isBool(model) {
      if !isBool(user) { return "\(path) must be true or false" }
    } else if let n = model as? NSNumber {
      guard let u = user as? NSNumber, !isBool(u) else { return "\(path) must be a whole number" }
      if n.doubleValue == n.doubleValue.rounded() && u.doubleValue != u.doubleValue.rounded() {
        return "\(path) must be a whole number"
      }
    }
  }
  return nil
}

/// The first key of `user` that the decoded configuration does not have (a misspelling).
private func firstUnknownKey(_ user: Any, known: Any, at path: String) -> String? {
  if let u = user as? [String: Any] {
    guard let k = known as? [String: Any] else { return nil }
    for key in u.keys.sorted() {
      let here = path.isEmpty ? key : path + "." + key
      guard let kv = k[key] else {
        if u[key] is NSNull { continue }
        return here
      }
      if let found = firstUnknownKey(u[key]!, known: kv, at: here) { return found }
    }
  } else if let u = user as? [Any], let k = known as? [Any] {
    for (i, element) in u.enumerated() where i < k.count {
      if let found = firstUnknownKey(element, known: k[i], at: "\(path)[\(i)]") { return found }
    }
  }
  return nil
}

private func describe(_ error: DecodingError) -> String {
  func path(_ keys: [any CodingKey]) -> String {
    keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
      .replacingOccurrences(of: ".[", with: "[")
  }
  switch error {
  case .typeMismatch(let type, let c): return "\(path(c.codingPath)) must be \(typeName(type))"
  case .valueNotFound(let type, let c): return "\(path(c.codingPath)) must be \(typeName(type))"
  case .keyNotFound(let key, let c): return "\(path(c.codingPath + [key])) is missing"
  case .dataCorrupted(let c): return "\(path(c.codingPath)): \(c.debugDescription)"
  @unknown default: return "\(error)"
  }
}

private func typeName(_ type: Any.Type) -> String {
  switch type {
  case is Int.Type: "a whole number"
  case is String.Type: "text"
  case is Bool.Type: "true or false"
  default: "\(type)"
  }
}

/// A configuration file that cannot be used, with the key at fault.
public struct ConfigurationError: Error, CustomStringConvertible {
  public var path: String
  public var problem: String
  public var description: String { "\(path): \(problem)" }

  public init(path: String, problem: String) {
    self.path = path
    self.problem = problem
  }
}
