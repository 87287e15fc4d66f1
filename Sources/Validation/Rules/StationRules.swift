import Model

/// The station form's own rules: DATE-005 (recognition lapsed), RPT-001 (late report) and
/// PLT-001 (no research platform).
enum StationRules {
  static func check(_ c: RuleContext) -> [Issue] {
    guard let station = c.station else { return [] }
    var issues: [Issue] = []
    let p = c.policy

    // DATE-005: the academic year starts after 认定日期 + validity.
    if let recognized = station.day("recognized_on"), let start = c.yearStart {
      let expires = p.validityEnd(recognizedOn: recognized)
      if start > expires {
        issues.append(
          c.issue(
            "DATE-005", station: "recognized_on",
            "认定日期 \(recognized) 起 \(p.validityYears) 年有效，至 \(expires) 已过期，本学年（\(c.year!)）不在有效期内。请核对认定日期，或先申请重新认定。")!)
      }
    }

    // RPT-001: 报送日期 after 7月10日 following the academic year.
    if let submitted = station.day("submitted_on"), let year = c.year {
      let deadline = p.reportDeadline(for: year)
      if submitted > deadline {
        issues.append(
          c.issue(
            "RPT-001", station: "submitted_on",
            "\(year) 学年的数据应于 \(deadline) 前报送，报送日期 \(submitted) 已逾期。逾期报送计入“未按时上报”，连续两年将撤销工作站。")!)
      }
    }

    // PLT-001: 科研创新平台 = 无.
    if station.text("platform") == "无" {
      issues.append(
        c.issue(
          "PLT-001", station: "platform",
          "设站单位无科研创新平台。设站条件要求一般应具有重点实验室、工程技术研究中心、企业技术中心等平台，请核实。")!)
    }
    return issues
  }
}
