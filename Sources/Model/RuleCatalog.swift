/// The rule catalog of SPEC §5: every rule ID with its severity and a short Chinese title. The
/// reports, the annotated workbook and the docs all read it from here.
public enum RuleCatalog {
  public struct Entry: Sendable {
    public var id: String
    public var severity: Severity
    public var title: String
  }

  public static let entries: [Entry] = [
    Entry(id: "FILE-001", severity: .error, title: "文件无法读取"),
    Entry(id: "FILE-002", severity: .error, title: "文件超出安全限制"),
    Entry(id: "STR-001", severity: .error, title: "缺少必需的工作表"),
    Entry(id: "STR-002", severity: .error, title: "未找到表头或缺少必需的列"),
    Entry(id: "STR-003", severity: .error, title: "列重复"),
    Entry(id: "STR-004", severity: .warning, title: "未知的列"),
    Entry(id: "STR-005", severity: .warning, title: "未知的工作表"),
    Entry(id: "CELL-001", severity: .error, title: "必填项为空"),
    Entry(id: "CELL-002", severity: .error, title: "类型错误"),
    Entry(id: "CELL-003", severity: .error, title: "不是允许的取值"),
    Entry(id: "CELL-004", severity: .error, title: "编码或格式不符"),
    Entry(id: "CELL-005", severity: .error, title: "数值超出范围"),
    Entry(id: "CELL-006", severity: .error, title: "公式错误值"),
    Entry(id: "DUP-001", severity: .error, title: "学号重复"),
    Entry(id: "DUP-002", severity: .error, title: "同一学生同一月份重复发放"),
    Entry(id: "REF-001", severity: .error, title: "学号不在进站研究生名单中"),
    Entry(id: "REF-002", severity: .error, title: "设站单位导师未列为兼职导师"),
    Entry(id: "REF-003", severity: .error, title: "站长未列入站长及专家"),
    Entry(id: "MEN-001", severity: .finding, title: "兼职导师职称低于要求"),
    Entry(id: "MEN-002", severity: .finding, title: "兼职导师不在设站单位工作"),
    Entry(id: "MEN-003", severity: .error, title: "站长人数不符"),
    Entry(id: "DATE-001", severity: .error, title: "出站日期早于进站日期"),
    Entry(id: "DATE-002", severity: .error, title: "学年内不在站"),
    Entry(id: "DATE-003", severity: .error, title: "发放月份不在学年或在站期间内"),
    Entry(id: "DATE-004", severity: .error, title: "成果日期不在学年内"),
    Entry(id: "DATE-005", severity: .error, title: "认定已过期"),
    Entry(id: "RPT-001", severity: .warning, title: "逾期报送"),
    Entry(id: "SUB-001", severity: .finding, title: "生活补助标准低于最低标准"),
    Entry(id: "SUB-002", severity: .finding, title: "应发金额低于补助标准"),
    Entry(id: "SUB-003", severity: .finding, title: "未足额发放"),
    Entry(id: "SUB-004", severity: .finding, title: "未按时发放"),
    Entry(id: "SUB-005", severity: .error, title: "在站月份缺少发放记录"),
    Entry(id: "SUB-006", severity: .error, title: "补助发放总额不符"),
    Entry(id: "HC-001", severity: .error, title: "进站研究生人数不符"),
    Entry(id: "SAF-001", severity: .finding, title: "未进行安全教育"),
    Entry(id: "INS-001", severity: .warning, title: "未购买意外伤害保险"),
    Entry(id: "PLT-001", severity: .warning, title: "无科研创新平台"),
    Entry(id: "X-001", severity: .error, title: "同一学号在两个工作站在站期间重叠"),
    Entry(id: "X-002", severity: .warning, title: "同一学号姓名不一致"),
    Entry(id: "X-003", severity: .warning, title: "同一工作站同一学年重复报送"),
    Entry(id: "STA-001", severity: .error, title: "工作站不在名录中"),
    Entry(id: "STA-002", severity: .error, title: "工作站在本学年开始前已终止"),
    Entry(id: "STA-003", severity: .error, title: "认定日期与名录不一致"),
    Entry(id: "STA-004", severity: .warning, title: "工作站信息与名录不一致"),
    Entry(id: "STA-005", severity: .error, title: "设站单位在不得重新申报期内"),
    Entry(id: "Y-001", severity: .warning, title: "上一学年在站的研究生本学年未列出"),
    Entry(id: "Y-002", severity: .warning, title: "进站日期与上一学年不一致"),
    Entry(id: "Y-003", severity: .warning, title: "姓名或培养层次与上一学年不一致"),
    Entry(id: "Y-004", severity: .warning, title: "成果已在往年报送"),
    Entry(id: "Y-005", severity: .error, title: "在站期间与其他工作站重叠"),
    Entry(id: "Y-006", severity: .warning, title: "认定日期或设站单位与上一学年不一致"),
  ]

  private static let byID = Dictionary(uniqueKeysWithValues: entries.map { ($0.id, $0) })

  public static func entry(_ id: String) -> Entry? { byID[id] }

  /// The rule's severity; an ID missing from the catalog is a programming error caught by the
  /// catalog test, and is treated as an error meanwhile.
  public static func severity(of id: String) -> Severity { byID[id]?.severity ?? .error }
}
