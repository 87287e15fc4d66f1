import Foundation
import Model
import Store

extension Assessor {
  /// The number of distinct 学号 whose stays within [from, to] add up to at least `months`
  /// calendar months (see ``Assessment``).
  public static func countedStudents(
    _ students: [StoredStudent], from: Day, to: Day, months: Int, startMonth: Int
  ) -> Int {
    studentStays(students, from: from, to: to, months: months, startMonth: startMonth)
      .count(where: \.counted)
  }

  /// 四(二) "进站培养半年以上": every 学号 of `students` with its days in station within
  /// [from, to] and whether it counts (see ``Assessment``), in 学号 order.
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
      if let stay = interval(s, from: from, to: to, startMonth: startMonth) {
        intervals[s.studentID]!.append(stay)
      }
    }
    return intervals.sorted { $0.key < $1.key }.map { id, list in
      stay(id, name: names[id], intervals: list, months: months)
    }
  }

  /// One row's stay: [进站日期, 出站日期 or the end of its academic year], clipped to that year
  /// and to [from, to]; nil when nothing of it is left (or it has no 进站日期).
  static func interval(_ s: StoredStudent, from: Day, to: Day, startMonth: Int) -> (Day, Day)? {
    guard let entered = s.enteredOn else { return nil }
    let yearStart = s.academicYear.firstDay(startMonth: startMonth)
    let yearEnd = s.academicYear.lastDay(startMonth: startMonth)
    let start = max(entered, yearStart, from)
    let end = min(s.leftOn ?? yearEnd, yearEnd, to)
    return start <= end ? (start, end) : nil
  }

  /// A student's stay over its rows' `intervals`: its first day, the days they cover, the whole
  /// calendar months those make from the first day, and whether they reach `months`.
  static func stay(_ id: String, name: String?, intervals: [(Day, Day)], months: Int)
    -> Assessment.Student
  {
    let sorted = intervals.sorted { $0.0 < $1.0 }
    guard let first = sorted.first?.0 else {
      return Assessment.Student(
        studentID: id, name: name, firstDay: nil, days: 0, months: 0, counted: false)
    }
    let days = coveredDays(sorted)
    var whole = 0
    while addMonths(first, whole + 1).days - first.days <= days { whole += 1 }
    return Assessment.Student(
      studentID: id, name: name, firstDay: first, days: days, months: whole,
      counted: days >= addMonths(first, months).days - first.days)
  }

  /// The days of the union of `sorted` (inclusive intervals, by first day): overlapping and
  /// adjoining ones join, so a day is counted once.
  static func coveredDays(_ sorted: [(Day, Day)]) -> Int {
    guard var current = sorted.first else { return 0 }
    var days = 0
    for next in sorted.dropFirst() {
      if next.0.days <= current.1.days + 1 {
        current.1 = max(current.1, next.1)
      } else {
        days += current.1.days - current.0.days + 1
        current = next
      }
    }
    return days + current.1.days - current.0.days + 1
  }
}
