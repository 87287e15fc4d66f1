import Foundation
import Model
import Store
import Validation
import XLSXWriting

/// 期满验收 (SPEC §6, policy 四(二)): one station's result over its validity window.
///
/// Choices (the policy leaves them open):
/// - **Window**: `from` = 认定日期, `to` = 认定日期 + `validityYears` years − 1 day. Its academic
///   years are the `validityYears` years starting with the one that contains 认定日期 (four
///   reports for four years). `final` = as-of is after `to` and after the last year's deadline.
/// - **A year's status**: `on_time` / `late` when an accepted version exists, decided by the
///   earliest 报送日期 of the year's accepted reports (SPEC §9: a rejected report does not count
///   until it is corrected; a correction that keeps the first report's 报送日期 keeps it on time);
///   `missing` when none was accepted and the deadline passed by as-of; `not_due` otherwise.
/// - **Revocation**: `revocationConsecutiveYears` consecutive years (in the window) late or missing.
/// - **Counted students**: every 进站研究生 row of the current versions gives the interval
///   [进站日期, 出站日期 or the end of that row's academic year], clipped to that academic year,
///   to the window and to as-of (a row is evidence of the stay within the year it reports).
///   Intervals are merged per 学号 (stays spanning two years join; a student listed twice is
///   not counted twice) and their days summed. A student counts when that sum is at least the
///   number of days of `countedStudentMonths` calendar months from the student's first day in
///   the window: one stay from 2024-04-01 to 2024-09-30 is exactly 6 months and counts, one
///   from 2024-04-02 does not.
/// - **Outcomes**: the current versions' 成果 dated within the window (undated ones kept),
///   de-duplicated by (成果类型, 成果名称, 成果级别), counted by level.
/// - **Subsidy** (合格2/优秀2): not compliant when any accepted report of the window (earlier
///   versions included: a fact once reported stays reported) has a SUB-001…SUB-004 finding. A
///   year whose rejected report showed such a finding and whose accepted one does not is listed
///   for a person. SAF-001/MEN-001/MEN-002 findings of accepted reports are listed for a person.
/// - **Grade** (SPEC §6): 撤销 when revoked; else 不合格 when a due year is late or missing (合格1,
///   even one year alone), not subsidy compliant (合格2) or counted students <
///   `qualifiedHeadcount` (合格3) — final: may not reapply for 3 years; preliminary: says what
///   would follow; 优秀 when counted ≥ `excellentHeadcount` and outcomes meet (≥
///   `excellentNationalOutcomes` 国家级 or ≥ `excellentProvincialOutcomes` 省部级); else 合格.
public struct Assessment: Sendable, Equatable {
  public enum YearStatus: String, Sendable {
    case onTime = "on_time", late, missing, notDue = "not_due"
  }
  public struct Year: Sendable, Equatable {
    public var academicYear: AcademicYear
    public var status: YearStatus
    /// Evidence (not in the JSON): the earliest 报送日期 of the year's submissions, if any.
    public var submittedOn: Day? = nil
  }
  /// Evidence (not in the JSON): one 学号 listed in the current versions' 进站研究生.
  public struct Student: Sendable, Equatable {
    public var studentID: String
    /// The name of its latest row that has one.
    public var name: String?
    /// Its first day in station within the window (nil: no stay within it).
    public var firstDay: Day?
    /// Days in station within the window (merged over the years, up to as-of).
    public var days: Int
    /// Whole calendar months those days make from `firstDay`.
    public var months: Int
    public var counted: Bool
  }
  /// Evidence (not in the JSON): one outcome counted (in the window, de-duplicated).
  public struct Outcome: Sendable, Equatable {
    public var academicYear: AcademicYear
    public var kind: String?
    public var title: String?
    public var level: String?
    public var achievedOn: Day?
  }

  public var stationID: String
  public var stationName: String?
  public var from: Day
  public var to: Day
  public var years: [Year]
  public var revoked: Bool
  public var countedStudents: Int
  /// Level → count, in ``Assessment/levels`` order.
  public var outcomes: [(level: String, count: Int)]
  public var subsidyCompliant: Bool
  public var grade: String
  public var final: Bool
  public var reasons: [String]
  public var manualReview: [String]
  /// Evidence for the workbook (not in the JSON): every 学号 listed, in 学号 order.
  public var students: [Student] = []
  /// Evidence for the workbook (not in the JSON): the outcomes counted, in the store's order.
  public var outcomeList: [Outcome] = []

  /// The outcome levels of the template, in the order the JSON lists them.
  public static let levels = ["国家级", "省部级", "市级", "校级", "其他"]

  public static func == (a: Assessment, b: Assessment) -> Bool {
    a.stationID == b.stationID && a.from == b.from && a.to == b.to && a.years == b.years
      && a.revoked == b.revoked && a.countedStudents == b.countedStudents
      && a.outcomes.map { "\($0.level)\($0.count)" } == b.outcomes.map { "\($0.level)\($0.count)" }
      && a.subsidyCompliant == b.subsidyCompliant && a.grade == b.grade && a.final == b.final
      && a.reasons == b.reasons && a.manualReview == b.manualReview
      && a.students == b.students && a.outcomeList == b.outcomeList
  }
}

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
}

/// The 期满验收 engine: pure, from an ``AssessmentInput``, the policy and the as-of date.
public enum Assessor {
  public static func assess(_ input: AssessmentInput, policy p: Policy, asOf: Day) -> Assessment {
    var reasons: [String] = []
    var review: [String] = []
    let startMonth = p.academicYearStartMonth

    // Window and its years.
    let firstAccepted = input.accepted.keys.min()
    let from =
      input.recognizedOn ?? firstAccepted?.firstDay(startMonth: startMonth) ?? asOf
    if input.recognizedOn == nil { review.append("认定日期缺失，验收期以最早报送学年起算，请核实认定日期。") }
    let to = addMonths(from, 12 * p.validityYears).adding(days: -1)
    let firstYear = academicYear(containing: from, startMonth: startMonth)
    let years = (0..<p.validityYears).map { AcademicYear(startYear: firstYear.startYear + $0) }
    let lastDeadline = years.last.map { p.reportDeadline(for: $0) } ?? to
    let final = asOf > max(to, lastDeadline)

    // Each year's status.
    var statuses: [Assessment.Year] = []
    for year in years {
      let deadline = p.reportDeadline(for: year)
      let verdicts = input.verdicts.filter { $0.academicYear == year }
      let status: Assessment.YearStatus
      if let acceptedFirst = input.accepted[year] {
        // On time when an accepted report has its 报送日期 by the deadline (SPEC §9): a rejected
        // report does not count until it is corrected, and the correction's own date decides.
        let dates =
          verdicts.filter(\.acceptedOnItsOwn).compactMap(\.submittedOn)
          + [acceptedFirst].compactMap { $0 }
        if let earliest = dates.min(), earliest > deadline {
          status = .late
          reasons.append("\(year) 学年逾期报送（应于 \(deadline) 前，通过审核的报送日期 \(earliest)）。")
        } else {
          status = .onTime
        }
      } else if asOf > deadline {
        status = .missing
        reasons.append(
          verdicts.isEmpty
            ? "\(year) 学年未报送（截止 \(deadline)）。"
            : "\(year) 学年报送未通过审核，视为未报送（截止 \(deadline)）。")
      } else {
        status = .notDue
      }
      let firstSubmitted =
        (verdicts.compactMap(\.submittedOn) + [input.accepted[year] ?? nil].compactMap { $0 }).min()
      statuses.append(
        Assessment.Year(academicYear: year, status: status, submittedOn: firstSubmitted))
    }

    // Revocation.
    var run = 0
    var revokedAt: [AcademicYear] = []
    for y in statuses {
      if y.status == .late || y.status == .missing {
        run += 1
        if run >= p.revocationConsecutiveYears, revokedAt.isEmpty {
          revokedAt = statuses.filter { $0.academicYear.startYear > y.academicYear.startYear - run
            && $0.academicYear <= y.academicYear }.map(\.academicYear)
        }
      } else {
        run = 0
      }
    }
    let revoked = !revokedAt.isEmpty

    // Counted students.
    let studentEvidence = studentStays(
      input.students, from: from, to: min(to, asOf), months: p.countedStudentMonths,
      startMonth: startMonth)
    let counted = studentEvidence.count(where: \.counted)

    // Outcomes.
    var seen: Set<String> = []
    var byLevel: [String: Int] = [:]
    var benefits: [String] = []
    var outcomeList: [Assessment.Outcome] = []
    for o in input.outcomes {
      if let d = o.achievedOn, d < from || d > to { continue }
      let key = [o.kind ?? "", clean(o.title), o.level ?? ""].joined(separator: "\u{1F}")
      guard seen.insert(key).inserted else { continue }
      byLevel[o.level ?? "其他", default: 0] += 1
      outcomeList.append(
        Assessment.Outcome(
          academicYear: o.academicYear, kind: o.kind, title: o.title, level: o.level,
          achievedOn: o.achievedOn))
      if let b = o.benefit?.trimmingCharacters(in: .whitespaces), !b.isEmpty {
        benefits.append("《\(clean(o.title))》：\(b)")
      }
    }
    var levels = Assessment.levels.map { (level: $0, count: byLevel[$0] ?? 0) }
    for (level, n) in byLevel.sorted(by: { $0.key < $1.key }) where !Assessment.levels.contains(level) {
      levels.append((level, n))
    }
    let national = byLevel["国家级"] ?? 0
    let provincial = byLevel["省部级"] ?? 0
    let outcomesMeet =
      national >= p.excellentNationalOutcomes || provincial >= p.excellentProvincialOutcomes

    // Subsidy (合格2/优秀2) and the findings a person weighs, from the accepted reports.
    var compliant = true
    for year in years {
      let verdicts = input.verdicts.filter { $0.academicYear == year }
      let accepted = verdicts.filter(\.acceptedOnItsOwn)
      let subsidy = Set(accepted.flatMap { $0.rules(among: Self.subsidyFindings) }).sorted()
      if !subsidy.isEmpty {
        compliant = false
        let counted = subsidy.map { rule in
          "\(rule) \(RuleCatalog.entry(rule)?.title ?? "") \(accepted.map { $0.rules[rule] ?? 0 }.max() ?? 0) 项"
        }
        reasons.append(
          "\(year) 学年报送显示生活补助未按时、足额发放（\(counted.joined(separator: "、"))），不符合合格标准2“按时、足额发放进站研究生生活补贴”（四(二)合格2）。")
      } else if input.accepted[year] != nil {
        // The facts a rejected report showed are gone from the one accepted later.
        let earlier = verdicts.filter { !$0.acceptedOnItsOwn && !$0.rules(among: Self.subsidyFindings).isEmpty }
        if let first = earlier.first {
          let rules = Set(earlier.flatMap { $0.rules(among: Self.subsidyFindings) }).sorted()
          review.append(
            "\(year) 学年首次报送（\(first.file)）显示补助发放问题（\(rules.joined(separator: "、"))），通过审核的报送中已无此问题；请核实补助发放的实际情况。")
        }
      }
      for v in accepted {
        let listed = v.findings.filter { Self.personFindings.contains($0.rule) }
        if !listed.isEmpty {
          for f in listed {
            review.append("\(year) 学年（\(v.file)）\(f.rule)：\(Self.withoutFindingNote(f.message))")
          }
        } else {
          // A verdict stored before its findings were: the counts alone.
          for rule in v.rules(among: Self.personFindings) {
            review.append(
              "\(year) 学年（\(v.file)）\(rule) \(RuleCatalog.entry(rule)?.title ?? "")：\(v.rules[rule]!) 项，需人工核实。")
          }
        }
      }
    }

    // Grade (SPEC §6 "The grade, exactly"): 合格 and 优秀 both need every due year reported on
    // time (their criterion 1), the subsidies paid on time and in full (2), and the headcount (3).
    let grade: String
    let notOnTime = statuses.filter { $0.status == .late || $0.status == .missing }
    let onTimeSoFar = notOnTime.isEmpty
    if revoked {
      grade = "撤销"
      reasons.append(
        "连续 \(p.revocationConsecutiveYears) 个学年（\(revokedAt.map(\.description).joined(separator: "、"))）未按时报送，依办法四(一)予以撤销。")
    } else if !onTimeSoFar || counted < p.qualifiedHeadcount || !compliant {
      grade = "不合格"
      if !onTimeSoFar {
        let named = notOnTime.map {
          "\($0.academicYear) 学年\($0.status == .late ? "逾期报送" : "未报送")"
        }
        reasons.append(
          "\(named.joined(separator: "、"))，不符合合格标准1“每年按时上报基本数据”（四(二)合格1）。")
      }
      if counted < p.qualifiedHeadcount {
        reasons.append("进站培养半年以上研究生 \(counted) 人，少于合格标准 \(p.qualifiedHeadcount) 人（四(二)合格3）。")
      }
      reasons.append(
        final
          ? "验收不合格：不再作为研究生工作站，且三年内不得重新申报（四(二)）。"
          : "预评为不合格：验收期结束时如仍为不合格，将不再作为研究生工作站，且三年内不得重新申报（四(二)）。")
    } else if counted >= p.excellentHeadcount && outcomesMeet {
      grade = "优秀"
      reasons.append("进站培养半年以上研究生 \(counted) 人，达到优秀标准 \(p.excellentHeadcount) 人（四(二)优秀3）。")
      reasons.append("成果：国家级 \(national) 项、省部级 \(provincial) 项，达到优秀标准（四(二)优秀5）。")
      reasons.append("每年按时报送，补助按时足额发放（四(二)优秀1、2）。")
    } else {
      grade = "合格"
      reasons.append("进站培养半年以上研究生 \(counted) 人，达到合格标准 \(p.qualifiedHeadcount) 人（四(二)合格3）。")
      if counted < p.excellentHeadcount {
        reasons.append("未达优秀：研究生人数少于 \(p.excellentHeadcount) 人（四(二)优秀3）。")
      }
      if !outcomesMeet {
        reasons.append(
          "未达优秀：成果国家级 \(national) 项、省部级 \(provincial) 项，不足 \(p.excellentNationalOutcomes) 项国家级或 \(p.excellentProvincialOutcomes) 项省部级（四(二)优秀5）。")
      }
      if !outcomesMeet && counted >= p.excellentHeadcount && !benefits.isEmpty {
        review.append("成果声明了经济社会效益（优秀5的另一条件），如经认定为重要效益可评为优秀：" + benefits.joined(separator: "；"))
      }
    }
    switch grade {
    case "优秀":
      review.append("优秀1：工作、生活条件优越，管理规章制度健全、执行良好，需人工认定。")
      review.append("优秀4：特色鲜明的联合培养机制，人才培养成效显著，职业岗位锻炼效果与就业竞争优势突出，需人工认定。")
    case "合格":
      review.append("合格1：工作、生活条件良好，管理规章制度健全、执行良好，需人工认定。")
      review.append("合格4：经费来源稳定，合作紧密，联合承担科研项目，联合培养研究生质量高，需人工认定。")
    default: break
    }
    if grade == "优秀" || grade == "合格" {
      review.append("设站条件（办法二）：科技创新平台、兼职导师队伍、合作基础与计划、研究生生活学习条件是否仍然具备，需人工核实。")
    }
    if !final {
      reasons.append("验收期（\(from) 至 \(to)）截至 \(asOf) 尚未结束，等级为依现有数据的预评。")
    }

    return Assessment(
      stationID: input.stationID, stationName: input.stationName, from: from, to: to,
      years: statuses, revoked: revoked, countedStudents: counted, outcomes: levels,
      subsidyCompliant: compliant, grade: grade, final: final, reasons: reasons,
      manualReview: review, students: studentEvidence, outcomeList: outcomeList)
  }

  /// The findings that make 合格2/优秀2 fail (subsidies not paid on time and in full).
  static let subsidyFindings: Set<String> = ["SUB-001", "SUB-002", "SUB-003", "SUB-004"]
  /// The findings listed for a person to weigh (safety training, the mentors).
  static let personFindings: Set<String> = ["SAF-001", "MEN-001", "MEN-002"]

  /// A finding's message without the closing words addressed to the submitter.
  static func withoutFindingNote(_ message: String) -> String {
    message.hasSuffix(RuleContext.findingNote)
      ? String(message.dropLast(RuleContext.findingNote.count)) : message
  }

  /// The number of distinct 学号 whose stays within [from, to] add up to at least `months`
  /// calendar months (see ``Assessment``).
  public static func countedStudents(
    _ students: [StoredStudent], from: Day, to: Day, months: Int, startMonth: Int
  ) -> Int {
    studentStays(students, from: from, to: to, months: months, startMonth: startMonth)
      .count(where: \.counted)
  }

  /// Every 学号 of `students` with its days in station within [from, to] and whether it counts
  /// (see ``Assessment``), in 学号 order.
  public static func studentStays(
    _ students: [StoredStudent], from: Day, to: Day, months: Int, startMonth: Int
  ) -> [Assessment.Student] {
    var intervals: [String: [(Day, Day)]] = [:]
    var names: [String: String] = [:]
    for s in students {
      if let n = s.name?.trimmingCharacters(in: .whitespacesAndNewlines), !n.isEmpty {
        names[s.studentID] = n  // rows come by academic year: the latest name wins
      }
      if intervals[s.studentID] == nil { intervals[s.studentID] = [] }
      guard let entered = s.enteredOn else { continue }
      let yearStart = s.academicYear.firstDay(startMonth: startMonth)
      let yearEnd = s.academicYear.lastDay(startMonth: startMonth)
      let start = max(entered, yearStart, from)
      let end = min(s.leftOn ?? yearEnd, yearEnd, to)
      guard start <= end else { continue }
      intervals[s.studentID, default: []].append((start, end))
    }
    var result: [Assessment.Student] = []
    for (id, list) in intervals.sorted(by: { $0.key < $1.key }) {
      guard !list.isEmpty else {
        result.append(
          Assessment.Student(
            studentID: id, name: names[id], firstDay: nil, days: 0, months: 0, counted: false))
        continue
      }
      let sorted = list.sorted { $0.0 < $1.0 }
      var days = 0
      var current = sorted[0]
      for next in sorted.dropFirst() {
        if next.0.days <= current.1.days + 1 {
          current.1 = max(current.1, next.1)
        } else {
          days += current.1.days - current.0.days + 1
          current = next
        }
      }
      days += current.1.days - current.0.days + 1
      let first = sorted[0].0
      var whole = 0
      while addMonths(first, whole + 1).days - first.days <= days { whole += 1 }
      result.append(
        Assessment.Student(
          studentID: id, name: names[id], firstDay: first, days: days, months: whole,
          counted: days >= addMonths(first, months).days - first.days))
    }
    return result
  }

  /// `day` plus `n` calendar months; a day past the end of the target month becomes its last day.
  static func addMonths(_ day: Day, _ n: Int) -> Day {
    let (y, m, d) = day.parts
    let target = Month(index: Month(year: y, month: m).index + n)
    return Day(year: target.year, month: target.month, day: d) ?? target.lastDay
  }

  static func academicYear(containing day: Day, startMonth: Int) -> AcademicYear {
    let (y, m, _) = day.parts
    return AcademicYear(startYear: m >= startMonth ? y : y - 1)
  }

  private static func clean(_ s: String?) -> String {
    (s ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
  }
}

/// `pipeline assess`'s outputs: JSON per SPEC §6, text for people.
public enum AssessmentReport {
  /// A JSON list, one object per station, keys in the SPEC's order.
  public static func json(_ assessments: [Assessment]) -> String {
    var w = JSONWriter()
    w.raw("[")
    for (i, a) in assessments.enumerated() {
      w.raw(i == 0 ? "\n  {" : ",\n  {")
      w.raw("\"station_id\": "); w.string(a.stationID)
      w.raw(", \"window\": {\"from\": "); w.string(a.from.description)
      w.raw(", \"to\": "); w.string(a.to.description); w.raw("}")
      w.raw(", \"years\": [")
      for (j, y) in a.years.enumerated() {
        w.raw(j == 0 ? "{\"academic_year\": " : ", {\"academic_year\": ")
        w.string(y.academicYear.description)
        w.raw(", \"status\": "); w.string(y.status.rawValue); w.raw("}")
      }
      w.raw("], \"revoked\": "); w.bool(a.revoked)
      w.raw(", \"counted_students\": "); w.raw(String(a.countedStudents))
      w.raw(", \"outcomes\": {")
      for (j, o) in a.outcomes.enumerated() {
        if j > 0 { w.raw(", ") }
        w.string(o.level); w.raw(": "); w.raw(String(o.count))
      }
      w.raw("}, \"subsidy_compliant\": "); w.bool(a.subsidyCompliant)
      w.raw(", \"grade\": "); w.string(a.grade)
      w.raw(", \"final\": "); w.bool(a.final)
      for (key, list) in [("reasons", a.reasons), ("manual_review", a.manualReview)] {
        w.raw(", \"\(key)\": [")
        for (j, s) in list.enumerated() {
          if j > 0 { w.raw(", ") }
          w.string(s)
        }
        w.raw("]")
      }
      w.raw("}")
    }
    w.raw(assessments.isEmpty ? "]\n" : "\n]\n")
    return String(decoding: w.bytes, as: UTF8.self)
  }

  /// The workbook's rows (``AssessmentWorkbook``): the result and its evidence per station.
  public static func workbookStations(_ assessments: [Assessment]) -> [AssessmentWorkbook.Station] {
    assessments.map { a in
      let count = { (level: String) in a.outcomes.first { $0.level == level }?.count ?? 0 }
      return AssessmentWorkbook.Station(
        stationID: a.stationID, stationName: a.stationName, from: a.from.description,
        to: a.to.description, grade: a.grade, final: a.final, countedStudents: a.countedStudents,
        national: count("国家级"), provincial: count("省部级"), subsidyCompliant: a.subsidyCompliant,
        revoked: a.revoked, reasons: a.reasons, manualReview: a.manualReview,
        years: a.years.map {
          AssessmentWorkbook.Year(
            academicYear: $0.academicYear.description, status: $0.status.rawValue,
            submittedOn: $0.submittedOn?.description)
        },
        students: a.students.map {
          AssessmentWorkbook.Student(
            studentID: $0.studentID, name: $0.name, firstDay: $0.firstDay?.description,
            days: $0.days, months: $0.months, counted: $0.counted)
        },
        outcomes: a.outcomeList.map {
          AssessmentWorkbook.Outcome(
            academicYear: $0.academicYear.description, kind: $0.kind, title: $0.title,
            level: $0.level, date: $0.achievedOn?.description)
        })
    }
  }

  /// Writes `assess.xlsx` (atomically).
  public static func writeWorkbook(_ assessments: [Assessment], to path: String) throws {
    try AssessmentWorkbook.write(stations: workbookStations(assessments), to: path)
  }

  static let statusText: [Assessment.YearStatus: String] = [
    .onTime: "按时", .late: "逾期", .missing: "未报送", .notDue: "未到期",
  ]

  /// For people: one block per station.
  public static func text(_ assessments: [Assessment]) -> String {
    var out = ""
    for a in assessments {
      out += "\(a.stationID)\(a.stationName.map { " \($0)" } ?? "")：\(a.grade)\(a.final ? "" : "（预评，验收期未结束）")\n"
      out += "  验收期：\(a.from) 至 \(a.to)\n"
      out += "  报送：" + a.years.map { "\($0.academicYear) \(statusText[$0.status]!)" }.joined(separator: "；") + "\n"
      out += "  进站半年以上研究生：\(a.countedStudents) 人；成果："
        + a.outcomes.filter { $0.count > 0 }.map { "\($0.level) \($0.count)" }.joined(separator: "、")
        + (a.outcomes.allSatisfy { $0.count == 0 } ? "无" : "") + "\n"
      out += "  补助按时足额：\(a.subsidyCompliant ? "是" : "否")\(a.revoked ? "；已达撤销条件" : "")\n"
      for r in a.reasons { out += "  · \(r)\n" }
      if !a.manualReview.isEmpty {
        out += "  需人工审核：\n"
        for r in a.manualReview { out += "  ☐ \(r)\n" }
      }
      out += "\n"
    }
    if assessments.isEmpty { out = "数据库中没有工作站。\n" }
    return out
  }
}
