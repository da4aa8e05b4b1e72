// TBUs and the TBU-TCU link (tbu/Tbu.h) against hand-computed expectations: a miss pays the
// link latency up and down, a fill is usable only when its response has arrived, messages
// queue for flit slots, each TBU has its own TLBs, every TLBI reaches every TBU, and CMD_SYNC
// completes only after the TBUs with invalidations acknowledged.
#include <gtest/gtest.h>

#include "HandBuilt.h"
#include "smmu/SmmuKnobs.h"
#include "tbu/Tbu.h"

using namespace smmu;
using namespace handbuilt;

namespace {

constexpr Tick kNs = 1000;

struct Rig {
  SparseMemory mem{kMem};
  SmmuCore core;
  explicit Rig(const SmmuConfig& cfg) : core(cfg, mem) {
    build(mem);
    mapMore(mem, 64);
    program(core);
  }
  TranslationResult at(Tick now, uint64_t iova, uint32_t port = 0) {
    return translateAt(core, now, iova, port);
  }
  Tick publish(std::initializer_list<std::pair<uint64_t, uint64_t>> cmds, Tick now) {
    return publishCommands(mem, core, cmds, now);
  }
};

constexpr uint64_t page(unsigned k) { return kIova + 0x1000ull * k; }
constexpr uint64_t tlbiNhVa(uint16_t asid) { return 0x12u | (uint64_t(asid) << 48); }
constexpr uint64_t kSync = 0x46u;

// microConfig() with two TBUs: "near" (the SMMU's keys) and "far" (its own link latency).
SmmuConfig twoTbus(double nearNs, double farNs) {
  SmmuConfig c = microConfig();
  c.linkLatencyNs = nearNs;
  c.tbus = {TbuSpec{"near", {}}, TbuSpec{"far", {{"link_latency_ns", KnobValue(farNs)}}}};
  return c;
}

}  // namespace

TEST(Tbu, MissPaysTheLinkLatencyBothWays) {
  SmmuConfig cfg = microConfig();
  cfg.linkLatencyNs = 5;
  Rig r(cfg);
  // utlb 1 + tlb 2 + issue 4 + config 2 cycles, 6 reads, and 5 ns up + 5 ns down.
  const auto miss = r.at(0, page(0));
  EXPECT_EQ(miss.servedBy, ServedBy::Walk);
  EXPECT_EQ(miss.latency, 9 * kClk + 6 * kMem + 10 * kNs);
  // A hit never crosses the link: another port, main TLB, 1 + 2 cycles.
  const auto hit = r.at(100 * kMem, page(0), 1);
  EXPECT_EQ(hit.servedBy, ServedBy::Tlb);
  EXPECT_EQ(hit.latency, 3 * kClk);
  const TbuStats& s = r.core.tbu(0).stats();
  EXPECT_EQ(s.linkRequests, 1u);
  EXPECT_EQ(s.linkResponses, 1u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.translations, 2u);
  EXPECT_EQ(r.core.stats().tbuRequests, 1u);
}

TEST(Tbu, FillIsUsableWhenItsResponseArrives) {
  SmmuConfig cfg = microConfig();
  cfg.linkLatencyNs = 5;
  Rig r(cfg);
  const Tick arrival = r.at(0, page(0)).latency;  // the response reaches the TBU
  // 4 ns before it (after the walk ended, 5 ns before): another port's lookup hits the entry
  // in flight and waits for the response, not for the walk's end.
  const auto early = r.at(arrival - 4 * kNs, page(0), 1);
  EXPECT_EQ(early.servedBy, ServedBy::Coalesced);
  EXPECT_EQ(early.latency, 4 * kNs);
  // Without a link the same lookup would be a plain hit (the fill is there at the walk's end).
  Rig plain(microConfig());
  const Tick end = plain.at(0, page(0)).latency;
  EXPECT_EQ(end, arrival - 10 * kNs);
  EXPECT_EQ(plain.at(end + 1 * kNs, page(0), 1).servedBy, ServedBy::Tlb);
}

TEST(Tbu, MessagesQueueForFlitSlots) {
  // 20 bytes/ns: one 20-byte flit per ns each way; 5 ns latency.
  SmmuConfig cfg = microConfig();
  cfg.linkLatencyNs = 5;
  cfg.linkBytesPerNs = 20;
  Rig r(cfg);
  r.at(0, page(0));  // warms the config cache (stream 1)
  const Tick t = 10000 * kNs;
  // Two misses on two ports at once: both requests are ready at t + 7 ns (utlb 1, tlb 2,
  // issue 4); the first takes that flit, the second the next one. Each walk: config lookup
  // 2 cycles (hit) and 4 table reads; the responses take a flit each, one ns apart.
  const auto a = r.at(t, page(1), 0);
  const auto b = r.at(t, page(2), 1);
  const Tick one = (7 + 1 + 5 + 2 + 1 + 5) * kNs + 4 * kMem;
  EXPECT_EQ(a.latency, one);
  EXPECT_EQ(b.latency, one + 1 * kNs);
  EXPECT_EQ(r.core.tbu(0).stats().linkWait, 1 * kNs);  // the second request's wait
}

TEST(Tbu, LinkChannelArithmetic) {
  LinkChannel c;
  c.configure(5, 2);  // 10 ns per 20-byte flit, 5 ns latency
  Tick wait = 0;
  EXPECT_EQ(c.send(0, wait), 15 * kNs);
  EXPECT_EQ(c.send(0, wait), 25 * kNs);   // the next slot
  EXPECT_EQ(c.send(3 * kNs, wait), 35 * kNs);
  EXPECT_EQ(wait, 10 * kNs + 17 * kNs);
  EXPECT_EQ(c.send(100 * kNs, wait), 115 * kNs);  // an idle link: no wait
  LinkChannel instant;
  instant.configure(0, 0);
  EXPECT_TRUE(instant.instant());
  EXPECT_EQ(instant.send(42, wait), 42u);
}

TEST(Tbu, EachTbuHasItsOwnTlbs) {
  Rig r(twoTbus(0, 0));
  r.core.setPortTbu(1, 1);  // port 0: near, port 1: far
  EXPECT_EQ(r.core.tbuCount(), 2u);
  EXPECT_EQ(r.core.tbu(1).name(), "far");
  EXPECT_EQ(r.at(0, page(0), 0).servedBy, ServedBy::Walk);
  // The far TBU has not seen it: a miss and a request of its own (config cached: 2 cycles and
  // 4 reads after utlb 1 + tlb 2 + issue 4).
  const auto far = r.at(100 * kMem, page(0), 1);
  EXPECT_EQ(far.servedBy, ServedBy::Walk);
  EXPECT_EQ(far.latency, 9 * kClk + 4 * kMem);
  EXPECT_EQ(r.at(200 * kMem, page(0), 0).servedBy, ServedBy::Utlb);
  EXPECT_EQ(r.at(200 * kMem, page(0), 1).servedBy, ServedBy::Utlb);
  const TbuStats &n = r.core.tbu(0).stats(), &f = r.core.tbu(1).stats();
  EXPECT_EQ(n.misses, 1u);
  EXPECT_EQ(f.misses, 1u);
  EXPECT_EQ(n.linkRequests + f.linkRequests, r.core.stats().tbuRequests);
  EXPECT_EQ(r.core.stats().tbuRequests, 2u);
  EXPECT_THROW(r.core.setPortTbu(3, 2), std::invalid_argument);
}

TEST(Tbu, TbuKnobsOverrideTheSmmus) {
  SmmuConfig c = microConfig();
  c.tlbEntries = 512;
  c.tbus = {TbuSpec{"a", {}}, TbuSpec{"b", {{"tlb_entries", KnobValue(2048u)},
                                            {"utlb_entries", KnobValue(0u)}}}};
  const SmmuConfig a = tbuConfig(c, 0), b = tbuConfig(c, 1);
  EXPECT_EQ(a.tlbEntries, 512u);
  EXPECT_EQ(a.utlbEntries, 8u);
  EXPECT_EQ(b.tlbEntries, 2048u);
  EXPECT_EQ(b.utlbEntries, 0u);
  EXPECT_TRUE(b.tbus.empty());
  // Only TBU knobs are TBU keys; TCU keys are not.
  for (const char* key : {"utlb_entries", "tlb_ways", "tbu_xlate_slots", "tlb_lookup_cycles",
                          "link_latency_ns", "link_bytes_per_ns"})
    EXPECT_TRUE(findKnob(key)->tbu) << key;
  for (const char* key : {"ptw_slots", "config_cache_entries", "walk_cache_entries",
                          "walker_issue_cycles", "clock_period_ps"})
    EXPECT_FALSE(findKnob(key)->tbu) << key;
}

TEST(Tbu, InvalidationReachesEveryTbuAndSyncWaitsForTheirAcks) {
  auto run = [](double nearNs, double farNs, Tick& cmdTime) {
    auto r = std::make_unique<Rig>(twoTbus(nearNs, farNs));
    r->core.setPortTbu(1, 1);
    r->at(0, page(1), 0);
    r->at(100 * kMem, page(1), 1);
    cmdTime = r->publish({{tlbiNhVa(kAsid), page(1)}, {kSync, 0}}, 200 * kMem);
    return r;
  };
  Tick without = 0, with = 0;
  auto a = run(0, 0, without);
  auto b = run(2, 7, with);
  // The sync waits for the slowest TBU's round trip: 7 ns down, 7 ns up.
  EXPECT_EQ(with - without, 14 * kNs);
  EXPECT_EQ(b->core.stats().syncTbuWait, 14 * kNs);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(b->core.tbu(i).stats().linkInvalidations, 1u);
    EXPECT_EQ(b->core.tbu(i).stats().linkSyncs, 1u);
  }
  // Both TBUs lost the entry: each walks again.
  EXPECT_EQ(b->at(1000 * kMem, page(1), 0).servedBy, ServedBy::Walk);
  EXPECT_EQ(b->at(1000 * kMem, page(1), 1).servedBy, ServedBy::Walk);
  // A sync after nothing to invalidate waits for no TBU.
  b->publish({{kSync, 0}}, 2000 * kMem);
  EXPECT_EQ(b->core.stats().syncTbuWait, 14 * kNs);
  EXPECT_EQ(b->core.tbu(1).stats().linkSyncs, 1u);
}

TEST(Tbu, UnmapWithTlbiAndSyncWhileAWalkIsInFlight) {
  // A walk of page(1) starts at 0 and ends at L (1 + 2 + 4 + 2 cycles, 6 reads). At 50 ns the
  // host unmaps the page (its leaf becomes 0) and publishes TLBI_NH_VA + CMD_SYNC, which the
  // SMMU consumes from 50 ns: each command a 100 ns read + 8 cycles. IHI 0070 3.21: the
  // invalidation completes only after the transactions translated with what it removes are
  // complete, so the SYNC completes at L (not at 50 + 2 x 108 ns); afterwards no cache holds
  // the page and a translation of it faults.
  Rig r(microConfig());
  const Tick L = 9 * kClk + 6 * kMem;
  const auto inflight = r.at(0, page(1));
  ASSERT_EQ(inflight.latency, L);
  ASSERT_EQ(inflight.pa, kPa + 0x1000);
  const Tick t = 50 * kNs;
  r.mem.write64(kL3 + 8 * (0x145 + 1), 0);  // the unmap
  const Tick took = r.publish({{tlbiNhVa(kAsid), page(1)}, {kSync, 0}}, t);
  EXPECT_EQ(t + took, L);  // the SYNC waited for the walk's translation
  EXPECT_EQ(r.core.stats().syncTbuWait, L - (t + 2 * (kMem + 8 * kClk)));
  // No stale entry anywhere: the main TLB and the port's micro TLB miss, and the next
  // translation walks and faults.
  EXPECT_FALSE(r.core.tlb().lookup(TlbLookupKey{1, 0, false, page(1)}));
  EXPECT_FALSE(r.core.utlb(0)->lookup(TlbLookupKey{1, 0, false, page(1)}));
  const auto after = r.at(t + took, page(1));
  EXPECT_EQ(after.outcome, Outcome::Fault);
  EXPECT_EQ(after.event, EventId::F_TRANSLATION);
  // A transaction the testbench reports complete later (its data access) holds the next sync.
  r.core.noteTransactionEnd(0, L + 500 * kNs);
  EXPECT_EQ(L + r.publish({{tlbiNhVa(kAsid), page(2)}, {kSync, 0}}, L), L + 500 * kNs);
}
