# SIGINT, SIGTERM and SIGHUP (the terminal closed) during a long run leave the
# previous reports untouched and no temporary file behind; the temporaries a
# SIGKILLed run leaves are removed by the next run into the same directory.
source "$(dirname "$0")/lib.sh"
"$GENZ" make-trace --requests 4000000 --seed 7 --out "$TMP/big.csv" -q
mkdir -p "$TMP/out"
for f in predictions.csv report.json; do echo "old $f" >"$TMP/out/$f"; done
for sig in INT TERM HUP; do
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
  case $sig in INT) expected=130 ;; TERM) expected=143 ;; HUP) expected=129 ;; esac
  [ "$code" = "$expected" ] || fail "SIG$sig: expected exit $expected, got $code"
  for f in predictions.csv report.json; do
    [ "$(cat "$TMP/out/$f")" = "old $f" ] || fail "SIG$sig changed $f"
  done
  leftovers=$(ls -A "$TMP/out" | grep -v -e '^predictions.csv$' -e '^report.json$' || true)
  [ -z "$leftovers" ] || fail "SIG$sig left files behind: $leftovers"
done

"$GENZ" --trace "$TMP/big.csv" --hw h100 --model llama2_7b --report csv,json --out "$TMP/out" -q &
pid=$!
for _ in $(seq 1 200); do
  ls -A "$TMP/out" | grep -q '\.tmp-' && break
  sleep 0.05
done
kill -KILL "$pid"
set +e
wait "$pid"
set -e
stale=$(ls -A "$TMP/out" | grep -c '\.tmp-' || true)
[ "$stale" -gt 0 ] || fail "SIGKILL left no temporary file: the test did not interrupt the run"
# The next run into the directory removes them.
printf 'input_tokens,output_tokens\n10,20\n' >"$TMP/small.csv"
"$GENZ" --trace "$TMP/small.csv" --hw h100 --model llama2_7b --report csv --out "$TMP/out" -q
leftovers=$(ls -A "$TMP/out" | grep '\.tmp-' || true)
[ -z "$leftovers" ] || fail "the temporaries of a killed run were not removed by the next run: $leftovers"
echo "interrupted runs left the old reports intact; a killed run's temporaries were removed by the next"
