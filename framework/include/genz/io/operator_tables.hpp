// Measured operator and collective timings in Vidur's profiling format
// (../shared/data/vidur-profiling): the ground truth for GEMM efficiency and
// for link latency and bandwidth.
#pragma once

#include <string>
#include <vector>

#include "genz/sdk/comm.hpp"
#include "genz/sdk/op.hpp"

namespace genz {

/// One GEMM of a Llama layer: tokens x (n, k) weights, median seconds.
struct GemmSample {
  double m = 0, n = 0, k = 0;
  double seconds = 0;
  std::string op;     // attn_pre_proj, attn_post_proj, mlp_up_proj, mlp_down_proj
  std::string model;  // from the file name
  unsigned tp = 1;
};

struct CollectiveSample {
  CollectiveKind kind = CollectiveKind::all_reduce;
  unsigned ranks = 1, ranks_per_node = 1;
  double bytes = 0, seconds = 0;
};

/// Vidur compute/<gpu>/<model>-mlp.csv: QKV, output, MLP up/gate and down
/// projections (fused as Vidur runs them), one sample per row and operator.
std::vector<GemmSample> read_vidur_gemms(const std::string& path);

/// Vidur network/<system>/{all_reduce,send_recv}.csv.
std::vector<CollectiveSample> read_vidur_collectives(const std::string& path);

/// The GEMM as an operator (fp16 inputs, weights from DRAM), resolved.
Op gemm_op(const GemmSample& g);

/// The query a comm backend answers for a measured collective.
CollectiveQuery collective_query(const CollectiveSample& c, const LinkSpec& intra, const LinkSpec& inter = {});

}  // namespace genz
