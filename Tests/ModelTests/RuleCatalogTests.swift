import Foundation
import Model
import Testing

/// The catalog is the contract of SPEC §5: the same rule IDs with the same severities.
@Suite struct RuleCatalogTests {
  @Test func matchesTheSpecTable() throws {
    let spec = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/spec/SPEC.md")
    let text = try String(contentsOf: spec, encoding: .utf8)
    var rows: [String: String] = [:]
    for line in text.split(separator: "\n") where line.hasPrefix("| ") {
      let cols = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
      if cols.count >= 2, cols[0].range(of: #"^[A-Z]+-\d{3}$"#, options: .regularExpression) != nil,
        cols[1] == "error" || cols[1] == "warning"
      {
        rows[cols[0]] = cols[1]
      }
    }
    #expect(rows.count == 40)
    #expect(Dictionary(uniqueKeysWithValues: RuleCatalog.entries.map { ($0.id, $0.severity.rawValue) }) == rows)
  }
}
