// Stage-1 table walks over hand-built tables: every granule at every start level, blocks at each
// legal level, TTB0/TTB1 and TBI selection, and each fault the walker reports.
//
// Descriptor words are written by hand from the VMSAv8-64 encodings: [1:0] 0b11 table/page,
// 0b01 block; AF bit 10; AP[2:1] bits [7:6]; table address / OA in [47:granule shift].
#include <gtest/gtest.h>

#include "FakeMem.h"
#include "Printers.h"
#include "walk/PageTableWalker.h"

namespace smmu {
namespace {

using test::FakeMem;

constexpr uint64_t kTable = 0x3;   // table descriptor (levels 0-2)
constexpr uint64_t kPage = 0x3;    // page descriptor (level 3)
constexpr uint64_t kBlock = 0x1;   // block descriptor
constexpr uint64_t kAF = 1ull << 10;
constexpr uint64_t kApEl0 = 1ull << 6;  // AP[1]
constexpr uint64_t kApRo = 1ull << 7;   // AP[2]

const AccessAttrs kRead{};           // unprivileged data read
const AccessAttrs kWrite{true, false, false};

class Walk : public ::testing::Test {
 protected:
  Walk() {
    cfg.oasBits = 48;
    cfg.epd[0] = false;
    cfg.epd[1] = true;
  }
  void use(Granule g, unsigned tsz, uint64_t ttb) {
    cfg.granule[0] = g;
    cfg.tsz[0] = static_cast<uint8_t>(tsz);
    cfg.ttb[0] = ttb;
  }
  WalkResult walk(uint64_t va, const AccessAttrs& acc = kRead) {
    return walkStage1(cfg, va, acc, mem);
  }
  void expectOk(const WalkResult& r) {
    EXPECT_EQ(r.fault, EventId::None) << eventName(r.fault) << " at level " << int(r.level);
  }
  FakeMem mem;
  S1WalkConfig cfg;
  const Tick lat = 7 * kPsPerNs;
};

// ---------------------------------------------------------------- 4 KB granule
// VA indices used: L0 1, L1 2, L2 3, L3 4, offset 0x567.

TEST_F(Walk, Granule4KStartLevel0) {
  use(Granule::k4K, 16, 0x10000);
  mem.set64(0x10008, 0x11000 | kTable);              // L0[1]
  mem.set64(0x11010, 0x12000 | kTable);              // L1[2]
  mem.set64(0x12018, 0x13000 | kTable);              // L2[3]
  mem.set64(0x13020, 0x456789000 | kAF | kApEl0 | kPage);  // L3[4]
  const WalkResult r = walk(0x0000008080604567ull);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x456789567u);
  EXPECT_EQ(r.paBase, 0x456789000u);
  EXPECT_EQ(r.vaBase, 0x0000008080604000ull);
  EXPECT_EQ(r.pageShift, 12);
  EXPECT_EQ(r.level, 3);
  EXPECT_EQ(r.descAddr, 0x13020u);
  EXPECT_EQ(r.descriptor, 0x456789000 | kAF | kApEl0 | kPage);
  EXPECT_EQ(r.reads, 4u);
  EXPECT_EQ(r.writes, 0u);
  EXPECT_EQ(r.latency, 4 * lat);
  EXPECT_EQ(mem.reads, 4u);
  EXPECT_TRUE(r.attrs.el0);
  EXPECT_FALSE(r.attrs.readOnly);
  EXPECT_TRUE(r.attrs.af);
}

TEST_F(Walk, Granule4KStartLevel1) {
  use(Granule::k4K, 25, 0x20000);
  mem.set64(0x20010, 0x21000 | kTable);               // L1[2]
  mem.set64(0x21018, 0x22000 | kTable);               // L2[3]
  mem.set64(0x22020, 0x7000 | kAF | kApEl0 | kPage);  // L3[4]
  const WalkResult r = walk(0x80604567);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x7567u);
  EXPECT_EQ(r.reads, 3u);
  EXPECT_EQ(r.latency, 3 * lat);
}

TEST_F(Walk, Granule4KStartLevel1SmallTableIsAlignedToItsSize) {
  // T0SZ 30: 34-bit input, level 1 resolves VA[33:30] (16 entries, a 128-byte table). TTB bits
  // [6:0] are treated as zero.
  use(Granule::k4K, 30, 0x20000 | 0x70);
  mem.set64(0x20018, 0x21000 | kTable);               // L1[3]
  mem.set64(0x21008, 0x22000 | kTable);               // L2[1]
  mem.set64(0x22010, 0x9000 | kAF | kApEl0 | kPage);  // L3[2]
  const WalkResult r = walk(0xC0202abc);               // 3<<30 | 1<<21 | 2<<12 | 0xabc
  expectOk(r);
  EXPECT_EQ(r.pa, 0x9abcu);
  EXPECT_EQ(r.reads, 3u);
}

TEST_F(Walk, Granule4KStartLevel2) {
  use(Granule::k4K, 34, 0x30000);
  mem.set64(0x30018, 0x31000 | kTable);               // L2[3]
  mem.set64(0x31020, 0x8000 | kAF | kApEl0 | kPage);  // L3[4]
  const WalkResult r = walk(0x604567);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x8567u);
  EXPECT_EQ(r.reads, 2u);
}

TEST_F(Walk, Granule4KStartLevel3) {
  // T0SZ 43 (21-bit input): a single level-3 table (geometry of small translation tables).
  use(Granule::k4K, 43, 0x40000);
  mem.set64(0x40020, 0xa000 | kAF | kApEl0 | kPage);  // L3[4]
  const WalkResult r = walk(0x4567);
  expectOk(r);
  EXPECT_EQ(r.pa, 0xa567u);
  EXPECT_EQ(r.reads, 1u);
  EXPECT_EQ(r.level, 3);
}

TEST_F(Walk, Granule4KBlockAtLevel1) {
  use(Granule::k4K, 25, 0x20000);
  mem.set64(0x20010, 0x140000000 | kAF | kApEl0 | kBlock);  // 1 GB block
  const WalkResult r = walk(0x80604567);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x140604567u);
  EXPECT_EQ(r.paBase, 0x140000000u);
  EXPECT_EQ(r.vaBase, 0x80000000u);
  EXPECT_EQ(r.pageShift, 30);
  EXPECT_EQ(r.level, 1);
  EXPECT_EQ(r.reads, 1u);
}

TEST_F(Walk, Granule4KBlockAtLevel2) {
  use(Granule::k4K, 25, 0x20000);
  mem.set64(0x20010, 0x21000 | kTable);
  mem.set64(0x21018, 0x123400000 | kAF | kApEl0 | kBlock);  // 2 MB block
  const WalkResult r = walk(0x80604567);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x123404567u);
  EXPECT_EQ(r.vaBase, 0x80600000u);
  EXPECT_EQ(r.pageShift, 21);
  EXPECT_EQ(r.level, 2);
  EXPECT_EQ(r.reads, 2u);
}

TEST_F(Walk, Granule4KBlockAtLevel0IsTranslationFault) {
  use(Granule::k4K, 16, 0x10000);
  mem.set64(0x10008, 0x8000000000 | kAF | kBlock);
  const WalkResult r = walk(0x0000008080604567ull);
  EXPECT_EQ(r.fault, EventId::F_TRANSLATION);
  EXPECT_EQ(r.level, 0);
  EXPECT_EQ(r.descAddr, 0x10008u);
  EXPECT_EQ(r.reads, 1u);
}

TEST_F(Walk, BlockBitsBelowTheBlockSizeAreIgnored) {
  use(Granule::k4K, 25, 0x20000);
  // OA bits [29:12] of a 1 GB block are RES0; set some and expect them ignored.
  mem.set64(0x20010, 0x140000000 | 0x12345000 | kAF | kApEl0 | kBlock);
  const WalkResult r = walk(0x80604567);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x140604567u);
}

// ---------------------------------------------------------------- 16 KB granule
// VA indices used: L0 1, L1 5, L2 6, L3 7, offset 0x1234.

TEST_F(Walk, Granule16KStartLevel0) {
  use(Granule::k16K, 16, 0x100000);
  mem.set64(0x100008, 0x104000 | kTable);              // L0[1] (2-entry table)
  mem.set64(0x104028, 0x108000 | kTable);              // L1[5]
  mem.set64(0x108030, 0x10C000 | kTable);              // L2[6]
  mem.set64(0x10C038, 0x200004000 | kAF | kApEl0 | kPage);  // L3[7]
  const WalkResult r = walk(0x80500C01D234ull);  // L0 1, L1 5, L2 6, L3 7, offset 0x1234
  expectOk(r);
  EXPECT_EQ(r.pa, 0x200005234u);
  EXPECT_EQ(r.pageShift, 14);
  EXPECT_EQ(r.vaBase, 0x80500C01C000ull);
  EXPECT_EQ(r.reads, 4u);
}

TEST_F(Walk, Granule16KStartLevel1) {
  use(Granule::k16K, 17, 0x110000);
  mem.set64(0x110028, 0x114000 | kTable);              // L1[5]
  mem.set64(0x114030, 0x118000 | kTable);              // L2[6]
  mem.set64(0x118038, 0x24000 | kAF | kApEl0 | kPage);  // L3[7]
  const WalkResult r = walk(0x500C01D234ull);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x25234u);
  EXPECT_EQ(r.reads, 3u);
}

TEST_F(Walk, Granule16KStartLevel2) {
  use(Granule::k16K, 28, 0x120000);
  mem.set64(0x120030, 0x124000 | kTable);              // L2[6]
  mem.set64(0x124038, 0x28000 | kAF | kApEl0 | kPage);  // L3[7]
  const WalkResult r = walk(0xC01D234);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x29234u);
  EXPECT_EQ(r.reads, 2u);
}

TEST_F(Walk, Granule16KStartLevel3) {
  use(Granule::k16K, 39, 0x130000);
  mem.set64(0x130038, 0x2C000 | kAF | kApEl0 | kPage);  // L3[7]
  const WalkResult r = walk(0x1D234);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x2D234u);
  EXPECT_EQ(r.reads, 1u);
}

TEST_F(Walk, Granule16KBlockAtLevel2) {
  use(Granule::k16K, 28, 0x120000);
  mem.set64(0x120030, 0x202000000 | kAF | kApEl0 | kBlock);  // 32 MB block
  const WalkResult r = walk(0xC01D234);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x20201D234u);
  EXPECT_EQ(r.pageShift, 25);
  EXPECT_EQ(r.vaBase, 0xC000000u);
  EXPECT_EQ(r.reads, 1u);
}

TEST_F(Walk, Granule16KBlockAtLevel1IsTranslationFault) {
  use(Granule::k16K, 17, 0x110000);
  mem.set64(0x110028, 0x5000000000 | kAF | kBlock);
  const WalkResult r = walk(0x500C01D234ull);
  EXPECT_EQ(r.fault, EventId::F_TRANSLATION);
  EXPECT_EQ(r.level, 1);
}

// ---------------------------------------------------------------- 64 KB granule
// VA indices used: L1 3, L2 5, L3 9, offset 0xABCD.

TEST_F(Walk, Granule64KStartLevel1) {
  use(Granule::k64K, 16, 0x1000000);
  mem.set64(0x1000018, 0x1010000 | kTable);             // L1[3]
  mem.set64(0x1010028, 0x1020000 | kTable);             // L2[5]
  mem.set64(0x1020048, 0x300010000 | kAF | kApEl0 | kPage);  // L3[9]
  const WalkResult r = walk(0x00000C00A009ABCDull);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x30001ABCDu);
  EXPECT_EQ(r.pageShift, 16);
  EXPECT_EQ(r.vaBase, 0xC00A0090000ull);
  EXPECT_EQ(r.reads, 3u);
}

TEST_F(Walk, Granule64KStartLevel2) {
  use(Granule::k64K, 22, 0x1100000);
  mem.set64(0x1100028, 0x1110000 | kTable);             // L2[5]
  mem.set64(0x1110048, 0x50000 | kAF | kApEl0 | kPage);  // L3[9]
  const WalkResult r = walk(0xA009ABCD);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x5ABCDu);
  EXPECT_EQ(r.reads, 2u);
}

TEST_F(Walk, Granule64KStartLevel3) {
  use(Granule::k64K, 35, 0x1200000);
  mem.set64(0x1200048, 0x60000 | kAF | kApEl0 | kPage);  // L3[9]
  const WalkResult r = walk(0x9ABCD);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x6ABCDu);
  EXPECT_EQ(r.reads, 1u);
}

TEST_F(Walk, Granule64KBlockAtLevel2) {
  use(Granule::k64K, 22, 0x1100000);
  mem.set64(0x1100028, 0x420000000 | kAF | kApEl0 | kBlock);  // 512 MB block
  const WalkResult r = walk(0xA009ABCD);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x42009ABCDu);
  EXPECT_EQ(r.pageShift, 29);
  EXPECT_EQ(r.reads, 1u);
}

TEST_F(Walk, Granule64KBlockAtLevel1NeedsLpa) {
  use(Granule::k64K, 16, 0x1000000);
  mem.set64(0x1000018, 0x40000000000 | kAF | kApEl0 | kBlock);  // 4 TB block at 4 TB
  const uint64_t va = 0x00000C00A009ABCDull;
  WalkResult r = walk(va);
  EXPECT_EQ(r.fault, EventId::F_TRANSLATION);
  EXPECT_EQ(r.level, 1);
  cfg.lpa = true;
  r = walk(va);
  expectOk(r);
  EXPECT_EQ(r.pageShift, 42);
  EXPECT_EQ(r.pa, 0x40000000000ull + (va & ((1ull << 42) - 1)));
}

TEST_F(Walk, Granule64K52BitVaAndOa) {
  // T0SZ 12: level 1 resolves VA[51:42] (1024 entries). A 4 TB block whose OA[51:48] = 0x8 is
  // held in descriptor bits [15:12].
  cfg.lpa = true;
  cfg.oasBits = 52;
  use(Granule::k64K, 12, 0x2000000);
  const uint64_t va = (0x205ull << 42) | 0x123456789ABull;
  mem.set64(0x2000000 + 0x205 * 8, 0x8000 | kAF | kApEl0 | kBlock);
  WalkResult r = walk(va);
  expectOk(r);
  EXPECT_EQ(r.paBase, 0x8000000000000ull);
  EXPECT_EQ(r.pa, 0x8000000000000ull | 0x123456789ABull);
  // With a 48-bit output size the same descriptor is an Address Size fault.
  cfg.oasBits = 48;
  r = walk(va);
  EXPECT_EQ(r.fault, EventId::F_ADDR_SIZE);
  EXPECT_EQ(r.level, 1);
}

// ---------------------------------------------------------------- TTB1, TBI, range checks

TEST_F(Walk, Ttb1RangeWalksTtb1) {
  use(Granule::k4K, 16, 0x10000);
  cfg.epd[1] = false;
  cfg.granule[1] = Granule::k4K;
  cfg.tsz[1] = 16;
  cfg.ttb[1] = 0x50000;
  mem.set64(0x50008, 0x51000 | kTable);
  mem.set64(0x51010, 0x52000 | kTable);
  mem.set64(0x52018, 0x53000 | kTable);
  mem.set64(0x53020, 0xb000 | kAF | kPage);
  const WalkResult r = walk(0xFFFF008080604567ull, AccessAttrs{false, true, false});
  expectOk(r);
  EXPECT_EQ(r.pa, 0xb567u);
  EXPECT_EQ(r.vaBase, 0xFFFF008080604000ull);
  EXPECT_EQ(mem.reads, 4u);  // nothing read through TTB0
}

TEST_F(Walk, Ttb1DisabledByEpd1) {
  use(Granule::k4K, 16, 0x10000);
  const WalkResult r = walk(0xFFFF008080604567ull);  // EPD1 = 1 by default
  EXPECT_EQ(r.fault, EventId::F_TRANSLATION);
  EXPECT_EQ(r.reads, 0u);
}

TEST_F(Walk, Ttb0DisabledByEpd0) {
  use(Granule::k4K, 16, 0x10000);
  cfg.epd[0] = true;
  const WalkResult r = walk(0x4567);
  EXPECT_EQ(r.fault, EventId::F_TRANSLATION);
  EXPECT_EQ(r.reads, 0u);
}

TEST_F(Walk, AddressOutsideBothRanges) {
  use(Granule::k4K, 25, 0x20000);
  cfg.epd[1] = false;
  cfg.granule[1] = Granule::k4K;
  cfg.tsz[1] = 25;
  cfg.ttb[1] = 0x50000;
  // Bit 39 set with T0SZ 25 (39-bit range): neither all zeros nor all ones above bit 38.
  WalkResult r = walk(1ull << 39);
  EXPECT_EQ(r.fault, EventId::F_TRANSLATION);
  EXPECT_EQ(r.reads, 0u);
  r = walk(0x8000000000000000ull);
  EXPECT_EQ(r.fault, EventId::F_TRANSLATION);
  r = walk(0xFFFFFF0000000000ull);  // a TTB1 address whose bit 39 is 0: outside T1SZ 25
  EXPECT_EQ(r.fault, EventId::F_TRANSLATION);
  EXPECT_EQ(mem.reads, 0u);
}

TEST_F(Walk, TopByteIgnore) {
  use(Granule::k4K, 25, 0x20000);
  mem.set64(0x20010, 0x21000 | kTable);
  mem.set64(0x21018, 0x22000 | kTable);
  mem.set64(0x22020, 0x7000 | kAF | kApEl0 | kPage);
  const uint64_t tagged = 0x5A00000080604567ull;
  WalkResult r = walk(tagged);
  EXPECT_EQ(r.fault, EventId::F_TRANSLATION);  // TBI0 = 0: the tag makes it non-canonical
  cfg.tbi = 1;
  r = walk(tagged);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x7567u);
  EXPECT_EQ(r.vaBase, 0x80604000u);  // tag stripped
  // TBI1 alone does not help a TTB0 address.
  cfg.tbi = 2;
  r = walk(tagged);
  EXPECT_EQ(r.fault, EventId::F_TRANSLATION);
}

TEST_F(Walk, TopByteIgnoreTtb1) {
  cfg.epd[1] = false;
  cfg.granule[1] = Granule::k4K;
  cfg.tsz[1] = 16;
  cfg.ttb[1] = 0x50000;
  cfg.tbi = 2;
  mem.set64(0x50008, 0x51000 | kTable);
  mem.set64(0x51010, 0x52000 | kTable);
  mem.set64(0x52018, 0x53000 | kTable);
  mem.set64(0x53020, 0xb000 | kAF | kApEl0 | kPage);
  const WalkResult r = walk(0xA5FF008080604567ull);
  expectOk(r);
  EXPECT_EQ(r.pa, 0xb567u);
  EXPECT_EQ(r.vaBase, 0xFFFF008080604000ull);
}

TEST_F(Walk, UnwalkableTszIsTranslationFault) {
  use(Granule::k4K, 12, 0x10000);  // 52-bit VA with 4K (LPA2) is not supported
  EXPECT_EQ(walk(0x4567).fault, EventId::F_TRANSLATION);
  use(Granule::k4K, 49, 0x10000);
  EXPECT_EQ(walk(0x4567).fault, EventId::F_TRANSLATION);
  use(Granule::k64K, 48, 0x10000);
  EXPECT_EQ(walk(0x4567).fault, EventId::F_TRANSLATION);
  use(Granule::k4K, 200, 0x10000);
  EXPECT_EQ(walk(0x4567).fault, EventId::F_TRANSLATION);
  EXPECT_EQ(mem.reads, 0u);
}

// ---------------------------------------------------------------- faults

TEST_F(Walk, InvalidTableDescriptor) {
  use(Granule::k4K, 25, 0x20000);
  mem.set64(0x20010, 0x21000 | 0x2);  // bit 0 clear: invalid, whatever else is set
  const WalkResult r = walk(0x80604567);
  EXPECT_EQ(r.fault, EventId::F_TRANSLATION);
  EXPECT_EQ(r.level, 1);
  EXPECT_EQ(r.descAddr, 0x20010u);
  EXPECT_EQ(r.descriptor, 0x21002u);
  EXPECT_EQ(r.reads, 1u);
}

TEST_F(Walk, InvalidPageDescriptor) {
  use(Granule::k4K, 25, 0x20000);
  mem.set64(0x20010, 0x21000 | kTable);
  mem.set64(0x21018, 0x22000 | kTable);
  // L3[4] left zero.
  const WalkResult r = walk(0x80604567);
  EXPECT_EQ(r.fault, EventId::F_TRANSLATION);
  EXPECT_EQ(r.level, 3);
  EXPECT_EQ(r.descAddr, 0x22020u);
  EXPECT_EQ(r.reads, 3u);
  EXPECT_EQ(r.latency, 3 * lat);
}

TEST_F(Walk, BlockEncodingAtLevel3IsTranslationFault) {
  use(Granule::k4K, 25, 0x20000);
  mem.set64(0x20010, 0x21000 | kTable);
  mem.set64(0x21018, 0x22000 | kTable);
  mem.set64(0x22020, 0x7000 | kAF | kBlock);  // 0b01 at level 3 is reserved
  const WalkResult r = walk(0x80604567);
  EXPECT_EQ(r.fault, EventId::F_TRANSLATION);
  EXPECT_EQ(r.level, 3);
}

TEST_F(Walk, OutputAddressAboveOas) {
  cfg.oasBits = 40;
  use(Granule::k4K, 25, 0x20000);
  mem.set64(0x20010, 0x21000 | kTable);
  mem.set64(0x21018, 0x22000 | kTable);
  mem.set64(0x22020, 0x10000000000 | kAF | kApEl0 | kPage);  // OA bit 40
  WalkResult r = walk(0x80604567);
  EXPECT_EQ(r.fault, EventId::F_ADDR_SIZE);
  EXPECT_EQ(r.level, 3);
  EXPECT_EQ(r.reads, 3u);
  // The same OA is fine with a 48-bit output size.
  cfg.oasBits = 48;
  r = walk(0x80604567);
  expectOk(r);
  EXPECT_EQ(r.pa, 0x10000000567u);
  // Block OA above the output size too.
  cfg.oasBits = 40;
  mem.set64(0x20010, 0x10000000000 | kAF | kBlock);
  r = walk(0x80604567);
  EXPECT_EQ(r.fault, EventId::F_ADDR_SIZE);
  EXPECT_EQ(r.level, 1);
}

TEST_F(Walk, AddressSizeBeforeAccessFlag) {
  cfg.oasBits = 40;
  use(Granule::k4K, 34, 0x30000);
  mem.set64(0x30018, 0x31000 | kTable);
  mem.set64(0x31020, 0x10000000000 | kPage);  // AF = 0 and OA too large
  EXPECT_EQ(walk(0x604567).fault, EventId::F_ADDR_SIZE);
}

TEST_F(Walk, NextTableAddressAboveOas) {
  cfg.oasBits = 40;
  use(Granule::k4K, 25, 0x20000);
  mem.set64(0x20010, 0x10000021000 | kTable);  // next-level table at bit 40
  const WalkResult r = walk(0x80604567);
  EXPECT_EQ(r.fault, EventId::F_ADDR_SIZE);
  EXPECT_EQ(r.level, 1);
  EXPECT_EQ(r.descAddr, 0x20010u);
  EXPECT_EQ(r.reads, 1u);
}

TEST_F(Walk, TtbAboveOas) {
  cfg.oasBits = 40;
  use(Granule::k4K, 25, 1ull << 40);
  const WalkResult r = walk(0x80604567);
  EXPECT_EQ(r.fault, EventId::F_ADDR_SIZE);
  EXPECT_EQ(r.reads, 0u);
}

TEST_F(Walk, ExternalAbortOnDescriptorRead) {
  use(Granule::k4K, 25, 0x20000);
  mem.set64(0x20010, 0x21000 | kTable);
  mem.set64(0x21018, 0x22000 | kTable);
  mem.addHole(0x22000, 0x1000);
  const WalkResult r = walk(0x80604567);
  EXPECT_EQ(r.fault, EventId::F_WALK_EABT);
  EXPECT_EQ(r.descAddr, 0x22020u);
  EXPECT_EQ(r.level, 3);
  EXPECT_EQ(r.reads, 3u);
  EXPECT_EQ(r.latency, 3 * lat);
}

TEST_F(Walk, ExternalAbortOnStartLevelRead) {
  use(Granule::k4K, 25, 0x20000);
  mem.addHole(0x20000, 0x1000);
  const WalkResult r = walk(0x80604567);
  EXPECT_EQ(r.fault, EventId::F_WALK_EABT);
  EXPECT_EQ(r.descAddr, 0x20010u);
  EXPECT_EQ(r.level, 1);
  EXPECT_EQ(r.reads, 1u);
}

class WalkAf : public Walk {
 protected:
  void SetUp() override {
    use(Granule::k4K, 34, 0x30000);
    mem.set64(0x30018, 0x31000 | kTable);
    mem.set64(0x31020, leaf);
  }
  const uint64_t leaf = 0x8000 | kApEl0 | kPage;  // AF = 0
};

TEST_F(WalkAf, AccessFlagFault) {
  const WalkResult r = walk(0x604567);
  EXPECT_EQ(r.fault, EventId::F_ACCESS);
  EXPECT_EQ(r.level, 3);
  EXPECT_EQ(r.descAddr, 0x31020u);
  EXPECT_EQ(r.descriptor, leaf);
  EXPECT_EQ(r.writes, 0u);
}

TEST_F(WalkAf, AffdTreatsAfAsSet) {
  cfg.affd = true;
  const WalkResult r = walk(0x604567);
  expectOk(r);
  EXPECT_TRUE(r.attrs.af);
  EXPECT_EQ(r.writes, 0u);
  EXPECT_EQ(mem.writes, 0u);
  EXPECT_EQ(mem.get64(0x31020), leaf);  // memory untouched
}

TEST_F(WalkAf, HardwareSetsAf) {
  cfg.ha = true;
  const WalkResult r = walk(0x604567);
  expectOk(r);
  EXPECT_TRUE(r.attrs.af);
  EXPECT_EQ(r.writes, 1u);
  EXPECT_EQ(r.reads, 2u);
  EXPECT_EQ(r.latency, 3 * lat);  // two reads and the atomic update
  EXPECT_EQ(r.updateRetries, 0u);
  // The update is one atomic read-modify-write, never a plain write (SMMUv3 3.13.1; Arm ARM
  // D8.5.1.2 RLFTXR: AF is set "in a coherent manner, using an atomic read-modify-write").
  EXPECT_EQ(mem.writes, 0u);
  EXPECT_EQ(mem.atomics, 1u);
  EXPECT_EQ(mem.get64(0x31020), leaf | kAF);
  // A second walk finds AF set and writes nothing.
  const WalkResult again = walk(0x604567);
  expectOk(again);
  EXPECT_EQ(again.writes, 0u);
}

// A store by another agent between the walker's read of the leaf and its AF update must not be
// lost: the compare-and-swap fails, the walker evaluates the descriptor memory holds now and sets
// AF in that (Arm ARM J1.1.4.53: the update repeats until the swap finds what was read).
TEST_F(WalkAf, HostStoreBetweenReadAndUpdateIsKept) {
  cfg.ha = true;
  constexpr uint64_t kSoftwareBit = 1ull << 56;  // bits [58:55] are for software
  int stores = 0;
  mem.beforeAtomic = [&](PhysAddr pa) {
    if (stores++ == 0) mem.set64(pa, mem.get64(pa) | kSoftwareBit);
  };
  const WalkResult r = walk(0x604567);
  expectOk(r);
  EXPECT_EQ(r.updateRetries, 1u);
  EXPECT_EQ(mem.atomics, 2u);  // the failed swap and the one that took
  EXPECT_EQ(r.latency, 4 * lat);
  EXPECT_EQ(r.descriptor, leaf | kSoftwareBit);
  EXPECT_EQ(mem.get64(0x31020), leaf | kSoftwareBit | kAF);  // both agents' bits
}

// The host unmaps the page between the read and the update: the walk ends in the fault the new
// descriptor gives and memory keeps exactly what the host stored (a plain write would have
// resurrected the mapping with AF set).
TEST_F(WalkAf, HostUnmapBetweenReadAndUpdateFaults) {
  cfg.ha = true;
  mem.beforeAtomic = [&](PhysAddr pa) { mem.set64(pa, 0); };
  const WalkResult r = walk(0x604567);
  EXPECT_EQ(r.fault, EventId::F_TRANSLATION);
  EXPECT_EQ(r.level, 3);
  EXPECT_EQ(r.updateRetries, 1u);
  EXPECT_EQ(mem.get64(0x31020), 0u);
}

TEST_F(WalkAf, HardwareAfUpdateNotMadeOnPermissionFault) {
  cfg.ha = true;
  mem.set64(0x31020, 0x8000 | kPage);  // AF = 0, no EL0 access
  const WalkResult r = walk(0x604567);  // unprivileged read
  EXPECT_EQ(r.fault, EventId::F_PERMISSION);
  EXPECT_EQ(r.writes, 0u);
  EXPECT_EQ(mem.get64(0x31020), 0x8000 | kPage);
}

TEST_F(WalkAf, HardwareAfUpdateAbort) {
  cfg.ha = true;
  mem.addWriteHole(0x31000, 0x1000);
  const WalkResult r = walk(0x604567);
  EXPECT_EQ(r.fault, EventId::F_WALK_EABT);
  EXPECT_EQ(r.descAddr, 0x31020u);
  EXPECT_EQ(r.writes, 1u);
}

TEST_F(Walk, LeafAttributesDecoded) {
  use(Granule::k4K, 34, 0x30000);
  mem.set64(0x30018, 0x31000 | kTable);
  // AttrIndx 5, SH 0b11, nG, DBM, AP[2:1] = 0b11, PXN, UXN.
  const uint64_t leaf = 0x8000 | kPage | (5u << 2) | (3u << 8) | kAF | (1ull << 11) |
                        (1ull << 51) | kApRo | kApEl0 | (1ull << 53) | (1ull << 54);
  mem.set64(0x31020, leaf);
  const WalkResult r = walk(0x604567);
  expectOk(r);
  EXPECT_EQ(r.attrs.attrIndx, 5);
  EXPECT_EQ(r.attrs.sh, 3);
  EXPECT_TRUE(r.attrs.ng);
  EXPECT_TRUE(r.attrs.dbm);
  EXPECT_TRUE(r.attrs.readOnly);
  EXPECT_TRUE(r.attrs.el0);
  EXPECT_TRUE(r.attrs.pxn);
  EXPECT_TRUE(r.attrs.uxn);
  EXPECT_EQ(r.pa, 0x8567u);  // attribute bits do not leak into the OA
}

TEST_F(Walk, ContiguousHintIgnored) {
  use(Granule::k4K, 34, 0x30000);
  mem.set64(0x30018, 0x31000 | kTable);
  mem.set64(0x31020, 0x8000 | kAF | kApEl0 | (1ull << 52) | kPage);
  const WalkResult r = walk(0x604567);
  expectOk(r);
  EXPECT_EQ(r.pageShift, 12);
  EXPECT_EQ(r.pa, 0x8567u);
}

}  // namespace
}  // namespace smmu
