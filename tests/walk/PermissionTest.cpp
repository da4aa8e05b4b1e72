// Stage-1 permission checks: AP[2:1], UXN/PXN, WXN/UWXN and PAN, directly on leaf attributes and
// through walks whose table descriptors carry APTable / UXNTable / PXNTable.
#include <gtest/gtest.h>

#include "FakeMem.h"
#include "Printers.h"
#include "arch/ContextDescriptor.h"
#include "walk/PageTableWalker.h"

namespace smmu {
namespace {

using test::FakeMem;

constexpr EventId kOk = EventId::None;
constexpr EventId kPerm = EventId::F_PERMISSION;

const AccessAttrs kUserRead{false, false, false};
const AccessAttrs kUserWrite{true, false, false};
const AccessAttrs kUserExec{false, false, true};
const AccessAttrs kPrivRead{false, true, false};
const AccessAttrs kPrivWrite{true, true, false};
const AccessAttrs kPrivExec{false, true, true};

// Leaf attributes for AP[2:1] = ap (bit 1 = AP[2] read-only, bit 0 = AP[1] EL0 access).
LeafAttrs ap(unsigned apBits) {
  LeafAttrs a;
  a.readOnly = (apBits & 2) != 0;
  a.el0 = (apBits & 1) != 0;
  return a;
}

struct ApCase {
  unsigned ap;
  EventId userRead, userWrite, privRead, privWrite, userExec, privExec;
};

TEST(Permission, AccessPermissionsTable) {
  // Arm ARM stage-1 EL1&0: 00 priv RW; 01 priv RW + user RW; 10 priv RO; 11 priv RO + user RO.
  // Execute with XN clear: user exec allowed; priv exec forbidden where EL0 can write (01).
  const ApCase cases[] = {
      {0b00, kPerm, kPerm, kOk, kOk, kOk, kOk},
      {0b01, kOk, kOk, kOk, kOk, kOk, kPerm},
      {0b10, kPerm, kPerm, kOk, kPerm, kOk, kOk},
      {0b11, kOk, kPerm, kOk, kPerm, kOk, kOk},
  };
  const S1WalkConfig cfg;
  for (const ApCase& c : cases) {
    const LeafAttrs a = ap(c.ap);
    EXPECT_EQ(checkPermission(a, cfg, kUserRead), c.userRead) << "AP " << c.ap;
    EXPECT_EQ(checkPermission(a, cfg, kUserWrite), c.userWrite) << "AP " << c.ap;
    EXPECT_EQ(checkPermission(a, cfg, kPrivRead), c.privRead) << "AP " << c.ap;
    EXPECT_EQ(checkPermission(a, cfg, kPrivWrite), c.privWrite) << "AP " << c.ap;
    EXPECT_EQ(checkPermission(a, cfg, kUserExec), c.userExec) << "AP " << c.ap;
    EXPECT_EQ(checkPermission(a, cfg, kPrivExec), c.privExec) << "AP " << c.ap;
  }
}

TEST(Permission, ExecuteNever) {
  const S1WalkConfig cfg;
  LeafAttrs a = ap(0b11);
  a.uxn = true;
  EXPECT_EQ(checkPermission(a, cfg, kUserExec), kPerm);
  EXPECT_EQ(checkPermission(a, cfg, kPrivExec), kOk);
  EXPECT_EQ(checkPermission(a, cfg, kUserRead), kOk);  // XN does not affect data reads
  a = ap(0b11);
  a.pxn = true;
  EXPECT_EQ(checkPermission(a, cfg, kPrivExec), kPerm);
  EXPECT_EQ(checkPermission(a, cfg, kUserExec), kOk);
  EXPECT_EQ(checkPermission(a, cfg, kPrivRead), kOk);
}

TEST(Permission, WriteExecuteNever) {
  S1WalkConfig cfg;
  cfg.wxn = true;
  // Writable for the accessor -> no execute.
  EXPECT_EQ(checkPermission(ap(0b00), cfg, kPrivExec), kPerm);
  EXPECT_EQ(checkPermission(ap(0b10), cfg, kPrivExec), kOk);
  EXPECT_EQ(checkPermission(ap(0b01), cfg, kUserExec), kPerm);
  EXPECT_EQ(checkPermission(ap(0b11), cfg, kUserExec), kOk);
  // Without WXN the same pages execute.
  cfg.wxn = false;
  EXPECT_EQ(checkPermission(ap(0b00), cfg, kPrivExec), kOk);
  EXPECT_EQ(checkPermission(ap(0b01), cfg, kUserExec), kOk);
}

TEST(Permission, UnprivilegedWriteExecuteNever) {
  S1WalkConfig cfg;
  cfg.uwxn = true;
  EXPECT_EQ(checkPermission(ap(0b01), cfg, kPrivExec), kPerm);
  EXPECT_EQ(checkPermission(ap(0b11), cfg, kPrivExec), kOk);
  EXPECT_EQ(checkPermission(ap(0b00), cfg, kPrivExec), kOk);
  EXPECT_EQ(checkPermission(ap(0b01), cfg, kUserExec), kOk);  // affects privileged fetches only
}

TEST(Permission, PrivilegedAccessNever) {
  S1WalkConfig cfg;
  cfg.pan = true;
  // Privileged data accesses to EL0-accessible pages fault.
  EXPECT_EQ(checkPermission(ap(0b01), cfg, kPrivRead), kPerm);
  EXPECT_EQ(checkPermission(ap(0b01), cfg, kPrivWrite), kPerm);
  EXPECT_EQ(checkPermission(ap(0b11), cfg, kPrivRead), kPerm);
  // Not privileged-only pages, not instruction fetches, not unprivileged accesses.
  EXPECT_EQ(checkPermission(ap(0b00), cfg, kPrivRead), kOk);
  EXPECT_EQ(checkPermission(ap(0b00), cfg, kPrivWrite), kOk);
  EXPECT_EQ(checkPermission(ap(0b11), cfg, kPrivExec), kOk);
  EXPECT_EQ(checkPermission(ap(0b01), cfg, kUserWrite), kOk);
  cfg.pan = false;
  EXPECT_EQ(checkPermission(ap(0b01), cfg, kPrivRead), kOk);
}

// Hierarchical attributes through a 4K walk with T0SZ 34 (L2 then L3). VA 0x604567: L2[3], L3[4].
class HierPerm : public ::testing::Test {
 protected:
  HierPerm() {
    cfg.granule[0] = Granule::k4K;
    cfg.tsz[0] = 34;
    cfg.ttb[0] = 0x30000;
    cfg.epd[0] = false;
  }
  void build(uint64_t tableBits, uint64_t leafAp) {
    mem.set64(0x30018, 0x31000 | 0x3 | tableBits);
    mem.set64(0x31020, 0x8000 | 0x3 | (1u << 10) | (leafAp << 6));
  }
  WalkResult walk(const AccessAttrs& acc) { return walkStage1(cfg, 0x604567, acc, mem); }
  FakeMem mem;
  S1WalkConfig cfg;
};

constexpr uint64_t kApTable0 = 1ull << 61;  // no EL0 access below
constexpr uint64_t kApTable1 = 1ull << 62;  // no write access below
constexpr uint64_t kUxnTable = 1ull << 60;
constexpr uint64_t kPxnTable = 1ull << 59;

TEST_F(HierPerm, LeafOnlyPermissions) {
  build(0, 0b01);
  EXPECT_EQ(walk(kUserWrite).fault, kOk);
  build(0, 0b00);
  const WalkResult r = walk(kUserRead);
  EXPECT_EQ(r.fault, kPerm);
  EXPECT_EQ(r.level, 3);
  EXPECT_EQ(r.descAddr, 0x31020u);
  EXPECT_EQ(r.reads, 2u);
  build(0, 0b11);
  EXPECT_EQ(walk(kPrivWrite).fault, kPerm);
  EXPECT_EQ(walk(kUserRead).fault, kOk);
}

TEST_F(HierPerm, ApTable1MakesReadOnly) {
  build(kApTable1, 0b01);
  WalkResult r = walk(kUserWrite);
  EXPECT_EQ(r.fault, kPerm);
  EXPECT_TRUE(r.attrs.readOnly);
  EXPECT_EQ(walk(kPrivWrite).fault, kPerm);
  EXPECT_EQ(walk(kUserRead).fault, kOk);
  r = walk(kPrivRead);
  EXPECT_EQ(r.fault, kOk);
  EXPECT_TRUE(r.attrs.readOnly);
  EXPECT_TRUE(r.attrs.el0);
}

TEST_F(HierPerm, ApTable0RemovesEl0Access) {
  build(kApTable0, 0b01);
  WalkResult r = walk(kUserRead);
  EXPECT_EQ(r.fault, kPerm);
  EXPECT_FALSE(r.attrs.el0);
  r = walk(kPrivWrite);
  EXPECT_EQ(r.fault, kOk);
  // No longer EL0-writable, so privileged execution is allowed again.
  EXPECT_EQ(walk(kPrivExec).fault, kOk);
}

TEST_F(HierPerm, XnTables) {
  build(kUxnTable, 0b11);
  WalkResult r = walk(kUserExec);
  EXPECT_EQ(r.fault, kPerm);
  EXPECT_TRUE(r.attrs.uxn);
  EXPECT_FALSE(r.attrs.pxn);
  EXPECT_EQ(walk(kPrivExec).fault, kOk);
  build(kPxnTable, 0b11);
  r = walk(kPrivExec);
  EXPECT_EQ(r.fault, kPerm);
  EXPECT_TRUE(r.attrs.pxn);
  EXPECT_EQ(walk(kUserExec).fault, kOk);
}

TEST_F(HierPerm, TableAttributesAccumulateOverLevels) {
  // Three levels (T0SZ 25): APTable[1] at L1, APTable[0] at L2; the leaf says RW for all.
  cfg.tsz[0] = 25;
  cfg.ttb[0] = 0x20000;
  mem.set64(0x20010, 0x21000 | 0x3 | kApTable1);  // L1[2]
  mem.set64(0x21018, 0x22000 | 0x3 | kApTable0);  // L2[3]
  mem.set64(0x22020, 0x7000 | 0x3 | (1u << 10) | (0b01u << 6));
  const WalkResult r = walkStage1(cfg, 0x80604567, kPrivRead, mem);
  EXPECT_EQ(r.fault, kOk);
  EXPECT_TRUE(r.attrs.readOnly);
  EXPECT_FALSE(r.attrs.el0);
  EXPECT_EQ(walkStage1(cfg, 0x80604567, kPrivWrite, mem).fault, kPerm);
  EXPECT_EQ(walkStage1(cfg, 0x80604567, kUserRead, mem).fault, kPerm);
}

TEST_F(HierPerm, PanAndWxnThroughWalk) {
  cfg.pan = true;
  build(0, 0b01);
  EXPECT_EQ(walk(kPrivRead).fault, kPerm);
  build(kApTable0, 0b01);  // EL0 access removed by the table: PAN no longer applies
  EXPECT_EQ(walk(kPrivRead).fault, kOk);
  cfg.pan = false;
  cfg.wxn = true;
  build(0, 0b00);
  EXPECT_EQ(walk(kPrivExec).fault, kPerm);
  build(kApTable1, 0b00);  // read-only through APTable: executable again
  EXPECT_EQ(walk(kPrivExec).fault, kOk);
}

// CD.HAD0 / HAD1 (IHI 0070 5.4): "the APTable, PXNTable and XNTable/UXNTable fields of table
// descriptors walked through CD.TTB0 become IGNORED". VA 0x604567 is in the TTB0 range.
TEST_F(HierPerm, HadIgnoresEveryHierarchicalBit) {
  const uint64_t all = kApTable0 | kApTable1 | kUxnTable | kPxnTable;
  build(all, 0b01);  // leaf: read/write at EL0 and EL1
  // Without HAD: no EL0 access (APTable[0]), no write (APTable[1]).
  EXPECT_EQ(walk(kUserRead).fault, kPerm);
  EXPECT_EQ(walk(kPrivWrite).fault, kPerm);
  // HAD1 covers TTB1 only: no change for this TTB0 address.
  cfg.had[1] = true;
  EXPECT_EQ(walk(kUserRead).fault, kPerm);
  cfg.had[0] = true;
  WalkResult r = walk(kUserWrite);
  EXPECT_EQ(r.fault, kOk);
  EXPECT_FALSE(r.attrs.readOnly);
  EXPECT_TRUE(r.attrs.el0);
  EXPECT_FALSE(r.attrs.uxn);
  EXPECT_FALSE(r.attrs.pxn);
  EXPECT_EQ(walk(kUserExec).fault, kOk);  // UXNTable ignored (the leaf's UXN is 0)
  build(all, 0b10);  // leaf: privileged read-only, not EL0-writable, PXN 0
  EXPECT_EQ(walk(kPrivExec).fault, kOk);  // PXNTable ignored
  cfg.had[0] = false;
  EXPECT_EQ(walk(kPrivExec).fault, kPerm);
}

// fromCd takes CD.HADx only when SMMU_IDR3.HAD says the SMMU has it ("if SMMU_IDR3.HAD == 0,
// this field and CD.HAD1 are IGNORED").
TEST(HadConfig, FromCdNeedsIdr3Had) {
  ContextDescriptor cd;
  cd.valid = cd.aa64 = true;
  cd.t0sz = cd.t1sz = 25;
  cd.tg0 = 0;  // 4 KB
  cd.tg1 = 2;  // 4 KB in the TG1 encoding
  cd.ips = 5;
  cd.had0 = true;
  SmmuFeatures f;
  S1WalkConfig c;
  f.had = false;
  ASSERT_TRUE(S1WalkConfig::fromCd(cd, f, c));
  EXPECT_FALSE(c.had[0]);
  EXPECT_FALSE(c.had[1]);
  f.had = true;
  ASSERT_TRUE(S1WalkConfig::fromCd(cd, f, c));
  EXPECT_TRUE(c.had[0]);
  EXPECT_FALSE(c.had[1]);
  cd.had0 = false;
  cd.had1 = true;
  ASSERT_TRUE(S1WalkConfig::fromCd(cd, f, c));
  EXPECT_FALSE(c.had[0]);
  EXPECT_TRUE(c.had[1]);
}

}  // namespace
}  // namespace smmu
