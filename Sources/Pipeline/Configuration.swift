import Foundation
import XLSXReading

/// What `pipeline.json` configures. Every key is optional: a missing one keeps its built-in
/// default, and the built-in defaults equal the shipped `pipeline.json`. Unknown keys are an error,
/// so a misspelt limit is not silently ignored.
public struct Configuration: Equatable, Sendable {
  /// The reader's safety limits (FILE-002).
  public var reader = ReaderLimits()
  /// The file the configuration came from; nil for the built-in defaults.
  public var source: String?

  public init() {}

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
    config.source = path
    return config
  }

  static func parse(_ data: Data, path: String) throws -> Configuration {
    guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw ConfigurationError(path: path, problem: "is not a JSON object")
    }
    var config = Configuration()
    var object = JSONObject(root, path: path, at: "")
    if var reader = try object.object("reader") {
      try reader.int("maxFileBytes", &config.reader.maxFileBytes)
      try reader.int("maxEntries", &config.reader.maxEntries)
      try reader.int("maxEntryInflatedBytes", &config.reader.maxEntryInflatedBytes)
      try reader.int("maxTotalInflatedBytes", &config.reader.maxTotalInflatedBytes)
      try reader.int("maxCompressionRatio", &config.reader.maxCompressionRatio)
      try reader.int("ratioCheckAfterBytes", &config.reader.ratioCheckAfterBytes)
      try reader.int("maxCells", &config.reader.maxCells)
      try reader.int("maxSharedStrings", &config.reader.maxSharedStrings)
      try reader.int("maxTokenBytes", &config.reader.maxTokenBytes)
      try reader.int("maxXMLDepth", &config.reader.maxXMLDepth)
      try reader.finish()
    }
    try object.finish()
    return config
  }
}

/// A configuration file that cannot be used, with the key at fault.
public struct ConfigurationError: Error, CustomStringConvertible {
  public var path: String
  public var problem: String
  public var description: String { "\(path): \(problem)" }
}

/// Reads keys out of a JSON object and remembers which were read, so that unknown keys can be
/// reported.
struct JSONObject {
  private let values: [String: Any]
  private let path: String
  private let prefix: String
  private var used: Set<String> = []

  init(_ values: [String: Any], path: String, at prefix: String) {
    self.values = values
    self.path = path
    self.prefix = prefix
  }

  mutating func object(_ key: String) throws -> JSONObject? {
    guard let value = values[key] else { return nil }
    used.insert(key)
    guard let dict = value as? [String: Any] else { throw error(key, "must be an object") }
    return JSONObject(dict, path: path, at: prefix + key + ".")
  }

  mutating func int(_ key: String, _ target: inout Int) throws {
    guard let value = values[key] else { return }
    used.insert(key)
    guard let number = value as? NSNumber, !isBoolean(number),
      number.doubleValue == number.doubleValue.rounded(), number.doubleValue > 0
    else { throw error(key, "must be a positive whole number") }
    target = number.intValue
  }

  func finish() throws {
    if let unknown = values.keys.filter({ !used.contains($0) }).sorted().first {
      throw error(unknown, "is not a known setting")
    }
  }

  private func error(_ key: String, _ problem: String) -> ConfigurationError {
    ConfigurationError(path: path, problem: "\(prefix)\(key) \(problem)")
  }
}

/// Whether JSONSerialization made this number from `true`/`false` (they bridge to NSNumber).
private func isBoolean(_ number: NSNumber) -> Bool {
  let type = String(cString: number.objCType)
  return type == "c" || type == "B"
}
