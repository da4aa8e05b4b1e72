// One translation as an object (smmu/Translation.h): start() ends a hit at once and parks a
// miss at its walker request, holding its TBU slot; resume() serves it from another walk's fill
// or walks it from a walker grant, with hand-computed latencies.
#include <gtest/gtest.h>

#include "HandBuilt.h"
#include "smmu/Translation.h"

using namespace smmu;
using namespace handbuilt;

namespace {
TranslationRequest request(uint64_t iova, uint32_t port = 0) {
  TranslationRequest r;
  r.port = port;
  r.sid = 1;
  r.iova = iova;
  return r;
}
constexpr Tick kNs = 1000;
}  // namespace

TEST(TranslationPark, MissParksAtItsWalkerRequestAndResumesWithAWalker) {
  SparseMemory mem{kMem};
  SmmuConfig cfg = microConfig();
  cfg.tbuXlateSlots = 1;
  SmmuCore core(cfg, mem);
  build(mem);
  program(core);
  Translation t;
  core.start(t, request(kIova), 0);
  ASSERT_TRUE(t.parked());
  EXPECT_EQ(t.wait, Translation::Wait::Walker);
  EXPECT_EQ(t.parkedAt(), (1 + 2 + 4) * kClk);  // utlb, tlb, walker issue
  EXPECT_FALSE(core.translationSlotAvailable(0));  // it holds the TBU's one slot
  // Nothing has filled the page: a fill arriving resolves nothing.
  EXPECT_FALSE(core.resume(t, Translation::Resume::FillArrived, 20 * kNs));
  EXPECT_TRUE(t.parked());
  // Granted a walker 50 ns after its request: config 2 cycles + 6 reads from the grant.
  const Tick grant = t.parkedAt() + 50 * kNs;
  EXPECT_TRUE(core.resume(t, Translation::Resume::WalkerGranted, grant));
  EXPECT_TRUE(t.done());
  EXPECT_EQ(t.result.servedBy, ServedBy::Walk);
  EXPECT_EQ(t.result.latency, grant + 2 * kClk + 6 * kMem);
  EXPECT_EQ(t.result.pa, kPa);
  EXPECT_TRUE(core.translationSlotAvailable(0));
  EXPECT_EQ(core.walkerSlots().waitSum(), 50 * kNs);
  // Resuming a translation that is done changes nothing.
  EXPECT_TRUE(core.resume(t, Translation::Resume::WalkerGranted, grant + 1000 * kNs));
  EXPECT_EQ(t.result.latency, grant + 2 * kClk + 6 * kMem);
}

TEST(TranslationPark, HitEndsAtOnceAndAParkedMissTakesAnotherWalksFill) {
  SparseMemory mem{kMem};
  SmmuCore core(microConfig(), mem);
  build(mem);
  program(core);
  Translation a, b;
  core.start(a, request(kIova, 0), 0);
  core.start(b, request(kIova + 8, 1), 1 * kNs);  // same page, another port, 1 ns later
  ASSERT_TRUE(a.parked() && b.parked());
  ASSERT_TRUE(core.resume(a, Translation::Resume::WalkerGranted, a.parkedAt()));
  const Tick fill = a.result.latency;  // a's fill is ready then
  // b looks at the main TLB while a's fill is in flight: it waits for it (coalesced).
  ASSERT_TRUE(core.resume(b, Translation::Resume::FillArrived, 100 * kNs));
  EXPECT_EQ(b.result.servedBy, ServedBy::Coalesced);
  EXPECT_EQ(b.arrival + b.result.latency, fill);
  EXPECT_EQ(b.result.pa, kPa + 8);
  EXPECT_EQ(core.stats().tlbMisses, 1u);  // b counts as the hit under fill it is
  EXPECT_EQ(core.stats().tlbHitsUnderFill, 1u);
  // A hit never parks.
  Translation c;
  core.start(c, request(kIova, 0), fill + 100 * kNs);
  EXPECT_TRUE(c.done());
  EXPECT_EQ(c.result.servedBy, ServedBy::Utlb);
  EXPECT_EQ(c.result.latency, 1 * kClk);
}
