// What the serving tests share: one deployment with the KV cache its engine
// leaves, and the synthetic traffic they run.
#pragma once

#include <string>

#include "genz/serving/kv_capacity.hpp"
#include "genz/serving/simulator.hpp"
#include "genz/serving/workload.hpp"
#include "test_support.hpp"

namespace genz::test {

/// Llama-3-8B on one H100 under an engine profile, with the KV capacity the
/// engine would leave for prompts of up to 4096 tokens.
struct Deployment {
  Stack s;
  SimulationConfig config;
  explicit Deployment(const std::string& engine = "vllm") : s(stack("llama3_8b", "h100", "nv_like", engine)) {
    config.scheduler = s->engine.scheduler;
    config.kv_tokens = kv_capacity(*s.parts, step_tokens(config.scheduler, 4096)).tokens;
    config.server_latency = s->engine.server_latency;
  }
  SimulationResult run(const Workload& w) {
    StepCost cost(s->view());
    return simulate(cost, w, config);
  }
};

/// Poisson arrivals of fixed lengths.
inline Workload poisson(double rate, std::uint64_t n, double input = 512, double output = 128, std::uint64_t seed = 1) {
  TrafficSpec t;
  t.rate = rate;
  t.requests = n;
  t.input = input;
  t.output = output;
  t.seed = seed;
  return make_workload(t);
}

/// Poisson arrivals of "chat" lengths.
inline Workload chat(double rate, std::uint64_t n, std::uint64_t seed = 1) {
  TrafficSpec t;
  t.rate = rate;
  t.requests = n;
  t.lengths = LengthKind::chat;
  t.seed = seed;
  return make_workload(t);
}

}  // namespace genz::test
