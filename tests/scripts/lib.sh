# Shared by the end-to-end test scripts. Arguments: GENZ SOURCE_DIR BUILD_DIR [...]
set -euo pipefail
GENZ=$1
SRC=$2
BUILD=$3
shift 3
TMP=$(mktemp -d /tmp/genz-e2e.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
unset GENZ_PLUGIN_PATH

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
skip() {
  echo "SKIPPED: $*"
  exit 77
}
# expect_in TEXT PATTERN: fixed-string search
expect_in() {
  grep -qF -- "$2" <<<"$1" || fail "expected to find '$2' in:
$1"
}
DATA=$SRC/../shared/data
