// STE.S1CDMax, S1DSS and S1Fmt on an SMMU without substreams (SMMU_IDR1.SSIDSIZE == 0), through
// SmmuCore over structures written word by word from IHI 0070 5.2 / 5.4 (not the model's
// encoders). The specification: S1CDMax "If SMMU_IDR1.SSIDSIZE == 0, this field is IGNORED";
// S1DSS and S1Fmt "If ... STE.S1CDMax == 0 (substreams disabled) or SMMU_IDR1.SSIDSIZE == 0
// (substreams unsupported), this field is IGNORED" (S1Fmt: "and STE.S1ContextPtr points to one
// CD"). So whatever those fields hold, a transaction without a SubstreamID translates through
// the CD at S1ContextPtr, and one with a SubstreamID is C_BAD_SUBSTREAMID. With SSIDSIZE != 0
// and S1CDMax = 1 the same STE keeps its S1DSS meaning (the positive control).
//
// Layout (4 KB granule, T0SZ 25: walks start at level 1):
//   stream table (linear, 16 STEs) at 0x1000_0000; STE 1: stage 1, S1ContextPtr 0x1001_0000
//   CD 0 at 0x1001_0000 (ASID 5, TTB0 0x1002_0000), CD 1 at 0x1001_0040 (ASID 6, TTB0
//   0x1003_0000); event queue 8 entries at 0x1010_0000
//   VA 0x4020_3000 = L1 index 1, L2 index 1, L3 index 3:
//     through CD 0's tables -> PA 0x8000_0000, through CD 1's -> PA 0x9000_0000.
#include <gtest/gtest.h>

#include <string>

#include "arch/Event.h"
#include "arch/Registers.h"
#include "mem/SparseMemory.h"
#include "smmu/SmmuCore.h"

using namespace smmu;

namespace {

constexpr uint64_t kStrtab = 0x10000000, kCd = 0x10010000, kEvtq = 0x10100000;
constexpr uint64_t kTtbCd0 = 0x10020000, kTtbCd1 = 0x10030000;
constexpr uint64_t kVa = 0x40203000, kPaCd0 = 0x80000000, kPaCd1 = 0x90000000;

// CD d0: T0SZ 25 [5:0], TG0 0 (4 KB), IR0 = OR0 = 1, SH0 3, EPD1 [30], V [31], IPS 5 [34:32],
// AA64 [41], R [45], A [46], ASID [63:48].
constexpr uint64_t cdD0(uint16_t asid) {
  return 25u | (1u << 8) | (1u << 10) | (3u << 12) | (1ull << 30) | (1ull << 31) |
         (5ull << 32) | (1ull << 41) | (1ull << 45) | (1ull << 46) | (uint64_t(asid) << 48);
}
// Page: 0b11, AttrIndx 1, AP[1] = 1 (EL0), AP[2] = 0, SH 3, AF, nG.
constexpr uint64_t page(uint64_t pa) {
  return pa | 3u | (1u << 2) | (1u << 6) | (3u << 8) | (1u << 10) | (1u << 11);
}

// STE 1 word 0: V [0], Config 0b101 [3:1], S1Fmt [5:4], S1ContextPtr [51:6], S1CDMax [63:59];
// word 1: S1DSS [1:0].
struct SteFields {
  unsigned s1fmt, s1cdmax, s1dss;
};

struct Rig {
  SparseMemory mem{100 * kPsPerNs};
  SmmuCore core;
  Rig(unsigned ssidBits, SteFields f) : core(makeConfig(ssidBits), mem) {
    mem.write64(kStrtab + 64 * 1, 1u | (0b101u << 1) | (uint64_t(f.s1fmt) << 4) | kCd |
                                      (uint64_t(f.s1cdmax) << 59));
    mem.write64(kStrtab + 64 * 1 + 8, f.s1dss);
    mem.write64(kCd + 0, cdD0(5));
    mem.write64(kCd + 8, kTtbCd0);
    mem.write64(kCd + 64, cdD0(6));
    mem.write64(kCd + 64 + 8, kTtbCd1);
    for (const auto& [ttb, pa] : {std::pair{kTtbCd0, kPaCd0}, std::pair{kTtbCd1, kPaCd1}}) {
      mem.write64(ttb + 8 * 1, (ttb + 0x1000) | 3u);             // L1[1]
      mem.write64(ttb + 0x1000 + 8 * 1, (ttb + 0x2000) | 3u);    // L2[1]
      mem.write64(ttb + 0x2000 + 8 * 3, page(pa));               // L3[3]
    }
    core.writeReg(reg::STRTAB_BASE, kStrtab, 8);
    core.writeReg(reg::STRTAB_BASE_CFG, 4, 4);
    core.writeReg(reg::EVENTQ_BASE, kEvtq | 3, 8);
    core.writeReg(reg::CR0, reg::CR0_SMMUEN | reg::CR0_EVENTQEN, 4);
  }
  static SmmuConfig makeConfig(unsigned ssidBits) {
    SmmuConfig c;
    c.features.ssidBits = uint8_t(ssidBits);
    return c;
  }
  TranslationResult tr(uint64_t iova, bool ssv = false, uint32_t ssid = 0) {
    TranslationRequest r;
    r.sid = 1;
    r.ssv = ssv;
    r.ssid = ssid;
    r.iova = iova;
    return core.translate(r, 0);
  }
  uint8_t eventId(unsigned n) {
    uint64_t d0 = 0;
    mem.read64(kEvtq + 32 * n, d0);
    return uint8_t(d0 & 0xff);
  }
};

std::string name(const SteFields& f) {
  return "S1Fmt " + std::to_string(f.s1fmt) + " S1CDMax " + std::to_string(f.s1cdmax) +
         " S1DSS " + std::to_string(f.s1dss);
}

}  // namespace

TEST(SmmuNoSubstreams, IgnoredFieldsLeaveTheOneCd) {
  // SSIDSIZE 0: every S1DSS (terminate, bypass, SSID0, reserved), S1CDMax 1 or 31 and a 2-level
  // S1Fmt: the CD at S1ContextPtr (CD 0) translates. Reads: STE, CD, L1, L2, L3.
  for (unsigned fmt : {0u, 1u, 2u})
    for (unsigned cdmax : {1u, 31u})
      for (unsigned dss : {0u, 1u, 2u, 3u}) {
        const SteFields f{fmt, cdmax, dss};
        SCOPED_TRACE(name(f));
        Rig r(/*ssidBits=*/0, f);
        const TranslationResult a = r.tr(kVa + 0x10);
        ASSERT_EQ(a.outcome, Outcome::Ok) << eventName(a.event);
        EXPECT_EQ(a.pa, kPaCd0 + 0x10);  // through the CD, not bypass (PA != VA)
        EXPECT_EQ(a.level, 3);
        EXPECT_EQ(a.walkReads, 5u);
        EXPECT_EQ(r.core.stats().bypassed, 0u);
        // A SubstreamID is not permitted: C_BAD_SUBSTREAMID (0x08), recorded.
        const TranslationResult b = r.tr(kVa, /*ssv=*/true, 0);
        EXPECT_EQ(b.outcome, Outcome::Fault);
        EXPECT_EQ(b.event, EventId::C_BAD_SUBSTREAMID);
        EXPECT_EQ(r.eventId(0), 0x08);
      }
}

TEST(SmmuNoSubstreams, WithSubstreamsS1DssStillDecides) {
  // The positive control: SSIDSIZE 8, S1CDMax 1 (a linear table of 2 CDs), S1Fmt 0.
  {
    Rig r(8, {0, 1, 0b00});  // terminate: F_STREAM_DISABLED (0x06), recorded
    const TranslationResult a = r.tr(kVa);
    EXPECT_EQ(a.outcome, Outcome::Fault);
    EXPECT_EQ(a.event, EventId::F_STREAM_DISABLED);
    EXPECT_EQ(r.eventId(0), 0x06);
    const TranslationResult s = r.tr(kVa + 8, true, 1);  // SSID 1: CD 1
    ASSERT_EQ(s.outcome, Outcome::Ok) << eventName(s.event);
    EXPECT_EQ(s.pa, kPaCd1 + 8);
  }
  {
    Rig r(8, {0, 1, 0b01});  // bypass stage 1: the output is the input
    const TranslationResult a = r.tr(kVa + 0x20);
    ASSERT_EQ(a.outcome, Outcome::Ok) << eventName(a.event);
    EXPECT_EQ(a.pa, kVa + 0x20);
    EXPECT_EQ(a.level, 0);
    EXPECT_EQ(r.core.stats().bypassed, 1u);
  }
  {
    Rig r(8, {0, 1, 0b10});  // SSID0: CD 0; SubstreamID 0 itself is F_STREAM_DISABLED
    const TranslationResult a = r.tr(kVa + 0x30);
    ASSERT_EQ(a.outcome, Outcome::Ok) << eventName(a.event);
    EXPECT_EQ(a.pa, kPaCd0 + 0x30);
    EXPECT_EQ(r.tr(kVa, true, 0).event, EventId::F_STREAM_DISABLED);
    EXPECT_EQ(r.tr(kVa, true, 1).pa, kPaCd1);
  }
  {
    // S1CDMax 0 (substreams disabled) on an SMMU with substreams: S1DSS IGNORED too.
    Rig r(8, {0, 0, 0b00});
    const TranslationResult a = r.tr(kVa + 0x40);
    ASSERT_EQ(a.outcome, Outcome::Ok) << eventName(a.event);
    EXPECT_EQ(a.pa, kPaCd0 + 0x40);
  }
}
