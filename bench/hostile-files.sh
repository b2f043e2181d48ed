#!/usr/bin/env bash
# Hostile files against a running `onward serve` (issue 13, items 1-3): prints,
# for each case, the HTTP status and time of the upload and of the preview, the
# size of the preview page, whether /healthz answered meanwhile, and the
# server's peak resident memory (VmHWM) after the case.
#
#   cargo build --release --workspace --bin onward
#   ONWARD_BIN=$CARGO_TARGET_DIR/release/onward bench/hostile-files.sh
#
# Each case starts a fresh server on a fresh SQLite database, so every peak
# is that case's own.
set -euo pipefail
BIN=${ONWARD_BIN:?set ONWARD_BIN to the onward binary}
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT=${PORT:-18481}
SERVER=

python3 - "$WORK" <<'PY'
import sys, zipfile
work = sys.argv[1]
def xlsx(path, cells, dimension):
    rows = {}
    for ref, text in cells:
        row = int(''.join(c for c in ref if c.isdigit()))
        rows.setdefault(row, []).append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    data = ''.join(f'<row r="{r}">{"".join(c)}</row>' for r, c in sorted(rows.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ''
    parts = {
        '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        '_rels/.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        'xl/workbook.xml': '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        'xl/_rels/workbook.xml.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        'xl/worksheets/sheet1.xml': f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}<sheetData>{data}</sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
header = [('A1', 'ULN'), ('B1', 'Forename'), ('C1', 'Surname')]
xlsx(f'{work}/bomb.xlsx', [('A1', 'ULN'), ('XFD1048576', 'x')], 'A1:XFD1048576')
xlsx(f'{work}/bomb-undeclared.xlsx', header + [('XFD1048576', 'x')], None)
xlsx(f'{work}/stall.xlsx', header + [('XFD3000', 'x')], None)
with open(f'{work}/wide.csv', 'w') as f:
    f.write(','.join(f'c{n}' for n in range(200_000)) + '\n1,2\n')
with open(f'{work}/big.csv', 'w') as f:
    f.write('Learner Ref,Forename,Surname,Notes\n')
    notes = 'n' * 900
    n = 0
    while f.tell() < 99 * 1024 * 1024:
        f.write(f'L{n},Lee,Row{n},{notes}\n')
        n += 1
PY

start_server() {
    rm -f "$WORK"/onward.db*
    export ONWARD_DATABASE_URL="sqlite://$WORK/onward.db?mode=rwc"
    "$BIN" org add bench --name Bench --kind college >/dev/null
    echo 'bench-password-1' | "$BIN" user add --org bench --email admin@bench.example --name Admin --role admin --password-stdin >/dev/null
    "$BIN" serve --bind 127.0.0.1:$PORT >"$WORK/serve.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
    JAR="$WORK/cookies"
    rm -f "$JAR"
    local csrf
    csrf=$(curl -s -c "$JAR" -b "$JAR" "http://127.0.0.1:$PORT/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
    curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "csrf=$csrf" \
        --data-urlencode 'email=admin@bench.example' --data-urlencode 'password=bench-password-1' "http://127.0.0.1:$PORT/login"
}

stop_server() {
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
}

peak_mb() { awk '/VmHWM/ {printf "%d", $2/1024}' "/proc/$SERVER/status" 2>/dev/null || echo "gone"; }

case_file() {
    local file=$1
    start_server
    local base csrf out upload_time location preview
    base=$(peak_mb)
    csrf=$(curl -s -b "$JAR" -c "$JAR" "http://127.0.0.1:$PORT/imports" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
    out=$(curl -s -o /dev/null -b "$JAR" -c "$JAR" -w '%{http_code} %{time_total} %{redirect_url}' \
        -F "csrf=$csrf" -F "file=@$WORK/$file" "http://127.0.0.1:$PORT/imports" || echo "000 - -")
    read -r upload_status upload_time location <<<"$out"
    local upload_peak
    upload_peak=$(peak_mb)
    local preview_status="-" preview_time="-" preview_bytes="-" health="-"
    if [ -n "${location:-}" ] && [ "$location" != "-" ]; then
        (sleep 0.5; curl -s -o /dev/null -m 5 -w '%{http_code} in %{time_total} s' "http://127.0.0.1:$PORT/healthz" >"$WORK/health" || echo "no answer in 5 s" >"$WORK/health") &
        local probe=$!
        preview=$(curl -s -o "$WORK/preview.html" -b "$JAR" -w '%{http_code} %{time_total}' -m 120 "$location" || echo "000 -")
        read -r preview_status preview_time <<<"$preview"
        preview_bytes=$(stat -c %s "$WORK/preview.html" 2>/dev/null || echo 0)
        wait $probe || true
        health=$(cat "$WORK/health")
    fi
    local alive=yes
    kill -0 "$SERVER" 2>/dev/null || alive="no (crashed)"
    printf '%-22s %8s B | upload %s in %ss, peak %s MB | preview %s in %ss, %s B, peak %s MB | /healthz during preview: %s | server alive: %s (base %s MB)\n' \
        "$file" "$(stat -c %s "$WORK/$file")" "$upload_status" "$upload_time" "$upload_peak" \
        "$preview_status" "$preview_time" "$preview_bytes" "$(peak_mb)" "$health" "$alive" "$base"
    grep -o 'cannot be imported: [^<]*' "$WORK/preview.html" 2>/dev/null | head -1 | sed 's/^/    /' || true
    stop_server
}

for file in ${CASES:-bomb.xlsx bomb-undeclared.xlsx stall.xlsx wide.csv big.csv}; do
    case_file "$file"
done
