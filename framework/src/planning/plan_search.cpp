#include "genz/planning/plan_search.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

namespace genz::plan {
namespace {

constexpr double kInf = 1e300;

// Acklam's rational approximation of the normal quantile (|error| < 1.2e-9).
double acklam(double p) {
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  if (p < 0.02425) {
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - 0.02425) return -acklam(1 - p);
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

// Mean wait in an M/M/c queue at utilization rho (Sakasegawa 1977), for
// requests whose service takes `service` seconds.
double mmc_wait(double rho, double servers, double service) {
  if (rho <= 0) return 0;
  if (rho >= 1) return kInf;
  const double queued = std::pow(rho, std::sqrt(2 * (servers + 1))) / (1 - rho);
  return queued * service / (servers * rho);
}

// The waiting time at percentile `p` (0..1) in a single-server queue at
// utilization rho whose services average `service` seconds with squared
// coefficient of variation cv2: the Pollaczek-Khinchine mean, and the
// exponential tail of heavy traffic (Kingman), P(wait > t) = rho·exp(−rho·t / mean).
double queue_wait(double rho, double service, double cv2, double p) {
  if (rho <= 0) return 0;
  if (rho >= 1) return kInf;
  const double mean = rho * service * (1 + cv2) / (2 * (1 - rho));
  return rho > 1 - p ? mean / rho * std::log(rho / (1 - p)) : 0;
}

// The batch b at which a replica serves `rate` requests/s, r(b) = b / (O·step(b)):
// between two evaluated batches the step is linear, s(b) = s0 + k·(b − b0),
// so r(b) = rate solves to b = rate·O·(s0 − k·b0) / (1 − rate·O·k). Below one
// sequence the step is that of one.
double batch_for_rate(const ConfigEval& e, double rate, double output, double limit, double BatchPoint::*step) {
  const double ro = rate * output;
  const auto& pts = e.points;
  if (pts.empty() || ro <= 0) return 0;
  if (ro * (pts.front().*step) <= pts.front().batch) return ro * (pts.front().*step);  // b <= 1
  for (std::size_t i = 1; i < pts.size() && pts[i - 1].batch < limit; ++i) {
    const double b0 = pts[i - 1].batch, s0 = pts[i - 1].*step;
    const double b1 = std::min(pts[i].batch, limit), s1 = e.at(b1, step);
    if (b1 / (output * s1) < rate) continue;
    const double k = (s1 - s0) / (b1 - b0);
    return std::clamp(ro * (s0 - k * b0) / (1 - ro * k), b0, b1);
  }
  return limit;
}

// Beyond this share of its capacity a deployment's queue grows without bound
// under Poisson arrivals (an M/M/1 queue waits 19 service times at 95 %):
// the most load a capacity plan puts on one.
constexpr double kMostUtilization = 0.95;
constexpr int kRateSteps = 30;  // bisection on the sustainable rate: 1e-9 of it

struct Judge {
  const PlanRequest& r;
  double z;

  bool poisson() const { return r.traffic.concurrency == 0; }

  // A request's TPOT at the targets' percentile over its mean: speculative
  // decoding draws each request's accepted tokens.
  double spread(const ConfigEval& e) const { return 1 + std::max(0.0, z) * e.tpot_cv; }

  void finish(Candidate& c, double served_rate) const {
    c.request_rate = served_rate;
    c.throughput_per_gpu = served_rate * r.traffic.output / c.gpus;
    c.tokens_per_user = c.tpot > 0 ? 1 / c.tpot : 0;
    c.tokens_per_dollar = c.cost_per_hour > 0 ? served_rate * r.traffic.output * 3600 / c.cost_per_hour : 0;
    c.miss = Miss::met;
    const Targets& t = r.targets;
    if (r.budget.gpus && c.gpus > r.budget.gpus)
      c.miss = Miss::gpus;
    else if (r.budget.max_cost > 0 && c.cost_per_hour > r.budget.max_cost)
      c.miss = Miss::cost;
    else if (t.ttft > 0 && !(c.ttft <= t.ttft))
      c.miss = Miss::ttft;
    else if (t.tpot > 0 && !(c.tpot <= t.tpot))
      c.miss = Miss::tpot;
  }

  // Occupancy at the percentile, for Poisson arrivals.
  double busy(double b, double limit) const { return poisson() ? std::min(limit, b + z * std::sqrt(b)) : b; }

  // The most requests/s in (0, hi] at which `at(rate)` meets the latency
  // targets (hi itself when it does; the smallest tried when nothing does).
  template <class At>
  Candidate most_rate(double hi, At at) const {
    Candidate c = at(hi);
    if (c.miss != Miss::ttft && c.miss != Miss::tpot) return c;
    double lo = 0;
    for (int i = 0; i < kRateSteps; ++i) {
      const double mid = (lo + hi) / 2;
      const Candidate m = at(mid);
      if (m.miss == Miss::ttft || m.miss == Miss::tpot) {
        hi = mid;
        c = m;
      } else {
        lo = mid;
      }
    }
    return lo > 0 ? at(lo) : c;
  }

  // n replicas of `e` with batch limit L serving `rate` requests/s.
  Candidate aggregated_at(const ConfigEval& e, double limit, unsigned n, double rate, double b) const {
    Candidate c;
    c.config = e.index;
    c.max_batch = static_cast<unsigned>(limit);
    c.replicas = n;
    c.gpus = n * e.config.gpus;
    c.cost_per_hour = c.gpus * e.price;
    const double O = r.traffic.output;
    if (b < 0) b = batch_for_rate(e, rate / n, O, limit, &BatchPoint::step);
    c.batch = b;
    const double bp = busy(b, limit);
    c.tpot = e.at(bp, &BatchPoint::step);
    const double prompt = e.prompt_steps > 1 ? e.prompt_steps * e.at(bp, &BatchPoint::mixed_step)
                                             : e.at(bp, &BatchPoint::mixed_step) + c.tpot / 2;
    const double capacity = limit / (O * e.at(limit, &BatchPoint::step));
    // Two queues: for a free sequence slot (M/M/c, c = L), and for room in
    // the steps' prompt budget, busy a share f of the time (a prompt's
    // service being the steps its tokens fill).
    double wait = 0;
    if (poisson()) {
      const double service = e.at(b, &BatchPoint::mixed_step) * e.prompt_tokens / std::max(1.0, e.chunk);
      wait = mmc_wait(rate / n / capacity, limit, O * c.tpot) +
             queue_wait(e.at(b, &BatchPoint::share), service, r.traffic.input_cv2, r.targets.percentile / 100);
    }
    c.ttft = e.server_latency + prompt + wait;
    c.tpot *= spread(e);
    finish(c, rate);
    return c;
  }

  Candidate aggregated(const ConfigEval& e, double limit) const {
    const double O = r.traffic.output;
    const double capacity = limit / (O * e.at(limit, &BatchPoint::step));
    if (r.traffic.rate > 0) {
      const auto n = static_cast<unsigned>(std::ceil(r.traffic.rate / capacity - 1e-9));
      return aggregated_at(e, limit, n, r.traffic.rate, -1);
    }
    if (r.traffic.concurrency > 0) {
      const auto n = static_cast<unsigned>(std::ceil(r.traffic.concurrency / limit - 1e-9));
      const double b = static_cast<double>(r.traffic.concurrency) / n;
      return aggregated_at(e, limit, n, n * b / (O * e.at(b, &BatchPoint::step)), b);
    }
    const unsigned n = r.budget.gpus ? std::max(1u, r.budget.gpus / e.config.gpus) : 1;
    return most_rate(kMostUtilization * n * capacity,
                     [&](double rate) { return aggregated_at(e, limit, n, rate, -1); });
  }

  // x prefill workers of `p` and y decode workers of `d` (batch limit L) serving `rate`.
  Candidate disaggregated_at(const ConfigEval& p, const ConfigEval& d, double limit, unsigned x, unsigned y,
                             double rate, double b) const {
    Candidate c;
    c.mode = Mode::disaggregated;
    c.config = d.index;
    c.prefill_config = p.index;
    c.max_batch = static_cast<unsigned>(limit);
    c.replicas = y;
    c.prefill_workers = x;
    c.gpus = x * p.config.gpus + y * d.config.gpus;
    c.cost_per_hour = x * p.config.gpus * p.price + y * d.config.gpus * d.price;
    if (b < 0) b = batch_for_rate(d, rate / y, r.traffic.output, limit, &BatchPoint::decode_step);
    c.batch = b;
    // Each prefill worker a queue, the service being a prompt's share of a full step.
    const double prefill_cap = p.prefill_batch / p.prefill_batch_time;
    const double rho = rate / (x * prefill_cap);
    const double queue = queue_wait(rho, 1 / prefill_cap, r.traffic.input_cv2, r.targets.percentile / 100);
    const double bandwidth = std::min(p.link_bandwidth, d.link_bandwidth);
    const double transfer = bandwidth > 0 ? std::max(p.link_latency, d.link_latency) +
                                                r.traffic.input_at_percentile * d.kv_bytes_per_token / bandwidth
                                          : kInf;
    const double prompt = p.prefill_alone * (1 - std::min(rho, 1.0)) + p.prefill_batch_time * std::min(rho, 1.0);
    c.tpot = d.at(busy(b, limit), &BatchPoint::decode_step);
    c.ttft = p.server_latency + queue + prompt + transfer + c.tpot;
    c.tpot *= spread(d);
    finish(c, rate);
    return c;
  }

  Candidate disaggregated(const ConfigEval& p, const ConfigEval& d, double limit) const {
    const double O = r.traffic.output;
    const double prefill_cap = p.prefill_batch / p.prefill_batch_time;
    const double decode_cap = limit / (O * d.at(limit, &BatchPoint::decode_step));
    auto workers = [](double rate, double cap) { return static_cast<unsigned>(std::ceil(rate / cap - 1e-9)); };
    if (r.traffic.rate > 0) {
      const double rate = r.traffic.rate;
      return disaggregated_at(p, d, limit, workers(rate, prefill_cap), workers(rate, decode_cap), rate, -1);
    }
    if (r.traffic.concurrency > 0) {
      // The prompts still queue at the prefill workers: sized with headroom.
      const unsigned y = workers(r.traffic.concurrency, limit);
      const double b = static_cast<double>(r.traffic.concurrency) / y;
      const double rate = y * b / (O * d.at(b, &BatchPoint::decode_step));
      return disaggregated_at(p, d, limit, workers(rate, kMostUtilization * prefill_cap), y, rate, b);
    }
    return best_capacity_split(p, d, limit, prefill_cap, decode_cap);
  }

  // Without a load: the split of prefill and decode workers that serves the
  // most tokens per GPU within the budget, each at the most load that meets
  // the targets.
  Candidate best_capacity_split(const ConfigEval& p, const ConfigEval& d, double limit, double prefill_cap,
                                double decode_cap) const {
    Candidate best;
    bool have = false;
    for (unsigned y = 1; y <= r.max_workers; y = y < 4 ? y + 1 : y + y / 2) {
      const double hi = kMostUtilization * y * decode_cap;
      const auto x = static_cast<unsigned>(std::ceil(hi / (kMostUtilization * prefill_cap) - 1e-9));
      const Candidate c = most_rate(std::min(hi, kMostUtilization * x * prefill_cap),
                                    [&](double rate) { return disaggregated_at(p, d, limit, x, y, rate, -1); });
      const bool better = !have || (c.miss == Miss::met && best.miss != Miss::met) ||
                          ((c.miss == Miss::met) == (best.miss == Miss::met) &&
                           c.throughput_per_gpu > best.throughput_per_gpu * (1 + 1e-12));
      if (better) best = c, have = true;
      if (r.budget.gpus && c.gpus >= r.budget.gpus) break;
    }
    return best;
  }
};

// The batch limits a configuration is tried with: powers of two it sustains.
std::vector<double> limits_of(const ConfigEval& e) {
  std::vector<double> out;
  for (const BatchPoint& p : e.points)
    if (std::exp2(std::round(std::log2(p.batch))) == p.batch) out.push_back(p.batch);
  return out;
}

bool feasible(const ConfigEval& e, double limit) {
  for (const BatchPoint& p : e.points)
    if (p.batch == limit) return p.feasible;
  return false;
}

double score(const Candidate& c, bool priced) {
  return priced ? c.tokens_per_dollar : c.throughput_per_gpu;
}

void rank(PlanResult& out, bool priced) {
  for (std::size_t i = 0; i < out.candidates.size(); ++i)
    if (out.candidates[i].miss == Miss::met) out.ranked.push_back(i);
  std::stable_sort(out.ranked.begin(), out.ranked.end(), [&](std::size_t a, std::size_t b) {
    const Candidate &x = out.candidates[a], &y = out.candidates[b];
    if (score(x, priced) != score(y, priced)) return score(x, priced) > score(y, priced);
    return x.tokens_per_user > y.tokens_per_user;
  });
  // Pareto: walking from the fastest per user down, keep each candidate that
  // serves more per GPU than every faster one.
  std::vector<std::size_t> by_user = out.ranked;
  std::stable_sort(by_user.begin(), by_user.end(), [&](std::size_t a, std::size_t b) {
    const Candidate &x = out.candidates[a], &y = out.candidates[b];
    if (x.tokens_per_user != y.tokens_per_user) return x.tokens_per_user > y.tokens_per_user;
    return x.throughput_per_gpu > y.throughput_per_gpu;
  });
  double best = -1;
  for (std::size_t i : by_user)
    if (out.candidates[i].throughput_per_gpu > best) {
      best = out.candidates[i].throughput_per_gpu;
      out.pareto.push_back(i);
      out.candidates[i].pareto = true;
    }
}

// How far a candidate is from the targets (1: exactly on them).
double shortfall(const Candidate& c, const Targets& t) {
  double s = 0;
  if (t.ttft > 0) s = std::max(s, c.ttft / t.ttft);
  if (t.tpot > 0) s = std::max(s, c.tpot / t.tpot);
  return s;
}

std::string ms(double s) {
  char buf[64];
  if (s >= kInf / 2)
    std::snprintf(buf, sizeof buf, "unbounded (the queue grows)");
  else
    std::snprintf(buf, sizeof buf, "%.1f ms", s * 1e3);
  return buf;
}

std::string detail_of(const Candidate& c, const PlanRequest& r) {
  char buf[256];
  const Targets& t = r.targets;
  switch (c.miss) {
    case Miss::ttft:
      std::snprintf(buf, sizeof buf, "TTFT p%g %s against %s (batch limit %u)", t.percentile, ms(c.ttft).c_str(),
                    ms(t.ttft).c_str(), c.max_batch);
      return buf;
    case Miss::tpot:
      std::snprintf(buf, sizeof buf, "TPOT p%g %s against %s (batch limit %u)", t.percentile, ms(c.tpot).c_str(),
                    ms(t.tpot).c_str(), c.max_batch);
      return buf;
    case Miss::gpus:
      std::snprintf(buf, sizeof buf, "needs %u GPUs, the budget is %u", c.gpus, r.budget.gpus);
      return buf;
    case Miss::cost:
      std::snprintf(buf, sizeof buf, "costs $%.2f/h, the ceiling is $%.2f/h", c.cost_per_hour, r.budget.max_cost);
      return buf;
    case Miss::kv:
      return "its KV cache or step budget cannot hold the requests of even one sequence";
    case Miss::met:
      break;
  }
  return {};
}

// Per family: the candidate that comes closest (a budget miss is farther
// than a latency miss: more GPUs would not help a latency the layout cannot reach).
void reject_families(PlanResult& out, const std::vector<ConfigEval>& evals, const PlanRequest& r) {
  std::map<std::tuple<int, std::size_t, std::size_t>, std::size_t> closest;
  std::map<std::tuple<int, std::size_t, std::size_t>, bool> answered;
  for (std::size_t i = 0; i < out.candidates.size(); ++i) {
    const Candidate& c = out.candidates[i];
    const auto key =
        std::make_tuple(static_cast<int>(c.mode), c.config, c.mode == Mode::aggregated ? 0 : c.prefill_config);
    answered[key] = answered[key] || c.miss == Miss::met;
    auto it = closest.find(key);
    if (it == closest.end()) {
      closest.emplace(key, i);
      continue;
    }
    const Candidate& o = out.candidates[it->second];
    const auto rank_of = [&](const Candidate& x) {
      return std::make_pair(x.miss == Miss::ttft || x.miss == Miss::tpot ? 0 : 1, shortfall(x, r.targets));
    };
    if (rank_of(c) < rank_of(o)) it->second = i;
  }
  for (const ConfigEval& e : evals)
    if (!e.ok()) out.rejections.push_back(Rejection{Mode::aggregated, e.index, 0, Miss::kv, e.failure});
  for (const auto& [key, i] : closest) {
    if (answered[key]) continue;
    const Candidate& c = out.candidates[i];
    out.rejections.push_back(Rejection{c.mode, c.config, c.prefill_config, c.miss, detail_of(c, r)});
  }
}

std::string unreachable_text(const PlanResult& out, const std::vector<ConfigEval>& evals, const PlanRequest& r) {
  const Candidate* best = nullptr;
  for (const Candidate& c : out.candidates)
    if ((c.miss == Miss::ttft || c.miss == Miss::tpot) &&
        (!best || shortfall(c, r.targets) < shortfall(*best, r.targets)))
      best = &c;
  if (!best) return "no configuration fits the budget (see the rejections)";
  const Targets& t = r.targets;
  std::string text = "no configuration meets the targets; the closest, " + evals[best->config].config.label();
  if (best->mode == Mode::disaggregated) text += " decoding after " + evals[best->prefill_config].config.label();
  char buf[256];
  if (t.ttft > 0 && best->ttft > t.ttft) {
    std::snprintf(buf, sizeof buf, ", reaches TTFT p%g %s against %s (%.0f %% over)", t.percentile,
                  ms(best->ttft).c_str(), ms(t.ttft).c_str(), (best->ttft / t.ttft - 1) * 100);
    text += buf;
  }
  if (t.tpot > 0 && best->tpot > t.tpot) {
    std::snprintf(buf, sizeof buf, ", reaches TPOT p%g %s against %s (%.0f %% over)", t.percentile,
                  ms(best->tpot).c_str(), ms(t.tpot).c_str(), (best->tpot / t.tpot - 1) * 100);
    text += buf;
  }
  return text;
}

std::string too_small(const ConfigEval& e, const Traffic& t) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "its KV cache holds %.0f tokens: not one request of %.0f + %.0f tokens, or its step budget cannot "
                "take the prompts",
                e.kv_tokens, t.input, t.output);
  return buf;
}

bool same_kv(const ConfigEval& a, const ConfigEval& b) {
  return a.config.engine == b.config.engine && a.config.dtype == b.config.dtype &&
         a.config.kv_dtype == b.config.kv_dtype;
}

}  // namespace

double normal_quantile(double percentile) {
  const double p = std::clamp(percentile / 100, 1e-9, 1 - 1e-9);
  return acklam(p);
}

const char* miss_name(Miss m) {
  switch (m) {
    case Miss::met:
      return "meets the targets";
    case Miss::kv:
      return "does not fit";
    case Miss::ttft:
      return "misses TTFT";
    case Miss::tpot:
      return "misses TPOT";
    case Miss::gpus:
      return "over the GPU budget";
    case Miss::cost:
      return "over the cost ceiling";
  }
  return "";
}

const char* mode_name(Mode m) {
  return m == Mode::aggregated ? "aggregated" : "disaggregated";
}

PlanResult search(const std::vector<ConfigEval>& evals, const PlanRequest& r) {
  PlanResult out;
  const Judge judge{r, normal_quantile(r.targets.percentile)};
  auto add = [&](Candidate c) { out.candidates.push_back(c); };
  for (const ConfigEval& e : evals) {
    if (!e.ok()) continue;
    bool any = false;
    for (double limit : limits_of(e)) {
      if (!feasible(e, limit)) continue;
      any = true;
      if (r.aggregated) add(judge.aggregated(e, limit));
      if (!r.disaggregated) continue;
      for (const ConfigEval& p : evals)
        if (p.ok() && same_kv(p, e)) add(judge.disaggregated(p, e, limit));
    }
    if (!any) out.rejections.push_back(Rejection{Mode::aggregated, e.index, 0, Miss::kv, too_small(e, r.traffic)});
  }
  rank(out, r.budget.priced);
  reject_families(out, evals, r);
  if (out.ranked.empty()) out.unreachable = unreachable_text(out, evals, r);
  return out;
}

}  // namespace genz::plan
