#!/usr/bin/env bash
# Benchmarks the mapping stage on one core: a CP932 CSV in the Setagaya linkage-sheet layout with
# ROWS people (default 50,000), through `renkei map` (read, transform, build each record's Bundle,
# validate it against R4 and the Renkei profiles, print it). Start-up is measured on a one-row file
# and subtracted. Prints rows/s for mapping with validation, and the peak RSS of both runs.
# Usage: bench/run_mapping.sh [ROWS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rows=${1:-50000}
cmake -S "$here" -B "$here/build-bench" -DCMAKE_BUILD_TYPE=Release -DRENKEI_BUILD_TESTS=OFF >/dev/null
cmake --build "$here/build-bench" --target renkei -j"$(nproc)" >/dev/null
renkei=$here/build-bench/gateway/renkei
work=$(mktemp -d /var/tmp/renkei-mapping-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 - "$work" "$rows" <<'PY'
import sys
work, rows = sys.argv[1], int(sys.argv[2])
cols = ["記入日","居宅介護支援事業所","事業所電話","担当ケアマネジャー","保険者番号","被保険者番号","氏名(姓)","氏名(名)",
        "フリガナ(姓)","フリガナ(名)","性別","生年月日","郵便番号","住所","電話番号","要介護度","認定有効期間(開始)",
        "認定有効期間(終了)","かかりつけ医療機関","かかりつけ医","医療機関電話"]
levels = ["要支援1","要支援2","要介護1","要介護2","要介護3","要介護4","要介護5"]
def row(n):
    return ["R6.11.22", "せたがや居宅介護支援センター", "03-1234-5678", "佐藤 花子", "131128", "%010d" % n,
            "連携", "太郎%d" % (n % 97), "ﾚﾝｹｲ", "ﾀﾛｳ", "男" if n % 2 else "女", "S%02d.%02d.%02d" % (10 + n % 50, 1 + n % 12, 1 + n % 28),
            "154-0001", "東京都世田谷区池尻%d-%d-%d" % (n % 5 + 1, n % 20 + 1, n % 30 + 1), "03-5432-%04d" % (n % 10000),
            levels[n % len(levels)], "R6.04.01", "R7.03.31", "池尻内科クリニック", "鈴木 一郎", "03-3333-4444"]
for name, count in (("one.csv", 1), ("rows.csv", rows)):
    with open(f"{work}/{name}", "wb") as f:
        f.write((",".join(cols) + "\r\n").encode("cp932"))
        for n in range(count):
            f.write((",".join(row(n)) + "\r\n").encode("cp932"))
PY
measure() {  # FILE → "seconds maxrss_kb"
  /usr/bin/time -f "%e %M" "$renkei" map --mapping setagaya-renkei-sheet "$1" 2>&1 >/dev/null | tail -1
}
read -r t1 rss1 < <(measure "$work/one.csv")
read -r tn rssn < <(measure "$work/rows.csv")
size=$(stat -c %s "$work/rows.csv")
python3 - "$rows" "$t1" "$tn" "$rss1" "$rssn" "$size" <<'PY'
import sys
rows, t1, tn, rss1, rssn, size = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
print(f"# {rows} rows ({size/1e6:.1f} MB CP932), setagaya-renkei-sheet, one core")
print(f"start-up (1 row): {t1:.2f} s, peak RSS {rss1/1024:.0f} MB")
print(f"{rows} rows: {tn:.2f} s, peak RSS {rssn/1024:.0f} MB")
print(f"mapping + validation: {rows/(tn-t1):,.0f} rows/s (start-up subtracted)")
PY
"$here/bench/fsync_rate.sh"
