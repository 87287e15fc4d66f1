import Basics
import Foundation
import Pipeline

/// The colleges' tokens: made at random, kept only as salted SHA-256 hashes
/// (`sha256:<salt hex>:<hash hex>` in `serve.tokens`), compared in constant time.
public enum Tokens {
  /// A new token: 32 random bytes from the system's generator, as 64 hex digits.
  public static func generate() -> String { hex(randomBytes(32)) }

  /// The stored form of `token`, with a fresh 16-byte salt (or `salt`, for tests).
  public static func hash(_ token: String, salt: [UInt8]? = nil) -> String {
    let salt = salt ?? randomBytes(16)
    return "sha256:\(hex(salt)):\(SHA256.hex(salt + Array(token.utf8)))"
  }

  /// The college whose stored hash `token` matches, or nil. Every college's hash is computed and
  /// compared in full whatever matches, so the time taken says nothing about the token.
  static func college(for token: String, in stored: [String: String]) -> String? {
    var found: String?
    for (college, entry) in stored.sorted(by: { $0.key < $1.key }) {
      let fields = entry.split(separator: ":", omittingEmptySubsequences: false)
      guard fields.count == 3, fields[0] == "sha256", let salt = bytes(hex: fields[1]) else {
        continue
      }
      let actual = Array(SHA256.hex(salt + Array(token.utf8)).utf8)
      if constantTimeEqual(actual, Array(fields[2].utf8)) && found == nil { found = college }
    }
    return found
  }

  /// Whether `a` and `b` are equal, in a time that depends only on their lengths.
  static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    var difference = UInt8(a.count == b.count ? 0 : 1)
    for i in 0..<min(a.count, b.count) { difference |= a[i] ^ b[i] }
    return difference == 0
  }

  /// Adds (or replaces) `college`'s token in the configuration file at `path` — created from the
  /// built-in defaults when missing — and returns the new token; the name must pass
  /// ``CollegeNames/problem(_:)``. A running server picks the change up (``TokenBook``). The file is rewritten whole
  /// (as `pipeline config` prints it) under a temporary name and renamed.
  public static func add(college: String, configPath path: String) throws -> String {
    let trimmed = college.trimmingCharacters(in: .whitespacesAndNewlines)
    if let problem = CollegeNames.problem(trimmed) {
      throw ConfigurationError(path: path, problem: problem)
    }
    var configuration =
      FileManager.default.fileExists(atPath: path)
      ? try Configuration.load(path: path) : Configuration()
    let token = generate()
    configuration.serve.tokens[trimmed] = hash(token)
    // Token hashes are for the server's user alone.
    try AtomicFile.write(try configuration.json(), to: path, permissions: 0o600)
    return token
  }

  static func randomBytes(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
  }

  static func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
      out.append(digits[Int(b >> 4)])
      out.append(digits[Int(b & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  private static func bytes(hex: Substring) -> [UInt8]? {
    let digits = Array(hex.utf8)
    guard digits.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    var i = 0
    while i < digits.count {
      guard let byte = UInt8(String(decoding: digits[i..<(i + 2)], as: UTF8.self), radix: 16) else {
        return nil
      }
      out.append(byte)
      i += 2
    }
    return out
  }
}

/// A random identifier no one can guess (128 bits), for annotated copies, receipts and sessions.
func unguessableID() -> String { Tokens.hex(Tokens.randomBytes(16)) }

/// Whether `id` can be one of ours: hex digits only, so it is safe as a file-name component.
func isWellFormedID(_ id: String) -> Bool {
  id.utf8.count == 32 && id.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
}
