// A pool of identical servers (memory channels, walker slots, translation slots) shared in
// simulated time. Jobs reserve the earliest-free server when they arrive: with arrivals in
// time order this is an exact FIFO multi-server queue, which is what the contention-accurate
// mode gives (every requester synchronises with the kernel before it issues). Pure C++.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "arch/Types.h"

namespace smmu {

class ResourcePool {
 public:
  explicit ResourcePool(unsigned servers = 0) { resize(servers); }
  // 0 servers = unlimited: every job starts when it arrives.
  void resize(unsigned servers) { freeAt_.assign(servers, 0); }
  unsigned servers() const { return unsigned(freeAt_.size()); }
  bool limited() const { return !freeAt_.empty(); }

  struct Grant {
    unsigned server = 0;
    Tick start = 0;
  };
  // The earliest-free server for a job arriving at `arrival`; release() it when the job's end
  // is known.
  Grant acquire(Tick arrival) {
    Grant g;
    g.start = arrival;
    if (limited()) {
      g.server = unsigned(std::min_element(freeAt_.begin(), freeAt_.end()) - freeAt_.begin());
      g.start = std::max(arrival, freeAt_[g.server]);
    }
    const Tick wait = g.start - arrival;
    ++jobs_;
    waitSum_ += wait;
    if (wait) ++waited_;
    maxWait_ = std::max(maxWait_, wait);
    return g;
  }
  void release(const Grant& g, Tick end) {
    busySum_ += end - g.start;
    if (limited()) freeAt_[g.server] = end;
  }
  // Both at once, for a job whose holding time is known on arrival. Returns the start.
  Tick reserve(Tick arrival, Tick hold) {
    const Grant g = acquire(arrival);
    release(g, g.start + hold);
    return g.start;
  }

  uint64_t jobs() const { return jobs_; }
  uint64_t jobsThatWaited() const { return waited_; }
  Tick waitSum() const { return waitSum_; }
  Tick maxWait() const { return maxWait_; }
  Tick busySum() const { return busySum_; }  // server-time used (occupancy numerator)

 private:
  std::vector<Tick> freeAt_;
  uint64_t jobs_ = 0, waited_ = 0;
  Tick waitSum_ = 0, maxWait_ = 0, busySum_ = 0;
};

}  // namespace smmu
