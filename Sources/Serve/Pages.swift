import HTTPServer
import Model
import Pipeline

/// The page's HTML: server-rendered, Chinese, a little CSS, no script. Every piece of text that
/// comes from a request or a workbook goes through ``escape(_:)``.
enum Pages {
  /// `/`: the template, the self-check form, and the college's sign-in or its submissions.
  /// `csrf` goes into every form as its hidden `csrf` field, first (the server reads it there).
  static func home(college: String?, receipts: [Receipt], maxUploadBytes: Int, csrf: String)
    -> String
  {
    let token = "<input type=\"hidden\" name=\"csrf\" value=\"\(escape(csrf))\">"
    var body = """
      <h1>工作站年度数据报送</h1>
      <p class="lead">填写年度数据模板，先自查，再正式报送。自查不保存您的文件；正式报送后请保留回执。</p>
      <section><h2>1. 下载空白模板</h2>
      <p><a class="button" href="/template.xlsx">下载《工作站年度数据模板》</a></p></section>
      <section><h2>2. 自查</h2>
      <form method="post" action="/check" enctype="multipart/form-data">\(token)
      <p><label>选择已填写的工作簿（.xlsx，不超过 \(megabytes(maxUploadBytes))）：
      <input type="file" name="file" accept=".xlsx,.xlsm" required></label></p>
      <p><button type="submit">开始自查</button></p></form></section>
      <section><h2>3. 正式报送</h2>
      """
    if let college {
      body += """
        <p>当前单位：<strong>\(escape(college))</strong>
        <form class="inline" method="post" action="/logout">\(token)<button type="submit">退出</button></form></p>
        <form method="post" action="/submit" enctype="multipart/form-data">\(token)
        <p><label>选择要报送的工作簿：<input type="file" name="file" accept=".xlsx,.xlsm" required></label></p>
        <p><button type="submit">正式报送</button></p></form>
        <h3>本单位的报送记录</h3>
        """
      body += receipts.isEmpty ? "<p>尚无报送记录。</p>" : receiptTable(receipts)
    } else {
      body += """
        <p>正式报送需先用本单位的报送口令登录（口令由研究生院发放）。</p>
        <form method="post" action="/login">\(token)
        <p><label>报送口令：<input type="password" name="token" autocomplete="current-password" required></label>
        <button type="submit">登录</button></p></form>
        """
    }
    return page("工作站年度数据报送", body + "</section>")
  }

  /// A self-check's results: the verdict, the counts, every issue by sheet and the download.
  static func results(_ entry: CheckEntry, copyID: String?, lifetimeMinutes: Int) -> String {
    var body = "<h1>自查结果</h1>" + verdict(entry, file: entry.file)
    if let copyID {
      body += """
        <p><a class="button" id="download" href="/copies/\(copyID)">下载批注版工作簿</a>
        <span class="note">批注版在 \(lifetimeMinutes) 分钟内可下载，之后删除。</span></p>
        """
    }
    body += issueList(entry.issues.map(ReceiptIssue.init))
    return page("自查结果", body + "<p><a href=\"/\">返回首页</a></p>")
  }

  /// A submission's receipt.
  static func receipt(_ r: Receipt) -> String {
    var body = "<h1>报送回执</h1>"
    body += "<table class=\"facts\">"
    let facts: [(String, String)] = [
      ("报送单位", r.college), ("上传文件", r.uploadedName), ("收件文件名", r.file), ("SHA-256", r.sha256),
      ("收到时间（UTC）", r.receivedAt), ("审核结论", r.status.label + (r.late ? "（逾期报送）" : "")),
      ("工作站编号", r.stationID ?? "—"), ("报送学年", r.academicYear ?? "—"),
      (
        Severity.allCases.map(\.label).joined(separator: " / "),
        "\(r.errors) / \(r.findings) / \(r.warnings)"
      ),
    ]
    for (label, value) in facts { body += "<tr><th>\(label)</th><td>\(escape(value))</td></tr>" }
    body += "</table>"
    if r.superseded == true { body += "<p class=\"note\">本次报送已被本单位同一工作站同一学年的较新报送取代。</p>" }
    if let note = r.note { body += "<p class=\"note\">\(escape(note))</p>" }
    if !r.issues.isEmpty {
      body += "<p><a class=\"button\" href=\"/submissions/\(r.id)/annotated.xlsx\">下载批注版工作簿</a></p>"
    }
    body += issueList(r.issues)
    return page("报送回执", body + "<p><a href=\"/\">返回首页</a></p>")
  }

  /// A short page saying what went wrong or what happened.
  static func message(_ title: String, _ text: String) -> String {
    page(title, "<h1>\(escape(title))</h1><p>\(escape(text))</p><p><a href=\"/\">返回首页</a></p>")
  }

  // MARK: - Pieces

  private static func verdict(_ entry: CheckEntry, file: String) -> String {
    let counts = IssueCounts(entry.issues)
    var text = "<p class=\"verdict \(entry.status.rawValue)\" id=\"status\">\(escape(file))："
    text += "<strong>\(entry.status.label)</strong>"
    if let station = entry.stationID {
      text +=
        "（工作站 \(escape(station))" + (entry.academicYear.map { "，\(escape($0)) 学年" } ?? "") + "）"
    }
    // Each count under an id of its own (errors, findings, warnings), for the browser test.
    for severity in Severity.allCases {
      text += "，\(severity.label) <span id=\"\(severity.rawValue)s\">\(counts[severity])</span> 个"
    }
    text += "</p>"
    if counts.findings > 0 { text += "<p class=\"note\">\(escape(findingsNote))</p>" }
    return text
  }

  /// What a finding means for the submitter, under the verdict.
  static let findingsNote =
    "“政策问题”如实反映了未达到办法要求的情况（如补助未按时、足额发放）：不影响报送通过，将记入期满验收。请如实填报，不要为通过审核改动实际情况。"

  /// The issues grouped by sheet (file-level ones first), each in row order as the report has them.
  private static func issueList(_ issues: [ReceiptIssue]) -> String {
    guard !issues.isEmpty else { return "<p>未发现问题。</p>" }
    var html = ""
    var current: String?? = .none
    for issue in issues {
      if current != .some(issue.sheet) {
        if current != nil { html += "</tbody></table>" }
        current = .some(issue.sheet)
        html += "<h2 class=\"sheet\">\(escape(issue.sheet ?? "文件"))</h2>"
        html +=
          "<table class=\"issues\"><thead><tr><th>规则</th><th>级别</th><th>单元格</th><th>说明</th><th>当前值</th></tr></thead><tbody>"
      }
      html +=
        "<tr class=\"\(issue.severity.rawValue)\"><td class=\"rule\">\(escape(issue.rule))</td><td class=\"level\">\(issue.severity.label)</td>"
      html +=
        "<td class=\"cell\">\(escape(issue.cell ?? "—"))</td><td>\(escape(issue.message))</td>"
      html += "<td>\(escape(issue.value ?? ""))</td></tr>"
    }
    return html + "</tbody></table>"
  }

  private static func receiptTable(_ receipts: [Receipt]) -> String {
    var html =
      "<table class=\"issues\"><thead><tr><th>收到时间（UTC）</th><th>上传文件</th><th>工作站</th><th>学年</th><th>结论</th><th>\(Severity.allCases.map(\.label).joined(separator: "/"))</th><th></th></tr></thead><tbody>"
    for r in receipts {
      var status = r.status.label
      if r.late { status += "（逾期）" }
      if r.superseded == true { status += "（\(SubmissionStatus.superseded.label)）" }
      html += "<tr><td>\(escape(r.receivedAt))</td><td>\(escape(r.uploadedName))</td>"
      html += "<td>\(escape(r.stationID ?? "—"))</td><td>\(escape(r.academicYear ?? "—"))</td>"
      html += "<td>\(escape(status))</td><td>\(r.errors)/\(r.findings)/\(r.warnings)</td>"
      html += "<td><a href=\"/submissions/\(r.id)\">回执</a></td></tr>"
    }
    return html + "</tbody></table>"
  }

  private static func megabytes(_ bytes: Int) -> String { "\(bytes / (1 << 20)) MB" }

  private static func page(_ title: String, _ body: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="zh-CN"><head><meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(escape(title))</title><link rel="stylesheet" href="/style.css"></head>
    <body><main>\(body)</main></body></html>
    """
  }

  /// `/style.css`: the page's only style (the CSP allows no inline one); cached for a day.
  static var styleSheet: HTTPResponse {
    var response = HTTPResponse.bytes(200, contentType: "text/css; charset=utf-8", Array(css.utf8))
    response.headers.append(("Cache-Control", "public, max-age=86400"))
    return response
  }

  private static let css = """
    body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;background:#f5f6f8;color:#222}
    main{max-width:1100px;margin:0 auto;padding:1.5em}
    h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.4em}
    section{background:#fff;border:1px solid #dde;border-radius:6px;padding:.5em 1.2em;margin:1em 0}
    .button,button{display:inline-block;background:#1f5fae;color:#fff;border:0;border-radius:4px;padding:.45em 1em;text-decoration:none;font-size:1em;cursor:pointer}
    form.inline{display:inline}
    table{border-collapse:collapse;width:100%;background:#fff;margin:.5em 0}
    th,td{border:1px solid #ccd;padding:.35em .5em;text-align:left;vertical-align:top}
    th{background:#e8edf6}
    tr.error td.rule{color:#b00020;font-weight:bold}tr.finding td.rule{color:#b35900;font-weight:bold}tr.warning td.rule{color:#8a6100;font-weight:bold}
    tr.error{background:#fff1f2}tr.finding{background:#fff0e0}tr.warning{background:#fffbe6}
    .verdict{font-size:1.15em}.verdict.accepted strong{color:#1b7f3b}.verdict.rejected strong,.verdict.unreadable strong{color:#b00020}
    td.rule,td.level,td.cell,.issues th{white-space:nowrap}
    .note{color:#666;font-size:.9em;margin-left:.5em}.facts th{width:10em}
    """

  /// Text made safe inside HTML elements and quoted attributes.
  static func escape(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if let entity = entities[scalar] {
        out.append(contentsOf: entity.unicodeScalars)
      } else {
        out.append(scalar)
      }
    }
    return String(out)
  }

  private static let entities: [Unicode.Scalar: String] = [
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;",
  ]
}
