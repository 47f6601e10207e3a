# The dependency rule of framework/README.md: each part includes only the
# parts above it and the SDK; the SDK and the plugins include nothing of the
# host. Fails naming the file and the include that breaks the rule.
source "$(dirname "$0")/lib.sh"
cd "$SRC"
allowed() {  # allowed PART -> the parts its files may include
  case $1 in
    host) echo "host" ;;
    engine) echo "host engine" ;;
    io) echo "host engine io" ;;
    calibration) echo "host engine io calibration" ;;
    serving) echo "host engine io serving" ;;
    planning) echo "host engine io calibration serving planning" ;;
  esac
}
bad=0
for part in host engine io calibration serving planning; do
  for f in $(find "framework/include/genz/$part" "framework/src/$part" -name '*.[ch]pp' 2>/dev/null); do
    for used in $(grep -ho '#include "genz/[a-z_]*/' "$f" | sed 's|#include "genz/||; s|/||' | sort -u); do
      [ "$used" = sdk ] && continue
      case " $(allowed "$part") " in
        *" $used "*) ;;
        *) echo "$f ($part) includes genz/$used/: not allowed (see framework/README.md)"; bad=1 ;;
      esac
    done
  done
done
for f in $(find sdk plugins -name '*.[ch]pp' -o -name '*.h'); do
  if grep -q '#include "genz/\(host\|engine\|io\|calibration\|serving\|planning\)/' "$f"; then
    echo "$f includes a framework header: the SDK and plugins see only genz/sdk/"
    bad=1
  fi
done
[ "$bad" = 0 ] || fail "layering violated"
echo "layering holds: host < engine < io < calibration; SDK and plugins see only the SDK"
