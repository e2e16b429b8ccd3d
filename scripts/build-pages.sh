#!/usr/bin/env bash
# Builds the GitHub Pages site of the conformance reports (.github/workflows/pages.yml runs it):
#   scripts/build-pages.sh OUTDIR [REPORTS_DIR]
# REPORTS_DIR: a reports folder already written (servers/, clients/, index.html, and bench.html when `make bench`
# ran) is published as it is; without it the whole suite runs first (`make autobahn` into a temporary folder).
# Every HTML page gets a stamp (commit, wsconform version, date, between <!-- wsconform:stamp --> markers);
# OUTDIR/index.html links the page with both modes (conformance.html), each mode's suite index, the bench page and
# summary.json (`wsconform summary`). Exit: 0 when the site is built (the suite's own verdict is shown on the index
# page, and returned by `make autobahn` itself), 2 on bad arguments or when something needed is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
usage() { echo "usage: scripts/build-pages.sh OUTDIR [REPORTS_DIR]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
out=$1
reports=${2:-}
[ -n "$out" ] || usage
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
  echo "build-pages: $out exists and is not empty; give a new or empty folder" >&2; exit 2
fi
config=${CONFIG:-Release}
ws_dll="$here/autobahn/Autobahn.Runner/bin/$config/net10.0/wsconform.dll"
[ -f "$ws_dll" ] || { echo "build-pages: $ws_dll is not built; run make build first" >&2; exit 2; }

commit=${PAGES_COMMIT:-$(git -C "$here" rev-parse HEAD)}
version=$(dotnet "$ws_dll" --version | cut -d+ -f1)
date=${PAGES_DATE:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}

suite_status=""
if [ -z "$reports" ]; then
  reports=$(mktemp -d "${TMPDIR:-/tmp}/pages-reports.XXXXXX")
  trap 'rm -rf "$reports"' EXIT
  echo "build-pages: running the suite into $reports" >&2
  set +e
  make -C "$here" --no-print-directory autobahn REPORTS="$reports" >&2
  suite_status=$?
  set -e
  [ "$suite_status" -le 1 ] || { echo "build-pages: make autobahn could not run (exit $suite_status)" >&2; exit 2; }
elif [ ! -f "$reports/servers/index.json" ] && [ ! -f "$reports/clients/index.json" ]; then
  echo "build-pages: $reports holds no servers/index.json or clients/index.json: not a reports folder" >&2; exit 2
fi

mkdir -p "$out"
cp -R "$reports"/. "$out"/
[ ! -f "$out/index.html" ] || mv "$out/index.html" "$out/conformance.html"
dotnet "$ws_dll" summary --reports "$out" --out "$out/summary.json" --commit "$commit" >&2

python3 - "$out" "$commit" "$version" "$date" "$suite_status" "${GITHUB_SERVER_URL:-}" "${GITHUB_REPOSITORY:-}" <<'EOF'
import html, json, os, re, sys
out, commit, version, date, status, server, repo = sys.argv[1:8]
esc = html.escape

def stamp_html():
    sha = esc(commit)
    if server and repo:
        sha = f'<a href="{esc(server)}/{esc(repo)}/commit/{esc(commit)}">{sha}</a>'
    return ('<!-- wsconform:stamp --><div class="wsconform-stamp" style="font:12px sans-serif;color:#555;'
            'border-top:1px solid #ccc;margin-top:2em;padding:.5em 0">'
            f'commit <code>{sha}</code> · wsconform {esc(version)} · {esc(date)}</div><!-- /wsconform:stamp -->')

summary = json.load(open(os.path.join(out, "summary.json")))
rows = []
for m in summary["modes"]:
    b, c = m["counts"]["behavior"], m["counts"]["close"]
    not_ok = m["counts"]["cases"] - b.get("OK", 0)
    rows.append(f'<tr><td>{esc(m["mode"])}</td><td>{esc(m["agent"])}</td><td>{m["counts"]["cases"]}</td>'
                f'<td>{b.get("OK", 0)}</td><td>{b.get("NON-STRICT", 0)}</td><td>{b.get("INFORMATIONAL", 0)}</td>'
                f'<td>{b.get("UNIMPLEMENTED", 0)}</td><td>{b.get("FAILED", 0)}</td><td>{c.get("OK", 0)}</td></tr>')
# WebSocket over HTTP/2 (wsconform rfc8441), when the reports hold it: one verdict per case, so no close column.
for r in summary.get("rfc8441", []):
    b = r["counts"]["behavior"]
    rows.append(f'<tr><td>rfc8441</td><td>{esc(r["agent"])}</td><td>{r["counts"]["cases"]}</td>'
                f'<td>{b.get("OK", 0)}</td><td>{b.get("NON-STRICT", 0)}</td><td>{b.get("INFORMATIONAL", 0)}</td>'
                f'<td>{b.get("UNIMPLEMENTED", 0)}</td><td>{b.get("FAILED", 0)}</td><td>—</td></tr>')
links = [("conformance.html", "Both modes side by side: chapter tables, every non-OK case explained, 9.x timings"),
         ("servers/index.html", "Server mode: the suite's report (our echo server)"),
         ("clients/index.html", "Client mode: the suite's report (our client)"),
         ("rfc8441/index.html", "WebSocket over HTTP/2 (RFC 8441): the chapter's report"),
         ("bench.html", "Benchmarks: WebSocketKit against System.Net.WebSockets and real peers"),
         ("bench-servers.html", "Server against server: one fixed client drives each server in turn, and the servers' memory"),
         ("summary.json", "summary.json: the counts above, as kept in git (reports/summary.json)")]
items = "".join(f'<li><a href="{href}">{esc(text)}</a></li>' for href, text in links if os.path.exists(os.path.join(out, href)))
verdict = {"": "", "0": "<p>make autobahn: passed (exit 0).</p>", "1": "<p>make autobahn: <b>FAILED</b> (exit 1): see the failing cases below.</p>"}.get(status, "")
page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>WebSocketKit conformance reports</title>
<style>body{{font:15px/1.5 sans-serif;max-width:60em;margin:2em auto;padding:0 1em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.2em .6em;text-align:right}}td:nth-child(-n+2),th:nth-child(-n+2){{text-align:left}}</style></head>
<body><h1>WebSocketKit conformance reports</h1>
<p>The Autobahn TestSuite's cases run by wsconform against our echo server (server mode) and our client (client mode).</p>
{verdict}
<table><tr><th>mode</th><th>agent</th><th>cases</th><th>OK</th><th>NON-STRICT</th><th>INFORMATIONAL</th><th>UNIMPLEMENTED</th><th>FAILED</th><th>close OK</th></tr>
{"".join(rows)}</table>
<ul>{items}</ul>
</body></html>
"""
open(os.path.join(out, "index.html"), "w").write(page)

marker = re.compile(r"<!-- wsconform:stamp -->.*?<!-- /wsconform:stamp -->", re.S)
body_end = re.compile(r"</body\s*>", re.I)
pages = 0
for root, _, files in os.walk(out):
    for name in files:
        if not name.endswith(".html"):
            continue
        path = os.path.join(root, name)
        text = marker.sub("", open(path, encoding="utf-8", errors="surrogateescape").read())
        ends = list(body_end.finditer(text))
        text = text[:ends[-1].start()] + stamp_html() + text[ends[-1].start():] if ends else text + stamp_html() + "\n"
        open(path, "w", encoding="utf-8", errors="surrogateescape").write(text)
        pages += 1
print(f"build-pages: {pages} pages stamped (commit {commit}, wsconform {version}, {date}) in {out}", file=sys.stderr)
EOF
