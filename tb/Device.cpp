// Slot threads are spawned (sc_spawn) during elaboration.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include "Device.h"

#include <algorithm>

namespace smmu::tb {

using sc_core::sc_time;
using sc_core::SC_PS;

Device::Device(sc_core::sc_module_name name, const DeviceParams& p,
               std::unique_ptr<TrafficPattern> traffic, const sc_core::sc_event& start)
    : sc_module(name),
      socket("socket"),
      p_(p),
      traffic_(std::move(traffic)),
      start_(start),
      window_(p.window ? p.window : &ownWindow_) {
  inflight_.reset(p_.outstanding);
  unsigned maxBytes = p_.accessBytes;
  if (p_.trace)
    for (const auto& r : *p_.trace) maxBytes = std::max(maxBytes, r.bytes);
  buffer_.assign(maxBytes, 0);
  ext_ = new TxnExtension;
  payload_.set_extension(ext_);  // the payload owns it and frees it on destruction
  lt_ = p_.quantumPs != 0;
  if (lt_) qk_.reset();
  if (p_.slotThreads && !lt_) {
    for (unsigned k = 0; k < p_.outstanding; ++k) {
      auto slot = std::make_unique<Slot>();
      slot->buffer.assign(maxBytes, 0);
      slot->ext = new TxnExtension;
      slot->payload.set_extension(slot->ext);  // freed with the payload
      slots_.push_back(std::move(slot));
      sc_core::sc_spawn(sc_core::sc_bind(&Device::slotThread, this, k),
                        sc_core::sc_gen_unique_name("slot"));
    }
  }
  SC_THREAD(run);
}

Tick Device::nowPs() const {
  const Tick kernel = toPs(kernelTime().value());
  return lt_ ? kernel + toPs(qk_.get_local_time().value()) : kernel;
}

inline Tick Device::advanceTo(Tick t) {
  const sc_time& kernel = kernelTime();
  const Tick now = lt_ ? toPs(kernel.value()) + toPs(qk_.get_local_time().value())
                       : toPs(kernel.value());
  if (t <= now) return now;
  if (lt_) {  // loosely timed: run ahead of the kernel until the quantum is used up
    qk_.inc(gapTime(t - now));
    if (!qk_.needSyncAt(kernel)) return t;  // the local time grew by exactly t - now
  }
  return yieldUntil(t, now);
}

// advanceTo when the device has to yield: in LT mode its quantum is used up (the local time
// has already grown to t), else it waits until t.
__attribute__((noinline)) Tick Device::yieldUntil(Tick t, Tick now) {
  if (lt_)
    qk_.sync();
  else  // contention-accurate: every issue happens at the kernel's time
    wait(gapTime(t - now));
  return nowPs();
}

inline Tick Device::transport(tlm::tlm_generic_payload& payload) {
  // The annotated delay starts at the device's local time offset (zero when not decoupled).
  sc_time delay = lt_ ? qk_.get_local_time() : sc_core::SC_ZERO_TIME;
  const uint64_t before = delay.value();
  const uint64_t kernelBefore = kernelTime().value();
  transport_->b_transport(payload, delay);
  // The target may have waited inside the transport (contention mode): the kernel's time moved.
  return toPs(kernelTime().value() - kernelBefore + delay.value() - before);
}

inline Tick Device::issue(tlm::tlm_generic_payload& payload, TxnExtension& ext,
                          unsigned char* buffer, uint64_t iova, bool write, unsigned bytes,
                          Tick now) {
  ext.result = TranslationResult{};
  payload.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  payload.set_address(iova);
  payload.set_data_ptr(buffer);
  payload.set_data_length(bytes);
  payload.set_streaming_width(bytes);
  payload.set_byte_enable_ptr(nullptr);
  payload.set_dmi_allowed(false);
  payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  const Tick issued = now == kUnknownTime ? nowPs() : now;
  // Statistics count the transactions issued in the window: one compare once it is open.
  if (issued < window_->startPs && !window_->admit(issued)) [[unlikely]]
    return issueUncounted(payload, ext, iova, write, issued);
  ++stats_.issued;
  const Tick lat = transport(payload);
  const Tick done = issued + lat;
  const TranslationResult& r = ext.result;
  const bool ok = payload.is_response_ok();
  ++stats_.served[unsigned(r.servedBy)];
  if (r.servedBy == ServedBy::Walk || (r.servedBy == ServedBy::Fault && r.walkReads))
    ++stats_.walks;
  stats_.walkReads += r.walkReads;
  if (ok) {
    ++stats_.completed;
    stats_.bytes += bytes;
    recordLatency(lat);
  } else {
    ++stats_.faulted;
    if (r.outcome == Outcome::Abort) ++stats_.aborted;
  }
  if (p_.recorder) p_.recorder->record(ext.req, iova, write, issued, done, r, ok);
  stats_.lastCompletionPs = std::max(stats_.lastCompletionPs, done);
  return done;
}

__attribute__((noinline)) Tick Device::issueUncounted(tlm::tlm_generic_payload& payload,
                                                      TxnExtension& ext, uint64_t iova,
                                                      bool write, Tick issued) {
  const Tick done = issued + transport(payload);
  if (p_.recorder)
    p_.recorder->record(ext.req, iova, write, issued, done, ext.result, payload.is_response_ok());
  uncountedLastPs_ = std::max(uncountedLastPs_, done);
  return done;
}

void Device::initRequest(TranslationRequest& req) const {
  req = TranslationRequest{};
  req.acc.priv = p_.priv;
  req.sid = p_.sid;
  req.ssid = p_.ssid;
  req.ssv = p_.ssv;
  req.qos = p_.qos;
}

// Transaction i of n: a trace row, whose stream is written into req field by field (a struct
// copy right after building it would stall on store forwarding when the SMMU reads it), or the
// pattern's next access (taken in batches).
inline Device::Transfer Device::transfer(uint64_t i, uint64_t n, TranslationRequest& req) {
  if (p_.trace) {
    const TraceRow& row = (*p_.trace)[i];
    req.sid = row.sid;
    req.ssid = row.ssid;
    req.ssv = row.ssv;
    return {row.iova, row.write, row.bytes};
  }
  if (batchPos_ == batchLen_) {
    batchLen_ = size_t(std::min<uint64_t>(kBatch, n - i));
    traffic_->nextBatch(batch_.data(), batchLen_);
    batchPos_ = 0;
  }
  const Access a = batch_[batchPos_++];
  return {p_.iovaBase + a.offset, a.write, p_.accessBytes};
}

void Device::slotThread(unsigned k) {
  Slot& slot = *slots_[k];
  ++running_;
  wait(slotsGo_);
  TranslationRequest& req = slot.ext->req;
  initRequest(req);
  const uint64_t n = p_.trace ? p_.trace->size() : p_.transactions;
  while (nextIndex_ < n) {
    const uint64_t i = nextIndex_++;
    // In order: no earlier than the transaction before (plus the think time), nor its trace time.
    Tick at = std::max(nowPs(), nextIssueAt_);
    if (p_.trace) at = std::max(at, stats_.startPs + (*p_.trace)[i].tNs * kPsPerNs);
    nextIssueAt_ = at + p_.thinkPs;
    const Transfer t = transfer(i, n, req);
    advanceTo(at);
    const Tick done =
        issue(slot.payload, *slot.ext, slot.buffer.data(), t.iova, t.write, t.bytes, at);
    advanceTo(done);  // the slot is busy until its transaction completes
  }
  if (--running_ == 0) slotsDone_.notify();
}

// One thread for all slots: it issues when a slot is free, knowing every completion time at
// issue (the target annotates it).
inline void Device::issueInOrder(TranslationRequest& req) {
  const uint64_t n = p_.trace ? p_.trace->size() : p_.transactions;
  for (uint64_t i = 0; i < n; ++i) {
    // A captured workload issues no earlier than the row's time.
    // The device's time when known from advanceTo (nothing has yielded since).
    Tick now = kUnknownTime;
    if (p_.trace) now = advanceTo(stats_.startPs + (*p_.trace)[i].tNs * kPsPerNs);
    if (inflight_.size() >= p_.outstanding)  // all slots busy: wait for the earliest
      now = advanceTo(inflight_.popEarliest());
    const Transfer t = transfer(i, n, req);
    inflight_.push(issue(payload_, *ext_, buffer_.data(), t.iova, t.write, t.bytes, now));
    if (p_.thinkPs) advanceTo(nowPs() + p_.thinkPs);
  }
}

void Device::run() {
  // The time resolution is fixed once the simulation runs.
  unitsPerPs_ = sc_time(1, SC_PS).value();
  psResolution_ = unitsPerPs_ == 1;
  wait(start_);
  // The bound target's blocking-transport interface, fixed since elaboration: taken once, so
  // that a transaction does not redo the conversion to that (virtual) base of the socket's
  // interface.
  transport_ = socket.operator->();
  stats_.startPs = nowPs();
  // The request's constant part; the SMMU takes the request as input only (it fills in the
  // port, address and direction on its own copy). The stream too, unless a trace gives it.
  TranslationRequest& req = ext_->req;
  initRequest(req);
  if (slots_.empty()) {
    issueInOrder(req);
  } else {  // the slot threads issue; this thread waits for them to finish
    slotsGo_.notify();
    if (running_) wait(slotsDone_);
  }
  // Wait for the last transactions to complete so that simulated time covers them.
  advanceTo(std::max(stats_.lastCompletionPs, uncountedLastPs_));
  if (lt_) qk_.sync();
  flushLatency();
  done_ = true;
  doneEvent.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace smmu::tb
