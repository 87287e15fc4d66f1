"""What two other readers see of an annotated copy, for the Swift tests (XLSXWritingTests'
ThirdPartyReaderTests): openpyxl (every feature of every sheet, cell by cell) and python-calamine
(every value).

  fidelity.py compare ORIGINAL COPY MARKS.json
      Prints a JSON list of the differences between the submission and its annotated copy, as
      openpyxl and python-calamine read them, leaving out the 审核结果 sheet: sheet names, order,
      states and tab colours, defined names, frozen panes, AutoFilters, merged cells, column
      widths and hidden columns, row heights and hidden rows, dropdowns, conditional formats,
      page margins, images and charts; every cell's value (formulas as formulas), number format,
      font, border, alignment and protection; its fill (a marked cell's is its severity's colour,
      every other cell's unchanged); its comment (a marked cell's keeps the submitter's text
      once). MARKS.json maps a sheet to {cell: fill colour (ARGB)}. An empty list: identical.
  fidelity.py compare-many JOBS.json
      The same for many pairs at once: JOBS.json is a list of [ORIGINAL, COPY, MARKS]; prints
      {ORIGINAL: differences}, or {ORIGINAL: "unreadable: why"} for an original openpyxl itself
      cannot open (its copy is then not compared).
  fidelity.py open FILE
      Opens FILE with both readers and reads every cell of every sheet; prints {"sheets": N}.
  fidelity.py cells FILE
      Prints the sheets' names in order and, per sheet, every cell with a fill or a comment:
      {"sheets": [...], "cells": {sheet: {cell: {"fill": RRGGBB or null, "comment": text or
      null}}}}.
  fidelity.py set IN OUT EDITS.json
      Sets cells with openpyxl and saves: EDITS.json is a list of [sheet, cell, value] (a value of
      null empties the cell, ["date", y, m, d] is a date) and of ["remove-sheet", name].

Run with a Python that has openpyxl, pillow and python-calamine (`make test-deps` makes
.build/test-venv). A failure to open a file is an exception: exit status 1 and its traceback.
"""

import json
import sys

RESULTS = "审核结果"


def describe(obj, fields):
    """A comparable view of an openpyxl style object: its fields as plain values."""
    if obj is None:
        return None
    out = {}
    for f in fields:
        v = getattr(obj, f, None)
        if hasattr(v, "rgb") or hasattr(v, "theme"):
            v = (getattr(v, "rgb", None), getattr(v, "theme", None), getattr(v, "tint", None))
        elif hasattr(v, "style") and hasattr(v, "color"):  # a border side
            v = (v.style, describe(v.color, ("rgb", "theme", "tint")))
        out[f] = v if isinstance(v, (str, int, float, bool, tuple, dict, type(None))) else repr(v)
    return out


FONT = ("name", "sz", "b", "i", "u", "strike", "color", "vertAlign", "charset", "family", "scheme")
BORDER = ("left", "right", "top", "bottom", "diagonal", "diagonalUp", "diagonalDown", "outline")
ALIGNMENT = ("horizontal", "vertical", "wrap_text", "shrink_to_fit", "indent", "text_rotation")
PROTECTION = ("locked", "hidden")


def fill_colour(cell):
    fill = cell.fill
    if fill is None or getattr(fill, "fill_type", None) in (None, "none"):
        return None
    colour = fill.fgColor
    if colour is None:
        return None
    if isinstance(colour.rgb, str):
        return colour.rgb
    return f"theme {colour.theme} {colour.tint}" if colour.theme is not None else f"indexed {colour.indexed}"


def sheet_features(ws):
    f = {}
    f["state"] = ws.sheet_state
    tab = ws.sheet_properties.tabColor
    f["tab colour"] = tab.rgb if tab is not None else None
    f["frozen pane"] = ws.freeze_panes
    f["autofilter"] = ws.auto_filter.ref
    f["merged cells"] = sorted(str(r) for r in ws.merged_cells.ranges)
    f["columns"] = {k: (d.width if d.customWidth else None, bool(d.hidden), d.min, d.max)
                    for k, d in sorted(ws.column_dimensions.items())}
    f["rows"] = {k: (d.ht if d.customHeight else None, bool(d.hidden))
                 for k, d in sorted(ws.row_dimensions.items()) if d.ht is not None or d.hidden}
    f["dropdowns"] = sorted(((dv.type, str(dv.sqref), dv.formula1, dv.formula2, dv.operator,
                             dv.allow_blank, dv.showErrorMessage, dv.error, dv.prompt)
                            for dv in ws.data_validations.dataValidation), key=repr)
    f["conditional formats"] = sorted(
        ((str(rng.sqref), r.type, r.operator, tuple(r.formula or ()), r.priority,
          describe(r.dxf.font if r.dxf else None, FONT))
         for rng in ws.conditional_formatting for r in rng.rules), key=repr)
    m = ws.page_margins
    f["page margins"] = (m.left, m.right, m.top, m.bottom, m.header, m.footer)
    f["images"] = len(ws._images)
    f["charts"] = [(type(c).__name__, len(c.series)) for c in ws._charts]
    f["local names"] = sorted((n, d.attr_text) for n, d in ws.defined_names.items())
    return f


def existing(ws, ref):
    """The cell at ref; for one the file does not have, a stand-in in the style it shows with:
    its row's when the row has one (customFormat), else its column's, else the first cell
    style (openpyxl's own stand-in would have none of these)."""
    from copy import copy

    from openpyxl.cell.cell import Cell

    row, column = coordinate_to_tuple(ref)
    if (row, column) in ws._cells:
        return ws._cells[(row, column)]
    style = ws.parent._cell_styles[0]
    dims = ws.row_dimensions
    if row in dims and dims[row].customFormat:
        style = dims[row]._style
    else:
        for d in ws.column_dimensions.values():
            if d.min is not None and d.min <= column <= (d.max or d.min) and d.has_style:
                style = d._style
    return Cell(ws, row=row, column=column, style_array=copy(style))


def coordinate_to_tuple(ref):
    from openpyxl.utils.cell import coordinate_to_tuple as parse

    return parse(ref)


def plain(value):
    """A cell value as comparable data: dates as ISO text, array formulas as (range, text)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
        return (type(value).__name__, getattr(value, "ref", None), getattr(value, "text", None))
    return value


def cell_features(cell):
    return {
        "value": plain(cell.value),
        "number format": cell.number_format,
        "font": describe(cell.font, FONT),
        "border": describe(cell.border, BORDER),
        "alignment": describe(cell.alignment, ALIGNMENT),
        "protection": describe(cell.protection, PROTECTION),
    }


def compare_openpyxl(original, copy, marks):
    import openpyxl

    a = openpyxl.load_workbook(original)
    b = openpyxl.load_workbook(copy)
    diffs = []
    names_b = [n for n in b.sheetnames if n != RESULTS]
    if a.sheetnames != names_b:
        return [f"sheets: {a.sheetnames} vs {names_b}"]
    if b.sheetnames[0] != RESULTS:
        diffs.append(f"{RESULTS} is not the first sheet: {b.sheetnames}")
    if a.epoch != b.epoch:
        diffs.append(f"date system: {a.epoch} vs {b.epoch}")
    names = lambda wb: sorted((n, d.attr_text) for n, d in wb.defined_names.items())
    if names(a) != names(b):
        diffs.append(f"defined names: {names(a)} vs {names(b)}")
    for name in a.sheetnames:
        wa, wb = a[name], b[name]
        if type(wa).__name__ == "Chartsheet" or type(wb).__name__ == "Chartsheet":
            fa = (type(wa).__name__, wa.sheet_state, len(getattr(wa, "_charts", [])))
            fb = (type(wb).__name__, wb.sheet_state, len(getattr(wb, "_charts", [])))
            if fa != fb:
                diffs.append(f"{name} chartsheet: {fa} vs {fb}")
            continue
        fa, fb = sheet_features(wa), sheet_features(wb)
        for k in fa:
            if fa[k] != fb[k]:
                diffs.append(f"{name} {k}: {fa[k]} vs {fb[k]}")
        marked = marks.get(name, {})
        # The cells each file has (iter_rows would make the missing ones, in the default style).
        refs = {c.coordinate for c in wa._cells.values()} | {c.coordinate for c in wb._cells.values()}
        refs |= set(marked)
        for ref in sorted(refs, key=lambda r: coordinate_to_tuple(r)):
            ca, cb = existing(wa, ref), existing(wb, ref)
            xa, xb = cell_features(ca), cell_features(cb)
            for k in xa:
                if xa[k] != xb[k]:
                    diffs.append(f"{name}!{ref} {k}: {xa[k]} vs {xb[k]}")
            if type(cb).__name__ == "MergedCell":
                continue  # inside a merged range: openpyxl keeps no style or comment for it
            want = marked.get(ref, fill_colour(ca))
            if fill_colour(cb) != want:
                diffs.append(f"{name}!{ref} fill: {fill_colour(cb)}, expected {want}")
            ta = ca.comment.text if ca.comment else None
            tb = cb.comment.text if cb.comment else None
            if ref in marked:
                if tb is None or (ta is not None and tb.count(ta) != 1):
                    diffs.append(f"{name}!{ref} comment: {ta!r} not kept once in {tb!r}")
            elif ta != tb:
                diffs.append(f"{name}!{ref} comment: {ta!r} vs {tb!r}")
    return diffs


def calamine_sheets(path):
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(path)
    return {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}


def compare_calamine(original, copy):
    try:
        a = calamine_sheets(original)
    except Exception:  # noqa: BLE001 (calamine cannot read the original: nothing to compare)
        return []
    b = calamine_sheets(copy)
    b.pop(RESULTS, None)
    if list(a) != list(b):
        return [f"calamine sheets: {list(a)} vs {list(b)}"]
    diffs = []
    for name in a:
        # A marked empty cell gets a <c> of its own (its style): calamine may see a longer area.
        rows_a = [[v for v in r] for r in a[name]]
        rows_b = [[v for v in r] for r in b[name]]
        strip = lambda rows: [list(r[:max((i + 1 for i, v in enumerate(r) if v != ""), default=0)])
                              for r in rows]
        sa, sb = strip(rows_a), strip(rows_b)
        while sa and not sa[-1]:
            sa.pop()
        while sb and not sb[-1]:
            sb.pop()
        if sa != sb:
            diffs.append(f"calamine {name}: {sa[:5]} vs {sb[:5]}")
    return diffs


def main():
    import warnings

    warnings.simplefilter("ignore")  # openpyxl's notes on what it drops: the output is JSON only
    command = sys.argv[1]
    if command == "compare":
        original, copy, marks = sys.argv[2], sys.argv[3], sys.argv[4]
        with open(marks, encoding="utf-8") as f:
            marks = json.load(f)
        diffs = compare_openpyxl(original, copy, marks) + compare_calamine(original, copy)
        print(json.dumps(diffs, ensure_ascii=False, default=str))
    elif command == "compare-many":
        with open(sys.argv[2], encoding="utf-8") as f:
            jobs = json.load(f)
        out = {}
        for original, copy, marks in jobs:
            with open(marks, encoding="utf-8") as f:
                marks = json.load(f)
            try:
                import openpyxl

                openpyxl.load_workbook(original)
            except Exception as e:  # noqa: BLE001 (any reason openpyxl has)
                out[original] = f"unreadable: {type(e).__name__}: {e}"
                continue
            try:
                out[original] = (compare_openpyxl(original, copy, marks)
                                 + compare_calamine(original, copy))
            except Exception as e:  # noqa: BLE001 (the copy is what failed: a difference)
                import traceback

                out[original] = [f"the copy fails: {type(e).__name__}: {e}: "
                                 + traceback.format_exc(limit=-3)]
        print(json.dumps(out, ensure_ascii=False, default=str))
    elif command == "open":
        import openpyxl

        wb = openpyxl.load_workbook(sys.argv[2])
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    c.value, c.number_format, c.font, c.fill, c.comment  # noqa: B018 (read them)
        sheets = calamine_sheets(sys.argv[2])
        print(json.dumps({"sheets": len(sheets)}))
    elif command == "cells":
        import openpyxl

        wb = openpyxl.load_workbook(sys.argv[2])
        cells = {}
        for ws in wb.worksheets:
            found = {}
            for row in ws.iter_rows():
                for c in row:
                    fill = fill_colour(c)
                    comment = c.comment.text if c.comment else None
                    if fill or comment:
                        found[c.coordinate] = {"fill": fill[-6:].upper() if fill else None,
                                               "comment": comment}
            cells[ws.title] = found
        print(json.dumps({"sheets": wb.sheetnames, "cells": cells}, ensure_ascii=False))
    elif command == "set":
        import openpyxl

        source, target, edits = sys.argv[2], sys.argv[3], sys.argv[4]
        with open(edits, encoding="utf-8") as f:
            edits = json.load(f)
        wb = openpyxl.load_workbook(source)
        for edit in edits:
            if edit[0] == "remove-sheet":
                del wb[edit[1]]
            else:
                sheet, ref, value = edit
                if isinstance(value, list):  # ["date", y, m, d]
                    import datetime

                    value = datetime.date(*value[1:])
                wb[sheet][ref].value = value
        wb.save(target)
        print(json.dumps({"edits": len(edits)}))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
