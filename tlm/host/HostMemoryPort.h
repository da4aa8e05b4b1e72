// The host agent's way to memory: PhysMemIf over TLM-2.0 (a TlmMemPort bound to the memory
// target), placing every access at the host's own simulated time, like every other initiator.
//
// The host is a CPU running the driver: its accesses are made one after another, each when the
// previous one has completed. They do not wait() one by one: the host runs ahead of the kernel
// by the time its accesses took (a local time, as TLM-2.0 temporal decoupling does) and waits it
// out in sync(), which the register port calls before every register access and poll (so that a
// register write publishing memory contents, CMDQ_PROD after the commands, comes after their
// writes in simulated time) and which the port calls itself once the local time reaches
// `quantum` (so the host never gets far ahead of the memory's contention calendar).
//
// What the caller passes as *lat only receives the latency (the driver keeps its own memory-time
// totals); the access is placed at kernel time + local time, never at a caller's running sum.
#pragma once
#include <systemc>

#include "arch/Types.h"
#include "mem/PhysMem.h"
#include "mem/TlmMemPort.h"

namespace smmu {

class HostMemoryPort : public sc_core::sc_module, public PhysMemIf {
 public:
  TlmMemPort port;  // bind port.socket to the memory
  sc_core::sc_time quantum = sc_core::sc_time(10, sc_core::SC_US);

  explicit HostMemoryPort(sc_core::sc_module_name name);

  MemStatus read(PhysAddr pa, void* dst, size_t len, Tick* lat = nullptr) override;
  MemStatus write(PhysAddr pa, const void* src, size_t len, Tick* lat = nullptr) override;
  MemStatus atomic64(PhysAddr pa, AtomicRmw& op, Tick* lat = nullptr) override;

  // Waits until the kernel reaches the host's time (from an SC_THREAD).
  void sync();
  Tick localTime() const { return local_; }  // picoseconds ahead of the kernel
  uint64_t accesses() const { return accesses_; }

 private:
  template <typename Access>
  MemStatus timed(Access&& access, Tick* lat);
  Tick local_ = 0;
  uint64_t accesses_ = 0;
};

}  // namespace smmu
