import Model
import Store

/// What the engine reads of one station (from the store, or built by a test).
public struct AssessmentInput: Sendable {
  public var stationID: String
  public var stationName: String?
  public var recognizedOn: Day?
  /// Years with an accepted (current) version, with the 报送日期 of its first version.
  public var accepted: [AcademicYear: Day?]
  public var verdicts: [StoredVerdict]
  public var students: [StoredStudent]
  public var outcomes: [StoredOutcome]

  public init(
    stationID: String, stationName: String? = nil, recognizedOn: Day?,
    accepted: [AcademicYear: Day?], verdicts: [StoredVerdict] = [], students: [StoredStudent] = [],
    outcomes: [StoredOutcome] = []
  ) {
    self.stationID = stationID
    self.stationName = stationName
    self.recognizedOn = recognizedOn
    self.accepted = accepted
    self.verdicts = verdicts
    self.students = students
    self.outcomes = outcomes
  }

  /// Every station of the store (or the one named).
  public static func load(from store: Store, station: String? = nil) throws -> [AssessmentInput] {
    try store.stations().filter { station == nil || $0.stationID == station }.map { s in
      var accepted: [AcademicYear: Day?] = [:]
      for y in s.years {
        let day: Day? = y.firstSubmittedOn ?? y.submittedOn
        accepted[y.academicYear] = .some(day)
      }
      return AssessmentInput(
        stationID: s.stationID, stationName: s.stationName, recognizedOn: s.recognizedOn,
        accepted: accepted, verdicts: try store.verdicts(station: s.stationID),
        students: try store.students(station: s.stationID),
        outcomes: try store.outcomes(station: s.stationID))
    }
  }

  /// The verdicts recorded for `year`, oldest first.
  func verdicts(of year: AcademicYear) -> [StoredVerdict] {
    verdicts.filter { $0.academicYear == year }
  }
}
