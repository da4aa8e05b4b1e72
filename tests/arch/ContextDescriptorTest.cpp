// Context descriptor, L1 CD descriptor and TG0/TG1 encodings (IHI 0070 5.4; Linux
// CTXDESC_CD_* / CTXDESC_L1_DESC_*).
#include <gtest/gtest.h>

#include <random>

#include "arch/ContextDescriptor.h"

namespace smmu {
namespace {

TEST(ContextDescriptor, SingleFieldPositions) {
  struct Case {
    void (*set)(ContextDescriptor&);
    uint64_t d0;
  };
  const Case cases[] = {
      {[](ContextDescriptor& c) { c.t0sz = 0x3f; }, 0x3full},
      {[](ContextDescriptor& c) { c.tg0 = 3; }, 0x3ull << 6},
      {[](ContextDescriptor& c) { c.ir0 = 3; }, 0x3ull << 8},
      {[](ContextDescriptor& c) { c.or0 = 3; }, 0x3ull << 10},
      {[](ContextDescriptor& c) { c.sh0 = 3; }, 0x3ull << 12},
      {[](ContextDescriptor& c) { c.epd0 = true; }, 1ull << 14},
      {[](ContextDescriptor& c) { c.endi = true; }, 1ull << 15},
      {[](ContextDescriptor& c) { c.t1sz = 0x3f; }, 0x3full << 16},
      {[](ContextDescriptor& c) { c.tg1 = 3; }, 0x3ull << 22},
      {[](ContextDescriptor& c) { c.ir1 = 3; }, 0x3ull << 24},
      {[](ContextDescriptor& c) { c.or1 = 3; }, 0x3ull << 26},
      {[](ContextDescriptor& c) { c.sh1 = 3; }, 0x3ull << 28},
      {[](ContextDescriptor& c) { c.epd1 = true; }, 1ull << 30},
      {[](ContextDescriptor& c) { c.valid = true; }, 1ull << 31},
      {[](ContextDescriptor& c) { c.ips = 7; }, 0x7ull << 32},
      {[](ContextDescriptor& c) { c.affd = true; }, 1ull << 35},
      {[](ContextDescriptor& c) { c.wxn = true; }, 1ull << 36},
      {[](ContextDescriptor& c) { c.uwxn = true; }, 1ull << 37},
      {[](ContextDescriptor& c) { c.tbi = 3; }, 0x3ull << 38},
      {[](ContextDescriptor& c) { c.pan = true; }, 1ull << 40},
      {[](ContextDescriptor& c) { c.aa64 = true; }, 1ull << 41},
      {[](ContextDescriptor& c) { c.hd = true; }, 1ull << 42},
      {[](ContextDescriptor& c) { c.ha = true; }, 1ull << 43},
      {[](ContextDescriptor& c) { c.s = true; }, 1ull << 44},
      {[](ContextDescriptor& c) { c.r = true; }, 1ull << 45},
      {[](ContextDescriptor& c) { c.a = true; }, 1ull << 46},
      {[](ContextDescriptor& c) { c.aset = true; }, 1ull << 47},
      {[](ContextDescriptor& c) { c.asid = 0xffff; }, 0xffffull << 48},
  };
  int i = 0;
  for (const Case& c : cases) {
    ContextDescriptor cd;
    c.set(cd);
    const ContextDescriptor::Words d = cd.encode();
    EXPECT_EQ(d[0], c.d0) << "case " << i;
    for (int w = 1; w < 8; ++w) EXPECT_EQ(d[w], 0u) << "case " << i << " dword " << w;
    ++i;
  }
}

// A stage-1 CD as Linux's arm_smmu_make_s1_cd() writes it for an io-pgtable-arm 48-bit,
// 4 KB-granule table: T0SZ 16, TG0 4K (0), IRGN0/ORGN0 WBWA (1), SH0 ISH (3), EPD1, V,
// IPS 48-bit (5), AA64, R, A, ASET, ASID 1, with HA|HD for dirty tracking.
//   d0 low  = 0x10 | 1 << 8 | 1 << 10 | 3 << 12 | 1 << 30 | 1 << 31        = 0xc000_3510
//   d0 high = 5 | AA64 1 << 9 | HD 1 << 10 | HA 1 << 11 | R 1 << 13 | A 1 << 14 | ASET 1 << 15
//             | ASID 1 << 16                                                = 0x0001_ee05
//   d1 = TTB0 0x8_8765_4000; d3 = MAIR 0xf404ff44
TEST(ContextDescriptor, LinuxS1Cd) {
  const ContextDescriptor::Words words{0x0001ee05c0003510ull, 0x0000000887654000ull, 0,
                                       0x00000000f404ff44ull, 0, 0, 0, 0};
  const ContextDescriptor c = ContextDescriptor::decode(words);
  EXPECT_EQ(c.t0sz, 16);
  EXPECT_EQ(c.tg0, cd::TG_4K);
  EXPECT_EQ(c.ir0, 1);
  EXPECT_EQ(c.or0, 1);
  EXPECT_EQ(c.sh0, 3);
  EXPECT_FALSE(c.epd0);
  EXPECT_TRUE(c.epd1);
  EXPECT_TRUE(c.valid);
  EXPECT_EQ(c.ips, 5);
  EXPECT_TRUE(c.aa64);
  EXPECT_TRUE(c.hd);
  EXPECT_TRUE(c.ha);
  EXPECT_FALSE(c.s);
  EXPECT_TRUE(c.r);
  EXPECT_TRUE(c.a);
  EXPECT_TRUE(c.aset);
  EXPECT_EQ(c.asid, 1);
  EXPECT_EQ(c.t1sz, 0);
  EXPECT_EQ(c.tbi, 0);
  EXPECT_EQ(c.ttb0, 0x887654000ull);
  EXPECT_EQ(c.ttb1, 0u);
  EXPECT_EQ(c.mair, 0xf404ff44ull);
  EXPECT_EQ(c.encode(), words);
}

TEST(ContextDescriptor, TtbFieldsAre51To4) {
  // TTB0/TTB1 keep [51:4]; bits [3:0] other than HAD (NSCFG, E0PD, HAFT) and [63:52] are
  // dropped. d1 bit 1 (0xf) is HAD0 = 1, d2 bit 1 (0x3) HAD1 = 1.
  const ContextDescriptor::Words words{0, 0xfff123456789abcfull, 0xfff0000000000013ull, 0,
                                       0, 0, 0, 0};
  const ContextDescriptor c = ContextDescriptor::decode(words);
  EXPECT_EQ(c.ttb0, 0x000123456789abc0ull);
  EXPECT_EQ(c.ttb1, 0x10ull);
  EXPECT_TRUE(c.had0);
  EXPECT_TRUE(c.had1);
  ContextDescriptor e;
  e.ttb0 = ~0ull;
  e.ttb1 = ~0ull;
  e.mair = ~0ull;
  const ContextDescriptor::Words d = e.encode();
  EXPECT_EQ(d[1], 0x000ffffffffffff0ull);
  EXPECT_EQ(d[2], 0x000ffffffffffff0ull);
  EXPECT_EQ(d[3], ~0ull);
  EXPECT_EQ(d[0], 0u);
}

// HAD0 is CD bit 65 (d1 bit 1) and HAD1 CD bit 129 (d2 bit 1) (IHI 0070 5.4), next to TTB0
// [119:68] and TTB1 [183:132].
TEST(ContextDescriptor, HadBits) {
  ContextDescriptor c;
  c.had0 = true;
  ContextDescriptor::Words d = c.encode();
  EXPECT_EQ(d[1], 0x2ull);
  EXPECT_EQ(d[2], 0u);
  c.had0 = false;
  c.had1 = true;
  d = c.encode();
  EXPECT_EQ(d[1], 0u);
  EXPECT_EQ(d[2], 0x2ull);
  // NSCFG0 [64] and E0PD0 [66] are not HAD0.
  const ContextDescriptor n = ContextDescriptor::decode({0, 0x5, 0x5, 0, 0, 0, 0, 0});
  EXPECT_FALSE(n.had0);
  EXPECT_FALSE(n.had1);
  const ContextDescriptor h =
      ContextDescriptor::decode({0, 0x80000002ull, 0x90000002ull, 0, 0, 0, 0, 0});
  EXPECT_TRUE(h.had0);
  EXPECT_TRUE(h.had1);
  EXPECT_EQ(h.ttb0, 0x80000000u);
  EXPECT_EQ(h.ttb1, 0x90000000u);
}

TEST(ContextDescriptor, RandomWordsRoundTrip) {
  std::mt19937_64 rng(0xcd0001);
  for (int n = 0; n < 2000; ++n) {
    // d0 and d3 are fully defined; d1/d2 carry [51:4] and HAD [1]; d4..d7 are not decoded.
    const ContextDescriptor::Words words{rng(), rng() & 0x000ffffffffffff2ull,
                                         rng() & 0x000ffffffffffff2ull, rng(), 0, 0, 0, 0};
    ASSERT_EQ(ContextDescriptor::decode(words).encode(), words) << "iteration " << n;
  }
}

TEST(ContextDescriptor, RandomFieldsRoundTrip) {
  std::mt19937_64 rng(0xcd0002);
  auto r = [&](unsigned bitsWide) { return rng() & ((1ull << bitsWide) - 1); };
  for (int n = 0; n < 2000; ++n) {
    ContextDescriptor c;
    c.t0sz = r(6);
    c.tg0 = r(2);
    c.ir0 = r(2);
    c.or0 = r(2);
    c.sh0 = r(2);
    c.epd0 = r(1);
    c.endi = r(1);
    c.t1sz = r(6);
    c.tg1 = r(2);
    c.ir1 = r(2);
    c.or1 = r(2);
    c.sh1 = r(2);
    c.epd1 = r(1);
    c.valid = r(1);
    c.ips = r(3);
    c.affd = r(1);
    c.wxn = r(1);
    c.uwxn = r(1);
    c.tbi = r(2);
    c.pan = r(1);
    c.aa64 = r(1);
    c.hd = r(1);
    c.ha = r(1);
    c.s = r(1);
    c.r = r(1);
    c.a = r(1);
    c.aset = r(1);
    c.asid = r(16);
    c.ttb0 = r(52) & ~0xfull;
    c.ttb1 = r(52) & ~0xfull;
    c.had0 = r(1);
    c.had1 = r(1);
    c.mair = rng();
    const ContextDescriptor t = ContextDescriptor::decode(c.encode());
    ASSERT_EQ(t.encode(), c.encode());
    ASSERT_EQ(t.t0sz, c.t0sz);
    ASSERT_EQ(t.t1sz, c.t1sz);
    ASSERT_EQ(t.tg1, c.tg1);
    ASSERT_EQ(t.valid, c.valid);
    ASSERT_EQ(t.asid, c.asid);
    ASSERT_EQ(t.ttb0, c.ttb0);
    ASSERT_EQ(t.ttb1, c.ttb1);
    ASSERT_EQ(t.had0, c.had0);
    ASSERT_EQ(t.had1, c.had1);
    ASSERT_EQ(t.mair, c.mair);
  }
}

// L1 CD descriptor: V [0], L2Ptr [51:12]. Linux arm_smmu_write_cd_l1_desc():
// L2Ptr 0x9_abcd_e000 | V = 0x0000_0009_abcd_e001.
TEST(CdL1Desc, LinuxDescriptor) {
  const CdL1Desc l1 = CdL1Desc::decode(0x00000009abcde001ull);
  EXPECT_TRUE(l1.valid);
  EXPECT_EQ(l1.l2ptr, 0x9abcde000ull);
  EXPECT_EQ(l1.encode(), 0x00000009abcde001ull);
}

TEST(CdL1Desc, FieldLimits) {
  const CdL1Desc l1 = CdL1Desc::decode(0xfff0000000000ffeull);  // all RES0 bits, V = 0
  EXPECT_FALSE(l1.valid);
  EXPECT_EQ(l1.l2ptr, 0u);
  CdL1Desc e;
  e.valid = true;
  e.l2ptr = ~0ull;
  EXPECT_EQ(e.encode(), 0x000ffffffffff001ull);
}

TEST(Granule, Tg0) {
  Granule g = Granule::k64K;
  ASSERT_TRUE(tg0ToGranule(0, g));
  EXPECT_EQ(g, Granule::k4K);
  ASSERT_TRUE(tg0ToGranule(1, g));
  EXPECT_EQ(g, Granule::k64K);
  ASSERT_TRUE(tg0ToGranule(2, g));
  EXPECT_EQ(g, Granule::k16K);
  g = Granule::k4K;
  EXPECT_FALSE(tg0ToGranule(3, g));
  EXPECT_EQ(g, Granule::k4K);  // untouched on a reserved encoding
  EXPECT_FALSE(tg0ToGranule(0xff, g));
  EXPECT_EQ(granuleToTg0(Granule::k4K), 0);
  EXPECT_EQ(granuleToTg0(Granule::k64K), 1);
  EXPECT_EQ(granuleToTg0(Granule::k16K), 2);
  EXPECT_EQ(granuleToTg0(Granule::k4K), cd::TG_4K);
  EXPECT_EQ(granuleToTg0(Granule::k64K), cd::TG_64K);
  EXPECT_EQ(granuleToTg0(Granule::k16K), cd::TG_16K);
}

TEST(Granule, Tg1) {
  Granule g = Granule::k4K;
  EXPECT_FALSE(tg1ToGranule(0, g));
  ASSERT_TRUE(tg1ToGranule(1, g));
  EXPECT_EQ(g, Granule::k16K);
  ASSERT_TRUE(tg1ToGranule(2, g));
  EXPECT_EQ(g, Granule::k4K);
  ASSERT_TRUE(tg1ToGranule(3, g));
  EXPECT_EQ(g, Granule::k64K);
  EXPECT_FALSE(tg1ToGranule(4, g));
  EXPECT_EQ(granuleToTg1(Granule::k16K), 1);
  EXPECT_EQ(granuleToTg1(Granule::k4K), 2);
  EXPECT_EQ(granuleToTg1(Granule::k64K), 3);
}

TEST(Granule, RoundTripAndShift) {
  for (Granule g : {Granule::k4K, Granule::k16K, Granule::k64K}) {
    Granule back;
    ASSERT_TRUE(tg0ToGranule(granuleToTg0(g), back));
    EXPECT_EQ(back, g);
    ASSERT_TRUE(tg1ToGranule(granuleToTg1(g), back));
    EXPECT_EQ(back, g);
  }
  EXPECT_EQ(granuleShift(Granule::k4K), 12u);
  EXPECT_EQ(granuleShift(Granule::k16K), 14u);
  EXPECT_EQ(granuleShift(Granule::k64K), 16u);
}

}  // namespace
}  // namespace smmu
