import Model
import Pipeline
import Store
import Testing

/// The 期满验收 engine on hand-built inputs.
@Suite struct AssessorTests {
  func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Day(year: y, month: m, day: d)! }
  let y22 = AcademicYear(startYear: 2022)
  let y23 = AcademicYear(startYear: 2023)

  @Test func overlappingRowsOfOneStudentCountOnce() {
    // Two rows of one year for one 学号 (e.g. from two versions' worth of data): merged.
    let rows = [
      StoredStudent(academicYear: y22, studentID: "1", enteredOn: day(2022, 9, 1), leftOn: day(2022, 12, 31)),
      StoredStudent(academicYear: y22, studentID: "1", enteredOn: day(2022, 11, 1), leftOn: day(2023, 2, 28)),
      StoredStudent(academicYear: y22, studentID: "2", enteredOn: day(2022, 9, 1), leftOn: day(2022, 12, 31)),
      StoredStudent(academicYear: y22, studentID: "2", enteredOn: day(2022, 10, 1), leftOn: day(2023, 2, 26)),
    ]
    // 1: 2022-09-01…2023-02-28 = exactly 6 months; 2: two days short.
    #expect(
      Assessor.countedStudents(rows, from: day(2022, 9, 1), to: day(2026, 8, 31), months: 6, startMonth: 7) == 1)
  }

  @Test func separateStaysAddUp() {
    let rows = [
      StoredStudent(academicYear: y22, studentID: "1", enteredOn: day(2023, 3, 1), leftOn: day(2023, 5, 31)),
      StoredStudent(academicYear: y23, studentID: "1", enteredOn: day(2023, 8, 1), leftOn: day(2023, 10, 31)),
      StoredStudent(academicYear: y22, studentID: "2", enteredOn: day(2023, 3, 1), leftOn: day(2023, 5, 31)),
      StoredStudent(academicYear: y23, studentID: "2", enteredOn: day(2023, 8, 2), leftOn: day(2023, 10, 31)),
    ]
    // 184 days against 2023-03-01…2023-08-31 (184 days): counted; 183: not.
    #expect(
      Assessor.countedStudents(rows, from: day(2022, 9, 1), to: day(2026, 8, 31), months: 6, startMonth: 7) == 1)
  }

  func verdict(_ file: String, _ year: AcademicYear, _ on: Day, _ status: String, _ rules: [String: Int]) -> StoredVerdict {
    StoredVerdict(
      sha256: file, stationID: "S", academicYear: year, file: file, submittedOn: on,
      receivedAt: "2023-07-0\(file.count)T00:00:00Z", status: status, rules: rules)
  }

  @Test func subsidyErrorsThenAcceptedIsCompliantButListed_rejectedOnlyIsNot() {
    let students = (0..<8).map {
      StoredStudent(academicYear: y22, studentID: "\($0)", enteredOn: day(2022, 9, 1), leftOn: day(2023, 6, 30))
    }
    var input = AssessmentInput(
      stationID: "S", recognizedOn: day(2022, 9, 1), accepted: [y22: day(2023, 7, 8)],
      verdicts: [
        verdict("a", y22, day(2023, 7, 5), "rejected", ["SUB-003": 2]),
        verdict("bb", y22, day(2023, 7, 8), "accepted", [:]),
      ], students: students)
    let a = Assessor.assess(input, policy: Configuration().policy, asOf: day(2023, 8, 1))
    #expect(a.subsidyCompliant)
    #expect(a.grade == "合格")
    #expect(a.years.first?.status == .onTime)  // the earliest 报送日期 decides
    #expect(a.manualReview.contains { $0.contains("SUB-003") })

    input.verdicts.append(verdict("ccc", y23, day(2024, 7, 5), "rejected", ["SUB-004": 1]))
    let b = Assessor.assess(input, policy: Configuration().policy, asOf: day(2024, 8, 1))
    #expect(!b.subsidyCompliant)
    #expect(b.grade == "不合格")
    #expect(b.years.map(\.status) == [.onTime, .missing, .notDue, .notDue])
    #expect(b.reasons.contains { $0.contains("三年内不得重新申报") })
  }
}
