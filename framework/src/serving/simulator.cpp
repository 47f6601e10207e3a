#include "genz/serving/simulator.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <limits>
#include <list>
#include <queue>
#include <unordered_map>

#include "genz/engine/speculative.hpp"
#include "genz/host/error.hpp"

namespace genz {
namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();
constexpr double kBucketsPerOctave = 256;
constexpr double kSmallestGap = 1e-7;  // s; gaps below land in the first bucket

// A sequence the engine is running: its prompt (the request's input, plus
// what it had generated when it was preempted: recompute) and its cache.
// What a step touches per token lives here, contiguous, and goes back to the
// request's record when the sequence leaves (finished or preempted).
struct Seq {
  std::uint32_t req = 0;
  double prompt = 0, cached = 0;
  double blocks = 0;
  double generated = 0, output = 0;
  double last_token = 0, max_itl = 0;
  bool started = false;  // its first token is out
  bool holds = false;    // it uses its group's cached prefix (a reference counted there)
  std::uint32_t group = 0;
  double prefix = 0;  // tokens of its shared prefix still to hand to the cache once computed
  double shared = 0;  // blocks of its context that the group's cache entry holds
  double limit = 0;   // tokens it holds once its answer is complete (input + output)
  bool prefilling() const noexcept { return cached < prompt; }
  bool done() const noexcept { return generated >= output; }
};

struct Planned {
  std::size_t seq = 0;  // index into Replica::running
  double tokens = 0;
};

// A shared prefix whose blocks the replica keeps (prefix caching).
struct CachedPrefix {
  double tokens = 0, blocks = 0;
  unsigned users = 0;                      // running sequences that use it
  std::list<std::uint32_t>::iterator lru;  // its place among the unused, when users == 0
};

struct Replica {
  std::deque<std::uint32_t> waiting;  // request indices, oldest first; preempted ones go to the front
  std::vector<Seq> running;
  double free_blocks = 0;
  bool busy = false;
  bool wake = false;  // idle, with work arrived at `until`: starts once every arrival of that instant is in
  double until = 0;
  std::vector<Planned> chunks;                               // the step in flight
  std::vector<std::size_t> decodes;                          // its decode sequences
  double outstanding = 0;                                    // requests routed here and not finished
  std::unordered_map<std::uint32_t, CachedPrefix> prefixes;  // by group
  std::list<std::uint32_t> unused;                           // groups nobody uses, least recently used first
  double evictable = 0;                                      // their blocks
};

// Time buckets that double their width when the run outlives them, so a
// series has at most `points` entries whatever the run's length.
class Series {
 public:
  Series(unsigned points, double width) : points_(std::max(points, 2u)), width_(width) {}
  void add(double start, double seconds, double queued, double running, double kv, double tokens) {
    while (start >= points_ * width_) merge();
    const auto i = static_cast<std::size_t>(start / width_);
    if (sums_.size() <= i) sums_.resize(i + 1);
    SeriesPoint& b = sums_[i];
    b.queued += queued * seconds;
    b.running += running * seconds;
    b.kv_use += kv * seconds;
    b.token_rate += tokens;
  }
  std::vector<SeriesPoint> finish() const {
    std::vector<SeriesPoint> out = sums_;
    for (std::size_t i = 0; i < out.size(); ++i) {
      SeriesPoint& p = out[i];
      p.start = static_cast<double>(i) * width_;
      p.width = width_;
      p.queued /= width_;
      p.running /= width_;
      p.kv_use /= width_;
      p.token_rate /= width_;
    }
    return out;
  }

 private:
  void merge() {
    std::vector<SeriesPoint> half((sums_.size() + 1) / 2);
    for (std::size_t i = 0; i < sums_.size(); ++i) {
      SeriesPoint& h = half[i / 2];
      h.queued += sums_[i].queued;
      h.running += sums_[i].running;
      h.kv_use += sums_[i].kv_use;
      h.token_rate += sums_[i].token_rate;
    }
    sums_ = std::move(half);
    width_ *= 2;
  }
  unsigned points_;
  double width_;
  std::vector<SeriesPoint> sums_;
};

class Simulation {
 public:
  Simulation(StepCost& cost, const Workload& w, const SimulationConfig& c)
      : cost_(cost), w_(w), c_(c), s_(c.scheduler), series_(c.series_points, initial_width(w, c)) {
    if (!(c.kv_tokens >= 1)) throw InputError("the KV cache holds no token: nothing can be served");
    blocks_ = std::floor(c.kv_tokens / s_.block_size);
    if (blocks_ < 1)
      throw InputError("the KV cache is smaller than one block of " + std::to_string(s_.block_size) + " tokens");
    replicas_.resize(std::max(1u, c.replicas));
    caching_ = s_.prefix_caching;
    SpecConfig spec;
    spec.k = c.spec_k;
    spec.accept = c.spec_accept;
    survive_ = spec.survival();
    if (c.spec_k > 0 && s_.static_batching)
      throw InputError("speculative decoding needs continuous batching; this engine runs static batches");
    for (Replica& r : replicas_) r.free_blocks = blocks_;
    out_.kv_blocks = blocks_;
    out_.server_latency = c.server_latency;
    out_.requests.resize(w.requests.size());
    generated_.assign(w.requests.size(), 0.0);
    last_token_.assign(w.requests.size(), 0.0);
    prefilled_.assign(w.requests.size(), 0);
    for (std::size_t i = 0; i < w.requests.size(); ++i) {
      RequestResult& r = out_.requests[i];
      r.arrival = w.requests[i].arrival;
      r.input = w.requests[i].input;
      r.output = w.requests[i].output;
      if (!w.requests[i].prefilled) continue;
      if (s_.static_batching)
        throw InputError("disaggregated decode needs continuous batching; this engine runs static batches");
      prefilled_[i] = 1;
      r.first_token = last_token_[i] = w.requests[i].first_token;
    }
    const double last = w.requests.empty() ? 0 : w.requests.back().arrival;
    limit_ = c.time_limit > 0 ? c.time_limit : w.concurrency > 0 ? 1e9 : 10 * last + 86400;
    half_window_ = last / 2;
  }

  SimulationResult run() {
    if (w_.concurrency > 0)
      for (std::size_t i = 0; i < std::min<std::size_t>(w_.concurrency, w_.requests.size()); ++i) sends_.push(0.0);
    for (;;) {
      const double t_arrival = next_arrival();
      Replica* next = nullptr;
      for (Replica& r : replicas_)
        if (r.busy && (next == nullptr || r.until < next->until)) next = &r;
      const double t_step = next ? next->until : kNever;
      const double t = std::min(t_arrival, t_step);
      if (t == kNever) break;
      if (t > limit_) {
        out_.hit_time_limit = true;
        break;
      }
      advance(t);
      if (t_arrival <= t_step) {
        arrive(t);
      } else {
        if (!next->wake) end_step(*next);
        next->wake = false;
        start_step(*next, t);
      }
    }
    out_.series = series_.finish();
    if (q_mid_time_ >= 0 && q_end_time_ > q_mid_time_)
      out_.queue_growth = (q_end_ - q_mid_) / (q_end_time_ - q_mid_time_);
    return std::move(out_);
  }

 private:
  static double initial_width(const Workload& w, const SimulationConfig& c) {
    const double last = w.requests.empty() ? 0 : w.requests.back().arrival;
    return last > 0 ? 1.25 * last / std::max(c.series_points, 2u) : 1e-2;
  }

  double next_arrival() const {
    // The engine sees a request once the front end has passed it on.
    if (w_.concurrency > 0)
      return sends_.empty() || sent_ >= w_.requests.size() ? kNever : sends_.top() + c_.server_latency;
    return arrived_ < w_.requests.size() ? w_.requests[arrived_].arrival + c_.server_latency : kNever;
  }

  void advance(double t) {
    out_.in_system_area += in_system_ * (t - now_);
    now_ = t;
  }

  double waiting_total() const {
    double n = 0;
    for (const Replica& r : replicas_) n += static_cast<double>(r.waiting.size());
    return n;
  }

  Replica& route() {
    if (c_.router == Router::round_robin) return replicas_[(rr_++) % replicas_.size()];
    Replica* best = &replicas_[0];
    for (Replica& r : replicas_)
      if (r.outstanding < best->outstanding) best = &r;
    return *best;
  }

  // Why a request can never be served, or -1.
  int never_fits(const RequestResult& r) {
    const double blocks = std::ceil((r.input + r.output) / s_.block_size);
    if (blocks > blocks_)
      return reason("needs " + fmt(blocks) + " KV-cache blocks for its " + fmt(r.input + r.output) +
                    " tokens; the cache holds " + fmt(blocks_));
    return -1;
  }
  int reason(const std::string& text) {
    for (std::size_t i = 0; i < out_.reject_reasons.size(); ++i)
      if (out_.reject_reasons[i] == text) return static_cast<int>(i);
    if (out_.reject_reasons.size() >= 255) return 254;
    out_.reject_reasons.push_back(text);
    return static_cast<int>(out_.reject_reasons.size() - 1);
  }
  static std::string fmt(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }

  void arrive(double t) {
    std::uint32_t i;
    if (w_.concurrency > 0) {
      sends_.pop();
      i = static_cast<std::uint32_t>(sent_++);
      out_.requests[i].arrival = t - c_.server_latency;
    } else {
      i = static_cast<std::uint32_t>(arrived_++);
    }
    track_queue(t);
    RequestResult& r = out_.requests[i];
    if (const int why = never_fits(r); why >= 0) {
      r.state = RequestState::rejected;
      r.reject_reason = static_cast<std::uint8_t>(why);
      if (w_.concurrency > 0) sends_.push(t);  // the client goes on with its next request
      return;
    }
    in_system_ += 1;
    Replica& rep = route();
    rep.outstanding += 1;
    rep.waiting.push_back(i);
    if (!rep.busy) {
      rep.busy = rep.wake = true;
      rep.until = t;
    }
  }

  void track_queue(double t) {
    if (w_.concurrency > 0 || half_window_ <= 0) return;
    if (q_mid_time_ < 0 && t >= half_window_) {
      q_mid_time_ = t;
      q_mid_ = waiting_total();
    }
    q_end_time_ = t;
    q_end_ = waiting_total();
  }

  // --- planning a step -----------------------------------------------------

  double blocks_for(double tokens) const { return std::ceil(tokens / s_.block_size); }

  // The blocks of its own a request takes to start: its first `chunk` after
  // the `hit` cached tokens (the group's), or its whole output reserved.
  double blocks_to_admit(const RequestResult& r, double hit, double chunk) const {
    return (s_.reserve_output ? blocks_for(r.input + r.output) : blocks_for(hit + chunk)) - hit / s_.block_size;
  }

  // --- prefix caching -------------------------------------------------------

  void use_prefix(Replica& rep, CachedPrefix& p) {
    if (p.users++ > 0) return;
    rep.unused.erase(p.lru);
    rep.evictable -= p.blocks;
  }

  void unuse_prefix(Replica& rep, std::uint32_t group, CachedPrefix& p) {
    if (--p.users > 0) return;
    p.lru = rep.unused.insert(rep.unused.end(), group);
    rep.evictable += p.blocks;
  }

  void release_prefix(Replica& rep, Seq& q) {
    if (!q.holds) return;
    q.holds = false;
    unuse_prefix(rep, q.group, rep.prefixes.at(q.group));
  }

  // Makes `need` blocks free, evicting unused prefixes oldest first; false
  // (evicting nothing) when even all of them would not do.
  bool make_room(Replica& rep, double need) {
    if (need <= rep.free_blocks) return true;
    if (need > rep.free_blocks + rep.evictable) return false;
    while (need > rep.free_blocks) {
      const std::uint32_t g = rep.unused.front();
      rep.unused.pop_front();
      const auto it = rep.prefixes.find(g);
      rep.free_blocks += it->second.blocks;
      rep.evictable -= it->second.blocks;
      rep.prefixes.erase(it);
      out_.prefix_evictions += 1;
    }
    return true;
  }

  // The tokens of request i's `prompt` this replica has cached (whole blocks,
  // never the whole prompt: its last token is computed for the first output).
  double cached_prefix(const Replica& rep, std::uint32_t i, double prompt) const {
    const ServingRequest& r = w_.requests[i];
    if (!caching_ || r.prefix_group == 0) return 0;
    const auto it = rep.prefixes.find(r.prefix_group);
    if (it == rep.prefixes.end()) return 0;
    const double usable = std::floor(std::min(r.prefix_tokens, prompt - 1) / s_.block_size) * s_.block_size;
    return std::max(0.0, std::min(it->second.tokens, usable));
  }

  // A sequence whose prefix is now computed hands its full blocks to the
  // group's cache entry (extending it), and uses the entry from then on.
  void share_prefix(Replica& rep, Seq& q) {
    const double full = std::floor(q.prefix / s_.block_size) * s_.block_size;
    q.prefix = 0;
    if (full <= 0) return;
    auto [it, added] = rep.prefixes.try_emplace(q.group);
    CachedPrefix& p = it->second;
    if (added) {
      p.lru = rep.unused.end();
      p.users = 1;
      q.holds = true;
    } else if (!q.holds) {
      return;  // computed beside another copy: its blocks stay its own
    }
    if (full <= p.tokens) return;
    const double moved = std::min(q.blocks, (full - p.tokens) / s_.block_size);
    q.blocks -= moved;
    q.shared += moved;
    p.blocks += moved;
    p.tokens = full;
  }

  void preempt(Replica& rep, std::size_t index) {
    Seq& q = rep.running[index];
    release_prefix(rep, q);
    prefilled_[q.req] = 0;  // its cache is gone: this replica recomputes the prompt
    generated_[q.req] = q.generated;
    last_token_[q.req] = q.last_token;
    out_.requests[q.req].max_itl = q.max_itl;
    rep.free_blocks += q.blocks;
    out_.requests[q.req].preemptions += 1;
    out_.preemptions += 1;
    rep.waiting.push_front(q.req);
    rep.running.erase(rep.running.begin() + static_cast<std::ptrdiff_t>(index));
  }

  // Gives running[i] the blocks for `tokens` cached tokens, preempting the
  // newest sequences (recompute) when none are free; false if it had to
  // preempt running[i] itself.
  bool grow(Replica& rep, std::size_t i, double tokens) {
    // The common case (its blocks suffice) stays inline in the per-token loops.
    if (s_.reserve_output || tokens <= rep.running[i].blocks * s_.block_size) return true;
    return grow_blocks(rep, i, tokens);
  }

  [[gnu::noinline]] bool grow_blocks(Replica& rep, std::size_t i, double tokens) {
    const double need = blocks_for(tokens) - rep.running[i].blocks - rep.running[i].shared;
    while (!make_room(rep, need)) {
      const std::size_t victim = rep.running.size() - 1;
      preempt(rep, victim);
      if (victim == i) return false;
    }
    if (need > 0) {
      rep.running[i].blocks += need;
      rep.free_blocks -= need;
    }
    return true;
  }

  // Requests whose prompt a prefill worker computed join the decodes with
  // their cache (blocks for it and the next token), oldest first.
  void admit_prefilled(Replica& rep, double now) {
    while (!rep.waiting.empty() && rep.running.size() < s_.max_seqs && prefilled_[rep.waiting.front()]) {
      const std::uint32_t i = rep.waiting.front();
      RequestResult& r = out_.requests[i];
      const double need = blocks_for(s_.reserve_output ? r.input + r.output : r.input + 1);
      if (!make_room(rep, need)) break;
      rep.waiting.pop_front();
      rep.free_blocks -= need;
      Seq q{i, r.input, r.input, need, 0, r.output, last_token_[i], 0, true};
      q.limit = r.input + r.output;
      rep.running.push_back(q);
      if (r.scheduled < 0) r.scheduled = now;
    }
  }

  void admit(Replica& rep, double now, double& budget, StepShape& shape) {
    while (!rep.waiting.empty() && rep.running.size() < s_.max_seqs && budget > 0) {
      const std::uint32_t i = rep.waiting.front();
      if (prefilled_[i]) break;  // admitted with the next step's decodes
      const RequestResult& r = out_.requests[i];
      const double prompt = r.input + generated_[i];
      const double hit = cached_prefix(rep, i, prompt);
      double chunk = std::min(prompt - hit, budget);
      // Unchunked prompts wait for a step with room, unless the step is
      // empty (a recomputed prompt may exceed the budget on its own).
      if (!s_.chunked_prefill && chunk < prompt - hit) {
        if (!rep.running.empty() || !rep.chunks.empty()) break;
        chunk = prompt - hit;
      }
      const double need = blocks_to_admit(r, hit, chunk);
      CachedPrefix* p = hit > 0 ? &rep.prefixes.at(w_.requests[i].prefix_group) : nullptr;
      if (p) use_prefix(rep, *p);  // not evicted to make room for its own user
      if (!make_room(rep, need)) {
        if (p) unuse_prefix(rep, w_.requests[i].prefix_group, *p);
        break;
      }
      rep.waiting.pop_front();
      rep.free_blocks -= need;
      rep.running.push_back(new_sequence(i, prompt, hit, need));
      rep.chunks.push_back({rep.running.size() - 1, chunk});
      budget -= chunk;
      RequestResult& out = out_.requests[i];
      if (out.scheduled < 0) {
        out.scheduled = now;
        shape.new_requests += 1;
      }
    }
  }

  // Request i admitted with `hit` prompt tokens from its group's cache
  // (already in use for it) and `need` blocks of its own.
  Seq new_sequence(std::uint32_t i, double prompt, double hit, double need) {
    RequestResult& rec = out_.requests[i];
    Seq q{i, prompt, hit, need, generated_[i], rec.output, last_token_[i], rec.max_itl, rec.first_token >= 0};
    q.limit = rec.input + rec.output;
    count_prefix(i, prompt, hit);
    rec.cached = hit;
    const ServingRequest& r = w_.requests[i];
    if (caching_ && r.prefix_group != 0) {
      q.group = r.prefix_group;
      q.holds = hit > 0;
      q.shared = hit / s_.block_size;
      q.prefix = std::min(r.prefix_tokens, prompt);
    }
    return q;
  }

  void count_prefix(std::uint32_t i, double prompt, double hit) {
    if (w_.requests[i].prefix_group == 0) return;
    out_.prefix_admissions += 1;
    out_.prefix_prompt_tokens += prompt;
    out_.prefix_hit_tokens += hit;
    out_.prefix_hits += hit > 0 ? 1 : 0;
  }

  // A running sequence still in its prompt gets the next chunk that fits.
  void continue_prefill(Replica& rep, std::size_t& i, double& budget) {
    Seq& q = rep.running[i];
    const double left = q.prompt - q.cached;
    const double chunk = std::min(left, budget);
    if (chunk <= 0 || (!s_.chunked_prefill && chunk < left)) return;
    if (!grow(rep, i, q.cached + chunk)) {
      --i;  // it was preempted: the next sequence now sits at i
      return;
    }
    rep.chunks.push_back({i, chunk});
    budget -= chunk;
  }

  void plan_continuous(Replica& rep, double now, StepShape& shape) {
    admit_prefilled(rep, now);
    double budget = s_.max_tokens;
    bool prefill_only = false;
    if (s_.order == StepOrder::prefill_first) {
      for (const Seq& q : rep.running) prefill_only = prefill_only || q.prefilling();
      prefill_only = prefill_only || (!rep.waiting.empty() && rep.running.size() < s_.max_seqs && can_admit(rep));
    }
    // Running sequences in order: the next chunk of a prompt, or a decode.
    plan_running(rep, budget, shape, prefill_only, true);
    if (s_.order == StepOrder::decode_first || prefill_only) admit(rep, now, budget, shape);
    // A prefill-first step whose prompts could not start after all: decodes.
    if (prefill_only && rep.chunks.empty()) plan_running(rep, budget, shape, false, false);
  }

  void plan_running(Replica& rep, double& budget, StepShape& shape, bool prefill_only, bool prompts) {
    const double query = 1.0 + c_.spec_k;  // tokens a decode feeds the step
    double context = 0;
    for (std::size_t i = 0; i < rep.running.size(); ++i) {
      if (rep.running[i].prefilling()) {
        if (prompts) continue_prefill(rep, i, budget);
        continue;
      }
      if (prefill_only || budget < query) continue;
      // Engines draft no further than the answer's end.
      if (!grow(rep, i, std::min(rep.running[i].cached + query, rep.running[i].limit))) {
        --i;
        continue;
      }
      rep.decodes.push_back(i);
      context += rep.running[i].cached;
      budget -= query;
    }
    shape.decode_context = context;
  }

  bool can_admit(const Replica& rep) const {
    const std::uint32_t i = rep.waiting.front();
    const RequestResult& r = out_.requests[i];
    const double prompt = r.input + generated_[i];
    const double hit = cached_prefix(rep, i, prompt);
    const double need = blocks_to_admit(r, hit, std::min(prompt - hit, s_.max_tokens));
    // Its own prefix, if unused, is pinned rather than evicted for it.
    double evictable = rep.evictable;
    if (hit > 0) {
      const CachedPrefix& p = rep.prefixes.at(w_.requests[i].prefix_group);
      if (p.users == 0) evictable -= p.blocks;
    }
    return need <= rep.free_blocks + evictable;
  }

  // Static batching (HF generate): a batch is admitted whole, its prompts
  // padded to the longest, and decodes until its longest answer is done.
  void plan_static(Replica& rep, double now, StepShape& shape) {
    if (rep.running.empty()) {
      double budget = kNever;
      admit(rep, now, budget, shape);
      return;
    }
    for (std::size_t i = 0; i < rep.running.size(); ++i) {
      rep.decodes.push_back(i);
      shape.decode_context += rep.running[i].cached;
    }
  }

  void start_step(Replica& rep, double now) {
    rep.chunks.clear();
    rep.decodes.clear();
    StepShape shape;
    if (s_.static_batching)
      plan_static(rep, now, shape);
    else
      plan_continuous(rep, now, shape);
    if (rep.chunks.empty() && rep.decodes.empty()) {
      rep.busy = false;
      return;
    }
    double longest = 0;
    for (const Planned& ch : rep.chunks) longest = std::max(longest, ch.tokens);
    chunk_shapes_.clear();
    for (const Planned& ch : rep.chunks) {
      // Static batches pad every prompt to the longest one.
      const double tokens = s_.static_batching ? longest : ch.tokens;
      shape.prefill_tokens += tokens;
      chunk_shapes_.push_back({tokens, rep.running[ch.seq].cached});
    }
    shape.decode_seqs = static_cast<unsigned>(rep.decodes.size());
    const double seconds = cost_.time(shape, chunk_shapes_);
    rep.busy = true;
    rep.until = now + seconds;
    record_step(rep, now, seconds);
  }

  void record_step(const Replica& rep, double now, double seconds) {
    out_.steps += 1;
    out_.busy_time += seconds;
    const double running = static_cast<double>(rep.running.size());
    const double kv = 1.0 - (rep.free_blocks + rep.evictable) / blocks_;
    out_.running_area += running * seconds;
    out_.decode_area += static_cast<double>(rep.decodes.size()) * seconds;
    out_.kv_area += kv * seconds;
    out_.max_running = std::max(out_.max_running, running);
    out_.max_kv_use = std::max(out_.max_kv_use, kv);
    double tokens = static_cast<double>(rep.decodes.size());
    for (const Planned& ch : rep.chunks)
      if (rep.running[ch.seq].cached + ch.tokens >= rep.running[ch.seq].prompt) tokens += 1;
    series_.add(now, seconds, static_cast<double>(rep.waiting.size()), running,
                kv / static_cast<double>(replicas_.size()), tokens);
  }

  // --- the end of a step ---------------------------------------------------

  void produce(Seq& q, double t) {
    q.generated += 1;
    if (q.done()) finishing_ += 1;
    out_.output_tokens += 1;
    if (!q.started) {
      q.started = true;
      out_.requests[q.req].first_token = t;
      q.last_token = t;
    } else {
      streamed(q, t);
    }
  }

  // Tokens of q out at t, after its previous ones: one inter-token gap.
  void streamed(Seq& q, double t) {
    const double gap = t - q.last_token;
    q.max_itl = std::max(q.max_itl, gap);
    q.last_token = t;
    // The sequences of a decode step mostly share their gap: count runs.
    if (gap != pending_gap_) {
      flush_gaps();
      pending_gap_ = gap;
    }
    pending_count_ += 1;
  }

  void end_step(Replica& rep) {
    const double t = rep.until;
    rep.busy = false;
    finishing_ = 0;
    for (const Planned& ch : rep.chunks) {
      Seq& q = rep.running[ch.seq];
      q.cached += ch.tokens;
      out_.prefill_tokens += ch.tokens;
      if (q.prefix > 0 && q.cached >= q.prefix) share_prefix(rep, q);
      if (!q.prefilling()) produce(q, t);
    }
    if (c_.spec_k > 0)
      decode_speculative(rep, t);
    else
      decode_tokens(rep, t);
    flush_gaps();
    if (finishing_ > 0) retire(rep, t);
  }

  // The hot loop (every token of every decode): counters kept in locals,
  // which the compiler cannot do for members written through Seq&.
  void decode_tokens(Replica& rep, double t) {
    double gap_value = pending_gap_, gap_count = pending_count_, produced = 0;
    unsigned finishing = 0;
    for (std::size_t d : rep.decodes) {
      Seq& q = rep.running[d];
      q.cached += 1;
      if (q.done()) continue;  // static batches pad finished sequences
      q.generated += 1;
      produced += 1;
      finishing += q.done() ? 1 : 0;
      const double gap = t - q.last_token;
      q.max_itl = std::max(q.max_itl, gap);
      q.last_token = t;
      if (gap != gap_value) {
        if (gap_count > 0) out_.gaps.add(gap_value, gap_count);
        gap_value = gap;
        gap_count = 0;
      }
      gap_count += 1;
    }
    pending_gap_ = gap_value;
    pending_count_ = gap_count;
    out_.output_tokens += produced;
    finishing_ += finishing;
  }

  // Tokens one sequence gains in a speculative step: the verified one and
  // the drafted ones accepted in a row.
  double draw_tokens() {
    const double u = rng_.uniform();
    double n = 1;
    for (double p : survive_) {
      if (u >= p) break;
      n += 1;
    }
    return n;
  }

  void decode_speculative(Replica& rep, double t) {
    for (std::size_t d : rep.decodes) {
      Seq& q = rep.running[d];
      const double drawn = draw_tokens();
      const double n = std::min(drawn, q.output - q.generated);
      out_.spec_steps += 1;
      out_.spec_tokens += drawn;
      q.cached += n;
      q.generated += n;
      out_.output_tokens += n;
      finishing_ += q.done() ? 1 : 0;
      streamed(q, t);
    }
  }

  void flush_gaps() {
    if (pending_count_ > 0) out_.gaps.add(pending_gap_, pending_count_);
    pending_count_ = 0;
  }

  void retire(Replica& rep, double t) {
    auto done = [](const Seq& q) { return q.done(); };
    if (s_.static_batching && !std::all_of(rep.running.begin(), rep.running.end(), done)) return;
    std::size_t kept = 0;
    for (std::size_t k = 0; k < rep.running.size(); ++k) {
      const Seq& q = rep.running[k];
      if (!done(q)) {
        if (kept != k) rep.running[kept] = q;
        ++kept;
        continue;
      }
      release_prefix(rep, rep.running[k]);
      RequestResult& r = out_.requests[q.req];
      r.max_itl = q.max_itl;
      r.finish = t;
      r.state = RequestState::finished;
      rep.free_blocks += q.blocks;
      rep.outstanding -= 1;
      in_system_ -= 1;
      out_.end_time = std::max(out_.end_time, t);
      if (w_.concurrency > 0) sends_.push(t);
    }
    rep.running.resize(kept);
  }

  StepCost& cost_;
  const Workload& w_;
  const SimulationConfig& c_;
  const SchedulerProfile& s_;
  Series series_;
  SimulationResult out_;
  std::vector<Replica> replicas_;
  std::vector<Chunk> chunk_shapes_;  // scratch for the step being planned
  std::vector<double> generated_, last_token_;
  std::vector<char> prefilled_;  // its cache arrived with it and is still whole
  bool caching_ = false;         // prefix caching
  std::vector<double> survive_;  // speculative: P(the first j drafted tokens are all accepted)
  SplitMix rng_{c_.seed ^ 0x9e6c63d0676a9a99ULL};
  std::priority_queue<double, std::vector<double>, std::greater<>> sends_;  // closed loop: when clients send
  std::size_t sent_ = 0, arrived_ = 0, rr_ = 0;
  double blocks_ = 0, limit_ = 0, now_ = 0, in_system_ = 0;
  double pending_gap_ = -1, pending_count_ = 0;  // a run of equal inter-token gaps not yet counted
  unsigned finishing_ = 0;                       // sequences done in the step being ended
  double half_window_ = 0, q_mid_time_ = -1, q_mid_ = 0, q_end_time_ = -1, q_end_ = 0;
};

}  // namespace

void GapHistogram::add(double seconds, double count) {
  // Callers pass runs of equal gaps with their count (decode_tokens).
  const auto i =
      static_cast<std::size_t>(std::log2(std::max(seconds, kSmallestGap) / kSmallestGap) * kBucketsPerOctave);
  if (counts_.size() <= i) counts_.resize(i + 1, 0.0);
  counts_[i] += count;
  total_ += count;
  sum_ += seconds * count;
}

double GapHistogram::quantile(double q) const {
  if (total_ <= 0) return 0;
  const double target = q * total_;
  double seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= target && counts_[i] > 0)
      return kSmallestGap * std::exp2((static_cast<double>(i) + 0.5) / kBucketsPerOctave);
  }
  return kSmallestGap * std::exp2(static_cast<double>(counts_.size()) / kBucketsPerOctave);
}

SimulationResult simulate(StepCost& cost, const Workload& workload, const SimulationConfig& config) {
  return Simulation(cost, workload, config).run();
}

}  // namespace genz
