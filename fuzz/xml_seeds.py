"""Writes the XML-mode seeds of `make fuzz`: for each workbook given, its first worksheet,
shared strings, styles and workbook parts joined by "\\n=====\\n" (see Sources/pipeline-fuzz)."""
import os, re, sys, zipfile

out = sys.argv[1]
for path in sys.argv[2:]:
    try:
        z = zipfile.ZipFile(path)
        names = z.namelist()
        sheets = sorted(n for n in names if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))
        if not sheets:
            continue
        def part(name):
            return z.read(name) if name in names else b""
        # The packaged workbook has one sheet, sheet1.xml as rId1: keep the workbook's first
        # sheet entry only, pointed there.
        workbook = part("xl/workbook.xml")
        first = re.search(rb"<(\w+:)?sheet\s[^>]*?/>", workbook)
        if first:
            entry = re.sub(rb'(\w+:)?id="[^"]*"', b'r:id="rId1"', first.group(0))
            workbook = re.sub(rb"<((\w+:)?)sheets>.*?</\1sheets>",
                              lambda m: b"<" + m.group(1) + b"sheets>" + entry + b"</" + m.group(1) + b"sheets>",
                              workbook, flags=re.S)
        data = b"\n=====\n".join([z.read(sheets[0]), part("xl/sharedStrings.xml"),
                                  part("xl/styles.xml"), workbook])
        if len(data) <= 256 << 10:
            with open(os.path.join(out, "xml-" + os.path.basename(path) + ".txt"), "wb") as f:
                f.write(data)
    except Exception:
        pass
