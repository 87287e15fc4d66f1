/// The register workbook (工作站名录, SPEC §9): one table sheet, one row per station. Its first
/// five columns are the station form's own fields (the same headers, aliases and patterns, so a
/// configured alias of 工作站编号 works in both), then the optional history columns.
extension Template {
  /// The register's sheet key and canonical name.
  public static let registerSheetKey = "register"
  public static let registerSheetName = "工作站名录"
  /// The states the 状态 column allows (SPEC §9).
  public static let registerStates = ["在建", "撤销", "验收不合格", "未申请验收", "期满"]

  /// The register template for a submission template: its station form's 工作站编号, 工作站名称,
  /// 设站单位, 牵头培养单位 and 认定日期 as columns (all required), then 状态, 状态日期 and 备注.
  public func register() -> Template {
    let form = sheets.first { $0.layout == .form }
    let shared = ["station_id", "station_name", "host_unit", "college", "recognized_on"].map {
      key in
      var field =
        form?.field(key) ?? Template.standard.sheet("station")!.field(key)!
      field.required = true
      return field
    }
    let history = [
      FieldSpec(
        "state", "状态", type: .choice, required: false,
        values: Template.registerStates.map { FieldSpec.Choice($0) }),
      FieldSpec("state_on", "状态日期", type: .date, required: false),
      FieldSpec("note", "备注", type: .text, required: false),
    ]
    return Template(
      sheets: [
        SheetSpec(
          key: Template.registerSheetKey, name: Template.registerSheetName, aliases: ["工作站名单"],
          layout: .table, fields: shared + history)
      ],
      ignoredSheets: ignoredSheets, ignoredColumns: ignoredColumns,
      totalsMarkers: totalsMarkers, headerSearchRows: headerSearchRows)
  }
}
