#include "host/HostMemoryPort.h"

#include "mem/MemoryTarget.h"

namespace smmu {

HostMemoryPort::HostMemoryPort(sc_core::sc_module_name name)
    : sc_core::sc_module(name), port("port") {
  // Where the memory grants DMI (no channel contention, no sized transfers) the accesses take
  // the same time through it, at a fraction of the host's cost.
  port.setUseDmi(true);
}

template <typename Access>
MemStatus HostMemoryPort::timed(Access&& access, Tick* lat) {
  // Issued at the host's time: the kernel's plus what the host's earlier accesses took.
  port.setTimeBase(MemoryTarget::toTick(sc_core::sc_time_stamp()) + local_);
  Tick t = 0;
  const MemStatus st = access(&t);
  ++accesses_;
  local_ += t;
  if (lat) *lat += t;
  if (MemoryTarget::toTime(local_) >= quantum) sync();
  return st;
}

MemStatus HostMemoryPort::read(PhysAddr pa, void* dst, size_t len, Tick* lat) {
  return timed([&](Tick* t) { return port.read(pa, dst, len, t); }, lat);
}

MemStatus HostMemoryPort::write(PhysAddr pa, const void* src, size_t len, Tick* lat) {
  return timed([&](Tick* t) { return port.write(pa, src, len, t); }, lat);
}

MemStatus HostMemoryPort::atomic64(PhysAddr pa, AtomicRmw& op, Tick* lat) {
  return timed([&](Tick* t) { return port.atomic64(pa, op, t); }, lat);
}

void HostMemoryPort::sync() {
  if (!local_) return;
  const sc_core::sc_time t = MemoryTarget::toTime(local_);
  local_ = 0;
  wait(t);
}

}  // namespace smmu
