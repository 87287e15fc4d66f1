import Model
import Normalization
import Testing
import Validation
import XLSXReading
import XLSXTestSupport

/// Y-001…Y-006 (SPEC §10) against the stages directly: the valid 2023-2024 baseline checked with
/// an index of earlier reports built in code, each rule with its trigger and a near miss.
@Suite struct CrossYearRulesTests {
  typealias Student = CrossYearIndex.Student

  static func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Day(year: y, month: m, day: d)! }

  /// Last year's (2022-2023) report of the baseline's station, as it agrees with this year's.
  static func lastYear(
    students: [Student]? = nil, outcomes: [CrossYearIndex.Outcome] = [],
    recognized: Day = day(2022, 9, 1), host: String = "天津某某生物医药有限公司",
    year: Int = 2022, station: String = "TJMU-2022-015"
  ) -> CrossYearIndex.Report {
    CrossYearIndex.Report(
      stationID: station, academicYear: AcademicYear(startYear: year), file: "last.xlsx",
      recognizedOn: recognized, hostUnit: host,
      students: students ?? [
        Student(studentID: "2022120345", name: "张三", level: "博士", enteredOn: day(2023, 9, 1)),
        Student(
          studentID: "2023110021", name: "李四", level: "硕士", enteredOn: day(2023, 9, 1),
          leftOn: day(2024, 6, 30)),
      ], outcomes: outcomes)
  }

  static func issues(_ reports: [CrossYearIndex.Report]) throws -> [String] {
    let workbook = try Workbook(bytes: SubmissionWorkbook.valid().build(), limits: ReaderLimits())
    let (submission, _) = try Normalizer(template: .standard).normalize(workbook)
    let validator = Validator(
      policy: .standard, template: .standard,
      crossYear: CrossYearIndex(reports, startMonth: 7))
    return validator.validate(submission).filter { $0.rule.hasPrefix("Y-") }
      .map { "\($0.rule)@\($0.sheet ?? "")!\($0.cell?.a1 ?? "-")" }.sorted()
  }

  static let zhao = "2299000001"

  @Test(arguments: [
    // Everything as last year: nothing.
    ("agrees", [lastYear()], [String]()),
    // A student in station at the end of last year, not listed: Y-001 at the 学号 header…
    (
      "vanished",
      [lastYear(students: [Student(studentID: zhao, name: "赵六", enteredOn: day(2022, 9, 1))])],
      ["Y-001@进站研究生!A1"]
    ),
    // …not when last year gave the day they left.
    (
      "left",
      [
        lastYear(students: [
          Student(
            studentID: zhao, name: "赵六", enteredOn: day(2022, 9, 1), leftOn: day(2023, 6, 30))
        ])
      ], []
    ),
    (
      "moved",
      [
        lastYear(students: [
          Student(studentID: "2022120345", name: "张三", level: "博士", enteredOn: day(2023, 8, 1))
        ])
      ],
      ["Y-002@进站研究生!G2"]
    ),
    (
      "renamed",
      [
        lastYear(students: [
          Student(
            studentID: "2023110021", name: "李肆", level: "博士", enteredOn: day(2023, 9, 1),
            leftOn: day(2024, 6, 30))
        ])
      ],
      ["Y-003@进站研究生!B3", "Y-003@进站研究生!C3"]
    ),
    // The same outcome, other punctuation: Y-004 at its 成果名称…
    (
      "outcome", [lastYear(outcomes: [.init(kind: "论文", title: "某靶点抑制剂的 筛选与活性研究。")])],
      ["Y-004@成果!B2"]
    ),
    // …not the same name as another type.
    ("other type", [lastYear(outcomes: [.init(kind: "专利", title: "某靶点抑制剂的筛选与活性研究")])], []),
    (
      "station", [lastYear(recognized: day(2022, 9, 2), host: "天津某某医药有限公司")],
      ["Y-006@工作站信息!B5", "Y-006@工作站信息!B9"]
    ),
    // Only earlier years count: a later report, or another station's, is not last year.
    ("later", [lastYear(recognized: day(2022, 9, 2), year: 2024)], []),
    ("other station", [lastYear(recognized: day(2022, 9, 2), station: "TJMU-2022-099")], []),
  ])
  func rules(_ name: String, reports: [CrossYearIndex.Report], expected: [String]) throws {
    #expect(try Self.issues(reports) == expected, "\(name)")
  }

  /// Y-005 (a batch rule): a stay overlapping one the store holds for another station.
  @Test(arguments: [
    // 张三 in station from 2023-09-01: another station listed him until 2023-09-30.
    ("TJMU-2022-099", 2023, day(2023, 9, 30), true),
    // The near misses: that stay ended the day before; the same station's other year; a
    // station-year the batch itself reports (X-001's).
    ("TJMU-2022-099", 2023, day(2023, 8, 31), false),
    ("TJMU-2022-015", 2022, day(2023, 9, 30), false),
    ("TJMU-2022-016", 2023, day(2023, 9, 30), false),
  ])
  func storedOverlap(station: String, year: Int, left: Day, raised: Bool) throws {
    let stored = CrossYearIndex(
      [
        CrossYearIndex.Report(
          stationID: station, academicYear: AcademicYear(startYear: year), file: "other.xlsx",
          students: [
            Student(
              studentID: "2022120345", name: "张三", enteredOn: Self.day(2022, 9, 1), leftOn: left)
          ])
      ], startMonth: 7)
    func member(_ wb: SubmissionWorkbook) throws -> BatchMember {
      let (submission, _) = try Normalizer(template: .standard).normalize(
        Workbook(bytes: wb.build(), limits: ReaderLimits()))
      return BatchMember(
        file: "x.xlsx", modified: .init(), submission: submission, policy: .standard,
        template: .standard)
    }
    // A second file of the batch, TJMU-2022-016 2023-2024, other students.
    let other = try member(
      SubmissionWorkbook.valid(station: "TJMU-2022-016", studentPrefix: "3016"))
    let verdicts = BatchRules.check(
      [try member(SubmissionWorkbook.valid()), other], template: .standard, stored: stored)
    let y005 = verdicts[0].issues.filter { $0.rule == "Y-005" }
    #expect(y005.map { $0.cell?.a1 } == (raised ? ["G2"] : []))
    #expect(y005.first?.message.contains("文件 other.xlsx") ?? !raised)
  }
}
