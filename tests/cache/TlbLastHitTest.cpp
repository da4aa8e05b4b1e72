// SetAssocTlb's last-hit memo: a TLB using it gives what the same TLB without it gives (every
// lookup probing the sets), lookup by lookup: the same entry or miss, the same statistics and,
// through later hits and misses, the same victims. Also the property of the policies it relies
// on: a repeated touch of the way just touched leaves the replacement state unchanged.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "TestRand.h"
#include "cache/ReplacementPolicy.h"
#include "cache/Tlb.h"

namespace smmu {
namespace {

using smmu::testing::Rand;  // the workload's own generator

TlbEntry entry(uint64_t va, uint8_t shift, uint32_t sid, uint32_t ssid, bool ssv, uint64_t tag) {
  TlbEntry e;
  e.tag.sid = sid;
  e.tag.ssid = ssid;
  e.tag.ssv = ssv;
  e.tag.vaBase = va & ~((uint64_t(1) << shift) - 1);
  e.out.paBase = 0x80000000ull + e.tag.vaBase + (tag << 32);  // tag: tells an in-place update apart
  e.tag.pageShift = shift;
  e.tag.asid = uint16_t(tag & 3);
  e.tag.vmid = uint16_t(sid & 1);
  e.tag.global = (tag & 4) != 0;
  return e;
}

// What a lookup returned, comparable between two TLBs.
std::string describe(const TlbEntry* e) {
  if (!e) return "miss";
  return std::to_string(e->tag.sid) + "/" + std::to_string(e->tag.ssv) + "/" + std::to_string(e->tag.ssid) +
         "@" + std::to_string(e->tag.vaBase) + "+" + std::to_string(e->tag.pageShift) + "->" +
         std::to_string(e->out.paBase);
}

void expectSameStats(const SetAssocTlb& a, const SetAssocTlb& b, const std::string& where) {
  EXPECT_EQ(a.stats().lookups, b.stats().lookups) << where;
  EXPECT_EQ(a.stats().hits, b.stats().hits) << where;
  EXPECT_EQ(a.stats().misses, b.stats().misses) << where;
  EXPECT_EQ(a.stats().fills, b.stats().fills) << where;
  EXPECT_EQ(a.stats().evictions, b.stats().evictions) << where;
  EXPECT_EQ(a.stats().invalidated, b.stats().invalidated) << where;
  EXPECT_EQ(a.occupancy(), b.occupancy()) << where;
  EXPECT_EQ(a.pageShiftsPresent(), b.pageShiftsPresent()) << where;
}

// Runs one random workload on a TLB with the memo and on one without, comparing every step.
// The accesses stream through a few pages at a time (runs of lookups in one page, as DMA
// does), over 4K pages and 2M blocks that overlap them (so that a lookup can hit a block
// while a page inside it exists), in several stream contexts, with fills on misses, in-place
// updates and every kind of invalidation now and then. Counts the hits into `hits` (to check
// that the workload ran through pages as intended).
void compareRuns(unsigned entries, unsigned ways, const char* policy, uint64_t seed,
                 uint64_t& hits) {
  SetAssocTlb memo(entries, ways, policy, 5), ref(entries, ways, policy, 5);
  ref.setLastHitMemo(false);
  EXPECT_TRUE(memo.lastHitMemo()) << policy;
  EXPECT_FALSE(ref.lastHitMemo());
  Rand r{seed};
  const std::string name = std::string(policy) + " " + std::to_string(entries) + "x" +
                           std::to_string(ways) + " seed " + std::to_string(seed);
  hits = 0;
  uint64_t va = 0;
  uint32_t sid = 0, ssid = 0;
  bool ssv = false;
  for (unsigned step = 0; step < 40000; ++step) {
    const std::string where = name + " step " + std::to_string(step);
    const uint64_t op = r.below(1000);
    if (op < 120) {  // another page (or block), another context, or both
      const uint64_t what = r.below(4);
      if (what != 0) va = (r.below(8) << 21) + (r.below(48) << 12) + r.below(64) * 64;
      if (what < 2) {
        sid = uint32_t(r.below(3));
        ssv = r.below(2) == 0;
        ssid = uint32_t(r.below(3));  // without ssv the ssid must play no part
      }
    } else if (op < 940) {  // a lookup, the next line of the page; fill on a miss
      va += 64 * r.below(3);
      const TlbLookupKey k{sid, ssid, ssv, va};
      const TlbEntry* a = memo.find(k);
      const TlbEntry* b = ref.find(k);
      ASSERT_EQ(describe(a), describe(b)) << where;
      if (a) {
        ++hits;
      } else {
        // Mostly 4K pages; some 2M blocks over the same addresses.
        const uint8_t shift = r.below(5) == 0 ? 21 : 12;
        const TlbEntry e = entry(va, shift, sid, ssid, ssv, r.below(8));
        memo.insert(e);
        ref.insert(e);
      }
    } else if (op < 960) {  // an in-place update of the page just used (same tag, new PA)
      const TlbEntry e = entry(va, 12, sid, ssid, ssv, 8 + r.below(8));
      memo.insert(e);
      ref.insert(e);
    } else {  // an invalidation, the same on both
      const uint64_t kind = r.below(20);
      const uint16_t vmid = uint16_t(r.below(2)), asid = uint16_t(r.below(4));
      const bool asidMatch = r.below(2) == 0;
      const uint64_t len = 4096 * (1 + r.below(600));  // up to beyond a 2M block
      const uint32_t s = uint32_t(r.below(3)), ss = uint32_t(r.below(3));
      auto inv = [&](SetAssocTlb& t) -> unsigned {
        if (kind < 5) return t.invalidateVa(vmid, asid, asidMatch, va & ~0xfffull, len);
        if (kind < 8) return t.invalidateAsid(vmid, asid);
        if (kind < 10) return t.invalidateVmid(vmid);
        if (kind < 13) return t.invalidateStream(s, s);
        if (kind < 16) return t.invalidateSubstream(s, ss);
        if (kind < 19) return t.invalidateVa(sid & 1, 0, false, va, 1);  // the page in use
        return t.invalidateAll();
      };
      const unsigned n = inv(memo);
      ASSERT_EQ(n, inv(ref)) << where;
    }
    if (step % 97 == 0) expectSameStats(memo, ref, where);
  }
  expectSameStats(memo, ref, name + " end");
}

}  // namespace

TEST(SetAssocTlbLastHit, SameResultsAsProbingEveryLookup) {
  for (const char* pol : {"lru", "plru", "fifo", "random"}) {
    for (const auto& [entries, ways] : {std::pair{64u, 4u}, std::pair{16u, 0u},
                                        std::pair{8u, 2u}, std::pair{512u, 4u}}) {
      for (uint64_t seed : {1ull, 0x9e3779b97f4a7c15ull, 12345ull}) {
        uint64_t hits = 0;
        compareRuns(entries, ways, pol, seed, hits);
        if (::testing::Test::HasFatalFailure()) return;
        EXPECT_GT(hits, 20000u) << pol << " " << entries << "x" << ways;  // runs of hits
      }
    }
  }
}

// The probe returns the smallest page holding the address: a hit on a block leaves no memo
// that would answer for a page inside it.
TEST(SetAssocTlbLastHit, SmallerPageInsideTheLastBlockHit) {
  SetAssocTlb t(64, 4);
  t.insert(entry(0x200000, 21, 1, 0, false, 0));   // 2M block
  t.insert(entry(0x201000, 12, 1, 0, false, 1));   // a 4K page inside it
  const TlbEntry* b = t.find({1, 0, false, 0x200040});
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->tag.pageShift, 21);
  const TlbEntry* p = t.find({1, 0, false, 0x201080});
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->tag.pageShift, 12);
  EXPECT_EQ(t.find({1, 0, false, 0x200080})->tag.pageShift, 21);
  EXPECT_EQ(t.stats().hits, 3u);
}

// Every change forgets the memo: an invalidated entry misses, an updated one answers with its
// new contents, and a lookup in another context or substream does not take the last hit.
TEST(SetAssocTlbLastHit, ForgottenOnInvalidationAndUpdate) {
  SetAssocTlb t(64, 4);
  t.insert(entry(0x5000, 12, 2, 7, true, 0));
  ASSERT_NE(t.find({2, 7, true, 0x5000}), nullptr);
  EXPECT_EQ(t.find({2, 7, true, 0x5fc0})->out.paBase, 0x80005000ull);
  EXPECT_EQ(t.find({2, 6, true, 0x5000}), nullptr);   // other substream
  EXPECT_EQ(t.find({2, 7, false, 0x5000}), nullptr);  // no substream
  EXPECT_EQ(t.find({3, 7, true, 0x5000}), nullptr);   // other stream
  EXPECT_EQ(t.find({2, 7, true, 0x6000}), nullptr);   // next page
  ASSERT_NE(t.find({2, 7, true, 0x5040}), nullptr);
  t.insert(entry(0x5000, 12, 2, 7, true, 1));  // same tag: updated in place
  EXPECT_EQ(t.find({2, 7, true, 0x5080})->out.paBase, 0x80005000ull + (1ull << 32));
  EXPECT_EQ(t.invalidateSubstream(2, 7), 1u);
  EXPECT_EQ(t.find({2, 7, true, 0x5080}), nullptr);
  t.insert(entry(0x5000, 12, 2, 0, false, 0));
  ASSERT_NE(t.find({2, 9, false, 0x5000}), nullptr);  // without ssv the ssid plays no part
  ASSERT_NE(t.find({2, 3, false, 0x5040}), nullptr);
  EXPECT_EQ(t.invalidateAll(), 1u);
  EXPECT_EQ(t.find({2, 3, false, 0x5040}), nullptr);
  EXPECT_EQ(t.stats().hits, 6u);
  EXPECT_EQ(t.stats().misses, 6u);
}

// The property the memo relies on, for every policy that claims it: touching the way just
// touched again changes nothing (compared through the victims of every set after every step,
// against the same sequence without the repeated touches).
TEST(ReplacementPolicyRepeatedTouch, IsANoOpForEveryPolicyThatClaimsIt) {
  for (const auto& name : replacementPolicyNames()) {
    for (const auto& [sets, ways] : {std::pair{4u, 4u}, std::pair{2u, 8u}, std::pair{1u, 2u},
                                     std::pair{8u, 1u}}) {
      auto once = makeReplacementPolicy(name, sets, ways, 3);
      auto twice = makeReplacementPolicy(name, sets, ways, 3);
      ASSERT_TRUE(once->repeatedTouchIsNoOp()) << name;
      Rand r{0x2545f4914f6cdd1dull};
      for (unsigned step = 0; step < 20000; ++step) {
        const unsigned set = unsigned(r.below(sets)), way = unsigned(r.below(ways));
        const uint64_t op = r.below(100);
        if (op < 60) {
          once->touch(set, way);
          twice->touch(set, way);
          twice->touch(set, way);
        } else if (op < 85) {
          once->fill(set, way);
          twice->fill(set, way);
        } else if (op < 99) {
          once->invalidate(set, way);
          twice->invalidate(set, way);
        } else {
          once->reset();
          twice->reset();
        }
        for (unsigned s = 0; s < sets; ++s)
          ASSERT_EQ(once->victim(s), twice->victim(s))
              << name << " " << sets << "x" << ways << " step " << step << " set " << s;
      }
    }
  }
}

}  // namespace smmu
