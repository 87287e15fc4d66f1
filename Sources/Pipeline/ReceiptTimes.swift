import Foundation

/// When `pipeline serve` received each file (SPEC §9: a report that came through the server is on
/// time only when its receipt's time is on or before the deadline too): the receipts in
/// `serve.receipts` (one folder per college, `<id>.json`), by the file's SHA-256. A file dropped
/// in the inbox by hand has no receipt and only its 报送日期 counts.
enum ReceiptTimes {
  private struct Fields: Decodable {
    var sha256: String
    var receivedAt: String

    enum CodingKeys: String, CodingKey {
      case sha256
      case receivedAt = "received_at"
    }
  }

  /// SHA-256 (lower case) → the earliest receipt's time. A receipt that cannot be read is
  /// skipped: the file then counts by its 报送日期 alone.
  static func load(root: String) -> [String: Date] {
    let manager = FileManager.default
    var times: [String: Date] = [:]
    for college in (try? manager.contentsOfDirectory(atPath: root)) ?? []
    where !college.hasPrefix(".") {
      let folder = (root as NSString).appendingPathComponent(college)
      for name in (try? manager.contentsOfDirectory(atPath: folder)) ?? []
      where name.hasSuffix(".json") {
        let path = (folder as NSString).appendingPathComponent(name)
        guard let data = manager.contents(atPath: path),
          let fields = try? JSONDecoder().decode(Fields.self, from: data),
          let time = try? Date(fields.receivedAt, strategy: .iso8601)
        else { continue }
        let key = fields.sha256.lowercased()
        times[key] = min(times[key] ?? time, time)
      }
    }
    return times
  }
}
