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

// An atomic read-modify-write of one naturally aligned 64-bit word, as AMBA's AtomicCompare
// (compare-and-swap) and AtomicLoad LDSET / LDCLR (fetch-or, fetch-and-not) perform it at the
// memory: the read and the write are one indivisible access, so no other agent's write can land
// between them. `old` receives the word as it was before the operation; a compare-and-swap
// writes `operand` only when `old == compare`. HTTU needs this (IHI 0070 3.13: "Agents
// supporting HTTU update the flags atomically"; 3.15: software sharing a table with HTTU must use
// atomics too).
enum class AtomicOp : uint8_t { CompareAndSwap, FetchOr, FetchAndNot };
struct AtomicRmw {
  AtomicOp op = AtomicOp::CompareAndSwap;
  uint64_t operand = 0;  // the new value (compare-and-swap) or the bits to set / clear
  uint64_t compare = 0;  // compare-and-swap: the value expected in memory
  uint64_t old = 0;      // out: the word before the operation
  // The word after the operation, given the word before it.
  uint64_t apply(uint64_t before) const {
    switch (op) {
      case AtomicOp::CompareAndSwap: return before == compare ? operand : before;
      case AtomicOp::FetchOr: return before | operand;
      case AtomicOp::FetchAndNot: return before & ~operand;
    }
    return before;
  }
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

  // Atomic read-modify-write of the 64-bit word at pa (see AtomicRmw), one access with the
  // memory's atomic latency. A pa that is not 8-byte aligned is an ExternalAbort (AMBA atomics
  // are naturally aligned) and changes nothing.
  virtual MemStatus atomic64(PhysAddr pa, AtomicRmw& op, Tick* lat = nullptr) = 0;
  // Compare-and-swap: `old` is what memory held; the swap happened iff old == expected.
  MemStatus compareAndSwap64(PhysAddr pa, uint64_t expected, uint64_t desired, uint64_t& old,
                             Tick* lat = nullptr) {
    AtomicRmw a{AtomicOp::CompareAndSwap, desired, expected};
    const MemStatus st = atomic64(pa, a, lat);
    old = a.old;
    return st;
  }
  MemStatus fetchOr64(PhysAddr pa, uint64_t bits, uint64_t& old, Tick* lat = nullptr) {
    AtomicRmw a{AtomicOp::FetchOr, bits};
    const MemStatus st = atomic64(pa, a, lat);
    old = a.old;
    return st;
  }
  MemStatus fetchAndNot64(PhysAddr pa, uint64_t bits, uint64_t& old, Tick* lat = nullptr) {
    AtomicRmw a{AtomicOp::FetchAndNot, bits};
    const MemStatus st = atomic64(pa, a, lat);
    old = a.old;
    return st;
  }

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
