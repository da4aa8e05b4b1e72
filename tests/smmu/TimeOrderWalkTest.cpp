// A walk's descriptor read racing a host store, on either side of the read's arrival, in a
// time-ordered memory (SparseMemory::setTimeOrdered): the walk sees the store only if the store
// arrived first, and a store performed after the walk but arriving before its read is counted
// late (the walk, answered already, keeps what it read).
#include <gtest/gtest.h>

#include "HandBuilt.h"
#include "mem/SparseMemory.h"

using namespace smmu;

namespace {

constexpr Tick kNs = 1000;

void writeAt(SparseMemory& m, PhysAddr pa, uint64_t v, Tick at) {
  m.setTimeBase(at);
  Tick lat = 0;
  ASSERT_EQ(m.write(pa, &v, 8, &lat), MemStatus::Ok);
}

using namespace handbuilt;
// The hand-built walk of kIova from t = 0 (1 + 2 + 4 + 2 cycles, then STE, CD, L0 .. L3 reads of
// 100 ns each, one after another): its L3 descriptor read arrives at 9 ns + 5 x 100 ns.
constexpr Tick kL3ReadAt = 9 * kClk + 5 * kMem;
TranslationResult walkWithLeafStore(Tick storeAt, bool storeFirst) {
  SparseMemory mem{kMem};
  mem.setTimeOrdered(true);
  SmmuCore core(microConfig(), mem);
  build(mem);
  program(core);
  // The host replaces the leaf with one to another page, arriving at storeAt.
  auto store = [&] { writeAt(mem, kL3 + 8 * 0x145, page(kPa + 0x100000, false), storeAt); };
  if (storeFirst) store();
  const TranslationResult r = translateAt(core, 0, kIova);
  if (!storeFirst) {
    store();
    EXPECT_EQ(mem.history().lateWrites(), storeAt < kL3ReadAt ? 1u : 0u);
  }
  return r;
}
}  // namespace

TEST(TimeOrder, WalkReadRacingAHostStore) {
  // Performed before the walk, arriving 1 ns before its leaf read: the walk uses the new leaf.
  EXPECT_EQ(walkWithLeafStore(kL3ReadAt - 1 * kNs, true).pa, kPa + 0x100000);
  // Arriving 1 ns after the read: the old leaf, although the store was performed first.
  EXPECT_EQ(walkWithLeafStore(kL3ReadAt + 1 * kNs, true).pa, kPa);
  // Performed after the walk but arriving before its read: too late for the walk, which keeps
  // the old leaf; the store is counted late.
  EXPECT_EQ(walkWithLeafStore(kL3ReadAt - 1 * kNs, false).pa, kPa);
  EXPECT_EQ(walkWithLeafStore(kL3ReadAt + 1 * kNs, false).pa, kPa);
}
