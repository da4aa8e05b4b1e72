// PhysMemIf over a TLM-2.0 initiator socket: the SMMU's table walks, config fetches and queue
// accesses go through this port, so every agent reaches the same memory (MemoryTarget) through
// TLM and pays its latency in simulated time.
//
// read/write build a generic payload (from a small pool that is reused, so steady-state accesses
// allocate nothing), call b_transport with a zero delay and add the returned delay to *lat in
// picoseconds. Any response other than TLM_OK_RESPONSE is MemStatus::ExternalAbort. The socket is
// bound at elaboration, so the port is usable from the start of simulation (from SC_THREADs, or
// plain calls when no target in the path calls wait()).
//
// Optional DMI (setUseDmi(true)): after a successful b_transport that allows DMI, the port asks
// the target for a direct pointer and serves later accesses inside granted ranges by memcpy,
// adding the granted read/write latency. Grants are dropped on invalidate_direct_mem_ptr.
#pragma once
#include <tlm_utils/simple_initiator_socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <systemc>
#include <tlm>
#include <vector>

#include "arch/Types.h"
#include "mem/PhysMem.h"

namespace smmu {

class AtomicExtension;

class TlmMemPort : public sc_core::sc_module, public PhysMemIf {
 public:
  tlm_utils::simple_initiator_socket<TlmMemPort> socket;

  explicit TlmMemPort(sc_core::sc_module_name name);

  MemStatus read(PhysAddr pa, void* dst, size_t len, Tick* lat = nullptr) override;
  MemStatus write(PhysAddr pa, const void* src, size_t len, Tick* lat = nullptr) override;
  // A payload carrying an AtomicExtension (never through DMI). A response without the
  // extension's `performed` is an error (the target did not perform it).
  MemStatus atomic64(PhysAddr pa, AtomicRmw& op, Tick* lat = nullptr) override;

  void setUseDmi(bool on);
  bool useDmi() const { return useDmi_; }
  // Its accesses ask to be placed in time order (OrderedAccessExtension); DMI, which cannot
  // carry a time, is then not used.
  void setTimeOrdered(bool on);
  bool timeOrdered() const { return ordered_; }

  uint64_t transactions() const { return transactions_; }  // b_transport calls made
  uint64_t dmiAccesses() const { return dmiAccesses_; }    // accesses served through DMI
  uint64_t errors() const { return errors_; }              // error responses seen

 private:
  static constexpr size_t kDmiEntries = 8;

  MemStatus access(tlm::tlm_command cmd, PhysAddr pa, uint8_t* data, size_t len, Tick* lat);
  MemStatus transport(tlm::tlm_command cmd, PhysAddr pa, uint8_t* data, unsigned len, Tick* lat,
                      AtomicExtension* atomic = nullptr);
  bool tryDmi(tlm::tlm_command cmd, PhysAddr pa, uint8_t* data, size_t len, Tick* lat);
  void requestDmi(tlm::tlm_generic_payload& gp);
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

  tlm::tlm_generic_payload* acquire();
  void release(tlm::tlm_generic_payload* gp) { free_.push_back(gp); }

  // Payload pool: normally one payload; more only if a target blocks (wait()) while another
  // thread uses the same port.
  std::vector<std::unique_ptr<tlm::tlm_generic_payload>> owned_;
  std::vector<tlm::tlm_generic_payload*> free_;

  bool useDmi_ = false;
  bool ordered_ = false;
  std::array<tlm::tlm_dmi, kDmiEntries> dmi_;
  std::array<bool, kDmiEntries> dmiValid_{};
  size_t dmiNext_ = 0;

  uint64_t transactions_ = 0, dmiAccesses_ = 0, errors_ = 0;
};

}  // namespace smmu
