// One SMMU instance as a SystemC module: SmmuCore plus sockets and time.
//   regs   target socket: the register frame (the host agent programs it)
//   dmaIn  target socket (one binding per device, IndexedTargetSocket): DMA from devices,
//          carrying a TxnExtension
//   walk   initiator (TlmMemPort): table walks, queue reads/writes, MSIs -> memory
//   dmaOut initiator: translated DMA -> memory
// Translations are loosely timed: b_transport annotates the translation latency onto the
// caller's delay and forwards the transaction downstream with the translated address.
// With dmaDmi set (System: LT mode), translated data accesses use DMI where memory grants it:
// the same bytes and the same latency, without the downstream transport.
// The command queue is consumed by a thread woken by CMDQ_PROD writes; each command takes
// its memory time plus command_cycles of simulated time.
// Walker arbitration: with ptw_arbitration fifo the core's walker pool serves misses in arrival
// order, computed on arrival (exact for FIFO). Any other policy needs the choice made when a
// walker frees, among the misses waiting then: those misses wait inside b_transport (a blocking
// transport may) for the WalkerArbiter to grant them a walker; hits and misses that find a
// walker free return at once as usual. Initiators keep issuing while one of their transactions
// waits only if they issue from several threads (the testbench's devices do, one per slot).
#pragma once
#include <array>
#include <deque>
#include <memory>
#include <systemc>
#include <unordered_map>
#include <vector>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "mem/TlmMemPort.h"
#include "smmu/IndexedTargetSocket.h"
#include "smmu/SmmuCore.h"
#include "smmu/TxnExtension.h"
#include "smmu/WalkerArbiter.h"

namespace smmu {

class Smmu : public sc_core::sc_module {
  // DMA from the device bound at `port` of dmaIn (declared ahead: dmaIn's type names it).
  void dmaTransport(int port, tlm::tlm_generic_payload& p, sc_core::sc_time& delay);

 public:
  tlm_utils::simple_target_socket<Smmu> regs;
  IndexedTargetSocket<Smmu, &Smmu::dmaTransport> dmaIn;
  tlm_utils::simple_initiator_socket<Smmu> dmaOut;
  TlmMemPort walk;

  Smmu(sc_core::sc_module_name name, const SmmuConfig& cfg);
  SC_HAS_PROCESS(Smmu);

  SmmuCore& core() { return core_; }
  const SmmuConfig& config() const { return core_.config(); }
  sc_core::sc_time regAccessLatency = sc_core::sc_time(10, sc_core::SC_NS);

  // Counters of the DMA path (not of the translation itself).
  uint64_t dmaWithoutExtension = 0;
  uint64_t dmaDmiAccesses = 0;  // translated accesses served through DMI

  // Use DMI for translated data where the memory grants it (asked for after a successful
  // b_transport write, so that a grant never allocates memory the transport would not have).
  bool dmaDmi = false;

  // Walker arbitration through the WalkerArbiter (see above): on when ptw_arbitration is not
  // fifo; tests also turn it on for fifo (which then must equal the core's walker pool).
  void setArbitratedWalkers(bool on) { arbitrated_ = on; }
  bool arbitratedWalkers() const { return arbitrated_; }
  const WalkerArbitrationStats& arbitrationStats() const { return arbStats_; }
  // Starts the statistics afresh (SmmuCore::resetStats, the arbiter's and the DMA path's
  // counters); the model's state and timing are untouched.
  void resetStats() {
    core_.resetStats();
    arbStats_ = WalkerArbitrationStats{};
    dmaWithoutExtension = dmaDmiAccesses = 0;
  }

 private:
  struct WalkWaiter;
  void dmaTransportArbitrated(int port, tlm::tlm_generic_payload& p, sc_core::sc_time& delay,
                              TxnExtension* ext);
  // A translation parked at its walker request, to the end of its translation (it is Done).
  void arbitrateWalk(Translation& t, uint64_t order);
  // Grants free walkers to waiting misses, once per time step with requests and releases.
  void arbitrationPass();
  Tick nowTick();  // the kernel's time in picoseconds
  void waitUntilPs(Tick t);
  void wakeSlotWaiter(uint32_t port);
  void regTransport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned regDebug(tlm::tlm_generic_payload& p);
  void commandThread();
  void dmaTransportWithoutExtension(int port, tlm::tlm_generic_payload& p,
                                    sc_core::sc_time& delay);
  Tick timeOf(const sc_core::sc_time& delay);
  // Picoseconds as sc_time (after timeOf() has set the resolution).
  sc_core::sc_time psTime(Tick ps) const { return sc_core::sc_time::from_value(ps * unitsPerPs_); }
  static TranslationRequest requestOf(int port, const tlm::tlm_generic_payload& p,
                                      const TxnExtension& ext);
  // latencyPs: the translation time still to annotate (r.latency, or what is left of it after
  // waiting inside the transport).
  void completeDma(tlm::tlm_generic_payload& p, const TranslationResult& r, Tick latencyPs,
                   sc_core::sc_time& delay);
  // Translated data through a DMI grant; false when none covers it (use b_transport).
  bool dmaThroughDmi(tlm::tlm_generic_payload& p, PhysAddr pa, sc_core::sc_time& delay);
  void requestDmi(tlm::tlm_generic_payload& p, PhysAddr pa);
  void invalidateDmi(sc_dt::uint64 start, sc_dt::uint64 end);

  // DMI grants of the data path, direct-mapped by 4 KiB page of their start address. Access
  // and latency are indexed by the command (TLM_READ_COMMAND 0, TLM_WRITE_COMMAND 1), so that
  // the random read/write mix of a device costs no data-dependent branch.
  struct alignas(64) DmiGrant {  // (64 bytes: a grant is found by a shift, in one cache line)
    uint8_t allow = 0;  // bit c: command c granted (0: no grant)
    uint64_t start = 0, end = 0;  // inclusive
    uint64_t span = 0;            // end - start
    unsigned char* ptr = nullptr;
    sc_core::sc_time latency[2];  // read, write
  };
  static constexpr size_t kDmiGrants = 256;
  std::array<DmiGrant, kDmiGrants> dmi_;

  SmmuCore core_;  // a member, not on the heap: one dependent load less on every DMA
  uint64_t unitsPerPs_ = 0;  // time resolution units per picosecond (set on first use)
  bool psResolution_ = false;  // unitsPerPs_ == 1: no division
  Tick lastLatencyPs_ = 0;   // the last translation latency converted, and its sc_time
  sc_core::sc_time lastLatency_;
  sc_core::sc_event cmdqKick_;

  bool arbitrated_ = false;
  WalkerArbiter arbiter_;
  // Misses waiting for a walker, by stream (a walk's fill can only serve its own stream).
  std::unordered_map<uint64_t, std::vector<WalkWaiter*>> queuedWalks_;
  // Per TBU: transactions waiting for one of its translation slots, in order.
  std::vector<std::deque<sc_core::sc_event*>> slotWaiters_;
  WalkerArbitrationStats arbStats_;
  uint64_t arrivals_ = 0;  // arbitrated transactions so far: their arrival order
  sc_core::sc_event arbitrate_;
};

}  // namespace smmu
