// The micro-architecture of one SMMU instance against hand-computed expectations: micro TLB
// and main TLB latencies, walk-cache hits at each level, invalidation of walk caches, walker
// slots as a deterministic multi-server queue, miss coalescing, memory channels.
#include <gtest/gtest.h>

#include "HandBuilt.h"
#include "mem/SlotCalendar.h"

using namespace smmu;
using namespace handbuilt;

namespace {


struct Rig {
  SparseMemory mem{kMem};
  SmmuCore core;
  explicit Rig(SmmuConfig cfg = microConfig()) : core(cfg, mem) {
    build(mem);
    mapMore(mem, 64);
    program(core);
  }
  TranslationResult at(Tick now, uint64_t iova, uint32_t port = 0, uint32_t sid = 1) {
    return translateAt(core, now, iova, port, sid);
  }
  Tick publish(std::initializer_list<std::pair<uint64_t, uint64_t>> cmds) {
    return publishCommands(mem, core, cmds);
  }
};

constexpr uint64_t page(unsigned k) { return kIova + 0x1000ull * k; }

}  // namespace

TEST(SmmuMicroarch, MicroTlbThenMainTlbLatencies) {
  Rig r;
  // Miss: utlb 1 + tlb 2 + issue 4 + config 2 cycles, 6 reads.
  auto miss = r.at(0, page(0));
  EXPECT_EQ(miss.latency, 9 * kClk + 6 * kMem);
  // Same port, later: micro TLB hit, 1 cycle.
  auto u = r.at(10 * kMem, page(0) + 8);
  EXPECT_EQ(u.servedBy, ServedBy::Utlb);
  EXPECT_EQ(u.latency, 1 * kClk);
  // Another port: its micro TLB misses, the main TLB hits: 1 + 2 cycles; then its own uTLB hits.
  auto m = r.at(20 * kMem, page(0), /*port=*/1);
  EXPECT_EQ(m.servedBy, ServedBy::Tlb);
  EXPECT_EQ(m.latency, 3 * kClk);
  EXPECT_EQ(r.at(30 * kMem, page(0), 1).servedBy, ServedBy::Utlb);
  EXPECT_EQ(r.core.stats().utlbHits, 2u);
  EXPECT_EQ(r.core.stats().tlbHits, 1u);
}

TEST(SmmuMicroarch, WalkCacheHitAtEachLevelLeavesTheLevelsBelow) {
  SmmuConfig cfg = microConfig();
  cfg.walkCacheEntries = {4, 4, 4};
  Rig r(cfg);
  // Extra tables. L2[0x92] -> table A (0x1002_4000): IOVA 0x1240_0000 (same L2 table as kIova).
  // L1[1] -> B (0x1002_5000) -> C (0x1002_6000): IOVA 1 GiB (same L1 table).
  // L0[1] -> D (0x1002_7000) -> E -> F: IOVA 512 GiB (nothing shared but the L0 table).
  r.mem.write64(kL2 + 8 * 0x92, 0x10024000 | 3u);
  r.mem.write64(0x10024000, handbuilt::page(0x900000000ull, false));
  r.mem.write64(kL1 + 8 * 1, 0x10025000 | 3u);
  r.mem.write64(0x10025000, 0x10026000 | 3u);
  r.mem.write64(0x10026000, handbuilt::page(0xa00000000ull, false));
  r.mem.write64(kL0 + 8 * 1, 0x10027000 | 3u);
  r.mem.write64(0x10027000, 0x10028000 | 3u);
  r.mem.write64(0x10028000, 0x10029000 | 3u);
  r.mem.write64(0x10029000, handbuilt::page(0xb00000000ull, false));

  const Tick fixed = (1 + 2 + 4 + 2 + 3) * kClk;  // utlb, tlb, issue, config, walk cache
  auto first = r.at(0, page(0));
  EXPECT_EQ(first.walkReads, 6u);
  EXPECT_EQ(first.latency, fixed + 6 * kMem);
  // Same L3 table: the level-2 entry leaves one read.
  auto l2 = r.at(1000 * kMem, page(1));
  EXPECT_EQ(l2.walkReads, 1u);
  EXPECT_EQ(l2.latency, fixed + 1 * kMem);
  // Same L2 table, another L3 table: the level-1 entry leaves two reads.
  auto l1 = r.at(2000 * kMem, 0x12400000);
  EXPECT_EQ(l1.pa, 0x900000000u);
  EXPECT_EQ(l1.walkReads, 2u);
  EXPECT_EQ(l1.latency, fixed + 2 * kMem);
  // Same L1 table only: the level-0 entry leaves three reads.
  auto l0 = r.at(3000 * kMem, 0x40000000);
  EXPECT_EQ(l0.pa, 0xa00000000u);
  EXPECT_EQ(l0.walkReads, 3u);
  EXPECT_EQ(l0.latency, fixed + 3 * kMem);
  // Another L0 entry: nothing cached covers it, a full walk.
  auto none = r.at(4000 * kMem, 0x8000000000ull);
  EXPECT_EQ(none.pa, 0xb00000000u);
  EXPECT_EQ(none.walkReads, 4u);
  EXPECT_EQ(r.core.stats().walkCacheHits, 3u);
}

TEST(SmmuMicroarch, LeafTlbiKeepsWalkCacheNonLeafAndAsidRemoveIt) {
  SmmuConfig cfg = microConfig();
  cfg.walkCacheEntries = {4, 4, 4};
  Rig r(cfg);
  r.at(0, page(0));
  r.at(1000 * kMem, page(1));
  // TLBI_NH_VA, ASID 7, Leaf = 1, address page(1): the walk cache keeps the L2 entry.
  r.publish({{0x12u | (uint64_t(kAsid) << 48), page(1) | 1}, {0x46u, 0}});
  EXPECT_EQ(r.at(2000 * kMem, page(1)).walkReads, 1u);
  // Leaf = 0: the table entries for the address go too (L0, L1, L2 all cover it).
  r.publish({{0x12u | (uint64_t(kAsid) << 48), page(1)}, {0x46u, 0}});
  EXPECT_EQ(r.at(3000 * kMem, page(1)).walkReads, 4u);
  // TLBI_NH_ASID of the context: everything.
  r.publish({{0x11u | (uint64_t(kAsid) << 48), 0}, {0x46u, 0}});
  EXPECT_EQ(r.at(4000 * kMem, page(2)).walkReads, 4u);
  EXPECT_GT(r.core.stats().walkCacheInvalidated, 0u);
}

TEST(SmmuMicroarch, SimultaneousMissesToOnePageCoalesceOntoOneWalk) {
  Rig r;
  const unsigned K = 8;
  std::vector<TranslationResult> res;
  for (unsigned i = 0; i < K; ++i) res.push_back(r.at(0, page(0) + 64 * i, /*port=*/i));
  EXPECT_EQ(r.core.stats().walks, 1u);
  EXPECT_EQ(res[0].servedBy, ServedBy::Walk);
  for (unsigned i = 1; i < K; ++i) {
    EXPECT_EQ(res[i].servedBy, ServedBy::Coalesced) << i;
    EXPECT_EQ(res[i].latency, res[0].latency) << i;  // all complete when the walk does
    EXPECT_EQ(res[i].walkReads, 0u);
  }
}

TEST(SmmuMicroarch, WalkerSlotsAreADeterministicMultiServerQueue) {
  // c walkers, service time S per walk (config cached, 4 table reads), K misses to distinct
  // pages arriving every a ns with c * a < S: job i starts at floor(i/c) * S + (i mod c) * a
  // after the first arrival, so it waits W_i = floor(i/c) * (S - c * a).
  SmmuConfig cfg = microConfig();
  cfg.utlbEntries = 0;
  cfg.ptwSlots = 3;
  Rig r(cfg);
  r.at(0, page(60));  // warm the config cache
  const Tick S = 2 * kClk + 4 * kMem;  // config lookup + 4 reads
  const Tick a = 50000, t0 = 1000 * kMem;
  const unsigned c = 3, K = 30;
  const Tick front = (2 + 4) * kClk;  // tlb lookup + walker issue before the slot
  Tick expectWaitSum = 0;
  for (unsigned i = 0; i < K; ++i) {
    auto res = r.at(t0 + i * a, page(i));
    const Tick wait = Tick(i / c) * (S - c * a);
    expectWaitSum += wait;
    ASSERT_EQ(res.servedBy, ServedBy::Walk) << i;
    EXPECT_EQ(res.latency, front + wait + S) << i;
  }
  const ResourcePool& ptw = r.core.walkerSlots();
  EXPECT_EQ(ptw.jobs(), K + 1);
  EXPECT_EQ(ptw.waitSum(), expectWaitSum);
  // Occupancy: K walks of S on c walkers, busy from the first start to the last end.
  const Tick end = t0 + front + Tick((K - 1) / c) * S + ((K - 1) % c) * a + S;
  const double occupancy = double(ptw.busySum() - (6 * kMem + 2 * kClk)) /
                           double(c * (end - (t0 + front)));
  EXPECT_NEAR(occupancy, double(K * S) / double(c * (end - t0 - front)), 1e-12);
  EXPECT_GT(occupancy, 0.9);  // overloaded: walkers nearly always busy
}

TEST(SmmuMicroarch, ResetStatsKeepsCachesAndBusyWalkers) {
  // One walker, config cached: a walk arriving at t0 holds the walker from t0 + front for S.
  // After resetStats() the counters start from zero, but the walker is still busy (a second
  // walk arriving at t0 waits S) and the TLB still holds the first page (a hit).
  SmmuConfig cfg = microConfig();
  cfg.utlbEntries = 0;
  cfg.ptwSlots = 1;
  Rig r(cfg);
  r.at(0, page(60));  // warm the config cache
  const Tick S = 2 * kClk + 4 * kMem, front = (2 + 4) * kClk, t0 = 1000 * kMem;
  EXPECT_EQ(r.at(t0, page(1)).latency, front + S);
  EXPECT_EQ(r.core.stats().walks, 2u);
  r.core.resetStats();
  const SmmuStats& s = r.core.stats();
  const ResourcePool& ptw = r.core.walkerSlots();
  EXPECT_EQ(s.translations, 0u);
  EXPECT_EQ(s.walks, 0u);
  EXPECT_EQ(s.walkReads, 0u);
  EXPECT_EQ(s.configLookups, 0u);
  EXPECT_EQ(ptw.jobs(), 0u);
  EXPECT_EQ(ptw.busySum(), 0u);
  EXPECT_EQ(r.core.translationSlots().jobs(), 0u);
  auto b = r.at(t0, page(2));
  EXPECT_EQ(b.servedBy, ServedBy::Walk);
  EXPECT_EQ(b.latency, front + S + S);
  auto hit = r.at(t0 + 10000 * kMem, page(1));
  EXPECT_EQ(hit.servedBy, ServedBy::Tlb);
  EXPECT_EQ(hit.latency, 2 * kClk);
  r.core.stats();  // (the TBUs' counters are added up into the SMMU's on each call)
  EXPECT_EQ(s.translations, 2u);
  EXPECT_EQ(s.walks, 1u);
  EXPECT_EQ(s.walkReads, 4u);
  EXPECT_EQ(s.tlbHits, 1u);
  EXPECT_EQ(ptw.jobs(), 1u);
  EXPECT_EQ(ptw.jobsThatWaited(), 1u);
  EXPECT_EQ(ptw.waitSum(), S);
  EXPECT_EQ(ptw.busySum(), S);
}

TEST(SmmuMicroarch, MemoryChannelQueuesConcurrentAccesses) {
  // One memory channel, 100 ns slots (occupancy = latency): two walks that start together
  // share the channel. a's four reads take slots 1000-1003 (t0 = slot 1000); b's first read
  // finds them full and starts at slot 1004, its next reads follow one slot apart.
  SmmuConfig cfg = microConfig();
  cfg.utlbEntries = 0;
  Rig r(cfg);
  r.mem.setChannels(1, kMem);
  r.at(0, page(60));  // warm the config cache
  const Tick t0 = 1000 * kMem;
  auto a = r.at(t0, page(1));
  auto b = r.at(t0, page(2));
  const Tick front = (2 + 4 + 2) * kClk;
  EXPECT_EQ(a.latency, front + 4 * kMem);
  const Tick bStart = t0 + 4 * kMem;  // slot 1004
  EXPECT_EQ(b.latency, (bStart - t0) + 4 * kMem);
  EXPECT_EQ(r.mem.channels().maxWait(), bStart - (t0 + front));
}

TEST(SlotCalendar, FillsGapsLeftByFutureReservations) {
  SlotCalendar c;
  c.configure(1, 10);
  EXPECT_EQ(c.reserve(1000), 1000u);  // a walk's later read, far ahead
  EXPECT_EQ(c.reserve(5), 5u);        // an earlier access is not queued behind it
  EXPECT_EQ(c.reserve(7), 10u);       // slot 0 is full: the next slot
  EXPECT_EQ(c.reserve(1003), 1010u);  // slot 100 is full
  EXPECT_EQ(c.jobsThatWaited(), 2u);
  EXPECT_EQ(c.waitSum(), 3u + 7u);
  SlotCalendar two;
  two.configure(2, 10);
  EXPECT_EQ(two.reserve(0), 0u);
  EXPECT_EQ(two.reserve(0), 0u);      // two channels: two per slot
  EXPECT_EQ(two.reserve(0), 10u);
}

TEST(SmmuMicroarch, TranslationSlotsBackPressure) {
  SmmuConfig cfg = microConfig();
  cfg.tbuXlateSlots = 1;
  Rig r(cfg);
  auto a = r.at(0, page(0));
  auto b = r.at(0, page(0), /*port=*/1);  // waits for the only slot, then hits the main TLB
  EXPECT_EQ(b.servedBy, ServedBy::Tlb);
  EXPECT_EQ(b.latency, a.latency + 3 * kClk);
  EXPECT_EQ(r.core.translationSlots().maxWait(), a.latency);
}

TEST(SmmuMicroarch, MainTlbLookupSlotsQueueSimultaneousLookups) {
  // One main-TLB lookup slot, 2-cycle lookups: K simultaneous hits from K ports start their
  // lookups 2 cycles apart, so hit i completes after (i + 1) x 2 cycles.
  SmmuConfig cfg = microConfig();
  cfg.utlbEntries = 0;
  cfg.tlbLookupSlots = 1;
  Rig r(cfg);
  r.at(0, page(0));  // the fill
  const Tick t0 = 100 * kMem;
  const unsigned K = 5;
  for (unsigned i = 0; i < K; ++i) {
    auto h = r.at(t0, page(0), /*port=*/i);
    EXPECT_EQ(h.servedBy, ServedBy::Tlb) << i;
    EXPECT_EQ(h.latency, Tick(i + 1) * 2 * kClk) << i;
  }
  const ResourcePool& slots = r.core.tlbLookupSlots();
  EXPECT_EQ(slots.jobs(), K + 1);
  EXPECT_EQ(slots.jobsThatWaited(), K - 1);
  EXPECT_EQ(slots.waitSum(), Tick(K * (K - 1) / 2) * 2 * kClk);  // 0 + 2 + 4 + 6 + 8 cycles
  // Two slots: pairs start together.
  cfg.tlbLookupSlots = 2;
  Rig two(cfg);
  two.at(0, page(0));
  for (unsigned i = 0; i < 4; ++i)
    EXPECT_EQ(two.at(t0, page(0), i).latency, Tick(i / 2 + 1) * 2 * kClk) << i;
  // Later, spaced by the lookup time: nobody waits.
  Rig spaced(cfg);
  spaced.at(0, page(0));
  for (unsigned i = 0; i < 4; ++i)
    EXPECT_EQ(spaced.at(t0 + i * 2 * kClk, page(0), i).latency, 2 * kClk) << i;
}

TEST(SmmuMicroarch, ConfigAndWalkCacheLookupSlotsDelayWalks) {
  // Misses to distinct pages at the same time, config cache and walk cache warm: each has
  // tlb 2 + issue 4 cycles, then a config lookup (2 cycles) through one slot, then a walk-cache
  // lookup (3 cycles) through one slot, then one read (level-2 walk-cache hit). Miss i starts its
  // config lookup 2i cycles late; the walk-cache slot then serves them 3 cycles apart, so miss i
  // starts its walk-cache lookup at 6 + 2 + 3i cycles (3i >= 2i) and ends one read later.
  SmmuConfig cfg = microConfig();
  cfg.utlbEntries = 0;
  cfg.walkCacheEntries = {4, 4, 4};
  cfg.configLookupSlots = 1;
  cfg.walkCacheLookupSlots = 1;
  Rig r(cfg);
  r.at(0, page(60));  // warm the config cache and the walk caches
  const Tick t0 = 100 * kMem;
  for (unsigned i = 0; i < 4; ++i) {
    auto m = r.at(t0, page(i), i);
    ASSERT_EQ(m.servedBy, ServedBy::Walk) << i;
    EXPECT_EQ(m.walkReads, 1u) << i;
    EXPECT_EQ(m.latency, (6 + 2 + 3 * i + 3) * kClk + kMem) << i;
  }
  EXPECT_EQ(r.core.configLookupSlots().waitSum(), (0 + 2 + 4 + 6) * kClk);
  // Walk-cache waits: arrival at 8 + 2i cycles, start at 8 + 3i: i cycles each.
  EXPECT_EQ(r.core.walkCacheLookupSlots().waitSum(), (0 + 1 + 2 + 3) * kClk);
}
