// genz._native: the C++ side of the Python module. The friendly API (keyword
// arguments, result objects, pandas) is in genz/__init__.py; this file exposes
// the same code paths as the CLI, releasing the GIL while they run.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "commands.hpp"
#include "conversions.hpp"
#include "genz/host/error.hpp"
#include "genz/sdk/printable.hpp"
#include "genz/sdk/version.hpp"
#include "session.hpp"

namespace py = pybind11;

namespace genz::python {
namespace {

using Args = std::vector<std::string>;

// A document the CLI prints with --json, computed without the GIL.
template <class F>
std::string without_gil(F&& f) {
  py::gil_scoped_release release;
  return f();
}

py::list plugin_list(const std::vector<std::string>& plugin_path) {
  const auto registry = registry_for(plugin_path);
  py::list out;
  for (const auto& l : registry->libraries()) {
    py::dict d;
    d["kind"] = std::string(kind_name(l.kind));
    d["name"] = l.name;
    d["version"] = l.version;
    d["path"] = l.path;
    d["entries"] = l.entries;
    d["rejected"] = false;
    out.append(d);
  }
  for (const auto& r : registry->rejected()) {
    py::dict d;
    d["path"] = r.path;
    d["rejected"] = true;
    d["reason"] = std::string(reason_name(r.reason));
    d["message"] = r.message;
    out.append(d);
  }
  return out;
}

// One composed setup kept across calls: plugins loaded and objects created
// once, each prediction a call into the predictor.
class NativeSession {
 public:
  NativeSession(const Args& args, const std::vector<std::string>& plugin_path)
      : options_(parse_args(args)),
        largest_{options_.input_tokens, options_.output_tokens, options_.batch, options_.beam} {
    check_request(largest_, ModelInfo{});
    py::gil_scoped_release release;
    session_ = cli::open_session(registry_for(plugin_path), options_, largest_);
  }

  Prediction predict(double input, double output, double batch, double beam) {
    const Request r{input, output, batch, beam};
    check_request(r, session_->model->info());
    if (larger(r)) check_fits(r);
    return session_->predictor->predict(r);
  }

  // Seconds per prediction inside C++ alone: the reference the Python
  // per-call overhead is measured against.
  double time_native(std::size_t n, double input, double output) {
    py::gil_scoped_release release;
    const Request r{input, output, 1, 1};
    const auto t0 = std::chrono::steady_clock::now();
    double sink = 0;
    for (std::size_t i = 0; i < n; ++i) sink += session_->predictor->predict(r).ttft;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return sink > 0 ? s / static_cast<double>(n) : 0;
  }

  py::dict describe() const {
    py::dict d;
    d["model"] = session_->model->info().name;
    d["hardware"] = session_->hardware->spec().name;
    d["engine"] = session_->engine.name;
    d["comm"] = session_->comm.name();
    d["layout"] = genz::describe(session_->layout);
    d["gpus"] = session_->layout.world();
    d["tp"] = session_->layout.parallel.tp;
    d["pp"] = session_->layout.parallel.pp;
    d["ep"] = session_->layout.parallel.ep;
    d["dtype"] = session_->weights_name();
    d["kv_dtype"] = std::string(name_of(session_->precision.kv_cache));
    d["notes"] = session_->notes;
    return d;
  }

 private:
  bool larger(const Request& r) const {
    return (r.input + r.output) * r.batch * r.beam >
           (largest_.input + largest_.output) * largest_.batch * largest_.beam;
  }
  // A request beyond the largest checked so far must fit as well.
  void check_fits(const Request& r) {
    const MemoryEstimate m = estimate_memory(*session_->model, session_->layout, session_->precision, session_->engine,
                                             session_->hardware->spec(), r);
    if (!m.fits())
      throw InputError(session_->model->info().name + " " + describe_overflow(m, session_->hardware->spec().name) +
                       " for this request on " + genz::describe(session_->layout));
    largest_ = r;
  }

  cli::Options options_;
  Request largest_;
  std::unique_ptr<cli::Session> session_;
};

}  // namespace
}  // namespace genz::python

PYBIND11_MODULE(_native, m) {
  using namespace genz;
  using namespace genz::python;
  m.doc() = "genz native extension (use the genz package)";
  // Warnings (a prompt beyond the context window, a link without latency)
  // reach stderr as in the CLI; progress and info lines do not.
  spdlog::set_pattern("genz: %^%l%$: %v");
  spdlog::set_level(spdlog::level::warn);

  static py::exception<Error> error(m, "Error");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      PyErr_SetString(PyExc_ValueError, printable(e.what(), true).c_str());
    } catch (const Error& e) {
      error(printable(e.what(), true).c_str());
    }
  });
  m.attr("version") = GENZ_SDK_VERSION_STRING;

  m.def("flags", &cli::option_names, "every long option the CLI takes");
  m.def(
      "predict_json",
      [](const std::vector<std::string>& args, const std::vector<std::string>& plugin_path) {
        const cli::Options o = parse_args(args);
        const auto reg = registry_for(plugin_path);
        return without_gil([&] { return cli::predict_json(o, reg); });
      },
      py::arg("args"), py::arg("plugin_path"));
  m.def(
      "trace_json",
      [](const std::vector<std::string>& args, const std::vector<std::string>& plugin_path) {
        const cli::Options o = parse_args(args);
        const auto reg = registry_for(plugin_path);
        return without_gil([&] { return cli::trace_json(o, reg); });
      },
      py::arg("args"), py::arg("plugin_path"));
  m.def(
      "sweep_json",
      [](const std::vector<std::string>& args, const std::vector<std::string>& plugin_path) {
        const cli::Options o = parse_args(args);
        const auto reg = registry_for(plugin_path);
        return without_gil([&] { return cli::sweep_json(o, reg); });
      },
      py::arg("args"), py::arg("plugin_path"));
  m.def("plugins", &plugin_list, py::arg("plugin_path"));

  py::class_<Prediction>(m, "Prediction")
      .def_property_readonly(
          "ttft", [](const Prediction& p) { return p.ttft * 1e3; }, "time to first token, ms")
      .def_property_readonly(
          "tpot", [](const Prediction& p) { return p.tpot * 1e3; }, "time per output token, ms")
      .def_property_readonly(
          "e2e", [](const Prediction& p) { return p.e2e * 1e3; }, "end-to-end latency, ms")
      .def_readonly("prefill_throughput", &Prediction::prefill_throughput, "tokens/s")
      .def_readonly("decode_throughput", &Prediction::decode_throughput, "tokens/s")
      .def("to_dict",
           [](const Prediction& p) {
             py::dict d;
             d["TTFT"] = p.ttft * 1e3;
             d["TPOT"] = p.tpot * 1e3;
             d["E2E"] = p.e2e * 1e3;
             d["prefill_throughput"] = p.prefill_throughput;
             d["decode_throughput"] = p.decode_throughput;
             return d;
           })
      .def("__repr__", [](const Prediction& p) {
        return "Prediction(ttft=" + std::to_string(p.ttft * 1e3) + " ms, tpot=" + std::to_string(p.tpot * 1e3) +
               " ms, e2e=" + std::to_string(p.e2e * 1e3) + " ms)";
      });

  py::class_<NativeSession>(m, "NativeSession", py::dynamic_attr())
      .def(py::init<const std::vector<std::string>&, const std::vector<std::string>&>(), py::arg("args"),
           py::arg("plugin_path"))
      // A prediction takes microseconds: releasing the GIL would cost a
      // sizeable share of it; the long calls (trace, sweep) release it.
      .def("predict", &NativeSession::predict, py::arg("input_tokens") = 1024.0, py::arg("output_tokens") = 200.0,
           py::arg("batch") = 1.0, py::arg("beam") = 1.0)
      .def("time_native", &NativeSession::time_native, py::arg("n"), py::arg("input_tokens"), py::arg("output_tokens"))
      .def("describe", &NativeSession::describe, "model, hardware, engine, layout and precision of this session");
}
