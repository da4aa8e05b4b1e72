// Statistics windows: resetCounters() zeroes the counters of a ResourcePool and of a
// SlotCalendar and keeps their timing state, so the queue after the reset is the queue without
// it (hand-computed starts and waits).
#include <gtest/gtest.h>

#include "mem/ResourcePool.h"
#include "mem/SlotCalendar.h"

using namespace smmu;

TEST(CounterReset, ResourcePoolKeepsItsServersBusy) {
  ResourcePool pool(1);
  const auto g = pool.acquire(0);  // starts at 0, holds the server until 50
  EXPECT_EQ(g.start, 0u);
  pool.release(g, 50);
  EXPECT_EQ(pool.reserve(10, 30), 50u);  // waits 40, holds until 80
  EXPECT_EQ(pool.jobs(), 2u);
  EXPECT_EQ(pool.waitSum(), 40u);
  EXPECT_EQ(pool.busySum(), 80u);
  pool.resetCounters();
  EXPECT_EQ(pool.jobs(), 0u);
  EXPECT_EQ(pool.jobsThatWaited(), 0u);
  EXPECT_EQ(pool.waitSum(), 0u);
  EXPECT_EQ(pool.maxWait(), 0u);
  EXPECT_EQ(pool.busySum(), 0u);
  // The server is still busy until 80: a job arriving at 20 waits 60.
  EXPECT_EQ(pool.reserve(20, 10), 80u);
  EXPECT_EQ(pool.jobs(), 1u);
  EXPECT_EQ(pool.jobsThatWaited(), 1u);
  EXPECT_EQ(pool.waitSum(), 60u);
  EXPECT_EQ(pool.maxWait(), 60u);
  EXPECT_EQ(pool.busySum(), 10u);
}

TEST(CounterReset, SlotCalendarKeepsItsReservations) {
  SlotCalendar cal;
  cal.configure(1, 100);  // one channel, 100 ps slots
  EXPECT_EQ(cal.reserve(0), 0u);
  EXPECT_EQ(cal.reserve(0), 100u);  // slot 0 full
  EXPECT_EQ(cal.jobs(), 2u);
  EXPECT_EQ(cal.jobsThatWaited(), 1u);
  cal.resetCounters();
  EXPECT_EQ(cal.jobs(), 0u);
  EXPECT_EQ(cal.jobsThatWaited(), 0u);
  EXPECT_EQ(cal.waitSum(), 0u);
  EXPECT_EQ(cal.maxWait(), 0u);
  // Slots 0 and 1 are still taken: the next access at 0 starts in slot 2.
  EXPECT_EQ(cal.reserve(0), 200u);
  EXPECT_EQ(cal.jobs(), 1u);
  EXPECT_EQ(cal.jobsThatWaited(), 1u);
  EXPECT_EQ(cal.waitSum(), 200u);
  EXPECT_EQ(cal.maxWait(), 200u);
}
