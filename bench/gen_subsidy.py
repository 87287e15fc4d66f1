"""Generate a benchmark workbook shaped like the 补助发放 (subsidy payments) table.

Usage: gen_subsidy.py ROWS OUT.xlsx

One sheet `补助发放`, a header row and ROWS data rows x 8 columns, written by XlsxWriter in
its default mode (shared strings). About 5,000 students; each row is one student-month.
Deterministic: a fixed seed gives byte-identical cell contents on every run.
"""

import datetime
import random
import sys

import xlsxwriter

HEADER = ["学号", "姓名", "培养层次", "发放月份",
          "应发金额(元)", "实发金额(元)", "发放日期", "备注"]
STUDENTS = 5000
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋"
    "蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段"
    "雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建红晶宇浩凯欣然思雨"
    "佳琪子涵梓轩一诺博文昊天嘉怡晨曦雪梅志远海峰慧颖俊杰")
NOTES = ["补发上月", "扣除住宿费", "休学停发", "银行卡变更", "延期毕业", "按比例发放"]


def students(rng):
    """Return STUDENTS distinct (学号, 姓名, 培养层次) tuples; 学号 is a 10-digit text code."""
    ids = set()
    while len(ids) < STUDENTS:
        year = rng.choice((2019, 2020, 2021, 2022, 2023))
        college, klass, seq = rng.randint(1, 30), rng.randint(1, 40), rng.randint(1, 99)
        ids.add(f"{year}{college:02d}{klass:02d}{seq:02d}")  # e.g. 2022120307
    out = []
    for sid in sorted(ids):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        out.append((sid, name, "博士" if rng.random() < 0.3 else "硕士"))
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_subsidy.py ROWS OUT.xlsx")
    rows, path = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(20240601)
    people = students(rng)

    wb = xlsxwriter.Workbook(path)  # default mode: strings go to the shared-string table
    ws = wb.add_worksheet("补助发放")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, HEADER)

    for i in range(rows):
        month_index, student = divmod(i, STUDENTS)
        sid, name, level = people[student]
        year, month = divmod(2020 * 12 + 6 + month_index, 12)  # starts 2020-07
        month += 1
        due = (3500 if level == "博士" else 1000) + rng.choice((0, 0, 0, 500, 500.5, 250))
        paid = due if rng.random() < 0.9 else round(due - rng.choice((100, 250.5, 300)), 2)
        r = i + 1
        ws.write_string(r, 0, sid)
        ws.write_string(r, 1, name)
        ws.write_string(r, 2, level)
        ws.write_string(r, 3, f"{year}-{month:02d}")
        ws.write_number(r, 4, due)
        ws.write_number(r, 5, paid)
        ws.write_datetime(r, 6, datetime.datetime(year, month, rng.randint(5, 25)), date_fmt)
        if rng.random() < 0.05:
            ws.write_string(r, 7, rng.choice(NOTES))
    wb.close()


if __name__ == "__main__":
    main()
