// CD lookups: single CD, linear and 2-level CD tables, their faults, and an end-to-end
// STE -> CD -> table walk.
//
// CD words are hand-encoded from IHI 0070 5.4: d0 T0SZ [5:0], TG0 [7:6], EPD1 [30], V [31],
// IPS [34:32], AA64 [41], S [44], ASID [63:48]; d1 TTB0. L1CD: V [0], L2Ptr [51:12].
#include <gtest/gtest.h>

#include "FakeMem.h"
#include "Printers.h"
#include "walk/ConfigFetch.h"
#include "walk/PageTableWalker.h"

namespace smmu {
namespace {

using test::FakeMem;

// 4K granule, T0SZ 25, EPD1, IPS 48 bits, AArch64, the given ASID.
constexpr uint64_t cdD0(uint16_t asid, bool valid = true, uint8_t tg0 = 0) {
  return 25u | (uint64_t{tg0} << 6) | (1ull << 30) | (valid ? 1ull << 31 : 0) | (5ull << 32) |
         (1ull << 41) | (uint64_t{asid} << 48);
}

class CdFetch : public ::testing::Test {
 protected:
  CdFetch() {
    ste.valid = true;
    ste.config = ste::CFG_S1;
    ste.s1ContextPtr = 0x80000;
  }
  void putCd(PhysAddr pa, uint64_t d0, uint64_t ttb0 = 0x20000) {
    const uint64_t w[8] = {d0, ttb0, 0, 0, 0, 0, 0, 0};
    mem.setWords(pa, w, 8);
  }
  FetchResult fetch(uint32_t ssid, bool ssv) { return fetchCd(ste, ssid, ssv, f, mem, cd); }
  FakeMem mem;
  SmmuFeatures f;
  Ste ste;
  ContextDescriptor cd;
  const Tick lat = 7 * kPsPerNs;
};

TEST_F(CdFetch, SingleCd) {
  putCd(0x80000, cdD0(0x42));
  const FetchResult r = fetch(0, false);
  EXPECT_EQ(r.fault, EventId::None);
  EXPECT_EQ(r.reads, 1u);
  EXPECT_EQ(r.latency, lat);
  EXPECT_TRUE(cd.valid);
  EXPECT_EQ(cd.asid, 0x42);
  EXPECT_EQ(cd.t0sz, 25);
  EXPECT_EQ(cd.ttb0, 0x20000u);
}

TEST_F(CdFetch, SubstreamWithoutSubstreams) {
  putCd(0x80000, cdD0(0x42));
  FetchResult r = fetch(0, true);  // S1CDMax == 0: any SSV=1 transaction
  EXPECT_EQ(r.fault, EventId::C_BAD_SUBSTREAMID);
  EXPECT_EQ(r.reads, 0u);
  // Substreams unsupported by the SMMU: S1CDMax is IGNORED.
  ste.s1CdMax = 4;
  f.ssidBits = 0;
  EXPECT_EQ(fetch(1, true).fault, EventId::C_BAD_SUBSTREAMID);
  r = fetch(0, false);
  EXPECT_EQ(r.fault, EventId::None);
  EXPECT_EQ(cd.asid, 0x42);
}

TEST_F(CdFetch, NoSubstreamsIgnoreS1FmtAndS1CdMax) {
  // SSIDSIZE 0: S1CDMax (here 8) and S1Fmt (2-level) are IGNORED and S1ContextPtr points to one
  // CD: one 64-byte read at 0x80000, no L1CD read.
  f.ssidBits = 0;
  ste.s1CdMax = 8;
  ste.s1fmt = ste::S1FMT_2LVL_4K;
  putCd(0x80000, cdD0(0x24));
  const FetchResult r = fetch(0, false);
  EXPECT_EQ(r.fault, EventId::None);
  EXPECT_EQ(r.reads, 1u);
  EXPECT_EQ(cd.asid, 0x24);
}

TEST_F(CdFetch, LinearTable) {
  ste.s1CdMax = 4;  // 16 CDs
  for (uint16_t i = 0; i < 16; ++i) putCd(0x80000 + 64 * i, cdD0(0x100 + i));
  FetchResult r = fetch(5, true);
  EXPECT_EQ(r.fault, EventId::None);
  EXPECT_EQ(cd.asid, 0x105);
  EXPECT_EQ(r.reads, 1u);
  EXPECT_EQ(fetch(15, true).fault, EventId::None);
  EXPECT_EQ(cd.asid, 0x10f);
  r = fetch(16, true);
  EXPECT_EQ(r.fault, EventId::C_BAD_SUBSTREAMID);
  EXPECT_EQ(r.reads, 0u);
  EXPECT_EQ(fetch(0xfffff, true).fault, EventId::C_BAD_SUBSTREAMID);
  // No substream: CD 0 (the caller has applied S1DSS).
  EXPECT_EQ(fetch(7, false).fault, EventId::None);
  EXPECT_EQ(cd.asid, 0x100);
}

TEST_F(CdFetch, LinearTableAlignedToItsSize) {
  ste.s1CdMax = 4;  // 1 KB table: S1ContextPtr[9:6] treated as zero
  ste.s1ContextPtr = 0x80040;
  putCd(0x80000 + 64 * 3, cdD0(0x33));
  ASSERT_EQ(fetch(3, true).fault, EventId::None);
  EXPECT_EQ(cd.asid, 0x33);
}

TEST_F(CdFetch, TwoLevel4K) {
  ste.s1CdMax = 8;
  ste.s1fmt = ste::S1FMT_2LVL_4K;
  ste.s1ContextPtr = 0x90000;
  mem.set64(0x90010, 0xA0000 | 1);  // L1[0x85 >> 6 = 2]
  putCd(0xA0140, cdD0(0x85));       // L2[0x85 & 63 = 5]
  FetchResult r = fetch(0x85, true);
  EXPECT_EQ(r.fault, EventId::None);
  EXPECT_EQ(cd.asid, 0x85);
  EXPECT_EQ(r.reads, 2u);
  EXPECT_EQ(r.latency, 2 * lat);
  // L1[3] invalid.
  r = fetch(0xC0, true);
  EXPECT_EQ(r.fault, EventId::C_BAD_SUBSTREAMID);
  EXPECT_EQ(r.reads, 1u);
}

TEST_F(CdFetch, TwoLevel4KSmallTableUsesL1Entry0) {
  ste.s1CdMax = 5;
  ste.s1fmt = ste::S1FMT_2LVL_4K;
  ste.s1ContextPtr = 0x90000;
  mem.set64(0x90000, 0xA0000 | 1);
  putCd(0xA0000 + 31 * 64, cdD0(31));
  ASSERT_EQ(fetch(31, true).fault, EventId::None);
  EXPECT_EQ(cd.asid, 31);
  EXPECT_EQ(fetch(32, true).fault, EventId::C_BAD_SUBSTREAMID);
}

TEST_F(CdFetch, TwoLevel64K) {
  ste.s1CdMax = 12;
  ste.s1fmt = ste::S1FMT_2LVL_64K;
  ste.s1ContextPtr = 0xB0000;
  mem.set64(0xB0010, 0xC3000 | 1);  // L1[0x805 >> 10 = 2]; L2Ptr[15:12] RES0, treated as 0
  putCd(0xC0140, cdD0(0x805));      // L2[0x805 & 1023 = 5]
  const FetchResult r = fetch(0x805, true);
  EXPECT_EQ(r.fault, EventId::None);
  EXPECT_EQ(cd.asid, 0x805);
  EXPECT_EQ(r.reads, 2u);
}

TEST_F(CdFetch, InvalidCd) {
  putCd(0x80000, cdD0(0x42, /*valid=*/false));
  const FetchResult r = fetch(0, false);
  EXPECT_EQ(r.fault, EventId::C_BAD_CD);
  EXPECT_EQ(r.reads, 1u);
  EXPECT_FALSE(cd.valid);
}

TEST_F(CdFetch, IllegalCd) {
  putCd(0x80000, cdD0(0x42, true, /*tg0=*/3));  // reserved TG0
  EXPECT_EQ(fetch(0, false).fault, EventId::C_BAD_CD);
  putCd(0x80000, cdD0(0x42) & ~(1ull << 41));    // AA64 = 0
  EXPECT_EQ(fetch(0, false).fault, EventId::C_BAD_CD);
  putCd(0x80000, (cdD0(0x42) & ~0x3full) | 40);  // T0SZ 40
  EXPECT_EQ(fetch(0, false).fault, EventId::C_BAD_CD);
  putCd(0x80000, cdD0(0x42), 1ull << 48);        // TTB0 beyond the 48-bit IPS
  EXPECT_EQ(fetch(0, false).fault, EventId::C_BAD_CD);
}

TEST_F(CdFetch, StallDisabledByTheSte) {
  f.stallModel = 0;
  putCd(0x80000, cdD0(0x42) | (1ull << 44));  // CD.S
  EXPECT_EQ(fetch(0, false).fault, EventId::None);
  ste.s1stalld = true;
  EXPECT_EQ(fetch(0, false).fault, EventId::C_BAD_CD);
}

TEST_F(CdFetch, FetchAborts) {
  mem.addHole(0x80000, 0x40);
  FetchResult r = fetch(0, false);
  EXPECT_EQ(r.fault, EventId::F_CD_FETCH);
  EXPECT_EQ(r.faultAddr, 0x80000u);
  EXPECT_EQ(r.reads, 1u);

  ste.s1CdMax = 8;
  ste.s1fmt = ste::S1FMT_2LVL_4K;
  ste.s1ContextPtr = 0x90000;
  mem.addHole(0x90000, 0x10);   // L1[0], L1[1]
  r = fetch(0x45, true);
  EXPECT_EQ(r.fault, EventId::F_CD_FETCH);
  EXPECT_EQ(r.faultAddr, 0x90008u);
  EXPECT_EQ(r.reads, 1u);
  mem.set64(0x90010, 0xA0000 | 1);
  mem.addHole(0xA0000, 0x1000);
  r = fetch(0x85, true);
  EXPECT_EQ(r.fault, EventId::F_CD_FETCH);
  EXPECT_EQ(r.faultAddr, 0xA0140u);
  EXPECT_EQ(r.reads, 2u);
}

TEST_F(CdFetch, SubstreamZeroReservedBySsid0) {
  ste.s1CdMax = 4;
  ste.s1dss = ste::S1DSS_SSID0;
  putCd(0x80000, cdD0(0x10));
  EXPECT_EQ(fetch(0, true).fault, EventId::F_STREAM_DISABLED);
  EXPECT_EQ(fetch(0, false).fault, EventId::None);
  EXPECT_EQ(cd.asid, 0x10);
}

TEST_F(CdFetch, NoStage1) {
  ste.config = ste::CFG_BYPASS;
  EXPECT_EQ(fetch(1, true).fault, EventId::C_BAD_SUBSTREAMID);
  ste.config = ste::CFG_S2;
  EXPECT_EQ(fetch(1, true).fault, EventId::C_BAD_SUBSTREAMID);
  EXPECT_EQ(mem.reads, 0u);
}

TEST_F(CdFetch, AddressesAboveOas) {
  f.oasBits = 32;
  ste.s1CdMax = 8;
  ste.s1fmt = ste::S1FMT_2LVL_4K;
  ste.s1ContextPtr = 0x90000;
  mem.set64(0x90010, 0x100000000ull | 1);  // L2Ptr above the OAS
  FetchResult r = fetch(0x85, true);
  EXPECT_EQ(r.fault, EventId::C_BAD_SUBSTREAMID);
  EXPECT_EQ(r.reads, 1u);
  ste.s1ContextPtr = 0x100000000ull;  // the STE's pointer itself
  r = fetch(0x85, true);
  EXPECT_EQ(r.fault, EventId::C_BAD_STE);
  EXPECT_EQ(r.reads, 0u);
}

TEST(ConfigToWalk, SteCdAndWalk) {
  FakeMem mem;
  SmmuFeatures f;
  // Linear stream table, STE 3: stage 1, one CD at 0x80000.
  const uint64_t ste[8] = {1 | (0b101 << 1) | 0x80000, 0, 0, 0, 0, 0, 0, 0};
  mem.setWords(0x40000 + 3 * 64, ste, 8);
  const uint64_t cdw[8] = {cdD0(7), 0x20000, 0, 0, 0, 0, 0, 0};
  mem.setWords(0x80000, cdw, 8);
  // 4K, T0SZ 25: L1[2] -> L2[3] -> L3[4] -> page 0x7000.
  mem.set64(0x20010, 0x21000 | 3);
  mem.set64(0x21018, 0x22000 | 3);
  mem.set64(0x22020, 0x7000 | 3 | (1u << 10) | (1u << 6));

  StreamTableConfig st;
  st.base = 0x40000;
  st.log2size = 4;
  Ste s;
  FetchResult fr = fetchSte(st, 3, f, mem, s);
  ASSERT_EQ(fr.fault, EventId::None);
  ContextDescriptor cd;
  fr = fetchCd(s, 0, false, f, mem, cd);
  ASSERT_EQ(fr.fault, EventId::None);
  S1WalkConfig cfg;
  ASSERT_TRUE(S1WalkConfig::fromCd(cd, f, cfg));
  const WalkResult r = walkStage1(cfg, 0x80604567, AccessAttrs{true, false, false}, mem);
  EXPECT_EQ(r.fault, EventId::None);
  EXPECT_EQ(r.pa, 0x7567u);
  EXPECT_EQ(mem.reads, 5u);  // STE, CD, three descriptors
}

}  // namespace
}  // namespace smmu
