// Physical memory for the host agent's tables and queues: hands out naturally aligned, zeroed
// blocks from one region [base, base + size), like the kernel's page / DMA allocators do for
// io-pgtable and arm-smmu-v3. A bump pointer with alignment, plus per-size free lists that take
// back whole blocks (and the alignment gaps the bump pointer skips). Zeroing goes through
// PhysMemIf, so it is a real memory access of the model.
#pragma once
#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

#include "arch/Types.h"
#include "mem/PhysMem.h"

namespace smmu {

class PageAllocator {
 public:
  // Throws std::invalid_argument if the region is empty or wraps past 2^64. timedZeroing false:
  // blocks are zeroed without latency (nullptr *lat: no simulated time, no memory contention),
  // for memory that is set up outside the simulated system (the testbench's DMA buffers).
  PageAllocator(PhysMemIf& mem, PhysAddr base, uint64_t size, bool timedZeroing = true);

  // A zeroed block of at least `size` bytes. The block size is `size` rounded up to a power of
  // two (minimum 8 bytes); it is aligned to that block size, or to `align` if larger (align must
  // be 0 or a power of two). Throws std::runtime_error naming the request and the region when
  // the region is exhausted, std::invalid_argument for size 0 or a bad alignment.
  PhysAddr alloc(uint64_t size, uint64_t align = 0);
  // Returns a block obtained from alloc (pa and the size passed to alloc, or the block size).
  // Throws std::invalid_argument for an address that is not a live block or a size mismatch.
  void free(PhysAddr pa, uint64_t size);

  // Block size alloc() uses for a request of `size` bytes.
  static uint64_t blockSize(uint64_t size);

  PhysAddr base() const { return base_; }
  uint64_t size() const { return size_; }
  uint64_t bytesInUse() const { return inUse_; }   // sum of live block sizes
  uint64_t peakBytesInUse() const { return peak_; }
  uint64_t bumpOffset() const { return next_ - base_; }  // high-water mark of the bump pointer
  uint64_t liveBlocks() const { return live_.size(); }
  bool owns(PhysAddr pa) const { return pa >= base_ && pa - base_ < size_; }
  Tick memoryTime() const { return memTime_; }  // latency of the zeroing writes so far

 private:
  void zero(PhysAddr pa, uint64_t len);
  void addFree(PhysAddr pa, uint64_t blk);
  void releaseGap(PhysAddr from, PhysAddr to);

  PhysMemIf& mem_;
  PhysAddr base_;
  uint64_t size_;
  PhysAddr next_;
  uint64_t inUse_ = 0, peak_ = 0;
  Tick memTime_ = 0;
  bool timedZeroing_ = true;
  std::unordered_map<PhysAddr, uint64_t> live_;       // block address -> block size
  std::map<uint64_t, std::vector<PhysAddr>> free_;     // block size -> free blocks
};

}  // namespace smmu
