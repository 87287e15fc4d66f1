import Foundation
import Model
import Testing

/// The catalog is the contract of SPEC §5, §9 and §10: the same rule IDs with the same severities.
@Suite struct RuleCatalogTests {
  @Test func matchesTheSpecTable() throws {
    let spec = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
        "shared/spec/SPEC.md")
    let text = try String(contentsOf: spec, encoding: .utf8)
    // The tables of §5, §9 (the register's rules) and §10 (the cross-year rules).
    var rows: [String: String] = [:]
    for (start, stop) in [
      ("## 5. Rule catalog", "### 5.1"), ("## 9. Stations", "## 10."),
      ("## 10. Cross-year", "## 11."),
    ] {
      let section = try #require(text.range(of: start)?.upperBound)
      let end = try #require(text.range(of: stop, range: section..<text.endIndex)?.lowerBound)
      for line in text[section..<end].split(separator: "\n") where line.hasPrefix("| ") {
        let cols = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        if cols.count >= 2,
          cols[0].range(of: #"^[A-Z]+-\d{3}$"#, options: .regularExpression) != nil,
          Severity(rawValue: cols[1]) != nil
        {
          rows[cols[0]] = cols[1]
        }
      }
    }
    #expect(rows.count == 51)
    #expect(rows.values.filter { $0 == "finding" }.count == 7)
    #expect(
      Dictionary(uniqueKeysWithValues: RuleCatalog.entries.map { ($0.id, $0.severity.rawValue) })
        == rows)
  }
}
