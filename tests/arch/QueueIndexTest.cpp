// Circular queue PROD/CONS arithmetic (IHI 0070 3.5; Linux Q_IDX/Q_WRP/Q_OVF, queue_full,
// queue_empty, queue_inc_prod_n).
#include <gtest/gtest.h>

#include "arch/QueueIndex.h"
#include "arch/Registers.h"

namespace smmu {
namespace {

// An 8-entry queue: index bits [2:0], wrap bit 3.
constexpr QueueIndex q8{3};

TEST(QueueIndex, Masks) {
  EXPECT_EQ(q8.indexMask(), 0x7u);
  EXPECT_EQ(q8.wrapBit(), 0x8u);
  EXPECT_EQ(q8.index(0x8000000du), 5u);
  EXPECT_EQ(q8.wrap(0x8000000du), 8u);
  EXPECT_EQ(q8.ptr(0x8000000du), 0xdu);
  // CMDQ_CONS with an error code in [30:24]: the pointer ignores it.
  EXPECT_EQ(q8.ptr((reg::CERROR_ILL << reg::CMDQ_CONS_ERR_SHIFT) | 0x5u), 5u);
  const QueueIndex q0{0};  // one-entry queue: no index bits, wrap bit 0
  EXPECT_EQ(q0.indexMask(), 0u);
  EXPECT_EQ(q0.wrapBit(), 1u);
}

TEST(QueueIndex, Empty) {
  EXPECT_TRUE(q8.empty(0, 0));
  EXPECT_TRUE(q8.empty(0xd, 0xd));
  EXPECT_FALSE(q8.empty(1, 0));
  EXPECT_FALSE(q8.empty(0x8, 0x0));  // same index, different wrap: full, not empty
  // OVFLG (bit 31) and CONS.ERR do not take part.
  EXPECT_TRUE(q8.empty(reg::Q_OVERFLOW_FLAG | 3u, 3u));
  EXPECT_TRUE(q8.empty(3u, (reg::CERROR_ABT << reg::CMDQ_CONS_ERR_SHIFT) | 3u));
}

TEST(QueueIndex, Full) {
  EXPECT_TRUE(q8.full(0x8, 0x0));
  EXPECT_TRUE(q8.full(0x3, 0xb));
  EXPECT_FALSE(q8.full(0x3, 0x3));
  EXPECT_FALSE(q8.full(0x7, 0x0));  // 7 entries used of 8
  EXPECT_TRUE(q8.full(reg::Q_OVERFLOW_FLAG | 0x8u, 0x0));
}

TEST(QueueIndex, Count) {
  EXPECT_EQ(q8.count(0, 0), 0u);
  EXPECT_EQ(q8.count(5, 2), 3u);
  EXPECT_EQ(q8.count(0x8, 0x0), 8u);    // full
  EXPECT_EQ(q8.count(0xa, 0x6), 4u);    // prod wrapped (idx 2), cons not (idx 6)
  EXPECT_EQ(q8.count(0x2, 0xe), 4u);    // both wrapped once more: prod wrap 0, cons wrap 1
  EXPECT_EQ(q8.count(reg::Q_OVERFLOW_FLAG | 0x9u, 0x7u), 2u);
}

TEST(QueueIndex, NextWrapsAndToggles) {
  EXPECT_EQ(q8.next(0), 1u);
  EXPECT_EQ(q8.next(6), 7u);
  EXPECT_EQ(q8.next(7), 0x8u);   // index wraps to 0, wrap bit toggles to 1
  EXPECT_EQ(q8.next(0xf), 0x0u); // and back to 0
  // Walking 16 steps returns to the start, passing through full at 8.
  uint32_t p = 0;
  for (int i = 0; i < 8; ++i) p = q8.next(p);
  EXPECT_TRUE(q8.full(p, 0));
  for (int i = 0; i < 8; ++i) p = q8.next(p);
  EXPECT_EQ(p, 0u);
  EXPECT_TRUE(q8.empty(p, 0));
}

TEST(QueueIndex, NextPreservesBit31) {
  EXPECT_EQ(q8.next(0x80000007u), 0x80000008u);
  EXPECT_EQ(q8.next(0x8000000fu), 0x80000000u);
  EXPECT_EQ(q8.next(reg::Q_OVERFLOW_FLAG | 2u), reg::Q_OVERFLOW_FLAG | 3u);
  // An error code above the wrap bit (CMDQ_CONS.ERR) is kept as well.
  const uint32_t err = reg::CERROR_ILL << reg::CMDQ_CONS_ERR_SHIFT;
  EXPECT_EQ(q8.next(err | 0xfu), err);
}

TEST(QueueIndex, LargeQueue) {
  const QueueIndex q{19};  // Linux/QEMU's largest CMDQ (CMDQS 19)
  EXPECT_EQ(q.indexMask(), 0x7ffffu);
  EXPECT_EQ(q.wrapBit(), 0x80000u);
  EXPECT_EQ(q.next(0x7ffffu), 0x80000u);
  EXPECT_EQ(q.next(0x8007ffffu), 0x80080000u);
  EXPECT_EQ(q.next(0x800fffffu), 0x80000000u);
  EXPECT_TRUE(q.full(0x80000u, 0));
  EXPECT_EQ(q.count(0x80005u, 0x7fffeu), 7u);
}

}  // namespace
}  // namespace smmu
