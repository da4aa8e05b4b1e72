// Replacement policies on their own: victim orders computed by hand.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "cache/ReplacementPolicy.h"

namespace smmu {
namespace {

// Fills an empty set the way a cache does when it must replace: victim, then fill.
std::vector<unsigned> victimFillSequence(ReplacementPolicy& p, unsigned set, unsigned n) {
  std::vector<unsigned> seq;
  for (unsigned i = 0; i < n; ++i) {
    unsigned v = p.victim(set);
    seq.push_back(v);
    p.fill(set, v);
  }
  return seq;
}

TEST(LruPolicy, EmptySetFillsInWayOrderThenCycles) {
  LruPolicy p(2, 4);
  EXPECT_EQ(victimFillSequence(p, 0, 8), (std::vector<unsigned>{0, 1, 2, 3, 0, 1, 2, 3}));
}

TEST(LruPolicy, VictimIsLeastRecentlyUsed) {
  LruPolicy p(1, 4);
  for (unsigned w = 0; w < 4; ++w) p.fill(0, w);  // recency (old -> new): 0 1 2 3
  p.touch(0, 2);                                  // 0 1 3 2
  p.touch(0, 0);                                  // 1 3 2 0
  p.touch(0, 3);                                  // 1 2 0 3
  EXPECT_EQ(p.victim(0), 1u);
  p.touch(0, 1);  // 2 0 3 1
  EXPECT_EQ(p.victim(0), 2u);
  p.touch(0, 2);  // 0 3 1 2
  EXPECT_EQ(p.victim(0), 0u);
}

TEST(LruPolicy, InvalidatedWayIsNextVictim) {
  LruPolicy p(1, 4);
  for (unsigned w = 0; w < 4; ++w) p.fill(0, w);
  p.invalidate(0, 3);  // the most recent one
  EXPECT_EQ(p.victim(0), 3u);
  p.fill(0, 3);
  EXPECT_EQ(p.victim(0), 0u);
}

TEST(LruPolicy, SetsAreIndependent) {
  LruPolicy p(4, 2);
  p.fill(1, 0);
  p.fill(1, 1);
  p.touch(1, 0);
  EXPECT_EQ(p.victim(1), 1u);
  EXPECT_EQ(p.victim(0), 0u);  // untouched sets keep the initial order
  EXPECT_EQ(p.victim(3), 0u);
  p.reset();
  EXPECT_EQ(p.victim(1), 0u);
}

TEST(LruPolicy, SingleWay) {
  LruPolicy p(1, 1);
  p.fill(0, 0);
  p.touch(0, 0);
  p.invalidate(0, 0);
  EXPECT_EQ(p.victim(0), 0u);
}

TEST(FifoPolicy, HitsDoNotReorder) {
  FifoPolicy p(1, 4);
  for (unsigned w = 0; w < 4; ++w) p.fill(0, w);
  p.touch(0, 0);
  p.touch(0, 0);
  EXPECT_EQ(p.victim(0), 0u);  // LRU would say 1
  p.fill(0, 0);                // refilled: now the newest
  EXPECT_EQ(p.victim(0), 1u);
  p.invalidate(0, 3);
  EXPECT_EQ(p.victim(0), 3u);
}

TEST(PlruPolicy, FourWayVictimSequenceByHand) {
  // Tree b0 (root), b1 (ways 0/1), b2 (ways 2/3); a bit points to the half holding the victim.
  // all 0 -> 0; fill 0: b0=1 b1=1 -> 2; fill 2: b0=0 b2=1 -> 1; fill 1: b0=1 b1=0 -> 3;
  // fill 3: b0=0 b2=0 -> 0.
  PlruPolicy p(1, 4);
  EXPECT_EQ(victimFillSequence(p, 0, 8), (std::vector<unsigned>{0, 2, 1, 3, 0, 2, 1, 3}));
}

TEST(PlruPolicy, DiffersFromTrueLru) {
  // Accesses 0 1 2 3 2 0. True LRU victim: 1. Tree: after 0123 all bits 0; 2: b0=0 b2=1;
  // 0: b0=1 b1=1 -> right half, b2=1 -> way 3.
  PlruPolicy p(1, 4);
  for (unsigned w : {0u, 1u, 2u, 3u, 2u, 0u}) p.touch(0, w);
  EXPECT_EQ(p.victim(0), 3u);
  LruPolicy l(1, 4);
  for (unsigned w : {0u, 1u, 2u, 3u, 2u, 0u}) l.touch(0, w);
  EXPECT_EQ(l.victim(0), 1u);
}

TEST(PlruPolicy, EightWayVictimSequenceByHand) {
  PlruPolicy p(2, 8);
  EXPECT_EQ(victimFillSequence(p, 1, 8), (std::vector<unsigned>{0, 4, 2, 6, 1, 5, 3, 7}));
  EXPECT_EQ(p.victim(0), 0u);  // set 0 untouched
}

TEST(PlruPolicy, InvalidatePointsTreeAtWay) {
  PlruPolicy p(1, 4);
  for (unsigned w = 0; w < 4; ++w) p.touch(0, w);
  p.invalidate(0, 1);
  EXPECT_EQ(p.victim(0), 1u);
  p.invalidate(0, 2);
  EXPECT_EQ(p.victim(0), 2u);
  p.reset();
  EXPECT_EQ(p.victim(0), 0u);
}

TEST(PlruPolicy, RejectsNonPowerOfTwoWays) {
  EXPECT_THROW(PlruPolicy(1, 3), std::invalid_argument);
  EXPECT_THROW(PlruPolicy(4, 6), std::invalid_argument);
  PlruPolicy one(1, 1);
  one.touch(0, 0);
  EXPECT_EQ(one.victim(0), 0u);
}

TEST(RandomPolicy, DeterministicForSeedAndResettable) {
  RandomPolicy a(1, 8, 42), b(1, 8, 42), c(1, 8, 43);
  std::vector<unsigned> sa, sb, sc;
  for (int i = 0; i < 64; ++i) {
    sa.push_back(a.victim(0));
    sb.push_back(b.victim(0));
    sc.push_back(c.victim(0));
  }
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
  a.reset();
  std::vector<unsigned> again;
  for (int i = 0; i < 64; ++i) again.push_back(a.victim(0));
  EXPECT_EQ(sa, again);
}

TEST(RandomPolicy, UniformOverWaysIncludingNonPowerOfTwo) {
  for (unsigned ways : {4u, 5u}) {
    RandomPolicy p(1, ways, 7);
    std::vector<unsigned> count(ways, 0);
    const unsigned n = 20000 * ways;
    for (unsigned i = 0; i < n; ++i) {
      unsigned v = p.victim(0);
      ASSERT_LT(v, ways);
      ++count[v];
    }
    for (unsigned w = 0; w < ways; ++w) {
      EXPECT_GT(count[w], 19000u) << "way " << w;
      EXPECT_LT(count[w], 21000u) << "way " << w;
    }
  }
}

TEST(ReplacementFactory, MakesEachPolicy) {
  for (const char* n : {"lru", "plru", "fifo", "random"})
    EXPECT_STREQ(makeReplacementPolicy(n, 4, 4, 1)->name(), n);
  EXPECT_EQ(replacementPolicyNames().size(), 4u);
}

TEST(ReplacementFactory, UnknownNameListsValidOnes) {
  try {
    makeReplacementPolicy("mru", 1, 4);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("'mru'"), std::string::npos) << m;
    EXPECT_NE(m.find("lru, plru, fifo, random"), std::string::npos) << m;
  }
  EXPECT_THROW(makeReplacementPolicy("LRU ", 1, 4), std::invalid_argument);
  EXPECT_THROW(makeReplacementPolicy("lru", 0, 4), std::invalid_argument);
  EXPECT_THROW(makeReplacementPolicy("lru", 4, 0), std::invalid_argument);
  EXPECT_THROW(makeReplacementPolicy("plru", 1, 12), std::invalid_argument);
}

TEST(CacheGeometry, ValidAndInvalid) {
  CacheGeometry g = CacheGeometry::make("T", 512, 4);
  EXPECT_EQ(g.sets, 128u);
  EXPECT_EQ(g.ways, 4u);
  g = CacheGeometry::make("T", 48, 0);  // fully associative: any entry count
  EXPECT_EQ(g.sets, 1u);
  EXPECT_EQ(g.ways, 48u);
  EXPECT_THROW(CacheGeometry::make("T", 0, 0), std::invalid_argument);
  EXPECT_THROW(CacheGeometry::make("T", 4, 8), std::invalid_argument);
  try {
    CacheGeometry::make("TLB", 10, 4);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("multiple of ways"), std::string::npos) << e.what();
  }
  try {
    CacheGeometry::make("TLB", 48, 4);  // 12 sets
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("power of two"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("TLB"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace smmu
