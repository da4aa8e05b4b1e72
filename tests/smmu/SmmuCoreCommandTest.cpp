// Command queue consumption by SmmuCore: invalidations really remove entries, CMD_SYNC
// completes by MSI, illegal commands stop the queue with CERROR_ILL, the queue wraps.
#include <gtest/gtest.h>

#include "HandBuilt.h"

using namespace smmu;
using namespace handbuilt;

namespace {

// Command words assembled by hand from the specification's layouts.
constexpr uint64_t tlbiNhAsid(uint16_t asid) { return 0x11u | (uint64_t(asid) << 48); }
constexpr uint64_t cfgiSte(uint32_t sid) { return 0x03u | (uint64_t(sid) << 32); }
constexpr uint64_t tlbiNhVa(uint16_t asid) { return 0x12u | (uint64_t(asid) << 48); }
constexpr uint64_t kSync = 0x46u;
// CMD_SYNC with CS=SIG_IRQ (0b01 at [13:12]), MSIData=data ([63:32]); d1: MSIAddress [51:2].
constexpr uint64_t syncMsi(uint32_t data) { return 0x46u | (1u << 12) | (uint64_t(data) << 32); }

struct Rig {
  SparseMemory mem{100 * kPsPerNs};
  SmmuCore core{config(), mem};
  uint32_t prod = 0;
  Tick clock = 0;
  Rig() {
    build(mem);
    program(core);
  }
  void push(uint64_t d0, uint64_t d1 = 0) {
    const uint32_t idx = prod & 0xf;
    mem.write64(kCmdq + 16 * idx, d0);
    mem.write64(kCmdq + 16 * idx + 8, d1);
    prod = (prod + 1) & 0x1f;  // 16 entries: index [3:0], wrap bit 4
  }
  // The SMMU consumes them from `clock`, after the translations so far have completed (a
  // CMD_SYNC also waits for translations still in flight).
  Tick publish() {
    core.writeReg(reg::CMDQ_PROD, prod, 4);
    const Tick t = core.processCommands(~0u, clock);
    clock += t;
    return t;
  }
  uint32_t cons() { return uint32_t(core.readReg(reg::CMDQ_CONS, 4)); }
  TranslationResult tr(uint32_t sid, uint64_t iova) {
    TranslationRequest r;
    r.sid = sid;
    r.iova = iova;
    auto res = core.translate(r, clock);
    clock += res.latency;
    return res;
  }
};

}  // namespace

TEST(SmmuCoreCommands, TlbiByAsidRemovesTheEntryAndTakesCommandTime) {
  Rig r;
  ASSERT_EQ(r.tr(1, kIova).servedBy, ServedBy::Walk);
  ASSERT_EQ(r.tr(1, kIova).servedBy, ServedBy::Tlb);
  r.push(tlbiNhAsid(kAsid + 1));  // another ASID: the entry survives
  r.push(kSync);
  // Two commands: each a 100 ns read of the entry plus 8 cycles of 1 ns.
  EXPECT_EQ(r.publish(), 2 * (100000u + 8000u));
  EXPECT_EQ(r.cons(), 2u);
  EXPECT_EQ(r.tr(1, kIova).servedBy, ServedBy::Tlb);
  r.push(tlbiNhAsid(kAsid));
  r.push(kSync);
  r.publish();
  EXPECT_EQ(r.cons(), 4u);
  auto again = r.tr(1, kIova);
  EXPECT_EQ(again.servedBy, ServedBy::Walk);
  EXPECT_EQ(again.walkReads, 4u);  // the config cache still holds STE+CD
  EXPECT_EQ(r.core.stats().commands, 4u);
  EXPECT_EQ(r.core.stats().syncs, 2u);
}

TEST(SmmuCoreCommands, TlbiByVaRemovesOnlyThatPage) {
  Rig r;
  r.tr(1, kIova);
  r.tr(1, kIovaRo);
  r.push(tlbiNhVa(kAsid), kIovaRo | 1);  // Leaf=1
  r.push(kSync);
  r.publish();
  EXPECT_EQ(r.tr(1, kIova).servedBy, ServedBy::Tlb);
  EXPECT_EQ(r.tr(1, kIovaRo).servedBy, ServedBy::Walk);
}

TEST(SmmuCoreCommands, CfgiSteDropsConfigAndTranslations) {
  Rig r;
  r.tr(1, kIova);
  // The STE changes to abort; without CFGI the cached copy is still used.
  r.mem.write64(kStrtab + 64, kSteAbortd0);
  EXPECT_EQ(r.tr(1, kIova).outcome, Outcome::Ok);
  r.push(cfgiSte(1), 1);
  r.push(kSync);
  r.publish();
  EXPECT_EQ(r.tr(1, kIova).outcome, Outcome::Abort);
}

TEST(SmmuCoreCommands, SyncWithMsiWritesTheData) {
  Rig r;
  const uint64_t msiAddr = 0x10300000;
  r.push(syncMsi(0xabcd1234), msiAddr);  // MSIAddress [51:2] holds the byte address
  r.publish();
  uint32_t v = 0;
  r.mem.read32(msiAddr, v);
  EXPECT_EQ(v, 0xabcd1234u);
}

TEST(SmmuCoreCommands, IllegalCommandStopsTheQueueUntilAcknowledged) {
  Rig r;
  r.push(kSync);
  r.push(0xffu);  // no such opcode
  r.push(kSync);
  r.publish();
  EXPECT_EQ(r.cons() & 0x1f, 1u);                             // stopped on the bad command
  EXPECT_EQ((r.cons() >> 24) & 0x7f, reg::CERROR_ILL);       // CMDQ_CONS.ERR
  const uint32_t gerror = uint32_t(r.core.readReg(reg::GERROR, 4));
  EXPECT_EQ(gerror & reg::GERROR_CMDQ_ERR, reg::GERROR_CMDQ_ERR);
  EXPECT_FALSE(r.core.commandsPending());
  // Software replaces the command with a CMD_SYNC (as Linux does) and acknowledges.
  r.mem.write64(kCmdq + 16, kSync);
  r.core.writeReg(reg::GERRORN, gerror, 4);
  EXPECT_TRUE(r.core.commandsPending());
  r.core.processCommands();
  EXPECT_EQ(r.cons(), 3u);
}

TEST(SmmuCoreCommands, QueueWrapsAround) {
  Rig r;
  // 40 commands through a 16-entry queue, in batches that cross the end.
  for (int batch = 0; batch < 5; ++batch) {
    for (int i = 0; i < 8; ++i) r.push(kSync);
    r.publish();
    EXPECT_EQ(r.cons(), r.prod);
  }
  EXPECT_EQ(r.prod, (40u & 0xf) | ((40u >> 4) & 1u) << 4);
  EXPECT_EQ(r.core.stats().syncs, 40u);
}
