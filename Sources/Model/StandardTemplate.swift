// The built-in template and policy: SPEC §2 and §3 as data. The shipped `pipeline.json` holds the
// same (a test checks they are equal), so `pipeline check` works from any folder.

private typealias C = FieldSpec.Choice

private let studentID = #"^\d{8,12}$"#

extension Template {
  public static let standard = Template(
    sheets: [
      SheetSpec(
        key: "station", name: "工作站信息", layout: .form,
        fields: [
          FieldSpec(
            "station_id", "工作站编号", type: .code, required: true,
            pattern: #"^[A-Za-z0-9][A-Za-z0-9-]{2,31}$"#),
          FieldSpec("station_name", "工作站名称", type: .text, required: true),
          FieldSpec("host_unit", "设站单位", aliases: ["依托单位"], type: .text, required: true),
          FieldSpec(
            "host_type", "设站单位性质", type: .choice, required: true,
            values: [
              C("企业", aliases: ["国有企业", "民营企业", "公司"]),
              C("事业单位", aliases: ["医院", "研究所"]),
            ]),
          FieldSpec(
            "platform", "科研创新平台", type: .choice, required: true,
            values: [C("重点实验室"), C("工程技术研究中心"), C("企业技术中心"), C("其他"), C("无")]),
          FieldSpec("college", "牵头培养单位", aliases: ["牵头学院", "牵头医院"], type: .text, required: true),
          FieldSpec("recognized_on", "认定日期", type: .date, required: true),
          FieldSpec("academic_year", "报送学年", type: .academicYear, required: true),
          FieldSpec("submitted_on", "报送日期", type: .date, required: true),
          FieldSpec("host_head", "设站单位站长", type: .name, required: true),
          FieldSpec("college_head", "培养单位站长", type: .name, required: true),
          FieldSpec("reported_headcount", "进站研究生人数", type: .integer, required: true),
          FieldSpec("total_funding", "年度运行经费(元)", type: .money, required: true),
          FieldSpec("subsidy_total", "生活补助发放总额(元)", type: .money, required: true),
          FieldSpec("contact", "联系人", type: .text, required: false),
          FieldSpec("phone", "联系电话", type: .text, required: false),
        ]),
      SheetSpec(
        key: "students", name: "进站研究生", layout: .table,
        fields: [
          FieldSpec("student_id", "学号", type: .code, required: true, pattern: studentID),
          FieldSpec("name", "姓名", type: .name, required: true),
          FieldSpec(
            "level", "培养层次", type: .choice, required: true,
            values: [
              C("博士", aliases: ["博士研究生", "博士生", "PhD"]),
              C("硕士", aliases: ["硕士研究生", "硕士生", "专硕", "学硕"]),
            ]),
          FieldSpec("degree_category", "专业学位类别", type: .text, required: false),
          FieldSpec("campus_supervisor", "校内导师", type: .name, required: true),
          FieldSpec(
            "host_mentor", "设站单位导师", aliases: ["企业导师", "兼职导师"], type: .name, required: true),
          FieldSpec("entered_on", "进站日期", type: .date, required: true),
          FieldSpec("left_on", "出站日期", type: .date, required: false),
          FieldSpec("monthly_standard", "月生活补助标准(元)", type: .money, required: true),
          FieldSpec("supervisor_project", "导师在设站单位承担项目", type: .yesNo, required: false),
          FieldSpec("insured", "意外伤害保险", type: .yesNo, required: false),
          FieldSpec("safety_training", "安全教育", type: .yesNo, required: true),
        ]),
      SheetSpec(
        key: "people", name: "站长及专家", layout: .table,
        fields: [
          FieldSpec("name", "姓名", type: .name, required: true),
          FieldSpec(
            "roles", "角色", type: .choiceList, required: true,
            values: [C("设站单位站长"), C("培养单位站长"), C("兼职导师"), C("专家")]),
          FieldSpec(
            "title", "职称", type: .choice, required: true,
            values: [
              C(
                "正高级",
                aliases: [
                  "教授", "研究员", "主任医师", "主任药师", "主任技师", "主任护师", "正高级工程师", "正高级经济师", "正高级会计师",
                  "正高级统计师", "正高级农艺师", "正高级实验师", "研究员级高级工程师", "教授级高级工程师",
                ]),
              C(
                "副高级",
                aliases: [
                  "副教授", "副研究员", "副主任医师", "副主任药师", "副主任技师", "副主任护师", "高级工程师", "高级经济师", "高级会计师",
                  "高级统计师", "高级农艺师", "高级实验师",
                ]),
              C(
                "中级",
                aliases: [
                  "讲师", "主治医师", "主管药师", "主管技师", "主管护师", "工程师", "助理研究员", "经济师", "会计师", "实验师",
                ]),
              C(
                "初级",
                aliases: [
                  "助教", "住院医师", "医师", "药师", "技师", "护师", "助理工程师", "助理经济师", "助理会计师", "助理实验师", "技术员",
                ]),
              C("无", aliases: ["无职称"]),
            ]),
          FieldSpec("position", "职务", type: .text, required: false),
          FieldSpec("employer", "工作单位", type: .text, required: true),
          FieldSpec("social_roles", "社会任职", type: .text, required: false),
        ]),
      SheetSpec(
        key: "outcomes", name: "成果", layout: .table, mayBeEmpty: true,
        fields: [
          FieldSpec(
            "kind", "成果类型", type: .choice, required: true,
            values: [C("项目"), C("论文"), C("专利"), C("标准"), C("奖励"), C("其他")]),
          FieldSpec("title", "成果名称", type: .text, required: true),
          FieldSpec(
            "level", "成果级别", type: .choice, required: true,
            values: [C("国家级"), C("省部级"), C("市级"), C("校级"), C("其他")]),
          FieldSpec("achieved_on", "取得日期", type: .date, required: true),
          FieldSpec("students", "参与研究生学号", type: .codeList, required: true, pattern: studentID),
          FieldSpec("benefit", "经济社会效益", type: .text, required: false),
        ]),
      SheetSpec(
        key: "payments", name: "补助发放", layout: .table, mayBeEmpty: true,
        fields: [
          FieldSpec("student_id", "学号", type: .code, required: true, pattern: studentID),
          FieldSpec("name", "姓名", type: .name, required: false, unchecked: true),
          FieldSpec("month", "发放月份", type: .month, required: true),
          FieldSpec("due", "应发金额(元)", type: .money, required: true),
          FieldSpec("paid", "实发金额(元)", type: .money, required: true),
          FieldSpec("paid_on", "发放日期", type: .date, required: false),
        ]),
    ],
    ignoredSheets: ["填报说明", "审核结果"],
    ignoredColumns: ["序号"],
    totalsMarkers: ["合计", "小计", "总计"],
    headerSearchRows: 20)
}

extension Policy {
  public static let standard = Policy(
    validityYears: 4,
    minimumMonthlySubsidy: ["博士": 1000, "硕士": 500],
    academicYearStartMonth: 7,
    reportDeadlineMonth: 7, reportDeadlineDay: 10,
    revocationConsecutiveYears: 2,
    countedStudentMonths: 6,
    excellentHeadcount: 20, qualifiedHeadcount: 8,
    excellentNationalOutcomes: 1, excellentProvincialOutcomes: 2,
    titleGrades: ["正高级", "副高级", "中级", "初级", "无"],
    mentorMinimumGrade: "副高级",
    paymentDueMonthsAfter: 1,
    reapplicationBanYears: 3, revocationBanYears: 0, acceptanceGraceDays: 90)
}
