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
  size_t best = 0;
  switch (policy_) {
    case ArbitrationPolicy::Fifo:
      break;  // waiting_ is in arrival order
    case ArbitrationPolicy::Qos:
      for (size_t i = 1; i < waiting_.size(); ++i)
        if (waiting_[i].w.qos > waiting_[best].w.qos) best = i;  // ties: the older (earlier)
      break;
    case ArbitrationPolicy::RoundRobin: {
      // The port after lastPort_ in cyclic order: the smallest (port - lastPort_ - 1) mod 2^32.
      auto distance = [this](uint32_t port) {
        return servedAny_ ? uint32_t(port - lastPort_ - 1u) : port;
      };
      for (size_t i = 1; i < waiting_.size(); ++i)
        if (distance(waiting_[i].w.port) < distance(waiting_[best].w.port)) best = i;
      break;
    }
  }
  return best;
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
