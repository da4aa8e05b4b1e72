// The interface through which every agent (SMMU walkers, queues, host driver, devices) reads and
// writes physical memory. The pure logic (walker, config fetch, page-table builder) takes a
// PhysMemIf&, so it runs against SparseMemory directly in unit tests and against a TLM socket
// (which adds the memory latency in simulated time) inside the SystemC model.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "arch/Types.h"

namespace smmu {

enum class MemStatus : uint8_t {
  Ok,
  ExternalAbort,  // no memory at that address (outside every declared RAM region)
};

class PhysMemIf {
 public:
  virtual ~PhysMemIf() = default;
  // Read/write len bytes at pa. If lat is non-null, the access latency is added to *lat.
  virtual MemStatus read(PhysAddr pa, void* dst, size_t len, Tick* lat = nullptr) = 0;
  virtual MemStatus write(PhysAddr pa, const void* src, size_t len, Tick* lat = nullptr) = 0;

  // Little-endian 64-bit helpers (the model's host is little-endian, like the structures).
  MemStatus read64(PhysAddr pa, uint64_t& v, Tick* lat = nullptr) { return read(pa, &v, 8, lat); }
  MemStatus write64(PhysAddr pa, uint64_t v, Tick* lat = nullptr) { return write(pa, &v, 8, lat); }
  MemStatus read32(PhysAddr pa, uint32_t& v, Tick* lat = nullptr) { return read(pa, &v, 4, lat); }
  MemStatus write32(PhysAddr pa, uint32_t v, Tick* lat = nullptr) { return write(pa, &v, 4, lat); }

  // Simulated time (ps) at which the caller's current sequence of accesses starts. An access
  // made with *lat == x is issued at timeBase() + x. Memories that model contention (channels,
  // queueing) use it to place the access in time; the rest ignore it.
  void setTimeBase(Tick t) { timeBase_ = t; }
  Tick timeBase() const { return timeBase_; }

 protected:
  Tick timeBase_ = 0;
};

// A nested sequence of accesses (a stage-2 walk inside a stage-1 walk) that starts `offset` after
// the enclosing sequence's time base: moves the time base for its lifetime, then restores it.
class TimeBaseShift {
 public:
  TimeBaseShift(PhysMemIf& mem, Tick offset) : mem_(mem), saved_(mem.timeBase()) {
    mem.setTimeBase(saved_ + offset);
  }
  ~TimeBaseShift() { mem_.setTimeBase(saved_); }
  TimeBaseShift(const TimeBaseShift&) = delete;
  TimeBaseShift& operator=(const TimeBaseShift&) = delete;

 private:
  PhysMemIf& mem_;
  Tick saved_;
};

}  // namespace smmu
