#include "mem/SparseMemory.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace smmu {

uint8_t* SparseMemory::findPage(uint64_t pageNum) const {
  if (pageNum == lastPageNum_) return lastPage_;
  auto it = pages_.find(pageNum);
  if (it == pages_.end()) return nullptr;
  lastPageNum_ = pageNum;
  lastPage_ = it->second->data;
  return lastPage_;
}

uint8_t* SparseMemory::allocPage(uint64_t pageNum) {
  if (uint8_t* p = findPage(pageNum)) return p;
  auto page = std::make_unique<Page>();  // value-initialised: all zeros
  uint8_t* p = page->data;
  pages_.emplace(pageNum, std::move(page));
  lastPageNum_ = pageNum;
  lastPage_ = p;
  return p;
}

void SparseMemory::copyOut(PhysAddr pa, uint8_t* dst, size_t len) const {
  while (len != 0) {
    const uint64_t off = pa & kPageMask;
    const size_t chunk = static_cast<size_t>(std::min<uint64_t>(len, kPageSize - off));
    if (const uint8_t* p = findPage(pa >> kPageShift))
      std::memcpy(dst, p + off, chunk);
    else
      std::memset(dst, 0, chunk);
    dst += chunk;
    len -= chunk;
    pa += chunk;  // may wrap to 0 only when len has reached 0
  }
}

void SparseMemory::copyIn(PhysAddr pa, const uint8_t* src, size_t len) {
  while (len != 0) {
    const uint64_t off = pa & kPageMask;
    const size_t chunk = static_cast<size_t>(std::min<uint64_t>(len, kPageSize - off));
    std::memcpy(allocPage(pa >> kPageShift) + off, src, chunk);
    src += chunk;
    len -= chunk;
    pa += chunk;
  }
}

bool SparseMemory::inRam(PhysAddr pa, uint64_t len) const {
  if (len == 0) return true;
  if (wraps(pa, len)) return false;
  if (regions_.empty()) return true;
  const PhysAddr last = pa + (len - 1);
  // Regions are merged (disjoint, non-adjacent), so the range must fit inside one of them.
  if (lastRegion_ < regions_.size()) {
    const Region& r = regions_[lastRegion_];
    if (pa >= r.first && last <= r.last) return true;
  }
  Region r;
  if (!ramIntervalAt(pa, r)) return false;
  return last <= r.last;
}

bool SparseMemory::ramIntervalAt(PhysAddr pa, Region& out) const {
  if (regions_.empty()) {
    out = Region{0, ~PhysAddr{0}};
    return true;
  }
  // First region whose first > pa; the candidate is the one before it.
  auto it = std::upper_bound(regions_.begin(), regions_.end(), pa,
                             [](PhysAddr a, const Region& r) { return a < r.first; });
  if (it == regions_.begin()) return false;
  --it;
  if (pa > it->last) return false;
  lastRegion_ = static_cast<size_t>(it - regions_.begin());
  out = *it;
  return true;
}

void SparseMemory::addRegion(PhysAddr base, uint64_t size) {
  if (size == 0) throw std::invalid_argument("SparseMemory::addRegion: region size is 0");
  if (wraps(base, size))
    throw std::invalid_argument(
        "SparseMemory::addRegion: region wraps past the top of the "
        "64-bit physical address space");
  regions_.push_back(Region{base, base + (size - 1)});
  std::sort(regions_.begin(), regions_.end(),
            [](const Region& a, const Region& b) { return a.first < b.first; });
  // Merge overlapping and adjacent intervals.
  std::vector<Region> merged;
  for (const Region& r : regions_) {
    if (!merged.empty()) {
      Region& m = merged.back();
      const bool touches = m.last == ~PhysAddr{0} || r.first <= m.last + 1;
      if (touches) {
        m.last = std::max(m.last, r.last);
        continue;
      }
    }
    merged.push_back(r);
  }
  regions_ = std::move(merged);
  lastRegion_ = 0;
}

void SparseMemory::account(Tick* lat) {
  if (!lat) return;
  if (channels_.limited()) {
    const Tick arrival = timeBase_ + *lat;
    *lat += channels_.reserve(arrival) - arrival;
  }
  *lat += latency_;
}

MemStatus SparseMemory::read(PhysAddr pa, void* dst, size_t len, Tick* lat) {
  ++reads_;
  account(lat);
  if (!inRam(pa, len)) {
    ++aborts_;
    return MemStatus::ExternalAbort;
  }
  copyOut(pa, static_cast<uint8_t*>(dst), len);
  bytesRead_ += len;
  return MemStatus::Ok;
}

MemStatus SparseMemory::write(PhysAddr pa, const void* src, size_t len, Tick* lat) {
  ++writes_;
  account(lat);
  if (!inRam(pa, len)) {
    ++aborts_;
    return MemStatus::ExternalAbort;
  }
  copyIn(pa, static_cast<const uint8_t*>(src), len);
  bytesWritten_ += len;
  return MemStatus::Ok;
}

MemStatus SparseMemory::peek(PhysAddr pa, void* dst, size_t len) const {
  if (!inRam(pa, len)) return MemStatus::ExternalAbort;
  copyOut(pa, static_cast<uint8_t*>(dst), len);
  return MemStatus::Ok;
}

MemStatus SparseMemory::poke(PhysAddr pa, const void* src, size_t len) {
  if (!inRam(pa, len)) return MemStatus::ExternalAbort;
  copyIn(pa, static_cast<const uint8_t*>(src), len);
  return MemStatus::Ok;
}

uint8_t* SparseMemory::pagePtr(PhysAddr pageBase, bool allocate) {
  const uint64_t pageNum = pageBase >> kPageShift;
  return allocate ? allocPage(pageNum) : findPage(pageNum);
}

const uint8_t* SparseMemory::pagePtr(PhysAddr pageBase) const {
  return findPage(pageBase >> kPageShift);
}

void SparseMemory::forEachPage(
    const std::function<void(PhysAddr pageBase, const uint8_t* data)>& fn) const {
  std::vector<uint64_t> nums;
  nums.reserve(pages_.size());
  for (const auto& kv : pages_) nums.push_back(kv.first);
  std::sort(nums.begin(), nums.end());
  for (uint64_t n : nums) fn(n << kPageShift, pages_.at(n)->data);
}

}  // namespace smmu
