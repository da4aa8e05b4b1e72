#include "Device.h"

#include <algorithm>
#include <functional>

namespace smmu::tb {

using sc_core::sc_time;
using sc_core::SC_PS;

Device::Device(sc_core::sc_module_name name, const DeviceParams& p,
               std::unique_ptr<TrafficPattern> traffic, const sc_core::sc_event& start)
    : sc_module(name), socket("socket"), p_(p), traffic_(std::move(traffic)), start_(start) {
  inflight_.reserve(p_.outstanding);
  buffer_.assign(p_.accessBytes, 0);
  ext_ = new TxnExtension;
  payload_.set_extension(ext_);  // the payload owns it and frees it on destruction
  SC_THREAD(run);
}

Tick Device::nowPs() const {
  return Tick(sc_core::sc_time_stamp().value() / sc_time(1, SC_PS).value());
}

void Device::run() {
  wait(start_);
  std::greater<Tick> later;
  for (uint64_t i = 0; i < p_.transactions; ++i) {
    if (inflight_.size() >= p_.outstanding) {
      std::pop_heap(inflight_.begin(), inflight_.end(), later);
      const Tick free = inflight_.back();
      inflight_.pop_back();
      const Tick now = nowPs();
      if (free > now) wait(sc_time(double(free - now), SC_PS));
    }
    const Access a = traffic_->next();
    ext_->req = TranslationRequest{};
    ext_->req.sid = p_.sid;
    ext_->req.ssid = p_.ssid;
    ext_->req.ssv = p_.ssv;
    ext_->req.acc.priv = p_.priv;
    ext_->result = TranslationResult{};
    payload_.set_command(a.write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    payload_.set_address(p_.iovaBase + a.offset);
    payload_.set_data_ptr(buffer_.data());
    payload_.set_data_length(p_.accessBytes);
    payload_.set_streaming_width(p_.accessBytes);
    payload_.set_byte_enable_ptr(nullptr);
    payload_.set_dmi_allowed(false);
    payload_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time delay = sc_core::SC_ZERO_TIME;
    ++stats_.issued;
    socket->b_transport(payload_, delay);
    const Tick lat = Tick(delay.value() / sc_time(1, SC_PS).value());
    const Tick done = nowPs() + lat;
    const TranslationResult& r = ext_->result;
    if (r.servedBy == ServedBy::Tlb) ++stats_.tlbHits;
    if (r.servedBy == ServedBy::Walk || (r.servedBy == ServedBy::Fault && r.walkReads)) ++stats_.walks;
    stats_.walkReads += r.walkReads;
    if (payload_.is_response_ok()) {
      ++stats_.completed;
      stats_.latency.record(lat);
    } else {
      ++stats_.faulted;
      if (r.outcome == Outcome::Abort) ++stats_.aborted;
    }
    stats_.lastCompletionPs = std::max(stats_.lastCompletionPs, done);
    inflight_.push_back(done);
    std::push_heap(inflight_.begin(), inflight_.end(), later);
    if (p_.thinkPs) wait(sc_time(double(p_.thinkPs), SC_PS));
  }
  // Wait for the last transactions to complete so that simulated time covers them.
  const Tick now = nowPs();
  if (stats_.lastCompletionPs > now) wait(sc_time(double(stats_.lastCompletionPs - now), SC_PS));
  done_ = true;
  doneEvent.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace smmu::tb
