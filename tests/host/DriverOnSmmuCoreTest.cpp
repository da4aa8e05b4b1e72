// The driver programming the real SMMU logic (SmmuCore through DirectRegisterAccess): the
// structures it builds must translate, fault and invalidate the way Linux expects.
#include <gtest/gtest.h>

#include <memory>

#include "host/ArmSmmuV3Driver.h"
#include "mem/SparseMemory.h"
#include "smmu/DirectRegisterAccess.h"
#include "smmu/SmmuCore.h"

namespace smmu {
namespace {

class DriverOnSmmuCore : public ::testing::Test {
 protected:
  SparseMemory mem;
  PageAllocator alloc{mem, 0x80000000, 64ull << 20};
  std::unique_ptr<SmmuCore> core;
  std::unique_ptr<DirectRegisterAccess> regs;
  std::unique_ptr<ArmSmmuV3Driver> drv;

  void start(DriverOptions o = {}) {
    SmmuConfig cfg;
    core = std::make_unique<SmmuCore>(cfg, mem);
    regs = std::make_unique<DirectRegisterAccess>(*core);
    drv = std::make_unique<ArmSmmuV3Driver>(*regs, mem, alloc, o);
    drv->probe();
  }
  TranslationResult xlate(uint32_t sid, uint64_t iova, bool write = false, bool ssv = false,
                          uint32_t ssid = 0) {
    TranslationRequest r;
    r.sid = sid;
    r.iova = iova;
    r.ssv = ssv;
    r.ssid = ssid;
    r.acc.write = write;
    // A serial requester: each translation is issued when the previous one has completed.
    const TranslationResult res = core->translate(r, clock);
    clock += res.latency;
    return res;
  }
  Tick clock = 0;
};

TEST_F(DriverOnSmmuCore, MapTranslateUnmapFault) {
  start();
  Domain& d = drv->createDomain();
  drv->attach(d, 3);
  ASSERT_TRUE(drv->map(d, 0x10000, 0x90000000, 0x4000));
  IommuProt ro;
  ro.write = false;
  ASSERT_TRUE(drv->map(d, 0x20000, 0x91000000, 0x1000, ro));

  TranslationResult r = xlate(3, 0x10123);
  ASSERT_EQ(r.outcome, Outcome::Ok);
  EXPECT_EQ(r.pa, 0x90000123u);
  EXPECT_EQ(xlate(3, 0x13ff0, true).pa, 0x90003ff0u);
  EXPECT_EQ(xlate(3, 0x20010).pa, 0x91000010u);

  r = xlate(3, 0x20010, true);  // write to a read-only page
  EXPECT_EQ(r.outcome, Outcome::Fault);
  EXPECT_EQ(r.event, EventId::F_PERMISSION);
  auto ev = drv->drainEvents();
  ASSERT_EQ(ev.events.size(), 1u);
  EXPECT_EQ(ev.events[0].id, EventId::F_PERMISSION);
  EXPECT_EQ(ev.events[0].sid, 3u);
  EXPECT_EQ(ev.events[0].inputAddr, 0x20010u);

  // The translation is in the SMMU's TLB now; strict unmap must invalidate it.
  ASSERT_EQ(xlate(3, 0x11000).servedBy, ServedBy::Walk);
  ASSERT_EQ(xlate(3, 0x11000).servedBy, ServedBy::Tlb);
  EXPECT_EQ(drv->unmap(d, 0x10000, 0x4000), 0x4000u);
  r = xlate(3, 0x11000);
  EXPECT_EQ(r.outcome, Outcome::Fault);
  EXPECT_EQ(r.event, EventId::F_TRANSLATION);
  EXPECT_EQ(drv->drainEvents().events.size(), 1u);
  EXPECT_EQ(core->stats().commandErrors, 0u);
}

TEST_F(DriverOnSmmuCore, LazyUnmapLeavesAStaleTranslationUntilFlush) {
  DriverOptions o;
  o.strict = false;
  start(o);
  Domain& d = drv->createDomain();
  drv->attach(d, 1);
  ASSERT_TRUE(drv->map(d, 0x10000, 0x90000000, 0x1000));
  ASSERT_EQ(xlate(1, 0x10000).outcome, Outcome::Ok);
  drv->unmap(d, 0x10000, 0x1000);
  EXPECT_EQ(xlate(1, 0x10000).outcome, Outcome::Ok);  // stale TLB entry
  drv->flushIotlbAll(d);
  EXPECT_EQ(xlate(1, 0x10000).event, EventId::F_TRANSLATION);
}

TEST_F(DriverOnSmmuCore, BypassAbortAndUnconfiguredStreams) {
  start();
  drv->bypass(4);
  TranslationResult r = xlate(4, 0x12345678);
  EXPECT_EQ(r.outcome, Outcome::Ok);
  EXPECT_EQ(r.pa, 0x12345678u);
  drv->abort(4);
  EXPECT_EQ(xlate(4, 0x1000).outcome, Outcome::Abort);
  EXPECT_EQ(xlate(5, 0x1000).outcome, Outcome::Abort);  // initial STEs abort, no event
  EXPECT_TRUE(drv->drainEvents().events.empty());
}

TEST_F(DriverOnSmmuCore, TwoLevelStreamTableWithMsiSyncAndBlocks) {
  DriverOptions o;
  o.sidBits = 16;
  o.syncMethod = SyncMethod::Msi;
  start(o);
  ASSERT_TRUE(drv->twoLevelStreamTable());
  Domain& d = drv->createDomain();
  drv->attach(d, 0x1234);
  ASSERT_TRUE(drv->map(d, 0x40000000, 0x100000000, 0x40000000));  // 1G block
  TranslationResult r = xlate(0x1234, 0x7fedcba8);
  ASSERT_EQ(r.outcome, Outcome::Ok);
  EXPECT_EQ(r.pa, 0x13fedcba8u);
  EXPECT_EQ(r.level, 1u);
  // Punch a hole: the block is split and the hole faults after the TLBI.
  EXPECT_EQ(drv->unmap(d, 0x7fedc000, 0x1000), 0x1000u);
  EXPECT_EQ(xlate(0x1234, 0x7fedcba8).event, EventId::F_TRANSLATION);
  r = xlate(0x1234, 0x7fedd000);
  EXPECT_EQ(r.outcome, Outcome::Ok);
  EXPECT_EQ(r.pa, 0x13fedd000u);
  EXPECT_EQ(xlate(0x1235, 0).outcome, Outcome::Abort);  // same L2 span, not configured
}

TEST_F(DriverOnSmmuCore, PasidDomainsAndSubstreamDefault) {
  start();
  Domain& rid = drv->createDomain();
  Domain& pasid = drv->createDomain();
  drv->attach(rid, 2);
  drv->attachPasid(pasid, 2, 5);
  ASSERT_TRUE(drv->map(rid, 0x1000, 0xA0001000, 0x1000));
  ASSERT_TRUE(drv->map(pasid, 0x1000, 0xB0001000, 0x1000));
  EXPECT_EQ(xlate(2, 0x1004).pa, 0xA0001004u);               // no SSID: CD 0 (S1DSS = SSID0)
  EXPECT_EQ(xlate(2, 0x1004, false, true, 5).pa, 0xB0001004u);
  EXPECT_EQ(xlate(2, 0x1004, false, true, 6).outcome, Outcome::Fault);  // invalid CD

  // A stream in bypass with a PASID: S1DSS = bypass for its untagged traffic.
  drv->bypass(7);
  drv->attachPasid(pasid, 7, 1);
  EXPECT_EQ(xlate(7, 0x5555000).pa, 0x5555000u);
  EXPECT_EQ(xlate(7, 0x1008, false, true, 1).pa, 0xB0001008u);
}

TEST_F(DriverOnSmmuCore, IllegalCommandIsReportedAndTheQueueRecovers) {
  start();
  Command bad;
  bad.opcode = 0x7e;
  EXPECT_THROW(drv->issueWithSync(bad), CmdqError);
  EXPECT_EQ(core->stats().commandErrors, 1u);
  Domain& d = drv->createDomain();
  EXPECT_NO_THROW(drv->attach(d, 1));
  ASSERT_TRUE(drv->map(d, 0, 0x90000000, 0x1000));
  EXPECT_EQ(xlate(1, 0x10).pa, 0x90000010u);
}

}  // namespace
}  // namespace smmu
