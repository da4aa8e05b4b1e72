// SetAssocConfigCache: keying by (sid, ssid, ssv), replacement, and the CFGI invalidations.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "cache/ConfigCache.h"

namespace smmu {
namespace {

ConfigEntry cfg(uint32_t sid, uint32_t ssid = 0, bool ssv = false) {
  ConfigEntry e;
  e.tag.sid = sid;
  e.tag.ssid = ssid;
  e.tag.ssv = ssv;
  e.out.ste.valid = true;
  e.out.ste.config = 0b101;
  e.out.ste.s1ContextPtr = 0x100000 + uint64_t(sid) * 0x1000;
  e.out.hasCd = true;
  e.out.cd.t0sz = uint8_t(16 + (ssid & 7));
  return e;
}

// Lookup and fill on a miss. Returns hit.
bool access(SetAssocConfigCache& c, uint32_t sid, uint32_t ssid = 0, bool ssv = false) {
  if (c.find(sid, ssid, ssv)) return true;
  c.insert(cfg(sid, ssid, ssv));
  return false;
}

TEST(SetAssocConfigCache, Geometry) {
  SetAssocConfigCache c(64, 4);
  EXPECT_EQ(c.capacity(), 64u);
  EXPECT_EQ(c.sets(), 16u);
  EXPECT_EQ(c.ways(), 4u);
  EXPECT_EQ(c.occupancy(), 0u);
  SetAssocConfigCache f(12, 0, "random", 5);
  EXPECT_EQ(f.sets(), 1u);
  EXPECT_EQ(f.ways(), 12u);
  EXPECT_STREQ(f.policyName(), "random");
}

TEST(SetAssocConfigCache, ConstructorErrors) {
  EXPECT_THROW(SetAssocConfigCache(0, 0), std::invalid_argument);
  EXPECT_THROW(SetAssocConfigCache(6, 4), std::invalid_argument);
  EXPECT_THROW(SetAssocConfigCache(24, 4), std::invalid_argument);  // 6 sets
  EXPECT_THROW(SetAssocConfigCache(6, 0, "plru"), std::invalid_argument);
  try {
    SetAssocConfigCache(16, 4, "lfu");
    FAIL();
  } catch (const std::invalid_argument& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("'lfu'"), std::string::npos) << m;
    EXPECT_NE(m.find("fifo"), std::string::npos) << m;
  }
  try {
    SetAssocConfigCache(24, 4);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("config cache"), std::string::npos) << e.what();
  }
}

TEST(SetAssocConfigCache, KeyedByStreamContext) {
  SetAssocConfigCache c(16, 4);
  EXPECT_EQ(c.find(7, 0, false), nullptr);
  c.insert(cfg(7, 3, false));  // no substream: ssid not part of the key
  const ConfigEntry* e = c.find(7, 0, false);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->out.ste.s1ContextPtr, 0x107000u);
  EXPECT_NE(c.find(7, 42, false), nullptr);
  EXPECT_EQ(c.find(7, 0, true), nullptr);
  EXPECT_EQ(c.find(7, 3, true), nullptr);
  EXPECT_EQ(c.find(8, 0, false), nullptr);
  c.insert(cfg(7, 0, true));
  c.insert(cfg(7, 5, true));
  EXPECT_EQ(c.occupancy(), 3u);
  ASSERT_NE(c.find(7, 5, true), nullptr);
  EXPECT_EQ(c.find(7, 5, true)->out.cd.t0sz, 21);
  ASSERT_NE(c.find(7, 0, true), nullptr);
  EXPECT_EQ(c.find(7, 0, true)->out.cd.t0sz, 16);
  EXPECT_EQ(c.find(7, 6, true), nullptr);
}

TEST(SetAssocConfigCache, SameKeyUpdatesInPlace) {
  SetAssocConfigCache c(4, 0);
  c.insert(cfg(1));
  ConfigEntry e = cfg(1);
  e.out.ste.config = 0b100;
  e.out.hasCd = false;
  c.insert(e);
  EXPECT_EQ(c.occupancy(), 1u);
  ASSERT_NE(c.find(1, 0, false), nullptr);
  EXPECT_EQ(c.find(1, 0, false)->out.ste.config, 0b100);
  EXPECT_FALSE(c.find(1, 0, false)->out.hasCd);
  EXPECT_EQ(c.stats().fills, 2u);
  EXPECT_EQ(c.stats().evictions, 0u);
}

TEST(SetAssocConfigCache, LruEvictionAndStats) {
  SetAssocConfigCache c(4, 0, "lru");
  for (uint32_t s = 0; s < 4; ++s) EXPECT_FALSE(access(c, s));
  EXPECT_TRUE(access(c, 0));   // order (old->new): 1 2 3 0
  EXPECT_FALSE(access(c, 9));  // evicts 1
  EXPECT_EQ(c.find(1, 0, false), nullptr);
  EXPECT_NE(c.find(2, 0, false), nullptr);
  EXPECT_NE(c.find(0, 0, false), nullptr);
  const CacheStats& s = c.stats();
  EXPECT_EQ(s.lookups, 9u);  // 6 accesses + 3 probes
  EXPECT_EQ(s.hits, 3u);
  EXPECT_EQ(s.misses, 6u);
  EXPECT_EQ(s.fills, 5u);
  EXPECT_EQ(s.evictions, 1u);
}

TEST(SetAssocConfigCache, FifoIgnoresHits) {
  SetAssocConfigCache c(4, 0, "fifo");
  for (uint32_t s = 0; s < 4; ++s) access(c, s);
  EXPECT_TRUE(access(c, 0));
  EXPECT_FALSE(access(c, 9));  // evicts 0, the oldest fill, despite the hit
  EXPECT_EQ(c.find(0, 0, false), nullptr);
  EXPECT_NE(c.find(1, 0, false), nullptr);
}

TEST(SetAssocConfigCache, SetConflictAndSpread) {
  // 16 entries, 2 ways: 8 sets. StreamIDs 8 apart (no substream) share a set.
  SetAssocConfigCache c(16, 2, "lru");
  access(c, 0);
  access(c, 8);
  access(c, 16);  // evicts 0
  EXPECT_EQ(c.find(0, 0, false), nullptr);
  EXPECT_EQ(c.occupancy(), 2u);
  for (unsigned r = 0; r < 5; ++r)
    for (uint32_t s : {0u, 8u, 16u}) EXPECT_FALSE(access(c, s));
  // 16 consecutive StreamIDs fill every set: all stay.
  SetAssocConfigCache d(16, 2, "lru");
  for (uint32_t s = 100; s < 116; ++s) access(d, s);
  EXPECT_EQ(d.occupancy(), 16u);
  for (uint32_t s = 100; s < 116; ++s) EXPECT_TRUE(access(d, s)) << s;
  EXPECT_EQ(d.stats().evictions, 0u);
}

TEST(SetAssocConfigCache, InvalidateAll) {
  SetAssocConfigCache c(16, 4);
  for (uint32_t s = 0; s < 6; ++s) access(c, s);
  EXPECT_EQ(c.invalidateAll(), 6u);
  EXPECT_EQ(c.occupancy(), 0u);
  EXPECT_EQ(c.find(3, 0, false), nullptr);
  EXPECT_EQ(c.stats().invalidated, 6u);
}

TEST(SetAssocConfigCache, InvalidateSidRangeInclusive) {
  SetAssocConfigCache c(32, 4);
  for (uint32_t s = 10; s <= 15; ++s) {
    access(c, s);
    access(c, s, 1, true);
  }
  EXPECT_EQ(c.invalidateSidRange(11, 13), 6u);
  EXPECT_NE(c.find(10, 0, false), nullptr);
  EXPECT_EQ(c.find(11, 0, false), nullptr);
  EXPECT_EQ(c.find(13, 1, true), nullptr);
  EXPECT_NE(c.find(14, 1, true), nullptr);
  EXPECT_EQ(c.invalidateSidRange(14, 14), 2u);
  EXPECT_EQ(c.invalidateSidRange(15, 10), 0u);
  EXPECT_EQ(c.occupancy(), 4u);
  EXPECT_EQ(c.invalidateSidRange(0, 0xffffffffu), 4u);
}

TEST(SetAssocConfigCache, InvalidateCd) {
  SetAssocConfigCache c(32, 4);
  access(c, 3, 1, true);   // removed by (3, 1)
  access(c, 3, 2, true);   // other substream
  access(c, 4, 1, true);   // other stream
  access(c, 3, 0, false);  // no substream: uses CD 0
  access(c, 3, 0, true);   // substream 0
  EXPECT_EQ(c.invalidateCd(3, 1), 1u);
  EXPECT_EQ(c.find(3, 1, true), nullptr);
  EXPECT_NE(c.find(3, 2, true), nullptr);
  EXPECT_NE(c.find(4, 1, true), nullptr);
  EXPECT_NE(c.find(3, 0, false), nullptr);
  EXPECT_EQ(c.invalidateCd(3, 0), 2u);
  EXPECT_EQ(c.find(3, 0, false), nullptr);
  EXPECT_EQ(c.find(3, 0, true), nullptr);
  EXPECT_EQ(c.invalidateCd(3, 1), 0u);
  EXPECT_EQ(c.occupancy(), 2u);
}

TEST(SetAssocConfigCache, InvalidateCdAll) {
  SetAssocConfigCache c(32, 4);
  access(c, 3, 1, true);
  access(c, 3, 2, true);
  access(c, 3, 0, false);
  access(c, 4, 1, true);
  access(c, 2, 0, false);
  EXPECT_EQ(c.invalidateCdAll(3), 3u);
  EXPECT_EQ(c.find(3, 2, true), nullptr);
  EXPECT_EQ(c.find(3, 0, false), nullptr);
  EXPECT_NE(c.find(4, 1, true), nullptr);
  EXPECT_NE(c.find(2, 0, false), nullptr);
  // The freed ways are filled again without evicting anything.
  const uint64_t ev = c.stats().evictions;
  access(c, 3, 1, true);
  EXPECT_EQ(c.stats().evictions, ev);
}

}  // namespace
}  // namespace smmu
