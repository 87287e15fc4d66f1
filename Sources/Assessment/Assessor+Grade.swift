import Model

extension Assessor {
  /// What the grade weighs: the results of the clauses before it.
  struct Evidence {
    var years: [Assessment.Year]
    /// The consecutive years that revoke the station; empty when it is not revoked.
    var revokedAt: [AcademicYear]
    var counted: Int
    var subsidyCompliant: Bool
    var outcomes: Outcomes
    var final: Bool
  }

  /// SPEC §6 "The grade, exactly" (四(一), 四(二)): 撤销 when revoked; else 不合格 when a due year
  /// is late or missing (合格1: 合格 and 优秀 both need every due year reported on time), the
  /// subsidies were not paid on time and in full (合格2) or there are fewer than
  /// `qualifiedHeadcount` counted students (合格3); else 优秀 with `excellentHeadcount` students
  /// and the outcomes of 优秀5; else 合格. The reasons say which criteria decided it.
  static func grade(_ e: Evidence, policy p: Policy) -> (grade: Grade, notes: Notes) {
    if !e.revokedAt.isEmpty {
      let years = e.revokedAt.map(\.description).joined(separator: "、")
      return (
        .revoked,
        Notes(reasons: ["连续 \(p.revocationConsecutiveYears) 个学年（\(years)）未按时报送，依办法四(一)予以撤销。"])
      )
    }
    let notOnTime = e.years.filter(\.status.notOnTime)
    if !notOnTime.isEmpty || e.counted < p.qualifiedHeadcount || !e.subsidyCompliant {
      return (.unqualified, unqualified(e, notOnTime: notOnTime, policy: p))
    }
    if e.counted >= p.excellentHeadcount && e.outcomes.meetExcellent {
      return (.excellent, excellent(e, policy: p))
    }
    return (.qualified, qualified(e, policy: p))
  }

  /// 不合格: the years not on time (合格1), the headcount (合格3; the subsidies gave their own
  /// reasons), and what follows — stated as decided only when the grade is final.
  static func unqualified(_ e: Evidence, notOnTime: [Assessment.Year], policy p: Policy) -> Notes {
    var notes = Notes()
    if !notOnTime.isEmpty {
      let named = notOnTime.map {
        "\($0.academicYear) 学年\($0.status == .late ? "逾期报送" : "未报送")"
      }
      notes.reasons.append(
        "\(named.joined(separator: "、"))，不符合合格标准1“每年按时上报基本数据”（四(二)合格1）。")
    }
    if e.counted < p.qualifiedHeadcount {
      notes.reasons.append(
        "进站培养半年以上研究生 \(e.counted) 人，少于合格标准 \(p.qualifiedHeadcount) 人（四(二)合格3）。")
    }
    notes.reasons.append(
      e.final
        ? "验收不合格：不再作为市级研究生工作站，且\(p.reapplicationBanWording)不得重新申报（四(二)）。"
        : "预评为不合格：验收期结束时如仍为不合格，将不再作为市级研究生工作站，且\(p.reapplicationBanWording)不得重新申报（四(二)）。")
    return notes
  }

  /// 优秀: the headcount (优秀3), the outcomes (优秀5), the reporting and the subsidies (优秀1、2).
  static func excellent(_ e: Evidence, policy p: Policy) -> Notes {
    Notes(reasons: [
      "进站培养半年以上研究生 \(e.counted) 人，达到优秀标准 \(p.excellentHeadcount) 人（四(二)优秀3）。",
      "成果：国家级 \(e.outcomes.national) 项、省部级 \(e.outcomes.provincial) 项，达到优秀标准（四(二)优秀5）。",
      "每年按时报送，补助按时足额发放（四(二)优秀1、2）。",
    ])
  }

  /// 合格: the headcount (合格3) and what 优秀 lacks (优秀3, 优秀5); a claimed 经济社会效益 that
  /// could stand in for the outcomes is for a person to judge.
  static func qualified(_ e: Evidence, policy p: Policy) -> Notes {
    var notes = Notes()
    let o = e.outcomes
    notes.reasons.append(
      "进站培养半年以上研究生 \(e.counted) 人，达到合格标准 \(p.qualifiedHeadcount) 人（四(二)合格3）。")
    if e.counted < p.excellentHeadcount {
      notes.reasons.append("未达优秀：研究生人数少于 \(p.excellentHeadcount) 人（四(二)优秀3）。")
    }
    if !o.meetExcellent {
      notes.reasons.append(
        "未达优秀：成果国家级 \(o.national) 项、省部级 \(o.provincial) 项，不足 \(p.excellentNationalOutcomes) 项国家级或 \(p.excellentProvincialOutcomes) 项省部级（四(二)优秀5）。"
      )
    }
    if !o.meetExcellent && e.counted >= p.excellentHeadcount && !o.benefits.isEmpty {
      notes.review.append(
        "成果声明了经济社会效益（优秀5的另一条件），如经认定为重要效益可评为优秀：" + o.benefits.joined(separator: "；"))
    }
    return notes
  }

  /// The criteria no data decides, listed for a person under a passing grade: 优秀1/4 or 合格1/4
  /// beyond the reporting, and whether the conditions of 二 (设站条件) still hold.
  static func qualitativeReview(_ grade: Grade) -> [String] {
    let conditions = "设站条件（办法二）：科技创新平台、兼职导师队伍、合作基础与计划、研究生生活学习条件是否仍然具备，需人工核实。"
    switch grade {
    case .excellent:
      return [
        "优秀1：工作、生活条件优越，管理规章制度健全、执行良好，需人工认定。",
        "优秀4：特色鲜明的联合培养机制，人才培养成效显著，职业岗位锻炼效果与就业竞争优势突出，需人工认定。",
        conditions,
      ]
    case .qualified:
      return [
        "合格1：工作、生活条件良好，管理规章制度健全、执行良好，需人工认定。",
        "合格4：经费来源稳定，合作紧密，联合承担科研项目，联合培养研究生质量高，需人工认定。",
        conditions,
      ]
    case .unqualified, .revoked:
      return []
    }
  }
}
