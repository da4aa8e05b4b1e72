// The host driver against FakeSmmuRegs: register programming at probe, STE / CD words (hand-
// encoded from the SMMUv3 field layout, not through Ste::encode), the order of the update
// commands, TLB invalidation on unmap, the command queue (wrap, full queue, MSI completion,
// errors) and event draining.
#include "host/ArmSmmuV3Driver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "host/FakeSmmuRegs.h"
#include "mem/SparseMemory.h"

namespace smmu {
namespace {

using test::FakeSmmuRegs;

constexpr uint64_t K4 = 0x1000, M2 = 0x200000;
// CMD_SYNC, CS = SEV, MSH = inner shareable, MSIAttr = OIWB: 0x46 | 2<<12 | 3<<22 | 0xf<<24.
constexpr uint64_t kSyncSevD0 = 0x0FC02046;

class DriverTest : public ::testing::Test {
 protected:
  SparseMemory mem;
  PageAllocator alloc{mem, 0x40000000, 256ull << 20};
  std::unique_ptr<FakeSmmuRegs> regs;
  std::unique_ptr<ArmSmmuV3Driver> drv;
  size_t mark = 0;  // commands consumed before the step under test

  void start(DriverOptions o = {}, SmmuFeatures f = {}) {
    regs = std::make_unique<FakeSmmuRegs>(mem, f);
    drv = std::make_unique<ArmSmmuV3Driver>(*regs, mem, alloc, o);
    drv->probe();
    mark = regs->commands.size();
  }
  std::array<uint64_t, 8> words(PhysAddr pa) {
    std::array<uint64_t, 8> w{};
    mem.read(pa, w.data(), 64);
    return w;
  }
  uint64_t rd(PhysAddr pa) {
    uint64_t v = 0;
    mem.read64(pa, v);
    return v;
  }
  // Opcodes consumed since `mark`.
  std::vector<uint8_t> opcodesSinceMark() const {
    std::vector<uint8_t> v;
    for (size_t i = mark; i < regs->commands.size(); ++i) v.push_back(regs->commands[i].opcode);
    return v;
  }
  std::vector<Command::Words> rawSinceMark() const {
    return std::vector<Command::Words>(regs->rawCommands.begin() + long(mark),
                                       regs->rawCommands.end());
  }
  void markNow() { mark = regs->commands.size(); }
};

// -------------------------------------------------------------------------------------------
// Probe

TEST_F(DriverTest, ProbeProgramsTheSmmuLikeArmSmmuDeviceReset) {
  DriverOptions o;
  o.sidBits = 8;
  start(o);
  ASSERT_FALSE(drv->twoLevelStreamTable());
  const PhysAddr strtab = drv->streamTableBase();
  const PhysAddr cmdq = drv->cmdqBase();
  const PhysAddr evtq = drv->evtqBase();
  EXPECT_EQ(cmdq % (16 * 256), 0u);
  EXPECT_EQ(evtq % (32 * 128), 0u);

  // Every register write except CMDQ_PROD, in order.
  std::vector<std::pair<uint32_t, uint64_t>> got;
  for (const auto& w : regs->writeLog)
    if (w.first != reg::CMDQ_PROD) got.push_back(w);
  const std::vector<std::pair<uint32_t, uint64_t>> want = {
      {reg::CR0, 0},
      {reg::CR1, 0xD75},  // table/queue: SH = ISH, OC = IC = WB
      {reg::CR2, 0x6},    // PTM | RECINVSID
      {reg::STRTAB_BASE, (1ull << 62) | strtab},
      {reg::STRTAB_BASE_CFG, 8},  // linear, LOG2SIZE 8
      {reg::CMDQ_BASE, (1ull << 62) | cmdq | 8},
      {reg::CMDQ_PROD, 0},  // (filtered, see below)
      {reg::CMDQ_CONS, 0},
      {reg::CR0, 0x8},  // CMDQEN
      {reg::EVENTQ_BASE, (1ull << 62) | evtq | 7},
      {reg::EVENTQ_PROD, 0},
      {reg::EVENTQ_CONS, 0},
      {reg::CR0, 0xC},  // + EVTQEN
      {reg::CR0, 0xD},  // + SMMUEN
  };
  std::vector<std::pair<uint32_t, uint64_t>> wantNoProd;
  for (const auto& w : want)
    if (w.first != reg::CMDQ_PROD) wantNoProd.push_back(w);
  EXPECT_EQ(got, wantNoProd);
  EXPECT_EQ(regs->writesTo(reg::CMDQ_PROD), (std::vector<uint64_t>{0, 2, 4}));

  // CFGI_ALL + SYNC, TLBI_NSNH_ALL + SYNC.
  ASSERT_EQ(regs->rawCommands.size(), 4u);
  EXPECT_EQ(regs->rawCommands[0], (Command::Words{0x04, 31}));
  EXPECT_EQ(regs->rawCommands[1], (Command::Words{kSyncSevD0, 0}));
  EXPECT_EQ(regs->rawCommands[2], (Command::Words{0x30, 0}));
  EXPECT_EQ(regs->rawCommands[3], (Command::Words{kSyncSevD0, 0}));

  // Every STE starts as an abort STE (V = 1, Config = 0b000).
  for (uint32_t sid : {0u, 1u, 128u, 255u}) {
    const auto w = words(strtab + 64 * sid);
    EXPECT_EQ(w[0], 1u) << sid;
    for (int i = 1; i < 8; ++i) EXPECT_EQ(w[i], 0u);
  }
  EXPECT_EQ(drv->stats().syncs, 2u);
  EXPECT_EQ(drv->stats().commandsIssued, 4u);
}

TEST_F(DriverTest, ProbeAbortsIncomingTrafficWhenTheSmmuWasLeftEnabled) {
  regs = std::make_unique<FakeSmmuRegs>(mem);
  regs->write32(reg::CR0, reg::CR0_SMMUEN);
  regs->writeLog.clear();
  drv = std::make_unique<ArmSmmuV3Driver>(*regs, mem, alloc);
  drv->probe();
  EXPECT_EQ(regs->writesTo(reg::GBPA), (std::vector<uint64_t>{0x80100000}));  // UPDATE | ABORT
  EXPECT_EQ(regs->writeLog[0].first, reg::GBPA);
}

TEST_F(DriverTest, BypassByDefaultWritesBypassStes) {
  DriverOptions o;
  o.sidBits = 4;
  o.bypassByDefault = true;
  start(o);
  EXPECT_EQ(rd(drv->streamTableBase() + 64 * 15), 0x9u);  // V | Config 0b100
}

TEST_F(DriverTest, TwoLevelStreamTableAndL1Descriptors) {
  DriverOptions o;
  o.sidBits = 16;
  start(o);
  ASSERT_TRUE(drv->twoLevelStreamTable());
  EXPECT_EQ(drv->strtabBaseCfg(), (1u << 16) | (8u << 6) | 16u);  // 2-level, SPLIT 8, LOG2SIZE 16
  EXPECT_EQ(regs->reg32(reg::STRTAB_BASE_CFG), 0x10210u);
  EXPECT_EQ(drv->l1Entries(), 256u);
  const PhysAddr l1 = drv->streamTableBase();
  for (uint32_t i = 0; i < 256; ++i) ASSERT_EQ(rd(l1 + 8 * i), 0u);  // all invalid
  EXPECT_EQ(drv->steAddress(0x1234), 0u);

  drv->bypass(0x1234);
  const PhysAddr l2 = drv->l2Table(0x12);
  ASSERT_NE(l2, 0u);
  EXPECT_EQ(l2 % (256 * 64), 0u);
  EXPECT_EQ(rd(l1 + 8 * 0x12), l2 | 9u);  // SPAN = 9: 2^(9-1) = 256 STEs
  EXPECT_EQ(rd(l1 + 8 * 0x11), 0u);
  EXPECT_EQ(rd(l1 + 8 * 0x13), 0u);
  EXPECT_EQ(drv->steAddress(0x1234), l2 + 0x34 * 64);
  EXPECT_EQ(rd(l2 + 0x34 * 64), 0x9u);  // bypass
  EXPECT_EQ(rd(l2 + 0x00 * 64), 0x1u);  // the rest of the span: abort
  EXPECT_EQ(rd(l2 + 0xff * 64), 0x1u);
  // The same span again: no new L2 table.
  drv->abort(0x12ff);
  EXPECT_EQ(drv->l2Table(0x12), l2);
  // CFGI_ALL + one CFGI_STE for the bypass; an abort STE that already is one changes nothing.
  EXPECT_EQ(drv->stats().cfgiCommands, 1u + 1u);
  EXPECT_THROW(drv->bypass(0x10000), std::out_of_range);
}

TEST_F(DriverTest, TwoLevelCanBeForcedAndNeedsTheFeature) {
  DriverOptions o;
  o.sidBits = 6;
  o.twoLevel = true;
  start(o);
  EXPECT_EQ(drv->l1Entries(), 1u);
  EXPECT_EQ(drv->strtabBaseCfg(), (1u << 16) | (8u << 6) | 8u);
  EXPECT_THROW(drv->bypass(64), std::out_of_range);

  SmmuFeatures noL2;
  noL2.stLevel2 = false;
  regs = std::make_unique<FakeSmmuRegs>(mem, noL2);
  drv = std::make_unique<ArmSmmuV3Driver>(*regs, mem, alloc, o);
  EXPECT_THROW(drv->probe(), std::invalid_argument);
  // Without the feature, 10 SID bits give a linear table.
  DriverOptions lin;
  lin.sidBits = 10;
  drv = std::make_unique<ArmSmmuV3Driver>(*regs, mem, alloc, lin);
  drv->probe();
  EXPECT_FALSE(drv->twoLevelStreamTable());
  EXPECT_EQ(drv->strtabBaseCfg(), 10u);
}

// -------------------------------------------------------------------------------------------
// STE / CD contents and update order

TEST_F(DriverTest, AttachWritesTheCdThenTheSteInLinuxOrder) {
  DriverOptions o;
  o.sidBits = 8;
  start(o);
  Domain& d = drv->createDomain();
  ASSERT_EQ(d.asid(), 1);

  // Snapshot STE word 0 / 1 and CD word 0 whenever a CFGI_STE is consumed.
  struct Snap {
    uint64_t ste0, ste1, cd0;
  };
  std::vector<Snap> snaps;
  const PhysAddr steAt = drv->steAddress(5);
  regs->onCommand = [&](const Command& c) {
    if (c.opcode == op::CFGI_STE) {
      const PhysAddr cdAt = drv->cdAddress(5, 0);
      snaps.push_back({rd(steAt), rd(steAt + 8), cdAt ? rd(cdAt) : 0});
    }
  };
  drv->attach(d, 5);

  const PhysAddr cdBase = drv->cdTableBase(5);
  ASSERT_NE(cdBase, 0u);
  EXPECT_EQ(cdBase % 64, 0u);
  // CD: T0SZ 16 | IRGN0 01 | ORGN0 01 | SH0 11 | EPD1 | V | IPS 0b101 | AA64 | R | A | ASET |
  // ASID 1.
  const uint64_t cd0 = 16ull | (1ull << 8) | (1ull << 10) | (3ull << 12) | (1ull << 30) |
                       (1ull << 31) | (5ull << 32) | (1ull << 41) | (1ull << 45) | (1ull << 46) |
                       (1ull << 47) | (1ull << 48);
  EXPECT_EQ(cd0, 0x0001E205C0003510ull);
  const auto cd = words(cdBase);
  EXPECT_EQ(cd[0], cd0);
  EXPECT_EQ(cd[1], d.pgtable().ttbr());
  EXPECT_EQ(cd[2], 0u);
  EXPECT_EQ(cd[3], 0x00000000F404FF44ull);
  for (int i = 4; i < 8; ++i) EXPECT_EQ(cd[i], 0u);

  // STE: V | Config 0b101 | S1Fmt linear | S1ContextPtr | S1CDMax 0;
  // S1DSS 0b10 | S1CIR 01 | S1COR 01 | S1CSH 11 | EATS 0 | STRW 0.
  const auto ste = words(steAt);
  EXPECT_EQ(ste[0], cdBase | 0xBu);
  EXPECT_EQ(ste[1], 0xD6u);
  for (int i = 2; i < 8; ++i) EXPECT_EQ(ste[i], 0u);

  // The CD is not live yet: no CFGI_CD. An abort STE uses only V and Config, so the update is
  // hitless (arm_smmu_write_entry): word 1 first + sync, then word 0 + sync, PREFETCH_CONFIG.
  EXPECT_EQ(opcodesSinceMark(),
            (std::vector<uint8_t>{op::CFGI_STE, op::CMD_SYNC, op::CFGI_STE, op::CMD_SYNC,
                                  op::PREFETCH_CONFIG}));
  ASSERT_EQ(snaps.size(), 2u);
  EXPECT_EQ(snaps[0].ste0, 1u);   // still the abort STE
  EXPECT_EQ(snaps[0].ste1, 0xD6u);
  EXPECT_EQ(snaps[0].cd0, cd0);   // the CD was complete before the STE was touched
  EXPECT_EQ(snaps[1].ste0, cdBase | 0xBu);
  EXPECT_EQ(snaps[1].ste1, 0xD6u);
  const auto raw = rawSinceMark();
  EXPECT_EQ(raw[0], (Command::Words{0x03 | (5ull << 32), 1}));  // CFGI_STE SID 5, Leaf
  EXPECT_EQ(raw[4], (Command::Words{0x01 | (5ull << 32), 0}));  // PREFETCH_CONFIG SID 5
  EXPECT_EQ(d.attachments(), (std::vector<std::pair<uint32_t, uint32_t>>{{5, 0}}));
}

TEST_F(DriverTest, ReattachingUpdatesTheLiveCdWithCfgiCd) {
  start();
  Domain& a = drv->createDomain();
  Domain& b = drv->createDomain();
  EXPECT_EQ(b.asid(), 2);
  drv->attach(a, 5);
  const auto steBefore = words(drv->steAddress(5));
  markNow();
  drv->attach(b, 5);
  // ASID (word 0) and TTB0 (word 1) change: breaking CD update, each step CFGI_CD + SYNC; the
  // STE does not change.
  EXPECT_EQ(opcodesSinceMark(),
            (std::vector<uint8_t>{op::CFGI_CD, op::CMD_SYNC, op::CFGI_CD, op::CMD_SYNC,
                                  op::CFGI_CD, op::CMD_SYNC, op::PREFETCH_CONFIG}));
  EXPECT_EQ(rawSinceMark()[0], (Command::Words{0x05 | (5ull << 32), 1}));  // SSID 0, Leaf
  EXPECT_EQ(words(drv->steAddress(5)), steBefore);
  EXPECT_EQ(rd(drv->cdAddress(5, 0)) >> 48, 2u);
  EXPECT_TRUE(a.attachments().empty());
  EXPECT_EQ(b.attachments().size(), 1u);
}

TEST_F(DriverTest, BypassAndAbortStes) {
  start();
  drv->bypass(7);
  auto ste = words(drv->steAddress(7));
  EXPECT_EQ(ste[0], 0x9u);
  for (int i = 1; i < 8; ++i) EXPECT_EQ(ste[i], 0u);
  // Only word 0 changes: one hitless write.
  EXPECT_EQ(opcodesSinceMark(),
            (std::vector<uint8_t>{op::CFGI_STE, op::CMD_SYNC, op::PREFETCH_CONFIG}));
  drv->abort(7);
  EXPECT_EQ(rd(drv->steAddress(7)), 0x1u);

  // From a translating STE to bypass: word 0 first (hitless), then the now unused word 1 is
  // cleaned up; CD 0 is cleared without CFGI_CD because the table is no longer live.
  Domain& d = drv->createDomain();
  drv->attach(d, 8);
  markNow();
  drv->bypass(8);
  ste = words(drv->steAddress(8));
  EXPECT_EQ(ste[0], 0x9u);
  EXPECT_EQ(ste[1], 0u);
  EXPECT_EQ(opcodesSinceMark(),
            (std::vector<uint8_t>{op::CFGI_STE, op::CMD_SYNC, op::CFGI_STE, op::CMD_SYNC,
                                  op::PREFETCH_CONFIG}));
  for (uint64_t w : words(drv->cdAddress(8, 0))) EXPECT_EQ(w, 0u);
  EXPECT_TRUE(d.attachments().empty());
}

TEST_F(DriverTest, AttachPasidBuildsAMultiCdTable) {
  start();
  Domain& d = drv->createDomain();
  drv->bypass(9);
  drv->attachPasid(d, 9, 3);
  ASSERT_EQ(drv->cdTableLog2(9), 4u);  // cdMaxLog2 default 4
  const PhysAddr base = drv->cdTableBase(9);
  EXPECT_EQ(base % 1024, 0u);
  // S1CDMax = 4; S1DSS = bypass (the stream was in bypass).
  const auto ste = words(drv->steAddress(9));
  EXPECT_EQ(ste[0], base | 0xBu | (4ull << 59));
  EXPECT_EQ(ste[1], 0xD5u);
  EXPECT_EQ(rd(base + 3 * 64), 0x0001E205C0003510ull);
  EXPECT_EQ(rd(base + 3 * 64 + 8), d.pgtable().ttbr());
  EXPECT_EQ(rd(base), 0u);  // CD 0 invalid
  EXPECT_THROW(drv->attachPasid(d, 9, 0), std::invalid_argument);
  EXPECT_THROW(drv->attachPasid(d, 9, 16), std::out_of_range);

  // Last PASID gone: the stream goes back to its bypass STE.
  EXPECT_THROW(drv->detachPasid(9, 0), std::invalid_argument);
  drv->detachPasid(9, 3);
  EXPECT_EQ(rd(base + 3 * 64), 0u);
  EXPECT_EQ(rd(drv->steAddress(9)), 0x9u);
}

TEST_F(DriverTest, AttachPasidGrowsASingleCdTable) {
  start();
  Domain& a = drv->createDomain();
  Domain& b = drv->createDomain();
  drv->attach(a, 11);
  const PhysAddr oldBase = drv->cdTableBase(11);
  EXPECT_EQ(drv->cdTableLog2(11), 0u);
  markNow();
  drv->attachPasid(b, 11, 2);
  const PhysAddr base = drv->cdTableBase(11);
  EXPECT_NE(base, oldBase);
  EXPECT_EQ(drv->cdTableLog2(11), 4u);
  EXPECT_EQ(rd(base) >> 48, 1u);      // CD 0 (domain a) carried over
  EXPECT_EQ(rd(base + 2 * 64) >> 48, 2u);
  const auto ste = words(drv->steAddress(11));
  EXPECT_EQ(ste[0], base | 0xBu | (4ull << 59));
  EXPECT_EQ(ste[1], 0xD6u);  // S1DSS still SSID0
  const auto ops = opcodesSinceMark();
  EXPECT_NE(std::find(ops.begin(), ops.end(), op::CFGI_CD_ALL), ops.end());
  // Only S1ContextPtr / S1CDMax (word 0) changed: a hitless STE update.
  EXPECT_EQ(std::count(ops.begin(), ops.end(), op::CFGI_STE), 1);
}

// -------------------------------------------------------------------------------------------
// Unmap and TLB invalidation

TEST_F(DriverTest, UnmapInvalidatesEachPageThenSyncs) {
  start();
  Domain& d = drv->createDomain();
  drv->attach(d, 1);
  ASSERT_TRUE(drv->map(d, 0x10000, 0x80010000, 4 * K4));
  markNow();
  EXPECT_TRUE(opcodesSinceMark().empty());  // map needs no invalidation
  EXPECT_EQ(drv->unmap(d, 0x10000, 4 * K4), 4 * K4);
  const auto raw = rawSinceMark();
  ASSERT_EQ(raw.size(), 5u);
  for (unsigned i = 0; i < 4; ++i) {
    // TLBI_NH_VA: opcode 0x12, ASID 1 in [63:48], VMID 0; Leaf = 1, address [63:12].
    EXPECT_EQ(raw[i][0], 0x12u | (1ull << 48));
    EXPECT_EQ(raw[i][1], (0x10000 + i * K4) | 1u);
  }
  EXPECT_EQ(raw[4], (Command::Words{kSyncSevD0, 0}));
  EXPECT_EQ(drv->stats().unmapCalls, 1u);
  EXPECT_EQ(drv->stats().bytesUnmapped, 4 * K4);

  // A 2M block: one TLBI for the block.
  ASSERT_TRUE(drv->map(d, 0x40000000, 0x80000000, M2));
  markNow();
  EXPECT_EQ(drv->unmap(d, 0x40000000, M2), M2);
  const auto raw2 = rawSinceMark();
  ASSERT_EQ(raw2.size(), 2u);
  EXPECT_EQ(raw2[0], (Command::Words{0x12u | (1ull << 48), 0x40000000u | 1u}));
}

TEST_F(DriverTest, LargeFlushesUseOneAsidInvalidation) {
  start();
  Domain& d = drv->createDomain();
  drv->attach(d, 1);
  // 512 pages in one L3 table, unmapped as one 2M table: the walk flush would take 512
  // TLBI_NH_VA (>= CMDQ_MAX_TLBI_OPS = 512 for 4K), so TLBI_NH_ASID; then the gathered 2M.
  ASSERT_TRUE(drv->map(d, 0x600000, 0x40601000, M2));
  markNow();
  EXPECT_EQ(drv->unmap(d, 0x600000, M2), M2);
  const auto raw = rawSinceMark();
  ASSERT_EQ(raw.size(), 4u);
  EXPECT_EQ(raw[0], (Command::Words{0x11u | (1ull << 48), 0}));  // TLBI_NH_ASID ASID 1
  EXPECT_EQ(raw[1][0], kSyncSevD0);
  EXPECT_EQ(raw[2], (Command::Words{0x12u | (1ull << 48), 0x600000u | 1u}));
  EXPECT_EQ(raw[3][0], kSyncSevD0);

  // 511 pages stay per-page.
  ASSERT_TRUE(drv->map(d, 0x800000, 0x40801000, 511 * K4));
  markNow();
  drv->unmap(d, 0x800000, 511 * K4);
  EXPECT_EQ(rawSinceMark().size(), 512u);
}

TEST_F(DriverTest, AsidFallbackCanBeDisabled) {
  DriverOptions o;
  o.maxTlbiOps = ~0u;
  start(o);
  Domain& d = drv->createDomain();
  ASSERT_TRUE(drv->map(d, 0x600000, 0x40601000, M2));
  markNow();
  drv->unmap(d, 0x600000, M2);
  const auto raw = rawSinceMark();
  ASSERT_EQ(raw.size(), 512u + 1 + 1 + 1);  // walk flush (Leaf = 0) + SYNC, 2M leaf + SYNC
  EXPECT_EQ(raw[0], (Command::Words{0x12u | (1ull << 48), 0x600000u}));  // Leaf = 0
  EXPECT_EQ(raw[511], (Command::Words{0x12u | (1ull << 48), 0x7ff000u}));
  EXPECT_EQ(raw[512][0], kSyncSevD0);
}

TEST_F(DriverTest, RangeInvalidationUsesNumScaleTtlTg) {
  DriverOptions o;
  o.rangeInvalidation = true;
  start(o);
  Domain& d = drv->createDomain();
  ASSERT_TRUE(drv->map(d, 0x100000, 0x90100000, 5 * K4));
  markNow();
  drv->unmap(d, 0x100000, 5 * K4);
  auto raw = rawSinceMark();
  ASSERT_EQ(raw.size(), 2u);
  // NUM = 4 (5 pages), SCALE = 0; TTL = 3 (level 3), TG = 1 (4K), Leaf.
  EXPECT_EQ(raw[0], (Command::Words{0x12u | (4ull << 12) | (1ull << 48),
                                    0x100000u | 1u | (3u << 8) | (1u << 10)}));

  // 33 pages: 1 page, then 32 pages as NUM = 0, SCALE = 5.
  ASSERT_TRUE(drv->map(d, 0x200000, 0x90201000, 33 * K4));
  markNow();
  drv->unmap(d, 0x200000, 33 * K4);
  raw = rawSinceMark();
  ASSERT_EQ(raw.size(), 3u);
  EXPECT_EQ(raw[0], (Command::Words{0x12u | (1ull << 48), 0x200000u | 0x701u}));
  EXPECT_EQ(raw[1], (Command::Words{0x12u | (5ull << 20) | (1ull << 48), 0x201000u | 0x701u}));

  // A 2M block: 512 pages as NUM = 0, SCALE = 9, TTL = 2.
  ASSERT_TRUE(drv->map(d, 0x400000, 0x90400000, M2));
  markNow();
  drv->unmap(d, 0x400000, M2);
  raw = rawSinceMark();
  ASSERT_EQ(raw.size(), 2u);
  EXPECT_EQ(raw[0], (Command::Words{0x12u | (9ull << 20) | (1ull << 48),
                                    0x400000u | 1u | (2u << 8) | (1u << 10)}));
}

TEST_F(DriverTest, LazyModeLeavesInvalidationToFlushIotlbAll) {
  DriverOptions o;
  o.strict = false;
  start(o);
  Domain& d = drv->createDomain();
  ASSERT_TRUE(drv->map(d, 0x10000, 0x80010000, 4 * K4));
  markNow();
  EXPECT_EQ(drv->unmap(d, 0x10000, 4 * K4), 4 * K4);
  EXPECT_TRUE(opcodesSinceMark().empty());
  drv->flushIotlbAll(d);
  EXPECT_EQ(opcodesSinceMark(), (std::vector<uint8_t>{op::TLBI_NH_ASID, op::CMD_SYNC}));
}

// -------------------------------------------------------------------------------------------
// Command queue

TEST_F(DriverTest, CommandQueueWrapsAround) {
  DriverOptions o;
  o.cmdqLog2 = 2;  // 4 entries
  start(o);
  EXPECT_EQ(regs->cmdqProd(), 4u);  // 4 commands at probe: index 0, wrap 1
  std::vector<Command> cmds;
  for (uint16_t asid = 1; asid <= 10; ++asid) {
    Command c;
    c.opcode = op::TLBI_NH_ASID;
    c.asid = asid;
    cmds.push_back(c);
  }
  drv->submit(cmds, true);
  // 11 more entries: PROD = CONS = 15 -> wrap bit 1 (bit 2), index 3.
  EXPECT_EQ(regs->cmdqProd(), 7u);
  EXPECT_EQ(regs->cmdqCons(), 7u);
  EXPECT_EQ(drv->cmdqProd(), 7u);
  const auto raw = rawSinceMark();
  ASSERT_EQ(raw.size(), 11u);
  for (uint16_t i = 0; i < 10; ++i) EXPECT_EQ(raw[i][0], 0x11u | (uint64_t(i + 1) << 48));
  EXPECT_EQ(raw[10][0], kSyncSevD0);
  // Ring contents: entries 4..14 land in slots 0,1,2,3,0,...: the SYNC (entry 14) in slot 2,
  // the 10th TLBI (entry 13) in slot 1.
  EXPECT_EQ(rd(drv->cmdqBase() + 2 * 16), kSyncSevD0);
  EXPECT_EQ(rd(drv->cmdqBase() + 1 * 16), 0x11u | (10ull << 48));
  EXPECT_EQ(regs->writesTo(reg::CMDQ_PROD).back(), 7u);
}

TEST_F(DriverTest, FullQueueWaitsForConsByPolling) {
  DriverOptions o;
  o.cmdqLog2 = 2;
  start(o);
  regs->consumeOnProdWrite = false;  // the SMMU only makes progress while the CPU spins
  std::vector<Command> cmds(9);
  for (auto& c : cmds) c.opcode = op::TLBI_NH_ALL;
  drv->submit(cmds, true);
  EXPECT_GT(drv->stats().queueFullWaits, 0u);
  EXPECT_EQ(opcodesSinceMark().size(), 10u);
  EXPECT_EQ(regs->cmdqCons(), regs->cmdqProd());
  // A list that fits waits for room for all of it before writing, then publishes once.
  const size_t prodWrites = regs->writesTo(reg::CMDQ_PROD).size();
  drv->submit(std::vector<Command>(3, cmds[0]), true);
  EXPECT_EQ(regs->writesTo(reg::CMDQ_PROD).size(), prodWrites + 1);
}

TEST_F(DriverTest, CmdSyncCompletionByMsiToADriverWord) {
  DriverOptions o;
  o.syncMethod = SyncMethod::Msi;
  start(o);
  ASSERT_NE(drv->msiWord(), 0u);
  const PhysAddr msi = drv->msiWord();
  // Probe issued two SYNCs: MSIData 1 and 2.
  ASSERT_EQ(regs->rawCommands.size(), 4u);
  // CS = SIG_IRQ (0b01), MSH = ISH, MSIAttr = OIWB, MSIData in [63:32]; MSIAddr in d1[51:2].
  EXPECT_EQ(regs->rawCommands[1], (Command::Words{0x46u | (1u << 12) | (3u << 22) |
                                                      (0xfu << 24) | (1ull << 32),
                                                  msi}));
  EXPECT_EQ(regs->rawCommands[3][0] >> 32, 2u);
  drv->sync();
  uint32_t word = 0;
  mem.read32(msi, word);
  EXPECT_EQ(word, 3u);
  EXPECT_EQ(drv->stats().syncs, 3u);
}

TEST_F(DriverTest, CmdSyncCompletionByMsiIntoTheQueueEntry) {
  DriverOptions o;
  o.syncMethod = SyncMethod::MsiInQueue;
  start(o);
  // The second SYNC of probe sits in slot 3: MSIAddr is that slot, MSIData 0, and the MSI
  // write cleared its first word.
  EXPECT_EQ(regs->rawCommands[3][1], drv->cmdqBase() + 3 * 16);
  EXPECT_EQ(regs->rawCommands[3][0] >> 32, 0u);
  EXPECT_EQ((regs->rawCommands[3][0] >> 12) & 3, 1u);
  uint32_t first = 0xffffffff;
  mem.read32(drv->cmdqBase() + 3 * 16, first);
  EXPECT_EQ(first, 0u);
}

TEST_F(DriverTest, NoMsiSupportFallsBackToPollingCons) {
  SmmuFeatures f;
  f.msi = false;
  DriverOptions o;
  o.syncMethod = SyncMethod::Msi;
  start(o, f);
  EXPECT_EQ(drv->options().syncMethod, SyncMethod::PollCons);
  EXPECT_EQ(regs->rawCommands[1][0], kSyncSevD0);
}

TEST_F(DriverTest, IllegalCommandIsSkippedLikeLinuxAndReported) {
  start();
  regs->illegalOpcodes = {op::TLBI_NH_ALL};
  Command bad;
  bad.opcode = op::TLBI_NH_ALL;
  const uint32_t badSlot = regs->cmdqProd() & 0xff;
  try {
    drv->issueWithSync(bad);
    FAIL() << "expected CmdqError";
  } catch (const CmdqError& e) {
    EXPECT_EQ(e.info().cerror, reg::CERROR_ILL);
    EXPECT_EQ(e.info().command[0] & 0xff, op::TLBI_NH_ALL);
    EXPECT_EQ(e.info().cons, badSlot);
    const std::string msg = e.what();
    EXPECT_NE(msg.find("CERROR_ILL"), std::string::npos) << msg;
    EXPECT_NE(msg.find("TLBI_NH_ALL"), std::string::npos) << msg;
  }
  // The bad entry became a CMD_SYNC; GERRORN acknowledged GERROR.CMDQ_ERR; both SYNCs ran.
  EXPECT_EQ(rd(drv->cmdqBase() + 16 * badSlot), kSyncSevD0);
  EXPECT_EQ(regs->gerror() & reg::GERROR_CMDQ_ERR, reg::GERROR_CMDQ_ERR);
  EXPECT_EQ(regs->gerrorn(), regs->gerror());
  EXPECT_EQ(opcodesSinceMark(), (std::vector<uint8_t>{op::CMD_SYNC, op::CMD_SYNC}));
  EXPECT_EQ(drv->cmdqErrors().size(), 1u);
  EXPECT_EQ(drv->stats().cmdqErrors, 1u);
  EXPECT_EQ(drv->stats().globalErrors, 1u);
  EXPECT_EQ(drv->stats().lastGlobalErrors, reg::GERROR_CMDQ_ERR);
  // The queue works again.
  markNow();
  regs->illegalOpcodes.clear();
  drv->issueWithSync(bad);
  EXPECT_EQ(opcodesSinceMark(), (std::vector<uint8_t>{op::TLBI_NH_ALL, op::CMD_SYNC}));
}

TEST_F(DriverTest, IllegalCommandWithoutExceptionAndUnderMsiPolling) {
  DriverOptions o;
  o.throwOnCmdqError = false;
  o.syncMethod = SyncMethod::Msi;
  o.msiErrorCheckInterval = 2;
  start(o);
  Command bad;
  bad.opcode = 0x7f;  // no such command
  EXPECT_NO_THROW(drv->issueWithSync(bad));
  ASSERT_EQ(drv->cmdqErrors().size(), 1u);
  EXPECT_EQ(drv->cmdqErrors()[0].cerror, reg::CERROR_ILL);
  EXPECT_EQ(drv->cmdqErrors()[0].command[0], 0x7fu);
  EXPECT_EQ(regs->gerrorn(), regs->gerror());
  EXPECT_GE(regs->polls, 1u);
}

// -------------------------------------------------------------------------------------------
// Event queue

TEST_F(DriverTest, DrainEventsDecodesRecordsAndAcknowledgesOverflow) {
  DriverOptions o;
  o.evtqLog2 = 2;  // 4 records
  start(o);
  EventRecord e1;
  e1.id = EventId::F_TRANSLATION;
  e1.sid = 5;
  e1.inputAddr = 0x1234000;
  e1.rnw = true;
  EventRecord e2;
  e2.id = EventId::C_BAD_STE;
  e2.sid = 6;
  ASSERT_TRUE(regs->pushEvent(e1));
  ASSERT_TRUE(regs->pushEvent(e2));
  auto drained = drv->drainEvents();
  ASSERT_EQ(drained.events.size(), 2u);
  EXPECT_FALSE(drained.overflow);
  EXPECT_EQ(drained.events[0].id, EventId::F_TRANSLATION);
  EXPECT_EQ(drained.events[0].sid, 5u);
  EXPECT_EQ(drained.events[0].inputAddr, 0x1234000u);
  EXPECT_TRUE(drained.events[0].rnw);
  EXPECT_EQ(drained.events[1].id, EventId::C_BAD_STE);
  EXPECT_EQ(drained.events[1].sid, 6u);
  EXPECT_EQ(regs->writesTo(reg::EVENTQ_CONS), (std::vector<uint64_t>{0, 1, 2}));

  // 6 records into a queue with room for 4: 2 are lost and PROD.OVFLG toggles.
  for (uint32_t i = 0; i < 6; ++i) {
    EventRecord e;
    e.id = EventId::F_PERMISSION;
    e.sid = 100 + i;
    regs->pushEvent(e);
  }
  EXPECT_EQ(regs->evtqProd(), 0x80000006u);
  drained = drv->drainEvents();
  EXPECT_TRUE(drained.overflow);
  ASSERT_EQ(drained.events.size(), 4u);
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(drained.events[i].sid, 100 + i);
  EXPECT_EQ(regs->evtqCons(), 0x80000006u);  // OVACKFLG copied from PROD.OVFLG
  EXPECT_EQ(drv->stats().eventOverflows, 1u);

  // Acknowledged: the next drain reports no overflow.
  EventRecord e3;
  e3.id = EventId::F_ACCESS;
  ASSERT_TRUE(regs->pushEvent(e3));
  drained = drv->drainEvents();
  EXPECT_FALSE(drained.overflow);
  ASSERT_EQ(drained.events.size(), 1u);
  EXPECT_EQ(regs->evtqCons(), 0x80000007u);
  EXPECT_EQ(drv->stats().eventsDrained, 7u);
}

// -------------------------------------------------------------------------------------------
// Domains, counters, misuse

TEST_F(DriverTest, CountersFollowTheWork) {
  start();
  Domain& d = drv->createDomain();
  drv->attach(d, 3);
  ASSERT_TRUE(drv->map(d, 0x10000, 0x80010000, K4));
  ASSERT_TRUE(drv->map(d, 0x200000, 0x80200000, M2));
  EXPECT_FALSE(drv->map(d, 0x10000, 0x80010000, K4));  // already mapped
  drv->unmap(d, 0x10000, K4);
  const DriverStats& s = drv->stats();
  EXPECT_EQ(s.mapCalls, 3u);
  EXPECT_EQ(s.bytesMapped, K4 + M2);
  EXPECT_EQ(s.unmapCalls, 1u);
  EXPECT_EQ(s.commandsIssued, regs->commands.size());
  uint64_t syncs = 0, tlbis = 0;
  for (const auto& c : regs->commands) {
    syncs += c.opcode == op::CMD_SYNC;
    tlbis += c.opcode >= 0x10 && c.opcode <= 0x30;
  }
  EXPECT_EQ(s.syncs, syncs);
  EXPECT_EQ(s.tlbiCommands, tlbis);
  EXPECT_EQ(drv->pgtableBytes(), d.pgtable().tableBytes());
  EXPECT_EQ(drv->pgtableBytes(), 4u * 4096);
  // Linear 256-entry stream table 16K + CD table 64 + CMDQ 4K + EVTQ 4K.
  EXPECT_EQ(drv->structureBytes(), 16384u + 64 + 4096 + 4096);
  EXPECT_EQ(s.registerWrites, regs->writeLog.size());
}

TEST_F(DriverTest, MemoryLatencyIsAccountedForTheHost) {
  mem.setLatency(5000);  // 5 ns per access
  DriverOptions o;
  o.sidBits = 4;  // 16 STEs: one bulk write at probe
  start(o);
  const Tick probeTime = drv->takeMemoryTime();
  // 16 STEs (one write) + 4 commands + nothing else.
  EXPECT_EQ(probeTime, 5000u * (1 + 4));
  EXPECT_EQ(drv->takeMemoryTime(), 0u);
  Domain& d = drv->createDomain();
  const Tick before = d.pgtable().memoryTime();
  ASSERT_TRUE(drv->map(d, 0x1000, 0x80001000, K4));
  // Four levels, one entry read and written at each: 3 table descriptors and the leaf.
  EXPECT_EQ(d.pgtable().memoryTime() - before, 5000u * 8);
  EXPECT_EQ(drv->takeMemoryTime(), 5000u * 8);
}

TEST_F(DriverTest, DomainsAndStreamsRefuseBadRequests) {
  SmmuFeatures f;
  f.gran16k = false;
  start(DriverOptions{}, f);
  DomainOptions g16;
  g16.granule = Granule::k16K;
  EXPECT_THROW(drv->createDomain(g16), std::invalid_argument);
  DomainOptions wide;
  wide.iasBits = 52;  // needs VAX and the 64K granule
  EXPECT_THROW(drv->createDomain(wide), std::invalid_argument);
  DomainOptions fixed;
  fixed.asid = 77;
  Domain& d = drv->createDomain(fixed);
  EXPECT_EQ(d.asid(), 77);
  EXPECT_THROW(drv->createDomain(fixed), std::invalid_argument);
  EXPECT_EQ(drv->createDomain().asid(), 1);
  EXPECT_THROW(drv->attach(d, 256), std::out_of_range);  // sidBits 8

  SparseMemory mem2;
  PageAllocator alloc2(mem2, 0, 16 << 20);
  FakeSmmuRegs regs2(mem2);
  ArmSmmuV3Driver other(regs2, mem2, alloc2);
  EXPECT_THROW(other.createDomain(), std::logic_error);  // not probed
  other.probe();
  EXPECT_THROW(other.attach(d, 1), std::invalid_argument);  // d belongs to drv
  EXPECT_THROW(other.probe(), std::logic_error);
}

TEST_F(DriverTest, ProbeRefusesAnSmmuWithoutStage1) {
  SmmuFeatures f;
  f.s1p = false;
  f.s2p = true;
  regs = std::make_unique<FakeSmmuRegs>(mem, f);
  drv = std::make_unique<ArmSmmuV3Driver>(*regs, mem, alloc);
  EXPECT_THROW(drv->probe(), std::runtime_error);
}

}  // namespace
}  // namespace smmu
