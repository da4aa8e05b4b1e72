// Memory-channel contention as a calendar of time slots: time is cut into slots of one
// access's channel occupancy, and each slot takes at most `channels` accesses. An access that
// arrives in a full slot starts at the next slot with room. Unlike a "free at" per channel,
// the calendar fills gaps: a table walk reserves its later reads in the future without
// blocking accesses that arrive earlier in simulated time but are modelled later (LT order).
// A ring of slots covers a window of the future; an access past it, or a slot the ring has
// reused for a later time, counts as full. Pure C++, O(1) per access without contention.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "arch/Types.h"

namespace smmu {

class SlotCalendar {
 public:
  static constexpr unsigned kRingSlots = 1u << 16;

  void configure(unsigned channels, Tick slotPs) {
    channels_ = slotPs ? channels : 0;
    slot_ = slotPs;
    ring_.assign(channels_ ? kRingSlots : 0, Slot{});
  }
  bool limited() const { return channels_ != 0; }
  unsigned channels() const { return channels_; }

  // Start time of an access arriving at `arrival` (>= arrival).
  Tick reserve(Tick arrival) {
    ++jobs_;
    if (!limited()) return arrival;
    uint64_t s = arrival / slot_;
    for (unsigned tries = 0; tries < kRingSlots; ++tries, ++s) {
      Slot& e = ring_[s % kRingSlots];
      if (e.index != s) {
        if (e.index > s && e.used) continue;  // holds a later slot: treat as full
        e.index = s;                          // stale (an earlier slot): reuse
        e.used = 0;
      }
      if (e.used < channels_) {
        ++e.used;
        const Tick start = std::max(arrival, Tick(s) * slot_);
        account(start - arrival);
        return start;
      }
    }
    const Tick start = Tick(s) * slot_;  // saturated window: past it
    account(start - arrival);
    return start;
  }

  uint64_t jobs() const { return jobs_; }
  uint64_t jobsThatWaited() const { return waited_; }
  Tick waitSum() const { return waitSum_; }
  Tick maxWait() const { return maxWait_; }

 private:
  struct Slot {
    uint64_t index = ~uint64_t(0) >> 1;
    uint32_t used = 0;
  };
  void account(Tick wait) {
    if (wait) ++waited_;
    waitSum_ += wait;
    maxWait_ = std::max(maxWait_, wait);
  }
  unsigned channels_ = 0;
  Tick slot_ = 0;
  std::vector<Slot> ring_;
  uint64_t jobs_ = 0, waited_ = 0;
  Tick waitSum_ = 0, maxWait_ = 0;
};

}  // namespace smmu
