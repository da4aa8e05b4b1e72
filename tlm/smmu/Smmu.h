// One SMMU instance as a SystemC module: SmmuCore plus sockets and time.
//   regs   target socket: the register frame (the host agent programs it)
//   dmaIn  target socket (multi): DMA from devices, carrying a TxnExtension
//   walk   initiator (TlmMemPort): table walks, queue reads/writes, MSIs -> memory
//   dmaOut initiator: translated DMA -> memory
// Translations are loosely timed: b_transport annotates the translation latency onto the
// caller's delay and forwards the transaction downstream with the translated address.
// The command queue is consumed by a thread woken by CMDQ_PROD writes; each command takes
// its memory time plus command_cycles of simulated time.
#pragma once
#include <memory>
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "mem/TlmMemPort.h"
#include "smmu/SmmuCore.h"
#include "smmu/TxnExtension.h"

namespace smmu {

class Smmu : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Smmu> regs;
  tlm_utils::multi_passthrough_target_socket<Smmu> dmaIn;
  tlm_utils::simple_initiator_socket<Smmu> dmaOut;
  TlmMemPort walk;

  Smmu(sc_core::sc_module_name name, const SmmuConfig& cfg);
  SC_HAS_PROCESS(Smmu);

  SmmuCore& core() { return *core_; }
  const SmmuConfig& config() const { return core_->config(); }
  sc_core::sc_time regAccessLatency = sc_core::sc_time(10, sc_core::SC_NS);

  // Counters of the DMA path (not of the translation itself).
  uint64_t dmaWithoutExtension = 0;

 private:
  void regTransport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned regDebug(tlm::tlm_generic_payload& p);
  void dmaTransport(int port, tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void commandThread();

  std::unique_ptr<SmmuCore> core_;
  sc_core::sc_event cmdqKick_;
};

}  // namespace smmu
