// SMMU_IDR0/1/3/5 <-> SmmuFeatures (IHI 0070 6.3; Linux IDR0_* / IDR1_* / IDR3_* / IDR5_*).
#include <gtest/gtest.h>

#include <random>

#include "arch/Features.h"

namespace smmu {
namespace {

bool sameFeatures(const SmmuFeatures& a, const SmmuFeatures& b) {
  return a.s1p == b.s1p && a.s2p == b.s2p && a.ttfAarch64 == b.ttfAarch64 &&
         a.cohacc == b.cohacc && a.btm == b.btm && a.httu == b.httu && a.ats == b.ats &&
         a.pri == b.pri && a.cd2l == b.cd2l && a.vmid16 == b.vmid16 && a.asid16 == b.asid16 &&
         a.msi == b.msi && a.stallModel == b.stallModel && a.stLevel2 == b.stLevel2 &&
         a.cmdqLog2 == b.cmdqLog2 && a.evtqLog2 == b.evtqLog2 && a.priqLog2 == b.priqLog2 &&
         a.sidBits == b.sidBits && a.ssidBits == b.ssidBits && a.oasBits == b.oasBits &&
         a.gran4k == b.gran4k && a.gran16k == b.gran16k && a.gran64k == b.gran64k &&
         a.vax52 == b.vax52 && a.ril == b.ril && a.had == b.had;
}

// Defaults, hand-encoded:
//  IDR0 = S1P 1 << 1 | TTF 0b10 << 2 | COHACC 1 << 4 | ASID16 1 << 12 | MSI 1 << 13
//         | VMID16 1 << 18 | CD2L 1 << 19 | STALL_MODEL 1 << 24 | ST_LEVEL 1 << 27
//       = 0x2 + 0x8 + 0x10 + 0x1000 + 0x2000 + 0x40000 + 0x80000 + 0x1000000 + 0x8000000
//       = 0x090c_301a
//  IDR1 = SIDSIZE 16 | SSIDSIZE 8 << 6 | PRIQS 7 << 11 | EVENTQS 7 << 16 | CMDQS 8 << 21
//       = 0x10 + 0x200 + 0x3800 + 0x70000 + 0x1000000 = 0x0107_3a10
//  IDR5 = OAS 48-bit (5) | GRAN4K 1 << 4 | GRAN16K 1 << 5 | GRAN64K 1 << 6 = 0x75
TEST(Features, DefaultIdrs) {
  const SmmuFeatures::Idr idr = SmmuFeatures{}.toIdr();
  EXPECT_EQ(idr.idr0, 0x090c301au);
  EXPECT_EQ(idr.idr1, 0x01073a10u);
  EXPECT_EQ(idr.idr2, 0u);
  EXPECT_EQ(idr.idr3, 0u);
  EXPECT_EQ(idr.idr4, 0u);
  EXPECT_EQ(idr.idr5, 0x75u);
}

// Each flag alone against its bit (Linux: S2P 0, S1P 1, COHACC 4, BTM 5, ATS 10, ASID16 12,
// MSI 13, PRI 16, VMID16 18, CD2L 19; IDR3.RIL 10; IDR5 GRAN4K 4, GRAN16K 5, GRAN64K 6).
TEST(Features, SingleBits) {
  SmmuFeatures base;
  base.s1p = base.ttfAarch64 = base.cohacc = base.cd2l = base.vmid16 = base.asid16 = false;
  base.msi = base.stLevel2 = base.gran4k = base.gran16k = base.gran64k = false;
  base.stallModel = 0;
  base.cmdqLog2 = base.evtqLog2 = base.priqLog2 = base.sidBits = base.ssidBits = 0;
  base.oasBits = 32;
  const SmmuFeatures::Idr b = base.toIdr();
  EXPECT_EQ(b.idr0, 0b01u << 2);  // TTF = AArch32 only when not AArch64
  EXPECT_EQ(b.idr1, 0u);
  EXPECT_EQ(b.idr5, 0u);

  auto idr0With = [&](void (*set)(SmmuFeatures&)) {
    SmmuFeatures f = base;
    set(f);
    return f.toIdr().idr0 & ~(0b11u << 2);
  };
  EXPECT_EQ(idr0With([](SmmuFeatures& f) { f.s2p = true; }), 1u << 0);
  EXPECT_EQ(idr0With([](SmmuFeatures& f) { f.s1p = true; }), 1u << 1);
  EXPECT_EQ(idr0With([](SmmuFeatures& f) { f.cohacc = true; }), 1u << 4);
  EXPECT_EQ(idr0With([](SmmuFeatures& f) { f.btm = true; }), 1u << 5);
  EXPECT_EQ(idr0With([](SmmuFeatures& f) { f.httu = 2; }), 2u << 6);
  EXPECT_EQ(idr0With([](SmmuFeatures& f) { f.ats = true; }), 1u << 10);
  EXPECT_EQ(idr0With([](SmmuFeatures& f) { f.asid16 = true; }), 1u << 12);
  EXPECT_EQ(idr0With([](SmmuFeatures& f) { f.msi = true; }), 1u << 13);
  EXPECT_EQ(idr0With([](SmmuFeatures& f) { f.pri = true; }), 1u << 16);
  EXPECT_EQ(idr0With([](SmmuFeatures& f) { f.vmid16 = true; }), 1u << 18);
  EXPECT_EQ(idr0With([](SmmuFeatures& f) { f.cd2l = true; }), 1u << 19);
  EXPECT_EQ(idr0With([](SmmuFeatures& f) { f.stallModel = 2; }), 2u << 24);
  EXPECT_EQ(idr0With([](SmmuFeatures& f) { f.stLevel2 = true; }), 1u << 27);

  SmmuFeatures f = base;
  f.ttfAarch64 = true;
  EXPECT_EQ(f.toIdr().idr0, 0b10u << 2);
  f = base;
  f.ril = true;
  EXPECT_EQ(f.toIdr().idr3, 1u << 10);
  f = base;
  f.had = true;  // IDR3.HAD, bit 2 (IHI 0070 6.3.4)
  EXPECT_EQ(f.toIdr().idr3, 1u << 2);
  EXPECT_TRUE(SmmuFeatures::fromIdr({0, 0, 0, 1u << 2, 0, 0}).had);
  EXPECT_FALSE(SmmuFeatures::fromIdr({0, 0, 0, ~(1u << 2), 0, 0}).had);
  f = base;
  f.vax52 = true;
  EXPECT_EQ(f.toIdr().idr5, 1u << 10);
  f = base;
  f.gran16k = true;
  EXPECT_EQ(f.toIdr().idr5, 1u << 5);
}

// IDR1: SIDSIZE[5:0] SSIDSIZE[10:6] PRIQS[15:11] EVENTQS[20:16] CMDQS[25:21].
TEST(Features, Idr1Fields) {
  SmmuFeatures f;
  f.sidBits = 32;    // 0x20
  f.ssidBits = 20;   // 0x14 << 6 = 0x500
  f.priqLog2 = 19;   // 0x13 << 11 = 0x9800
  f.evtqLog2 = 19;   // 0x13 << 16 = 0x130000
  f.cmdqLog2 = 19;   // 0x13 << 21 = 0x2600000
  EXPECT_EQ(f.toIdr().idr1, 0x02739d20u);  // 0x20 + 0x500 + 0x9800 + 0x130000 + 0x2600000
}

// A QEMU-like ID register set (hw/arm/smmuv3.c smmuv3_init_regs), hand-encoded:
//  IDR0 = S1P 0x2 | TTF AArch64 0x8 | COHACC 0x10 | ASID16 0x1000 | TTENDIAN LE (2 << 21,
//         not modelled: 0x40_0000) | STALL_MODEL 1 << 24 | ST_LEVEL 1 << 27    = 0x0940_101a
//  IDR1 = SIDSIZE 16 | EVENTQS 19 << 16 | CMDQS 19 << 21                        = 0x0273_0010
//  IDR5 = OAS 48-bit (5) | GRAN4K | GRAN16K | GRAN64K                            = 0x75
TEST(Features, FromIdrQemuLike) {
  const SmmuFeatures f = SmmuFeatures::fromIdr({0x0940101au, 0x02730010u, 0, 0, 0, 0x75u});
  EXPECT_TRUE(f.s1p);
  EXPECT_FALSE(f.s2p);
  EXPECT_TRUE(f.ttfAarch64);
  EXPECT_TRUE(f.cohacc);
  EXPECT_TRUE(f.asid16);
  EXPECT_FALSE(f.vmid16);
  EXPECT_FALSE(f.msi);
  EXPECT_FALSE(f.cd2l);
  EXPECT_EQ(f.stallModel, 1);
  EXPECT_TRUE(f.stLevel2);
  EXPECT_EQ(f.sidBits, 16);
  EXPECT_EQ(f.ssidBits, 0);
  EXPECT_EQ(f.priqLog2, 0);
  EXPECT_EQ(f.evtqLog2, 19);
  EXPECT_EQ(f.cmdqLog2, 19);
  EXPECT_EQ(f.oasBits, 48);
  EXPECT_TRUE(f.gran4k && f.gran16k && f.gran64k);
  EXPECT_FALSE(f.vax52);
  EXPECT_FALSE(f.ril);
  EXPECT_FALSE(f.had);
}

TEST(Features, TtfAndStLevelEncodings) {
  // TTF 0b11 (AArch32 and AArch64) still means AArch64 tables are supported.
  EXPECT_TRUE(SmmuFeatures::fromIdr({0b11u << 2, 0, 0, 0, 0, 0}).ttfAarch64);
  EXPECT_FALSE(SmmuFeatures::fromIdr({0b01u << 2, 0, 0, 0, 0, 0}).ttfAarch64);
  // ST_LEVEL 0b00 linear only; 0b01 2-level; others reserved -> not 2-level.
  EXPECT_FALSE(SmmuFeatures::fromIdr({0u << 27, 0, 0, 0, 0, 0}).stLevel2);
  EXPECT_TRUE(SmmuFeatures::fromIdr({1u << 27, 0, 0, 0, 0, 0}).stLevel2);
  EXPECT_FALSE(SmmuFeatures::fromIdr({2u << 27, 0, 0, 0, 0, 0}).stLevel2);
  // VAX 0b01 = 52-bit; 0b10 (56-bit, later versions) is not vax52.
  EXPECT_TRUE(SmmuFeatures::fromIdr({0, 0, 0, 0, 0, 1u << 10}).vax52);
  EXPECT_FALSE(SmmuFeatures::fromIdr({0, 0, 0, 0, 0, 2u << 10}).vax52);
}

TEST(Features, Oas) {
  const unsigned bits[] = {32, 36, 40, 42, 44, 48, 52};
  for (unsigned e = 0; e < 7; ++e) {
    EXPECT_EQ(oasEncodingToBits(e), bits[e]);
    EXPECT_EQ(oasBitsToEncoding(bits[e]), e);
  }
  EXPECT_EQ(oasEncodingToBits(7), 0u);
  EXPECT_EQ(oasEncodingToBits(100), 0u);
  EXPECT_EQ(oasBitsToEncoding(0), 0u);
  EXPECT_EQ(oasBitsToEncoding(33), 1u);
  EXPECT_EQ(oasBitsToEncoding(41), 3u);
  EXPECT_EQ(oasBitsToEncoding(49), 6u);
  EXPECT_EQ(oasBitsToEncoding(53), 7u);
  EXPECT_EQ(oasBitsToEncoding(64), 7u);
  // Reserved OAS encoding decodes to 0 bits rather than a made-up size.
  EXPECT_EQ(SmmuFeatures::fromIdr({0, 0, 0, 0, 0, 7}).oasBits, 0);
}

TEST(Features, RandomRoundTrip) {
  std::mt19937_64 rng(0xfea7);
  auto r = [&](unsigned bitsWide) { return rng() & ((1ull << bitsWide) - 1); };
  const uint8_t oas[] = {32, 36, 40, 42, 44, 48, 52};
  for (int n = 0; n < 2000; ++n) {
    SmmuFeatures f;
    f.s1p = r(1);
    f.s2p = r(1);
    f.ttfAarch64 = r(1);
    f.cohacc = r(1);
    f.btm = r(1);
    f.httu = r(1) ? (r(1) ? 2 : 1) : 0;
    f.ats = r(1);
    f.pri = r(1);
    f.cd2l = r(1);
    f.vmid16 = r(1);
    f.asid16 = r(1);
    f.msi = r(1);
    f.stallModel = static_cast<uint8_t>(rng() % 3);
    f.stLevel2 = r(1);
    f.cmdqLog2 = r(5);
    f.evtqLog2 = r(5);
    f.priqLog2 = r(5);
    f.sidBits = static_cast<uint8_t>(rng() % 33);
    f.ssidBits = static_cast<uint8_t>(rng() % 21);
    f.oasBits = oas[rng() % 7];
    f.gran4k = r(1);
    f.gran16k = r(1);
    f.gran64k = r(1);
    f.vax52 = r(1);
    f.ril = r(1);
    f.had = r(1);
    ASSERT_TRUE(sameFeatures(SmmuFeatures::fromIdr(f.toIdr()), f)) << "iteration " << n;
  }
}

}  // namespace
}  // namespace smmu
