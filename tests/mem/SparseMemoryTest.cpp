#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <vector>

#include "mem/SparseMemory.h"

namespace smmu {
namespace {

TEST(SparseMemory, GrowsOnlyWithPagesTouched) {
  SparseMemory mem;
  EXPECT_EQ(mem.pagesAllocated(), 0u);
  const PhysAddr a = 0x0, b = 0x0000800000000000ull, c = 0xFFFFFFFFFFFFF000ull;
  ASSERT_EQ(mem.write32(a + 4, 0xdeadbeef), MemStatus::Ok);
  ASSERT_EQ(mem.write32(b + 0x800, 0x01020304), MemStatus::Ok);
  ASSERT_EQ(mem.write64(c + 0xff8, 0x8877665544332211ull), MemStatus::Ok);
  EXPECT_EQ(mem.pagesAllocated(), 3u);
  // More writes to the same pages allocate nothing new.
  for (unsigned i = 0; i < 1000; ++i) ASSERT_EQ(mem.write32(b + 4 * i, i), MemStatus::Ok);
  EXPECT_EQ(mem.pagesAllocated(), 3u);

  uint32_t v32 = 0;
  uint64_t v64 = 0;
  EXPECT_EQ(mem.read32(a + 4, v32), MemStatus::Ok);
  EXPECT_EQ(v32, 0xdeadbeefu);
  EXPECT_EQ(mem.read32(b + 4 * 999, v32), MemStatus::Ok);
  EXPECT_EQ(v32, 999u);
  EXPECT_EQ(mem.read64(c + 0xff8, v64), MemStatus::Ok);
  EXPECT_EQ(v64, 0x8877665544332211ull);
  // Little-endian layout, byte by byte.
  uint8_t byte = 0;
  EXPECT_EQ(mem.read(c + 0xff8, &byte, 1), MemStatus::Ok);
  EXPECT_EQ(byte, 0x11);
}

TEST(SparseMemory, ZeroReadsDoNotAllocate) {
  SparseMemory mem;
  std::vector<uint8_t> buf(3 * 4096 + 17, 0xAA);
  ASSERT_EQ(mem.read(0x123456789ull, buf.data(), buf.size()), MemStatus::Ok);
  for (uint8_t x : buf) ASSERT_EQ(x, 0);
  uint64_t v = 1;
  EXPECT_EQ(mem.read64(0xFFFFFFFFFFFFFFF8ull, v), MemStatus::Ok);
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(mem.pagesAllocated(), 0u);
  EXPECT_EQ(mem.pagePtr(0x123456000ull, false), nullptr);
  EXPECT_EQ(mem.pagesAllocated(), 0u);

  // A read spanning an allocated and an untouched page returns data and zeros, allocates nothing.
  ASSERT_EQ(mem.write64(0x2000, 0x0102030405060708ull), MemStatus::Ok);
  uint8_t span[16];
  std::memset(span, 0xAA, sizeof span);
  ASSERT_EQ(mem.read(0x1ff8, span, sizeof span), MemStatus::Ok);
  const uint8_t expect[16] = {0, 0, 0, 0, 0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1};
  EXPECT_EQ(std::memcmp(span, expect, sizeof span), 0);
  EXPECT_EQ(mem.pagesAllocated(), 1u);
}

TEST(SparseMemory, AccessesCrossPageBoundaries) {
  SparseMemory mem;
  uint8_t pattern[16];
  for (unsigned i = 0; i < 16; ++i) pattern[i] = static_cast<uint8_t>(i);
  ASSERT_EQ(mem.write(0x1ff8, pattern, sizeof pattern), MemStatus::Ok);
  EXPECT_EQ(mem.pagesAllocated(), 2u);
  uint64_t v = 0;
  EXPECT_EQ(mem.read64(0x1ff8, v), MemStatus::Ok);
  EXPECT_EQ(v, 0x0706050403020100ull);
  EXPECT_EQ(mem.read64(0x2000, v), MemStatus::Ok);
  EXPECT_EQ(v, 0x0f0e0d0c0b0a0908ull);
  EXPECT_EQ(mem.read64(0x1ffc, v), MemStatus::Ok);
  EXPECT_EQ(v, 0x0b0a090807060504ull);
  ASSERT_NE(mem.pagePtr(0x1000, false), nullptr);
  EXPECT_EQ(mem.pagePtr(0x1000, false)[0xff8], 0);
  EXPECT_EQ(mem.pagePtr(0x1000, false)[0xfff], 7);
  EXPECT_EQ(mem.pagePtr(0x2000, false)[0x000], 8);
  EXPECT_EQ(mem.pagePtr(0x2000, false)[0x007], 15);

  // A long write over five pages, read back in one piece and in odd chunks.
  std::vector<uint8_t> big(3 * 4096 + 200);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 7 + 3);
  ASSERT_EQ(mem.write(0x10f9c, big.data(), big.size()), MemStatus::Ok);
  EXPECT_EQ(mem.pagesAllocated(), 2u + 5u);  // pages 0x10..0x14
  std::vector<uint8_t> back(big.size());
  ASSERT_EQ(mem.read(0x10f9c, back.data(), back.size()), MemStatus::Ok);
  EXPECT_EQ(back, big);
  uint8_t b = 0;
  ASSERT_EQ(mem.read(0x10f9c + 4096 + 100, &b, 1), MemStatus::Ok);
  EXPECT_EQ(b, static_cast<uint8_t>((4096 + 100) * 7 + 3));
}

TEST(SparseMemory, RegionMapAbortsWithoutSideEffects) {
  SparseMemory mem;
  EXPECT_FALSE(mem.hasRegions());
  mem.addRegion(0x80000000ull, 0x10000000ull);  // 0x8000_0000 .. 0x8FFF_FFFF
  EXPECT_TRUE(mem.hasRegions());

  uint64_t v = 0x55;
  EXPECT_EQ(mem.read64(0x0, v), MemStatus::ExternalAbort);
  EXPECT_EQ(v, 0x55u);  // destination untouched
  EXPECT_EQ(mem.write64(0x7ffffff8ull, 1), MemStatus::ExternalAbort);
  EXPECT_EQ(mem.pagesAllocated(), 0u);

  // A write straddling the end of RAM changes nothing, not even the part inside RAM.
  ASSERT_EQ(mem.write64(0x8ffffff8ull, 0x1111111111111111ull), MemStatus::Ok);
  EXPECT_EQ(mem.write64(0x8ffffffcull, 0x2222222222222222ull), MemStatus::ExternalAbort);
  ASSERT_EQ(mem.read64(0x8ffffff8ull, v), MemStatus::Ok);
  EXPECT_EQ(v, 0x1111111111111111ull);
  EXPECT_EQ(mem.pagesAllocated(), 1u);
  // A write straddling the start of RAM likewise.
  EXPECT_EQ(mem.write64(0x7ffffffcull, 0x3333333333333333ull), MemStatus::ExternalAbort);
  EXPECT_EQ(mem.pagesAllocated(), 1u);
  EXPECT_EQ(mem.aborts(), 4u);

  // An adjacent region merges: an access across the seam is fine.
  mem.addRegion(0x90000000ull, 0x1000);
  EXPECT_EQ(mem.regions().size(), 1u);
  EXPECT_EQ(mem.write64(0x8ffffffcull, 0x4444444444444444ull), MemStatus::Ok);
  // A separate region leaves a hole: an access across the hole aborts.
  mem.addRegion(0x90002000ull, 0x1000);
  EXPECT_EQ(mem.regions().size(), 2u);
  EXPECT_EQ(mem.write64(0x90000ffcull, 0), MemStatus::ExternalAbort);
  EXPECT_EQ(mem.write64(0x90001ffcull, 0), MemStatus::ExternalAbort);
  EXPECT_EQ(mem.write64(0x90002000ull, 0), MemStatus::Ok);
  EXPECT_TRUE(mem.inRam(0x90002000ull, 0x1000));
  EXPECT_FALSE(mem.inRam(0x90002000ull, 0x1001));
  // Overlapping regions merge too.
  mem.addRegion(0x90000800ull, 0x2000);
  EXPECT_EQ(mem.regions().size(), 1u);
  EXPECT_EQ(mem.regions()[0].first, 0x80000000ull);
  EXPECT_EQ(mem.regions()[0].last, 0x90002fffull);

  // A region may end at the top of the space; an access may not wrap past it.
  mem.addRegion(0xFFFFFFFFFFFFF000ull, 0x1000);
  EXPECT_EQ(mem.write64(0xFFFFFFFFFFFFFFF8ull, 7), MemStatus::Ok);
  EXPECT_EQ(mem.write64(0xFFFFFFFFFFFFFFFCull, 7), MemStatus::ExternalAbort);

  EXPECT_THROW(mem.addRegion(0x1000, 0), std::invalid_argument);
  EXPECT_THROW(mem.addRegion(0xFFFFFFFFFFFFF000ull, 0x1001), std::invalid_argument);
}

TEST(SparseMemory, AccessThatWrapsAbortsEvenWithoutRegions) {
  SparseMemory mem;
  EXPECT_EQ(mem.write64(0xFFFFFFFFFFFFFFFCull, 1), MemStatus::ExternalAbort);
  EXPECT_EQ(mem.pagesAllocated(), 0u);
  EXPECT_EQ(mem.write64(0xFFFFFFFFFFFFFFF8ull, 1), MemStatus::Ok);
}

TEST(SparseMemory, LatencyAndCounters) {
  SparseMemory mem;
  EXPECT_EQ(mem.latency(), 0u);
  Tick lat = 100;
  ASSERT_EQ(mem.write64(0x1000, 1, &lat), MemStatus::Ok);
  EXPECT_EQ(lat, 100u);  // default latency is 0

  mem.setLatency(12345);
  EXPECT_EQ(mem.latency(), 12345u);
  lat = 100;
  uint64_t v = 0;
  ASSERT_EQ(mem.read64(0x1000, v, &lat), MemStatus::Ok);
  EXPECT_EQ(lat, 100u + 12345u);
  ASSERT_EQ(mem.write32(0x1008, 2, &lat), MemStatus::Ok);
  EXPECT_EQ(lat, 100u + 2 * 12345u);
  // One access costs one latency, however many pages it spans.
  uint8_t buf[8192];
  ASSERT_EQ(mem.read(0x1800, buf, sizeof buf, &lat), MemStatus::Ok);
  EXPECT_EQ(lat, 100u + 3 * 12345u);
  // Without a latency pointer nothing is reported, and nothing breaks.
  ASSERT_EQ(mem.read64(0x1000, v), MemStatus::Ok);
  // An aborted access still took the memory's time.
  mem.addRegion(0x0, 0x10000);
  ASSERT_EQ(mem.read64(0x20000, v, &lat), MemStatus::ExternalAbort);
  EXPECT_EQ(lat, 100u + 4 * 12345u);

  EXPECT_EQ(mem.reads(), 4u);   // read64, read(8192), read64, aborted read64
  EXPECT_EQ(mem.writes(), 2u);  // write64, write32
  EXPECT_EQ(mem.bytesRead(), 8u + 8192u + 8u);
  EXPECT_EQ(mem.bytesWritten(), 8u + 4u);
  EXPECT_EQ(mem.bytes(), 8u + 8192u + 8u + 8u + 4u);
  EXPECT_EQ(mem.aborts(), 1u);

  // Backdoor accesses cost nothing and count nothing.
  uint32_t w = 0;
  ASSERT_EQ(mem.poke(0x1010, "\x44\x33\x22\x11", 4), MemStatus::Ok);
  ASSERT_EQ(mem.peek(0x1010, &w, 4), MemStatus::Ok);
  EXPECT_EQ(w, 0x11223344u);
  EXPECT_EQ(mem.peek(0x20000, &w, 4), MemStatus::ExternalAbort);
  EXPECT_EQ(mem.reads(), 4u);
  EXPECT_EQ(mem.writes(), 2u);

  mem.resetCounters();
  EXPECT_EQ(mem.reads() + mem.writes() + mem.bytes() + mem.aborts(), 0u);
  EXPECT_EQ(mem.pagesAllocated(), 1u);  // counters reset, contents kept
}

// An access costs by its size once bursts carry a set number of bytes: n bytes are
// ceil(n / burst) bursts back to back, each holding a channel for the occupancy; the data
// completes the latency after the last burst starts. Without channels there is no queueing,
// but the transfer still takes its time.
TEST(SparseMemory, SizedAccessesTakeOneOccupancyPerBurst) {
  constexpr Tick kLat = 100000, kOcc = 5000;  // 100 ns latency, 5 ns per 64-byte burst
  SparseMemory mem(kLat);
  mem.setChannels(0, kOcc, 64);
  EXPECT_TRUE(mem.sizedAccesses());
  EXPECT_EQ(mem.burstsOf(1), 1u);
  EXPECT_EQ(mem.burstsOf(64), 1u);
  EXPECT_EQ(mem.burstsOf(65), 2u);
  EXPECT_EQ(mem.burstsOf(4096), 64u);
  uint8_t buf[4096] = {};
  Tick lat = 0;
  ASSERT_EQ(mem.read(0x1000, buf, 8, &lat), MemStatus::Ok);
  EXPECT_EQ(lat, kLat);  // one burst
  lat = 0;
  ASSERT_EQ(mem.read(0x1000, buf, 256, &lat), MemStatus::Ok);
  EXPECT_EQ(lat, kLat + 3 * kOcc);  // 4 bursts: 100 + 15 ns
  lat = 0;
  ASSERT_EQ(mem.write(0x1000, buf, 4096, &lat), MemStatus::Ok);
  EXPECT_EQ(lat, kLat + 63 * kOcc);  // 64 bursts: 100 + 315 ns

  // One channel: a 4 KiB read at 0 holds it for 64 slots; an 8-byte read arriving at 10 ns
  // starts in slot 64 (320 ns) and completes 100 ns later.
  SparseMemory one(kLat);
  one.setChannels(1, kOcc, 64);
  one.setTimeBase(0);
  lat = 0;
  ASSERT_EQ(one.read(0x1000, buf, 4096, &lat), MemStatus::Ok);
  EXPECT_EQ(lat, kLat + 63 * kOcc);
  lat = 10000;
  ASSERT_EQ(one.read(0x1000, buf, 8, &lat), MemStatus::Ok);
  EXPECT_EQ(lat, 64 * kOcc + kLat);

  // Burst bytes 0: any size is one burst (the classic model).
  SparseMemory flat(kLat);
  flat.setChannels(0, kOcc, 0);
  EXPECT_FALSE(flat.sizedAccesses());
  lat = 0;
  ASSERT_EQ(flat.read(0x1000, buf, 4096, &lat), MemStatus::Ok);
  EXPECT_EQ(lat, kLat);
}

TEST(SparseMemory, PagePtrAndForEachPageInAddressOrder) {
  SparseMemory mem;
  EXPECT_EQ(mem.pagePtr(0x5000, false), nullptr);
  uint8_t* p = mem.pagePtr(0x5123, true);  // any address inside the page
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(mem.pagesAllocated(), 1u);
  for (unsigned i = 0; i < 4096; ++i) ASSERT_EQ(p[i], 0);
  p[0x10] = 0x5a;
  uint8_t b = 0;
  ASSERT_EQ(mem.read(0x5010, &b, 1), MemStatus::Ok);
  EXPECT_EQ(b, 0x5a);
  EXPECT_EQ(mem.pagePtr(0x5000, true), p);  // same page, same pointer

  ASSERT_EQ(mem.write32(0x1000, 0x11), MemStatus::Ok);
  ASSERT_EQ(mem.write32(0xFFFF0000ull, 0xff), MemStatus::Ok);
  ASSERT_EQ(mem.write32(0x3000, 0x33), MemStatus::Ok);

  std::vector<PhysAddr> order;
  std::vector<uint8_t> first;
  mem.forEachPage([&](PhysAddr base, const uint8_t* data) {
    order.push_back(base);
    first.push_back(data[0]);
  });
  EXPECT_EQ(order, (std::vector<PhysAddr>{0x1000, 0x3000, 0x5000, 0xFFFF0000ull}));
  EXPECT_EQ(first, (std::vector<uint8_t>{0x11, 0x33, 0x00, 0xff}));
}

// Atomic read-modify-write (hardware flag updates): one 8-byte access costing the latency plus
// the atomic extra, counted apart from reads and writes; a failed compare writes nothing.
TEST(SparseMemory, AtomicReadModifyWrite) {
  constexpr Tick kLat = 50000, kExtra = 20000;  // 50 ns + 20 ns
  SparseMemory mem(kLat);
  mem.setAtomicExtra(kExtra);
  EXPECT_EQ(mem.atomicExtra(), kExtra);
  mem.addRegion(0x10000, 0x1000);
  ASSERT_EQ(mem.poke(0x10008, "\x00\x04\x00\x00\x00\x00\x00\x00", 8), MemStatus::Ok);  // 0x400

  // Compare-and-swap that matches: memory takes the new value, the old one comes back.
  Tick lat = 0;
  uint64_t old = 0;
  ASSERT_EQ(mem.compareAndSwap64(0x10008, 0x400, 0x401, old, &lat), MemStatus::Ok);
  EXPECT_EQ(old, 0x400u);
  EXPECT_EQ(lat, kLat + kExtra);
  uint64_t v = 0;
  ASSERT_EQ(mem.peek(0x10008, &v, 8), MemStatus::Ok);
  EXPECT_EQ(v, 0x401u);
  // One that does not match leaves memory alone and reports what it found.
  ASSERT_EQ(mem.compareAndSwap64(0x10008, 0x400, 0xdead, old), MemStatus::Ok);
  EXPECT_EQ(old, 0x401u);
  ASSERT_EQ(mem.peek(0x10008, &v, 8), MemStatus::Ok);
  EXPECT_EQ(v, 0x401u);
  // Fetch-or and fetch-and-not (AMBA LDSET / LDCLR).
  ASSERT_EQ(mem.fetchOr64(0x10008, 0xf0, old), MemStatus::Ok);
  EXPECT_EQ(old, 0x401u);
  ASSERT_EQ(mem.fetchAndNot64(0x10008, 0x401, old), MemStatus::Ok);
  EXPECT_EQ(old, 0x4f1u);
  ASSERT_EQ(mem.peek(0x10008, &v, 8), MemStatus::Ok);
  EXPECT_EQ(v, 0xf0u);

  // Misaligned or outside RAM: external abort, memory unchanged, time still spent.
  lat = 0;
  EXPECT_EQ(mem.fetchOr64(0x10004, 1, old, &lat), MemStatus::ExternalAbort);
  EXPECT_EQ(lat, kLat + kExtra);
  EXPECT_EQ(mem.fetchOr64(0x20000, 1, old), MemStatus::ExternalAbort);
  ASSERT_EQ(mem.peek(0x10000, &v, 8), MemStatus::Ok);
  EXPECT_EQ(v, 0u);

  EXPECT_EQ(mem.atomics(), 6u);
  EXPECT_EQ(mem.reads(), 0u);
  EXPECT_EQ(mem.writes(), 0u);
  EXPECT_EQ(mem.aborts(), 2u);
  EXPECT_EQ(mem.bytesRead(), 4 * 8u);     // the four that reached memory
  EXPECT_EQ(mem.bytesWritten(), 3 * 8u);  // all but the failed compare
  mem.resetCounters();
  EXPECT_EQ(mem.atomics(), 0u);
}

}  // namespace
}  // namespace smmu
