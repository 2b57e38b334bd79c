#!/usr/bin/env python3
"""Writes a valid ケアプランデータ連携 第6表（予定）UPPLAN file (CSV v4.1, CSVバージョン 202407) of
about the size asked for, for benchmarks of the careplan-plan mapping.

    gen_careplan_plan.py OUTPUT SIZE_MB [SEED]

OUTPUT is a file path, or an existing folder: the file is then named as the standard names it,
UPPLAN_<対象年月>_<sender 10>_43_<receiver 10>_<receiver type 2>_<YYYYMMDDHHMMSS>.CSV, and its path
is printed. The file is CP932 with CRLF line ends and no header row (25 columns). It holds many
people of one 居宅介護支援 office for one month (November 2024, 30 days), each with 20-40 rows
grouped together: 訪問介護 visits with times, 通所介護 days with an add-on at the same times,
訪問看護, and 福祉用具貸与 rentals without time (9999) with a TAIS or 届出 code. Free text is
quoted only where CSV needs it; some names hold CP932-only characters (～ ① 髙 and half-width
kana). The same SEED gives the same content. Standard library only.
"""
import calendar
import datetime
import os
import random
import sys

VERSION = "202407"
YEAR, MONTH = 2024, 11
MONTH_TEXT = f"{YEAR}{MONTH:02d}"

# 東京都 23区 (団体コード 13101-13123); the 介護保険 保険者番号 check digit is computed below.
WARDS = list(range(13101, 13124))

FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田",
          "佐々木", "山口", "松本", "井上", "木村", "林", "斎藤", "清水", "髙橋", "渡邊"]
GIVEN = ["花子", "一郎", "美代子", "正男", "和子", "誠", "恵子", "博", "洋子", "進", "幸子", "茂"]

HOUMON_NAMES = ["ヘルパーステーションさくら", "訪問介護ｽﾃｰｼｮﾝ ﾋﾏﾜﾘ", "ケアサービス\"あおぞら\"", "在宅介護センター①号館",
                "ホームヘルプ世田谷～用賀"]
TSUSHO_NAMES = ["デイサービスあおば", "ﾃﾞｲｻｰﾋﾞｽ ｺｽﾓｽ", "リハビリデイ、けやき", "通所介護センター髙井戸"]
KANGO_NAMES = ["訪問看護ステーションみどり", "ﾅｰｽｽﾃｰｼｮﾝ ｱｲ"]
FUKUSHI_NAMES = ["ふくしレンタル世田谷", "ﾌｸｼﾖｳｸﾞ ｾﾝﾀｰ", "介護用品のやまびこ"]
PRODUCTS = [("171001", "800", "車いす　ネクストコア"), ("171004", "150", "歩行器 \"ｱﾙｸｰﾉ\", ｺﾝﾊﾟｸﾄ"),
            ("171007", "300", "手すり（据置型）～玄関用①"), ("171006", "1000", "特殊寝台　楽匠Ｚ"),
            ("171002", "250", "車いす付属品 クッション")]

# 訪問介護: (service code, units, minutes); 通所介護: base codes with units; add-on 入浴介助加算(I).
HOUMON_CODES = [("111111", "244", 30), ("111211", "387", 60), ("112111", "179", 45), ("111311", "567", 90)]
TSUSHO_CODES = [("151111", "370", 180), ("151121", "423", 300), ("151131", "479", 420)]
TSUSHO_BATH = ("155051", "40")
KANGO_CODES = [("131111", "471", 30), ("131211", "821", 60)]


def insurer_number(ward):
    """保険者番号: the 5 digits and a check digit (weights 2,1,2,1,2 from the right, digit sums, mod 10)."""
    digits = [int(c) for c in str(ward)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        p = d * (2 if i % 2 == 0 else 1)
        total += p // 10 + p % 10
    return f"{ward}{(10 - total % 10) % 10}"


def office_number(rng):
    return "13" + "7" + "".join(rng.choice("0123456789") for _ in range(7))


def field(value):
    value = str(value)
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def hhmm(minutes):
    return f"{minutes // 60:02d}{minutes % 60:02d}"


class Offices:
    def __init__(self, rng):
        self.kyotaku = office_number(rng)
        self.houmon = [(office_number(rng), n) for n in HOUMON_NAMES]
        self.tsusho = [(office_number(rng), n) for n in TSUSHO_NAMES]
        self.kango = [(office_number(rng), n) for n in KANGO_NAMES]
        self.fukushi = [(office_number(rng), n) for n in FUKUSHI_NAMES]


def person_rows(rng, offices, insurer, insured, care_manager):
    """20-40 rows of one person, each distinct (date, code, time)."""
    created = (datetime.date(YEAR, MONTH, 1) - datetime.timedelta(days=rng.randint(3, 10))).strftime("%Y%m%d")
    days_in_month = calendar.monthrange(YEAR, MONTH)[1]
    target = rng.randint(20, 40)
    lines = []

    def row(units, day, start, end, code, office, *, count="1", tais="", notified="", product="", detail="",
            satellite="", per_day=""):
        lines.append([VERSION, insurer, insured, created, MONTH_TEXT, offices.kyotaku, care_manager, units, "",
                      f"{YEAR}{MONTH:02d}{day:02d}", per_day, start, end, count, code, tais, notified, product,
                      detail, office[0], office[1], satellite, "0", offices.kyotaku, ""])

    # 福祉用具貸与 (no time: 9999), for about half of the people; 明細判別コード when an item repeats.
    if rng.random() < 0.5:
        office = rng.choice(offices.fukushi)
        for n, (code, units, name) in enumerate(rng.sample(PRODUCTS, rng.randint(1, 2))):
            with_tais = rng.random() < 0.8
            code_value = f"{rng.randint(1, 999):05d}-{rng.randint(1, 999999):06d}"
            start_day = rng.choice([1, 1, 1, rng.randint(2, days_in_month)])
            per_day = "" if start_day == 1 else "0" * (start_day - 1) + "1" * (days_in_month - start_day + 1) + "0" * (31 - days_in_month)
            row(units, start_day, "9999", "9999", code, office, tais=code_value if with_tais else "",
                notified="" if with_tais else code_value, product=name, detail="", per_day=per_day)
    weekly = []
    kind = rng.random()
    if kind < 0.45:  # 訪問介護 several mornings or evenings a week
        office = rng.choice(offices.houmon)
        code, units, minutes = rng.choice(HOUMON_CODES)
        start = rng.choice([8 * 60, 9 * 60, 10 * 60, 17 * 60 + 30])
        weekly.append(("houmon", office, code, units, start, start + minutes, rng.sample(range(7), rng.randint(3, 7))))
    if kind > 0.3:  # 通所介護 two or three days a week with 入浴介助加算
        office = rng.choice(offices.tsusho)
        code, units, minutes = rng.choice(TSUSHO_CODES)
        weekly.append(("tsusho", office, code, units, 9 * 60 + 30, 9 * 60 + 30 + minutes, rng.sample(range(5), rng.randint(2, 3))))
    if rng.random() < 0.3:  # 訪問看護 once a week
        office = rng.choice(offices.kango)
        code, units, minutes = rng.choice(KANGO_CODES)
        weekly.append(("kango", office, code, units, 14 * 60, 14 * 60 + minutes, [rng.randint(0, 4)]))
    if not weekly:
        office = rng.choice(offices.houmon)
        weekly.append(("houmon", office, "111111", "244", 9 * 60, 9 * 60 + 30, [0, 2, 4]))
    for day in range(1, days_in_month + 1):
        weekday = datetime.date(YEAR, MONTH, day).weekday()
        for what, office, code, units, start, end, weekdays in weekly:
            if len(lines) >= target or weekday not in weekdays:
                continue
            satellite = "01" if office[1].endswith("号館") else ""
            row(units, day, hhmm(start), hhmm(end), code, office, satellite=satellite)
            if what == "tsusho" and len(lines) < target:
                row(TSUSHO_BATH[1], day, hhmm(start), hhmm(end), TSUSHO_BATH[0], office)
    # Top up to the target with evening visits on days not used yet (distinct rows).
    office = rng.choice(offices.houmon)
    day = 1
    while len(lines) < target and day <= days_in_month:
        row("244", day, "1800", "1830", "111111", office)
        day += 1
    return lines


def main(argv):
    if len(argv) < 3 or len(argv) > 4:
        sys.stderr.write(__doc__)
        return 2
    output, size_mb = argv[1], float(argv[2])
    seed = int(argv[3]) if len(argv) == 4 else 1
    rng = random.Random(seed)
    offices = Offices(rng)
    if os.path.isdir(output):
        receiver = offices.houmon[0][0]
        now = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
        output = os.path.join(output, f"UPPLAN_{MONTH_TEXT}_{offices.kyotaku}_43_{receiver}_11_{now}.CSV")
    target = int(size_mb * 1024 * 1024)
    written = 0
    people = 0
    used = set()
    with open(output, "wb") as out:
        while written < target:
            ward = rng.choice(WARDS)
            insurer = insurer_number(ward)
            insured = ("H" + f"{rng.randint(0, 999999999):09d}") if rng.random() < 0.03 else f"{rng.randint(1, 9999999999):010d}"
            if (insurer, insured) in used:
                continue
            used.add((insurer, insured))
            care_manager = rng.choice(FAMILY) + "\u3000" + rng.choice(GIVEN)
            text = "".join(",".join(field(v) for v in line) + "\r\n"
                           for line in person_rows(rng, offices, insurer, insured, care_manager))
            data = text.encode("cp932")
            out.write(data)
            written += len(data)
            people += 1
    print(output)
    sys.stderr.write(f"{written} bytes, {people} people\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
