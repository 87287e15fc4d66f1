import Foundation
import Model

/// A fresh directory for one test: `let dir = try TempDir(); defer { dir.remove() }`.
final class TempDir: Sendable {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory
      .appendingPathComponent("StoreTests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  /// A path inside the directory.
  func path(_ name: String = "store.sqlite") -> String { url.appendingPathComponent(name).path }

  func remove() { try? FileManager.default.removeItem(at: url) }
}

func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Day(year: y, month: m, day: d)! }

/// A normalized cell holding `value` (the raw cell is its text: the store never reads it).
func fieldCell(_ value: FieldValue, row: Int, column: Int) -> FieldCell {
  FieldCell(
    cell: CellReference(row: row, column: column)!, raw: .text("\(value)"), date1904: false,
    value: value)
}

/// A table of records built from field dictionaries (rows start below a header in row 1).
func table(_ sheet: String, _ keys: [String], _ rows: [[String: FieldValue]]) -> Table {
  let fieldKeys = FieldKeys(keys)
  let records = rows.enumerated().map { i, fields in
    Record(
      row: i + 2, keys: fieldKeys,
      cells: keys.enumerated().map { c, key in
        fields[key].map { fieldCell($0, row: i + 2, column: c + 1) }
      })
  }
  return Table(
    sheet: sheet, headerRow: 1,
    columns: Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0 + 1) }),
    records: records)
}

/// A student row of a fixture.
struct StudentRow {
  var id: String
  var name: String
  var level = "硕士"
  var entered = day(2023, 9, 1)
  var left: Day? = nil
  var standard = Money(yuan: 800)
}

/// A small accepted submission: station `station`, academic year starting `year`, the given
/// students, one outcome naming the first two students (the first twice), and two months of
/// payments per student.
func submission(
  station: String = "TJMU-GZZ-001", year: Int = 2023, submittedOn: Day? = nil,
  stationName: String = "天津某某医药工作站",
  students: [StudentRow] = [
    StudentRow(id: "2022120345", name: "张三", level: "博士", standard: Money(yuan: 1200)),
    StudentRow(id: "2022120346", name: "李四", left: day(2024, 3, 31)),
  ]
) -> Submission {
  var form: [String: FieldValue] = [
    "station_id": .text(station), "station_name": .text(stationName),
    "host_unit": .text("天津某某医药有限公司"), "host_type": .text("企业"), "platform": .text("企业技术中心"),
    "college": .text("药学院"), "recognized_on": .date(day(2022, 5, 20)),
    "academic_year": .academicYear(AcademicYear(startYear: year)),
    "submitted_on": .date(submittedOn ?? day(year + 1, 7, 5)), "host_head": .text("王五"),
    "college_head": .text("赵六"), "reported_headcount": .integer(students.count),
    "total_funding": .money(Money(fen: 50_000_050)), "subsidy_total": .money(Money(yuan: 4000)),
  ]
  form["contact"] = .text("钱七")
  let fields = Dictionary(
    uniqueKeysWithValues: form.enumerated().map { i, kv in
      (kv.key, fieldCell(kv.value, row: i + 2, column: 2))
    })
  let studentKeys = [
    "student_id", "name", "level", "degree_category", "campus_supervisor", "host_mentor",
    "entered_on", "left_on", "monthly_standard", "supervisor_project", "insured", "safety_training",
  ]
  let studentRows: [[String: FieldValue]] = students.map { s in
    var r: [String: FieldValue] = [
      "student_id": .text(s.id), "name": .text(s.name), "level": .text(s.level),
      "campus_supervisor": .text("孙老师"), "host_mentor": .text("周导师"),
      "entered_on": .date(s.entered), "monthly_standard": .money(s.standard),
      "supervisor_project": .bool(false), "insured": .bool(true), "safety_training": .bool(true),
    ]
    if let left = s.left { r["left_on"] = .date(left) }
    return r
  }
  let people: [[String: FieldValue]] = [
    [
      "name": .text("王五"), "roles": .list(["设站单位站长", "兼职导师"]), "title": .text("正高级"),
      "employer": .text("天津某某医药有限公司"),
    ],
    [
      "name": .text("周导师"), "roles": .list(["兼职导师"]), "title": .text("副高级"),
      "position": .text("研发总监"), "employer": .text("天津某某医药有限公司"),
    ],
  ]
  let ids = students.map(\.id)
  let outcomes: [[String: FieldValue]] = [
    [
      "kind": .text("专利"), "title": .text("一种\"新型\"制剂"), "level": .text("国家级"),
      "achieved_on": .date(day(year + 1, 1, 15)),
      "students": .list(Array(ids.prefix(2)) + ids.prefix(1)), "benefit": .text("节约成本"),
    ],
    [
      "kind": .text("论文"), "title": .text("某论文"), "level": .text("省部级"),
      "achieved_on": .date(day(year, 12, 1)), "students": .list(Array(ids.suffix(1))),
    ],
  ]
  let payments: [[String: FieldValue]] = students.flatMap { s in
    [9, 10].map { m -> [String: FieldValue] in
      [
        "student_id": .text(s.id), "name": .text(s.name),
        "month": .month(Month(year: year, month: m)),
        "due": .money(s.standard), "paid": .money(s.standard),
        "paid_on": .date(day(year, m, 25)),
      ]
    }
  }
  return Submission(
    station: Form(sheet: "工作站信息", fields: fields, valueCells: [:]),
    tables: [
      "students": table("进站研究生", studentKeys, studentRows),
      "people": table(
        "站长及专家", ["name", "roles", "title", "position", "employer", "social_roles"], people),
      "outcomes": table(
        "成果", ["kind", "title", "level", "achieved_on", "students", "benefit"], outcomes),
      "payments": table(
        "补助发放", ["student_id", "name", "month", "due", "paid", "paid_on"], payments),
    ],
    sheetOrder: ["工作站信息", "进站研究生", "站长及专家", "成果", "补助发放"])
}

/// A fixed receipt time: 2024-07-12 08:30:05 UTC.
let received = Date(timeIntervalSince1970: 1_720_773_005)

/// A fake SHA-256 (64 hex digits), distinct per label.
func sha(_ label: String) -> String {
  let hex = label.utf8.map { String($0, radix: 16, uppercase: false) }.joined()
  precondition(hex.count <= 64)
  return hex + String(repeating: "0", count: 64 - hex.count)
}
