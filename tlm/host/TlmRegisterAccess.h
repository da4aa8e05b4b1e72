// RegisterAccessIf over a TLM initiator socket: each access is a b_transport to an SMMU's
// register frame followed by a wait() for its latency, so it must be called from an SC_THREAD.
// With `memory` set (the host's HostMemoryPort), the memory accesses the host made before are
// waited out first: a register access happens after them in simulated time.
#pragma once
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "host/HostMemoryPort.h"
#include "host/RegisterAccessIf.h"

namespace smmu {

class TlmRegisterAccess : public sc_core::sc_module, public RegisterAccessIf {
 public:
  tlm_utils::simple_initiator_socket<TlmRegisterAccess> socket;
  sc_core::sc_time pollInterval = sc_core::sc_time(100, sc_core::SC_NS);
  HostMemoryPort* memory = nullptr;  // the same host's memory port (optional)

  // base: the physical address of the SMMU's register frame (SmmuConfig::regBase); accesses go
  // to base + offset.
  TlmRegisterAccess(sc_core::sc_module_name name, uint64_t base);

  uint32_t read32(uint32_t off) override;
  void write32(uint32_t off, uint32_t v) override;
  uint64_t read64(uint32_t off) override;
  void write64(uint32_t off, uint64_t v) override;
  void pollDelay() override {
    if (memory) memory->sync();
    wait(pollInterval);
  }
  uint64_t accesses() const { return accesses_; }

 private:
  void access(tlm::tlm_command cmd, uint32_t off, void* data, unsigned len);
  tlm::tlm_generic_payload payload_;
  uint64_t base_;
  uint64_t accesses_ = 0;
};

}  // namespace smmu
