#!/usr/bin/env bash
# Open a kolgraph report.html in headless Chromium (Debian's `chromium`) and check that
#   1. the page loads without console errors or failed resource loads,
#   2. every <img> has decoded (complete, naturalWidth > 0, natural size = width/height attributes),
#   3. a full-page screenshot can be taken (saved as report-screenshot.png beside the report).
#
# Usage: scripts/report-check.sh REPORT_DIR_OR_HTML [SCREENSHOT.png]
# Needs: chromium (apt-get install -y chromium), python3. No network access is used.
# Exit: 0 all checks pass, 1 a check failed, 2 usage/setup error.
set -euo pipefail

target="${1:?usage: $0 REPORT_DIR_OR_HTML [SCREENSHOT.png]}"
if [[ -d "$target" ]]; then html="$target/report.html"; else html="$target"; fi
[[ -f "$html" ]] || { echo "report-check: no such file: $html" >&2; exit 2; }
html="$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
shot="${2:-$(dirname "$html")/report-screenshot.png}"
chrome="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
[[ -n "$chrome" ]] || { echo "report-check: chromium not found (apt-get install -y chromium)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --disable-dev-shm-usage --hide-scrollbars --enable-logging=stderr --v=0
       --run-all-compositor-stages-before-draw --virtual-time-budget=10000)

# 1 + 3: load the report itself, take a screenshot, collect console output.
# Headless Chromium occasionally hangs after loading a page (seen once in ~30 CI runs, idle, the
# screenshot already written or not): every run gets a time limit and up to 3 attempts, each
# with a fresh profile, so a hang costs at most a few minutes instead of blocking the test suite.
run_chrome() { # run_chrome OUT ERR ARGS...: 0 when Chromium exited by itself within the limit
  local out=$1 err=$2 try
  shift 2
  for try in 1 2 3; do
    rm -rf "$work/profile"
    local rc=0
    timeout -k 5 60 "$chrome" "${flags[@]}" --user-data-dir="$work/profile" "$@" >"$out" 2>"$err" || rc=$?
    # 0 or Chromium's own failure (judged by the checks below); 124/137 = the time limit hit.
    [[ $rc -ne 124 && $rc -ne 137 ]] && return 0
    echo "report-check: chromium timed out (attempt $try of 3)" >&2
  done
  return 1
}
run_chrome "$work/shot.out" "$work/shot.err" --window-size=1280,6000 --screenshot="$shot" "file://$html" ||
  { echo "report-check: chromium hung 3 times taking the screenshot" >&2; exit 1; }

# 2: a copy of the report with a probe script that writes each image's state into the DOM,
# dumped after load (the report itself has no scripts).
probe="$work/probe.html"
python3 - "$html" "$probe" <<'EOF'
import sys
src, dst = sys.argv[1], sys.argv[2]
page = open(src, encoding="utf-8").read()
# Installed first in <head>: records console.error/warn calls, uncaught errors and failed
# resource loads (error events captured on window), before anything in the page runs.
early = """<script>
window.__kg = [];
['error', 'warn'].forEach(function (k) {
  var f = console[k];
  console[k] = function () {
    window.__kg.push('console.' + k + ': ' + Array.prototype.join.call(arguments, ' '));
    return f.apply(console, arguments);
  };
});
window.addEventListener('error', function (e) {
  var t = e.target && e.target !== window ? (e.target.tagName || '') + ' ' +
          String(e.target.src || e.target.href || '').slice(0, 80) : '';
  window.__kg.push('error: ' + (e.message || ('failed to load ' + t)));
}, true);
window.addEventListener('unhandledrejection', function (e) {
  window.__kg.push('unhandled rejection: ' + e.reason);
});
</script>"""
script = """<script>
window.addEventListener('load', function () {
  var out = [];
  document.querySelectorAll('img').forEach(function (im) {
    out.push([im.alt, im.complete, im.naturalWidth, im.naturalHeight,
              im.getAttribute('width'), im.getAttribute('height')].join('|'));
  });
  var pre = document.createElement('pre');
  pre.id = 'kolgraph-probe';
  pre.textContent = 'IMAGES ' + out.length + '\\n' + out.join('\\n') +
                    '\\nERRORS ' + window.__kg.length + '\\n' + window.__kg.join('\\n');
  document.body.appendChild(pre);
});
</script>"""
page = page.replace("<head>", "<head>" + early, 1).replace("</body>", script + "</body>")
open(dst, "w", encoding="utf-8").write(page)
EOF
run_chrome "$work/dom.html" "$work/dom.err" --dump-dom "file://$probe" ||
  { echo "report-check: chromium hung 3 times dumping the DOM" >&2; exit 1; }

python3 - "$work/dom.html" "$work/shot.err" "$work/dom.err" "$shot" "$html" <<'EOF'
import html as h, re, struct, sys
dom_path, shot_err, dom_err, shot, page = sys.argv[1:6]
fail = []
dom = open(dom_path, encoding="utf-8", errors="replace").read()
m = re.search(r'<pre id="kolgraph-probe">(.*?)</pre>', dom, re.S)
if not m:
    fail.append("the probe did not run (page did not load?)")
else:
    text = h.unescape(m.group(1)).strip()
    img_part, _, err_part = text.partition("\nERRORS ")
    for e in err_part.split("\n")[1:]:
        if e.strip():
            fail.append("page: " + e.strip())
    lines = img_part.split("\n")
    n = int(lines[0].split()[1])
    expected = len(re.findall(r"<img\b", open(page, encoding="utf-8").read()))
    if n != expected or n == 0:
        fail.append(f"{n} images in the DOM, {expected} in the file")
    for line in lines[1:]:
        alt, complete, nw, nh, w, hh = line.split("|")
        if complete != "true" or int(nw) == 0:
            fail.append(f"image {alt!r} did not render (complete={complete}, naturalWidth={nw})")
        elif (w and int(w) != int(nw)) or (hh and int(hh) != int(nh)):
            fail.append(f"image {alt!r} is {nw}x{nh}, the page says {w}x{hh}")
        else:
            print(f"ok  image {alt!r} {nw}x{nh}")
errors = []
for p in (shot_err, dom_err):
    for line in open(p, encoding="utf-8", errors="replace"):
        if ("CONSOLE" in line and ("error" in line.lower() or "Uncaught" in line)) \
           or "Failed to load resource" in line or "net::ERR_" in line:
            errors.append(line.strip())
for e in errors:
    fail.append("console: " + e)
try:
    with open(shot, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        fail.append("screenshot is not a PNG")
    else:
        w, hgt = struct.unpack(">II", head[16:24])
        print(f"ok  screenshot {shot} ({w}x{hgt})")
except OSError:
    fail.append(f"no screenshot written at {shot}")
if fail:
    for f in fail:
        print("FAIL " + f)
    sys.exit(1)
print("report-check: all checks passed")
EOF
