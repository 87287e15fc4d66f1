"""Make bench/c_write.c's input (untimed): the cell dump of what `pipeline run` writes as the
annotated copy of one submission — the same sheets, cells, number formats, fills, comments and the
审核结果 sheet — from `pipeline dump FILE --format json` and `pipeline check FILE --format json`.

Usage: annotate_prep.py --pipeline BIN --file FILE.xlsx --out DUMP.tsv

What is mirrored from Sources/XLSXWriting/AnnotatedWorkbook.swift: 审核结果 first (the verdict
line in bold, a filled bold header row, per issue 序号 / 级别 with the severity's fill / 规则 /
工作表 / an internal link to the cell / the message wrapped / 当前值; its column widths; two rows
frozen), then every worksheet in order (hidden ones hidden) with each cell by type — text, number,
boolean, dates as numbers formatted yyyy-mm-dd (with the time when there is one), durations
[h]:mm:ss, error values as text — each cell an issue points at with the error (or warning) fill
added to its format and a comment `RULE（错误）：message` (author 审核, 360 wide, height by lines),
a filled blank for an issue on an empty cell, the header rows of the template's table sheets
frozen, and a width per column. The summary line's text and the column widths are approximations
(a width is one call either way); every cell, format and comment is the pipeline's.
"""

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys

HEADER_FILL, LINK_COLOR = "D9E1F2", "0563C1"
# severity → (fill, word), worst first, as Sources/XLSXWriting/SeverityFill.swift and Model's labels.
SEVERITIES = {"error": ("FFC7CE", "错误"), "finding": ("F4B084", "政策问题"), "warning": ("FFEB9C", "警告")}
LEGEND = [  # AnnotatedWorkbook.legend
    ("error", "必须改正：数据缺失、格式不符或前后不一致，报送因此未通过。请改正后重新报送。"),
    ("finding", "如实反映了未达到办法要求的情况（如补助未按时、足额发放，未进行安全教育，兼职导师不符合条件）："
                "不影响报送通过，将记入期满验收。请如实填报，不要为通过审核改动实际情况。"),
    ("warning", "提醒：请核实，不影响报送通过。"),
]
HEADER_ROW = 1 + len(LEGEND)
RESULTS = "审核结果"
TABLE_SHEETS = {"进站研究生", "站长及专家", "成果", "补助发放"}
EPOCH = dt.datetime(1899, 12, 30)
A1 = re.compile(r"([A-Z]+)(\d+)$")


def esc(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def ref(a1):
    m = A1.match(a1)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def serial(iso):
    t = dt.datetime.fromisoformat(iso)
    return (t - EPOCH).total_seconds() / 86400


class Formats:
    def __init__(self):
        self.ids = {}

    def __call__(self, num=None, bold=False, fill=None, font=None, underline=False, wrap=False):
        key = (num, bold, fill, font, underline, wrap)
        return self.ids.setdefault(key, len(self.ids))

    def lines(self):
        for (num, bold, fill, font, underline, wrap), i in self.ids.items():
            yield (f"F\t{i}\t{esc(num) if num else '-'}\t{int(bold)}\t{fill or '-'}\t{font or '-'}"
                   f"\t{int(underline)}\t{int(wrap)}\n")


def width_of(text):
    widest = current = 0
    for ch in text:
        if ch == "\n":
            current = 0
            continue
        current += 2 if ord(ch) >= 0x2E80 else 1
        widest = max(widest, current)
    return widest


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pipeline", required=True)
    ap.add_argument("--file", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    dump = json.loads(subprocess.run([args.pipeline, "dump", args.file, "--format", "json"],
                                     check=True, capture_output=True).stdout)
    check = subprocess.run([args.pipeline, "check", args.file, "--format", "json"], capture_output=True)
    if check.returncode not in (0, 1):
        sys.exit(f"pipeline check failed: {check.stderr.decode(errors='replace')}")
    issues = json.loads(check.stdout)[0]["issues"]

    fmt = Formats()
    body = []  # the dump after the format lines
    out = body.append

    # 审核结果
    counts = {k: sum(i["severity"] == k for i in issues) for k in SEVERITIES}
    summary = (f"审核结论：{'未通过' if counts['error'] else '通过'}。"
               + "，".join(f"{SEVERITIES[k][1]} {n} 项" for k, n in counts.items())
               + f"，共 {len(issues)} 项。请按批注改正各数据表中标红的单元格后重新报送（本表和批注不影响审核，可保留）。")
    sheets = [s for s in dump["sheets"] if s["kind"] == "worksheet" and s["name"] != RESULTS]
    linkable = {s["name"] for s in sheets}
    out(f"S\t{esc(RESULTS)}\t0\t{HEADER_ROW + 1}\n")
    out(f"c\t0\t0\ts\t{fmt(bold=True)}\t{esc(summary)}\n")
    for r, (k, meaning) in enumerate(LEGEND, start=1):
        out(f"c\t{r}\t0\ts\t{fmt(fill=SEVERITIES[k][0])}\t{SEVERITIES[k][1]}\n")
        out(f"c\t{r}\t1\ts\t-\t{meaning}\n")
    header = fmt(bold=True, fill=HEADER_FILL)
    for c, title in enumerate(["序号", "级别", "规则", "工作表", "单元格", "说明", "当前值"]):
        out(f"c\t{HEADER_ROW}\t{c}\ts\t{header}\t{title}\n")
    link, wrap = fmt(font=LINK_COLOR, underline=True), fmt(wrap=True)
    sev = {k: (fmt(fill=fill), word) for k, (fill, word) in SEVERITIES.items()}
    links = 0
    for i, issue in enumerate(issues):
        r = HEADER_ROW + 1 + i
        f, word = sev[issue["severity"]]
        out(f"c\t{r}\t0\tn\t-\t{i + 1}\n")
        out(f"c\t{r}\t1\ts\t{f}\t{word}\n")
        out(f"c\t{r}\t2\ts\t-\t{issue['rule']}\n")
        out(f"c\t{r}\t3\ts\t-\t{esc(issue['sheet'] or '—')}\n")
        if issue["cell"]:
            name = issue["sheet"]
            if name in linkable and "#" not in name and links < 65530:
                url = "internal:'" + name.replace("'", "''") + "'!" + issue["cell"]
                out(f"c\t{r}\t4\tu\t{link}\t{esc(url)}\t{issue['cell']}\n")
                links += 1
            else:
                out(f"c\t{r}\t4\ts\t-\t{issue['cell']}\n")
        else:
            out(f"c\t{r}\t4\ts\t-\t—\n")
        out(f"c\t{r}\t5\ts\t{wrap}\t{esc(issue['message'])}\n")
        if issue.get("value"):
            out(f"c\t{r}\t6\ts\t-\t{esc(issue['value'])}\n")
    for c, w in enumerate([6.0, 6, 10, 14, 8, 70, 24]):
        out(f"W\t{c}\t{c}\t{w}\n")

    # The data sheets.
    marks = {}
    for issue in issues:
        if issue["sheet"] and issue["cell"]:
            marks.setdefault(issue["sheet"], {}).setdefault(ref(issue["cell"]), []).append(issue)
    n_cells = n_marked = 0
    for sheet in sheets:
        cells = sorted((ref(a1), v) for a1, v in sheet["cells"].items())
        freeze = 0
        if sheet["name"] in TABLE_SHEETS:  # the header row: the first with 序号 or 学号 in it
            freeze = next((rc[0] + 1 for rc, v in cells[:400] if v in ("序号", "学号")), 0)
        out(f"S\t{esc(sheet['name'])}\t{int(sheet['visible'] != 'visible')}\t{freeze}\n")
        sheet_marks = marks.get(sheet["name"], {})
        pending = sorted(sheet_marks)
        widths = {}
        k = 0

        def mark(rc, kind, num, value):
            issues_here = sheet_marks[rc]
            worst = min(issues_here, key=lambda i: list(SEVERITIES).index(i["severity"]))
            fill = SEVERITIES[worst["severity"]][0]
            out(f"c\t{rc[0]}\t{rc[1]}\t{kind}\t{fmt(num=num, fill=fill)}\t{value}\n")
            text = "\n".join(f"{i['rule']}（{SEVERITIES[i['severity']][1]}）：{i['message']}"
                             for i in issues_here)
            out(f"m\t{rc[0]}\t{rc[1]}\t{esc(text)}\n")

        for rc, v in cells:
            while k < len(pending) and pending[k] < rc:
                mark(pending[k], "k", None, "")  # an issue on an empty cell: a filled blank
                k += 1
            num, shown = None, ""
            if isinstance(v, bool):
                kind, value, shown = "b", "1" if v else "0", "FALSE "
            elif isinstance(v, (int, float)):
                kind, value = "n", repr(float(v))
                shown = value
            elif isinstance(v, str):
                kind, value, shown = "s", esc(v), v
            elif "date" in v or "time" in v:
                s = serial(v.get("date") or v.get("time"))
                kind, value = "n", repr(s)
                num = "hh:mm:ss" if "time" in v else "yyyy-mm-dd hh:mm:ss" if s % 1 else "yyyy-mm-dd"
                shown = "x" * (8 if "time" in v else 19 if s % 1 else 10)
            elif "duration_seconds" in v:
                kind, value, num, shown = "n", repr(v["duration_seconds"] / 86400), "[h]:mm:ss", "x" * 10
            else:  # {"error": "#N/A"}
                kind, value, shown = "s", esc(v["error"]), v["error"]
            n_cells += 1
            if rc in sheet_marks:
                n_marked += 1
                mark(rc, kind, num, value)
                if k < len(pending) and pending[k] == rc:
                    k += 1
            else:
                out(f"c\t{rc[0]}\t{rc[1]}\t{kind}\t{fmt(num=num) if num else '-'}\t{value}\n")
            widths[rc[1]] = max(widths.get(rc[1], 0), min(width_of(shown), 51))
        for rc in pending[k:]:
            mark(rc, "k", None, "")
        for c, w in sorted(widths.items()):
            out(f"W\t{c}\t{c}\t{max(8.43, min(w + 2, 50))}\n")

    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.writelines(fmt.lines())
        f.writelines(body)
    os.replace(tmp, args.out)
    print(f"{args.out}: {n_cells:,} cells in {len(sheets)} sheets, {len(issues):,} issues "
          f"({n_marked:,} marked cells), {os.path.getsize(args.out) / 1e6:.1f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
