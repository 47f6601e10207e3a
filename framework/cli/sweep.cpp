#include "sweep.hpp"

#include "genz/engine/memory_model.hpp"
#include "genz/host/error.hpp"
#include "session.hpp"

namespace genz::cli {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

SweepRow predict_point(const std::shared_ptr<const PluginRegistry>& registry, const Options& o) {
  SweepRow row;
  row.batch = o.batch;
  row.beam = o.beam;
  row.input_tokens = o.input_tokens;
  row.output_tokens = o.output_tokens;
  // What was asked; replaced below by what genz composed.
  row.model = o.model;
  row.hw = o.hw;
  row.dtype = o.dtype;
  row.tp = o.tp.value_or(0);
  row.pp = o.pp.value_or(0);
  row.ep = o.ep.value_or(0);
  const Request r{o.input_tokens, o.output_tokens, o.batch, o.beam};
  try {
    auto s = open_session(registry, o, r);
    check_request(r, s->model->info());
    row.model = s->model->info().name;
    row.hw = s->hardware->spec().name;
    row.engine = s->engine.name;
    row.dtype = s->weights_name();
    row.kv_dtype = name_of(s->precision.kv_cache);
    row.layout = describe(s->layout);
    row.gpus = s->layout.world();
    row.tp = s->layout.parallel.tp;
    row.pp = s->layout.parallel.pp;
    row.ep = s->layout.parallel.ep;
    row.mem_gib = s->memory.peak() / kGiB;
    row.capacity_gib = s->memory.capacity / kGiB;
    row.p = s->predictor->predict(r);
    row.ok = true;
  } catch (const InputError& e) {
    row.note = e.what();
  }
  return row;
}

}  // namespace

void for_each_sweep_row(const std::shared_ptr<const PluginRegistry>& registry, const Options& base,
                        const std::vector<SweepAxis>& axes,
                        const std::function<void(std::size_t, const SweepRow&)>& visit) {
  const std::size_t n = sweep_size(axes);
  for (std::size_t i = 0; i < n; ++i) visit(i, predict_point(registry, sweep_point(base, axes, i)));
}

std::vector<SweepRow> predict_sweep(const std::shared_ptr<const PluginRegistry>& registry, const Options& base,
                                    const std::vector<SweepAxis>& axes) {
  std::vector<SweepRow> rows;
  rows.reserve(sweep_size(axes));
  for_each_sweep_row(registry, base, axes, [&](std::size_t, const SweepRow& r) { rows.push_back(r); });
  return rows;
}

}  // namespace genz::cli
