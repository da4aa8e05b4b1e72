// A DMA-capable device: a TLM initiator with a StreamID (and optional SubstreamID) that issues
// reads and writes following a traffic pattern, with up to `outstanding` transactions in
// flight. Transactions are loosely timed: each b_transport returns its latency, the device
// keeps the completion times of its in-flight transactions and waits only when all slots are
// busy (or for its think time), so a device costs about one wait() per transaction.
#pragma once
#include <memory>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>
#include <vector>

#include "LatencyHistogram.h"
#include "TraceSource.h"
#include "Traffic.h"
#include "TransactionRecorder.h"
#include "smmu/TxnExtension.h"

namespace smmu::tb {

struct DeviceParams {
  uint32_t sid = 0;
  uint32_t ssid = 0;
  bool ssv = false;
  bool priv = false;
  uint64_t iovaBase = 0;
  unsigned accessBytes = 64;
  unsigned outstanding = 4;
  uint64_t transactions = 1000;
  Tick thinkPs = 0;  // minimum gap between two issues
  // Trace-driven: issue these rows (each at its t_ns after the start, or later when all
  // outstanding slots are busy) instead of `transactions` accesses from the traffic pattern.
  std::shared_ptr<const std::vector<TraceRow>> trace;
  TransactionRecorder* recorder = nullptr;  // --record
  // 0: contention-accurate mode (every issue synchronises with the kernel, so shared
  // resources see requests in time order). Else loosely timed: the device runs ahead of the
  // kernel by up to the global quantum (tlm_global_quantum, set by the System).
  Tick quantumPs = 0;
};

struct DeviceStats {
  uint64_t issued = 0, completed = 0, faulted = 0, aborted = 0;
  uint64_t tlbHits = 0, walks = 0, walkReads = 0;
  LatencyHistogram latency;  // picoseconds, completed transactions
  Tick lastCompletionPs = 0;
  Tick startPs = 0;
};

class Device : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Device> socket;

  Device(sc_core::sc_module_name name, const DeviceParams& p,
         std::unique_ptr<TrafficPattern> traffic, const sc_core::sc_event& start);
  SC_HAS_PROCESS(Device);

  const DeviceParams& params() const { return p_; }
  const DeviceStats& stats() const { return stats_; }
  bool done() const { return done_; }
  sc_core::sc_event doneEvent;

 private:
  void run();
  Tick nowPs() const;
  void issue(uint64_t iova, bool write, unsigned bytes);
  void advanceTo(Tick t);  // let the device's time reach t (wait, or run ahead in LT mode)

  DeviceParams p_;
  std::unique_ptr<TrafficPattern> traffic_;
  const sc_core::sc_event& start_;
  DeviceStats stats_;
  bool done_ = false;
  bool lt_ = false;
  tlm_utils::tlm_quantumkeeper qk_;
  std::vector<Tick> inflight_;  // completion times, a min-heap of at most `outstanding`
  std::vector<unsigned char> buffer_;
  tlm::tlm_generic_payload payload_;
  TxnExtension* ext_;  // owned by payload_ (freed with it)
};

}  // namespace smmu::tb
