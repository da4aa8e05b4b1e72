// Work shared between translations, against hand-computed expectations: walks that join a walk
// in flight (walk-cache entries and config-cache entries not yet read, the in-flight walk table),
// stage-2 walk caches per level, and TLB entries covering a contiguous-hint span.
#include <gtest/gtest.h>

#include "HandBuilt.h"
#include "walk/PageTableWalker.h"

using namespace smmu;
using namespace handbuilt;

namespace {


// Stage-2 descriptors: MemAttr 0xF, S2AP RW, SH 3, AF. Page (level 3, 0b11) and block (0b01).
constexpr uint64_t kS2Attrs = (0xfu << 2) | (3u << 6) | (3u << 8) | (1u << 10);
constexpr uint64_t s2Page(uint64_t pa) { return pa | 3u | kS2Attrs; }
constexpr uint64_t s2Block(uint64_t pa) { return pa | 1u | kS2Attrs; }
// STE words 2 (S2VMID 5, S2T0SZ 25, S2SL0 1: start level 1, 4 KB, S2PS 40 bits, S2AA64, S2R).
constexpr uint64_t kSteD2 = 5u | (25ull << 32) | (1ull << 38) | (1ull << 40) | (1ull << 42) |
                            (3ull << 44) | (2ull << 48) | (1ull << 51) | (1ull << 58);
// Stage-2-only stream 6: L1 0x1004_0000 [1] -> L2 0x1004_1000 [0] -> L3 0x1004_2000 [k]:
// IPA 0x4000_0000 + k * 4 KiB -> PA 0x8_4000_0000 + k * 4 KiB.
constexpr uint64_t kS2L1 = 0x10040000, kS2L2 = 0x10041000, kS2L3 = 0x10042000;
constexpr uint64_t kIpa = 0x40000000, kS2Pa = 0x840000000ull;
// Nested stream 8 (the stream-1 CD and tables): L1 0x1005_0000 [0] -> L2 0x1005_1000 whose entry
// 0x80 is a 2 MiB identity block over the tables (IPA 0x1000_0000); L1 [32]: 1 GiB identity
// block over the pages (32 GiB).
constexpr uint64_t kN2L1 = 0x10050000, kN2L2 = 0x10051000;

struct Rig {
  SparseMemory mem{kMem};
  SmmuCore core;
  explicit Rig(SmmuConfig cfg = microConfig()) : core((cfg.features.s2p = true, cfg), mem) {
    build(mem);
    mapMore(mem, 64);
    // Second L3 table under the same L2 table: IOVA 0x1240_0000 -> PA 0x9_0000_0000.
    mem.write64(kL2 + 8 * 0x92, 0x10024000 | 3u);
    mem.write64(0x10024000, handbuilt::page(0x900000000ull, false));
    // Contiguous run: L3 entries 0x150..0x15f (IOVA 0x1235_0000, 64 KiB) -> PA 0xa_0000_0000,
    // every one with the contiguous bit (52).
    for (unsigned k = 0; k < 16; ++k)
      mem.write64(kL3 + 8 * (0x150 + k),
                  handbuilt::page(0xa00000000ull + 0x1000 * k, false) | (1ull << 52));
    // Stage 2 only (stream 6).
    mem.write64(kStrtab + 64 * 6, (0b110u << 1) | 1u);
    mem.write64(kStrtab + 64 * 6 + 16, kSteD2);
    mem.write64(kStrtab + 64 * 6 + 24, kS2L1);
    mem.write64(kS2L1 + 8 * 1, kS2L2 | 3u);
    mem.write64(kS2L2 + 8 * 0, kS2L3 | 3u);
    for (unsigned k = 0; k < 8; ++k) mem.write64(kS2L3 + 8 * k, s2Page(kS2Pa + 0x1000 * k));
    // Nested (stream 8).
    mem.write64(kStrtab + 64 * 8, kCd | (0b111u << 1) | 1u);
    mem.write64(kStrtab + 64 * 8 + 16, kSteD2);
    mem.write64(kStrtab + 64 * 8 + 24, kN2L1);
    mem.write64(kN2L1 + 8 * 0, kN2L2 | 3u);
    mem.write64(kN2L2 + 8 * 0x80, s2Block(0x10000000));
    mem.write64(kN2L1 + 8 * 32, s2Block(32ull << 30));
    program(core);
  }
  TranslationResult at(Tick now, uint64_t iova, uint32_t port = 0, uint32_t sid = 1) {
    return translateAt(core, now, iova, port, sid);
  }
  void publish(std::initializer_list<std::pair<uint64_t, uint64_t>> cmds) {
    publishCommands(mem, core, cmds);
  }
};

constexpr uint64_t page(unsigned k) { return kIova + 0x1000ull * k; }
constexpr uint64_t kCmdSync = 0x46;

}  // namespace

// Front of a miss: utlb 1 + tlb 2 + walker issue 4 + config lookup 2 cycles.
constexpr Tick kFront = 9 * kClk;

TEST(SmmuWalkSharing, AWalkCacheEntryStillBeingReadIsWaitedFor) {
  SmmuConfig cfg = microConfig();
  cfg.walkCacheEntries = {4, 4, 4};
  Rig r(cfg);
  // a: config fetch (STE, CD) then walk-cache lookup (3 cycles); the walk starts at
  // T = 12 cycles + 200 ns and reads L0..L3: the L3 table is known at T + 300 ns.
  const Tick T = kFront + 3 * kClk + 2 * kMem;
  auto a = r.at(0, page(0));
  EXPECT_EQ(a.walkReads, 6u);
  EXPECT_EQ(a.latency, T + 4 * kMem);
  // b, 50 ns later on another port, another page of the same L3 table: its config lookup finds
  // the entry a's fetch fills at 9 cycles + 200 ns and waits for it; its walk-cache lookup finds
  // the L2 entry a reads at T + 300 ns and waits for it; then one read.
  const Tick tb = 50000;
  auto b = r.at(tb, page(1), /*port=*/1);
  EXPECT_EQ(b.servedBy, ServedBy::Walk);
  EXPECT_EQ(b.walkReads, 1u);
  EXPECT_EQ(b.pa, kPa + 0x1000);
  EXPECT_EQ(b.latency, T + 4 * kMem - tb);
  EXPECT_EQ(r.core.stats().configHitsUnderFill, 1u);
  EXPECT_EQ(r.core.stats().walkJoins, 1u);
  EXPECT_EQ(r.core.stats().walkJoinWait, 3 * kMem);
  // Long after: the same entry is ready, no wait: walk-cache hit and one read.
  auto c = r.at(100 * kMem, page(2), 2);
  EXPECT_EQ(c.latency, kFront + 3 * kClk + kMem);
  EXPECT_EQ(r.core.stats().walkJoins, 1u);
}

TEST(SmmuWalkSharing, InflightWalkTableJoinsWithoutAWalkCache) {
  SmmuConfig cfg = microConfig();
  cfg.walkPrefixCoalescing = true;
  cfg.ptwSlots = 4;
  Rig r(cfg);
  // a: config fetch, walk from T = 9 cycles + 200 ns; L1/L2/L3 tables known at T + 100/200/300.
  const Tick T = kFront + 2 * kMem;
  auto a = r.at(0, page(0));
  EXPECT_EQ(a.latency, T + 4 * kMem);
  // b at 250 ns, same L3 table: its walk would start at T + 50 ns; it joins a's walk at the L3
  // table (T + 300 ns) and reads one descriptor: done at T + 400 ns.
  const Tick tb = 250000;
  auto b = r.at(tb, page(1), 1);
  EXPECT_EQ(b.walkReads, 1u);
  EXPECT_EQ(b.latency, T + 4 * kMem - tb);
  // c at 250 ns, another L3 table under the same L2 table: joins at the L2 table (T + 200 ns),
  // then reads L2 and its own L3: done at T + 50 + ... = max(T + 50, T + 200) + 200 ns.
  auto c = r.at(tb, 0x12400000, 2);
  EXPECT_EQ(c.pa, 0x900000000u);
  EXPECT_EQ(c.walkReads, 2u);
  EXPECT_EQ(c.latency, T + 4 * kMem - tb);
  EXPECT_EQ(r.core.stats().walkJoins, 2u);
  EXPECT_EQ(r.core.inflightWalks().joins(), 2u);
  // After a's walk has ended (T + 400 ns) nothing is in flight: a full 4-read walk.
  auto d = r.at(10 * kMem, page(2), 3);
  EXPECT_EQ(d.walkReads, 4u);
  EXPECT_EQ(d.latency, kFront + 4 * kMem);
}

TEST(SmmuWalkSharing, WithoutPrefixCoalescingTheSecondWalkReadsEverything) {
  Rig r;  // no walk cache, no in-flight table
  const Tick T = kFront + 2 * kMem;
  r.at(0, page(0));
  const Tick tb = 250000;
  auto b = r.at(tb, page(1), 1);
  EXPECT_EQ(b.walkReads, 4u);
  EXPECT_EQ(b.latency, kFront + 4 * kMem);  // its own walk from tb + 9 cycles (> T)
  EXPECT_GT(tb + kFront, T);
  EXPECT_EQ(r.core.stats().walkJoins, 0u);
}

TEST(SmmuWalkSharing, ContiguousSpanArithmetic) {
  // Arm ARM D8.6.1 (no LPA2): 16 x 4 KB = 64 KB, 16 x 2 MB = 32 MB, 16 x 1 GB; 16 KB: 128 x 16 KB
  // = 2 MB at L3, 32 x 32 MB = 1 GB at L2; 64 KB: 32 x 64 KB = 2 MB, 32 x 512 MB = 16 GB.
  EXPECT_EQ(12 + contiguousLog2(12, 3), 16u);
  EXPECT_EQ(21 + contiguousLog2(12, 2), 25u);
  EXPECT_EQ(30 + contiguousLog2(12, 1), 34u);
  EXPECT_EQ(14 + contiguousLog2(14, 3), 21u);
  EXPECT_EQ(25 + contiguousLog2(14, 2), 30u);
  EXPECT_EQ(16 + contiguousLog2(16, 3), 21u);
  EXPECT_EQ(29 + contiguousLog2(16, 2), 34u);
}

TEST(SmmuWalkSharing, ContiguousHintFillsOneEntryForTheSpan) {
  Rig r;
  auto a = r.at(0, 0x12353000);
  ASSERT_EQ(a.outcome, Outcome::Ok) << eventName(a.event);
  EXPECT_EQ(a.pa, 0xa00003000u);
  EXPECT_EQ(r.core.stats().contiguousFills, 1u);
  // Another page of the span, another port: the main TLB holds the whole 64 KiB.
  auto b = r.at(100 * kMem, 0x1235f008, 1);
  EXPECT_EQ(b.servedBy, ServedBy::Tlb);
  EXPECT_EQ(b.pa, 0xa0000f008u);
  EXPECT_EQ(b.walkReads, 0u);
  EXPECT_EQ(r.core.stats().walks, 1u);
  // TLBI_NH_VA (ASID 7, Leaf = 1) of one page inside the span removes the span's entry.
  r.publish({{0x12u | (uint64_t(kAsid) << 48), 0x1235a000 | 1}, {kCmdSync, 0}});
  auto c = r.at(200 * kMem, 0x12351000, 2);
  EXPECT_EQ(c.servedBy, ServedBy::Walk);
  EXPECT_EQ(c.pa, 0xa00001000u);
  EXPECT_EQ(c.walkReads, 4u);
}

TEST(SmmuWalkSharing, ContiguousHintOffCachesSinglePages) {
  SmmuConfig cfg = microConfig();
  cfg.contiguousHint = false;
  Rig r(cfg);
  r.at(0, 0x12353000);
  auto b = r.at(100 * kMem, 0x1235f008, 1);
  EXPECT_EQ(b.servedBy, ServedBy::Walk);
  EXPECT_EQ(b.pa, 0xa0000f008u);
  EXPECT_EQ(r.core.stats().contiguousFills, 0u);
}

TEST(SmmuWalkSharing, StageTwoWalkCacheLeavesTheLevelsBelow) {
  SmmuConfig cfg = config();
  cfg.s2WalkCacheEntries = {4, 4, 4};  // walk-cache lookup: 2 cycles (default)
  Rig r(cfg);
  // tlb 2 + issue 4 + config 2 + stage-2 walk-cache lookup 2 cycles.
  const Tick front = 10 * kClk;
  auto a = r.at(0, kIpa, 0, 6);
  ASSERT_EQ(a.outcome, Outcome::Ok) << eventName(a.event);
  EXPECT_EQ(a.pa, kS2Pa);
  EXPECT_EQ(a.walkReads, 4u);  // STE + L1, L2, L3
  EXPECT_EQ(a.latency, front + 4 * kMem);
  // Another page of the same stage-2 L3 table: the level-2 entry leaves one read.
  auto b = r.at(100 * kMem, kIpa + 0x3000, 0, 6);
  EXPECT_EQ(b.pa, kS2Pa + 0x3000);
  EXPECT_EQ(b.walkReads, 1u);
  EXPECT_EQ(b.latency, front + kMem);
  EXPECT_EQ(r.core.stats().s2WalkCacheHits, 1u);
  // TLBI_S2_IPA (VMID 5) Leaf = 1 keeps the table entries; Leaf = 0 removes those covering it.
  const uint64_t s2ipa = 0x2au | (5ull << 32);
  r.publish({{s2ipa, (kIpa + 0x4000) | 1}, {kCmdSync, 0}});
  EXPECT_EQ(r.at(200 * kMem, kIpa + 0x5000, 0, 6).walkReads, 1u);
  r.publish({{s2ipa, kIpa + 0x4000}, {kCmdSync, 0}});
  EXPECT_EQ(r.at(300 * kMem, kIpa + 0x6000, 0, 6).walkReads, 3u);
  EXPECT_GT(r.core.stats().walkCacheInvalidated, 0u);
}

TEST(SmmuWalkSharing, StageTwoWalkCacheCutsNestedReads) {
  // Without caches: STE 1 + CD (2 stage-2 reads + 1) + 4 stage-1 levels x (2 + 1) + output 1.
  {
    Rig r(config());
    auto a = r.at(0, kIova, 0, 8);
    ASSERT_EQ(a.outcome, Outcome::Ok) << eventName(a.event);
    EXPECT_EQ(a.pa, kPa);
    EXPECT_EQ(a.walkReads, 17u);
    EXPECT_EQ(a.latency, 8 * kClk + 17 * kMem);
  }
  // A level-1 stage-2 walk cache: the CD's stage-2 walk fills the entry for IPA 0-1 GiB; the
  // four table IPAs hit it (one read each); the output IPA (32 GiB) misses it.
  SmmuConfig cfg = config();
  cfg.s2WalkCacheEntries = {0, 4, 0};
  Rig r(cfg);
  auto a = r.at(0, kIova, 0, 8);
  ASSERT_EQ(a.outcome, Outcome::Ok) << eventName(a.event);
  EXPECT_EQ(a.pa, kPa);
  EXPECT_EQ(a.walkReads, 13u);
  EXPECT_EQ(r.core.stats().s2WalkCacheHits, 4u);
  // 6 stage-2 translations, each with a 2-cycle stage-2 walk-cache lookup.
  EXPECT_EQ(a.latency, (8 + 6 * 2) * kClk + 13 * kMem);
}
