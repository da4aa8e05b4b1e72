// The physical memory as a TLM-2.0 target. Every agent (SMMU walkers and queues through
// TlmMemPort, the host driver, devices) reaches the one SparseMemory through this socket, either
// through an interconnect or by binding directly: the socket is a multi-passthrough target
// socket, so any number of initiator sockets may bind to it.
//
//   b_transport         read/write; adds SparseMemory::latency() to the delay.
//                       Outside RAM -> TLM_ADDRESS_ERROR_RESPONSE, byte enables ->
//                       TLM_BYTE_ENABLE_ERROR_RESPONSE, streaming width < length ->
//                       TLM_BURST_ERROR_RESPONSE, IGNORE -> OK.
//   transport_dbg       read/write without time or counters; 0 bytes outside RAM.
//   get_direct_mem_ptr  grants read/write DMI to the 4 KiB page containing the address
//                       (allocating it), clipped to its RAM region, with read and write latency =
//                       SparseMemory::latency(); denied outside RAM, and denied (and not hinted
//                       by b_transport) while memory channels are limited or transfers cost by
//                       their size (burst bytes set): DMI accesses would bypass the contention
//                       and carry one latency whatever their size. DMI accesses bypass the SparseMemory counters
//                       (pages are never freed, so grants never expire).
#pragma once
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <systemc>
#include <tlm>

#include "arch/Types.h"
#include "mem/SparseMemory.h"

namespace smmu {

class MemoryTarget : public sc_core::sc_module {
 public:
  // Default bus width (32) like every simple socket; zero bindings are allowed.
  tlm_utils::multi_passthrough_target_socket<MemoryTarget, 32, tlm::tlm_base_protocol_types, 0,
                                             sc_core::SC_ZERO_OR_MORE_BOUND>
      socket;

  MemoryTarget(sc_core::sc_module_name name, SparseMemory& mem);

  SparseMemory& memory() { return mem_; }
  uint64_t dmiGrants() const { return dmiGrants_; }

  // Conversions between the pure logic's Tick (picoseconds) and SystemC time, exact for any time
  // resolution that is a power of ten of seconds.
  static sc_core::sc_time toTime(Tick ps);
  static Tick toTick(const sc_core::sc_time& t);

 private:
  void b_transport(int id, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned int transport_dbg(int id, tlm::tlm_generic_payload& gp);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
  // Channel contention or sized transfers: an access's time depends on more than DMI carries.
  bool timedBeyondDmi() const { return mem_.channels().limited() || mem_.sizedAccesses(); }

  SparseMemory& mem_;
  uint64_t dmiGrants_ = 0;
};

}  // namespace smmu
