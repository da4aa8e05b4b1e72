// The device's queue of in-flight completion times: always yields the earliest, like the
// min-heap it replaces, whatever order the completions arrive in.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "Device.h"
#include "Traffic.h"

namespace smmu::tb {
namespace {

TEST(CompletionQueue, YieldsTheEarliestInAnyArrivalOrder) {
  CompletionQueue q;
  q.reset(4);
  q.push(500);
  q.push(300);  // earlier than the last: inserted before it
  q.push(300);  // equal times are kept
  q.push(900);
  EXPECT_EQ(q.size(), 4u);
  EXPECT_EQ(q.earliest(), 300u);
  EXPECT_EQ(q.popEarliest(), 300u);
  EXPECT_EQ(q.popEarliest(), 300u);
  q.push(100);  // wraps around the ring
  q.push(700);
  EXPECT_EQ(q.popEarliest(), 100u);
  EXPECT_EQ(q.popEarliest(), 500u);
  EXPECT_EQ(q.popEarliest(), 700u);
  EXPECT_EQ(q.popEarliest(), 900u);
  EXPECT_EQ(q.size(), 0u);
}

TEST(CompletionQueue, MatchesASortedReferenceOnARandomStream) {
  // A device with 8 slots: pop the earliest when full, push a completion at a random time.
  CompletionQueue q;
  q.reset(8);
  std::vector<Tick> ref;
  Rng rng(42);
  for (unsigned i = 0; i < 10000; ++i) {
    if (q.size() == 8) {
      const auto it = std::min_element(ref.begin(), ref.end());
      ASSERT_EQ(q.popEarliest(), *it) << "step " << i;
      ref.erase(it);
    }
    const Tick t = 1000 + i * 10 + rng.below(400);  // mostly in order, sometimes not
    q.push(t);
    ref.push_back(t);
  }
  std::sort(ref.begin(), ref.end());
  for (Tick t : ref) ASSERT_EQ(q.popEarliest(), t);
}

}  // namespace
}  // namespace smmu::tb
