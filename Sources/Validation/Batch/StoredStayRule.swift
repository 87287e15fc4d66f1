import Model

/// Y-005 (SPEC §10, error, at the 进站日期 cell): a stay of a 学号 overlaps a stay the store holds
/// for another station, in any year. Stays are those of X-001 (``SharedStudentRules``): a blank
/// 出站日期 runs to the end of its report's academic year. A stored report whose station and year
/// a file of the batch also reports is left out: X-001 compares the batch's own files, and the
/// batch's file is the one that stands (a rerun compares nothing with itself). Superseded members
/// take no part. One issue per row, naming the first stored stay it overlaps.
struct StoredStayRule {
  let members: [BatchMember]
  let stored: CrossYearIndex
  let enteredLabel: String

  init(_ members: [BatchMember], stored: CrossYearIndex, template: Template) {
    self.members = members
    self.stored = stored
    enteredLabel =
      "「" + (template.sheet("students")?.field("entered_on")?.header ?? "进站日期") + "」"
  }

  func raise(in verdicts: inout [BatchRules.Verdict]) {
    let inBatch = Set(members.compactMap(\.key))
    for (m, member) in members.enumerated() where verdicts[m].supersededBy == nil {
      guard let station = member.stationID else { continue }
      for student in member.students {
        guard let stay = student.stay,
          let other = stored.stays(of: student.id).first(where: { s in
            s.stationID != station && s.days.overlaps(stay)
              && !inBatch.contains(
                BatchMember.StationYear(stationID: s.stationID, academicYear: s.academicYear))
          })
        else { continue }
        verdicts[m].issues.append(
          Issue(
            "Y-005", sheet: member.studentSheet, cell: student.enteredCell ?? student.idCell,
            .storedOverlap(id: student.id, stay: stay, other, enteredLabel: enteredLabel),
            value: student.enteredText))
      }
    }
  }
}

extension Message {
  fileprivate static func storedOverlap(
    id: String, stay: ClosedRange<Day>, _ other: CrossYearIndex.Stay, enteredLabel: String
  ) -> Message {
    "学号 \(id) 在本站的在站期间（\(stay.lowerBound) 至 \(stay.upperBound)）与工作站 \(other.stationID) 在 \(other.academicYear) 学年（文件 \(other.file)）通过审核的报送中的在站期间（\(other.days.lowerBound) 至 \(other.days.upperBound)）重叠：同一研究生不能同时在两个工作站。请核对\(enteredLabel)和出站日期；如对方工作站填错，请告知研究生院。"
  }
}
