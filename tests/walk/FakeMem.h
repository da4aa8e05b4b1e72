// Test-local physical memory for the walk tests: a sparse map of 4 KiB pages (unwritten memory
// reads as zero), optional "no memory" ranges that answer MemStatus::ExternalAbort, a fixed
// latency per access, and counts of the accesses made through PhysMemIf.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <vector>

#include "mem/PhysMem.h"

namespace smmu::test {

class FakeMem : public PhysMemIf {
 public:
  explicit FakeMem(Tick latency = 7 * kPsPerNs) : latency_(latency) {}

  // Accesses touching [base, base + size) fail with ExternalAbort.
  void addHole(PhysAddr base, uint64_t size) { holes_.push_back({base, size, true}); }
  // Only writes touching [base, base + size) fail (reads still work).
  void addWriteHole(PhysAddr base, uint64_t size) { holes_.push_back({base, size, false}); }

  MemStatus read(PhysAddr pa, void* dst, size_t len, Tick* lat = nullptr) override {
    ++reads;
    if (lat) *lat += latency_;
    if (inHole(pa, len, true)) return MemStatus::ExternalAbort;
    copyOut(pa, static_cast<uint8_t*>(dst), len);
    return MemStatus::Ok;
  }
  MemStatus write(PhysAddr pa, const void* src, size_t len, Tick* lat = nullptr) override {
    ++writes;
    if (lat) *lat += latency_;
    if (inHole(pa, len, false)) return MemStatus::ExternalAbort;
    copyIn(pa, static_cast<const uint8_t*>(src), len);
    return MemStatus::Ok;
  }

  MemStatus atomic64(PhysAddr pa, AtomicRmw& op, Tick* lat = nullptr) override {
    ++atomics;
    if (beforeAtomic) beforeAtomic(pa);  // another agent's store landing just before
    if (lat) *lat += latency_;
    if ((pa & 7) != 0 || inHole(pa, 8, false) || inHole(pa, 8, true))
      return MemStatus::ExternalAbort;
    op.old = get64(pa);
    set64(pa, op.apply(op.old));
    return MemStatus::Ok;
  }

  // Backdoor helpers for building tables; not counted.
  void set64(PhysAddr pa, uint64_t v) { copyIn(pa, reinterpret_cast<const uint8_t*>(&v), 8); }
  uint64_t get64(PhysAddr pa) {
    uint64_t v = 0;
    copyOut(pa, reinterpret_cast<uint8_t*>(&v), 8);
    return v;
  }
  void setWords(PhysAddr pa, const uint64_t* w, size_t n) {
    for (size_t i = 0; i < n; ++i) set64(pa + 8 * i, w[i]);
  }

  Tick latency() const { return latency_; }
  // Called at the start of every atomic64, before it reads memory: a test's stand-in for another
  // agent (the host) storing to the word between the walker's read and its update.
  std::function<void(PhysAddr)> beforeAtomic;
  unsigned reads = 0;
  unsigned writes = 0;
  unsigned atomics = 0;

 private:
  static constexpr uint64_t kPage = 4096;
  struct Hole {
    PhysAddr base;
    uint64_t size;
    bool reads;  // also fails reads
  };
  bool inHole(PhysAddr pa, size_t len, bool isRead) const {
    for (const Hole& h : holes_) {
      if (isRead && !h.reads) continue;
      if (pa < h.base + h.size && h.base < pa + len) return true;
    }
    return false;
  }
  void copyOut(PhysAddr pa, uint8_t* dst, size_t len) {
    for (size_t i = 0; i < len; ++i) {
      auto it = pages_.find((pa + i) / kPage);
      dst[i] = it == pages_.end() ? 0 : it->second[(pa + i) % kPage];
    }
  }
  void copyIn(PhysAddr pa, const uint8_t* src, size_t len) {
    for (size_t i = 0; i < len; ++i) {
      auto& page = pages_[(pa + i) / kPage];
      page[(pa + i) % kPage] = src[i];
    }
  }
  Tick latency_;
  std::vector<Hole> holes_;
  std::map<uint64_t, std::array<uint8_t, kPage>> pages_;
};

}  // namespace smmu::test
