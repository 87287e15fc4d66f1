"""Time the annotated copy of one large submission against a plain C libxlsxwriter write of the
same cells, each as a whole process.

Usage: annotate_harness.py --dir DIR --file FILE.xlsx --dump DUMP.tsv --pipeline BIN --c-write BIN
                           [--runs N] [--json OUT]

Five commands, round-robin (the starting one rotates each round) after one untimed warm-up round:
  run      `pipeline run` over DIR/inbox (FILE alone), out/ and the store deleted first: check,
           then the annotated copy, report.json and summary.xlsx
  check    `pipeline check FILE --format json`: the same check, no outputs
  read     `pipeline dump FILE --stats`: the read alone (the annotation reads the file again)
  c-write  bench/c_write.c writing the cells of DIR's dump (the same sheets, cells, formats, fills
           and comments as the annotated copy; made untimed by bench/annotate_prep.py) in
           constant_memory mode
  c-parse  the same reading the dump and writing nothing: what c-write spends on its input
Medians of wall time and of peak RSS (the child's own `ru_maxrss` from `os.wait4`, as
bench/harness.py measures it). The annotation's cost is run − check (re-reading the submission,
writing the annotated copy, report.json and summary.xlsx); the goal (issue 13) is that it stays within 0.5×
the C write (the whole c-write process). Shown too: the ratio to c-write − c-parse (the C write
alone, its input read for free), and run − check − read (the pipeline's writing alone, its second
read taken off) against that. At the end the outputs are checked: run's report.json and
check's output list the same issues, and the annotated copy and the C workbook hold the same
number of cells, comments and filled cells.
"""

import argparse
import os
import shutil
import sys

sys.dont_write_bytecode = True  # importing harness.py must not leave bench/__pycache__ behind
from harness import ToolFailed, median, run_child, write_results  # noqa: E402 (same directory; keeps the RSS floor low)

# json, re and zipfile are imported late: they would raise the harness's own peak RSS, which no
# child can go below.

GOAL_RATIO = 0.5


def workbook_counts(path):
    """Cells, comments and cells with a fill style, over every worksheet of an .xlsx."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        styles = z.read("xl/styles.xml").decode()
        fills = re.search(r"<fills[^>]*>(.*?)</fills>", styles, re.S).group(1)
        solid = {i for i, f in enumerate(re.findall(r"<fill>.*?</fill>", fills, re.S)) if "solid" in f}
        xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S).group(1)
        filled = {str(i) for i, xf in enumerate(re.findall(r"<xf [^>]*?/?>", xfs))
                  if int(re.search(r'fillId="(\d+)"', xf).group(1)) in solid}
        cells = comments = filled_cells = empty_cells = 0
        style_re = re.compile(rb'<c r="[A-Z]+\d+" s="(\d+)"')
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                data = z.read(name)
                cells += data.count(b"<c ")
                empty_cells += len(re.findall(rb"<c [^>]*/>", data))
                filled_cells += sum(1 for s in style_re.findall(data) if s.decode() in filled)
            elif name.startswith("xl/comments"):
                comments += z.read(name).count(b"<comment ")
    return {"cells": cells, "comments": comments, "filled_cells": filled_cells, "empty_cells": empty_cells}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--file", required=True)
    ap.add_argument("--dump", required=True)
    ap.add_argument("--pipeline", required=True)
    ap.add_argument("--c-write", required=True)
    ap.add_argument("--rows", type=int, help="payment rows the file was made with")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json")
    args = ap.parse_args()

    base = os.path.abspath(args.dir)
    inbox, out = os.path.join(base, "inbox"), os.path.join(base, "out")
    name = os.path.basename(args.file)
    os.makedirs(inbox, exist_ok=True)
    for old in os.listdir(inbox):
        os.remove(os.path.join(inbox, old))
    shutil.copyfile(args.file, os.path.join(inbox, name))
    config = os.path.join(base, "pipeline.json")
    with open(config, "w") as f:
        f.write('{"run": {"inbox": "inbox", "out": "out", "store": "store.sqlite"}}\n')
    c_out = os.path.join(base, "c-write.xlsx")
    check_out = os.path.join(base, "check.json")
    scratch = os.path.join(base, ".annotate-harness")

    jobs = {
        "run": ([args.pipeline, "run", "--config", config], {0}),
        # check's 4 MB of JSON goes straight to a file: read back by the harness it would raise
        # the harness's RSS, which every later child inherits as its floor.
        "check": (["/bin/sh", "-c", 'out=$1; shift; exec "$@" > "$out"', "sh", check_out,
                   args.pipeline, "check", args.file, "--format", "json"], {0, 1}),
        "read": ([args.pipeline, "dump", args.file, "--stats", "--format", "json"], {0}),
        "c-write": ([args.c_write, args.dump, c_out], {0}),
        "c-parse": ([args.c_write, args.dump, "--parse-only"], {0}),
    }
    samples = {n: {"seconds": [], "rss_mb": []} for n in jobs}
    outputs = {}

    def clean():
        shutil.rmtree(out, ignore_errors=True)
        for n in os.listdir(base):
            if n == "store.sqlite" or n.startswith("store.sqlite-"):
                os.remove(os.path.join(base, n))

    print(f"{name}: {os.path.getsize(args.file) / 1e6:.2f} MB; {args.runs} runs each, round-robin",
          file=sys.stderr)
    try:
        names = list(jobs)
        for round_no in range(-1, args.runs):  # round -1 is the warm-up, not recorded
            shift = max(round_no, 0) % len(names)
            for job in names[shift:] + names[:shift]:
                argv, ok = jobs[job]
                if job == "run":
                    clean()
                seconds, rss, stdout, _ = run_child(job, argv, scratch, ok)
                if round_no < 0:
                    outputs[job] = stdout
                else:
                    samples[job]["seconds"].append(round(seconds, 4))
                    samples[job]["rss_mb"].append(round(rss, 1))
            label = "warm-up" if round_no < 0 else f"run {round_no + 1}/{args.runs}"
            print(f"  {label} done", file=sys.stderr, flush=True)
        floor = round(run_child("floor", ["/bin/true"], scratch)[1], 1)
    except ToolFailed as e:
        print(f"\nannotate bench: {e}", file=sys.stderr)
        return 1

    import json

    # The outputs: the same issues from run and check, and the same workbook from both writers.
    with open(check_out, encoding="utf-8") as f:
        checked = json.load(f)[0]
    with open(os.path.join(out, "report.json"), encoding="utf-8") as f:
        reported = json.load(f)[0]
    issues = checked["issues"]
    by_rule = {}
    for issue in issues:
        by_rule[issue["rule"]] = by_rule.get(issue["rule"], 0) + 1
    annotated = [os.path.join(d, n) for d, _, ns in os.walk(out) for n in ns if n.endswith(".annotated.xlsx")]
    problems = []
    if reported["issues"] != issues:
        problems.append("run's report.json and check list different issues")
    if len(annotated) != 1:
        problems.append(f"{len(annotated)} annotated copies in {out}, expected 1")
    ours = workbook_counts(annotated[0]) if annotated else {}
    theirs = workbook_counts(c_out)
    # The annotated copy is the submission itself, patched: it also keeps what the dump the C
    # program writes from leaves out — the source's empty (styled) cells and its own filled cells.
    source = workbook_counts(args.file)
    expected = {"cells": theirs["cells"] + source["empty_cells"], "comments": theirs["comments"],
                "filled_cells": theirs["filled_cells"] + source["filled_cells"]}
    if {k: ours.get(k) for k in expected} != expected:
        problems.append(f"the annotated copy holds {ours}, expected {expected} (the C workbook "
                        f"{theirs} with the source's own empty and filled cells)")
    c_line = outputs["c-write"].strip()
    if problems:
        print("\nannotate bench: the outputs differ:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1

    tools = {}
    for job, s in samples.items():
        tools[job] = {"command": jobs[job][0], "median_s": round(median(s["seconds"]), 4),
                      "median_rss_mb": median(s["rss_mb"]), **s}
    run, check = tools["run"]["median_s"], tools["check"]["median_s"]
    c_write, c_parse = tools["c-write"]["median_s"], tools["c-parse"]["median_s"]
    read = tools["read"]["median_s"]
    annotation = run - check
    ratio = annotation / c_write
    ratio_write_only = annotation / (c_write - c_parse)
    writing = annotation - read
    ratio_writing = writing / (c_write - c_parse)
    met = ratio <= GOAL_RATIO
    total_cells = ours["cells"]
    size = os.path.getsize(annotated[0])

    rows = f"{args.rows:,} payment rows, " if args.rows else ""
    print(f"\n{name}: {rows}{os.path.getsize(args.file) / 1e6:.2f} MB; {len(issues):,} issues ("
          + ", ".join(f"{r} {n:,}" for r, n in sorted(by_rule.items())) + f"); annotated copy "
          f"{total_cells:,} cells, {ours['comments']:,} comments, {ours['filled_cells']:,} filled "
          f"cells, {size / 1e6:.2f} MB (C: {os.path.getsize(c_out) / 1e6:.2f} MB); {args.runs} runs each")
    print(f"\n{'command':<52}{'median s':>10}{'peak RSS MB':>13}")
    for job, label in (("run", "pipeline run (check, annotated copy, reports)"),
                       ("check", "pipeline check --format json"),
                       ("read", "pipeline dump --stats (the read alone)"),
                       ("c-write", "C libxlsxwriter, constant_memory (c_write)"),
                       ("c-parse", "C reading its dump only (c_write --parse-only)")):
        t = tools[job]
        print(f"{label:<52}{t['median_s']:>10.3f}{t['median_rss_mb']:>13.1f}")
    print(f"(RSS floor: {floor} MB, the harness's own peak; no child can report less)")
    print(f"\nannotation + outputs (run − check): {annotation:.3f} s")
    print(f"ratio to the C write (c_write):                {ratio:.2f}×")
    print(f"ratio to the C write alone (c_write − parse):  {ratio_write_only:.2f}×")
    print(f"writing alone (run − check − read): {writing:.3f} s, {ratio_writing:.2f}× the C write alone")
    print(f"\ngoal: annotation ≤ {GOAL_RATIO}× the C write: {ratio:.2f}× — "
          f"{'goal met' if met else 'goal NOT met'}")

    if args.json:
        import platform

        result = {"file": name, "file_bytes": os.path.getsize(args.file), "payment_rows": args.rows,
                  "issues": len(issues), "issues_by_rule": by_rule, "annotated": ours,
                  "annotated_bytes": size, "c_bytes": os.path.getsize(c_out), "c_output": c_line,
                  "issue_cell_fraction": round(len(issues) / total_cells, 4), "runs": args.runs,
                  "rss_floor_mb": floor, "cpus": os.cpu_count(), "machine": platform.machine(),
                  "tools": tools, "annotation_s": round(annotation, 4), "ratio": round(ratio, 3),
                  "ratio_write_only": round(ratio_write_only, 3), "writing_s": round(writing, 4),
                  "ratio_writing_to_write_only": round(ratio_writing, 3),
                  "goals": [{"goal": f"annotation (run − check) ≤ {GOAL_RATIO}× the C libxlsxwriter write",
                             "value": round(ratio, 3), "met": met}]}
        write_results(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
