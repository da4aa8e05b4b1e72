#include "smmu/WalkerArbiter.h"

namespace smmu {

std::string_view arbitrationName(ArbitrationPolicy p) {
  switch (p) {
    case ArbitrationPolicy::Fifo: return "fifo";
    case ArbitrationPolicy::RoundRobin: return "round_robin";
    case ArbitrationPolicy::Qos: return "qos";
  }
  return "?";
}

const std::vector<std::string>& arbitrationNames() {
  static const std::vector<std::string> n = {"fifo", "round_robin", "qos"};
  return n;
}

bool parseArbitration(std::string_view name, ArbitrationPolicy& out) {
  for (ArbitrationPolicy p :
       {ArbitrationPolicy::Fifo, ArbitrationPolicy::RoundRobin, ArbitrationPolicy::Qos})
    if (arbitrationName(p) == name) {
      out = p;
      return true;
    }
  return false;
}

WalkerArbiter::WalkerArbiter(unsigned walkers, ArbitrationPolicy policy)
    : walkers_(walkers), policy_(policy) {}

bool WalkerArbiter::acquire(const Waiter& w) {
  if (walkers_ == 0 || (busy_ < walkers_ && waiting_.empty())) {
    ++busy_;
    lastPort_ = w.port;
    servedAny_ = true;
    return true;
  }
  waiting_.push_back(Queued{w, seq_++});
  return false;
}

size_t WalkerArbiter::pick() const {
  // Each policy's key, smaller first; ties go to the older request (order, then request seq).
  auto older = [this](size_t i, size_t j) {
    const Queued &a = waiting_[i], &b = waiting_[j];
    return a.w.order != b.w.order ? a.w.order < b.w.order : a.seq < b.seq;
  };
  // round_robin: the port after lastPort_ in cyclic order, the smallest
  // (port - lastPort_ - 1) mod 2^32.
  auto distance = [this](uint32_t port) {
    return servedAny_ ? uint32_t(port - lastPort_ - 1u) : port;
  };
  size_t best = 0;
  for (size_t i = 1; i < waiting_.size(); ++i) {
    const Waiter &a = waiting_[i].w, &b = waiting_[best].w;
    bool better = false;
    switch (policy_) {
      case ArbitrationPolicy::Fifo:
        better = older(i, best);
        break;
      case ArbitrationPolicy::Qos:
        better = a.qos != b.qos ? a.qos > b.qos : older(i, best);
        break;
      case ArbitrationPolicy::RoundRobin: {
        const uint32_t da = distance(a.port), db = distance(b.port);
        better = da != db ? da < db : older(i, best);
        break;
      }
    }
    if (better) best = i;
  }
  return best;
}

void WalkerArbiter::request(const Waiter& w) { waiting_.push_back(Queued{w, seq_++}); }

bool WalkerArbiter::grant(Waiter* out) {
  if ((walkers_ != 0 && busy_ >= walkers_) || waiting_.empty()) return false;
  const size_t i = pick();
  const Waiter w = waiting_[i].w;
  waiting_.erase(waiting_.begin() + long(i));
  ++busy_;
  lastPort_ = w.port;
  servedAny_ = true;
  if (out) *out = w;
  return true;
}

void WalkerArbiter::free() {
  if (busy_) --busy_;
}

bool WalkerArbiter::cancel(uint64_t id) {
  for (auto it = waiting_.begin(); it != waiting_.end(); ++it)
    if (it->w.id == id) {
      waiting_.erase(it);
      return true;
    }
  return false;
}

bool WalkerArbiter::release(Waiter* next) {
  if (waiting_.empty()) {
    if (busy_) --busy_;
    return false;
  }
  const size_t i = pick();
  const Waiter w = waiting_[i].w;
  waiting_.erase(waiting_.begin() + long(i));
  lastPort_ = w.port;
  servedAny_ = true;
  if (next) *next = w;
  return true;  // the walker passes straight to w: busy_ is unchanged
}

}  // namespace smmu
