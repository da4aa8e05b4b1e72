#include "host/PageAllocator.h"

#include <algorithm>
#include <array>
#include <sstream>
#include <stdexcept>

namespace smmu {
namespace {

bool isPow2(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

std::string hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

}  // namespace

PageAllocator::PageAllocator(PhysMemIf& mem, PhysAddr base, uint64_t size, bool timedZeroing)
    : mem_(mem), base_(base), size_(size), next_(base), timedZeroing_(timedZeroing) {
  if (size == 0) throw std::invalid_argument("PageAllocator: empty region at " + hex(base));
  if (base + (size - 1) < base)
    throw std::invalid_argument("PageAllocator: region " + hex(base) + " + " + hex(size) +
                                " wraps past 2^64");
}

uint64_t PageAllocator::blockSize(uint64_t size) {
  if (size <= 8) return 8;
  if (size > (uint64_t{1} << 63)) return 0;  // cannot be represented
  uint64_t b = 8;
  while (b < size) b <<= 1;
  return b;
}

void PageAllocator::zero(PhysAddr pa, uint64_t len) {
  static const std::array<uint8_t, 4096> kZeros{};
  while (len != 0) {
    const uint64_t n = std::min<uint64_t>(len, kZeros.size());
    if (mem_.write(pa, kZeros.data(), size_t(n), timedZeroing_ ? &memTime_ : nullptr) !=
        MemStatus::Ok)
      throw std::runtime_error("PageAllocator: zeroing " + hex(pa) +
                               " failed: no memory at that address (external abort)");
    pa += n;
    len -= n;
  }
}

void PageAllocator::addFree(PhysAddr pa, uint64_t blk) { free_[blk].push_back(pa); }

// Puts [from, to) on the free lists as naturally aligned power-of-two blocks (>= 8 bytes).
void PageAllocator::releaseGap(PhysAddr from, PhysAddr to) {
  from = (from + 7) & ~PhysAddr{7};
  while (from < to && to - from >= 8) {
    uint64_t blk = from == 0 ? (uint64_t{1} << 63) : (from & (~from + 1));  // lowest set bit
    while (blk > to - from) blk >>= 1;
    addFree(from, blk);
    from += blk;
  }
}

PhysAddr PageAllocator::alloc(uint64_t size, uint64_t align) {
  if (size == 0) throw std::invalid_argument("PageAllocator: alloc of 0 bytes");
  if (align != 0 && !isPow2(align))
    throw std::invalid_argument("PageAllocator: alignment " + hex(align) +
                                " is not a power of two");
  const uint64_t blk = blockSize(size);
  if (blk == 0 || blk > size_)
    throw std::runtime_error("PageAllocator: out of memory: " + hex(size) +
                             " bytes requested, larger than the region [" + hex(base_) + ", " +
                             hex(base_ + size_) + ")");
  const uint64_t al = std::max(blk, align);

  // 1. A free block of this size or larger (split; the remainder goes back to the lists).
  for (auto it = free_.lower_bound(blk); it != free_.end(); ++it) {
    auto& v = it->second;
    for (size_t i = v.size(); i-- > 0;) {
      const PhysAddr pa = v[i];
      if (pa % al != 0) continue;
      const uint64_t have = it->first;
      v.erase(v.begin() + long(i));
      if (v.empty()) free_.erase(it);
      if (have > blk) releaseGap(pa + blk, pa + have);
      zero(pa, blk);
      live_[pa] = blk;
      inUse_ += blk;
      peak_ = std::max(peak_, inUse_);
      return pa;
    }
  }

  // 2. The bump pointer.
  const PhysAddr end = base_ + (size_ - 1);  // inclusive
  const PhysAddr start = (next_ + (al - 1)) & ~(al - 1);
  if (start < next_ || start > end || end - start < blk - 1)
    throw std::runtime_error("PageAllocator: out of memory: cannot allocate " + hex(size) +
                             " bytes aligned to " + hex(al) + " in [" + hex(base_) + ", " +
                             hex(base_ + size_) + "); " + hex(inUse_) + " bytes in use, bump at " +
                             hex(next_));
  zero(start, blk);
  releaseGap(next_, start);
  next_ = start + blk;
  live_[start] = blk;
  inUse_ += blk;
  peak_ = std::max(peak_, inUse_);
  return start;
}

void PageAllocator::free(PhysAddr pa, uint64_t size) {
  auto it = live_.find(pa);
  if (it == live_.end())
    throw std::invalid_argument("PageAllocator: free of " + hex(pa) +
                                ", which is not a block allocated from [" + hex(base_) + ", " +
                                hex(base_ + size_) + ")");
  if (blockSize(size) != it->second)
    throw std::invalid_argument("PageAllocator: free of " + hex(pa) + " with size " + hex(size) +
                                ", but the block is " + hex(it->second) + " bytes");
  const uint64_t blk = it->second;
  live_.erase(it);
  inUse_ -= blk;
  addFree(pa, blk);
}

}  // namespace smmu
