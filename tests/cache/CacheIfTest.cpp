// The caches' split-phase interface (cache/CacheIf.h) on the TLM caches: requests answered in
// order by value, fills reporting their victim, every invalidation scope, typed entries.
#include <gtest/gtest.h>

#include "cache/ConfigCache.h"
#include "cache/Tlb.h"
#include "cache/WalkCache.h"
#include "walk/PageTableWalker.h"

namespace smmu {
namespace {

TlbEntry page(uint32_t sid, uint64_t va, PhysAddr pa, uint16_t asid = 1, uint16_t vmid = 0) {
  TlbEntry e;
  e.tag.sid = sid;
  e.tag.asid = asid;
  e.tag.vmid = vmid;
  e.tag.vaBase = va;
  e.tag.pageShift = 12;
  e.out.paBase = pa;
  return e;
}

TEST(CacheIf, SplitPhaseRequestsAreAnsweredInOrderByValue) {
  SetAssocTlb t(8, 2);
  TlbIf& c = t;
  const CacheTicket f = c.request(TlbIf::Fill{page(3, 0x4000, 0x90004000)});
  const CacheTicket l = c.request(TlbIf::Lookup{TlbLookupKey{3, 0, false, 0x4abc}});
  const CacheTicket i = c.request(TlbInvalidation::ofStreams(3, 3));
  const CacheTicket l2 = c.request(TlbIf::Lookup{TlbLookupKey{3, 0, false, 0x4abc}});
  // Polled out of order: each ticket gets its own answer, once.
  const auto a2 = c.poll(l2);
  ASSERT_TRUE(a2);
  EXPECT_FALSE(a2->hit);  // after the invalidation
  const auto a = c.poll(l);
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->hit);
  EXPECT_EQ(a->entry.out.paBase, 0x90004000u);  // a copy: still there after the invalidation
  EXPECT_EQ(a->entry.tag.vaBase, 0x4000u);
  EXPECT_EQ(c.poll(i)->removed, 1u);
  EXPECT_FALSE(c.poll(f)->evicted);
  EXPECT_FALSE(c.poll(l));  // answered once
}

TEST(CacheIf, AFillReportsItsVictim) {
  SetAssocTlb t(2, 2, "lru");  // one set of two ways
  TlbIf& c = t;
  EXPECT_FALSE(c.fill(page(1, 0x1000, 0xa000)));
  EXPECT_FALSE(c.fill(page(1, 0x2000, 0xb000)));
  ASSERT_TRUE(c.lookup(TlbLookupKey{1, 0, false, 0x1000}));  // 0x1000 most recently used
  TlbEntry victim;
  EXPECT_TRUE(c.fill(page(1, 0x3000, 0xc000), &victim));
  EXPECT_EQ(victim.tag.vaBase, 0x2000u);  // the least recently used
  EXPECT_EQ(victim.out.paBase, 0xb000u);
  // Same tag: updated in place, nothing evicted.
  EXPECT_FALSE(c.fill(page(1, 0x3000, 0xd000)));
  EXPECT_EQ(c.lookup(TlbLookupKey{1, 0, false, 0x3008})->out.paBase, 0xd000u);
  EXPECT_EQ(c.occupancy(), 2u);
  EXPECT_EQ(c.capacity(), 2u);
}

TEST(CacheIf, EveryTlbInvalidationScope) {
  // Entries: (sid, ssid/ssv, asid, vmid, global, va).
  auto fillAll = [](TlbIf& c) {
    TlbEntry a = page(1, 0x1000, 0x1000, 5, 0);
    TlbEntry b = page(1, 0x2000, 0x2000, 6, 0);
    TlbEntry g = page(2, 0x3000, 0x3000, 6, 0);
    g.tag.global = true;
    TlbEntry v = page(3, 0x1000, 0x4000, 5, 9);  // another VMID
    TlbEntry s = page(4, 0x5000, 0x5000, 5, 0);
    s.tag.ssv = true;
    s.tag.ssid = 7;
    for (const TlbEntry& e : {a, b, g, v, s}) c.fill(e);
  };
  struct Case {
    TlbInvalidation inv;
    unsigned removed;
  };
  const Case cases[] = {
      {TlbInvalidation::all(), 5},
      {TlbInvalidation::ofVmid(0), 4},
      {TlbInvalidation::ofAsid(0, 6), 1},                    // b; g is global
      {TlbInvalidation::ofVa(0, 5, true, 0x1000, 0x3000), 2},  // a, and global g at 0x3000
      {TlbInvalidation::ofVa(0, 5, false, 0x1000, 0x2000), 2},  // a, b (any ASID)
      {TlbInvalidation::ofVa(0, 5, false, 0x1000, 0), 0},       // empty range
      {TlbInvalidation::ofStreams(1, 2), 3},
      {TlbInvalidation::ofSubstream(4, 7), 1},
      {TlbInvalidation::ofSubstream(1, 0), 2},  // non-substream entries count as ssid 0
  };
  for (const Case& k : cases) {
    SetAssocTlb t(16, 4);
    fillAll(t);
    EXPECT_EQ(static_cast<TlbIf&>(t).invalidate(k.inv), k.removed) << int(k.inv.scope);
    EXPECT_EQ(t.occupancy(), 5u - k.removed);
  }
}

TEST(CacheIf, WalkCacheEntriesAreTypedAndReachedByKey) {
  WalkCache wc({4, 4, 4}, 0, "lru", 1);
  WalkCacheIf& c = wc;
  WalkCacheEntry e;
  e.tag = WalkCacheTag{0, 3, 0, 1, 0x40000000, 30};  // level-1 descriptor: 1 GiB span (4K)
  e.out.table = 0x81234000;
  e.out.apTable1 = true;
  c.fill(e);
  const auto hit = c.lookup(WalkCacheKey{0, 3, 0, 1, 30, 0x7fffffff});
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->out.table, 0x81234000u);
  EXPECT_TRUE(hit->out.apTable1);
  EXPECT_FALSE(c.lookup(WalkCacheKey{0, 4, 0, 1, 30, 0x40000000}));  // other ASID
  EXPECT_FALSE(c.lookup(WalkCacheKey{0, 3, 1, 1, 30, 0x40000000}));  // TTB1
  EXPECT_FALSE(c.lookup(WalkCacheKey{0, 3, 0, 2, 21, 0x40000000}));  // another level
  // The walker's view gives the same entry: a walk of 0x40001000 resumes at level 2.
  const WalkGeometry geo{12, 9, 0, 48};  // 4K granule, 48-bit input: levels 0..3
  wc.setContext(0, 3);
  WalkStep step;
  ASSERT_TRUE(wc.lookup(0x40001000, 0, geo, step));
  EXPECT_EQ(step.level, 2);
  EXPECT_EQ(step.table, 0x81234000u);
  // TLBI_NH_VA by another ASID leaves it; by its ASID, or Leaf = 0 by VAA, removes it.
  WalkCacheInvalidation va;
  va.scope = WalkCacheInvalidation::Scope::Va;
  va.asid = 4;
  va.asidMatch = true;
  va.va = 0x40000000;
  va.len = 0x1000;
  EXPECT_EQ(c.invalidate(va), 0u);
  va.asidMatch = false;
  EXPECT_EQ(c.invalidate(va), 1u);
}

TEST(CacheIf, ConfigCacheThroughItsInterface) {
  SetAssocConfigCache cc(8, 2);
  ConfigCacheIf& c = cc;
  ConfigEntry e;
  e.tag = ConfigTag{5, 2, true};
  e.out.ste.config = 0b101;
  e.out.hasCd = true;
  e.out.cd.asid = 11;
  c.fill(e);
  e.tag = ConfigTag{5, 3, true};
  e.out.cd.asid = 12;
  c.fill(e);
  const auto hit = c.lookup(ConfigKey{5, 3, true});
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->out.cd.asid, 12);
  EXPECT_EQ(c.invalidate({ConfigInvalidation::Scope::Cd, 5, 0, 2}), 1u);
  EXPECT_FALSE(c.lookup(ConfigKey{5, 2, true}));
  EXPECT_EQ(c.invalidate({ConfigInvalidation::Scope::CdAll, 5}), 1u);
  EXPECT_EQ(c.occupancy(), 0u);
}

}  // namespace
}  // namespace smmu
