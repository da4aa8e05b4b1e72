// Memory-channel contention as a calendar of time slots: time is cut into slots of one
// access's channel occupancy, and each slot takes at most `channels` accesses. An access that
// arrives in a full slot starts at the next slot with room. Unlike a "free at" per channel,
// the calendar fills gaps: a table walk reserves its later reads in the future without
// blocking accesses that arrive earlier in simulated time but are modelled later (LT order).
// A ring of slots covers a window of the future; an access past it, or a slot the ring has
// reused for a later time, counts as full. Pure C++, O(1) per access without contention; under
// saturation a full slot points past itself to the next slot that may have room (the pointers
// are compressed on every search, as in union-find), so a backlog of full slots is skipped in
// near-constant time instead of slot by slot.
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

  // Start time of an access arriving at `arrival` (>= arrival) that occupies a channel for one
  // slot.
  Tick reserve(Tick arrival) { return reserve(arrival, 1); }
  // An access of `bursts` slots (a transfer larger than one burst): its bursts take one slot
  // each, every burst the first slot with room after the previous one's (back to back when the
  // channels have room). Returns the start of the last burst. It counts as one access, whose
  // wait is the delay of its last burst beyond an uncontended transfer.
  Tick reserve(Tick arrival, unsigned bursts) {
    ++jobs_;
    if (!limited()) return arrival;
    Tick start = reserveSlot(arrival);
    for (unsigned i = 1; i < bursts; ++i) start = reserveSlot(start + slot_);
    account(start - arrival - Tick(bursts - 1) * slot_);
    return start;
  }
  Tick slot() const { return slot_; }

  uint64_t jobs() const { return jobs_; }
  uint64_t jobsThatWaited() const { return waited_; }
  Tick waitSum() const { return waitSum_; }
  Tick maxWait() const { return maxWait_; }
  // Zeroes the counters above (a statistics window starts); the slots keep their accesses.
  void resetCounters() {
    jobs_ = waited_ = 0;
    waitSum_ = maxWait_ = 0;
  }

 private:
  // One burst: the first slot with room at or after `arrival`; its start (>= arrival).
  Tick reserveSlot(Tick arrival) {
    const uint64_t first = arrival / slot_;
    uint64_t s = first;
    path_.clear();
    while (s - first < kRingSlots) {
      Slot& e = ring_[s % kRingSlots];
      if (e.index != s) {
        if (e.index > s && e.used) {  // holds a later slot: treat as full
          ++s;
          continue;
        }
        e.index = s;  // stale (an earlier slot): reuse
        e.used = 0;
        e.next = s + 1;
      }
      if (e.used < channels_) {
        if (++e.used == channels_) {
          e.next = s + 1;
          path_.push_back(&e);
        }
        compress(s + (e.used == channels_ ? 1 : 0));
        return std::max(arrival, Tick(s) * slot_);
      }
      path_.push_back(&e);
      s = std::max(e.next, s + 1);  // full: jump to where room may be
    }
    s = first + kRingSlots;  // saturated window: past it
    compress(s);
    return Tick(s) * slot_;
  }
  struct Slot {
    uint64_t index = ~uint64_t(0) >> 1;
    uint32_t used = 0;
    uint64_t next = 0;  // when full: a later slot, every slot before which is full
  };
  // The full slots just passed all lead to `to`.
  void compress(uint64_t to) {
    for (Slot* p : path_) p->next = std::max(p->next, to);
  }
  void account(Tick wait) {
    if (wait) ++waited_;
    waitSum_ += wait;
    maxWait_ = std::max(maxWait_, wait);
  }
  unsigned channels_ = 0;
  Tick slot_ = 0;
  std::vector<Slot> ring_;
  std::vector<Slot*> path_;  // full slots visited by the current search
  uint64_t jobs_ = 0, waited_ = 0;
  Tick waitSum_ = 0, maxWait_ = 0;
};

}  // namespace smmu
