import Model
import Normalization
import Testing
import Validation
import XLSXReading
import XLSXTestSupport

/// What a check is configured with: the parts of `pipeline.json` the stages take (Pipeline's
/// `Configuration` has these, with the same defaults, beside its run and serve settings).
struct Configuration {
  var reader = ReaderLimits()
  var policy = Policy.standard
  var template = Template.standard
}

/// A workbook checked by the stages themselves: its issues in report order and its verdict.
struct Checked {
  /// The verdict as `pipeline check` gives it: a file the reader refuses (FILE-001/FILE-002) is
  /// unreadable, one with an error rejected; superseded comes from the batch rules (X-003).
  enum Status {
    case accepted, rejected, unreadable, superseded
  }

  var file: String
  var issues: [Model.Issue]
  var status: Status
  /// The normalized submission; nil when the file is unreadable.
  var submission: Submission?

  var stationID: String? { submission?.station?.text("station_id") }
  var academicYear: String? { submission?.station?.academicYear("academic_year")?.description }

  /// A checked file, `issues` put in report order and the status judged from them.
  init(_ file: String, issues: [Model.Issue], submission: Submission?) {
    self.file = file
    self.submission = submission
    self.issues = issues.sorted(
      by: Model.Issue.reportOrder(sheetOrder: submission?.sheetOrder ?? []))
    status =
      self.issues.contains { $0.rule == "FILE-001" || $0.rule == "FILE-002" }
      ? .unreadable
      : self.issues.contains { $0.severity == .error } ? .rejected : .accepted
  }
}

/// Checks a test workbook as `pipeline check` runs the stages: read (XLSXReading), normalize
/// (Normalization), validate (Validation).
func check(_ workbook: SubmissionWorkbook, configuration: Configuration = Configuration())
  -> Checked
{
  check(bytes: workbook.build(), name: "test.xlsx", configuration: configuration)
}

/// Checks workbook bytes; a file the reader refuses is its FILE-001/FILE-002 alone.
func check(bytes: [UInt8], name: String, configuration: Configuration = Configuration()) -> Checked
{
  do {
    let workbook = try Workbook(bytes: bytes, limits: configuration.reader)
    let (submission, found) = try Normalizer(template: configuration.template).normalize(workbook)
    let validator = Validator(policy: configuration.policy, template: configuration.template)
    return Checked(name, issues: found + validator.validate(submission), submission: submission)
  } catch let error as XLSXError {
    let issue = Model.Issue(error.rule, sheet: nil, cell: nil, message: error.message)
    return Checked(name, issues: [issue], submission: nil)
  } catch {
    Testing.Issue.record("the normalizer threw what the reader does not: \(error)")
    return Checked(name, issues: [], submission: nil)
  }
}

/// The issues of a test workbook, as `rule@sheet!cell` strings (sheet-level: `rule@sheet`,
/// file-level: `rule`), sorted: compact to compare in one `#expect`.
func found(_ workbook: SubmissionWorkbook, configuration: Configuration = Configuration())
  -> [String]
{
  check(workbook, configuration: configuration).issues.map { issue in
    var s = issue.rule
    if let sheet = issue.sheet { s += "@" + sheet }
    if let cell = issue.cell { s += "!" + cell.a1 }
    return s
  }.sorted()
}

@Suite struct BaselineTests {
  /// The baseline every rule test starts from is accepted with no issue at all.
  @Test func theValidBaselineHasNoIssue() {
    let entry = check(.valid())
    #expect(entry.issues == [])
    #expect(entry.status == .accepted)
    #expect(entry.stationID == "TJMU-2022-015")
    #expect(entry.academicYear == "2023-2024")
  }
}
