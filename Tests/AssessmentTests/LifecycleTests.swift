import Assessment
import Model
import Testing

/// The lifecycle walk (SPEC §9) on histories built in code: each state and transition, with its
/// near miss, at the days that decide it.
@Suite struct LifecycleTests {
  static let policy = Policy.standard

  static func day(_ text: String) -> Day { Day(iso: text)! }

  /// A station recognized on 2021-10-08 (term 2021-10-08 … 2025-10-07, years 2021-2022 …
  /// 2024-2025), with reports `submitted[year start] = 报送日期`.
  static func history(
    recognized: String = "2021-10-08", reports: [Int: String] = [:],
    decisions: [(Decision, String)] = [], state: String? = nil, stateOn: String? = nil,
    listed: Bool = true, recognitions: [String]? = nil, receipts: [Int: String] = [:],
    judged: [Int] = []
  ) -> StationHistory {
    let entry = RegisterEntry(
      stationID: "TJMU-L-001", name: "某工作站", hostUnit: "某公司", college: "药学院",
      recognizedOn: day(recognized), state: state, stateOn: stateOn.map(day))
    let list = reports.keys.sorted().map { y in
      StationHistory.Report(
        academicYear: AcademicYear(startYear: y), submittedOn: day(reports[y]!),
        receiptDay: receipts[y].map(day))
    }
    return StationHistory(
      entry: entry, listed: listed, recognitions: recognitions?.map(day),
      decisions: decisions.map {
        StationDecision(stationID: "TJMU-L-001", decision: $0.0, date: day($0.1))
      },
      reports: list,
      judged: Set(list.map(\.academicYear) + judged.map { AcademicYear(startYear: $0) }))
  }

  static func standing(_ h: StationHistory, _ asOf: String) -> Standing {
    Lifecycle.standing(h, policy: policy, asOf: day(asOf))
  }

  static let onTime = [2021: "2022-07-05", 2022: "2023-07-05", 2023: "2024-07-05"]

  @Test(arguments: [
    // Every year on time; the next one pending, with its days left.
    ("2024-07-05", [2021: "2022-07-05", 2022: "2023-07-05"], StationState.active),
    // 2023-2024 due in five days and not in yet: pending, not missing.
    ("2024-07-05", onTime, .active),
    // One missing year, the next one pending: 预警.
    ("2025-03-01", [2021: "2022-07-05", 2022: "2023-07-05"], .warned),
    // The near miss: the missing year was not the latest due one.
    ("2025-03-01", [2021: "2022-07-05", 2023: "2024-07-05"], .active),
    // Two consecutive missing years: revoked on the second deadline…
    ("2024-07-10", [2021: "2022-07-05"], .revoked),
    // …and only warned the day before.
    ("2024-07-09", [2021: "2022-07-05"], .warned),
    // A late report is not on time: late then missing revokes too.
    ("2024-07-10", [2021: "2022-07-05", 2022: "2023-07-11"], .revoked),
    // Missing, on time, missing: never two in a row.
    ("2025-03-01", [2022: "2023-07-05"], .warned),
  ])
  func states(asOf: String, reports: [Int: String], expected: StationState) {
    let s = Self.standing(Self.history(reports: reports), asOf)
    #expect(s.state == expected, "\(s.warnings)")
  }

  @Test func theRevocationIsOnTheDeadlineWithItsYears() throws {
    let s = Self.standing(Self.history(reports: [2021: "2022-07-05"]), "2025-01-01")
    let ended = try #require(s.ended)
    #expect(ended.decision == .revoked && ended.date == Self.day("2024-07-10"))
    #expect(ended.banUntil == nil)  // revocationBanYears = 0
    #expect(s.automatic.map(\.decision) == [.revoked])
    #expect(s.automatic.first?.note?.contains("2022-2023、2023-2024") == true)
  }

  @Test func thePendingYearHasItsDaysLeft() throws {
    let s = Self.standing(Self.history(reports: Self.onTime), "2025-07-01")
    let pending = try #require(s.pending)
    #expect(pending.academicYear == AcademicYear(startYear: 2024))
    #expect(pending.deadline == Self.day("2025-07-10") && pending.daysLeft == 9)
    #expect(s.years.map(\.status) == [.onTime, .onTime, .onTime, .pending])
  }

  @Test func aReportReceivedAfterTheDeadlineIsLateWhateverItsDate() {
    let late = Self.standing(
      Self.history(reports: [2021: "2022-07-05"], receipts: [2021: "2022-07-11"]), "2022-08-01")
    #expect(late.years.first?.status == .late)
    let inTime = Self.standing(
      Self.history(reports: [2021: "2022-07-05"], receipts: [2021: "2022-07-10"]), "2022-08-01")
    #expect(inTime.years.first?.status == .onTime)
  }

  @Test func aStatusOnAnEarlierDaySeesOnlyWhatWasInByThen() {
    let s = Self.standing(Self.history(reports: Self.onTime), "2023-07-01")
    #expect(s.years.map(\.status) == [.onTime, .pending, .notDue, .notDue])
  }

  @Test func aWindowOverWithNoDecisionWaitsThenEnds() throws {
    let h = Self.history(reports: Self.onTime.merging([2024: "2025-07-05"]) { a, _ in a })
    #expect(Self.standing(h, "2025-10-07").state == .active)
    #expect(Self.standing(h, "2025-10-08").state == .awaitingAcceptance)
    // Window end 2025-10-07 + 90 days = 2026-01-05.
    #expect(Self.standing(h, "2026-01-04").state == .awaitingAcceptance)
    let ended = try #require(Self.standing(h, "2026-01-05").ended)
    #expect(ended.decision == .notApplied && ended.date == Self.day("2026-01-05"))
    #expect(ended.banUntil == Self.day("2029-01-04"))
  }

  @Test func excellentStartsTheNextTermTheDayAfterTheWindow() {
    let h = Self.history(reports: Self.onTime, decisions: [(.excellent, "2025-11-01")])
    let s = Self.standing(h, "2025-12-01")
    #expect(s.term == Term(from: Self.day("2025-10-08"), to: Self.day("2029-10-07"), number: 2))
    #expect(s.state == .active && s.terms.count == 2)
    // Decided before the window ended: the next term still starts the day after it.
    let early = Self.standing(
      Self.history(reports: Self.onTime, decisions: [(.excellent, "2025-09-01")]), "2025-09-02")
    #expect(early.term.number == 1 && early.state == .active)
    #expect(
      Self.standing(
        Self.history(reports: Self.onTime, decisions: [(.excellent, "2025-09-01")]), "2025-10-08"
      ).term.number == 2)
  }

  @Test func qualifiedWaitsForAReassessment() {
    let waiting = Self.history(reports: Self.onTime, decisions: [(.qualified, "2025-11-01")])
    #expect(Self.standing(waiting, "2026-03-01").state == .awaitingReassessment)
    // 合格 never ends by itself: no 未申请验收 after the grace days.
    #expect(Self.standing(waiting, "2027-03-01").ended == nil)
    let passed = Self.history(
      reports: Self.onTime,
      decisions: [(.qualified, "2025-11-01"), (.reassessmentPassed, "2026-03-15")])
    let s = Self.standing(passed, "2026-04-01")
    #expect(s.term.from == Self.day("2026-03-15") && s.term.number == 2 && s.state == .active)
  }

  @Test(arguments: [
    (Decision.unqualified, "2028-10-31"), (.reassessmentFailed, "2028-10-31"),
  ])
  func failingEndsWithABan(decision: Decision, banUntil: String) throws {
    var decisions: [(Decision, String)] = [(decision, "2025-11-01")]
    if decision == .reassessmentFailed { decisions.insert((.qualified, "2025-10-20"), at: 0) }
    let s = Self.standing(Self.history(reports: Self.onTime, decisions: decisions), "2026-01-01")
    #expect(s.state == .ended)
    let ended = try #require(s.ended)
    #expect(ended.decision == decision && ended.banUntil == Self.day(banUntil))
    #expect(Lifecycle.bans([s]).map(\.hostUnit) == ["某公司"])
  }

  @Test func theOfficesRevocationHasNoBanAndLaterDecisionsAreIgnored() throws {
    let s = Self.standing(
      Self.history(
        reports: Self.onTime, decisions: [(.revoked, "2024-01-10"), (.excellent, "2025-11-01")]),
      "2026-01-01")
    #expect(s.state == .revoked && s.ended?.banUntil == nil && s.term.number == 1)
    #expect(Lifecycle.bans([s]).isEmpty)
  }

  @Test func theRegistersGoodStandingVouchesForYearsTheStoreNeverJudged() {
    // 在建 on 2023-07-10: 2021-2022 and 2022-2023, never judged, count as on time…
    let vouched = Self.history(
      reports: [2023: "2024-07-05"], state: "在建", stateOn: "2023-07-10")
    let s = Self.standing(vouched, "2024-08-01")
    #expect(s.state == .active)
    #expect(s.years.map(\.status) == [.onTime, .onTime, .onTime, .pending])
    // …but a year the store judged (a rejected report only) is missing all the same.
    let judged = Self.history(
      reports: [2023: "2024-07-05"], state: "在建", stateOn: "2023-07-10", judged: [2022])
    #expect(Self.standing(judged, "2024-08-01").years[1].status == .missing)
    // Without the register's word, the store's silence is missing: revoked in 2023.
    #expect(
      Self.standing(Self.history(reports: [2023: "2024-07-05"]), "2024-08-01").state == .revoked)
  }

  @Test func aRegisterDateWithinTheTermCorrectsItOneAfterStartsTheNext() {
    let corrected = Self.history(
      reports: Self.onTime, recognitions: ["2021-10-01", "2021-10-08"])
    let c = Self.standing(corrected, "2024-08-01")
    #expect(c.terms.map(\.from) == [Self.day("2021-10-08")])
    let renewed = Self.history(
      recognized: "2025-10-08", reports: Self.onTime.merging([2024: "2025-07-05"]) { a, _ in a },
      recognitions: ["2021-10-08", "2025-10-08"])
    let r = Self.standing(renewed, "2025-12-01")
    #expect(r.terms.map(\.number) == [1, 2] && r.term.from == Self.day("2025-10-08"))
    #expect(r.state == .active)
  }

  @Test func aStationMissingFromTheLatestRegisterIsUnlisted() {
    let s = Self.standing(Self.history(reports: Self.onTime, listed: false), "2024-08-01")
    #expect(s.state == .unlisted)
    #expect(s.warnings.first?.contains("在建") == true)
  }

  @Test func aRegisterStateFromBeforeTheToolEndsTheStation() throws {
    let h = Self.history(
      reports: [:], decisions: [(.unqualified, "2023-03-01")], state: "验收不合格",
      stateOn: "2023-03-01")
    let ended = try #require(Self.standing(h, "2024-01-01").ended)
    #expect(ended.decision == .unqualified && ended.banUntil == Self.day("2026-02-28"))
  }

  @Test func theRegisterForTheRulesCarriesTermsAndEnds() throws {
    let s = Self.standing(Self.history(reports: [2021: "2022-07-05"]), "2025-01-01")
    let station = try #require(Lifecycle.register([s]).stations["TJMU-L-001"])
    #expect(station.ended?.decision == .revoked)
    #expect(station.term(for: AcademicYear(startYear: 2023), startMonth: 7)?.number == 1)
    #expect(station.term(for: AcademicYear(startYear: 2020), startMonth: 7) == nil)
  }

  /// What the tool recorded by itself is a log: an office decision recorded afterwards with an
  /// earlier date comes first, and a logged decision is not offered for recording again.
  @Test func anOfficeDecisionDatedEarlierOutranksTheLoggedAutomaticOne() {
    let five = Self.onTime.merging([2024: "2025-07-05"]) { a, _ in a }
    var h = Self.history(reports: five)
    h.decisions = [
      StationDecision(
        stationID: "TJMU-L-001", decision: .notApplied, date: Self.day("2026-01-05"),
        source: .automatic)
    ]
    let logged = Self.standing(h, "2026-02-01")
    #expect(logged.state == .ended && logged.automatic.isEmpty)
    h.decisions.append(
      StationDecision(stationID: "TJMU-L-001", decision: .excellent, date: Self.day("2025-12-20")))
    let decided = Self.standing(h, "2026-02-01")
    #expect(decided.state == .active && decided.term.number == 2 && decided.ended == nil)
  }
}
