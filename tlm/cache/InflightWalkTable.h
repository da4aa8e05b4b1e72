// The TCU's table of walks in flight, for walk-prefix coalescing: a walk that needs a table
// another walk is still reading (same translation context, same prefix of the input address)
// waits for that read and continues from it, instead of reading the same descriptors again.
// Each walker slot holds the steps of its walk until the walk ends; a step is the table a
// table descriptor led to and the time that descriptor had been read (WalkStep::readyAt).
//
// It is a WalkCacheHook that stands in front of the walk cache (if any): lookup() returns the
// deepest step of either; fill() records the step in the current walk and passes it on. Walks
// are told apart by context (VMID << 16 | ASID for stage 1, a VMID tag for stage 2), TTB range
// and geometry. Pure logic: time comes in through begin()/end().
#pragma once
#include <cstdint>
#include <vector>

#include "arch/Types.h"
#include "walk/PageTableWalker.h"

namespace smmu {

class InflightWalkTable : public WalkCacheHook {
 public:
  // capacity: walks remembered at once (the walker slots); 0 disables the table.
  explicit InflightWalkTable(unsigned capacity = 0) { resize(capacity); }
  void resize(unsigned capacity);
  bool enabled() const { return !records_.empty(); }

  // The walk cache behind the table (nullptr: none).
  void setInner(WalkCacheHook* inner) { inner_ = inner; }
  // A walk of context ctx starts at `now`: walks ended by then are no longer in flight.
  void begin(uint64_t ctx, Tick now);
  // The current walk ends at `doneAt`: its steps stay visible to walks starting before then.
  void end(Tick doneAt);

  bool lookup(uint64_t va, unsigned range, const WalkGeometry& geo, WalkStep& step) override;
  void fill(uint64_t va, unsigned range, const WalkGeometry& geo, const WalkStep& step) override;

  uint64_t joins() const { return joins_; }  // lookups answered by a walk in flight

 private:
  struct Record {
    uint64_t ctx = 0;
    uint64_t va = 0;
    unsigned range = 0, granuleShift = 0, inputBits = 0;
    Tick endAt = 0;
    WalkStep steps[3];  // by the level of the table descriptor read (0..2)
    uint8_t stepMask = 0;  // 0: an unused record (or a walk that read no table)
  };
  std::vector<Record> records_;
  size_t next_ = 0;    // ring position of the next walk
  Record* cur_ = nullptr;
  uint64_t ctx_ = 0;
  Tick now_ = 0;
  WalkCacheHook* inner_ = nullptr;
  uint64_t joins_ = 0;
};

}  // namespace smmu
