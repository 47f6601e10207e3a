# genz validate against ../shared/data: every target met, except the checks
# listed (and explained) in tests/validation/known_failures.txt, which must
# still fail.
source "$(dirname "$0")/lib.sh"
[ -d "$DATA" ] || skip "../shared/data is not beside the checkout"
"$GENZ" validate --strict --known "$SRC/tests/validation/known_failures.txt" --data-dir "$DATA"
