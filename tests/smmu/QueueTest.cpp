// The command and event queues on their own (smmu/CommandQueue.h, smmu/EventQueue.h): pointer
// arithmetic, LOG2SIZE capped at the IDR1 maximum, the overflow flag, and where records land.
#include <gtest/gtest.h>

#include "mem/SparseMemory.h"
#include "smmu/CommandQueue.h"
#include "smmu/EventQueue.h"

using namespace smmu;

namespace {
constexpr PhysAddr kQ = 0x40000;
}

TEST(CommandQueue, ReadsTheCommandAtConsAndWrapsWithTheWrapBit) {
  SparseMemory mem(10 * kPsPerNs);
  CommandQueue q(8);
  q.base = kQ | 2;  // 4 entries
  // CMD_SYNC (0x46) at index 3, TLBI_NH_ASID (0x11, ASID 5) at index 0.
  mem.write64(kQ + 3 * 16, 0x46);
  mem.write64(kQ + 0 * 16, 0x11 | (uint64_t(5) << 48));
  q.writeCons(3);
  q.writeProd(0b101);  // index 1, wrap bit (bit 2) set: two commands, at 3 and 0
  EXPECT_FALSE(q.empty());
  Command c;
  Tick lat = 0;
  ASSERT_EQ(q.readHead(mem, c, &lat), MemStatus::Ok);
  EXPECT_EQ(c.opcode, 0x46);
  EXPECT_EQ(lat, 10 * kPsPerNs);  // one 16-byte read
  q.consumed();
  EXPECT_EQ(q.cons(), 0b100u);  // index 0 with the wrap bit
  ASSERT_EQ(q.readHead(mem, c, &lat), MemStatus::Ok);
  EXPECT_EQ(c.opcode, 0x11);
  EXPECT_EQ(c.asid, 5);
  q.consumed();
  EXPECT_EQ(q.cons(), 0b101u);
  EXPECT_TRUE(q.empty());
}

TEST(CommandQueue, ErrorStaysOnTheCommandAndReadsInConsErr) {
  CommandQueue q(8);
  q.base = kQ | 4;
  q.writeProd(1);
  q.stop(reg::CERROR_ILL);
  EXPECT_EQ(q.cons(), uint32_t(reg::CERROR_ILL) << 24);  // RD 0, ERR = ILL (6.3.28)
  q.writeCons(0);  // software clears ERR while the queue is off
  EXPECT_EQ(q.cons(), 0u);
}

TEST(CommandQueue, Log2SizeAboveCmdqsIsCappedAtIt) {
  // IHI 0070 6.3.26: a LOG2SIZE above IDR1.CMDQS is used as CMDQS. With CMDQS = 2 and LOG2SIZE
  // = 5, PROD = 4 is index 0 with the wrap bit (bit 2): the queue is full, not 4 entries on.
  SparseMemory mem;
  CommandQueue q(2);
  q.base = kQ | 5;
  q.writeProd(4);
  mem.write64(kQ, 0x46);
  Command c;
  ASSERT_EQ(q.readHead(mem, c, nullptr), MemStatus::Ok);
  EXPECT_EQ(c.opcode, 0x46);
  for (int i = 0; i < 4; ++i) q.consumed();
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.cons(), 4u);
}

TEST(EventQueue, WritesRecordsAtProdAndTogglesOverflowOnceWhenFull) {
  SparseMemory mem(10 * kPsPerNs);
  EventQueue q(32, 7);
  q.base = kQ | 1;  // 2 entries
  uint8_t rec[32];
  for (int i = 0; i < 32; ++i) rec[i] = uint8_t(i + 1);
  Tick lat = 0;
  EXPECT_EQ(q.write(mem, rec, &lat), EventQueue::Outcome::Written);
  rec[0] = 0xaa;
  EXPECT_EQ(q.write(mem, rec, &lat), EventQueue::Outcome::Written);
  EXPECT_EQ(lat, 2 * 10 * kPsPerNs);
  EXPECT_EQ(q.prod, 0b10u);  // index 0, wrap bit 1: full
  uint64_t w = 0;
  mem.read(kQ + 32, &w, 8);
  EXPECT_EQ(w & 0xff, 0xaau);  // the second record at index 1
  // Full: the record is lost and OVFLG (bit 31) toggles to differ from CONS.OVACKFLG...
  EXPECT_EQ(q.write(mem, rec, nullptr), EventQueue::Outcome::Overflow);
  EXPECT_EQ(q.prod, 0x80000002u);
  // ...only once while that overflow is unacknowledged (IHI 0070 7.4).
  EXPECT_EQ(q.write(mem, rec, nullptr), EventQueue::Outcome::Overflow);
  EXPECT_EQ(q.prod, 0x80000002u);
  // Software consumes both and acknowledges: the next record is written at index 0.
  q.cons = 0x80000002u;
  EXPECT_EQ(q.write(mem, rec, nullptr), EventQueue::Outcome::Written);
  EXPECT_EQ(q.prod, 0x80000003u);
}

TEST(EventQueue, AWriteOutsideRamIsAnAbortAndProdStays) {
  SparseMemory mem;
  mem.addRegion(0, 0x1000);
  EventQueue q(32, 7);
  q.base = (uint64_t(1) << 40) | 3;
  uint8_t rec[32] = {};
  EXPECT_EQ(q.write(mem, rec, nullptr), EventQueue::Outcome::Abort);
  EXPECT_EQ(q.prod, 0u);
}
