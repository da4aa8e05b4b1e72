// Translation through SmmuCore against hand-built structures: results, exact latencies,
// events in the event queue.
#include <gtest/gtest.h>

#include "HandBuilt.h"
#include "arch/Event.h"

using namespace smmu;
using namespace handbuilt;

namespace {

struct Rig {
  SparseMemory mem{100 * kPsPerNs};  // 100 ns per access
  SmmuCore core;
  explicit Rig(bool record = true, SmmuConfig cfg = config()) : core(cfg, mem) {
    build(mem, record);
    program(core);
  }
  Tick clock = 0;  // a serial requester: each request issues when the previous one is done
  TranslationResult tr(uint32_t sid, uint64_t iova, bool write = false) {
    return trAt(sid, iova, write, clock);
  }
  TranslationResult trAt(uint32_t sid, uint64_t iova, bool write, Tick now) {
    TranslationRequest r;
    r.sid = sid;
    r.iova = iova;
    r.acc.write = write;
    auto res = core.translate(r, now);
    clock = now + res.latency;
    return res;
  }
  // Event record n of the event queue, read straight from memory.
  EventRecord::Words eventWords(unsigned n) {
    EventRecord::Words w{};
    mem.read(kEvtq + 32 * n, w.data(), 32);
    return w;
  }
  uint32_t evtqProd() { return uint32_t(core.readReg(reg::EVENTQ_PROD, 4)); }
};

}  // namespace

TEST(SmmuCoreTranslate, MissThenHitExactLatency) {
  Rig r;
  // Miss: TLB lookup 2 + walker issue 4 + config lookup 2 cycles at 1 ns, then 6 memory reads
  // of 100 ns: STE, CD, L0, L1, L2, L3.
  auto a = r.tr(1, kIova + 0x123);
  ASSERT_EQ(a.outcome, Outcome::Ok);
  EXPECT_EQ(a.pa, kPa + 0x123);
  EXPECT_EQ(a.level, 3);
  EXPECT_TRUE(a.writable);
  EXPECT_TRUE(a.readable);
  EXPECT_EQ(a.servedBy, ServedBy::Walk);
  EXPECT_EQ(a.walkReads, 6u);
  EXPECT_EQ(a.latency, 8 * 1000u + 6 * 100000u);
  // Hit: exactly the TLB lookup.
  auto b = r.tr(1, kIova + 0xff8, true);
  ASSERT_EQ(b.outcome, Outcome::Ok);
  EXPECT_EQ(b.pa, kPa + 0xff8);
  EXPECT_EQ(b.servedBy, ServedBy::Tlb);
  EXPECT_EQ(b.walkReads, 0u);
  EXPECT_EQ(b.latency, 2000u);
  // Another page of the same stream: config cache hit, 4 table reads.
  auto c = r.tr(1, kIovaRo);
  ASSERT_EQ(c.outcome, Outcome::Ok);
  EXPECT_EQ(c.pa, kPaRo);
  EXPECT_FALSE(c.writable);
  EXPECT_TRUE(c.readable);  // stage 1 always allows a read
  EXPECT_EQ(c.walkReads, 4u);
  EXPECT_EQ(c.latency, 8 * 1000u + 4 * 100000u);
  EXPECT_EQ(r.core.stats().tlbHits, 1u);
  EXPECT_EQ(r.core.stats().configHits, 1u);
  EXPECT_EQ(r.core.stats().configMisses, 1u);
}

TEST(SmmuCoreTranslate, HitOnAFillInFlightWaitsForIt) {
  Rig r;
  auto a = r.trAt(1, kIova, false, /*now=*/0);
  ASSERT_EQ(a.latency, 608000u);
  // 100 ns later the fill is still 508 ns away: the hit waits for it.
  auto b = r.trAt(1, kIova + 64, false, /*now=*/100000);
  EXPECT_EQ(b.servedBy, ServedBy::Coalesced);
  EXPECT_EQ(b.latency, 508000u);
  EXPECT_EQ(r.core.stats().tlbHitsUnderFill, 1u);
}

TEST(SmmuCoreTranslate, WriteToReadOnlyPageRecordsPermissionFault) {
  Rig r;
  auto a = r.tr(1, kIovaRo + 8, true);
  EXPECT_EQ(a.outcome, Outcome::Fault);
  EXPECT_EQ(a.event, EventId::F_PERMISSION);
  EXPECT_TRUE(a.eventRecorded);
  EXPECT_EQ(r.evtqProd(), 1u);
  const auto w = r.eventWords(0);
  EXPECT_EQ(w[0] & 0xff, 0x13u);       // F_PERMISSION
  EXPECT_EQ(w[0] >> 32, 1u);           // StreamID
  EXPECT_EQ((w[1] >> 35) & 1, 0u);     // RnW = 0: a write
  EXPECT_EQ(w[2], kIovaRo + 8);        // input address
  // The same fault from the TLB (the read filled it): a second record.
  auto rd = r.tr(1, kIovaRo + 8, false);
  EXPECT_EQ(rd.outcome, Outcome::Ok);
  auto b = r.tr(1, kIovaRo + 16, true);
  EXPECT_EQ(b.event, EventId::F_PERMISSION);
  EXPECT_EQ(b.servedBy, ServedBy::Fault);
  EXPECT_EQ(r.evtqProd(), 2u);
}

TEST(SmmuCoreTranslate, UnmappedAddressIsTranslationFaultAndCdRSuppressesTheRecord) {
  {
    Rig r;
    auto a = r.tr(1, 0x40000000);  // L1 index 1: invalid descriptor
    EXPECT_EQ(a.event, EventId::F_TRANSLATION);
    EXPECT_EQ(a.walkReads, 4u);    // STE, CD, L0, L1
    EXPECT_EQ(r.evtqProd(), 1u);
    EXPECT_EQ(r.eventWords(0)[0] & 0xff, 0x10u);
    EXPECT_EQ(r.eventWords(0)[2], 0x40000000u);
  }
  {
    Rig r(/*record=*/false);
    auto a = r.tr(1, 0x40000000);
    EXPECT_EQ(a.outcome, Outcome::Fault);
    EXPECT_EQ(a.event, EventId::F_TRANSLATION);
    EXPECT_FALSE(a.eventRecorded);
    EXPECT_EQ(r.evtqProd(), 0u);
    EXPECT_EQ(r.core.stats().eventsSuppressed, 1u);
  }
}

TEST(SmmuCoreTranslate, StreamConfigurations) {
  Rig r;
  auto byp = r.tr(2, 0xdead000);
  EXPECT_EQ(byp.outcome, Outcome::Ok);
  EXPECT_EQ(byp.pa, 0xdead000u);
  EXPECT_EQ(byp.servedBy, ServedBy::Bypass);
  auto ab = r.tr(3, 0x1000);
  EXPECT_EQ(ab.outcome, Outcome::Abort);
  EXPECT_EQ(ab.event, EventId::None);
  EXPECT_EQ(r.evtqProd(), 0u);  // Config=abort records no event
  auto bad = r.tr(4, 0x1000);
  EXPECT_EQ(bad.event, EventId::C_BAD_STE);
  auto badCd = r.tr(5, 0x1000);
  EXPECT_EQ(badCd.event, EventId::C_BAD_CD);
  auto badSid = r.tr(16, 0x1000);  // 2^LOG2SIZE = 16 STEs
  EXPECT_EQ(badSid.event, EventId::C_BAD_STREAMID);
  EXPECT_EQ(r.evtqProd(), 3u);
  EXPECT_EQ(r.eventWords(0)[0] & 0xff, 0x04u);
  EXPECT_EQ(r.eventWords(1)[0] & 0xff, 0x0au);
  EXPECT_EQ(r.eventWords(2)[0] & 0xff, 0x02u);
  EXPECT_EQ(r.eventWords(2)[0] >> 32, 16u);
}

TEST(SmmuCoreTranslate, DisabledSmmuFollowsGbpa) {
  Rig r;
  r.core.writeReg(reg::CR0, 0, 4);
  auto a = r.tr(1, 0x1234);
  EXPECT_EQ(a.outcome, Outcome::Ok);
  EXPECT_EQ(a.pa, 0x1234u);
  r.core.writeReg(reg::GBPA, reg::GBPA_ABORT | reg::GBPA_UPDATE, 4);
  EXPECT_EQ(r.core.readReg(reg::GBPA, 4), reg::GBPA_ABORT);  // UPDATE completes at once
  auto b = r.tr(1, 0x1234);
  EXPECT_EQ(b.outcome, Outcome::Abort);
}

TEST(SmmuCoreTranslate, TableOutsideRamIsWalkExternalAbort) {
  Rig r;
  r.mem.addRegion(0x10000000, 0x22000);  // the L2 table at 0x1002_2000 is outside RAM
  r.mem.addRegion(0x10100000, 0x1000);   // event queue
  auto a = r.tr(1, kIova);
  EXPECT_EQ(a.event, EventId::F_WALK_EABT);
  ASSERT_EQ(r.evtqProd(), 1u);
  EXPECT_EQ(r.eventWords(0)[0] & 0xff, 0x0bu);
}

TEST(SmmuCoreTranslate, EventQueueOverflowTogglesOvflgOnce) {
  Rig r;
  // 8-entry queue: 8 faults fill it, the 9th and 10th are lost, OVFLG toggles once.
  for (int i = 0; i < 10; ++i) r.tr(4, 0x1000 * i);
  const uint32_t prod = r.evtqProd();
  EXPECT_EQ(prod & 0xf, 0x8u);               // index 0, wrap bit set: full
  EXPECT_EQ(prod & reg::Q_OVERFLOW_FLAG, reg::Q_OVERFLOW_FLAG);
  EXPECT_EQ(r.core.stats().eventsLost, 2u);
  // Software consumes everything and acknowledges the overflow.
  r.core.writeReg(reg::EVENTQ_CONS, 0x8 | reg::Q_OVERFLOW_FLAG, 4);
  r.tr(4, 0x1000);
  EXPECT_EQ(r.evtqProd(), 0x9u | reg::Q_OVERFLOW_FLAG);  // recorded; flag unchanged
}

TEST(SmmuCoreTranslate, SteOverridesPrivilegeAndInstructionAttributes) {
  Rig r;
  // Page A (IOVA 0x1234_8000): AP[1] = 0, privileged only. Page B (0x1234_9000): XN (UXN+PXN).
  const uint64_t pageA = kIova + 0x3000, pageB = kIova + 0x4000;
  r.mem.write64(kL3 + 8 * 0x148, page(kPa + 0x3000, false) & ~(1ull << 6));
  r.mem.write64(kL3 + 8 * 0x149, page(kPa + 0x4000, false) | (3ull << 53));
  // Stream 8: stream 1's STE with PRIVCFG = 0b11 (privileged) in d1[49:48];
  // stream 9: with INSTCFG = 0b11 (instruction) in d1[51:50].
  r.mem.write64(kStrtab + 64 * 8, kSteS1d0);
  r.mem.write64(kStrtab + 64 * 8 + 8, 3ull << 48);
  r.mem.write64(kStrtab + 64 * 9, kSteS1d0);
  r.mem.write64(kStrtab + 64 * 9 + 8, 3ull << 50);
  // Incoming transactions are unprivileged data reads.
  EXPECT_EQ(r.tr(1, pageA).event, EventId::F_PERMISSION);  // EL0 may not access page A
  EXPECT_EQ(r.tr(8, pageA).outcome, Outcome::Ok);          // PRIVCFG makes it privileged
  EXPECT_EQ(r.tr(1, pageB).outcome, Outcome::Ok);          // data reads ignore XN
  EXPECT_EQ(r.tr(9, pageB).event, EventId::F_PERMISSION);  // INSTCFG: an instruction fetch
  EXPECT_EQ(r.tr(9, pageB, /*write=*/true).outcome, Outcome::Ok);  // writes are always data
  // The same from the TLB (each stream's entry carries its overrides).
  EXPECT_EQ(r.tr(8, pageA + 8).servedBy, ServedBy::Tlb);
  EXPECT_EQ(r.tr(9, pageB + 8).event, EventId::F_PERMISSION);
}
