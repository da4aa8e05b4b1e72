#include "mem/MemoryTarget.h"

#include "mem/AtomicExtension.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace smmu {
namespace {

// Resolution units per picosecond (> 0 when the resolution is 1 ps or finer) or picoseconds per
// resolution unit (when coarser). Read at use, i.e. after the resolution has been fixed.
struct Resolution {
  uint64_t unitsPerPs = 0;
  uint64_t psPerUnit = 0;
  bool ps = false;  // exactly 1 ps: values are picoseconds (no division)
};

Resolution computeResolution() {
  const double resPs = sc_core::sc_get_time_resolution().to_seconds() * 1e12;
  Resolution r;
  if (resPs <= 1.0 + 1e-9)
    r.unitsPerPs = static_cast<uint64_t>(std::llround(1.0 / resPs));
  else
    r.psPerUnit = static_cast<uint64_t>(std::llround(resPs));
  r.ps = r.unitsPerPs == 1;
  return r;
}

// Cached once elaboration is over: the resolution can no longer change then.
Resolution cachedResolution;
bool resolutionCached = false;

inline Resolution resolution() {
  if (resolutionCached) return cachedResolution;
  const Resolution r = computeResolution();
  const sc_core::sc_status st = sc_core::sc_get_status();
  if (st != sc_core::SC_ELABORATION && st != sc_core::SC_BEFORE_END_OF_ELABORATION) {
    cachedResolution = r;
    resolutionCached = true;
  }
  return r;
}

}  // namespace

sc_core::sc_time MemoryTarget::toTime(Tick ps) {
  if (ps == 0) return sc_core::SC_ZERO_TIME;
  // The last conversion is kept once the resolution is fixed (latencies repeat).
  static Tick lastPs = 0;
  static sc_core::sc_time last;
  if (ps == lastPs && resolutionCached) return last;
  const Resolution r = resolution();
  const sc_core::sc_time t = r.unitsPerPs
                                 ? sc_core::sc_time::from_value(ps * r.unitsPerPs)
                                 : sc_core::sc_time::from_value(ps / r.psPerUnit);  // rounds down
  if (resolutionCached) {
    lastPs = ps;
    last = t;
  }
  return t;
}

Tick MemoryTarget::toTick(const sc_core::sc_time& t) {
  if (t == sc_core::SC_ZERO_TIME) return 0;
  const Resolution r = resolution();
  if (r.ps) return t.value();
  if (r.unitsPerPs) return t.value() / r.unitsPerPs;
  return t.value() * r.psPerUnit;
}

MemoryTarget::MemoryTarget(sc_core::sc_module_name name, SparseMemory& mem)
    : sc_core::sc_module(name), socket("socket"), mem_(mem) {
  socket.register_b_transport(this, &MemoryTarget::b_transport);
  socket.register_transport_dbg(this, &MemoryTarget::transport_dbg);
  socket.register_get_direct_mem_ptr(this, &MemoryTarget::get_direct_mem_ptr);
}

void MemoryTarget::b_transport(int, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const unsigned len = gp.get_data_length();
  if (gp.get_byte_enable_ptr() != nullptr) {
    gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  // A streaming width of 0 is taken as "not streaming" (many initiators leave it unset).
  const unsigned width = gp.get_streaming_width();
  if (width != 0 && width < len) {
    gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  if (len != 0 && gp.get_data_ptr() == nullptr) {
    gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }

  Tick lat = 0;
  // Time order: nothing arrives before the kernel's time any more; only the accesses that ask
  // for it are ordered (not device data).
  if (mem_.timeOrdered()) [[unlikely]] {
    mem_.setHorizon(toTick(sc_core::sc_time_stamp()));
    mem_.orderNext(gp.get_extension<OrderedAccessExtension>() != nullptr);
  }
  mem_.setTimeBase(toTick(sc_core::sc_time_stamp() + delay));  // arrival, for contention
  MemStatus st = MemStatus::Ok;
  if (AtomicExtension* atomic = gp.get_extension<AtomicExtension>()) [[unlikely]] {
    // An atomic read-modify-write: an 8-byte read command whose buffer gets the old word.
    if (gp.get_command() != tlm::TLM_READ_COMMAND || len != 8) {
      gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
      return;
    }
    st = mem_.atomic64(gp.get_address(), atomic->rmw, &lat);
    delay += toTime(lat);
    if (st != MemStatus::Ok) {
      gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    std::memcpy(gp.get_data_ptr(), &atomic->rmw.old, 8);
    atomic->performed = true;
    gp.set_dmi_allowed(false);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  switch (gp.get_command()) {
    case tlm::TLM_READ_COMMAND:
      st = mem_.read(gp.get_address(), gp.get_data_ptr(), len, &lat);
      break;
    case tlm::TLM_WRITE_COMMAND:
      st = mem_.write(gp.get_address(), gp.get_data_ptr(), len, &lat);
      break;
    default:  // TLM_IGNORE_COMMAND
      gp.set_response_status(tlm::TLM_OK_RESPONSE);
      return;
  }
  delay += toTime(lat);
  if (st != MemStatus::Ok) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  gp.set_dmi_allowed(!timedBeyondDmi());
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int MemoryTarget::transport_dbg(int, tlm::tlm_generic_payload& gp) {
  const unsigned len = gp.get_data_length();
  if (len == 0 || gp.get_data_ptr() == nullptr || gp.get_byte_enable_ptr() != nullptr) return 0;
  MemStatus st = MemStatus::ExternalAbort;
  switch (gp.get_command()) {
    case tlm::TLM_READ_COMMAND:
      st = mem_.peek(gp.get_address(), gp.get_data_ptr(), len);
      break;
    case tlm::TLM_WRITE_COMMAND:
      st = mem_.poke(gp.get_address(), gp.get_data_ptr(), len);
      break;
    default:
      return 0;
  }
  if (st != MemStatus::Ok) return 0;
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
  return len;
}

bool MemoryTarget::get_direct_mem_ptr(int, tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi) {
  const PhysAddr addr = gp.get_address();
  const PhysAddr pageBase = addr & ~SparseMemory::kPageMask;
  const PhysAddr pageLast = pageBase + SparseMemory::kPageMask;

  SparseMemory::Region ram;
  if (timedBeyondDmi()) {
    // Accesses through DMI would escape the channel contention and the size of a transfer
    // (a DMI grant has one latency): none while either is modelled.
    dmi.set_start_address(pageBase);
    dmi.set_end_address(pageLast);
    dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_NONE);
    return false;
  }
  if (!mem_.ramIntervalAt(addr, ram)) {
    // Deny for the whole hole between the neighbouring RAM regions around addr.
    PhysAddr holeFirst = 0, holeLast = ~PhysAddr{0};
    for (const SparseMemory::Region& r : mem_.regions()) {
      if (r.last < addr) holeFirst = r.last + 1;  // r.last < addr <= max, so no wrap
      if (r.first > addr) {
        holeLast = r.first - 1;
        break;
      }
    }
    dmi.set_start_address(holeFirst);
    dmi.set_end_address(holeLast);
    dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_NONE);
    return false;
  }

  const PhysAddr first = std::max(pageBase, ram.first);
  const PhysAddr last = std::min(pageLast, ram.last);
  uint8_t* page = mem_.pagePtr(pageBase, true);
  const sc_core::sc_time lat = toTime(mem_.latency());
  dmi.set_dmi_ptr(page + (first - pageBase));
  dmi.set_start_address(first);
  dmi.set_end_address(last);
  dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_READ_WRITE);
  dmi.set_read_latency(lat);
  dmi.set_write_latency(lat);
  ++dmiGrants_;
  return true;
}

}  // namespace smmu
