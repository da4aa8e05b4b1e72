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

// A transfer of several bursts takes one slot per burst, each the first slot with room after
// the previous burst's; it counts as one access whose wait is the delay beyond back to back.
TEST(SlotCalendar, MultiBurstAccessTakesConsecutiveSlotsWithRoom) {
  SlotCalendar cal;
  cal.configure(1, 10);  // one channel, 10 ps per burst
  // Uncontended: 4 bursts in slots 0..3, the last starting at 30.
  EXPECT_EQ(cal.reserve(3, 4), 33u);  // arrives at 3: bursts at 3, 13, 23, 33
  EXPECT_EQ(cal.jobs(), 1u);
  EXPECT_EQ(cal.jobsThatWaited(), 0u);
  // Slots 0..3 are full: a one-burst access arriving at 5 starts in slot 4.
  EXPECT_EQ(cal.reserve(5), 40u);
  EXPECT_EQ(cal.waitSum(), 35u);
  // Slot 6 taken first, then a 3-burst access from 45: slot 4 full, so bursts in 5, 7, 8; the
  // last starts at 80 instead of 45 + 2 * 10 = 65: it waited 15.
  EXPECT_EQ(cal.reserve(60), 60u);
  EXPECT_EQ(cal.reserve(45, 3), 80u);
  EXPECT_EQ(cal.jobs(), 4u);
  EXPECT_EQ(cal.jobsThatWaited(), 2u);
  EXPECT_EQ(cal.waitSum(), 35u + 15u);
  EXPECT_EQ(cal.maxWait(), 35u);
}

TEST(SlotCalendar, TwoChannelsCarryTwoTransfersSideBySide) {
  SlotCalendar cal;
  cal.configure(2, 10);
  EXPECT_EQ(cal.reserve(0, 4), 30u);
  EXPECT_EQ(cal.reserve(0, 4), 30u);  // the second channel
  EXPECT_EQ(cal.reserve(0, 2), 50u);  // slots 0..3 full on both: bursts in slots 4 and 5
  EXPECT_EQ(cal.jobsThatWaited(), 1u);
  EXPECT_EQ(cal.waitSum(), 40u);  // 50 instead of 10
}
