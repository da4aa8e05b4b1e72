// A pool of identical servers (memory channels, walker slots, translation slots) shared in
// simulated time. Jobs reserve the earliest-free server when they arrive: with arrivals in
// time order this is an exact FIFO multi-server queue, which is what the contention-accurate
// mode gives (every requester synchronises with the kernel before it issues). Pure C++.
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "arch/Types.h"

namespace smmu {

class ResourcePool {
 public:
  explicit ResourcePool(unsigned servers = 0) { resize(servers); }
  // 0 servers = unlimited: every job starts when it arrives.
  void resize(unsigned servers) {
    servers_ = servers;
    freeAt_.assign(servers, 0);
  }
  unsigned servers() const { return servers_; }
  bool limited() const { return servers_ != 0; }

  struct Grant {
    unsigned server = 0;
    Tick start = 0;
  };
  // The earliest-free server for a job arriving at `arrival`; release() it when the job's end
  // is known.
  // The free-at times form a min-heap: acquire() takes the earliest-free server out of it and
  // release() puts it back with its new free-at time (acquire/release pairs do not interleave
  // within one pool). Servers are identical, so which one serves is immaterial.
  Grant acquire(Tick arrival) {
    if (!limited()) {  // the job starts on arrival: no wait to account (a TLB hit's usual case)
      ++jobs_;
      return Grant{0, arrival};
    }
    return acquireLimited(arrival);
  }
  void release(const Grant& g, Tick end) {
    busySum_ += end - g.start;
    if (servers_) {
      freeAt_.push_back(end);
      std::push_heap(freeAt_.begin(), freeAt_.end(), std::greater<Tick>());
    }
  }
  // A server can take a job (now or when it frees): false only while every server is held by a
  // job whose end is not known yet (acquired, not yet released).
  bool available() const { return !limited() || !freeAt_.empty(); }
  // The earliest time a server is free (available() and limited() only).
  Tick earliestFree() const { return freeAt_.front(); }
  // acquire() for a job whose start was decided outside the pool: an arbiter granted it a server
  // at `start` (>= arrival), when one was free then. The wait is accounted as acquire() would.
  Grant acquireAt(Tick arrival, Tick start) {
    if (limited()) takeEarliestFree();
    return startJob(arrival, start);
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
  // Zeroes the counters above (a statistics window starts) and keeps the servers' free-at
  // times: the queue goes on as if nothing happened. A job acquired before and released after
  // adds its whole holding time to busySum.
  void resetCounters() {
    jobs_ = waited_ = 0;
    waitSum_ = maxWait_ = busySum_ = 0;
  }

 private:
  // Out of line: acquire() stays small enough to inline (an unlimited pool is a hit's case).
  __attribute__((noinline)) Grant acquireLimited(Tick arrival) {
    return startJob(arrival, std::max(arrival, takeEarliestFree()));
  }
  // Takes the earliest-free server out of the heap; returns its free-at time.
  Tick takeEarliestFree() {
    std::pop_heap(freeAt_.begin(), freeAt_.end(), std::greater<Tick>());
    const Tick t = freeAt_.back();
    freeAt_.pop_back();
    return t;
  }
  // A job arriving at `arrival` starts at `start`: counted, with its wait.
  Grant startJob(Tick arrival, Tick start) {
    const Tick wait = start - arrival;
    ++jobs_;
    waitSum_ += wait;
    if (wait) ++waited_;
    maxWait_ = std::max(maxWait_, wait);
    return Grant{0, start};
  }

  unsigned servers_ = 0;
  std::vector<Tick> freeAt_;  // min-heap of the free servers' free-at times
  uint64_t jobs_ = 0, waited_ = 0;
  Tick waitSum_ = 0, maxWait_ = 0, busySum_ = 0;
};

}  // namespace smmu
