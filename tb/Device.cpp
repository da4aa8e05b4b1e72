#include "Device.h"

#include <algorithm>

namespace smmu::tb {

using sc_core::sc_time;
using sc_core::SC_PS;

Device::Device(sc_core::sc_module_name name, const DeviceParams& p,
               std::unique_ptr<TrafficPattern> traffic, const sc_core::sc_event& start)
    : sc_module(name), socket("socket"), p_(p), traffic_(std::move(traffic)), start_(start) {
  inflight_.reset(p_.outstanding);
  unsigned maxBytes = p_.accessBytes;
  if (p_.trace)
    for (const auto& r : *p_.trace) maxBytes = std::max(maxBytes, r.bytes);
  buffer_.assign(maxBytes, 0);
  ext_ = new TxnExtension;
  payload_.set_extension(ext_);  // the payload owns it and frees it on destruction
  lt_ = p_.quantumPs != 0;
  if (lt_) qk_.reset();
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

inline void Device::issue(uint64_t iova, bool write, unsigned bytes, Tick now) {
  ext_->result = TranslationResult{};
  payload_.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  payload_.set_address(iova);
  payload_.set_data_ptr(buffer_.data());
  payload_.set_data_length(bytes);
  payload_.set_streaming_width(bytes);
  payload_.set_byte_enable_ptr(nullptr);
  payload_.set_dmi_allowed(false);
  payload_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  // The annotated delay starts at the device's local time offset (zero when not decoupled).
  sc_time delay = lt_ ? qk_.get_local_time() : sc_core::SC_ZERO_TIME;
  const uint64_t before = delay.value();
  ++stats_.issued;
  const Tick issued = now == kUnknownTime ? nowPs() : now;
  transport_->b_transport(payload_, delay);
  const Tick lat = toPs(delay.value() - before);
  const Tick done = issued + lat;
  const TranslationResult& r = ext_->result;
  const bool ok = payload_.is_response_ok();
  if (servedByCache(r.servedBy)) ++stats_.tlbHits;
  if (r.servedBy == ServedBy::Walk || (r.servedBy == ServedBy::Fault && r.walkReads))
    ++stats_.walks;
  stats_.walkReads += r.walkReads;
  if (ok) {
    ++stats_.completed;
    recordLatency(lat);
  } else {
    ++stats_.faulted;
    if (r.outcome == Outcome::Abort) ++stats_.aborted;
  }
  if (p_.recorder) p_.recorder->record(ext_->req, iova, write, issued, done, r, ok);
  stats_.lastCompletionPs = std::max(stats_.lastCompletionPs, done);
  inflight_.push(done);
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
  req = TranslationRequest{};
  req.acc.priv = p_.priv;
  req.sid = p_.sid;
  req.ssid = p_.ssid;
  req.ssv = p_.ssv;
  const uint64_t n = p_.trace ? p_.trace->size() : p_.transactions;
  for (uint64_t i = 0; i < n; ++i) {
    // A captured workload issues no earlier than the row's time.
    // The device's time when known from advanceTo (nothing has yielded since).
    Tick now = kUnknownTime;
    if (p_.trace) now = advanceTo(stats_.startPs + (*p_.trace)[i].tNs * kPsPerNs);
    if (inflight_.size() >= p_.outstanding)  // all slots busy: wait for the earliest
      now = advanceTo(inflight_.popEarliest());
    if (p_.trace) {
      // The row's stream, field by field (a struct copy right after building it would stall on
      // store forwarding when the SMMU reads it).
      const TraceRow& row = (*p_.trace)[i];
      req.sid = row.sid;
      req.ssid = row.ssid;
      req.ssv = row.ssv;
      issue(row.iova, row.write, row.bytes, now);
    } else {
      if (batchPos_ == batchLen_) {
        batchLen_ = size_t(std::min<uint64_t>(kBatch, n - i));
        traffic_->nextBatch(batch_.data(), batchLen_);
        batchPos_ = 0;
      }
      const Access a = batch_[batchPos_++];
      issue(p_.iovaBase + a.offset, a.write, p_.accessBytes, now);
    }
    if (p_.thinkPs) advanceTo(nowPs() + p_.thinkPs);
  }
  // Wait for the last transactions to complete so that simulated time covers them.
  advanceTo(stats_.lastCompletionPs);
  if (lt_) qk_.sync();
  flushLatency();
  done_ = true;
  doneEvent.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace smmu::tb
