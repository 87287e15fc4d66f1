import CSQLite
import CXlsxWriter
import Testing

/// The system-library targets the later stages use: their module maps resolve and link against
/// the Debian packages the Makefile installs.
@Suite struct LinkTests {
  @Test func libxlsxwriterLinks() {
    let version = String(cString: lxw_version())
    #expect(version.split(separator: ".").count == 3)
  }

  @Test func sqliteLinks() {
    #expect(sqlite3_libversion_number() >= 3_031_000)
  }
}
