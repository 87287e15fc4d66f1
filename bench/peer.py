"""Read every row of an .xlsx's first sheet with one peer library; print `rows N`.

Usage: peer.py {calamine|fastexcel|openpyxl} FILE.xlsx

N counts every sheet row including the header, so all tools (and `pipeline dump --stats`)
can be checked against one number. Each run is its own process so the harness can measure
its wall time and peak RSS alone.
"""

import sys


def calamine(path):
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(path)
    return len(wb.get_sheet_by_index(0).to_python())


def fastexcel(path):
    import fastexcel

    # Row 0 becomes the column names (so columns get their real types: text, float, timestamp);
    # to_arrow() (needs pyarrow) materializes every column of every data row.
    sheet = fastexcel.read_excel(path).load_sheet(0)
    return sheet.to_arrow().num_rows + 1


def openpyxl(path):
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    n = 0
    for _ in wb.worksheets[0].iter_rows(values_only=True):
        n += 1
    wb.close()
    return n


TOOLS = {"calamine": calamine, "fastexcel": fastexcel, "openpyxl": openpyxl}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in TOOLS:
        sys.exit(f"usage: peer.py {{{'|'.join(TOOLS)}}} FILE.xlsx")
    print(f"rows {TOOLS[sys.argv[1]](sys.argv[2])}")
