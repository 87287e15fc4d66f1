import Model
import Testing
import Validation
import XLSXTestSupport

/// SPEC §5 `finding` (政策问题): a shortfall the data truthfully shows. The submission is accepted
/// (status `accepted`, `check` exits 0), the issue is marked with severity `finding`, and its
/// message never asks the submitter to change the fact. The near miss — a fact missing from the
/// data — stays an error.
@Suite struct FindingsTests {
  /// One edit of the valid submission per finding rule, and the one issue it gives.
  static let cases:
    [(rule: String, edits: [(String, String, SubmissionWorkbook.Value)], at: String)] = [
      ("MEN-001", [("站长及专家", "C4", .text("工程师"))], "站长及专家!C4"),
      ("MEN-002", [("站长及专家", "E4", .text("天津某某医疗器械有限公司"))], "站长及专家!E4"),
      ("SUB-001", [("进站研究生", "I3", .number(499.99))], "进站研究生!I3"),
      (
        "SUB-002",
        [
          ("补助发放", "D12", .number(799.99)), ("补助发放", "E12", .number(799.99)),
          ("工作站信息", "B16", .number(26_199.99)),
        ],
        "补助发放!D12"
      ),
      (
        "SUB-003", [("补助发放", "E2", .number(1499.99)), ("工作站信息", "B16", .number(26_199.99))],
        "补助发放!E2"
      ),
      ("SUB-004", [("补助发放", "F2", .date(2023, 11, 1))], "补助发放!F2"),
      ("SAF-001", [("进站研究生", "L3", .text("否"))], "进站研究生!L3"),
    ]

  @Test(arguments: cases.indices)
  func aFindingIsAcceptedAndMarked(_ index: Int) {
    let c = Self.cases[index]
    var wb = SubmissionWorkbook.valid()
    for (sheet, cell, value) in c.edits { wb.set(sheet, cell, value) }
    let entry = check(wb)
    #expect(found(wb) == ["\(c.rule)@\(c.at)"])
    #expect(entry.status == .accepted)
    let issue = entry.issues.first
    #expect(issue?.severity == .finding && RuleCatalog.severity(of: c.rule) == .finding)
    // It says what it means and that the fact is to be reported as it is.
    #expect(issue?.message.hasSuffix(RuleContext.findingNote) == true)
    #expect(IssueCounts(entry.issues) == IssueCounts(findings: 1))
  }

  /// Every finding rule of the catalog has its case above.
  @Test func everyFindingRuleIsCovered() {
    let findings = RuleCatalog.entries.filter { $0.severity == .finding }.map(\.id)
    #expect(Set(findings) == Set(Self.cases.map(\.rule)) && findings.count == 7)
  }

  /// The near miss: paid with no 发放日期 is missing data (CELL-001), an error that rejects —
  /// not a late payment.
  @Test func aPaymentWithNoDateIsAnErrorNotAFinding() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "F2", .empty)
    let entry = check(wb)
    #expect(found(wb) == ["CELL-001@补助发放!F2"])
    #expect(entry.status == .rejected && entry.issues.first?.severity == .error)
  }

  /// A finding beside an error: the error rejects, the finding stays a finding.
  @Test func aFindingBesideAnErrorKeepsItsSeverity() {
    var wb = SubmissionWorkbook.valid()
    wb.set("补助发放", "F2", .date(2023, 11, 1))
    wb.set("补助发放", "F3", .empty)
    let entry = check(wb)
    #expect(found(wb) == ["CELL-001@补助发放!F3", "SUB-004@补助发放!F2"])
    #expect(entry.status == .rejected)
    #expect(entry.issues.map(\.severity) == [.finding, .error])
  }

  /// Worst first, and the words every output uses.
  @Test func severitiesOrderAndLabels() {
    #expect(Severity.allCases.sorted() == [.error, .finding, .warning])
    #expect(Severity.allCases.map(\.label) == ["错误", "政策问题", "警告"])
    let issues = ["SUB-004", "CELL-001", "SUB-004", "INS-001", "INS-001", "INS-001"].map {
      Issue($0, sheet: nil, cell: nil, message: "")
    }
    #expect(IssueCounts(issues) == IssueCounts(errors: 1, findings: 2, warnings: 3))
  }
}

/// SPEC §8: a CRC mismatch is FILE-001 before any issue about the contents — the checker reads
/// each sheet once and drops everything it read when the part's CRC fails at its end.
@Suite struct CRCBeforeContentTests {
  @Test func aDigitChangedUnderTheCRCIsFileOneAlone() throws {
    var bytes = SubmissionWorkbook.valid().build()
    // 生活补助发放总额 26200 in 工作站信息 (the entries are stored deflate blocks: the text shows).
    let target = Array("<v>26200</v>".utf8)
    let at = try #require(
      bytes.indices.dropLast(target.count).first { Array(bytes[$0..<$0 + target.count]) == target })
    bytes[at + 4] = UInt8(ascii: "7")  // 27200: SUB-006 if the CRC went unchecked
    let entry = check(bytes: bytes, name: "flip.xlsx")
    #expect(entry.issues.map(\.rule) == ["FILE-001"])
    #expect(entry.status == .unreadable)
  }
}
