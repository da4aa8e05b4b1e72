// io-pgtable-arm stage-1 tables: geometry, descriptors (hand-encoded from the VMSAv8-64 layout
// and Linux's arm_lpae_prot_to_pte), map/unmap/iova_to_phys, block splitting, TLB callbacks.
#include "host/IoPgtable.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <tuple>
#include <vector>

#include "mem/SparseMemory.h"

namespace smmu {
namespace {

constexpr uint64_t K4 = 0x1000, M2 = 0x200000, G1 = 0x40000000;

// Attributes of a read/write, unprivileged, cacheable leaf: AF | nG | SH=IS | AP[1] | AttrIndx=1.
constexpr uint64_t kRwAttrs = (1ull << 10) | (1ull << 11) | (3ull << 8) | (1ull << 6) | (1ull << 2);
constexpr uint64_t kPage = 0x3, kBlock = 0x1;

std::pair<uint64_t, uint64_t> pr(uint64_t a, uint64_t b) { return {a, b}; }
std::tuple<uint64_t, uint64_t, uint64_t> tp(uint64_t a, uint64_t b, uint64_t c) {
  return {a, b, c};
}

struct RecordingFlush : IoPgtableFlushOps {
  std::vector<std::tuple<uint64_t, uint64_t, uint64_t>> walks;  // iova, size, granule
  std::vector<std::pair<uint64_t, uint64_t>> pages;              // iova, size
  void tlbFlushWalk(uint64_t iova, uint64_t size, uint64_t granule) override {
    walks.emplace_back(iova, size, granule);
  }
  void tlbAddPage(uint64_t iova, uint64_t size) override { pages.emplace_back(iova, size); }
};

class IoPgtableTest : public ::testing::Test {
 protected:
  SparseMemory mem;
  PageAllocator alloc{mem, 0x10000000, 64ull << 20};

  static IoPgtableConfig cfg(Granule g, unsigned ias = 48, unsigned oas = 48) {
    IoPgtableConfig c;
    c.granule = g;
    c.iasBits = ias;
    c.oasBits = oas;
    return c;
  }
  uint64_t rd(PhysAddr pa) {
    uint64_t v = 0;
    mem.read64(pa, v);
    return v;
  }
};

TEST_F(IoPgtableTest, GeometryFollowsArmLpaeStartLevel) {
  struct Case {
    Granule g;
    unsigned ias;
    unsigned start, pgdBits;
    uint64_t pgsizes, tableBytes;
  };
  const Case cases[] = {
      {Granule::k4K, 48, 0, 9, K4 | M2 | G1, 4096},
      {Granule::k4K, 39, 1, 9, K4 | M2 | G1, 4096},
      {Granule::k4K, 32, 1, 2, K4 | M2 | G1, 64},   // 4 entries, at least 64 bytes
      {Granule::k4K, 30, 2, 9, K4 | M2, 4096},      // a 1G block would sit above the start
      {Granule::k16K, 48, 0, 1, 0x4000 | 0x2000000, 64},
      {Granule::k16K, 36, 2, 11, 0x4000 | 0x2000000, 16384},
      {Granule::k64K, 48, 1, 6, 0x10000 | 0x20000000, 512},
      {Granule::k64K, 36, 2, 7, 0x10000 | 0x20000000, 1024},
  };
  for (const Case& c : cases) {
    IoPgtable pt(mem, alloc, cfg(c.g, c.ias));
    SCOPED_TRACE(::testing::Message() << "granule " << int(c.g) << " ias " << c.ias);
    EXPECT_EQ(pt.startLevel(), c.start);
    EXPECT_EQ(pt.pgdBits(), c.pgdBits);
    EXPECT_EQ(pt.pgsizeBitmap(), c.pgsizes);
    EXPECT_EQ(pt.tableBytes(), c.tableBytes);
    EXPECT_EQ(pt.ttbr() % 64, 0u);
  }
  // 64K granule with a 52-bit OAS adds the 4 TB level-1 block.
  IoPgtable pt52(mem, alloc, cfg(Granule::k64K, 48, 52));
  EXPECT_EQ(pt52.pgsizeBitmap(), 0x10000u | 0x20000000u | (1ull << 42));
}

TEST_F(IoPgtableTest, FourKPageDescriptorAndTablePath) {
  IoPgtable pt(mem, alloc, cfg(Granule::k4K));
  ASSERT_TRUE(pt.map(0x12345000, 0x80002000, K4, IommuProt{}));
  // Walk by hand: L0 index 0, L1 index 0, L2 index 0x91, L3 index 0x145.
  const uint64_t l0 = rd(pt.ttbr() + 0 * 8);
  ASSERT_EQ(l0 & 3, 3u);               // table descriptor
  EXPECT_EQ(l0 & ~0x0000fffffffff000ull, 3u);  // nothing but the address and type
  const uint64_t l1 = rd((l0 & 0x0000fffffffff000ull) + 0 * 8);
  ASSERT_EQ(l1 & 3, 3u);
  const uint64_t l2 = rd((l1 & 0x0000fffffffff000ull) + 0x91 * 8);
  ASSERT_EQ(l2 & 3, 3u);
  const PhysAddr l3 = l2 & 0x0000fffffffff000ull;
  EXPECT_EQ(rd(l3 + 0x145 * 8), 0x0000000080002F47ull);  // 0x80002000 | attrs | page
  EXPECT_EQ(0x0000000080002F47ull, 0x80002000ull | kRwAttrs | kPage);

  const auto leaf = pt.findLeaf(0x12345678);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->level, 3u);
  EXPECT_EQ(leaf->ptep, l3 + 0x145 * 8);
  EXPECT_EQ(pt.iovaToPhys(0x12345678), 0x80002678u);
  EXPECT_FALSE(pt.iovaToPhys(0x12346000));
  EXPECT_EQ(pt.tableBytes(), 4u * 4096);  // PGD + L1 + L2 + L3
}

TEST_F(IoPgtableTest, TwoMegAndOneGigBlocks) {
  IoPgtable pt(mem, alloc, cfg(Granule::k4K));
  ASSERT_TRUE(pt.map(0x40200000, 0x100200000, M2, IommuProt{}));
  auto leaf = pt.findLeaf(0x40200000);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->level, 2u);
  EXPECT_EQ(leaf->pte, 0x0000000100200F45ull);
  EXPECT_EQ(leaf->pte, 0x100200000ull | kRwAttrs | kBlock);
  EXPECT_EQ(pt.iovaToPhys(0x403fffff), 0x1003fffffu);

  ASSERT_TRUE(pt.map(0x80000000, 0xC0000000, G1, IommuProt{}));
  leaf = pt.findLeaf(0x80000000);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->level, 1u);
  EXPECT_EQ(leaf->pte, 0x00000000C0000F45ull);
  EXPECT_EQ(pt.iovaToPhys(0xBFFFF123), 0xFFFFF123u);
}

TEST_F(IoPgtableTest, PermissionAndAttributeBits) {
  IoPgtable pt(mem, alloc, cfg(Granule::k4K));
  struct Case {
    IommuProt prot;
    uint64_t attrs;
  };
  IommuProt ro;
  ro.write = false;
  IommuProt wo;
  wo.read = false;
  IommuProt priv;
  priv.priv = true;
  IommuProt nx;
  nx.noexec = true;
  IommuProt nc;
  nc.cache = false;
  IommuProt mmio;
  mmio.cache = false;
  mmio.mmio = true;
  const Case cases[] = {
      {IommuProt{}, 0xF47},                         // RW
      {ro, 0xFC7},                                  // + AP[2]
      {wo, 0xF47},                                  // write-only: writable (AP[2] = 0)
      {priv, 0xF07},                                // no AP[1]
      {nx, 0x0060000000000F47ull},                  // + PXN | UXN
      {nc, 0xE43},                                  // AttrIndx 0, SH outer shareable
      {mmio, 0xE4B},                                // AttrIndx 2, SH outer shareable
  };
  uint64_t iova = 0x100000;
  for (const Case& c : cases) {
    ASSERT_TRUE(pt.map(iova, 0x7000000 + iova, K4, c.prot));
    const auto leaf = pt.findLeaf(iova);
    ASSERT_TRUE(leaf);
    EXPECT_EQ(leaf->pte, (0x7000000 + iova) | c.attrs) << "iova " << std::hex << iova;
    EXPECT_EQ(pt.protToPte(c.prot) | kPage | (0x7000000 + iova), leaf->pte);
    iova += K4;
  }
}

TEST_F(IoPgtableTest, SixteenKGranule) {
  IoPgtable pt(mem, alloc, cfg(Granule::k16K));
  ASSERT_TRUE(pt.map(0x4000, 0x8000c000, 0x4000, IommuProt{}));
  auto leaf = pt.findLeaf(0x4000);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->level, 3u);
  EXPECT_EQ(leaf->pte, 0x000000008000CF47ull);
  ASSERT_TRUE(pt.map(0x2000000, 0x84000000, 0x2000000, IommuProt{}));
  leaf = pt.findLeaf(0x3ffffff);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->level, 2u);
  EXPECT_EQ(leaf->pte, 0x0000000084000F45ull);
  EXPECT_EQ(pt.iovaToPhys(0x2001234), 0x84001234u);
  // 16K granule, level 3 index = iova[24:14]: 0x4000 -> index 1 of the last-level table.
  EXPECT_EQ(leaf->size, 0x2000000u);
}

TEST_F(IoPgtableTest, SixtyFourKGranuleAnd52BitOutput) {
  IoPgtable pt(mem, alloc, cfg(Granule::k64K));
  ASSERT_TRUE(pt.map(0x10000, 0x90010000, 0x10000, IommuProt{}));
  auto leaf = pt.findLeaf(0x1ffff);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->level, 3u);
  EXPECT_EQ(leaf->pte, 0x0000000090010F47ull);
  ASSERT_TRUE(pt.map(0x20000000, 0xA0000000, 0x20000000, IommuProt{}));
  leaf = pt.findLeaf(0x20000000);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->level, 2u);
  EXPECT_EQ(leaf->pte, 0x00000000A0000F45ull);

  // PA[51:48] live in descriptor bits [15:12] with the 64K granule.
  IoPgtable pt52(mem, alloc, cfg(Granule::k64K, 48, 52));
  ASSERT_TRUE(pt52.map(0x10000, 0x000F000000010000ull, 0x10000, IommuProt{}));
  leaf = pt52.findLeaf(0x10000);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->pte, 0x000000000001FF47ull);
  EXPECT_EQ(pt52.iovaToPhys(0x10008), 0x000F000000010008ull);
}

TEST_F(IoPgtableTest, MapUsesTheLargestSizeThatFits) {
  IoPgtable pt(mem, alloc, cfg(Granule::k4K));
  // 4K + 2M + 4K: iova and pa share 2M alignment.
  ASSERT_TRUE(pt.map(0x1ff000, 0x401ff000, M2 + 2 * K4, IommuProt{}));
  EXPECT_EQ(pt.findLeaf(0x1ff000)->level, 3u);
  EXPECT_EQ(pt.findLeaf(0x200000)->level, 2u);
  EXPECT_EQ(pt.findLeaf(0x3fffff)->level, 2u);
  EXPECT_EQ(pt.findLeaf(0x400000)->level, 3u);
  EXPECT_FALSE(pt.findLeaf(0x401000));
  // A physical address that is not 2M aligned forces 4K pages.
  ASSERT_TRUE(pt.map(0x600000, 0x40601000, M2, IommuProt{}));
  EXPECT_EQ(pt.findLeaf(0x600000)->level, 3u);
  EXPECT_EQ(pt.findLeaf(0x7ff000)->level, 3u);
  EXPECT_EQ(pt.iovaToPhys(0x7ff010), 0x40800010u);
}

TEST_F(IoPgtableTest, MappingOverAMappingIsRefusedAndRolledBack) {
  IoPgtable pt(mem, alloc, cfg(Granule::k4K));
  ASSERT_TRUE(pt.map(0x5000, 0x90005000, K4, IommuProt{}));
  EXPECT_FALSE(pt.map(0x5000, 0x91005000, K4, IommuProt{}));
  EXPECT_EQ(pt.iovaToPhys(0x5000), 0x90005000u);  // untouched
  // 0x3000 and 0x4000 get mapped, 0x5000 fails: both are unmapped again.
  EXPECT_FALSE(pt.map(0x3000, 0x92003000, 3 * K4, IommuProt{}));
  EXPECT_FALSE(pt.iovaToPhys(0x3000));
  EXPECT_FALSE(pt.iovaToPhys(0x4000));
  EXPECT_EQ(pt.iovaToPhys(0x5000), 0x90005000u);
  // A block over a table holding a page, a page inside a block.
  EXPECT_FALSE(pt.map(0, 0x80000000, M2, IommuProt{}));
  ASSERT_TRUE(pt.map(0x200000, 0x80200000, M2, IommuProt{}));
  EXPECT_FALSE(pt.map(0x201000, 0x81201000, K4, IommuProt{}));
  EXPECT_EQ(pt.iovaToPhys(0x201000), 0x80201000u);
}

TEST_F(IoPgtableTest, ABlockReplacesAnEmptyTableAfterAWalkFlush) {
  IoPgtable pt(mem, alloc, cfg(Granule::k4K));
  RecordingFlush f;
  ASSERT_TRUE(pt.map(0x800000, 0x50800000, K4, IommuProt{}, &f));
  ASSERT_EQ(pt.unmap(0x800000, K4, &f), K4);
  const uint64_t bytes = pt.tableBytes();
  ASSERT_TRUE(pt.map(0x800000, 0x50800000, M2, IommuProt{}, &f));  // the empty L3 table goes
  ASSERT_EQ(f.walks.size(), 1u);
  EXPECT_EQ(f.walks[0], tp(0x800000ull, M2, K4));
  EXPECT_EQ(pt.tableBytes(), bytes - 4096);
  EXPECT_EQ(pt.findLeaf(0x800000)->level, 2u);
}

TEST_F(IoPgtableTest, UnmapReturnsBytesAndReportsLeaves) {
  IoPgtable pt(mem, alloc, cfg(Granule::k4K));
  ASSERT_TRUE(pt.map(0x1ff000, 0x401ff000, M2 + 2 * K4, IommuProt{}));
  RecordingFlush f;
  EXPECT_EQ(pt.unmap(0x1ff000, M2 + 2 * K4, &f), M2 + 2 * K4);
  const std::vector<std::pair<uint64_t, uint64_t>> want = {
      {0x1ff000, K4}, {0x200000, M2}, {0x400000, K4}};
  EXPECT_EQ(f.pages, want);
  EXPECT_TRUE(f.walks.empty());
  EXPECT_FALSE(pt.iovaToPhys(0x300000));
  EXPECT_EQ(pt.unmap(0x1ff000, K4, &f), 0u);  // nothing there any more
  // Stops at the first hole.
  ASSERT_TRUE(pt.map(0x10000000, 0x20000000, 2 * K4, IommuProt{}));
  EXPECT_EQ(pt.unmap(0x10000000, 4 * K4), 2 * K4);
}

TEST_F(IoPgtableTest, UnmappingAWholeTableFreesItAfterAWalkFlush) {
  IoPgtable pt(mem, alloc, cfg(Granule::k4K));
  ASSERT_TRUE(pt.map(0x600000, 0x40601000, M2, IommuProt{}));  // 512 pages in one L3 table
  const uint64_t bytes = pt.tableBytes();
  RecordingFlush f;
  EXPECT_EQ(pt.unmap(0x600000, M2, &f), M2);
  ASSERT_EQ(f.walks.size(), 1u);
  EXPECT_EQ(f.walks[0], tp(0x600000ull, M2, K4));
  ASSERT_EQ(f.pages.size(), 1u);
  EXPECT_EQ(f.pages[0], pr(0x600000ull, M2));
  EXPECT_EQ(pt.tableBytes(), bytes - 4096);
  EXPECT_FALSE(pt.iovaToPhys(0x7ff000));
}

TEST_F(IoPgtableTest, UnmappingPartOfABlockSplitsIt) {
  IoPgtable pt(mem, alloc, cfg(Granule::k4K));
  ASSERT_TRUE(pt.map(0x200000, 0x40200000, M2, IommuProt{}));
  const uint64_t bytes = pt.tableBytes();
  RecordingFlush f;
  EXPECT_EQ(pt.unmap(0x201000, K4, &f), K4);
  ASSERT_EQ(f.pages.size(), 1u);
  EXPECT_EQ(f.pages[0], pr(0x201000ull, K4));
  EXPECT_EQ(pt.tableBytes(), bytes + 4096);
  auto leaf = pt.findLeaf(0x200000);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->level, 3u);
  EXPECT_EQ(leaf->pte, 0x0000000040200F47ull);  // same attributes, now a page
  EXPECT_FALSE(pt.findLeaf(0x201000));
  EXPECT_EQ(pt.iovaToPhys(0x3ff123), 0x403ff123u);
  EXPECT_EQ(pt.iovaToPhys(0x202000), 0x40202000u);

  // A read-only, no-exec 1G block split twice to unmap one page; attributes survive.
  IommuProt ro;
  ro.write = false;
  ro.noexec = true;
  ASSERT_TRUE(pt.map(0x40000000, 0x80000000, G1, ro));
  const uint64_t bytes2 = pt.tableBytes();
  EXPECT_EQ(pt.unmap(0x40123000, K4, &f), K4);
  EXPECT_EQ(pt.tableBytes(), bytes2 + 2 * 4096);
  leaf = pt.findLeaf(0x40200000);  // the second 2M of the old 1G block
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->level, 2u);
  EXPECT_EQ(leaf->pte, 0x0060000080200FC5ull);
  leaf = pt.findLeaf(0x40000000);  // the first 2M was split again into pages
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->level, 3u);
  EXPECT_EQ(leaf->pte, 0x0060000080000FC7ull);
  leaf = pt.findLeaf(0x40122000);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->level, 3u);
  EXPECT_EQ(leaf->pte, 0x0060000080122FC7ull);
  EXPECT_FALSE(pt.findLeaf(0x40123000));
  EXPECT_EQ(pt.iovaToPhys(0x7fffffff), 0xbfffffffu);

  // 2M out of a 1G block: one split, the 2M entry is simply absent.
  ASSERT_TRUE(pt.map(0x80000000, 0x100000000, G1, IommuProt{}));
  f.pages.clear();
  EXPECT_EQ(pt.unmap(0x80400000, M2, &f), M2);
  ASSERT_EQ(f.pages.size(), 1u);
  EXPECT_EQ(f.pages[0], pr(0x80400000ull, M2));
  EXPECT_FALSE(pt.findLeaf(0x80400000));
  EXPECT_EQ(pt.findLeaf(0x80600000)->level, 2u);
}

TEST_F(IoPgtableTest, SplittingCanBeRefused) {
  IoPgtableConfig c = cfg(Granule::k4K);
  c.splitBlocks = false;
  IoPgtable pt(mem, alloc, c);
  ASSERT_TRUE(pt.map(0x200000, 0x40200000, M2, IommuProt{}));
  EXPECT_THROW(pt.unmap(0x201000, K4), std::logic_error);
  EXPECT_EQ(pt.findLeaf(0x201000)->level, 2u);  // still the block
}

TEST_F(IoPgtableTest, ContextDescriptorLikeArmSmmuMakeS1Cd) {
  IoPgtable pt(mem, alloc, cfg(Granule::k4K));
  const ContextDescriptor cd = pt.makeCd(0x42);
  EXPECT_EQ(cd.t0sz, 16);
  EXPECT_EQ(cd.tg0, 0);
  EXPECT_EQ(cd.ir0, 1);
  EXPECT_EQ(cd.or0, 1);
  EXPECT_EQ(cd.sh0, 3);
  EXPECT_FALSE(cd.epd0);
  EXPECT_TRUE(cd.epd1);
  EXPECT_TRUE(cd.valid);
  EXPECT_EQ(cd.ips, 5);
  EXPECT_TRUE(cd.aa64);
  EXPECT_TRUE(cd.r);
  EXPECT_TRUE(cd.a);
  EXPECT_TRUE(cd.aset);
  EXPECT_FALSE(cd.s);
  EXPECT_EQ(cd.asid, 0x42);
  EXPECT_EQ(cd.ttb0, pt.ttbr());
  EXPECT_EQ(cd.mair, 0x00000000F404FF44ull);
  EXPECT_EQ(pt.mair(), 0x00000000F404FF44ull);

  IoPgtableConfig c = cfg(Granule::k16K, 39, 40);
  c.coherentWalk = false;
  IoPgtable pt16(mem, alloc, c);
  const ContextDescriptor cd16 = pt16.makeCd(7);
  EXPECT_EQ(cd16.t0sz, 25);
  EXPECT_EQ(cd16.tg0, 2);  // 16K
  EXPECT_EQ(cd16.ips, 2);  // 40 bits
  EXPECT_EQ(cd16.sh0, 2);  // outer shareable, non-cacheable walks
  EXPECT_EQ(cd16.ir0, 0);
  EXPECT_EQ(cd16.or0, 0);
  IoPgtable pt64(mem, alloc, cfg(Granule::k64K));
  EXPECT_EQ(pt64.makeCd(1).tg0, 1);  // 64K
}

TEST_F(IoPgtableTest, BadConfigurationsAndArgumentsAreRefused) {
  EXPECT_THROW(IoPgtable(mem, alloc, cfg(Granule::k4K, 48, 47)), std::invalid_argument);
  EXPECT_THROW(IoPgtable(mem, alloc, cfg(Granule::k4K, 20, 48)), std::invalid_argument);
  IoPgtableConfig no4k = cfg(Granule::k4K);
  no4k.pgsizeBitmap = 0x10000 | 0x20000000;
  EXPECT_THROW(IoPgtable(mem, alloc, no4k), std::invalid_argument);

  IoPgtable pt(mem, alloc, cfg(Granule::k4K, 48, 40));
  IommuProt none;
  none.read = none.write = false;
  EXPECT_THROW(pt.map(0x1001, 0x1000, K4, IommuProt{}), std::invalid_argument);
  EXPECT_THROW(pt.map(0x1000, 0x1800, K4, IommuProt{}), std::invalid_argument);
  EXPECT_THROW(pt.map(0x1000, 0x1000, 0x800, IommuProt{}), std::invalid_argument);
  EXPECT_THROW(pt.map(1ull << 48, 0x1000, K4, IommuProt{}), std::invalid_argument);
  EXPECT_THROW(pt.map((1ull << 48) - K4, 0x1000, 2 * K4, IommuProt{}), std::invalid_argument);
  EXPECT_THROW(pt.map(0x1000, 1ull << 40, K4, IommuProt{}), std::invalid_argument);
  EXPECT_THROW(pt.map(0x1000, 0x1000, K4, none), std::invalid_argument);
  EXPECT_THROW(pt.unmap(0x1800, K4), std::invalid_argument);
  EXPECT_FALSE(pt.iovaToPhys(~0ull));
}

TEST_F(IoPgtableTest, TablesGoBackToTheAllocator) {
  const uint64_t before = alloc.bytesInUse();
  {
    IoPgtable pt(mem, alloc, cfg(Granule::k4K));
    ASSERT_TRUE(pt.map(0x1000, 0x1000, K4, IommuProt{}));
    ASSERT_TRUE(pt.map(0x8000000000ull, 0x2000, K4, IommuProt{}));  // another L1 subtree
    EXPECT_EQ(pt.tables(), 7u);
    EXPECT_EQ(alloc.bytesInUse() - before, 7u * 4096);
  }
  EXPECT_EQ(alloc.bytesInUse(), before);
}

}  // namespace
}  // namespace smmu
