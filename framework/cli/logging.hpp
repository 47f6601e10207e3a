// spdlog on stderr: "genz: warning: ...". stdout stays for results (--json).
#pragma once

namespace genz::cli {
void init_logging(int verbosity);
}
