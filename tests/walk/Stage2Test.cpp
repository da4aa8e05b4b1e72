// Stage-2 translation: the walk configuration from an STE (start levels, concatenation, S2PS,
// illegal combinations), walks at every granule and legal start level over hand-built tables
// (including concatenated start tables), blocks, and each stage-2 fault.
//
// Stage-2 descriptors are hand-encoded from the VMSAv8-64 stage-2 format: [1:0] 0b11 table/page,
// 0b01 block; MemAttr [5:2]; S2AP [7:6] (bit 6 read, bit 7 write); SH [9:8]; AF [10];
// XN[1:0] [54:53]; table address / OA in [47:granule shift]. STE d2/d3 from IHI 0070 5.2:
// S2VMID [15:0], S2T0SZ [37:32], S2SL0 [39:38], S2TG [47:46], S2PS [50:48], S2AA64 [51],
// S2AFFD [53], S2R [58]; S2TTB d3[51:4].
#include <gtest/gtest.h>

#include "FakeMem.h"
#include "Printers.h"
#include "arch/Ste.h"
#include "walk/ConfigFetch.h"
#include "walk/Stage2Walker.h"

namespace smmu {
namespace {

using test::FakeMem;

constexpr uint64_t kTable = 0x3;
constexpr uint64_t kPage = 0x3;
constexpr uint64_t kBlock = 0x1;
constexpr uint64_t kAF = 1ull << 10;
constexpr uint64_t kS2R = 1ull << 6;   // S2AP[0]
constexpr uint64_t kS2W = 1ull << 7;   // S2AP[1]
constexpr uint64_t kRW = kS2R | kS2W;
constexpr uint64_t kNormal = 0xfull << 2;  // MemAttr 0b1111: Normal Write-Back
constexpr uint64_t xn(unsigned v) { return uint64_t{v} << 53; }
constexpr uint64_t kLeaf = kAF | kRW | kNormal;  // accessible, normal memory

const AccessAttrs kRead{};
const AccessAttrs kWrite{true, false, false};
const AccessAttrs kExecUser{false, false, true};
const AccessAttrs kExecPriv{false, true, true};

// ---------------------------------------------------------------- configuration from the STE

class S2Config : public ::testing::Test {
 protected:
  S2Config() {
    f.s2p = true;
    f.httu = 2;
    f.oasBits = 48;
    ste.valid = true;
    ste.config = ste::CFG_NESTED;
    ste.s2aa64 = true;
    ste.s2tg = 0;     // 4K
    ste.s2sl0 = 1;    // level 1
    ste.s2t0sz = 24;  // 40-bit IPA
    ste.s2ps = 5;     // 48 bits
    ste.s2ttb = 0x30000;
  }
  bool build() { return S2WalkConfig::fromSte(ste, f, cfg, &why); }
  SmmuFeatures f;
  Ste ste;
  S2WalkConfig cfg;
  const char* why = nullptr;
};

TEST_F(S2Config, FromRawSteWords) {
  // d2: VMID 0x0105, T0SZ 24, SL0 1, TG 0, PS 0b010 (40), AA64, AFFD, S2R; d3: S2TTB 0x30000.
  Ste::Words w{};
  w[0] = 1 | (uint64_t{ste::CFG_S2} << 1);
  w[2] = 0x0105 | (24ull << 32) | (1ull << 38) | (0ull << 46) | (2ull << 48) | (1ull << 51) |
         (1ull << 53) | (1ull << 58);
  w[3] = 0x30000;
  const Ste s = Ste::decode(w);
  ASSERT_TRUE(S2WalkConfig::fromSte(s, f, cfg, &why)) << why;
  EXPECT_EQ(why, nullptr);
  EXPECT_EQ(cfg.granule, Granule::k4K);
  EXPECT_EQ(cfg.tsz, 24);
  EXPECT_EQ(cfg.inputBits(), 40u);
  EXPECT_EQ(cfg.startLevel, 1);
  EXPECT_EQ(cfg.concatenatedTables(), 2u);  // 2^(40 - 30) = 1024 L1 entries = 2 tables
  EXPECT_EQ(cfg.psBits, 40u);
  EXPECT_EQ(cfg.iasBits, 48u);
  EXPECT_EQ(cfg.ttb, 0x30000u);
  EXPECT_EQ(cfg.vmid, 0x0105);
  EXPECT_TRUE(cfg.affd);
  EXPECT_TRUE(cfg.record);
  EXPECT_FALSE(cfg.ha);
  EXPECT_FALSE(cfg.ptw);
  EXPECT_FALSE(cfg.lpa);
}

TEST_F(S2Config, EffectivePsIsCappedToOas) {
  f.oasBits = 44;
  ste.s2t0sz = 24;
  ASSERT_TRUE(build()) << why;
  EXPECT_EQ(cfg.psBits, 44u);  // S2PS 48 bits > OAS 44
  ste.s2ps = 2;
  ASSERT_TRUE(build()) << why;
  EXPECT_EQ(cfg.psBits, 40u);
  f.oasBits = 52;
  ste.s2ps = 7;  // reserved, behaves as 52 bits
  ASSERT_TRUE(build()) << why;
  EXPECT_EQ(cfg.psBits, 52u);
  EXPECT_TRUE(cfg.lpa);
}

TEST_F(S2Config, StartLevelsAndConcatenation) {
  struct Case {
    uint8_t tg, sl0, t0sz;
    int level;
    unsigned tables;
  };
  const Case cases[] = {
      // 4K: levels 2, 1, 0. Level 2 resolves IPA[n:21], level 1 IPA[n:30], level 0 IPA[n:39].
      {0, 0, 34, 2, 1},   // 30 bits: 512 L2 entries
      {0, 0, 30, 2, 16},  // 34 bits: 8192 L2 entries = 16 tables
      {0, 0, 33, 2, 2},
      {0, 1, 25, 1, 1},   // 39 bits
      {0, 1, 24, 1, 2},   // 40 bits: 2 L1 tables
      {0, 1, 21, 1, 16},  // 43 bits
      {0, 1, 33, 1, 1},   // 31 bits: a 2-entry L1 table
      {0, 2, 16, 0, 1},   // 48 bits
      {0, 2, 24, 0, 1},   // 40 bits: a 2-entry L0 table
      // 16K: levels 3, 2, 1 (shifts 14, 25, 36; 11 bits per level).
      {2, 0, 39, 3, 1},   // 25 bits
      {2, 0, 35, 3, 16},  // 29 bits
      {2, 1, 28, 2, 1},   // 36 bits
      {2, 1, 24, 2, 16},  // 40 bits
      {2, 2, 16, 1, 2},   // 48 bits: 4096 L1 entries = 2 tables
      // 64K: levels 3, 2, 1 (shifts 16, 29, 42; 13 bits per level).
      {1, 0, 39, 3, 1},   // 25 bits
      {1, 0, 35, 3, 1},   // 29 bits: 8192 entries, one table
      {1, 0, 31, 3, 16},  // 33 bits
      {1, 1, 22, 2, 1},   // 42 bits
      {1, 1, 20, 2, 4},   // 44 bits
      {1, 1, 18, 2, 16},  // 46 bits
      {1, 2, 16, 1, 1},   // 48 bits
  };
  for (const Case& c : cases) {
    ste.s2tg = c.tg;
    ste.s2sl0 = c.sl0;
    ste.s2t0sz = c.t0sz;
    SCOPED_TRACE(::testing::Message() << "TG " << int(c.tg) << " SL0 " << int(c.sl0) << " T0SZ "
                                      << int(c.t0sz));
    ASSERT_TRUE(build()) << why;
    EXPECT_EQ(cfg.startLevel, c.level);
    EXPECT_EQ(cfg.concatenatedTables(), c.tables);
  }
}

TEST_F(S2Config, IllegalCombinations) {
  struct Case {
    uint8_t tg, sl0, t0sz;
  };
  const Case inconsistent[] = {
      {0, 0, 29},  // 35 bits: more than 16 L2 tables
      {0, 1, 34},  // 30 bits: nothing for level 1 to resolve
      {0, 1, 20},  // 44 bits: 32 L1 tables
      {0, 2, 25},  // 39 bits: nothing for level 0
      {0, 3, 25},  // SL0 0b11 (level 3 needs TTST)
      {2, 0, 34},  // 16K level 3 up to 29 bits
      {2, 1, 23},  // 16K level 2 up to 40 bits
      {2, 2, 29},  // 16K level 1 needs > 36 bits
      {2, 3, 16},  // 16K SL0 0b11 (level 0 needs DS)
      {1, 0, 30},  // 64K level 3 up to 33 bits
      {1, 1, 17},  // 64K level 2 up to 46 bits
      {1, 3, 25},  // 64K SL0 0b11 reserved
      {0, 1, 15},  // T0SZ below 16 (4K)
      {0, 1, 40},  // T0SZ above 39 (no STT)
  };
  for (const Case& c : inconsistent) {
    ste.s2tg = c.tg;
    ste.s2sl0 = c.sl0;
    ste.s2t0sz = c.t0sz;
    EXPECT_FALSE(build()) << "TG " << int(c.tg) << " SL0 " << int(c.sl0) << " T0SZ "
                          << int(c.t0sz);
    EXPECT_NE(why, nullptr);
  }
}

TEST_F(S2Config, LevelZeroNeedsA44BitPaSize) {
  ste.s2sl0 = 2;
  f.oasBits = 42;
  ste.s2t0sz = 22;  // 42-bit IPA (>= 64 - IAS)
  EXPECT_FALSE(build());
  f.oasBits = 44;
  ste.s2t0sz = 20;
  ASSERT_TRUE(build()) << why;
  EXPECT_EQ(cfg.startLevel, 0);
  // 16K level 1 needs 42 bits.
  ste.s2tg = 2;
  f.oasBits = 40;
  ste.s2t0sz = 24;
  EXPECT_FALSE(build());
  f.oasBits = 42;
  ste.s2t0sz = 22;
  ASSERT_TRUE(build()) << why;
  EXPECT_EQ(cfg.startLevel, 1);
}

TEST_F(S2Config, T0szBelowTheIasIsIllegal) {
  f.oasBits = 40;  // IAS 40: T0SZ >= 24
  ste.s2t0sz = 23;
  ste.s2sl0 = 1;
  ste.s2ps = 2;
  EXPECT_FALSE(build());
  ste.s2t0sz = 24;
  EXPECT_TRUE(build()) << why;
}

TEST_F(S2Config, OtherIllegalFields) {
  auto expectIllegal = [this](const char* what) {
    EXPECT_FALSE(build()) << what;
    EXPECT_NE(why, nullptr) << what;
  };
  {
    Ste keep = ste;
    ste.s2aa64 = false;
    expectIllegal("S2AA64 0");
    ste = keep;
    ste.s2endi = true;
    expectIllegal("S2ENDI");
    ste = keep;
    ste.s2tg = 3;
    expectIllegal("S2TG reserved");
    ste = keep;
    f.gran4k = false;
    expectIllegal("4K not supported");
    f.gran4k = true;
    f.httu = 0;
    ste.s2ha = true;
    expectIllegal("S2HA without HTTU");
    f.httu = 1;
    EXPECT_TRUE(build()) << why;
    ste.s2hd = true;
    expectIllegal("S2HD with AF-only HTTU");
    f.httu = 2;
    EXPECT_TRUE(build()) << why;
    EXPECT_TRUE(cfg.ha);
    EXPECT_TRUE(cfg.hd);
    ste = keep;
    ste.s2ps = 2;  // 40 bits
    ste.s2ttb = 1ull << 40;
    expectIllegal("S2TTB outside S2PS");
    ste = keep;
    f.oasBits = 52;
    ste.s2ps = 6;
    ste.s2ttb = 1ull << 48;
    expectIllegal("S2TTB above 48 bits with 4K");
    ste.s2tg = 1;  // 64K: legal
    ste.s2sl0 = 2;
    ste.s2t0sz = 16;
    EXPECT_TRUE(build()) << why;
    f.oasBits = 48;
    ste = keep;
    f.vmid16 = false;
    ste.s2vmid = 0x100;
    expectIllegal("16-bit VMID");
    ste.s2vmid = 0xff;
    EXPECT_TRUE(build()) << why;
    f.vmid16 = true;
    ste = keep;
    ste.s2s = true;  // stall model 1: terminate only
    expectIllegal("S2S without stalls");
    ste = keep;
    f.s2p = false;
    expectIllegal("no stage 2");
  }
}

// fromSte and the STE checks of fetchSte (steIllegalReason) are written separately; they must
// agree on every granule / SL0 / T0SZ combination.
TEST_F(S2Config, AgreesWithSteIllegalReason) {
  for (unsigned oas : {40u, 42u, 44u, 48u}) {
    f.oasBits = static_cast<uint8_t>(oas);
    ste.s2ps = 2;  // 40 bits, within every OAS
    for (uint8_t tg = 0; tg < 4; ++tg) {
      for (uint8_t sl0 = 0; sl0 < 4; ++sl0) {
        for (uint8_t t0sz = 0; t0sz < 64; ++t0sz) {
          ste.s2tg = tg;
          ste.s2sl0 = sl0;
          ste.s2t0sz = t0sz;
          const bool ok = build();
          const char* reason = steIllegalReason(ste, f);
          EXPECT_EQ(ok, reason == nullptr)
              << "OAS " << oas << " TG " << int(tg) << " SL0 " << int(sl0) << " T0SZ "
              << int(t0sz) << ": fromSte " << (why ? why : "ok") << ", STE check "
              << (reason ? reason : "ok");
        }
      }
    }
  }
}

// ---------------------------------------------------------------- walks

class S2Walk : public ::testing::Test {
 protected:
  S2Walk() {
    cfg.psBits = 48;
    cfg.iasBits = 48;
  }
  void use(Granule g, unsigned tsz, int startLevel, uint64_t ttb) {
    cfg.granule = g;
    cfg.tsz = static_cast<uint8_t>(tsz);
    cfg.startLevel = startLevel;
    cfg.ttb = ttb;
  }
  WalkResult walk(uint64_t ipa, const AccessAttrs& acc = kRead, uint8_t cls = evt::CLASS_IN) {
    return walkStage2(cfg, ipa, acc, mem, cls);
  }
  void expectOk(const WalkResult& r) {
    EXPECT_EQ(r.fault, EventId::None) << eventName(r.fault) << " at level " << int(r.level);
    EXPECT_FALSE(r.s2);
  }
  void expectFault(const WalkResult& r, EventId id, int level, uint64_t ipa) {
    EXPECT_EQ(r.fault, id);
    EXPECT_TRUE(r.s2);
    EXPECT_EQ(r.level, level);
    EXPECT_EQ(r.ipa, ipa);
  }
  FakeMem mem;
  S2WalkConfig cfg;
  const Tick lat = 7 * kPsPerNs;
};

// 4K, 3 levels from level 1 (39-bit IPA). IPA indices L1 2, L2 3, L3 4, offset 0x567.
class S2Walk4K : public S2Walk {
 protected:
  static constexpr uint64_t kIpa = 0x80604567;
  S2Walk4K() {
    use(Granule::k4K, 25, 1, 0x20000);
    mem.set64(0x20010, 0x21000 | kTable);  // L1[2]
    mem.set64(0x21018, 0x22000 | kTable);  // L2[3]
  }
  void leaf(uint64_t d) { mem.set64(0x22020, d); }  // L3[4]
};

TEST_F(S2Walk, Granule4KStartLevel2) {
  use(Granule::k4K, 34, 2, 0x10000);  // 30-bit IPA, one L2 table
  mem.set64(0x10018, 0x11000 | kTable);               // L2[3]
  mem.set64(0x11020, 0x70000000 | kLeaf | kPage);     // L3[4]
  const WalkResult r = walk(0x604567);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x70000567u);
  EXPECT_EQ(r.paBase, 0x70000000u);
  EXPECT_EQ(r.vaBase, 0x604000u);
  EXPECT_EQ(r.pageShift, 12);
  EXPECT_EQ(r.level, 3);
  EXPECT_EQ(r.descAddr, 0x11020u);
  EXPECT_EQ(r.reads, 2u);
  EXPECT_EQ(r.latency, 2 * lat);
  EXPECT_EQ(mem.reads, 2u);
  EXPECT_EQ(r.ipa, 0x604567u);
  EXPECT_TRUE(r.attrs.s2Read);
  EXPECT_TRUE(r.attrs.s2Write);
  EXPECT_EQ(r.attrs.s2MemAttr, 0xf);
  EXPECT_EQ(r.attrs.s2xn, 0);
}

TEST_F(S2Walk, Granule4KStartLevel2SixteenConcatenatedTables) {
  // 34-bit IPA from level 2: 13 index bits, 16 tables of 512 entries, aligned to 64 KB (S2TTB
  // bits [15:0] are treated as zero). L2 index 0x1E03 = table 15, entry 3.
  use(Granule::k4K, 30, 2, 0x100000 | 0x8000);
  ASSERT_EQ(cfg.concatenatedTables(), 16u);
  mem.set64(0x10f018, 0x120000 | kTable);             // 0x100000 + 0x1E03 * 8
  mem.set64(0x120020, 0x80000000 | kLeaf | kPage);    // L3[4]
  const WalkResult r = walk(0x3c0604567);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x80000567u);
  EXPECT_EQ(r.reads, 2u);
}

TEST_F(S2Walk4K, Granule4KStartLevel1) {
  leaf(0x9000 | kLeaf | kPage);
  const WalkResult r = walk(kIpa);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x9567u);
  EXPECT_EQ(r.reads, 3u);
  EXPECT_EQ(r.latency, 3 * lat);
}

TEST_F(S2Walk, Granule4KStartLevel1TwoConcatenatedTables) {
  // 40-bit IPA, SL0 = 1: 1024 L1 entries in 2 concatenated tables (8 KB at 0x30000).
  use(Granule::k4K, 24, 1, 0x30000);
  ASSERT_EQ(cfg.concatenatedTables(), 2u);
  // IPA[39] = 1: L1 index 514 lies in the second table, at 0x30000 + 514 * 8 = 0x31010.
  mem.set64(0x31010, 0x32000 | kTable);
  mem.set64(0x32018, 0x33000 | kTable);               // L2[3]
  mem.set64(0x33020, 0xa000 | kLeaf | kPage);          // L3[4]
  // L1 index 2 of the first table is a 1 GB block.
  mem.set64(0x30010, 0x40000000 | kLeaf | kBlock);
  WalkResult r = walk(0x8080604567);
  expectOk(r);
  EXPECT_EQ(r.pa, 0xa567u);
  EXPECT_EQ(r.reads, 3u);
  r = walk(0x80604567);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x40604567u);
  EXPECT_EQ(r.pageShift, 30);
  EXPECT_EQ(r.level, 1);
  EXPECT_EQ(r.vaBase, 0x80000000u);
  EXPECT_EQ(r.paBase, 0x40000000u);
  EXPECT_EQ(r.reads, 1u);
}

TEST_F(S2Walk, Granule4KStartLevel0) {
  use(Granule::k4K, 16, 0, 0x40000);
  mem.set64(0x40008, 0x41000 | kTable);  // L0[1]
  mem.set64(0x41010, 0x42000 | kTable);  // L1[2]
  mem.set64(0x42018, 0x43000 | kTable);  // L2[3]
  mem.set64(0x43020, 0xb000 | kLeaf | kPage);
  const WalkResult r = walk(0x8080604567);
  expectOk(r);
  EXPECT_EQ(r.pa, 0xb567u);
  EXPECT_EQ(r.reads, 4u);
  EXPECT_EQ(r.latency, 4 * lat);
}

TEST_F(S2Walk4K, Granule4KLevel2Block) {
  mem.set64(0x21018, 0x12600000 | kLeaf | kBlock);  // L2[3]: 2 MB block
  const WalkResult r = walk(kIpa);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x12604567u);  // 0x12600000 | IPA[20:0] (0x004567)
  EXPECT_EQ(r.pageShift, 21);
  EXPECT_EQ(r.level, 2);
  EXPECT_EQ(r.reads, 2u);
}

TEST_F(S2Walk, Granule4KLevel0BlockIsATranslationFault) {
  use(Granule::k4K, 16, 0, 0x40000);
  mem.set64(0x40008, 0x8000000000 | kLeaf | kBlock);
  expectFault(walk(0x8080604567), EventId::F_TRANSLATION, 0, 0x8080604567);
}

TEST_F(S2Walk, Granule16KStartLevel3) {
  use(Granule::k16K, 39, 3, 0x50000);  // 25-bit IPA: one 2048-entry L3 table
  mem.set64(0x50028, 0x1c000 | kLeaf | kPage);  // L3[5]
  const WalkResult r = walk(0x15234);            // 5 << 14 | 0x1234
  expectOk(r);
  EXPECT_EQ(r.pa, 0x1d234u);
  EXPECT_EQ(r.pageShift, 14);
  EXPECT_EQ(r.reads, 1u);
}

TEST_F(S2Walk, Granule16KStartLevel2AndBlock) {
  use(Granule::k16K, 28, 2, 0x54000);  // 36-bit IPA
  mem.set64(0x54018, 0x58000 | kTable);          // L2[3]
  mem.set64(0x58028, 0x7c000 | kLeaf | kPage);   // L3[5]
  mem.set64(0x54010, 0x200000000 | kLeaf | kBlock);  // L2[2]: 32 MB block
  WalkResult r = walk(0x6015234);  // 3 << 25 | 5 << 14 | 0x1234
  expectOk(r);
  EXPECT_EQ(r.pa, 0x7d234u);
  EXPECT_EQ(r.reads, 2u);
  r = walk(0x4123456);  // 2 << 25 | 0x123456
  expectOk(r);
  EXPECT_EQ(r.pa, 0x200123456u);
  EXPECT_EQ(r.pageShift, 25);
  EXPECT_EQ(r.reads, 1u);
}

TEST_F(S2Walk, Granule16KStartLevel1TwoConcatenatedTables) {
  // 48-bit IPA from level 1: 12 index bits = 2 tables of 2048 entries (32 KB at 0x80000).
  use(Granule::k16K, 16, 1, 0x80000);
  ASSERT_EQ(cfg.concatenatedTables(), 2u);
  mem.set64(0x84008, 0x88000 | kTable);          // L1 index 2049: 0x80000 + 2049 * 8
  mem.set64(0x88010, 0x8c000 | kTable);          // L2[2]
  mem.set64(0x8c018, 0x90000 | kLeaf | kPage);   // L3[3]
  const WalkResult r = walk(0x80100400c010);      // 2049 << 36 | 2 << 25 | 3 << 14 | 0x10
  expectOk(r);
  EXPECT_EQ(r.pa, 0x90010u);
  EXPECT_EQ(r.reads, 3u);
  // A level-1 block is not legal with 16 KB (without DS).
  mem.set64(0x80008, 0x1000000000 | kLeaf | kBlock);  // L1[1]
  expectFault(walk(0x1000000000), EventId::F_TRANSLATION, 1, 0x1000000000);
}

TEST_F(S2Walk, Granule64KStartLevel3) {
  use(Granule::k64K, 39, 3, 0xa0000);  // 25-bit IPA: 512 L3 entries
  mem.set64(0xa0038, 0x30000 | kLeaf | kPage);   // L3[7]
  const WalkResult r = walk(0x7abcd);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x3abcdu);
  EXPECT_EQ(r.pageShift, 16);
  EXPECT_EQ(r.reads, 1u);
}

TEST_F(S2Walk, Granule64KStartLevel2FourConcatenatedTablesAndBlock) {
  // 44-bit IPA from level 2: 15 index bits = 4 tables of 8192 entries (256 KB at 0x200000).
  use(Granule::k64K, 20, 2, 0x200000);
  ASSERT_EQ(cfg.concatenatedTables(), 4u);
  mem.set64(0x230028, 0x300000 | kTable);         // L2 index 3 * 8192 + 5
  mem.set64(0x300030, 0x400000 | kLeaf | kPage);  // L3[6]
  mem.set64(0x200008, 0x60000000 | kLeaf | kBlock);  // L2[1]: 512 MB block
  WalkResult r = walk(0xc00a0061234);  // 24581 << 29 | 6 << 16 | 0x1234
  expectOk(r);
  EXPECT_EQ(r.pa, 0x401234u);
  EXPECT_EQ(r.reads, 2u);
  r = walk(0x21234567);  // 1 << 29 | 0x1234567
  expectOk(r);
  EXPECT_EQ(r.pa, 0x61234567u);
  EXPECT_EQ(r.pageShift, 29);
}

TEST_F(S2Walk, Granule64KStartLevel1) {
  use(Granule::k64K, 16, 1, 0xc0000);  // 48-bit IPA: 64 L1 entries
  mem.set64(0xc0018, 0xd0000 | kTable);          // L1[3]
  mem.set64(0xd0020, 0xe0000 | kTable);          // L2[4]
  mem.set64(0xe0028, 0xf0000 | kLeaf | kPage);   // L3[5]
  const WalkResult r = walk(0xc0080050010);       // 3 << 42 | 4 << 29 | 5 << 16 | 0x10
  expectOk(r);
  EXPECT_EQ(r.pa, 0xf0010u);
  EXPECT_EQ(r.reads, 3u);
  // A level-1 block (4 TB) needs 52-bit output addresses.
  mem.set64(0xc0008, 0x40000000000 | kLeaf | kBlock);  // L1[1]
  expectFault(walk(0x40000000123), EventId::F_TRANSLATION, 1, 0x40000000123);
}

TEST_F(S2Walk, Granule64KWith52BitOutput) {
  use(Granule::k64K, 16, 1, 0xc0000);
  cfg.psBits = 52;
  cfg.lpa = true;
  mem.set64(0xc0018, 0xd0000 | kTable);
  mem.set64(0xd0020, 0xe0000 | kTable);
  mem.set64(0xe0028, 0xf0000 | (0x3ull << 12) | kLeaf | kPage);  // OA[51:48] = 0x3 in [15:12]
  WalkResult r = walk(0xc0080050010);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x30000000f0010u);
  // The 4 TB level-1 block is legal now.
  mem.set64(0xc0008, 0x40000000000 | kLeaf | kBlock);
  r = walk(0x40000000123);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x40000000123u);
  EXPECT_EQ(r.pageShift, 42);
}

// ---------------------------------------------------------------- faults

TEST_F(S2Walk4K, IpaBeyondInputSizeIsATranslationFault) {
  leaf(0x9000 | kLeaf | kPage);
  const WalkResult r = walk(1ull << 39);
  expectFault(r, EventId::F_TRANSLATION, 1, 1ull << 39);
  EXPECT_EQ(r.cls, evt::CLASS_IN);
  EXPECT_EQ(r.reads, 0u);
  EXPECT_EQ(mem.reads, 0u);
}

TEST_F(S2Walk4K, InvalidDescriptors) {
  mem.set64(0x21018, 0);  // L2[3] invalid
  WalkResult r = walk(kIpa);
  expectFault(r, EventId::F_TRANSLATION, 2, kIpa);
  EXPECT_EQ(r.reads, 2u);
  EXPECT_EQ(r.descAddr, 0x21018u);
  mem.set64(0x21018, 0x22000 | kTable);
  leaf(0x9000 | kLeaf | kBlock);  // 0b01 at level 3 is reserved
  r = walk(kIpa);
  expectFault(r, EventId::F_TRANSLATION, 3, kIpa);
  EXPECT_EQ(r.reads, 3u);
}

TEST_F(S2Walk4K, OutputBeyondS2PsIsAnAddressSizeFault) {
  cfg.psBits = 40;
  leaf(0x10000000000 | kLeaf | kPage);  // OA bit 40
  WalkResult r = walk(kIpa);
  expectFault(r, EventId::F_ADDR_SIZE, 3, kIpa);
  EXPECT_EQ(r.reads, 3u);
  // A next-level table beyond it.
  mem.set64(0x20010, 0x20000000000 | kTable);  // bit 41
  r = walk(kIpa);
  expectFault(r, EventId::F_ADDR_SIZE, 1, kIpa);
  EXPECT_EQ(r.reads, 1u);
  // The same OA within 48 bits is fine.
  cfg.psBits = 48;
  mem.set64(0x20010, 0x21000 | kTable);
  r = walk(kIpa);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x10000000567u);
}

TEST_F(S2Walk4K, TtbBeyondS2PsIsAnAddressSizeFaultBeforeAnyRead) {
  cfg.psBits = 40;
  cfg.ttb = 1ull << 40;
  const WalkResult r = walk(kIpa);
  EXPECT_EQ(r.fault, EventId::F_ADDR_SIZE);
  EXPECT_EQ(r.reads, 0u);
}

TEST_F(S2Walk4K, AccessFlag) {
  leaf(0x9000 | kRW | kNormal | kPage);  // AF = 0
  WalkResult r = walk(kIpa);
  expectFault(r, EventId::F_ACCESS, 3, kIpa);
  EXPECT_EQ(r.descAddr, 0x22020u);
  // S2AFFD: AF = 0 is treated as 1; nothing is written.
  cfg.affd = true;
  r = walk(kIpa);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x9567u);
  EXPECT_EQ(r.writes, 0u);
  EXPECT_EQ(mem.writes, 0u);
  EXPECT_EQ(mem.get64(0x22020) & kAF, 0u);
  // S2HA: the walker sets AF with one atomic update (no plain write).
  cfg.affd = false;
  cfg.ha = true;
  r = walk(kIpa);
  expectOk(r);
  EXPECT_EQ(r.writes, 1u);
  EXPECT_EQ(mem.writes, 0u);
  EXPECT_EQ(mem.atomics, 1u);
  EXPECT_EQ(r.latency, 4 * lat);  // 3 reads + 1 atomic
  EXPECT_EQ(mem.get64(0x22020), 0x9000 | kRW | kNormal | kPage | kAF);
}

// As at stage 1: the S2HA update is an atomic compare-and-swap; a host store in between is kept
// and the walk evaluates the new descriptor; a host unmap in between gives a translation fault.
TEST_F(S2Walk4K, HostStoresBetweenReadAndAfUpdate) {
  cfg.ha = true;
  constexpr uint64_t kSoftwareBit = 1ull << 57;
  const uint64_t d = 0x9000 | kRW | kNormal | kPage;  // AF = 0
  leaf(d);
  int stores = 0;
  mem.beforeAtomic = [&](PhysAddr pa) {
    if (stores++ == 0) mem.set64(pa, mem.get64(pa) | kSoftwareBit);
  };
  WalkResult r = walk(kIpa);
  expectOk(r);
  EXPECT_EQ(r.updateRetries, 1u);
  EXPECT_EQ(mem.writes, 0u);
  EXPECT_EQ(mem.atomics, 2u);
  EXPECT_EQ(r.latency, 5 * lat);  // 3 reads + the failed and the successful swap
  EXPECT_EQ(mem.get64(0x22020), d | kSoftwareBit | kAF);

  leaf(d);
  mem.beforeAtomic = [&](PhysAddr pa) { mem.set64(pa, 0); };
  r = walk(kIpa);
  expectFault(r, EventId::F_TRANSLATION, 3, kIpa);
  EXPECT_EQ(r.updateRetries, 1u);
  EXPECT_EQ(mem.get64(0x22020), 0u);
}

TEST_F(S2Walk4K, HardwareAfUpdateIsNotMadeOnAPermissionFault) {
  cfg.ha = true;
  leaf(0x9000 | kS2R | kNormal | kPage);  // read-only, AF = 0
  const WalkResult r = walk(kIpa, kWrite);
  expectFault(r, EventId::F_PERMISSION, 3, kIpa);
  EXPECT_EQ(r.writes, 0u);
  EXPECT_EQ(mem.get64(0x22020) & kAF, 0u);
}

TEST_F(S2Walk4K, FaultOrderAddressSizeThenAccessThenPermission) {
  cfg.psBits = 40;
  leaf(0x10000000000 | kNormal | kPage);  // beyond PS, AF = 0, no access
  EXPECT_EQ(walk(kIpa).fault, EventId::F_ADDR_SIZE);
  leaf(0x9000 | kNormal | kPage);  // AF = 0, no access
  EXPECT_EQ(walk(kIpa).fault, EventId::F_ACCESS);
  leaf(0x9000 | kAF | kNormal | kPage);
  EXPECT_EQ(walk(kIpa).fault, EventId::F_PERMISSION);
}

TEST_F(S2Walk4K, PermissionsFromS2Ap) {
  struct Case {
    uint64_t s2ap;
    bool read, write;
  };
  const Case cases[] = {{0, false, false}, {kS2R, true, false}, {kS2W, false, true},
                        {kRW, true, true}};
  for (const Case& c : cases) {
    leaf(0x9000 | kAF | kNormal | c.s2ap | kPage);
    const WalkResult rr = walk(kIpa, kRead);
    const WalkResult rw = walk(kIpa, kWrite);
    EXPECT_EQ(rr.fault, c.read ? EventId::None : EventId::F_PERMISSION) << c.s2ap;
    EXPECT_EQ(rw.fault, c.write ? EventId::None : EventId::F_PERMISSION) << c.s2ap;
    // Privilege plays no part in stage-2 data permissions.
    EXPECT_EQ(walk(kIpa, AccessAttrs{false, true, false}).fault, rr.fault);
    EXPECT_EQ(walk(kIpa, AccessAttrs{true, true, false}).fault, rw.fault);
  }
}

TEST_F(S2Walk4K, InstructionFetchIsDecidedByXn) {
  // Execute-only (S2AP 00, XN 00): an instruction fetch succeeds, a data read faults.
  leaf(0x9000 | kAF | kNormal | kPage);
  EXPECT_EQ(walk(kIpa, kExecUser).fault, EventId::None);
  EXPECT_EQ(walk(kIpa, kExecPriv).fault, EventId::None);
  EXPECT_EQ(walk(kIpa, kRead).fault, EventId::F_PERMISSION);
  // Without FEAT_XNX only XN[1] (bit 54) counts.
  struct Case {
    unsigned xn;
    bool user, priv;  // fetch allowed
  };
  const Case noXnx[] = {{0, true, true}, {1, true, true}, {2, false, false}, {3, false, false}};
  for (const Case& c : noXnx) {
    leaf(0x9000 | kLeaf | xn(c.xn) | kPage);
    EXPECT_EQ(walk(kIpa, kExecUser).fault == EventId::None, c.user) << "XN " << c.xn;
    EXPECT_EQ(walk(kIpa, kExecPriv).fault == EventId::None, c.priv) << "XN " << c.xn;
    EXPECT_EQ(walk(kIpa, kRead).fault, EventId::None);  // XN does not affect data
  }
  // FEAT_XNX: 01 not executable at EL1, 11 not executable at EL0.
  cfg.xnx = true;
  const Case withXnx[] = {{0, true, true}, {1, true, false}, {2, false, false}, {3, false, true}};
  for (const Case& c : withXnx) {
    leaf(0x9000 | kLeaf | xn(c.xn) | kPage);
    const WalkResult r = walk(kIpa, kExecUser);
    EXPECT_EQ(r.fault == EventId::None, c.user) << "XNX " << c.xn;
    EXPECT_EQ(walk(kIpa, kExecPriv).fault == EventId::None, c.priv) << "XNX " << c.xn;
    if (r.fault == EventId::None) {
      EXPECT_EQ(r.attrs.s2xn, c.xn);
    }
  }
}

TEST_F(S2Walk4K, CheckS2PermissionOnCachedAttributes) {
  LeafAttrs a;
  a.s2Read = true;
  a.s2Write = false;
  a.s2xn = 2;
  EXPECT_EQ(checkS2Permission(a, cfg, kRead), EventId::None);
  EXPECT_EQ(checkS2Permission(a, cfg, kWrite), EventId::F_PERMISSION);
  EXPECT_EQ(checkS2Permission(a, cfg, kExecUser), EventId::F_PERMISSION);
  // The defaults (stage-1-only entries) allow everything.
  const LeafAttrs d;
  EXPECT_EQ(checkS2Permission(d, cfg, kWrite), EventId::None);
  EXPECT_EQ(checkS2Permission(d, cfg, kExecPriv), EventId::None);
}

TEST_F(S2Walk4K, ExternalAbortOnADescriptorRead) {
  mem.addHole(0x21000, 0x1000);
  const WalkResult r = walk(kIpa);
  expectFault(r, EventId::F_WALK_EABT, 2, kIpa);
  EXPECT_EQ(r.descAddr, 0x21018u);
  EXPECT_EQ(r.reads, 2u);
  EXPECT_EQ(r.cls, evt::CLASS_IN);
}

TEST_F(S2Walk4K, ExternalAbortOnTheAfWrite) {
  cfg.ha = true;
  leaf(0x9000 | kRW | kNormal | kPage);
  mem.addWriteHole(0x22000, 0x1000);
  const WalkResult r = walk(kIpa);
  expectFault(r, EventId::F_WALK_EABT, 3, kIpa);
  EXPECT_EQ(r.descAddr, 0x22020u);
  EXPECT_EQ(r.writes, 1u);
}

TEST_F(S2Walk4K, TableWalkAndCdAccessesAreDataReads) {
  // Write-only, execute-never page: stage-1 table reads and CD fetches fault (data reads).
  leaf(0x9000 | kAF | kS2W | kNormal | xn(2) | kPage);
  WalkResult r = walk(kIpa, kExecUser, evt::CLASS_TT);
  expectFault(r, EventId::F_PERMISSION, 3, kIpa);
  EXPECT_EQ(r.cls, evt::CLASS_TT);
  EXPECT_TRUE(r.ttrnw);
  r = translateS2ForCd(cfg, kIpa, mem);
  expectFault(r, EventId::F_PERMISSION, 3, kIpa);
  EXPECT_EQ(r.cls, evt::CLASS_CD);
  // A stage-1 HTTU descriptor write (CLASS_TT, write) is allowed here; a read-only page refuses
  // it with TTRnW = 0.
  r = walk(kIpa, kWrite, evt::CLASS_TT);
  expectOk(r);
  leaf(0x9000 | kAF | kS2R | kNormal | kPage);
  r = walk(kIpa, kWrite, evt::CLASS_TT);
  expectFault(r, EventId::F_PERMISSION, 3, kIpa);
  EXPECT_FALSE(r.ttrnw);
  r = translateS2ForCd(cfg, 0x80604040, mem);  // a CD in that page
  expectOk(r);
  EXPECT_EQ(r.pa, 0x9040u);
  EXPECT_EQ(r.cls, evt::CLASS_CD);
}

TEST_F(S2Walk4K, ProtectedTableWalkRefusesDevicePages) {
  // MemAttr 0b0001: Device-nGnRE (without FWB); 0b1011: Normal without FWB, Device with FWB.
  leaf(0x9000 | kAF | kRW | (0x1ull << 2) | kPage);
  EXPECT_EQ(walk(kIpa, kRead, evt::CLASS_TT).fault, EventId::None);  // S2PTW = 0
  cfg.ptw = true;
  WalkResult r = walk(kIpa, kRead, evt::CLASS_TT);
  expectFault(r, EventId::F_PERMISSION, 3, kIpa);
  EXPECT_EQ(translateS2ForCd(cfg, kIpa, mem).fault, EventId::F_PERMISSION);
  EXPECT_EQ(walk(kIpa, kRead, evt::CLASS_IN).fault, EventId::None);  // transactions may
  leaf(0x9000 | kAF | kRW | (0xbull << 2) | kPage);
  EXPECT_EQ(walk(kIpa, kRead, evt::CLASS_TT).fault, EventId::None);
  cfg.fwb = true;
  EXPECT_EQ(walk(kIpa, kRead, evt::CLASS_TT).fault, EventId::F_PERMISSION);
  leaf(0x9000 | kAF | kRW | (0x6ull << 2) | kPage);  // FWB 0b0110: Normal Write-Back
  EXPECT_EQ(walk(kIpa, kRead, evt::CLASS_TT).fault, EventId::None);
}

TEST_F(S2Walk4K, UnwalkableConfigurationIsATranslationFault) {
  leaf(0x9000 | kLeaf | kPage);
  cfg.startLevel = 0;  // 39-bit IPA from level 0 resolves nothing at level 0
  EXPECT_EQ(walk(kIpa).fault, EventId::F_TRANSLATION);
  cfg.startLevel = 2;  // 18 bits at level 2: more than 16 tables
  EXPECT_EQ(walk(kIpa).fault, EventId::F_TRANSLATION);
  cfg.startLevel = 5;
  EXPECT_EQ(walk(kIpa).fault, EventId::F_TRANSLATION);
  cfg.startLevel = 1;
  cfg.tsz = 0;
  EXPECT_EQ(walk(kIpa).fault, EventId::F_TRANSLATION);
  EXPECT_EQ(mem.reads, 0u);
}

TEST_F(S2Walk4K, StageTwoOnlyInputBeyondTheIasIsAStageOneAddressSizeFault) {
  leaf(0x9000 | kLeaf | kPage);
  cfg.iasBits = 40;
  cfg.tsz = 24;  // 40-bit IPA: 2 concatenated L1 tables
  mem.set64(0x20010, 0x21000 | kTable);
  WalkResult r = walkStage2Only(cfg, 1ull << 40, kRead, mem);
  EXPECT_EQ(r.fault, EventId::F_ADDR_SIZE);
  EXPECT_FALSE(r.s2);
  EXPECT_EQ(r.cls, evt::CLASS_IN);
  EXPECT_EQ(r.reads, 0u);
  r = walkStage2Only(cfg, kIpa, kRead, mem);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x9567u);
  // Within the IAS but beyond S2T0SZ: a stage-2 Translation fault.
  cfg.tsz = 25;
  r = walkStage2Only(cfg, 1ull << 39, kRead, mem);
  EXPECT_EQ(r.fault, EventId::F_TRANSLATION);
  EXPECT_TRUE(r.s2);
}

TEST_F(S2Walk4K, DefaultTranslatorWalksMemory) {
  leaf(0x9000 | kLeaf | kPage);
  S2WalkTranslator t(cfg, mem);
  const WalkResult r = t.translate(kIpa, kRead, evt::CLASS_IN);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x9567u);
  EXPECT_EQ(r.reads, 3u);
  EXPECT_EQ(mem.reads, 3u);
}

}  // namespace
}  // namespace smmu
