# SIGINT and SIGTERM during a long run leave the previous reports untouched
# and no temporary file behind.
source "$(dirname "$0")/lib.sh"
"$GENZ" make-trace --requests 4000000 --seed 7 --out "$TMP/big.csv" -q
mkdir -p "$TMP/out"
for f in predictions.csv report.json; do echo "old $f" >"$TMP/out/$f"; done
for sig in INT TERM; do
  "$GENZ" --trace "$TMP/big.csv" --hw h100 --model llama2_7b --report csv,json --out "$TMP/out" -q &
  pid=$!
  # Wait until the run is writing its temporary files, then interrupt it.
  for _ in $(seq 1 200); do
    ls -A "$TMP/out" | grep -q '\.tmp-' && break
    sleep 0.05
  done
  kill -"$sig" "$pid"
  set +e
  wait "$pid"
  code=$?
  set -e
  expected=$([ "$sig" = INT ] && echo 130 || echo 143)
  [ "$code" = "$expected" ] || fail "SIG$sig: expected exit $expected, got $code"
  for f in predictions.csv report.json; do
    [ "$(cat "$TMP/out/$f")" = "old $f" ] || fail "SIG$sig changed $f"
  done
  leftovers=$(ls -A "$TMP/out" | grep -v -e '^predictions.csv$' -e '^report.json$' || true)
  [ -z "$leftovers" ] || fail "SIG$sig left files behind: $leftovers"
done
echo "interrupted runs left the old reports intact"
