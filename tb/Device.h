// A DMA-capable device: a TLM initiator with a StreamID (and optional SubstreamID) that issues
// reads and writes following a traffic pattern, with up to `outstanding` transactions in
// flight. Transactions are loosely timed: each b_transport returns its latency, the device
// keeps the completion times of its in-flight transactions and waits only when all slots are
// busy (or for its think time), so a device costs about one wait() per transaction.
// With slotThreads, each outstanding slot is a thread of its own that issues a transaction and
// waits for its completion: a transaction the target holds inside b_transport (an SMMU whose
// walker arbitration makes a miss wait there) then holds up only its slot, and the device goes
// on issuing on the others (hit under miss). Same issue rule: transaction i + 1 issues when a
// slot is free, no earlier than transaction i (plus the think time) and its trace time.
#pragma once
#include <array>
#include <functional>
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

// The statistics window, shared by the devices of a System: a device counts a transaction in
// its statistics when the transaction is issued at or after startPs. Until the window opens,
// startPs is kClosed and every issue asks admit(): the first transaction issued at or after
// warmupEndPs with at least warmupTransactions issued before it (by all devices) opens the
// window and is the first one counted; onOpen then resets the counters kept elsewhere (SMMUs,
// memory) before that transaction reaches them. A device without a window counts everything.
struct StatsWindow {
  static constexpr Tick kClosed = ~Tick{0};
  Tick startPs = 0;
  Tick warmupEndPs = 0;              // traffic start + run.warmup_ns
  uint64_t warmupTransactions = 0;   // run.warmup_transactions
  uint64_t excluded = 0;             // transactions issued outside the window (not counted)
  std::function<void(Tick)> onOpen;  // called with startPs when the window opens
  // A transaction issued at issuePs < startPs: true when it opens the window (count it), else
  // it is left out (before the window, or in LT mode behind a window another device opened).
  bool admit(Tick issuePs) {
    if (startPs == kClosed && excluded >= warmupTransactions && issuePs >= warmupEndPs) {
      startPs = issuePs;
      if (onOpen) onOpen(issuePs);
      return true;
    }
    ++excluded;
    return false;
  }
};

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
  uint8_t qos = 0;           // the transactions' priority (TranslationRequest::qos)
  bool slotThreads = false;  // a thread per outstanding slot (contention mode only)
  StatsWindow* window = nullptr;  // nullptr: count every transaction
};

// Completion times of the in-flight transactions in ascending order: a ring buffer kept sorted
// by inserting from the back. Completions mostly arrive in issue order, so an insert is O(1)
// (a binary heap would cost O(log n) on every insert and removal). The ring's size is a power
// of two at least the capacity, so that positions wrap by a mask.
class CompletionQueue {
 public:
  void reset(size_t capacity) {
    size_t n = 1;
    while (n < capacity) n <<= 1;
    buf_.assign(n, 0);
    mask_ = n - 1;
    head_ = size_ = 0;
  }
  size_t size() const { return size_; }
  Tick earliest() const { return buf_[head_]; }
  Tick popEarliest() {  // size() > 0
    const Tick t = buf_[head_];
    head_ = (head_ + 1) & mask_;
    --size_;
    return t;
  }
  void push(Tick t) {  // size() < capacity
    Tick* b = buf_.data();
    size_t i = (head_ + size_) & mask_;
    for (size_t n = size_; n > 0; --n) {
      const size_t prev = (i - 1) & mask_;
      if (b[prev] <= t) break;
      b[i] = b[prev];
      i = prev;
    }
    b[i] = t;
    ++size_;
  }

 private:
  std::vector<Tick> buf_;
  size_t mask_ = 0;
  size_t head_ = 0, size_ = 0;
};

// Transactions issued in the statistics window (StatsWindow), all of them without one.
struct DeviceStats {
  uint64_t issued = 0, completed = 0, faulted = 0, aborted = 0;
  // Where each transaction was served, indexed by ServedBy (one each: they sum to issued).
  std::array<uint64_t, kServedByCount> served{};
  uint64_t walks = 0, walkReads = 0;
  uint64_t bytes = 0;        // of the completed transactions
  LatencyHistogram latency;  // picoseconds, completed transactions
  Tick lastCompletionPs = 0;
  Tick startPs = 0;          // when the device started (not the window's start)
};

// The quantum keeper, with need_sync() for a kernel time the caller has already read.
class DeviceQuantumKeeper : public tlm_utils::tlm_quantumkeeper {
 public:
  bool needSyncAt(const sc_core::sc_time& kernel) const {
    return kernel + m_local_time >= m_next_sync_point;
  }
};

class Device : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Device> socket;

  Device(sc_core::sc_module_name name, const DeviceParams& p,
         std::unique_ptr<TrafficPattern> traffic, const sc_core::sc_event& start);
  SC_HAS_PROCESS(Device);

  const DeviceParams& params() const { return p_; }
  const DeviceStats& stats() const {
    flushLatency();
    return stats_;
  }
  bool done() const { return done_; }
  sc_core::sc_event doneEvent;

 private:
  void run();
  // The kernel's time: sc_time_stamp() without its library call (the simulation context's
  // time is an inline read).
  const sc_core::sc_time& kernelTime() const { return simcontext()->time_stamp(); }
  Tick nowPs() const;
  // SystemC time value <-> picoseconds (unitsPerPs_: resolution units per ps, set at start).
  Tick toPs(uint64_t value) const { return psResolution_ ? value : value / unitsPerPs_; }
  sc_core::sc_time fromPs(Tick ps) const { return sc_core::sc_time::from_value(ps * unitsPerPs_); }
  // Issues one transaction at the device's time `now` (kUnknownTime: read it here) with the
  // given payload, extension and data buffer; returns its completion time.
  static constexpr Tick kUnknownTime = ~Tick{0};
  // (Inlined into its two callers: the single-thread loop and the slot threads.)
  __attribute__((always_inline)) inline Tick issue(tlm::tlm_generic_payload& payload,
                                                   TxnExtension& ext, unsigned char* buffer,
                                                   uint64_t iova, bool write, unsigned bytes,
                                                   Tick now);
  // The transport of a transaction from the device's time: its latency.
  inline Tick transport(tlm::tlm_generic_payload& payload);
  // issue() for a transaction outside the statistics window: transported (and recorded), not
  // counted. Returns its completion time.
  Tick issueUncounted(tlm::tlm_generic_payload& payload, TxnExtension& ext, uint64_t iova,
                      bool write, Tick issued);
  // slotThreads: one slot's thread; the threads share the sequence of transactions.
  void slotThread(unsigned slot);
  // The request fields a device sets once (the stream, unless a trace row gives it).
  void initRequest(TranslationRequest& req) const;
  struct Transfer {
    uint64_t iova;
    bool write;
    unsigned bytes;
  };
  // Transaction `index` of `total`: a trace row (its stream into req) or the pattern's next.
  Transfer transfer(uint64_t index, uint64_t total, TranslationRequest& req);
  // The single-thread way: issue every transaction, waiting only when all slots are busy.
  void issueInOrder(TranslationRequest& req);
  // Lets the device's time reach t (wait, or run ahead in LT mode); returns the device's time.
  Tick advanceTo(Tick t);  // (inline: the device loop's own)
  Tick yieldUntil(Tick t, Tick now);
  // Latencies are recorded in runs of equal values (most transactions of a device take the
  // same time); the pending run is added to stats_.latency before anyone reads the stats.
  void recordLatency(Tick lat) {
    if (lat == pendingLat_ && pendingCount_) {
      ++pendingCount_;
      return;
    }
    flushLatency();
    pendingLat_ = lat;
    pendingCount_ = 1;
  }
  void flushLatency() const {
    if (pendingCount_) stats_.latency.record(pendingLat_, pendingCount_);
    pendingCount_ = 0;
  }
  // fromPs for advancing time: the last conversion is kept (the same gap recurs).
  sc_core::sc_time gapTime(Tick ps) {
    if (ps != lastGapPs_) {
      lastGap_ = fromPs(ps);
      lastGapPs_ = ps;
    }
    return lastGap_;
  }

  DeviceParams p_;
  std::unique_ptr<TrafficPattern> traffic_;
  // Accesses of the traffic pattern taken in batches (never beyond the device's transactions);
  // 16 make the virtual call negligible and cost 256 bytes per device (thousands in `scale`).
  static constexpr size_t kBatch = 16;
  std::array<Access, kBatch> batch_;
  size_t batchPos_ = 0, batchLen_ = 0;
  const sc_core::sc_event& start_;
  mutable DeviceStats stats_;  // mutable: stats() adds the pending latency run
  StatsWindow ownWindow_;      // counts everything: the window of a device given none
  StatsWindow* window_;
  Tick uncountedLastPs_ = 0;   // the last completion of a transaction left out of stats_
  mutable Tick pendingLat_ = 0;
  mutable uint64_t pendingCount_ = 0;
  Tick lastGapPs_ = 0;
  sc_core::sc_time lastGap_;
  bool done_ = false;
  bool lt_ = false;
  uint64_t unitsPerPs_ = 1;
  bool psResolution_ = true;  // unitsPerPs_ == 1: no division
  DeviceQuantumKeeper qk_;
  CompletionQueue inflight_;  // completion times of at most `outstanding` transactions
  std::vector<unsigned char> buffer_;
  tlm::tlm_generic_payload payload_;
  tlm::tlm_blocking_transport_if<tlm::tlm_generic_payload>* transport_ = nullptr;
  TxnExtension* ext_;  // owned by payload_ (freed with it)

  // slotThreads: each slot's own transaction, and the shared issue order.
  struct Slot {
    tlm::tlm_generic_payload payload;
    TxnExtension* ext = nullptr;  // owned by payload
    std::vector<unsigned char> buffer;
  };
  std::vector<std::unique_ptr<Slot>> slots_;
  uint64_t nextIndex_ = 0;  // the next transaction to issue
  Tick nextIssueAt_ = 0;    // the earliest time it may issue (order, think time)
  unsigned running_ = 0;    // slot threads not finished
  sc_core::sc_event slotsGo_, slotsDone_;
};

}  // namespace smmu::tb
