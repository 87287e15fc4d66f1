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
  /// The term this input grades (1 for the first the register knows; nil without a register).
  public var term: Int?
  /// The day the register's own records speak for (``StationHistory/recordsUntil``): a year due
  /// by then that the store never judged counts as on time.
  public var recordsUntil: Day?

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

  /// Every station to assess on `asOf`: with a register, each registered station once per term
  /// begun by then (the register's terms and those its decisions opened, SPEC §9), each on its
  /// own window, with the register's name; stations with reports but not in the register, as
  /// without one. By station ID, then term.
  public static func load(
    from store: Store, station: String? = nil, policy p: Policy, asOf: Day
  ) throws -> [AssessmentInput] {
    var plain = Dictionary(
      try load(from: store, station: station).map { ($0.stationID, $0) },
      uniquingKeysWith: { a, _ in a })
    var inputs: [AssessmentInput] = []
    for h in try StationHistory.load(from: store)
    where station == nil || h.entry.stationID == station {
      let standing = Lifecycle.standing(h, policy: p, asOf: asOf)
      let id = h.entry.stationID
      var base: AssessmentInput
      if let known = plain.removeValue(forKey: id) {
        base = known
      } else {
        base = AssessmentInput(
          stationID: id, recognizedOn: nil, accepted: [:], verdicts: try store.verdicts(station: id)
        )
      }
      base.stationName = h.entry.name
      base.recordsUntil = h.recordsUntil
      for term in standing.terms where term.from <= asOf {
        var input = base
        input.recognizedOn = term.from
        input.term = term.number
        inputs.append(input)
      }
    }
    return (inputs + plain.values).sorted {
      ($0.stationID, $0.term ?? 0) < ($1.stationID, $1.term ?? 0)
    }
  }

  /// The verdicts recorded for `year`, oldest first.
  func verdicts(of year: AcademicYear) -> [StoredVerdict] {
    verdicts.filter { $0.academicYear == year }
  }
}
