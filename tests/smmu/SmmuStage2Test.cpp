// Stage-2-only and nested translation through SmmuCore with hand-built tables: exact read
// counts and latencies, stage-2 fault records (S2 bit, CLASS, IPA) gated by STE.S2R.
#include <gtest/gtest.h>

#include "HandBuilt.h"
#include "smmu/IpaCache.h"

using namespace smmu;
using namespace handbuilt;

namespace {

constexpr uint64_t kS2L1 = 0x10030000;  // stage-2 level-1 table (39-bit IPA, SL0 = 1)

// Stage-2 block (level 1, 1 GiB): 0b01, MemAttr [5:2] = 0xF (normal WB), S2AP [7:6] = 0b11,
// SH [9:8] = 3, AF (bit 10).
constexpr uint64_t s2Block(uint64_t pa) {
  return pa | 1u | (0xfu << 2) | (3u << 6) | (3u << 8) | (1u << 10);
}
// STE words 2 and 3: S2VMID = 5, S2T0SZ = 25 [37:32], S2SL0 = 1 [39:38], S2IR0/OR0 = 1,
// S2SH0 = 3, S2TG = 0 (4K) [47:46], S2PS = 2 (40 bits) [50:48], S2AA64 [51], S2R [58].
constexpr uint64_t steD2(bool record) {
  return 5u | (25ull << 32) | (1ull << 38) | (1ull << 40) | (1ull << 42) | (3ull << 44) |
         (2ull << 48) | (1ull << 51) | (record ? (1ull << 58) : 0);
}

struct Rig {
  SparseMemory mem{kMem};
  SmmuCore core;
  Tick clock = 0;
  static SmmuConfig cfg() {
    SmmuConfig c = config();
    c.features.s2p = true;
    return c;
  }
  explicit Rig(bool record = true) : core(cfg(), mem) {
    build(mem);
    // Identity stage 2 for IPA 0-1 GiB (where the tables are) and 32-33 GiB (the pages).
    mem.write64(kS2L1 + 8 * 0, s2Block(0));
    mem.write64(kS2L1 + 8 * 32, s2Block(32ull << 30));
    // Stream 6: stage 2 only. Stream 7: nested, with the stream-1 CD and tables.
    mem.write64(kStrtab + 64 * 6, (0b110u << 1) | 1u);
    mem.write64(kStrtab + 64 * 6 + 16, steD2(record));
    mem.write64(kStrtab + 64 * 6 + 24, kS2L1);
    mem.write64(kStrtab + 64 * 7, kCd | (0b111u << 1) | 1u);
    mem.write64(kStrtab + 64 * 7 + 16, steD2(record));
    mem.write64(kStrtab + 64 * 7 + 24, kS2L1);
    // A stage-1 page whose output IPA (36 GiB) stage 2 does not map.
    mem.write64(kL3 + 8 * 0x147, page(0x900000000ull, false));
    program(core);
  }
  TranslationResult tr(uint32_t sid, uint64_t iova, bool write = false) {
    TranslationRequest r;
    r.sid = sid;
    r.iova = iova;
    r.acc.write = write;
    auto res = core.translate(r, clock);
    clock += res.latency + 1000 * kMem;
    return res;
  }
  EventRecord::Words event(unsigned n) {
    EventRecord::Words w{};
    mem.read(kEvtq + 32 * n, w.data(), 32);
    return w;
  }
};

}  // namespace

TEST(SmmuStage2, StageTwoOnlyUsesTheIpaAsInput) {
  Rig r;
  auto a = r.tr(6, 0x812345678ull);  // IPA in the 32 GiB block
  ASSERT_EQ(a.outcome, Outcome::Ok) << eventName(a.event);
  EXPECT_EQ(a.pa, 0x812345678ull);
  EXPECT_EQ(a.level, 1);
  EXPECT_TRUE(a.writable);
  EXPECT_EQ(a.walkReads, 2u);  // STE + one level-1 block descriptor (no CD)
  EXPECT_EQ(a.latency, 8 * 1000u + 2 * kMem);
  EXPECT_EQ(r.tr(6, 0x812345000ull).servedBy, ServedBy::Tlb);
  // An unmapped IPA: a stage-2 translation fault, S2 = 1, CLASS = IN, IPA in the record.
  auto f = r.tr(6, 0x40000000);
  EXPECT_EQ(f.event, EventId::F_TRANSLATION);
  ASSERT_TRUE(f.eventRecorded);
  const auto w = r.event(0);
  EXPECT_EQ(w[0] & 0xff, 0x10u);
  EXPECT_EQ((w[1] >> 39) & 1, 1u);       // S2
  EXPECT_EQ((w[1] >> 40) & 3, 2u);       // CLASS = IN
  EXPECT_EQ(w[2], 0x40000000u);          // input address
  EXPECT_EQ(w[3], 0x40000000u);          // IPA
}

TEST(SmmuStage2, NestedWalkTranslatesEveryTableAddress) {
  Rig r;
  auto a = r.tr(7, kIova + 0x10);
  ASSERT_EQ(a.outcome, Outcome::Ok) << eventName(a.event);
  EXPECT_EQ(a.pa, kPa + 0x10);
  // STE 1; CD: S2 (1) + CD (1); stage 1: 4 levels x (S2 1 + descriptor 1); output IPA: S2 1.
  EXPECT_EQ(a.walkReads, 1u + 2u + 8u + 1u);
  EXPECT_EQ(a.latency, 8 * 1000u + 12 * kMem);
  EXPECT_EQ(r.tr(7, kIova + 0x20).servedBy, ServedBy::Tlb);
  EXPECT_EQ(r.core.stats().nestedWalks, 1u);
}

TEST(SmmuStage2, NestedStageTwoFaultOnTheOutputIpaIsRecordedPerS2R) {
  {
    Rig r;
    auto f = r.tr(7, 0x12347000);  // stage 1 maps it to IPA 36 GiB: stage 2 does not
    EXPECT_EQ(f.event, EventId::F_TRANSLATION);
    ASSERT_TRUE(f.eventRecorded);
    const auto w = r.event(0);
    EXPECT_EQ((w[1] >> 39) & 1, 1u);
    EXPECT_EQ((w[1] >> 40) & 3, 2u);  // CLASS = IN: the final IPA
    EXPECT_EQ(w[3], 0x900000000u);
  }
  {
    Rig r(/*record=*/false);
    auto f = r.tr(7, 0x12347000);
    EXPECT_EQ(f.event, EventId::F_TRANSLATION);
    EXPECT_FALSE(f.eventRecorded);  // S2R = 0
  }
}

TEST(SmmuStage2, WithoutS2pAStageTwoSteIsIllegal) {
  SparseMemory mem{kMem};
  SmmuCore core(config(), mem);  // S2P not implemented
  build(mem);
  mem.write64(kStrtab + 64 * 6, (0b110u << 1) | 1u);
  program(core);
  TranslationRequest q;
  q.sid = 6;
  q.iova = 0x1000;
  EXPECT_EQ(core.translate(q).event, EventId::C_BAD_STE);
}

TEST(SmmuStage2, IpaCacheCutsTheNestedWalk) {
  SparseMemory mem{kMem};
  SmmuConfig cfg = Rig::cfg();
  cfg.ipaCacheEntries = 8;
  cfg.timing.ipaCacheLookupCycles = 2;
  SmmuCore core(cfg, mem);
  Rig tables;  // builds the same tables into its own memory; copy them over
  tables.mem.forEachPage([&](PhysAddr base, const uint8_t* d) { mem.write(base, d, 4096); });
  program(core);
  TranslationRequest q;
  q.sid = 7;
  q.iova = kIova;
  // STE 1, CD's IPA (miss: 1 S2 read, fills the 0-1 GiB block) + CD 1, four stage-1
  // descriptors whose IPAs all hit that block, the output IPA (miss: 1 read): 8 reads; six
  // IPA-cache lookups of 2 cycles.
  auto a = core.translate(q, 0);
  ASSERT_EQ(a.outcome, Outcome::Ok) << eventName(a.event);
  EXPECT_EQ(a.walkReads, 8u);
  EXPECT_EQ(a.latency, (8 + 12) * 1000u + 8 * kMem);
  // Another page: config cached; four descriptors and the output IPA all hit the IPA cache.
  q.iova = kIovaRo;
  auto b = core.translate(q, 1000 * kMem);
  EXPECT_EQ(b.walkReads, 4u);
  EXPECT_EQ(b.latency, (8 + 10) * 1000u + 4 * kMem);
  EXPECT_EQ(core.ipaCache().hits(), 4u + 5u);
}
