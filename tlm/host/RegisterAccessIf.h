// How the host agent reaches an SMMU's register frame. Implemented over a TLM socket inside
// the SystemC model (accesses take simulated time) and directly over SmmuCore in unit tests.
#pragma once
#include <cstdint>

namespace smmu {

class RegisterAccessIf {
 public:
  virtual ~RegisterAccessIf() = default;
  virtual uint32_t read32(uint32_t offset) = 0;
  virtual void write32(uint32_t offset, uint32_t value) = 0;
  virtual uint64_t read64(uint32_t offset) = 0;
  virtual void write64(uint32_t offset, uint64_t value) = 0;
  // Let time pass while polling (a CPU spinning on CMDQ_CONS). In the SystemC model this
  // waits; in the direct implementation it is a no-op.
  virtual void pollDelay() = 0;
};

}  // namespace smmu
