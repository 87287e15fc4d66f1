import Model

/// `pipeline assess`'s outputs: JSON per SPEC §6, text for people. (The workbook, `assess.xlsx`,
/// is XLSXWriting's `AssessmentWorkbook`.)
public enum AssessmentReport {
  /// A JSON list, one object per station (per term, with a register), keys in the SPEC's order,
  /// with `term` after `window` (the register's term number; null without a register).
  public static func json(_ assessments: [Assessment]) -> String {
    JSONWriter.objectList(assessments, json)
  }

  /// One station's members, without the braces.
  private static func json(_ a: Assessment, _ w: inout JSONWriter) {
    w.raw("\"station_id\": ")
    w.string(a.stationID)
    w.raw(", \"window\": {\"from\": ")
    w.string(a.from.description)
    w.raw(", \"to\": ")
    w.string(a.to.description)
    w.raw("}, \"term\": ")
    w.raw(a.term.map(String.init) ?? "null")
    w.raw(", \"years\": [")
    for (j, y) in a.years.enumerated() {
      w.raw(j == 0 ? "{\"academic_year\": " : ", {\"academic_year\": ")
      w.string(y.academicYear.description)
      w.raw(", \"status\": ")
      w.string(y.status.rawValue)
      w.raw("}")
    }
    w.raw("], \"revoked\": ")
    w.bool(a.revoked)
    w.raw(", \"counted_students\": ")
    w.raw(String(a.countedStudents))
    w.raw(", \"outcomes\": {")
    for (j, o) in a.outcomes.enumerated() {
      if j > 0 { w.raw(", ") }
      w.string(o.level)
      w.raw(": ")
      w.raw(String(o.count))
    }
    w.raw("}, \"subsidy_compliant\": ")
    w.bool(a.subsidyCompliant)
    w.raw(", \"grade\": ")
    w.string(a.grade.rawValue)
    w.raw(", \"final\": ")
    w.bool(a.final)
    for (key, list) in [("reasons", a.reasons), ("manual_review", a.manualReview)] {
      w.raw(", \"\(key)\": [")
      for (j, s) in list.enumerated() {
        if j > 0 { w.raw(", ") }
        w.string(s)
      }
      w.raw("]")
    }
  }

  /// For people: one block per station.
  public static func text(_ assessments: [Assessment]) -> String {
    guard !assessments.isEmpty else { return "数据库中没有工作站。\n" }
    var out = ""
    for a in assessments {
      out += "\(a.stationID)\(a.stationName.map { " \($0)" } ?? "")"
      out += a.term.map { "（第 \($0) 个认定有效期）" } ?? ""
      out += "：\(a.grade.label)"
      out += (a.final ? "" : "（预评，验收期未结束）") + "\n"
      out += "  验收期：\(a.from) 至 \(a.to)\n"
      out +=
        "  报送：" + a.years.map { "\($0.academicYear) \($0.status.label)" }.joined(separator: "；")
        + "\n"
      let outcomes = a.outcomes.filter { $0.count > 0 }.map { "\($0.level) \($0.count)" }
      out += "  进站半年以上研究生：\(a.countedStudents) 人；成果："
      out += (outcomes.isEmpty ? "无" : outcomes.joined(separator: "、")) + "\n"
      out += "  补助按时足额：\(a.subsidyCompliant ? "是" : "否")\(a.revoked ? "；已达撤销条件" : "")\n"
      for r in a.reasons { out += "  · \(r)\n" }
      if !a.manualReview.isEmpty {
        out += "  需人工审核：\n"
        for r in a.manualReview { out += "  ☐ \(r)\n" }
      }
      out += "\n"
    }
    return out
  }
}
