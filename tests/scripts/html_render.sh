# Renders the HTML report in headless Chromium, as a person would see it:
# the charts must be drawn and the page must log no error.
source "$(dirname "$0")/lib.sh"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || skip "chromium is not installed (apt-get install chromium); the HTML report was not rendered"
trace="$SRC/examples/chat-trace.csv"
measured=0
if [ -f "$DATA/rtx3090-llama2-7b/tp1/chat.csv" ]; then
  trace="$DATA/rtx3090-llama2-7b/tp1/chat.csv"
  measured=1
fi
"$GENZ" --trace "$trace" --hw rtx3090 --engine hf --tp 1 --report html --out "$TMP/report" -q 2>/dev/null
html="$TMP/report/report.html"
test -s "$html" || fail "no report.html"
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --hide-scrollbars "--user-data-dir=$TMP/profile")
timeout 120 "$CHROMIUM" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$html" \
  >"$TMP/dom.html" 2>"$TMP/chromium.log" || fail "chromium failed: $(tail -5 "$TMP/chromium.log")"
if grep -E 'CONSOLE|Uncaught' "$TMP/chromium.log"; then fail "the page logged errors"; fi
count() { grep -o -- "$1" "$TMP/dom.html" | wc -l; }
charts=$(count '<svg class="chart"')
expected=$((measured == 1 ? 12 : 6))
[ "$charts" -ge "$expected" ] || fail "expected at least $expected charts in the rendered page, found $charts"
[ "$(count '<circle ')" -ge 32 ] || fail "the charts have no data points"
[ "$(count '<path class="series"')" -ge 3 ] || fail "the charts have no lines"
[ "$(count 'class="tick"')" -ge 50 ] || fail "the charts have no axis ticks"
[ "$(count 'class="legend"')" -ge 6 ] || fail "the charts have no legends"
timeout 120 "$CHROMIUM" "${flags[@]}" --window-size=1000,2600 "--screenshot=$BUILD/tests/report-screenshot.png" \
  "file://$html" >/dev/null 2>&1 || fail "no screenshot"
size=$(stat -c %s "$BUILD/tests/report-screenshot.png")
[ "$size" -gt 60000 ] || fail "the screenshot is nearly empty ($size bytes)"
echo "rendered $charts charts; screenshot $BUILD/tests/report-screenshot.png ($size bytes)"

# The serving simulation's report: its time series and latency CDFs.
"$GENZ" simulate --model llama3_8b --hw h100 --engine vllm --rate 15 --requests 1500 --lengths chat --report html \
  --out "$TMP/serving" -q >/dev/null 2>&1 || fail "genz simulate failed"
timeout 120 "$CHROMIUM" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$TMP/serving/report.html" \
  >"$TMP/dom.html" 2>"$TMP/chromium.log" || fail "chromium failed on the serving report: $(tail -5 "$TMP/chromium.log")"
if grep -E 'CONSOLE|Uncaught' "$TMP/chromium.log"; then fail "the serving page logged errors"; fi
[ "$(count '<svg class="chart"')" -ge 7 ] || fail "expected 7 charts in the serving report, found $(count '<svg class="chart"')"
[ "$(count '<path class="series"')" -ge 7 ] || fail "the serving charts have no lines"
grep -q "Serving summary" "$TMP/dom.html" || fail "the serving report has no summary table"
timeout 120 "$CHROMIUM" "${flags[@]}" --window-size=1000,2600 "--screenshot=$BUILD/tests/serving-screenshot.png" \
  "file://$TMP/serving/report.html" >/dev/null 2>&1 || fail "no screenshot of the serving report"
echo "serving report rendered; screenshot $BUILD/tests/serving-screenshot.png"

# genz plan's page: the Pareto chart with its points, front and chosen mark.
"$GENZ" plan --model llama3_70b --hw h100,h200 --rate 12 --lengths chat --requests 600 --slo-ttft 1500 \
  --slo-tpot 60 --gpus 16 --top 1 --out "$TMP/plan" -q >/dev/null 2>&1 || fail "genz plan failed"
timeout 120 "$CHROMIUM" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$TMP/plan/plan.html" \
  >"$TMP/dom.html" 2>"$TMP/chromium.log" || fail "chromium failed on the plan page: $(tail -5 "$TMP/chromium.log")"
if grep -E 'CONSOLE|Uncaught' "$TMP/chromium.log"; then fail "the plan page logged errors"; fi
[ "$(count '<circle ')" -ge 100 ] || fail "the Pareto chart has fewer than 100 candidates drawn"
[ "$(count '<polyline')" -ge 1 ] || fail "the Pareto chart has no front"
grep -q "chosen:" "$TMP/dom.html" || fail "the plan page marks no chosen deployment"
timeout 120 "$CHROMIUM" "${flags[@]}" --window-size=1000,1800 "--screenshot=$BUILD/tests/plan-screenshot.png" \
  "file://$TMP/plan/plan.html" >/dev/null 2>&1 || fail "no screenshot of the plan page"
echo "plan page rendered; screenshot $BUILD/tests/plan-screenshot.png"
