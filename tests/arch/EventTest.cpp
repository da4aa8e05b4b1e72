// Event queue records (IHI 0070 7.3; Linux EVTQ_* defines).
#include <gtest/gtest.h>

#include <random>

#include "arch/Event.h"

namespace smmu {
namespace {

// Bits EventRecord defines in d0 and d1 (hand-computed):
//  d0: ID[7:0] SSV[11] SSID[31:12] SID[63:32]
//  d1: STAG[15:0] Stall[31] PnU[33] InD[34] RnW[35] S2[39] CLASS[41:40] TTRnW[44]
constexpr uint64_t kD0 = 0xfffffffffffff8ffull;
constexpr uint64_t kD1 = 0x0000138e8000ffffull;
constexpr uint64_t kFetchAddr = 0x00fffffffffffff8ull;  // [55:3]
constexpr uint64_t kIpa = 0x00fffffffffff000ull;        // [55:12]

// Each d1 flag alone, at the position Linux's EVTQ_1_* and the spec's F_UUT table give it.
TEST(EventRecord, D1FieldPositions) {
  struct Case {
    void (*set)(EventRecord&);
    uint64_t d1;
  };
  const Case cases[] = {
      {[](EventRecord& e) { e.stag = 0xffff; }, 0xffffull},
      {[](EventRecord& e) { e.stall = true; }, 1ull << 31},
      {[](EventRecord& e) { e.pnu = true; }, 1ull << 33},   // F_UUT bit 97
      {[](EventRecord& e) { e.ind = true; }, 1ull << 34},   // bit 98
      {[](EventRecord& e) { e.rnw = true; }, 1ull << 35},   // bit 99
      {[](EventRecord& e) { e.s2 = true; }, 1ull << 39},
      {[](EventRecord& e) { e.cls = 3; }, 3ull << 40},
      {[](EventRecord& e) { e.ttrnw = true; }, 1ull << 44},  // Linux EVTQ_1_TT_READ
  };
  for (const Case& c : cases) {
    EventRecord e;
    e.id = EventId::F_PERMISSION;
    c.set(e);
    const EventRecord::Words d = e.encode();
    EXPECT_EQ(d[0], 0x13u);
    EXPECT_EQ(d[1], c.d1);
    EXPECT_EQ(d[2], 0u);
    EXPECT_EQ(d[3], 0u);
  }
}

// A stage-2 F_TRANSLATION, hand-encoded:
//   d0 = SID 0x42 << 32 | SSID 5 << 12 | SSV 1 << 11 | 0x10          = 0x0000_0042_0000_5810
//   d1 = STAG 0x1234 | Stall 1 << 31 | PnU 1 << 33 | RnW 1 << 35 | S2 1 << 39
//        | CLASS IN (2) << 40 | TTRnW 1 << 44                          = 0x0000_128a_8000_1234
//   d2 = InputAddr 0xffff_0000_dead_b000; d3 = IPA 0x8_1234_5000
TEST(EventRecord, TranslationFault) {
  const EventRecord::Words w{0x0000004200005810ull, 0x0000128a80001234ull,
                             0xffff0000deadb000ull, 0x0000000812345000ull};
  const EventRecord e = EventRecord::decode(w);
  EXPECT_EQ(e.id, EventId::F_TRANSLATION);
  EXPECT_TRUE(e.ssv);
  EXPECT_EQ(e.ssid, 5u);
  EXPECT_EQ(e.sid, 0x42u);
  EXPECT_EQ(e.stag, 0x1234);
  EXPECT_TRUE(e.stall);
  EXPECT_TRUE(e.pnu);
  EXPECT_FALSE(e.ind);
  EXPECT_TRUE(e.rnw);
  EXPECT_TRUE(e.s2);
  EXPECT_EQ(e.cls, evt::CLASS_IN);
  EXPECT_TRUE(e.ttrnw);
  EXPECT_EQ(e.inputAddr, 0xffff0000deadb000ull);
  EXPECT_EQ(e.addr2, 0x812345000ull);
  EXPECT_EQ(e.encode(), w);
}

// A stage-1 permission fault as Linux's arm_smmu_handle_evt() reads it: write, unprivileged
// data access (RnW 0, PnU 0, InD 0), CLASS IN, no SSV.
TEST(EventRecord, PermissionFaultLinuxView) {
  EventRecord e;
  e.id = EventId::F_PERMISSION;
  e.sid = 0x300;
  e.cls = evt::CLASS_IN;
  e.inputAddr = 0x0000ffffb7e01234ull;  // InputAddr keeps all 64 bits, including [11:0]
  const EventRecord::Words d = e.encode();
  EXPECT_EQ(d[0], 0x0000030000000013ull);
  EXPECT_EQ(d[1], 0x0000020000000000ull);
  EXPECT_EQ(d[2], 0x0000ffffb7e01234ull);
  EXPECT_EQ(d[3], 0u);
}

// F_STE_FETCH carries the STE's address as FetchAddr[55:3] in d3 (spec: bits 247:195).
TEST(EventRecord, SteFetchAddressInD3) {
  EventRecord e;
  e.id = EventId::F_STE_FETCH;
  e.sid = 0x1234;
  e.addr2 = 0x0000000900001047ull;  // [2:0] are not part of FetchAddr
  const EventRecord::Words d = e.encode();
  EXPECT_EQ(d[0], 0x0000123400000003ull);
  EXPECT_EQ(d[1], 0u);
  EXPECT_EQ(d[2], 0u);
  EXPECT_EQ(d[3], 0x0000000900001040ull);
  EXPECT_EQ(EventRecord::decode(d).addr2, 0x900001040ull);
}

// F_CD_FETCH, F_WALK_EABT and F_VMS_FETCH use the same FetchAddr[55:3] in d3; translation
// faults use IPA[55:12]; other events pass d3 through.
TEST(EventRecord, D3MaskPerEvent) {
  const uint64_t raw = 0xffffffffffffffffull;
  for (EventId id : {EventId::F_STE_FETCH, EventId::F_CD_FETCH, EventId::F_WALK_EABT,
                     EventId::F_VMS_FETCH})
    EXPECT_EQ(EventRecord::decode({static_cast<uint64_t>(id), 0, 0, raw}).addr2, kFetchAddr)
        << eventName(id);
  for (EventId id : {EventId::F_TRANSLATION, EventId::F_ADDR_SIZE, EventId::F_ACCESS,
                     EventId::F_PERMISSION})
    EXPECT_EQ(EventRecord::decode({static_cast<uint64_t>(id), 0, 0, raw}).addr2, kIpa)
        << eventName(id);
  EXPECT_EQ(EventRecord::decode({0x24, 0, 0, raw}).addr2, raw);  // E_PAGE_REQUEST
}

// F_WALK_EABT for a stage-1 table walk: S2 0, CLASS TT, InputAddr and descriptor PA.
TEST(EventRecord, WalkEabt) {
  EventRecord e;
  e.id = EventId::F_WALK_EABT;
  e.sid = 1;
  e.rnw = true;
  e.cls = evt::CLASS_TT;
  e.inputAddr = 0x400000;
  e.addr2 = 0x80001ff8;
  // d1 = RnW 1 << 35 | CLASS 1 << 40 = 0x0000_0108_0000_0000
  EXPECT_EQ(e.encode(),
            (EventRecord::Words{0x000000010000000bull, 0x0000010800000000ull, 0x400000,
                                0x80001ff8}));
}

// Records with only SID/SSID (C_BAD_STE, F_STREAM_DISABLED, C_BAD_STREAMID).
TEST(EventRecord, ConfigErrors) {
  const EventRecord e = EventRecord::decode({0xffffffff00000004ull, 0, 0, 0});
  EXPECT_EQ(e.id, EventId::C_BAD_STE);
  EXPECT_EQ(e.sid, 0xffffffffu);
  EXPECT_FALSE(e.ssv);
  EXPECT_EQ(EventRecord::decode({0x0000000700000006ull, 0, 0, 0}).id,
            EventId::F_STREAM_DISABLED);
  // C_BAD_SUBSTREAMID: SubstreamID 0xfffff [31:12] always valid (no SSV).
  const EventRecord b = EventRecord::decode({0x00000002fffff008ull, 0, 0, 0});
  EXPECT_EQ(b.id, EventId::C_BAD_SUBSTREAMID);
  EXPECT_EQ(b.ssid, 0xfffffu);
  EXPECT_EQ(b.sid, 2u);
}

TEST(EventRecord, UndefinedBitsDropped) {
  const EventRecord e = EventRecord::decode({~kD0, ~kD1, 0, 0});
  const EventRecord::Words d = e.encode();
  EXPECT_EQ(d[0], 0u);
  EXPECT_EQ(d[1], 0u);
  EXPECT_EQ(e.id, EventId::None);
}

TEST(EventRecord, RandomWordsRoundTrip) {
  const EventId ids[] = {EventId::F_UUT,          EventId::C_BAD_STREAMID,
                         EventId::F_STE_FETCH,    EventId::C_BAD_STE,
                         EventId::F_BAD_ATS_TREQ, EventId::F_STREAM_DISABLED,
                         EventId::F_TRANSL_FORBIDDEN, EventId::C_BAD_SUBSTREAMID,
                         EventId::F_CD_FETCH,     EventId::C_BAD_CD,
                         EventId::F_WALK_EABT,    EventId::F_TRANSLATION,
                         EventId::F_ADDR_SIZE,    EventId::F_ACCESS,
                         EventId::F_PERMISSION,   EventId::F_TLB_CONFLICT,
                         EventId::F_CFG_CONFLICT, EventId::E_PAGE_REQUEST,
                         EventId::F_VMS_FETCH};
  std::mt19937_64 rng(0xe7e001);
  for (EventId id : ids) {
    const bool fetch = id == EventId::F_STE_FETCH || id == EventId::F_CD_FETCH ||
                       id == EventId::F_WALK_EABT || id == EventId::F_VMS_FETCH;
    const bool xlate = id == EventId::F_TRANSLATION || id == EventId::F_ADDR_SIZE ||
                       id == EventId::F_ACCESS || id == EventId::F_PERMISSION;
    const uint64_t m3 = fetch ? kFetchAddr : xlate ? kIpa : ~0ull;
    for (int n = 0; n < 200; ++n) {
      const EventRecord::Words w{(rng() & kD0 & ~0xffull) | static_cast<uint64_t>(id),
                                 rng() & kD1, rng(), rng() & m3};
      const EventRecord e = EventRecord::decode(w);
      ASSERT_EQ(e.id, id);
      ASSERT_EQ(e.encode(), w) << eventName(id) << " iteration " << n;
    }
  }
}

TEST(EventRecord, RandomFieldsRoundTrip) {
  std::mt19937_64 rng(0xe7e002);
  auto r = [&](unsigned bitsWide) { return rng() & ((1ull << bitsWide) - 1); };
  for (int n = 0; n < 1000; ++n) {
    EventRecord e;
    e.id = EventId::F_TRANSLATION;
    e.ssv = r(1);
    e.ssid = r(20);
    e.sid = static_cast<uint32_t>(rng());
    e.stag = r(16);
    e.stall = r(1);
    e.pnu = r(1);
    e.ind = r(1);
    e.rnw = r(1);
    e.s2 = r(1);
    e.cls = r(2);
    e.ttrnw = r(1);
    e.inputAddr = rng();
    e.addr2 = rng() & kIpa;
    const EventRecord t = EventRecord::decode(e.encode());
    ASSERT_EQ(t.ssv, e.ssv);
    ASSERT_EQ(t.ssid, e.ssid);
    ASSERT_EQ(t.sid, e.sid);
    ASSERT_EQ(t.stag, e.stag);
    ASSERT_EQ(t.stall, e.stall);
    ASSERT_EQ(t.pnu, e.pnu);
    ASSERT_EQ(t.ind, e.ind);
    ASSERT_EQ(t.rnw, e.rnw);
    ASSERT_EQ(t.s2, e.s2);
    ASSERT_EQ(t.cls, e.cls);
    ASSERT_EQ(t.ttrnw, e.ttrnw);
    ASSERT_EQ(t.inputAddr, e.inputAddr);
    ASSERT_EQ(t.addr2, e.addr2);
  }
}

}  // namespace
}  // namespace smmu
