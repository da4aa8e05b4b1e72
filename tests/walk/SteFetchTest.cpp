// Stream table lookups (linear and 2-level) and STE validity checks.
//
// STE words are hand-encoded from IHI 0070 5.2: d0 V [0], Config [3:1], S1Fmt [5:4],
// S1ContextPtr [51:6], S1CDMax [63:59]; L1STD Span [4:0], L2Ptr [51:6].
#include <gtest/gtest.h>

#include "FakeMem.h"
#include "Printers.h"
#include "walk/ConfigFetch.h"

namespace smmu {
namespace {

using test::FakeMem;

constexpr uint64_t steD0(uint8_t config, uint64_t ctxPtr = 0, uint8_t s1fmt = 0,
                         uint8_t cdMax = 0, bool valid = true) {
  return (valid ? 1ull : 0ull) | (uint64_t{config} << 1) | (uint64_t{s1fmt} << 4) | ctxPtr |
         (uint64_t{cdMax} << 59);
}

class SteFetch : public ::testing::Test {
 protected:
  void putSte(PhysAddr pa, uint64_t d0, uint64_t d1 = 0, uint64_t d2 = 0, uint64_t d3 = 0) {
    const uint64_t w[8] = {d0, d1, d2, d3, 0, 0, 0, 0};
    mem.setWords(pa, w, 8);
  }
  FetchResult fetch(uint32_t sid) { return fetchSte(st, sid, f, mem, ste); }
  FakeMem mem;
  SmmuFeatures f;
  StreamTableConfig st;
  Ste ste;
  const Tick lat = 7 * kPsPerNs;
};

// ---------------------------------------------------------------- linear

TEST_F(SteFetch, Linear) {
  st.base = 0x40000;
  st.log2size = 8;
  putSte(0x40140, steD0(0b101, 0x80000, 0, 0), 0x1);  // sid 5; S1DSS = 1
  const FetchResult r = fetch(5);
  EXPECT_EQ(r.fault, EventId::None);
  EXPECT_EQ(r.reads, 1u);
  EXPECT_EQ(r.latency, lat);
  EXPECT_TRUE(ste.valid);
  EXPECT_EQ(ste.config, ste::CFG_S1);
  EXPECT_EQ(ste.s1ContextPtr, 0x80000u);
  EXPECT_EQ(ste.s1dss, 1);
}

TEST_F(SteFetch, LinearBaseAlignedToTableSize) {
  st.base = 0x40040;  // bits [13:0] ignored for 256 x 64-byte STEs
  st.log2size = 8;
  putSte(0x40140, steD0(0b100));
  EXPECT_EQ(fetch(5).fault, EventId::None);
  EXPECT_EQ(ste.config, ste::CFG_BYPASS);
}

TEST_F(SteFetch, StreamIdOutOfRange) {
  st.base = 0x40000;
  st.log2size = 8;
  FetchResult r = fetch(256);
  EXPECT_EQ(r.fault, EventId::C_BAD_STREAMID);
  EXPECT_EQ(r.reads, 0u);
  EXPECT_EQ(fetch(0xffffffffu).fault, EventId::C_BAD_STREAMID);
  // The effective LOG2SIZE is capped by SIDSIZE.
  st.log2size = 10;
  f.sidBits = 8;
  EXPECT_EQ(fetch(0x100).fault, EventId::C_BAD_STREAMID);
  putSte(0x40000 + 0xff * 64, steD0(0b100));
  EXPECT_EQ(fetch(0xff).fault, EventId::None);
  EXPECT_EQ(mem.reads, 1u);
}

TEST_F(SteFetch, InvalidSte) {
  st.base = 0x40000;
  st.log2size = 8;
  putSte(0x40140, steD0(0b101, 0x80000, 0, 0, /*valid=*/false));
  const FetchResult r = fetch(5);
  EXPECT_EQ(r.fault, EventId::C_BAD_STE);
  EXPECT_EQ(r.reads, 1u);
}

TEST_F(SteFetch, FetchAbort) {
  st.base = 0x40000;
  st.log2size = 8;
  mem.addHole(0x40100, 0x40);
  FetchResult r = fetch(4);
  EXPECT_EQ(r.fault, EventId::F_STE_FETCH);
  EXPECT_EQ(r.faultAddr, 0x40100u);
  EXPECT_EQ(r.reads, 1u);
  EXPECT_EQ(r.latency, lat);
  r = fetch(5);  // next STE is readable (and zero: V == 0)
  EXPECT_EQ(r.fault, EventId::C_BAD_STE);
}

TEST_F(SteFetch, AbortAndReservedConfigsAreNotErrors) {
  st.base = 0x40000;
  st.log2size = 8;
  putSte(0x40000, steD0(0b000));
  EXPECT_EQ(fetch(0).fault, EventId::None);
  EXPECT_EQ(ste.config, ste::CFG_ABORT);
  for (uint8_t cfg : {0b001, 0b010, 0b011}) {  // reserved, behave as abort
    putSte(0x40040, steD0(cfg));
    EXPECT_EQ(fetch(1).fault, EventId::None) << int(cfg);
    EXPECT_EQ(ste.config, ste::CFG_ABORT) << int(cfg);
  }
}

TEST_F(SteFetch, ReservedFieldValuesNormalised) {
  st.base = 0x40000;
  st.log2size = 8;
  putSte(0x40000, steD0(0b101, 0x80000, /*s1fmt=*/3, /*cdMax=*/2), /*S1DSS=*/0x3);
  EXPECT_EQ(fetch(0).fault, EventId::None);
  EXPECT_EQ(ste.s1fmt, ste::S1FMT_LINEAR);
  EXPECT_EQ(ste.s1dss, ste::S1DSS_TERMINATE);
}

TEST_F(SteFetch, IllegalSteIsBadSte) {
  st.base = 0x40000;
  st.log2size = 8;
  putSte(0x40000, steD0(0b110));  // stage 2 without S2P
  EXPECT_EQ(fetch(0).fault, EventId::C_BAD_STE);
  f.s1p = false;
  putSte(0x40000, steD0(0b101, 0x80000));
  EXPECT_EQ(fetch(0).fault, EventId::C_BAD_STE);
}

TEST_F(SteFetch, AddressAboveOas) {
  f.oasBits = 32;
  st.base = 0x100000000ull;
  st.log2size = 8;
  const FetchResult r = fetch(3);
  EXPECT_EQ(r.fault, EventId::F_STE_FETCH);
  EXPECT_EQ(r.faultAddr, 0x1000000C0ull);
  EXPECT_EQ(r.reads, 0u);
}

// ---------------------------------------------------------------- 2-level

class SteFetch2L : public SteFetch {
 protected:
  void SetUp() override {
    st.base = 0x50000;
    st.log2size = 16;
    st.split = 8;
    st.fmt = 1;
  }
};

TEST_F(SteFetch2L, FullSpan) {
  mem.set64(0x50010, 0x60000 | 9);  // L1[2]: 2^8 STEs at 0x60000
  putSte(0x600C0, steD0(0b101, 0x80000));
  const FetchResult r = fetch(0x0203);
  EXPECT_EQ(r.fault, EventId::None);
  EXPECT_EQ(r.reads, 2u);
  EXPECT_EQ(r.latency, 2 * lat);
  EXPECT_EQ(ste.s1ContextPtr, 0x80000u);
}

TEST_F(SteFetch2L, SpanEdges) {
  mem.set64(0x50008, 0x70000 | 3);  // L1[1]: 4 STEs
  putSte(0x700C0, steD0(0b100));
  EXPECT_EQ(fetch(0x0103).fault, EventId::None);
  FetchResult r = fetch(0x0104);
  EXPECT_EQ(r.fault, EventId::C_BAD_STREAMID);
  EXPECT_EQ(r.reads, 1u);
  EXPECT_EQ(fetch(0x01ff).fault, EventId::C_BAD_STREAMID);

  mem.set64(0x50020, 0x78000 | 1);  // L1[4]: 1 STE
  putSte(0x78000, steD0(0b100));
  EXPECT_EQ(fetch(0x0400).fault, EventId::None);
  EXPECT_EQ(fetch(0x0401).fault, EventId::C_BAD_STREAMID);
}

TEST_F(SteFetch2L, InvalidAndReservedSpans) {
  // L1[5] left zero: Span 0.
  FetchResult r = fetch(0x0500);
  EXPECT_EQ(r.fault, EventId::C_BAD_STREAMID);
  EXPECT_EQ(r.reads, 1u);
  mem.set64(0x50030, 0x60000 | 12);  // reserved, behaves as 0
  EXPECT_EQ(fetch(0x0600).fault, EventId::C_BAD_STREAMID);
  mem.set64(0x50038, 0x60000 | 10);  // larger than SPLIT + 1
  EXPECT_EQ(fetch(0x0700).fault, EventId::C_BAD_STREAMID);
  mem.set64(0x50040, 0x60000 | 9);   // exactly SPLIT + 1
  putSte(0x60000, steD0(0b100));
  EXPECT_EQ(fetch(0x0800).fault, EventId::None);
}

TEST_F(SteFetch2L, L2TableAlignedToItsSpan) {
  mem.set64(0x50008, 0x70040 | 3);  // 4 STEs = 256 bytes: L2Ptr[7:0] treated as zero
  putSte(0x70040, steD0(0b100));     // what sid 0x101 selects
  putSte(0x70080, steD0(0b000));     // what an unaligned pointer would have selected
  ASSERT_EQ(fetch(0x0101).fault, EventId::None);
  EXPECT_EQ(ste.config, ste::CFG_BYPASS);
}

TEST_F(SteFetch2L, L1FetchAbort) {
  mem.addHole(0x50000, 0x1000);
  const FetchResult r = fetch(0x0203);
  EXPECT_EQ(r.fault, EventId::F_STE_FETCH);
  EXPECT_EQ(r.faultAddr, 0x50010u);
  EXPECT_EQ(r.reads, 1u);
}

TEST_F(SteFetch2L, L2FetchAbort) {
  mem.set64(0x50010, 0x60000 | 9);
  mem.addHole(0x60000, 0x1000);
  const FetchResult r = fetch(0x0203);
  EXPECT_EQ(r.fault, EventId::F_STE_FETCH);
  EXPECT_EQ(r.faultAddr, 0x600C0u);
  EXPECT_EQ(r.reads, 2u);
}

TEST_F(SteFetch2L, ReservedSplitBehavesAsSix) {
  st.split = 7;
  mem.set64(0x50008, 0x60000 | 7);  // L1[0x45 >> 6 = 1]: 64 STEs
  putSte(0x60140, steD0(0b100));    // index 0x45 & 63 = 5
  EXPECT_EQ(fetch(0x45).fault, EventId::None);
  EXPECT_EQ(ste.config, ste::CFG_BYPASS);
}

TEST_F(SteFetch2L, ReservedFormatIsLinear) {
  st.fmt = 2;
  st.base = 0x400000;  // a linear table of 2^16 STEs is 4 MB aligned
  putSte(0x400000 + 0x203 * 64, steD0(0b100));
  const FetchResult r = fetch(0x0203);
  EXPECT_EQ(r.fault, EventId::None);
  EXPECT_EQ(r.reads, 1u);
}

TEST_F(SteFetch2L, TwoLevelIgnoredWithoutSupport) {
  f.stLevel2 = false;
  st.base = 0x400000;
  putSte(0x400000 + 0x203 * 64, steD0(0b100));
  const FetchResult r = fetch(0x0203);
  EXPECT_EQ(r.fault, EventId::None);
  EXPECT_EQ(r.reads, 1u);
}

TEST_F(SteFetch2L, SplitAboveLog2Size) {
  st.log2size = 6;  // 64 StreamIDs, one L1 descriptor covers them all
  mem.set64(0x50000, 0x60000 | 9);
  putSte(0x60000 + 63 * 64, steD0(0b100));
  EXPECT_EQ(fetch(63).fault, EventId::None);
  EXPECT_EQ(fetch(64).fault, EventId::C_BAD_STREAMID);
}

// ---------------------------------------------------------------- validity

Ste s1Ste() {
  Ste s;
  s.valid = true;
  s.config = ste::CFG_S1;
  s.s1ContextPtr = 0x80000;
  return s;
}

Ste s2Ste() {
  Ste s;
  s.valid = true;
  s.config = ste::CFG_S2;
  s.s2aa64 = true;
  s.s2tg = 0;     // 4K
  s.s2t0sz = 24;  // 40-bit IPA
  s.s2sl0 = 1;    // start at level 1
  s.s2ps = 5;     // 48 bits
  s.s2ttb = 0x100000;
  s.s2vmid = 1;
  return s;
}

TEST(SteIllegal, Stage1Fields) {
  SmmuFeatures f;
  Ste s = s1Ste();
  EXPECT_EQ(steIllegalReason(s, f), nullptr);
  s.valid = false;
  EXPECT_NE(steIllegalReason(s, f), nullptr);

  SmmuFeatures noS1 = f;
  noS1.s1p = false;
  EXPECT_NE(steIllegalReason(s1Ste(), noS1), nullptr);
  s = s1Ste();
  s.config = ste::CFG_BYPASS;
  EXPECT_EQ(steIllegalReason(s, noS1), nullptr);

  s = s1Ste(); s.s1CdMax = 8;   EXPECT_EQ(steIllegalReason(s, f), nullptr);  // SSIDSIZE 8
  s = s1Ste(); s.s1CdMax = 9;   EXPECT_NE(steIllegalReason(s, f), nullptr);
  {
    SmmuFeatures noSsid = f;
    noSsid.ssidBits = 0;  // S1CDMax IGNORED
    EXPECT_EQ(steIllegalReason(s, noSsid), nullptr);
  }
  SmmuFeatures noCd2l = f;
  noCd2l.cd2l = false;
  s = s1Ste(); s.s1CdMax = 4; s.s1fmt = 1; EXPECT_NE(steIllegalReason(s, noCd2l), nullptr);
  s = s1Ste(); s.s1CdMax = 4; s.s1fmt = 2; EXPECT_NE(steIllegalReason(s, noCd2l), nullptr);
  s = s1Ste(); s.s1CdMax = 4; s.s1fmt = 3; EXPECT_EQ(steIllegalReason(s, noCd2l), nullptr);
  s = s1Ste(); s.s1CdMax = 0; s.s1fmt = 1; EXPECT_EQ(steIllegalReason(s, noCd2l), nullptr);
  s = s1Ste(); s.s1CdMax = 4; s.s1fmt = 1; EXPECT_EQ(steIllegalReason(s, f), nullptr);
  {
    // SSIDSIZE 0: S1CDMax is IGNORED, so S1Fmt is too ("If STE.S1CDMax == 0 ... or
    // SMMU_IDR1.SSIDSIZE == 0 ..., this field is IGNORED"): a 2-level S1Fmt without CD2L and an
    // S1CDMax above SSIDSIZE are not ILLEGAL.
    SmmuFeatures noSsidNoCd2l = noCd2l;
    noSsidNoCd2l.ssidBits = 0;
    s = s1Ste(); s.s1CdMax = 4; s.s1fmt = 1;
    EXPECT_EQ(steIllegalReason(s, noSsidNoCd2l), nullptr);
    s = s1Ste(); s.s1CdMax = 31; s.s1fmt = 2;
    EXPECT_EQ(steIllegalReason(s, noSsidNoCd2l), nullptr);
  }

  SmmuFeatures stall = f;
  stall.stallModel = 0;
  s = s1Ste(); s.s1stalld = true;
  EXPECT_EQ(steIllegalReason(s, stall), nullptr);
  stall.stallModel = 1;
  EXPECT_NE(steIllegalReason(s, stall), nullptr);

  s = s1Ste(); s.strw = 0b01; EXPECT_NE(steIllegalReason(s, f), nullptr);
  s = s1Ste(); s.strw = 0b11; EXPECT_NE(steIllegalReason(s, f), nullptr);
  s = s1Ste(); s.strw = 0b10; EXPECT_EQ(steIllegalReason(s, f), nullptr);

  SmmuFeatures oas40 = f;
  oas40.oasBits = 40;
  s = s1Ste(); s.s1ContextPtr = 1ull << 40; EXPECT_NE(steIllegalReason(s, oas40), nullptr);
  s = s1Ste(); s.s1ContextPtr = (1ull << 40) - 64; EXPECT_EQ(steIllegalReason(s, oas40), nullptr);
}

TEST(SteIllegal, AbortConfigsIgnoreTheRest) {
  SmmuFeatures f;
  f.s1p = false;
  Ste s;
  s.valid = true;
  s.config = ste::CFG_ABORT;
  s.s1CdMax = 31;
  s.strw = 3;
  EXPECT_EQ(steIllegalReason(s, f), nullptr);
  s.config = 0b011;
  EXPECT_EQ(steIllegalReason(s, f), nullptr);
}

TEST(SteIllegal, Ats) {
  SmmuFeatures f;
  f.ats = true;
  f.s2p = true;
  f.stallModel = 0;
  Ste s = s1Ste();
  s.eats = 2;  // split-stage needs nested translation
  EXPECT_NE(steIllegalReason(s, f), nullptr);
  SmmuFeatures noAts = f;
  noAts.ats = false;
  EXPECT_EQ(steIllegalReason(s, noAts), nullptr);  // EATS IGNORED without ATS
  s.eats = 1;
  EXPECT_EQ(steIllegalReason(s, f), nullptr);
  s = s2Ste();
  s.config = ste::CFG_NESTED;
  s.eats = 2;
  EXPECT_EQ(steIllegalReason(s, f), nullptr);
  s.s2s = true;
  EXPECT_NE(steIllegalReason(s, f), nullptr);
  s = s2Ste();
  s.eats = 1;
  s.s2s = true;
  EXPECT_NE(steIllegalReason(s, f), nullptr);  // full ATS with a stalling stage 2
  s.s2s = false;
  EXPECT_EQ(steIllegalReason(s, f), nullptr);
  s = s2Ste();
  s.config = ste::CFG_BYPASS;
  s.eats = 2;  // IGNORED for bypass
  EXPECT_EQ(steIllegalReason(s, f), nullptr);
}

TEST(SteIllegal, Stage2Fields) {
  SmmuFeatures f;
  f.s2p = true;
  f.stallModel = 0;
  EXPECT_EQ(steIllegalReason(s2Ste(), f), nullptr);
  {
    SmmuFeatures noS2 = f;
    noS2.s2p = false;
    EXPECT_NE(steIllegalReason(s2Ste(), noS2), nullptr);
  }
  Ste s;
  s = s2Ste(); s.s2aa64 = false; EXPECT_NE(steIllegalReason(s, f), nullptr);
  s = s2Ste(); s.s2tg = 3;       EXPECT_NE(steIllegalReason(s, f), nullptr);
  s = s2Ste(); s.s2endi = true;  EXPECT_NE(steIllegalReason(s, f), nullptr);
  s = s2Ste(); s.s2ha = true;    EXPECT_NE(steIllegalReason(s, f), nullptr);  // HTTU 0
  {
    SmmuFeatures g = f;
    g.gran4k = false;
    EXPECT_NE(steIllegalReason(s2Ste(), g), nullptr);
    g.httu = 1;
    g.gran4k = true;
    s = s2Ste(); s.s2ha = true; EXPECT_EQ(steIllegalReason(s, g), nullptr);
    s = s2Ste(); s.s2hd = true; EXPECT_NE(steIllegalReason(s, g), nullptr);
  }
  // S2T0SZ range: [64 - IAS (48) = 16, 39].
  s = s2Ste(); s.s2t0sz = 15; EXPECT_NE(steIllegalReason(s, f), nullptr);
  s = s2Ste(); s.s2t0sz = 40; EXPECT_NE(steIllegalReason(s, f), nullptr);
  {
    SmmuFeatures oas40 = f;
    oas40.oasBits = 40;
    s = s2Ste(); s.s2t0sz = 23; s.s2ttb = 0x1000; EXPECT_NE(steIllegalReason(s, oas40), nullptr);
    s = s2Ste(); s.s2t0sz = 24; s.s2ttb = 0x1000; EXPECT_EQ(steIllegalReason(s, oas40), nullptr);
  }
  // S2SL0 consistency, 4K, 40-bit IPA: level 1 (SL0 1) or level 0 (SL0 2, one entry) fit;
  // level 2 (SL0 0) would need more than 16 concatenated tables; SL0 3 is reserved.
  s = s2Ste(); s.s2sl0 = 0; EXPECT_NE(steIllegalReason(s, f), nullptr);
  s = s2Ste(); s.s2sl0 = 2; EXPECT_EQ(steIllegalReason(s, f), nullptr);
  s = s2Ste(); s.s2sl0 = 3; EXPECT_NE(steIllegalReason(s, f), nullptr);
  // 48-bit IPA from level 1 would need 512 concatenated tables.
  s = s2Ste(); s.s2t0sz = 16; s.s2sl0 = 1; EXPECT_NE(steIllegalReason(s, f), nullptr);
  s = s2Ste(); s.s2t0sz = 16; s.s2sl0 = 2; EXPECT_EQ(steIllegalReason(s, f), nullptr);
  // 34-bit IPA from level 1 has only 4 bits there (fine), from level 2 needs 16 tables (fine).
  s = s2Ste(); s.s2t0sz = 30; s.s2sl0 = 1; EXPECT_EQ(steIllegalReason(s, f), nullptr);
  s = s2Ste(); s.s2t0sz = 30; s.s2sl0 = 0; EXPECT_EQ(steIllegalReason(s, f), nullptr);
  s = s2Ste(); s.s2t0sz = 29; s.s2sl0 = 0; EXPECT_NE(steIllegalReason(s, f), nullptr);
  // 64K, 42-bit IPA: level 2 (SL0 1) fits, level 3 (SL0 0) does not.
  s = s2Ste(); s.s2tg = 1; s.s2t0sz = 22; s.s2sl0 = 1; EXPECT_EQ(steIllegalReason(s, f), nullptr);
  s = s2Ste(); s.s2tg = 1; s.s2t0sz = 22; s.s2sl0 = 0; EXPECT_NE(steIllegalReason(s, f), nullptr);
  // S2TTB within the effective S2PS.
  s = s2Ste(); s.s2ps = 2; s.s2ttb = 1ull << 40; EXPECT_NE(steIllegalReason(s, f), nullptr);
  s = s2Ste(); s.s2ps = 2; s.s2ttb = 1ull << 39; EXPECT_EQ(steIllegalReason(s, f), nullptr);
  // Stall model.
  {
    SmmuFeatures st = f;
    st.stallModel = 1;
    s = s2Ste(); s.s2s = true; EXPECT_NE(steIllegalReason(s, st), nullptr);
    st.stallModel = 2;
    s = s2Ste(); s.s2s = false; EXPECT_NE(steIllegalReason(s, st), nullptr);
    s = s2Ste(); s.s2s = true; EXPECT_EQ(steIllegalReason(s, st), nullptr);
  }
  // 8-bit VMIDs.
  {
    SmmuFeatures v8 = f;
    v8.vmid16 = false;
    s = s2Ste(); s.s2vmid = 0x100; EXPECT_NE(steIllegalReason(s, v8), nullptr);
    s = s2Ste(); s.s2vmid = 0xff;  EXPECT_EQ(steIllegalReason(s, v8), nullptr);
  }
}

}  // namespace
}  // namespace smmu
