#!/usr/bin/env bash
# Run by `make test`: exercises scripts/build-pages.sh (what .github/workflows/pages.yml publishes) on a small run.
# wsconform runs cases 1.* in both modes from a temporary folder with its default reports folder (so it must land in
# ./artifacts/reports there, and the checkout's git status must not change), build-pages.sh turns the reports (plus
# a bench page) into a site, and check-pages.py checks that every page carries the stamp and every local link
# resolves. The checker is then shown a broken copy (a page unstamped, a linked file gone) and must fail.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
config=${CONFIG:-Release}
ws_dll="$here/autobahn/Autobahn.Runner/bin/$config/net10.0/wsconform.dll"
fail() { echo "check-pages: FAILED: $*" >&2; exit 1; }
[ -f "$ws_dll" ] || fail "$ws_dll is not built (make build)"
work=$(mktemp -d "${TMPDIR:-/tmp}/check-pages.XXXXXX")
trap 'rm -rf "$work"' EXIT
status_before=$(git -C "$here" status --porcelain)

# Bad arguments are refused (exit 2) before anything is written.
set +e
"$here/scripts/build-pages.sh" >/dev/null 2>&1; [ $? -eq 2 ] || fail "build-pages.sh without OUTDIR did not exit 2"
"$here/scripts/build-pages.sh" "$work/x" "$work" >/dev/null 2>&1; [ $? -eq 2 ] || fail "build-pages.sh accepted a folder without reports"
set -e

(cd "$work" && dotnet "$ws_dll" server --cases '1.*' >"$work/server.log" 2>&1) || { tail -20 "$work/server.log"; fail "wsconform server"; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$work" && dotnet "$ws_dll" client --client websocketkit --port "$port" --cases '1.*' >"$work/client.log" 2>&1) || { tail -20 "$work/client.log"; fail "wsconform client"; }
reports="$work/artifacts/reports"
for f in index.html servers/index.json clients/index.json; do
  [ -f "$reports/$f" ] || fail "wsconform's default reports folder (./artifacts/reports) has no $f"
done
printf '<!DOCTYPE html><html><head><title>bench</title></head><body><p>bench</p></body></html>\n' > "$reports/bench.html"

"$here/scripts/build-pages.sh" "$work/site" "$reports" 2>"$work/build.log" || { cat "$work/build.log"; fail "build-pages.sh"; }
commit=$(git -C "$here" rev-parse HEAD)
version=$(dotnet "$ws_dll" --version | cut -d+ -f1)
required=(conformance.html servers/index.html clients/index.html bench.html summary.json)
python3 "$here/scripts/check-pages.py" "$work/site" "$commit" "$version" "${required[@]}"
grep -q '"cases": 16' "$work/site/summary.json" || fail "summary.json does not count the 16 cases of chapter 1"

# The checker must see breakage: a page without its stamp, a linked page gone, a wrong commit.
cp -R "$work/site" "$work/broken"
page=$(find "$work/broken/servers" -name '*.html' ! -name index.html | head -1)
sed -i 's|<!-- wsconform:stamp -->.*<!-- /wsconform:stamp -->||' "$page"
rm "$work/broken/bench.html"
if python3 "$here/scripts/check-pages.py" "$work/broken" "$commit" "$version" "${required[@]}" >"$work/broken.log"; then
  fail "check-pages.py passed a site with an unstamped page and a dangling link"
fi
grep -q "0 stamps" "$work/broken.log" && grep -q "bench.html resolves to nothing" "$work/broken.log" \
  || { cat "$work/broken.log"; fail "check-pages.py did not name both problems"; }
python3 "$here/scripts/check-pages.py" "$work/site" 0000000 "$version" >/dev/null && fail "check-pages.py accepted a wrong commit"

[ "$(git -C "$here" status --porcelain)" = "$status_before" ] || fail "the runs changed the checkout's git status"
echo "check-pages: passed"
