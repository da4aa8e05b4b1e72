// Atomic read-modify-write through TLM-2.0: a generic-payload extension that turns the payload
// into one indivisible access of a 64-bit word (PhysMemIf::atomic64, AtomicRmw).
//
// The payload is a TLM_READ_COMMAND of 8 bytes at the word's address; its data buffer receives
// the word as it was before the operation (what AMBA atomics return). A target that performs it
// sets `performed`: an initiator treats an OK response without it as an error, so a target that
// does not know the extension (and would have done a plain read) is never taken for one that
// modified memory. MemoryTarget performs it on SparseMemory; it is never served through DMI.
#pragma once
#include <tlm>

#include "mem/PhysMem.h"

namespace smmu {

class AtomicExtension : public tlm::tlm_extension<AtomicExtension> {
 public:
  AtomicRmw rmw;
  bool performed = false;

  tlm::tlm_extension_base* clone() const override { return new AtomicExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const AtomicExtension&>(other);
  }
};

// Marks an access to be placed in time order (SparseMemory::setTimeOrdered): table walks, queue
// accesses and the host agent's accesses carry it; device data does not. A flag: no fields.
class OrderedAccessExtension : public tlm::tlm_extension<OrderedAccessExtension> {
 public:
  tlm::tlm_extension_base* clone() const override { return new OrderedAccessExtension; }
  void copy_from(const tlm::tlm_extension_base&) override {}
};

}  // namespace smmu
