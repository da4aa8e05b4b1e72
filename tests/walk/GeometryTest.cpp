// Walk geometry (start level per granule and TxSZ), legal TxSZ, block levels, and building the
// walk configuration from a CD (S1WalkConfig::fromCd).
#include <gtest/gtest.h>

#include "Printers.h"

#include "arch/ContextDescriptor.h"
#include "walk/PageTableWalker.h"

namespace smmu {
namespace {

struct GeoCase {
  Granule g;
  unsigned tsz;
  int startLevel;
};

TEST(WalkGeometry, StartLevelFollowsInputSizeAndGranule) {
  // Hand-computed from the Arm ARM level tables: 4K resolves 9 bits a level above bit 12,
  // 16K 11 bits above 14, 64K 13 bits above 16.
  const GeoCase cases[] = {
      {Granule::k4K, 16, 0},  {Granule::k4K, 24, 0},  {Granule::k4K, 25, 1},
      {Granule::k4K, 33, 1},  {Granule::k4K, 34, 2},  {Granule::k4K, 39, 2},
      {Granule::k4K, 42, 2},  {Granule::k4K, 43, 3},  {Granule::k4K, 48, 3},
      {Granule::k16K, 16, 0}, {Granule::k16K, 17, 1}, {Granule::k16K, 27, 1},
      {Granule::k16K, 28, 2}, {Granule::k16K, 38, 2}, {Granule::k16K, 39, 3},
      {Granule::k16K, 48, 3}, {Granule::k64K, 12, 1}, {Granule::k64K, 16, 1},
      {Granule::k64K, 21, 1}, {Granule::k64K, 22, 2}, {Granule::k64K, 34, 2},
      {Granule::k64K, 35, 3}, {Granule::k64K, 39, 3}, {Granule::k64K, 47, 3},
      {Granule::k4K, 12, -1},  // 52-bit VA with 4K needs LPA2 (level -1): not supported
  };
  for (const GeoCase& c : cases) {
    const WalkGeometry geo = walkGeometry(c.g, c.tsz);
    EXPECT_EQ(geo.startLevel, c.startLevel) << "granule " << int(c.g) << " tsz " << c.tsz;
    EXPECT_EQ(geo.inputBits, 64 - c.tsz);
  }
}

TEST(WalkGeometry, LevelShifts) {
  const WalkGeometry g4 = walkGeometry(Granule::k4K, 16);
  EXPECT_EQ(g4.granuleShift, 12u);
  EXPECT_EQ(g4.bitsPerLevel, 9u);
  EXPECT_EQ(g4.levelShift(0), 39u);
  EXPECT_EQ(g4.levelShift(1), 30u);
  EXPECT_EQ(g4.levelShift(2), 21u);
  EXPECT_EQ(g4.levelShift(3), 12u);
  const WalkGeometry g16 = walkGeometry(Granule::k16K, 16);
  EXPECT_EQ(g16.bitsPerLevel, 11u);
  EXPECT_EQ(g16.levelShift(0), 47u);
  EXPECT_EQ(g16.levelShift(1), 36u);
  EXPECT_EQ(g16.levelShift(2), 25u);
  EXPECT_EQ(g16.levelShift(3), 14u);
  const WalkGeometry g64 = walkGeometry(Granule::k64K, 16);
  EXPECT_EQ(g64.bitsPerLevel, 13u);
  EXPECT_EQ(g64.levelShift(1), 42u);
  EXPECT_EQ(g64.levelShift(2), 29u);
  EXPECT_EQ(g64.levelShift(3), 16u);
}

TEST(WalkGeometry, DegenerateInputsDoNotWalk) {
  EXPECT_EQ(walkGeometry(Granule::k4K, 52).startLevel, -1);   // 12 bits: only an offset
  EXPECT_EQ(walkGeometry(Granule::k64K, 63).startLevel, -1);
  EXPECT_EQ(walkGeometry(Granule::k4K, 64).startLevel, -1);
  EXPECT_EQ(walkGeometry(Granule::k4K, 0).startLevel, -1);
}

TEST(WalkGeometry, BlockLevels) {
  const WalkGeometry g4 = walkGeometry(Granule::k4K, 16);
  EXPECT_FALSE(g4.blockAllowed(0, 52));
  EXPECT_TRUE(g4.blockAllowed(1, 48));
  EXPECT_TRUE(g4.blockAllowed(2, 48));
  EXPECT_FALSE(g4.blockAllowed(3, 48));
  const WalkGeometry g16 = walkGeometry(Granule::k16K, 16);
  EXPECT_FALSE(g16.blockAllowed(0, 52));
  EXPECT_FALSE(g16.blockAllowed(1, 52));
  EXPECT_TRUE(g16.blockAllowed(2, 48));
  EXPECT_FALSE(g16.blockAllowed(3, 48));
  const WalkGeometry g64 = walkGeometry(Granule::k64K, 16);
  EXPECT_FALSE(g64.blockAllowed(1, 48));
  EXPECT_TRUE(g64.blockAllowed(1, 52));
  EXPECT_TRUE(g64.blockAllowed(2, 48));
  EXPECT_FALSE(g64.blockAllowed(3, 48));
}

TEST(WalkGeometry, TszRange) {
  for (Granule g : {Granule::k4K, Granule::k16K, Granule::k64K}) {
    EXPECT_FALSE(tszValid(g, 15, false));
    EXPECT_TRUE(tszValid(g, 16, false));
    EXPECT_TRUE(tszValid(g, 39, false));
    EXPECT_FALSE(tszValid(g, 40, false));  // SMMU_IDR3.STT == 0
  }
  EXPECT_TRUE(tszValid(Granule::k64K, 12, true));
  EXPECT_FALSE(tszValid(Granule::k64K, 11, true));
  EXPECT_FALSE(tszValid(Granule::k64K, 12, false));
  EXPECT_FALSE(tszValid(Granule::k4K, 12, true));  // 52-bit VA with 4K needs CD.DS
  EXPECT_FALSE(tszValid(Granule::k16K, 15, true));
}

// A valid CD for the tests: 4K granule, T0SZ 25, IPS 48 bits, TTB1 disabled.
ContextDescriptor goodCd() {
  ContextDescriptor cd;
  cd.valid = true;
  cd.aa64 = true;
  cd.t0sz = 25;
  cd.tg0 = cd::TG_4K;
  cd.ips = 5;
  cd.epd1 = true;
  cd.ttb0 = 0x12345000;
  return cd;
}

TEST(S1WalkConfigFromCd, CopiesFields) {
  ContextDescriptor cd = goodCd();
  cd.epd1 = false;
  cd.t1sz = 20;
  cd.tg1 = 3;  // TG1 encoding: 64K
  cd.ttb1 = 0xabc0000;
  cd.tbi = 2;
  cd.affd = true;
  cd.wxn = true;
  cd.uwxn = true;
  cd.pan = true;
  SmmuFeatures f;
  f.httu = 2;
  cd.ha = true;
  cd.hd = true;
  S1WalkConfig c;
  const char* why = "unset";
  ASSERT_TRUE(S1WalkConfig::fromCd(cd, f, c, &why));
  EXPECT_EQ(why, nullptr);
  EXPECT_EQ(c.ttb[0], 0x12345000u);
  EXPECT_EQ(c.ttb[1], 0xabc0000u);
  EXPECT_EQ(c.tsz[0], 25);
  EXPECT_EQ(c.tsz[1], 20);
  EXPECT_EQ(c.granule[0], Granule::k4K);
  EXPECT_EQ(c.granule[1], Granule::k64K);
  EXPECT_FALSE(c.epd[0]);
  EXPECT_FALSE(c.epd[1]);
  EXPECT_EQ(c.tbi, 2);
  EXPECT_EQ(c.oasBits, 48u);
  EXPECT_TRUE(c.affd && c.ha && c.hd && c.wxn && c.uwxn && c.pan);
  EXPECT_FALSE(c.lpa);
}

TEST(S1WalkConfigFromCd, Tg1Encodings) {
  SmmuFeatures f;
  const std::pair<uint8_t, Granule> tg1[] = {
      {1, Granule::k16K}, {2, Granule::k4K}, {3, Granule::k64K}};
  for (auto [enc, g] : tg1) {
    ContextDescriptor cd = goodCd();
    cd.epd1 = false;
    cd.t1sz = 16;
    cd.tg1 = enc;
    S1WalkConfig c;
    ASSERT_TRUE(S1WalkConfig::fromCd(cd, f, c)) << int(enc);
    EXPECT_EQ(c.granule[1], g);
  }
  ContextDescriptor cd = goodCd();
  cd.epd1 = false;
  cd.t1sz = 16;
  cd.tg1 = 0;  // reserved
  S1WalkConfig c;
  EXPECT_FALSE(S1WalkConfig::fromCd(cd, f, c));
}

TEST(S1WalkConfigFromCd, IpsCappedToOas) {
  const unsigned expect[8] = {32, 36, 40, 42, 44, 48, 52, 52};
  for (uint8_t ips = 0; ips < 8; ++ips) {
    ContextDescriptor cd = goodCd();
    cd.ttb0 = 0x1000;
    cd.ips = ips;
    SmmuFeatures f;
    f.oasBits = 52;
    S1WalkConfig c;
    ASSERT_TRUE(S1WalkConfig::fromCd(cd, f, c)) << int(ips);
    EXPECT_EQ(c.oasBits, expect[ips]) << int(ips);
    EXPECT_TRUE(c.lpa);
    f.oasBits = 40;
    ASSERT_TRUE(S1WalkConfig::fromCd(cd, f, c));
    EXPECT_EQ(c.oasBits, std::min(expect[ips], 40u)) << int(ips);
    EXPECT_FALSE(c.lpa);
  }
}

TEST(S1WalkConfigFromCd, IllegalValues) {
  SmmuFeatures f;
  S1WalkConfig c;
  const char* why = nullptr;
  auto rejects = [&](ContextDescriptor cd, const SmmuFeatures& feat) {
    why = nullptr;
    const bool ok = S1WalkConfig::fromCd(cd, feat, c, &why);
    return !ok && why != nullptr;
  };
  ContextDescriptor cd = goodCd();
  ASSERT_FALSE(rejects(cd, f));

  cd = goodCd(); cd.valid = false;  EXPECT_TRUE(rejects(cd, f));
  cd = goodCd(); cd.aa64 = false;   EXPECT_TRUE(rejects(cd, f));
  cd = goodCd(); cd.tg0 = 3;        EXPECT_TRUE(rejects(cd, f));   // reserved TG0
  cd = goodCd(); cd.t0sz = 15;      EXPECT_TRUE(rejects(cd, f));
  cd = goodCd(); cd.t0sz = 40;      EXPECT_TRUE(rejects(cd, f));
  cd = goodCd(); cd.t0sz = 16;      EXPECT_FALSE(rejects(cd, f));
  cd = goodCd(); cd.t0sz = 39;      EXPECT_FALSE(rejects(cd, f));
  cd = goodCd(); cd.endi = true;    EXPECT_TRUE(rejects(cd, f));
  cd = goodCd(); cd.ha = true;      EXPECT_TRUE(rejects(cd, f));   // httu == 0
  {
    SmmuFeatures fa = f;
    fa.httu = 1;
    cd = goodCd(); cd.ha = true;    EXPECT_FALSE(rejects(cd, fa));
    cd = goodCd(); cd.ha = true; cd.hd = true; EXPECT_TRUE(rejects(cd, fa));
  }
  {
    SmmuFeatures fa = f;
    fa.httu = 2;
    cd = goodCd(); cd.hd = true;  // {HD,HA} = 0b10: reserved, behaves as both 0
    ASSERT_TRUE(S1WalkConfig::fromCd(cd, fa, c));
    EXPECT_FALSE(c.ha);
    EXPECT_FALSE(c.hd);
  }
  {
    SmmuFeatures f8 = f;
    f8.asid16 = false;
    cd = goodCd(); cd.asid = 0x100; EXPECT_TRUE(rejects(cd, f8));
    cd = goodCd(); cd.asid = 0xff;  EXPECT_FALSE(rejects(cd, f8));
  }
  {
    SmmuFeatures fs = f;
    fs.stallModel = 1;
    cd = goodCd(); cd.s = true;  EXPECT_TRUE(rejects(cd, fs));
    fs.stallModel = 2;
    cd = goodCd(); cd.s = false; EXPECT_TRUE(rejects(cd, fs));
    cd = goodCd(); cd.s = true;  EXPECT_FALSE(rejects(cd, fs));
  }
  {
    SmmuFeatures fg = f;
    fg.gran4k = false;
    cd = goodCd(); EXPECT_TRUE(rejects(cd, fg));  // unsupported granule
    cd = goodCd(); cd.tg0 = cd::TG_16K; EXPECT_FALSE(rejects(cd, fg));
    fg.gran16k = false;
    cd = goodCd(); cd.tg0 = cd::TG_16K; EXPECT_TRUE(rejects(cd, fg));
    cd = goodCd(); cd.tg0 = cd::TG_64K; EXPECT_FALSE(rejects(cd, fg));
    fg.gran64k = false;
    cd = goodCd(); cd.tg0 = cd::TG_64K; EXPECT_TRUE(rejects(cd, fg));
  }
  // TTB outside the effective IPS (here IPS 40 bits).
  cd = goodCd(); cd.ips = 2; cd.ttb0 = 1ull << 40; EXPECT_TRUE(rejects(cd, f));
  cd = goodCd(); cd.ips = 2; cd.ttb0 = (1ull << 40) - 16; EXPECT_FALSE(rejects(cd, f));
  {
    // 52-bit OAS: a TTB above 48 bits is fine with 64K but not with 4K/16K (DS == 0).
    SmmuFeatures f52 = f;
    f52.oasBits = 52;
    cd = goodCd(); cd.ips = 6; cd.ttb0 = 1ull << 48; EXPECT_TRUE(rejects(cd, f52));
    cd.tg0 = cd::TG_64K; EXPECT_FALSE(rejects(cd, f52));
    // T0SZ 12 only with 64K and 52-bit VAs.
    f52.vax52 = true;
    cd = goodCd(); cd.tg0 = cd::TG_64K; cd.t0sz = 12; EXPECT_FALSE(rejects(cd, f52));
    cd = goodCd(); cd.tg0 = cd::TG_4K;  cd.t0sz = 12; EXPECT_TRUE(rejects(cd, f52));
    f52.vax52 = false;
    cd = goodCd(); cd.tg0 = cd::TG_64K; cd.t0sz = 12; EXPECT_TRUE(rejects(cd, f52));
  }
  // TTB1 range checked only when EPD1 == 0.
  cd = goodCd(); cd.epd1 = false; cd.t1sz = 16; cd.tg1 = 0; EXPECT_TRUE(rejects(cd, f));
  cd = goodCd(); cd.epd1 = false; cd.t1sz = 45; cd.tg1 = 2; EXPECT_TRUE(rejects(cd, f));
}

TEST(S1WalkConfigFromCd, DisabledRangeFieldsAreIgnored) {
  SmmuFeatures f;
  ContextDescriptor cd = goodCd();
  cd.epd0 = true;
  cd.tg0 = 3;       // reserved, but IGNORED
  cd.t0sz = 60;     // out of range, but IGNORED
  cd.ttb0 = 1ull << 50;
  cd.epd1 = false;
  cd.tg1 = 2;
  cd.t1sz = 16;
  S1WalkConfig c;
  ASSERT_TRUE(S1WalkConfig::fromCd(cd, f, c));
  EXPECT_TRUE(c.epd[0]);
  EXPECT_FALSE(c.epd[1]);
  // ENDI is IGNORED when both ranges are disabled.
  cd.epd1 = true;
  cd.endi = true;
  EXPECT_TRUE(S1WalkConfig::fromCd(cd, f, c));
}

}  // namespace
}  // namespace smmu
