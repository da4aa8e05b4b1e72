#include "host/PageAllocator.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "mem/SparseMemory.h"

namespace smmu {
namespace {

TEST(PageAllocator, BlocksAreNaturallyAlignedAndRoundedToPowersOfTwo) {
  SparseMemory mem;
  PageAllocator a(mem, 0x80000000, 1 << 20);
  const PhysAddr p8 = a.alloc(8);
  EXPECT_EQ(p8, 0x80000000u);
  const PhysAddr p4k = a.alloc(4096);
  EXPECT_EQ(p4k % 4096, 0u);
  EXPECT_EQ(p4k, 0x80001000u);  // the gap 0x80000008..0x80000fff went to the free lists
  const PhysAddr p100 = a.alloc(100);  // a 128-byte block
  EXPECT_EQ(p100 % 128, 0u);
  EXPECT_EQ(PageAllocator::blockSize(100), 128u);
  EXPECT_EQ(PageAllocator::blockSize(1), 8u);
  EXPECT_EQ(PageAllocator::blockSize(64 * 1024), 64u * 1024);
  const PhysAddr p64k = a.alloc(64 * 1024);
  EXPECT_EQ(p64k % (64 * 1024), 0u);
  const PhysAddr aligned = a.alloc(64, 1 << 16);  // explicit larger alignment
  EXPECT_EQ(aligned % (1 << 16), 0u);
  EXPECT_EQ(a.bytesInUse(), 8u + 4096 + 128 + 65536 + 64);
}

TEST(PageAllocator, BlocksAreZeroedThroughMemory) {
  SparseMemory mem;
  PageAllocator a(mem, 0x1000, 0x10000);
  std::vector<uint8_t> junk(0x10000, 0xa5);
  mem.write(0x1000, junk.data(), junk.size());
  const uint64_t writesBefore = mem.writes();
  const PhysAddr p = a.alloc(4096);
  EXPECT_GT(mem.writes(), writesBefore);  // zeroing is a real memory access
  std::vector<uint8_t> got(4096, 0xff);
  mem.read(p, got.data(), got.size());
  for (uint8_t b : got) ASSERT_EQ(b, 0);
  // A block taken back and handed out again is zeroed again.
  mem.write(p, junk.data(), 4096);
  a.free(p, 4096);
  const PhysAddr q = a.alloc(4096);
  EXPECT_EQ(q, p);
  mem.read(q, got.data(), got.size());
  for (uint8_t b : got) ASSERT_EQ(b, 0);
}

TEST(PageAllocator, FreedBlocksAreReusedAndLargerOnesSplit) {
  SparseMemory mem;
  PageAllocator a(mem, 0, 0x100000);
  const PhysAddr big = a.alloc(0x4000);
  a.free(big, 0x4000);
  EXPECT_EQ(a.bytesInUse(), 0u);
  const PhysAddr bump = a.bumpOffset();
  const PhysAddr s1 = a.alloc(0x1000);  // split from the freed 16 KiB block
  const PhysAddr s2 = a.alloc(0x1000);
  EXPECT_EQ(s1, big);
  EXPECT_NE(s2, s1);
  EXPECT_GE(s2, big);
  EXPECT_LT(s2, big + 0x4000);
  EXPECT_EQ(a.bumpOffset(), bump);  // nothing new taken from the bump pointer
  EXPECT_EQ(a.peakBytesInUse(), 0x4000u);
}

TEST(PageAllocator, ExhaustionThrowsANamedError) {
  SparseMemory mem;
  PageAllocator a(mem, 0x40000000, 0x3000);
  a.alloc(0x1000);
  a.alloc(0x1000);
  try {
    a.alloc(0x2000);  // needs 8 KiB alignment: only 0x40002000..0x40002fff left
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("out of memory"), std::string::npos) << msg;
    EXPECT_NE(msg.find("0x2000"), std::string::npos) << msg;
    EXPECT_NE(msg.find("0x40000000"), std::string::npos) << msg;
  }
  EXPECT_NO_THROW(a.alloc(0x1000));
  EXPECT_THROW(a.alloc(8), std::runtime_error);
  EXPECT_THROW(a.alloc(1ull << 40), std::runtime_error);
}

TEST(PageAllocator, BadRequestsAreRefused) {
  SparseMemory mem;
  EXPECT_THROW(PageAllocator(mem, 0x1000, 0), std::invalid_argument);
  EXPECT_THROW(PageAllocator(mem, ~0ull - 10, 0x100), std::invalid_argument);
  PageAllocator a(mem, 0x1000, 0x10000);
  EXPECT_THROW(a.alloc(0), std::invalid_argument);
  EXPECT_THROW(a.alloc(64, 48), std::invalid_argument);
  const PhysAddr p = a.alloc(256);
  EXPECT_THROW(a.free(p + 8, 256), std::invalid_argument);   // not a block
  EXPECT_THROW(a.free(p, 4096), std::invalid_argument);      // wrong size
  a.free(p, 200);                                            // same 256-byte block
  EXPECT_THROW(a.free(p, 256), std::invalid_argument);       // double free
}

TEST(PageAllocator, MemoryOutsideRamIsReported) {
  SparseMemory mem;
  mem.addRegion(0x80000000, 0x1000);
  PageAllocator a(mem, 0x80000000, 0x4000);  // region larger than the RAM behind it
  EXPECT_NO_THROW(a.alloc(0x1000));
  EXPECT_THROW(a.alloc(0x1000), std::runtime_error);
}

}  // namespace
}  // namespace smmu
