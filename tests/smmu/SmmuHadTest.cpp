// CD.HAD0 / CD.HAD1 (Hierarchical Attribute Disable, IHI 0070 5.4) through SmmuCore, over
// structures written word by word from the specification's layouts (not the model's encoders).
// With SMMU_IDR3.HAD = 1, HADx = 1 makes the APTable/XNTable/PXNTable bits of the table
// descriptors walked through TTBx IGNORED; with IDR3.HAD = 0 the CD fields are IGNORED and the
// bits apply. Walk caches must give the answer a walk from memory gives.
//
// Layout (4 KB granule, T0SZ = T1SZ = 25: 39-bit VAs, walks start at level 1):
//   stream table (linear, 16 STEs) at 0x1000_0000; STE 1: stage 1, CD at 0x1001_0000
//   TTB0 tables: L1 0x1002_0000, L2 0x1002_1000, L3 0x1002_2000
//   TTB1 tables: L1 0x1003_0000, L2 0x1003_1000, L3 0x1003_2000
//   VA 0x4020_3000 = L1 index 1, L2 index 1, L3 index 3 (and 0x4020_4000: L3 index 4);
//   the TTB1 VAs are the same with VA[63:39] all ones (0xffff_ff80_4020_3000).
//   L1[1] is a table descriptor with APTable[1] = 1 (bit 62: no write below); L2[1] a plain
//   table descriptor; L3[3], L3[4] pages with AP[2:1] = 0b01 (read/write at EL0 and EL1).
// So without HAD every write under L1[1] is a Permission fault (APTable[1] makes the leaves
// read-only); with HAD it is allowed.
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "arch/Event.h"
#include "arch/Registers.h"
#include "mem/SparseMemory.h"
#include "smmu/SmmuCore.h"

using namespace smmu;

namespace {

constexpr uint64_t kStrtab = 0x10000000, kCd = 0x10010000, kEvtq = 0x10100000;
constexpr uint64_t kT0L1 = 0x10020000, kT0L2 = 0x10021000, kT0L3 = 0x10022000;
constexpr uint64_t kT1L1 = 0x10030000, kT1L2 = 0x10031000, kT1L3 = 0x10032000;
constexpr uint64_t kVa0 = 0x40203000, kVa0b = 0x40204000;  // through TTB0
constexpr uint64_t kVa1 = 0xffffff8040203000ull, kVa1b = 0xffffff8040204000ull;  // TTB1
constexpr uint64_t kPa0 = 0x80000000, kPa0b = 0x80001000, kPa1 = 0x80100000,
                   kPa1b = 0x80101000;

constexpr uint64_t kApTable1 = 1ull << 62;  // APTable[1]: no write access at lower levels

// CD d0: T0SZ 25 [5:0], TG0 0 (4 KB) [7:6], IR0 = OR0 = 1 [9:8] [11:10], SH0 3 [13:12],
// EPD0 0 [14], T1SZ 25 [21:16], TG1 0b10 (4 KB) [23:22], IR1 = OR1 = 1 [25:24] [27:26], SH1 3
// [29:28], EPD1 0 [30], V [31], IPS 5 (48 bits) [34:32], AA64 [41], R [45], A [46], ASID 7
// [63:48]. d1: TTB0 [51:4] | HAD0 [1] (CD bit 65). d2: TTB1 [51:4] | HAD1 [1] (CD bit 129).
constexpr uint64_t kCdD0 = 25u | (1u << 8) | (1u << 10) | (3u << 12) | (25u << 16) |
                           (2u << 22) | (1u << 24) | (1u << 26) | (3u << 28) | (1ull << 31) |
                           (5ull << 32) | (1ull << 41) | (1ull << 45) | (1ull << 46) |
                           (7ull << 48);

// Page: 0b11, AttrIndx 1 [4:2], AP[1] = 1 (EL0) [6], AP[2] = 0 (writable) [7], SH 3 [9:8],
// AF [10], nG [11].
constexpr uint64_t page(uint64_t pa) {
  return pa | 3u | (1u << 2) | (1u << 6) | (3u << 8) | (1u << 10) | (1u << 11);
}

struct Rig {
  SparseMemory mem{100 * kPsPerNs};
  SmmuCore core;
  // idr3Had: SMMU_IDR3.HAD. had0/had1: the CD's HAD0/HAD1. walkCaches: one 4-entry walk
  // cache per level (L1 and L2 table descriptors are cached).
  Rig(bool idr3Had, bool had0, bool had1, bool walkCaches = false)
      : core(makeConfig(idr3Had, walkCaches), mem) {
    mem.write64(kStrtab + 64 * 1, kCd | (0b101u << 1) | 1u);  // V, Config 0b101, S1ContextPtr
    mem.write64(kCd + 0, kCdD0);
    mem.write64(kCd + 8, kT0L1 | (had0 ? 2u : 0u));
    mem.write64(kCd + 16, kT1L1 | (had1 ? 2u : 0u));
    for (const auto& t : {std::array<uint64_t, 5>{kT0L1, kT0L2, kT0L3, kPa0, kPa0b},
                          std::array<uint64_t, 5>{kT1L1, kT1L2, kT1L3, kPa1, kPa1b}}) {
      mem.write64(t[0] + 8 * 1, t[1] | 3u | kApTable1);  // L1[1]: table, APTable[1]
      mem.write64(t[1] + 8 * 1, t[2] | 3u);              // L2[1]: table
      mem.write64(t[2] + 8 * 3, page(t[3]));             // L3[3]
      mem.write64(t[2] + 8 * 4, page(t[4]));             // L3[4]
    }
    core.writeReg(reg::STRTAB_BASE, kStrtab, 8);
    core.writeReg(reg::STRTAB_BASE_CFG, 4, 4);
    core.writeReg(reg::EVENTQ_BASE, kEvtq | 3, 8);
    core.writeReg(reg::CR0, reg::CR0_SMMUEN | reg::CR0_EVENTQEN, 4);
  }
  static SmmuConfig makeConfig(bool idr3Had, bool walkCaches) {
    SmmuConfig c;
    c.features.had = idr3Had;
    if (walkCaches) c.walkCacheEntries = {4, 4, 4};
    return c;
  }
  TranslationResult tr(uint64_t iova, bool write) {
    TranslationRequest r;
    r.sid = 1;
    r.iova = iova;
    r.acc.write = write;
    return core.translate(r, 0);
  }
};

void expectOk(const TranslationResult& r, uint64_t pa, bool writable) {
  EXPECT_EQ(r.outcome, Outcome::Ok) << eventName(r.event);
  EXPECT_EQ(r.pa, pa);
  EXPECT_EQ(r.writable, writable);
}

void expectPermissionFault(const TranslationResult& r) {
  EXPECT_EQ(r.outcome, Outcome::Fault);
  EXPECT_EQ(r.event, EventId::F_PERMISSION);
}

}  // namespace

TEST(SmmuHad, ApTableAppliesWithoutHad) {
  // HAD0 = 0: APTable[1] of L1[1] makes the writable leaf read-only.
  Rig r(/*idr3Had=*/true, /*had0=*/false, /*had1=*/false);
  expectPermissionFault(r.tr(kVa0, true));
  expectOk(r.tr(kVa0 + 0x10, false), kPa0 + 0x10, /*writable=*/false);
  expectPermissionFault(r.tr(kVa0 + 0x20, true));  // TLB hit: same answer
}

TEST(SmmuHad, Had0IgnoresApTableWhenIdr3HadIsSet) {
  Rig r(/*idr3Had=*/true, /*had0=*/true, /*had1=*/false);
  expectOk(r.tr(kVa0 + 0x18, true), kPa0 + 0x18, /*writable=*/true);
  expectOk(r.tr(kVa0 + 0x20, true), kPa0 + 0x20, true);  // TLB hit
  EXPECT_EQ(r.core.stats().tlbHits, 1u);
}

TEST(SmmuHad, Had0IsIgnoredWithoutIdr3Had) {
  // SMMU_IDR3.HAD = 0: "CD.HAD0 and CD.HAD1 are IGNORED", so APTable[1] still applies.
  Rig r(/*idr3Had=*/false, /*had0=*/true, /*had1=*/true);
  expectPermissionFault(r.tr(kVa0, true));
  expectPermissionFault(r.tr(kVa1, true));
  expectOk(r.tr(kVa0, false), kPa0, /*writable=*/false);
}

TEST(SmmuHad, Had1AppliesToTtb1AddressesOnly) {
  {
    Rig r(/*idr3Had=*/true, /*had0=*/false, /*had1=*/true);
    expectPermissionFault(r.tr(kVa0, true));                     // TTB0: APTable applies
    expectOk(r.tr(kVa1 + 0x8, true), kPa1 + 0x8, /*writable=*/true);  // TTB1: ignored
  }
  {
    Rig r(/*idr3Had=*/true, /*had0=*/true, /*had1=*/false);
    expectOk(r.tr(kVa0 + 0x8, true), kPa0 + 0x8, /*writable=*/true);
    expectPermissionFault(r.tr(kVa1, true));
  }
}

TEST(SmmuHad, WalkCacheResumeGivesTheSameAnswer) {
  // A read of page 3 walks L1, L2, L3 and fills the walk caches with the L1 and L2 table
  // descriptors; a write to page 4 (same L3 table) then resumes from the cached L2 entry and
  // reads only L3[4]. It must find what a full walk finds: without HAD the cached entry carries
  // APTable[1] (write fault), with HAD it carries no restriction (write allowed).
  struct Case {
    bool idr3Had, had0, had1;
    uint64_t va, vaB, paB;
    bool writeAllowed;
  };
  const Case cases[] = {
      {false, false, false, kVa0, kVa0b, kPa0b, false},
      {true, false, false, kVa0, kVa0b, kPa0b, false},
      {false, true, true, kVa0, kVa0b, kPa0b, false},  // HAD0 IGNORED
      {true, true, false, kVa0, kVa0b, kPa0b, true},
      {true, true, false, kVa1, kVa1b, kPa1b, false},  // HAD0 does not cover TTB1
      {true, false, true, kVa1, kVa1b, kPa1b, true},
      {true, false, true, kVa0, kVa0b, kPa0b, false},  // HAD1 does not cover TTB0
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE("case " + std::to_string(n++));
    Rig r(c.idr3Had, c.had0, c.had1, /*walkCaches=*/true);
    const TranslationResult first = r.tr(c.va, false);
    EXPECT_EQ(first.outcome, Outcome::Ok);
    EXPECT_EQ(first.walkReads, 2u + 3u);  // STE, CD, then L1, L2, L3
    const TranslationResult second = r.tr(c.vaB + 0x40, true);
    EXPECT_EQ(second.walkReads, 1u);      // config cached, walk resumed at L3
    EXPECT_EQ(r.core.stats().walkCacheHits, 1u);
    if (c.writeAllowed)
      expectOk(second, c.paB + 0x40, /*writable=*/true);
    else
      expectPermissionFault(second);
    // And the same page walked from memory (no walk caches) answers alike.
    Rig fresh(c.idr3Had, c.had0, c.had1);
    const TranslationResult full = fresh.tr(c.vaB + 0x40, true);
    EXPECT_EQ(full.walkReads, 2u + 3u);
    EXPECT_EQ(full.outcome, second.outcome);
    EXPECT_EQ(full.event, second.event);
  }
}
