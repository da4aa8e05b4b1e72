// Time order (SparseMemory::setTimeOrdered, WriteHistory): a timed read arriving at t sees
// exactly the timed writes that arrived at or before t, whatever order they were performed in;
// partial writes compose by byte; an atomic reads and modifies the word as it is at its time;
// untimed accesses see and set the final state; folding at the horizon keeps every value; a
// write performed after a later-arriving read of its line is counted late. (A walk racing a
// host store: tests/smmu/TimeOrderWalkTest.cpp.)
#include <gtest/gtest.h>

#include "mem/SparseMemory.h"

using namespace smmu;

namespace {

constexpr Tick kNs = 1000;
constexpr PhysAddr kA = 0x1000;

// A timed access arriving at `at` (no latency, no channels: it reaches the memory at `at`).
void writeAt(SparseMemory& m, PhysAddr pa, uint64_t v, Tick at, size_t len = 8) {
  m.setTimeBase(at);
  Tick lat = 0;
  ASSERT_EQ(m.write(pa, &v, len, &lat), MemStatus::Ok);
}
uint64_t untimed(SparseMemory& m, PhysAddr pa) {
  uint64_t v = 0;
  EXPECT_EQ(m.read64(pa, v), MemStatus::Ok);
  return v;
}
uint64_t readAt(SparseMemory& m, PhysAddr pa, Tick at) {
  m.setTimeBase(at);
  Tick lat = 0;
  uint64_t v = 0;
  EXPECT_EQ(m.read(pa, &v, 8, &lat), MemStatus::Ok);
  return v;
}

}  // namespace

TEST(TimeOrder, ReadSeesTheWritesThatArrivedBeforeIt) {
  SparseMemory m;
  m.setTimeOrdered(true);
  m.write64(kA, 0x11);  // untimed: the value before every timed write
  writeAt(m, kA, 0x22, 100 * kNs);  // performed first, arrives at 100
  writeAt(m, kA, 0x33, 80 * kNs);   // performed second, arrives earlier
  EXPECT_EQ(readAt(m, kA, 50 * kNs), 0x11u);
  EXPECT_EQ(readAt(m, kA, 80 * kNs), 0x33u);  // a tie: the write is seen
  EXPECT_EQ(readAt(m, kA, 99 * kNs), 0x33u);
  EXPECT_EQ(readAt(m, kA, 100 * kNs), 0x22u);
  EXPECT_EQ(untimed(m, kA), 0x22u);  // untimed: the final state (latest in time)
  // Equal arrival times: the one performed last wins.
  writeAt(m, kA, 0x44, 100 * kNs);
  EXPECT_EQ(readAt(m, kA, 150 * kNs), 0x44u);
  // Off, the same sequence takes effect as performed.
  SparseMemory p;
  p.write64(kA, 0x11);
  writeAt(p, kA, 0x22, 100 * kNs);
  EXPECT_EQ(readAt(p, kA, 50 * kNs), 0x22u);
}

TEST(TimeOrder, PartialWritesComposeByByte) {
  SparseMemory m;
  m.setTimeOrdered(true);
  m.write64(kA, 0x1111111111111111ull);
  writeAt(m, kA + 4, 0xaaaaaaaa, 200 * kNs, 4);  // high half, arrives late
  writeAt(m, kA, 0xbbbbbbbb, 100 * kNs, 4);      // low half, earlier
  EXPECT_EQ(readAt(m, kA, 150 * kNs), 0x11111111bbbbbbbbull);
  EXPECT_EQ(readAt(m, kA, 250 * kNs), 0xaaaaaaaabbbbbbbbull);
  // A read that spans two words and starts mid-word.
  uint8_t b[6] = {};
  m.setTimeBase(150 * kNs);
  Tick lat = 0;
  ASSERT_EQ(m.read(kA + 2, b, 6, &lat), MemStatus::Ok);
  EXPECT_EQ(b[0], 0xbb);
  EXPECT_EQ(b[1], 0xbb);
  EXPECT_EQ(b[2], 0x11);
  EXPECT_EQ(b[5], 0x11);
}

TEST(TimeOrder, AtomicActsOnTheWordAtItsTime) {
  SparseMemory m;
  m.setTimeOrdered(true);
  m.write64(kA, 0x100);
  writeAt(m, kA, 0x200, 500 * kNs);  // a host store arriving at 500, performed first
  // A hardware flag update at 300 (fetch-or of bit 10): it sees 0x100, not the later store, and
  // the store, later in time, replaces the whole word.
  AtomicRmw op{AtomicOp::FetchOr, 0x400, 0};
  m.setTimeBase(300 * kNs);
  Tick lat = 0;
  ASSERT_EQ(m.atomic64(kA, op, &lat), MemStatus::Ok);
  EXPECT_EQ(op.old, 0x100u);
  EXPECT_EQ(readAt(m, kA, 400 * kNs), 0x500u);
  EXPECT_EQ(readAt(m, kA, 600 * kNs), 0x200u);
  EXPECT_EQ(untimed(m, kA), 0x200u);
}

TEST(TimeOrder, FoldingAtTheHorizonKeepsEveryValue) {
  SparseMemory m;
  m.setTimeOrdered(true);
  m.write64(kA, 1);
  writeAt(m, kA, 2, 100 * kNs);
  writeAt(m, kA, 3, 300 * kNs);
  writeAt(m, kA + 8, 9, 200 * kNs);
  EXPECT_EQ(m.history().wordsWithHistory(), 2u);
  m.setHorizon(150 * kNs);  // the write at 100 is now the base
  EXPECT_EQ(m.history().wordsWithHistory(), 2u);
  EXPECT_EQ(readAt(m, kA, 200 * kNs), 2u);
  EXPECT_EQ(readAt(m, kA, 300 * kNs), 3u);
  m.setHorizon(1000 * kNs);
  EXPECT_EQ(m.history().wordsWithHistory(), 0u);
  EXPECT_EQ(readAt(m, kA, 1000 * kNs), 3u);
  EXPECT_EQ(readAt(m, kA + 8, 1000 * kNs), 9u);
  // An untimed write is final: its word loses its history.
  writeAt(m, kA, 4, 2000 * kNs);
  m.write64(kA, 5);
  EXPECT_EQ(readAt(m, kA, 1500 * kNs), 5u);
  // Untimed page writes (zeroing a buffer): one elsewhere leaves the history alone, one over the
  // word ends it.
  writeAt(m, kA + 8, 6, 3000 * kNs);
  static const uint8_t zeros[4096] = {};
  ASSERT_EQ(m.write(0x100000, zeros, sizeof zeros), MemStatus::Ok);
  EXPECT_EQ(m.history().wordsWithHistory(), 1u);
  EXPECT_EQ(readAt(m, kA + 8, 2500 * kNs), 9u);
  ASSERT_EQ(m.write(kA & ~PhysAddr(0xfff), zeros, sizeof zeros), MemStatus::Ok);
  EXPECT_EQ(m.history().wordsWithHistory(), 0u);
  EXPECT_EQ(readAt(m, kA + 8, 2500 * kNs), 0u);
}

TEST(TimeOrder, AWritePerformedAfterALaterReadIsCountedLate) {
  SparseMemory m;
  m.setTimeOrdered(true);
  EXPECT_EQ(readAt(m, kA, 500 * kNs), 0u);  // answered already
  writeAt(m, kA + 16, 7, 400 * kNs);         // same 64-byte line, arrives before that read
  EXPECT_EQ(m.history().lateWrites(), 1u);
  writeAt(m, kA + 64, 7, 400 * kNs);         // another line
  writeAt(m, kA, 8, 600 * kNs);              // after the read
  EXPECT_EQ(m.history().lateWrites(), 1u);
  m.setHorizon(10000 * kNs);
}

