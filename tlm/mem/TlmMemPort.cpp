#include "mem/TlmMemPort.h"

#include <climits>
#include <cstring>

#include "mem/AtomicExtension.h"
#include "mem/MemoryTarget.h"

namespace smmu {

namespace {
OrderedAccessExtension& orderedMark() {
  static OrderedAccessExtension mark;  // (a flag: one instance serves every payload)
  return mark;
}
}  // namespace

TlmMemPort::TlmMemPort(sc_core::sc_module_name name) : sc_core::sc_module(name), socket("socket") {
  socket.register_invalidate_direct_mem_ptr(this, &TlmMemPort::invalidate_direct_mem_ptr);
  acquire();  // allocate the first payload now, not on the first access
  release(owned_.front().get());
}

tlm::tlm_generic_payload* TlmMemPort::acquire() {
  if (free_.empty()) {
    owned_.push_back(std::make_unique<tlm::tlm_generic_payload>());
    return owned_.back().get();
  }
  tlm::tlm_generic_payload* gp = free_.back();
  free_.pop_back();
  return gp;
}

MemStatus TlmMemPort::read(PhysAddr pa, void* dst, size_t len, Tick* lat) {
  return access(tlm::TLM_READ_COMMAND, pa, static_cast<uint8_t*>(dst), len, lat);
}

MemStatus TlmMemPort::write(PhysAddr pa, const void* src, size_t len, Tick* lat) {
  // The payload's data pointer is non-const; a write target only reads through it.
  return access(tlm::TLM_WRITE_COMMAND, pa, static_cast<uint8_t*>(const_cast<void*>(src)), len,
                lat);
}

MemStatus TlmMemPort::atomic64(PhysAddr pa, AtomicRmw& op, Tick* lat) {
  AtomicExtension ext;
  ext.rmw = op;
  uint64_t before = 0;
  const MemStatus st = transport(tlm::TLM_READ_COMMAND, pa, reinterpret_cast<uint8_t*>(&before),
                                 8, lat, &ext);
  if (st != MemStatus::Ok) return st;
  if (!ext.performed) {
    ++errors_;
    return MemStatus::ExternalAbort;
  }
  op.old = before;
  return MemStatus::Ok;
}

MemStatus TlmMemPort::access(tlm::tlm_command cmd, PhysAddr pa, uint8_t* data, size_t len,
                             Tick* lat) {
  if (useDmi_ && !ordered_ && tryDmi(cmd, pa, data, len, lat)) return MemStatus::Ok;
  // A payload carries at most UINT_MAX bytes; longer accesses become several transactions.
  do {
    const unsigned chunk = len > UINT_MAX ? UINT_MAX : static_cast<unsigned>(len);
    const MemStatus st = transport(cmd, pa, data, chunk, lat);
    if (st != MemStatus::Ok) return st;
    pa += chunk;
    data += chunk;
    len -= chunk;
  } while (len != 0);
  return MemStatus::Ok;
}

MemStatus TlmMemPort::transport(tlm::tlm_command cmd, PhysAddr pa, uint8_t* data, unsigned len,
                                Tick* lat, AtomicExtension* atomic) {
  tlm::tlm_generic_payload* gp = acquire();
  if (atomic) gp->set_extension(atomic);
  if (ordered_) gp->set_extension(&orderedMark());
  gp->set_command(cmd);
  gp->set_address(pa);
  gp->set_data_ptr(data);
  gp->set_data_length(len);
  gp->set_streaming_width(len);
  gp->set_byte_enable_ptr(nullptr);
  gp->set_byte_enable_length(0);
  gp->set_dmi_allowed(false);
  gp->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);

  // Issue the access at timeBase() + *lat (the caller's position in its access sequence), as
  // an annotated delay relative to the kernel's time.
  const Tick now = MemoryTarget::toTick(sc_core::sc_time_stamp());
  const Tick issue = timeBase_ + (lat ? *lat : 0);
  const Tick ahead = issue > now ? issue - now : 0;
  sc_core::sc_time delay = MemoryTarget::toTime(ahead);
  socket->b_transport(*gp, delay);
  ++transactions_;
  if (lat) *lat += MemoryTarget::toTick(delay) - ahead;

  const bool ok = gp->is_response_ok();
  if (ordered_) gp->clear_extension(&orderedMark());
  if (atomic) {
    gp->clear_extension(atomic);  // the caller owns it
  } else if (ok && useDmi_ && !ordered_ && gp->is_dmi_allowed()) {
    requestDmi(*gp);
  }
  release(gp);
  if (!ok) {
    ++errors_;
    return MemStatus::ExternalAbort;
  }
  return MemStatus::Ok;
}

bool TlmMemPort::tryDmi(tlm::tlm_command cmd, PhysAddr pa, uint8_t* data, size_t len, Tick* lat) {
  if (len == 0) return false;
  const PhysAddr last = pa + (len - 1);
  if (last < pa) return false;  // wraps: let the target report it
  const bool isWrite = cmd == tlm::TLM_WRITE_COMMAND;
  for (size_t i = 0; i < kDmiEntries; ++i) {
    if (!dmiValid_[i]) continue;
    const tlm::tlm_dmi& d = dmi_[i];
    if (pa < d.get_start_address() || last > d.get_end_address()) continue;
    if (isWrite ? !d.is_write_allowed() : !d.is_read_allowed()) continue;
    uint8_t* p = d.get_dmi_ptr() + (pa - d.get_start_address());
    if (isWrite)
      std::memcpy(p, data, len);
    else
      std::memcpy(data, p, len);
    if (lat) *lat += MemoryTarget::toTick(isWrite ? d.get_write_latency() : d.get_read_latency());
    ++dmiAccesses_;
    return true;
  }
  return false;
}

void TlmMemPort::requestDmi(tlm::tlm_generic_payload& gp) {
  tlm::tlm_dmi d;
  if (!socket->get_direct_mem_ptr(gp, d) || d.get_dmi_ptr() == nullptr) return;
  dmi_[dmiNext_] = d;
  dmiValid_[dmiNext_] = true;
  dmiNext_ = (dmiNext_ + 1) % kDmiEntries;
}

void TlmMemPort::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  for (size_t i = 0; i < kDmiEntries; ++i)
    if (dmiValid_[i] && dmi_[i].get_start_address() <= end && start <= dmi_[i].get_end_address())
      dmiValid_[i] = false;
}

void TlmMemPort::setUseDmi(bool on) {
  useDmi_ = on;
  if (!on) dmiValid_.fill(false);
}

void TlmMemPort::setTimeOrdered(bool on) {
  ordered_ = on;
  if (on) dmiValid_.fill(false);
}


}  // namespace smmu
