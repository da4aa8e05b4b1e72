// SlotCalendar's skip pointers give exactly the start times of the slot-by-slot search they
// replace, also for accesses arriving out of time order (LT) and under saturation.
#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

#include "mem/SlotCalendar.h"

using namespace smmu;

namespace {

// The definition: an access takes the first slot at or after its arrival's slot that holds
// fewer than `channels` accesses (no window).
struct ReferenceCalendar {
  unsigned channels;
  Tick slot;
  std::unordered_map<uint64_t, unsigned> used;
  Tick reserve(Tick arrival) {
    uint64_t s = arrival / slot;
    while (used[s] >= channels) ++s;
    ++used[s];
    return std::max(arrival, Tick(s) * slot);
  }
};

}  // namespace

TEST(SlotCalendar, SkipPointersMatchTheSlotBySlotDefinition) {
  for (unsigned channels : {1u, 2u, 3u, 8u}) {
    SCOPED_TRACE(channels);
    SlotCalendar cal;
    cal.configure(channels, 10);
    ReferenceCalendar ref{channels, 10, {}};
    std::mt19937_64 rng(channels);
    Tick t = 0;
    for (int i = 0; i < 8000; ++i) {
      // Mostly advancing arrivals in bursts (saturating the channels), some far ahead (a walk's
      // later reads), some behind (LT order).
      const unsigned kind = unsigned(rng() % 10);
      Tick a = t;
      if (kind < 6) t += rng() % 4;
      else if (kind < 8) a = t + rng() % 5000;
      else a = t > 2000 ? t - rng() % 2000 : t;
      ASSERT_EQ(cal.reserve(a), ref.reserve(a)) << i;
    }
  }
}

TEST(SlotCalendar, ABacklogOfFullSlotsIsSkipped) {
  // One channel, 10 ps slots: 50,000 accesses at time 0 form a backlog of 50,000 full slots;
  // the last one starts at slot 49,999, and one more access at time 0 right after it.
  SlotCalendar cal;
  cal.configure(1, 10);
  Tick last = 0;
  for (int i = 0; i < 50000; ++i) last = cal.reserve(0);
  EXPECT_EQ(last, 499990u);
  EXPECT_EQ(cal.reserve(0), 500000u);
  EXPECT_EQ(cal.reserve(250000), 500010u);  // arriving inside the backlog
  EXPECT_EQ(cal.jobsThatWaited(), 50001u);
}
