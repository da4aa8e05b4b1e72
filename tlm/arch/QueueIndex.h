// Circular queue pointers (CMDQ, EVTQ, PRIQ): an index of log2size bits, a wrap bit just above
// it and, for EVTQ/PRIQ PROD, the overflow flag in bit 31 (IHI 0070 3.5).
#pragma once
#include <cstdint>

namespace smmu {

struct QueueIndex {
  unsigned log2size;

  uint32_t indexMask() const { return (1u << log2size) - 1u; }
  uint32_t wrapBit() const { return 1u << log2size; }
  uint32_t index(uint32_t p) const { return p & indexMask(); }
  uint32_t wrap(uint32_t p) const { return p & wrapBit(); }
  // Pointer value without the overflow flag / error field: index plus wrap bit.
  uint32_t ptr(uint32_t p) const { return p & (indexMask() | wrapBit()); }
  bool empty(uint32_t prod, uint32_t cons) const { return ptr(prod) == ptr(cons); }
  bool full(uint32_t prod, uint32_t cons) const {
    return index(prod) == index(cons) && wrap(prod) != wrap(cons);
  }
  uint32_t count(uint32_t prod, uint32_t cons) const {
    return (ptr(prod) - ptr(cons)) & (indexMask() | wrapBit());
  }
  // Advances a pointer by one entry, keeping bits above the wrap bit (e.g. OVFLG) unchanged.
  uint32_t next(uint32_t p) const {
    uint32_t upper = p & ~(indexMask() | wrapBit());
    return upper | ((ptr(p) + 1u) & (indexMask() | wrapBit()));
  }
};

}  // namespace smmu
