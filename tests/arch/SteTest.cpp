// Stream table entry and L1 stream table descriptor encodings (IHI 0070 5.2, 5.1; Linux
// STRTAB_STE_* / STRTAB_L1_DESC_*).
#include <gtest/gtest.h>

#include <random>

#include "arch/Ste.h"

namespace smmu {
namespace {

// Every bit Ste.h gives a field, per doubleword (computed by hand from the field list):
//  d0: V[0] Config[3:1] S1Fmt[5:4] S1ContextPtr[51:6] S1CDMax[63:59]
//  d1: [7:0] S2FWB[25] [31:27] [40:32] [51:44]
//  d2: S2VMID[15:0] [58:32]
//  d3: S2TTB[51:4]
constexpr Ste::Words kDefined{0xf80fffffffffffffull, 0x000ff1fffa0000ffull,
                              0x07ffffff0000ffffull, 0x000ffffffffffff0ull, 0, 0, 0, 0};

TEST(Ste, DefaultIsAllZero) {
  const Ste::Words d = Ste{}.encode();
  for (uint64_t w : d) EXPECT_EQ(w, 0u);
}

// Every single-bit field alone, at the position the spec gives it.
TEST(Ste, SingleFieldPositions) {
  struct Case {
    void (*set)(Ste&);
    int dw;
    uint64_t word;
  };
  const Case cases[] = {
      {[](Ste& s) { s.valid = true; }, 0, 1ull << 0},
      {[](Ste& s) { s.config = ste::CFG_NESTED; }, 0, 0b111ull << 1},
      {[](Ste& s) { s.s1fmt = ste::S1FMT_2LVL_64K; }, 0, 0b10ull << 4},
      {[](Ste& s) { s.s1ContextPtr = 0x000fedcba9876540ull; }, 0, 0x000fedcba9876540ull},
      {[](Ste& s) { s.s1CdMax = 31; }, 0, 0x1full << 59},
      {[](Ste& s) { s.s1dss = 3; }, 1, 0x3ull},
      {[](Ste& s) { s.s1cir = 3; }, 1, 0x3ull << 2},
      {[](Ste& s) { s.s1cor = 3; }, 1, 0x3ull << 4},
      {[](Ste& s) { s.s1csh = 3; }, 1, 0x3ull << 6},
      {[](Ste& s) { s.s2fwb = true; }, 1, 1ull << 25},
      {[](Ste& s) { s.s1stalld = true; }, 1, 1ull << 27},
      {[](Ste& s) { s.eats = 3; }, 1, 0x3ull << 28},
      {[](Ste& s) { s.strw = 3; }, 1, 0x3ull << 30},
      {[](Ste& s) { s.memattr = 0xf; }, 1, 0xfull << 32},
      {[](Ste& s) { s.mtcfg = true; }, 1, 1ull << 36},
      {[](Ste& s) { s.alloccfg = 0xf; }, 1, 0xfull << 37},
      {[](Ste& s) { s.shcfg = 3; }, 1, 0x3ull << 44},
      {[](Ste& s) { s.nscfg = 3; }, 1, 0x3ull << 46},
      {[](Ste& s) { s.privcfg = ste::PRIVCFG_UNPRIV; }, 1, 0x2ull << 48},  // Linux PRIVCFG_SHIFT 48
      {[](Ste& s) { s.instcfg = ste::INSTCFG_INSTR; }, 1, 0x3ull << 50},
      {[](Ste& s) { s.s2vmid = 0xffff; }, 2, 0xffffull},
      {[](Ste& s) { s.s2t0sz = 0x3f; }, 2, 0x3full << 32},
      {[](Ste& s) { s.s2sl0 = 3; }, 2, 0x3ull << 38},
      {[](Ste& s) { s.s2ir0 = 3; }, 2, 0x3ull << 40},
      {[](Ste& s) { s.s2or0 = 3; }, 2, 0x3ull << 42},
      {[](Ste& s) { s.s2sh0 = 3; }, 2, 0x3ull << 44},
      {[](Ste& s) { s.s2tg = 3; }, 2, 0x3ull << 46},
      {[](Ste& s) { s.s2ps = 7; }, 2, 0x7ull << 48},
      {[](Ste& s) { s.s2aa64 = true; }, 2, 1ull << 51},
      {[](Ste& s) { s.s2endi = true; }, 2, 1ull << 52},
      {[](Ste& s) { s.s2affd = true; }, 2, 1ull << 53},
      {[](Ste& s) { s.s2ptw = true; }, 2, 1ull << 54},
      {[](Ste& s) { s.s2hd = true; }, 2, 1ull << 55},
      {[](Ste& s) { s.s2ha = true; }, 2, 1ull << 56},
      {[](Ste& s) { s.s2s = true; }, 2, 1ull << 57},
      {[](Ste& s) { s.s2r = true; }, 2, 1ull << 58},
      {[](Ste& s) { s.s2ttb = 0x000ffffffffffff0ull; }, 3, 0x000ffffffffffff0ull},
  };
  int i = 0;
  for (const Case& c : cases) {
    Ste s;
    c.set(s);
    const Ste::Words d = s.encode();
    for (int w = 0; w < 8; ++w)
      EXPECT_EQ(d[w], w == c.dw ? c.word : 0u) << "case " << i << " dword " << w;
    ++i;
  }
}

// An S1 STE exactly as Linux's arm_smmu_make_cdtable_ste() writes it for a 2-level CD table
// (S1Fmt = 64K L2), 20-bit SSIDs, S1DSS = SSID0, WBRA table walks, inner shareable, no ATS,
// STRW = NS-EL1:
//   d0 = V(1) | CFG S1_TRANS (0b101 << 1 = 0xa) | S1FMT 2 (<< 4 = 0x20)
//        | cdtab 0x40_8000_0000 | S1CDMAX 20 (0b10100 << 59 = 0xa000_0000_0000_0000)
//   d1 = S1DSS 2 | S1CIR 1 (<< 2 = 0x4) | S1COR 1 (<< 4 = 0x10) | S1CSH 3 (<< 6 = 0xc0)
TEST(Ste, LinuxS1CdTableSte) {
  const Ste::Words words{0xa00000408000002bull, 0x00000000000000d6ull, 0, 0, 0, 0, 0, 0};
  const Ste s = Ste::decode(words);
  EXPECT_TRUE(s.valid);
  EXPECT_EQ(s.config, ste::CFG_S1);
  EXPECT_EQ(s.s1fmt, ste::S1FMT_2LVL_64K);
  EXPECT_EQ(s.s1ContextPtr, 0x4080000000ull);
  EXPECT_EQ(s.s1CdMax, 20);
  EXPECT_EQ(s.s1dss, ste::S1DSS_SSID0);
  EXPECT_EQ(s.s1cir, 1);
  EXPECT_EQ(s.s1cor, 1);
  EXPECT_EQ(s.s1csh, 3);
  EXPECT_FALSE(s.s1stalld);
  EXPECT_EQ(s.eats, 0);
  EXPECT_EQ(s.strw, 0);
  EXPECT_EQ(s.encode(), words);
}

// Linux's bypass STE (arm_smmu_make_bypass_ste): V | CFG BYPASS (0b100 << 1 = 0x8), and
// SHCFG = INCOMING (1 << 44) when the SMMU has IDR1.ATTR_TYPES_OVR.
TEST(Ste, LinuxBypassSte) {
  const Ste::Words words{0x9ull, 0x0000100000000000ull, 0, 0, 0, 0, 0, 0};
  const Ste s = Ste::decode(words);
  EXPECT_TRUE(s.valid);
  EXPECT_EQ(s.config, ste::CFG_BYPASS);
  EXPECT_EQ(s.shcfg, 1);
  EXPECT_EQ(s.encode(), words);
}

// A stage-2 STE as Linux's arm_smmu_make_s2_domain_ste() writes it: VMID 7, VTCR with T0SZ 24
// (40-bit IPA), SL0 1, IR0/OR0 WBWA (1), SH0 ISH (3), TG 4K (0), PS 40-bit (2), S2AA64, S2R,
// S2PTW, and S2TTB 0x8_1234_0000.
//   d0 = V | CFG S2 (0b110 << 1 = 0xc)                      = 0xd
//   d2 = 7 | 24 << 32 | 1 << 38 | 1 << 40 | 1 << 42 | 3 << 44 | 0 << 46 | 2 << 48
//        | 1 << 51 | 1 << 54 | 1 << 58                      = 0x044a_3558_0000_0007
TEST(Ste, LinuxS2Ste) {
  const Ste::Words words{0xdull, 0, 0x044a355800000007ull, 0x0000000812340000ull, 0, 0, 0, 0};
  const Ste s = Ste::decode(words);
  EXPECT_EQ(s.config, ste::CFG_S2);
  EXPECT_EQ(s.s2vmid, 7);
  EXPECT_EQ(s.s2t0sz, 24);
  EXPECT_EQ(s.s2sl0, 1);
  EXPECT_EQ(s.s2ir0, 1);
  EXPECT_EQ(s.s2or0, 1);
  EXPECT_EQ(s.s2sh0, 3);
  EXPECT_EQ(s.s2tg, 0);
  EXPECT_EQ(s.s2ps, 2);
  EXPECT_TRUE(s.s2aa64);
  EXPECT_FALSE(s.s2endi);
  EXPECT_FALSE(s.s2affd);
  EXPECT_TRUE(s.s2ptw);
  EXPECT_FALSE(s.s2hd);
  EXPECT_FALSE(s.s2ha);
  EXPECT_FALSE(s.s2s);
  EXPECT_TRUE(s.s2r);
  EXPECT_EQ(s.s2ttb, 0x812340000ull);
  EXPECT_EQ(s.encode(), words);
}

// d1 attribute overrides, hand-encoded:
//   MEMATTR 0xf [35:32], MTCFG [36], ALLOCCFG 0b0110 [40:37], NSCFG 0b10 [47:46],
//   PRIVCFG 0b11 [49:48], INSTCFG 0b10 [51:50]
//   = 0xf << 32 | 1 << 36 | 6 << 37 | 2 << 46 | 3 << 48 | 2 << 50 = 0x000b_80df_0000_0000
TEST(Ste, AttributeOverrides) {
  const Ste::Words words{0, 0x000b80df00000000ull, 0, 0, 0, 0, 0, 0};
  const Ste s = Ste::decode(words);
  EXPECT_EQ(s.memattr, 0xf);
  EXPECT_TRUE(s.mtcfg);
  EXPECT_EQ(s.alloccfg, 6);
  EXPECT_EQ(s.shcfg, 0);
  EXPECT_EQ(s.nscfg, 2);
  EXPECT_EQ(s.privcfg, ste::PRIVCFG_PRIV);
  EXPECT_EQ(s.instcfg, ste::INSTCFG_DATA);
  EXPECT_EQ(s.encode(), words);
}

// Undefined bits (RES0, or fields this model does not use) are dropped, not misread.
TEST(Ste, UndefinedBitsIgnored) {
  Ste::Words words{};
  for (int i = 0; i < 8; ++i) words[i] = ~kDefined[i];
  const Ste s = Ste::decode(words);
  for (uint64_t w : s.encode()) EXPECT_EQ(w, 0u);
  EXPECT_FALSE(s.valid);
  EXPECT_EQ(s.s1ContextPtr, 0u);
  EXPECT_EQ(s.s2ttb, 0u);
}

TEST(Ste, RandomWordsRoundTrip) {
  std::mt19937_64 rng(0x57e0001);
  for (int n = 0; n < 2000; ++n) {
    Ste::Words words{};
    for (int i = 0; i < 8; ++i) words[i] = rng() & kDefined[i];
    ASSERT_EQ(Ste::decode(words).encode(), words) << "iteration " << n;
  }
}

TEST(Ste, RandomFieldsRoundTrip) {
  std::mt19937_64 rng(0x57e0002);
  auto r = [&](unsigned bitsWide) { return rng() & ((1ull << bitsWide) - 1); };
  for (int n = 0; n < 2000; ++n) {
    Ste s;
    s.valid = r(1);
    s.config = r(3);
    s.s1fmt = r(2);
    s.s1ContextPtr = r(52) & ~0x3full;
    s.s1CdMax = r(5);
    s.s1dss = r(2);
    s.s1cir = r(2);
    s.s1cor = r(2);
    s.s1csh = r(2);
    s.s2fwb = r(1);
    s.s1stalld = r(1);
    s.eats = r(2);
    s.strw = r(2);
    s.memattr = r(4);
    s.mtcfg = r(1);
    s.alloccfg = r(4);
    s.shcfg = r(2);
    s.nscfg = r(2);
    s.privcfg = r(2);
    s.instcfg = r(2);
    s.s2vmid = r(16);
    s.s2t0sz = r(6);
    s.s2sl0 = r(2);
    s.s2ir0 = r(2);
    s.s2or0 = r(2);
    s.s2sh0 = r(2);
    s.s2tg = r(2);
    s.s2ps = r(3);
    s.s2aa64 = r(1);
    s.s2endi = r(1);
    s.s2affd = r(1);
    s.s2ptw = r(1);
    s.s2hd = r(1);
    s.s2ha = r(1);
    s.s2s = r(1);
    s.s2r = r(1);
    s.s2ttb = r(52) & ~0xfull;
    const Ste::Words d = s.encode();
    for (int i = 0; i < 8; ++i) ASSERT_EQ(d[i] & ~kDefined[i], 0u);
    const Ste t = Ste::decode(d);
    ASSERT_EQ(t.encode(), d);
    ASSERT_EQ(t.s1ContextPtr, s.s1ContextPtr);
    ASSERT_EQ(t.s2ttb, s.s2ttb);
    ASSERT_EQ(t.privcfg, s.privcfg);
    ASSERT_EQ(t.instcfg, s.instcfg);
    ASSERT_EQ(t.s2vmid, s.s2vmid);
    ASSERT_EQ(t.config, s.config);
    ASSERT_EQ(t.s1CdMax, s.s1CdMax);
  }
}

// L1 stream table descriptor: SPAN [4:0], L2Ptr [51:6].
// Linux arm_smmu_write_strtab_l1_desc(): SPAN = STRTAB_SPLIT + 1 = 9, L2Ptr 0x8_0000_4000
//   = 0x0000_0008_0000_4009
TEST(StL1Desc, LinuxDescriptor) {
  const StL1Desc l1 = StL1Desc::decode(0x0000000800004009ull);
  EXPECT_EQ(l1.span, 9);
  EXPECT_EQ(l1.l2ptr, 0x800004000ull);
  EXPECT_EQ(l1.encode(), 0x0000000800004009ull);
}

TEST(StL1Desc, FieldLimits) {
  // Bits [5] and [63:52] are RES0: dropped.
  const StL1Desc l1 = StL1Desc::decode(0xfff0000000000020ull | 0x1full);
  EXPECT_EQ(l1.span, 31);
  EXPECT_EQ(l1.l2ptr, 0u);
  StL1Desc e;
  e.span = 0xff;                      // truncated to 5 bits
  e.l2ptr = 0xffffffffffffffffull;    // [51:6] only
  EXPECT_EQ(e.encode(), 0x000fffffffffffdfull);
}

TEST(StL1Desc, RandomRoundTrip) {
  std::mt19937_64 rng(0x57e0003);
  for (int n = 0; n < 1000; ++n) {
    const uint64_t w = rng() & 0x000fffffffffffdfull;
    ASSERT_EQ(StL1Desc::decode(w).encode(), w);
  }
}

}  // namespace
}  // namespace smmu
