// The collectives an engine really runs under CUDA graphs: NCCL choosing the
// fastest of its protocols for each message (as NCCL's tuner does), and the
// engine's own all-reduce (one-shot, two-shot through peer memory) below a
// size limit. Each algorithm is
//
//   time = latency + steps(kind, ranks) * step + traffic(kind, ranks, bytes) / (link bandwidth * link_fraction)
//
// with the link bandwidth from the hardware's data sheet, so values fitted on
// one part (data/calibration/fit_collectives.py, on the H100 tables) carry to
// another by its data sheet.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "genz/sdk/comm.hpp"
#include "genz/sdk/json_view.hpp"

namespace genz {

enum class CollectiveTraffic : std::uint8_t {
  ring,      // NCCL ring: 2(n-1)/n x bytes for all-reduce, (n-1)/n otherwise; 2(n-1) or n-1 steps
  switch_,   // NVLink SHARP (NVLS): the switch reduces; each GPU sends and receives its buffer once; 2 steps
  one_shot,  // every GPU reads each peer's whole buffer: (n-1) x bytes, one flag exchange per peer
  two_shot,  // reduce-scatter then all-gather through peer memory: 2(n-1)/n x bytes, two exchanges per peer
  pairwise,  // NCCL's all-to-all: sends to every peer at once, (n-1)/n x bytes, one step
};

struct CollectiveAlgorithm {
  std::string name;
  bool nccl = true;    // false: the engine's own kernel
  unsigned kinds = 0;  // bit per CollectiveKind it serves
  CollectiveTraffic traffic = CollectiveTraffic::ring;
  double latency = 0;        // s
  double step = 0;           // s per sequential step
  double link_fraction = 1;  // of the link's data-sheet bandwidth
  double max_bytes = 0;      // per-rank buffer limit; 0: none
};

struct CollectiveProfile {
  std::vector<std::string> links;  // link kinds the algorithms run on ("nvlink")
  std::vector<CollectiveAlgorithm> algorithms;
  bool empty() const noexcept { return algorithms.empty(); }
};

/// Reads an engine file's "collectives" object.
CollectiveProfile read_collectives(const JsonView& v);

/// Seconds of one algorithm for a collective inside one node, on `link`
/// (its data-sheet bandwidth and the part's collective scales).
double algorithm_seconds(const CollectiveAlgorithm& a, CollectiveKind kind, unsigned ranks, double bytes,
                         const LinkSpec& link);

/// The engine's time for a collective (hierarchical across nodes, the
/// inter-node part as genz::collective_seconds prices it); nullopt where the
/// profile has no algorithm for this link or kind, so the comm plugin
/// answers. `nccl_only` leaves the engine's own kernels out.
std::optional<double> engine_collective_seconds(const CollectiveProfile& p, const CollectiveQuery& q,
                                                bool nccl_only = false);

}  // namespace genz
