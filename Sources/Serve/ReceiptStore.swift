import Basics
import Foundation
import Pipeline

/// Submissions: each goes into the inbox under a name the server chooses, and its receipt and
/// annotated copy into the college's own folder of `serve.receipts` (`<id>.json`,
/// `<id>.annotated.xlsx`). Every file is written under a temporary name and renamed, so neither
/// the inbox nor a list ever shows a half-written one, and one file per receipt needs no lock.
struct ReceiptStore: Sendable {
  let root: String
  let inbox: String

  /// The college's folder of receipts (its name made safe as one path component).
  func folder(_ college: String) -> String {
    (root as NSString).appendingPathComponent(BatchRun.folderName(college))
  }

  func receiptPath(_ college: String, id: String) -> String {
    (folder(college) as NSString).appendingPathComponent(id + ".json")
  }

  func annotatedPath(_ college: String, id: String) -> String {
    (folder(college) as NSString).appendingPathComponent(id + ".annotated.xlsx")
  }

  /// Puts `bytes` into the inbox as `<college>-<UTC time>-<sha256 prefix>.xlsx` (with `-2`, `-3`…
  /// when that name is taken: a file is never overwritten) and returns the name.
  func putInInbox(_ bytes: [UInt8], college: String, sha256: String, at time: Date) throws -> String
  {
    try makePrivateDirectory(inbox)
    let stamp = time.formatted(
      Date.VerbatimFormatStyle(
        format:
          "\(year: .defaultDigits)\(month: .twoDigits)\(day: .twoDigits)T\(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased))\(minute: .twoDigits)\(second: .twoDigits)Z",
        timeZone: .gmt, calendar: Calendar(identifier: .gregorian)))
    let stem = "\(BatchRun.folderName(college))-\(stamp)-\(sha256.prefix(12))"
    let temporary = (inbox as NSString).appendingPathComponent(
      ".\(unguessableID()).upload.tmp-\(getpid())-0")
    try Data(bytes).write(to: URL(fileURLWithPath: temporary))
    defer { unlink(temporary) }
    chmod(temporary, 0o600)
    for attempt in 1...1000 {
      let name = stem + (attempt == 1 ? "" : "-\(attempt)") + ".xlsx"
      // link() never replaces an existing file: the name is ours or the next one is tried.
      if link(temporary, (inbox as NSString).appendingPathComponent(name)) == 0 { return name }
      guard errno == EEXIST else {
        throw ServeError.io("\(inbox): \(String(cString: strerror(errno)))")
      }
    }
    throw ServeError.io("\(inbox): no free name for \(stem)")
  }

  /// Saves a receipt (after its annotated copy, when it has one).
  func save(_ receipt: Receipt) throws {
    try makePrivateDirectory(folder(receipt.college))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try writePrivateFile(
      Array(try encoder.encode(receipt)), to: receiptPath(receipt.college, id: receipt.id))
  }

  /// Writes `bytes` atomically to `path`, readable by the server's user alone (0600).
  func writePrivateFile(_ bytes: [UInt8], to path: String) throws {
    try AtomicFile.write(bytes, to: path, permissions: 0o600)
  }

  /// Bytes `college` holds: its inbox files (as its receipts name them), receipts and annotated
  /// copies (its `serve.maxCollegeBytes`).
  func bytesHeld(by college: String) -> Int {
    func size(_ path: String) -> Int {
      ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue
        ?? 0
    }
    let dir = folder(college)
    let own = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).reduce(0) {
      $0 + size((dir as NSString).appendingPathComponent($1))
    }
    return receipts(of: college).reduce(own) {
      $0 + size((inbox as NSString).appendingPathComponent($1.file))
    }
  }

  /// The college's receipts, newest first; an earlier one for the same station and year as a
  /// later one is marked superseded.
  func receipts(of college: String) -> [Receipt] {
    let dir = folder(college)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    var receipts = names.filter { $0.hasSuffix(".json") }.compactMap { name -> Receipt? in
      guard
        let data = FileManager.default.contents(
          atPath: (dir as NSString).appendingPathComponent(name)),
        let receipt = try? JSONDecoder().decode(Receipt.self, from: data),
        receipt.college == college
      else { return nil }
      return receipt
    }
    receipts.sort { ($0.receivedAt, $0.file) > ($1.receivedAt, $1.file) }
    var seen = Set<String>()
    for i in receipts.indices {
      guard let station = receipts[i].stationID, let year = receipts[i].academicYear else {
        continue
      }
      if !seen.insert(station + "\u{0}" + year).inserted { receipts[i].superseded = true }
    }
    return receipts
  }

  /// The college's receipt `id`; nil when it has none of that id (another college's included).
  func receipt(of college: String, id: String) -> Receipt? {
    guard isWellFormedID(id),
      let data = FileManager.default.contents(atPath: receiptPath(college, id: id)),
      let receipt = try? JSONDecoder().decode(Receipt.self, from: data), receipt.college == college
    else { return nil }
    return receipt
  }
}

/// Creates `path` (and its parents) when missing, and makes it the server's user's alone (0700).
func makePrivateDirectory(_ path: String) throws {
  try FileManager.default.createDirectory(
    atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
  chmod(path, 0o700)
}

/// A failure of the server's own storage (not of a request): answered 500 and logged.
enum ServeError: Error, CustomStringConvertible {
  case io(String)
  var description: String {
    switch self {
    case .io(let detail): "I/O: \(detail)"
    }
  }
}
