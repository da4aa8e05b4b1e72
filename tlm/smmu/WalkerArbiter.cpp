#include "smmu/WalkerArbiter.h"

#include <utility>

namespace smmu {

namespace {
const std::pair<ArbitrationPolicy, const char*> kPolicies[] = {
    {ArbitrationPolicy::Fifo, "fifo"},
    {ArbitrationPolicy::RoundRobin, "round_robin"},
    {ArbitrationPolicy::Qos, "qos"}};
}  // namespace

std::string_view arbitrationName(ArbitrationPolicy p) {
  for (const auto& [policy, name] : kPolicies)
    if (policy == p) return name;
  return "?";
}

const std::vector<std::string>& arbitrationNames() {
  static const std::vector<std::string> n = [] {
    std::vector<std::string> v;
    for (const auto& [policy, name] : kPolicies) v.emplace_back(name);
    return v;
  }();
  return n;
}

bool parseArbitration(std::string_view name, ArbitrationPolicy& out) {
  for (const auto& [policy, n] : kPolicies)
    if (n == name) {
      out = policy;
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
  request(w);
  return false;
}

WalkerArbiter::Key WalkerArbiter::keyOf(const Waiter& w) {
  Key k{0, 0, w.order, seq_++, w.id};
  if (policy_ == ArbitrationPolicy::RoundRobin) k.port = w.port;
  if (policy_ == ArbitrationPolicy::Qos) k.rank = uint8_t(15 - (w.qos & 15));
  return k;
}

void WalkerArbiter::request(const Waiter& w) {
  const Key k = keyOf(w);
  queue_.insert(k);
  waiting_[w.id] = Queued{w, k};
}

std::set<WalkerArbiter::Key>::iterator WalkerArbiter::pick() {
  if (policy_ != ArbitrationPolicy::RoundRobin || !servedAny_ || lastPort_ == UINT32_MAX)
    return queue_.begin();
  // The first port after the one served last, wrapping to the smallest: its oldest request.
  auto it = queue_.lower_bound(Key{lastPort_ + 1, 0, 0, 0, 0});
  return it == queue_.end() ? queue_.begin() : it;
}

WalkerArbiter::Waiter WalkerArbiter::take(std::set<Key>::iterator it) {
  const auto q = waiting_.find(it->id);
  const Waiter w = q->second.w;
  waiting_.erase(q);
  queue_.erase(it);
  lastPort_ = w.port;
  servedAny_ = true;
  return w;
}

bool WalkerArbiter::grant(Waiter* out) {
  if ((walkers_ != 0 && busy_ >= walkers_) || waiting_.empty()) return false;
  const Waiter w = take(pick());
  ++busy_;
  if (out) *out = w;
  return true;
}

void WalkerArbiter::free() {
  if (busy_) --busy_;
}

bool WalkerArbiter::cancel(uint64_t id) {
  const auto q = waiting_.find(id);
  if (q == waiting_.end()) return false;
  queue_.erase(q->second.key);
  waiting_.erase(q);
  return true;
}

bool WalkerArbiter::release(Waiter* next) {
  free();
  return grant(next);  // the walker passes straight to the next waiter, if any
}

}  // namespace smmu
