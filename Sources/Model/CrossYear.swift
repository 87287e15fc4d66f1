/// What the cross-year rules (SPEC §10, Y-001…Y-006) know of the store: every station's accepted
/// reports (current versions) and every stay they list, indexed by station and by 学号. Built by
/// the store in one pass (``StationYearRecords``), held in memory for a batch.
public struct CrossYearIndex: Sendable {
  /// A student as one accepted report listed them.
  public struct Student: Sendable, Equatable {
    public var studentID: String
    public var name: String?
    public var level: String?
    public var enteredOn: Day?
    public var leftOn: Day?

    public init(
      studentID: String, name: String? = nil, level: String? = nil, enteredOn: Day? = nil,
      leftOn: Day? = nil
    ) {
      self.studentID = studentID
      self.name = name
      self.level = level
      self.enteredOn = enteredOn
      self.leftOn = leftOn
    }
  }

  /// An outcome as one accepted report listed it.
  public struct Outcome: Sendable, Equatable {
    public var kind: String?
    public var title: String?

    public init(kind: String?, title: String?) {
      self.kind = kind
      self.title = title
    }
  }

  /// One station's accepted report of one academic year (its current version).
  public struct Report: Sendable, Equatable {
    public var stationID: String
    public var academicYear: AcademicYear
    public var file: String
    public var recognizedOn: Day?
    public var hostUnit: String?
    public var students: [Student]
    public var outcomes: [Outcome]

    public init(
      stationID: String, academicYear: AcademicYear, file: String, recognizedOn: Day? = nil,
      hostUnit: String? = nil, students: [Student] = [], outcomes: [Outcome] = []
    ) {
      self.stationID = stationID
      self.academicYear = academicYear
      self.file = file
      self.recognizedOn = recognizedOn
      self.hostUnit = hostUnit
      self.students = students
      self.outcomes = outcomes
    }
  }

  /// A stay one report lists: 进站日期 to 出站日期, or to the end of that report's academic year
  /// when 出站日期 is blank (the report says the student was still there then, nothing later).
  public struct Stay: Sendable, Equatable {
    public var stationID: String
    public var academicYear: AcademicYear
    public var file: String
    public var days: ClosedRange<Day>
  }

  /// By station, its reports oldest first.
  private let reports: [String: [Report]]
  /// By 学号, every stay of every report.
  private let stays: [String: [Stay]]

  /// `startMonth`: the policy's `academicYearStartMonth` (a blank 出站日期's stay ends with its
  /// report's year).
  public init(_ all: [Report], startMonth: Int) {
    var byStation: [String: [Report]] = [:]
    var byStudent: [String: [Stay]] = [:]
    for r in all {
      byStation[r.stationID, default: []].append(r)
      let yearEnd = r.academicYear.lastDay(startMonth: startMonth)
      for s in r.students {
        guard let from = s.enteredOn else { continue }
        let to = s.leftOn ?? yearEnd
        guard from <= to else { continue }
        byStudent[s.studentID, default: []].append(
          Stay(stationID: r.stationID, academicYear: r.academicYear, file: r.file, days: from...to))
      }
    }
    reports = byStation.mapValues { $0.sorted { $0.academicYear < $1.academicYear } }
    stays = byStudent
  }

  public var isEmpty: Bool { reports.isEmpty }

  /// One outcome as Y-004 and 期满验收 compare them: its 成果类型 and the letters and digits of its
  /// 成果名称 (Unicode, lower case; punctuation and white space ignored); nil without both.
  public static func outcomeKey(_ kind: String?, _ title: String?) -> String? {
    guard let kind, let title else { return nil }
    let letters = title.lowercased().unicodeScalars.filter {
      $0.properties.isAlphabetic || $0.properties.numericType != nil
    }
    guard !letters.isEmpty else { return nil }
    return kind + "\u{0}" + String(String.UnicodeScalarView(letters))
  }

  /// The station's accepted reports of the years before `year`, oldest first.
  public func earlier(_ station: String, before year: AcademicYear) -> [Report] {
    (reports[station] ?? []).filter { $0.academicYear < year }
  }

  /// Every stay the store holds for `studentID`.
  public func stays(of studentID: String) -> [Stay] { stays[studentID] ?? [] }
}
