import Model

/// The printed forms of check results: JSON for tools, text for people.
public enum Reports {
  /// `[{file, sha256, station_id, academic_year, status, station_state, issues: [{rule,
  /// severity, sheet, cell, message, value}]}]`, keys in that order; `station_state` is the
  /// station's state after the run (SPEC §9, `在建`, `预警`…), null without a register or for a
  /// station it does not list.
  public static func json(_ entries: [CheckEntry]) -> String {
    JSONWriter.objectList(entries) { e, out in
      out.raw("\"file\": ")
      out.string(e.file)
      out.raw(", \"sha256\": ")
      out.string(e.sha256)
      out.raw(", \"station_id\": ")
      out.string(orNull: e.stationID)
      out.raw(", \"academic_year\": ")
      out.string(orNull: e.academicYear)
      out.raw(", \"status\": ")
      out.string(e.status.rawValue)
      out.raw(", \"station_state\": ")
      out.string(orNull: e.stationState?.rawValue)
      out.raw(", \"issues\": [")
      for (j, issue) in e.issues.enumerated() {
        out.raw(j == 0 ? "\n    {" : ",\n    {")
        out.raw("\"rule\": ")
        out.string(issue.rule)
        out.raw(", \"severity\": ")
        out.string(issue.severity.rawValue)
        out.raw(", \"sheet\": ")
        out.string(orNull: issue.sheet)
        out.raw(", \"cell\": ")
        out.string(orNull: issue.cell?.a1)
        out.raw(", \"message\": ")
        out.string(issue.message)
        out.raw(", \"value\": ")
        out.string(orNull: issue.value)
        out.raw("}")
      }
      out.raw(e.issues.isEmpty ? "]" : "\n  ]")
    }
  }

  /// For people: per file a verdict line, then the issues grouped by sheet in row order.
  public static func text(_ entries: [CheckEntry]) -> String {
    var lines: [String] = []
    for e in entries {
      var head = "\(e.file)：\(e.status.label)"
      if let id = e.stationID { head += "（工作站 \(id)\(e.academicYear.map { "，\($0) 学年" } ?? "")）" }
      head += "，" + IssueCounts(e.issues).text(unit: "个")
      lines.append(head)
      var currentSheet: String?? = .none
      for issue in e.issues {
        if currentSheet != .some(issue.sheet) {
          currentSheet = .some(issue.sheet)
          lines.append(issue.sheet.map { "  【\($0)】" } ?? "  【文件】")
        }
        var line =
          "    \(issue.cell?.a1 ?? "-")\t\(issue.severity.label) \(issue.rule)\t\(issue.message)"
        if let value = issue.value, !value.isEmpty { line += "（当前值：\(value)）" }
        lines.append(line)
      }
      lines.append("")
    }
    return lines.joined(separator: "\n")
  }
}
