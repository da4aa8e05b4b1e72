// Pages written only with zeros share one read-only zero page: they count as allocated (a
// zeroed buffer is memory the run wrote) but hold no storage until a non-zero write or a
// writable pointer (pagePtr, DMI) needs it.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "mem/SparseMemory.h"

namespace smmu {
namespace {

TEST(SparseMemoryZeroPage, ZeroWritesCountButStoreNothing) {
  SparseMemory mem;
  const std::vector<uint8_t> zeros(3 * 4096, 0);
  ASSERT_EQ(mem.write(0x10000, zeros.data(), zeros.size()), MemStatus::Ok);
  ASSERT_EQ(mem.write64(0x20008, 0), MemStatus::Ok);  // a partial zero write counts too
  EXPECT_EQ(mem.pagesAllocated(), 4u);
  EXPECT_EQ(mem.pagesStored(), 0u);
  uint64_t v = 1;
  ASSERT_EQ(mem.read64(0x11ff8, v), MemStatus::Ok);
  EXPECT_EQ(v, 0u);

  // A non-zero write gives that page (only) storage; the rest of it still reads as zeros.
  ASSERT_EQ(mem.write32(0x11004, 0xa5a5a5a5u), MemStatus::Ok);
  EXPECT_EQ(mem.pagesAllocated(), 4u);
  EXPECT_EQ(mem.pagesStored(), 1u);
  uint32_t w = 0;
  ASSERT_EQ(mem.read32(0x11004, w), MemStatus::Ok);
  EXPECT_EQ(w, 0xa5a5a5a5u);
  ASSERT_EQ(mem.read64(0x11008, v), MemStatus::Ok);
  EXPECT_EQ(v, 0u);
  ASSERT_EQ(mem.read64(0x10000, v), MemStatus::Ok);  // the neighbours are still shared zeros
  EXPECT_EQ(v, 0u);

  // Zeros written over a stored page are stored like any data.
  ASSERT_EQ(mem.write32(0x11004, 0), MemStatus::Ok);
  ASSERT_EQ(mem.read32(0x11004, w), MemStatus::Ok);
  EXPECT_EQ(w, 0u);
  EXPECT_EQ(mem.pagesStored(), 1u);
}

TEST(SparseMemoryZeroPage, WritablePointersGetStorageOfTheirOwn) {
  SparseMemory mem;
  const std::vector<uint8_t> zeros(2 * 4096, 0);
  ASSERT_EQ(mem.write(0x40000, zeros.data(), zeros.size()), MemStatus::Ok);
  // The const view may be the shared zero page: it reads zeros.
  const SparseMemory& cmem = mem;
  ASSERT_NE(cmem.pagePtr(0x40000), nullptr);
  EXPECT_EQ(cmem.pagePtr(0x40000)[0x123], 0);
  EXPECT_EQ(mem.pagesStored(), 0u);

  // A writable pointer is the page's own: writing through it changes only that page.
  uint8_t* a = mem.pagePtr(0x40000, false);
  uint8_t* b = mem.pagePtr(0x41000, true);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
  EXPECT_EQ(mem.pagesAllocated(), 2u);  // the same pages, now stored
  EXPECT_EQ(mem.pagesStored(), 2u);
  a[0x10] = 0x5a;
  uint8_t x = 0;
  ASSERT_EQ(mem.read(0x40010, &x, 1), MemStatus::Ok);
  EXPECT_EQ(x, 0x5a);
  ASSERT_EQ(mem.read(0x41010, &x, 1), MemStatus::Ok);
  EXPECT_EQ(x, 0);
  EXPECT_EQ(mem.pagePtr(0x40fff, false), a);  // the same page, the same pointer

  // Unwritten pages are still absent for !allocate.
  EXPECT_EQ(mem.pagePtr(0x50000, false), nullptr);
  EXPECT_EQ(mem.pagesAllocated(), 2u);
}

TEST(SparseMemoryZeroPage, ForEachPageVisitsSharedPagesInOrder) {
  SparseMemory mem;
  const std::vector<uint8_t> zeros(4096, 0);
  // Pages in different 2 MiB chunks, written out of order, one of them with data.
  ASSERT_EQ(mem.write(0x7ff000, zeros.data(), zeros.size()), MemStatus::Ok);
  ASSERT_EQ(mem.write64(0x1000, 0x1122334455667788ull), MemStatus::Ok);
  ASSERT_EQ(mem.write(0xFFFFFFFFFFFFF000ull, zeros.data(), zeros.size()), MemStatus::Ok);
  std::vector<PhysAddr> seen;
  mem.forEachPage([&](PhysAddr base, const uint8_t* data) {
    seen.push_back(base);
    uint64_t first = 0;
    std::memcpy(&first, data, 8);
    EXPECT_EQ(first, base == 0x1000 ? 0x1122334455667788ull : 0u) << std::hex << base;
  });
  EXPECT_EQ(seen, (std::vector<PhysAddr>{0x1000, 0x7ff000, 0xFFFFFFFFFFFFF000ull}));
}

TEST(SparseMemoryZeroPage, ZeroedBuffersStoreNothing) {
  // What the host agent's PageAllocator does to every block it hands out: zero it through the
  // memory model, a page at a time. 64 MiB are 16 Ki pages allocated and none stored.
  SparseMemory mem;
  const std::vector<uint8_t> zeros(4096, 0);
  const PhysAddr base = 0x100000000ull;
  for (PhysAddr pa = base; pa < base + (64ull << 20); pa += 4096)
    ASSERT_EQ(mem.write(pa, zeros.data(), zeros.size()), MemStatus::Ok);
  EXPECT_EQ(mem.pagesAllocated(), 16384u);
  EXPECT_EQ(mem.pagesStored(), 0u);
  uint64_t v = 7;
  ASSERT_EQ(mem.read64(base + (32ull << 20), v), MemStatus::Ok);
  EXPECT_EQ(v, 0u);
}

}  // namespace
}  // namespace smmu
