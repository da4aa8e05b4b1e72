#include "mem/SparseMemory.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace smmu {

namespace {

alignas(64) const uint8_t kZeros[SparseMemory::kPageSize] = {};

// memcpy with the usual access sizes (descriptors, DMA bursts) as fixed-size copies: inlined
// moves instead of a library call or a `rep movs` with its start-up cost.
inline void copyBytes(uint8_t* dst, const uint8_t* src, size_t len) {
  switch (len) {
    case 4: std::memcpy(dst, src, 4); return;
    case 8: std::memcpy(dst, src, 8); return;
    case 16: std::memcpy(dst, src, 16); return;
    case 32: std::memcpy(dst, src, 32); return;
    case 64: std::memcpy(dst, src, 64); return;
    case 128: std::memcpy(dst, src, 128); return;
    case 256: std::memcpy(dst, src, 256); return;
    default: std::memcpy(dst, src, len); return;
  }
}

// Fibonacci hashing of a chunk number onto a table of 2^bits slots.
inline size_t chunkHash(uint64_t num, size_t mask) {
  return size_t((num * 0x9E3779B97F4A7C15ull) >> 20) & mask;
}

}  // namespace

// Never written through: every write path replaces it with storage of the page's own first.
uint8_t* SparseMemory::zeroPage() { return const_cast<uint8_t*>(kZeros); }

SparseMemory::Chunk* SparseMemory::findChunk(uint64_t num) const {
  if (num == lastChunkNum_) return lastChunk_;
  if (table_.empty()) return nullptr;
  const size_t mask = table_.size() - 1;
  for (size_t i = chunkHash(num, mask);; i = (i + 1) & mask) {
    const ChunkSlot& s = table_[i];
    if (!s.chunk) return nullptr;
    if (s.num == num) {
      lastChunkNum_ = num;
      lastChunk_ = s.chunk;
      return s.chunk;
    }
  }
}

SparseMemory::Chunk* SparseMemory::chunkFor(uint64_t num) {
  if (Chunk* c = findChunk(num)) return c;
  if (2 * (chunks_.size() + 1) > table_.size()) {  // grow: keep the table at most half full
    std::vector<ChunkSlot> old(std::max<size_t>(64, 2 * table_.size()));
    old.swap(table_);
    const size_t mask = table_.size() - 1;
    for (const ChunkSlot& s : old) {
      if (!s.chunk) continue;
      size_t i = chunkHash(s.num, mask);
      while (table_[i].chunk) i = (i + 1) & mask;
      table_[i] = s;
    }
  }
  chunks_.push_back(std::make_unique<Chunk>());
  Chunk* c = chunks_.back().get();
  const size_t mask = table_.size() - 1;
  size_t i = chunkHash(num, mask);
  while (table_[i].chunk) i = (i + 1) & mask;
  table_[i] = ChunkSlot{num, c};
  lastChunkNum_ = num;
  lastChunk_ = c;
  return c;
}

uint8_t* const* SparseMemory::slotOf(uint64_t pageNum) const {
  const Chunk* c = findChunk(pageNum >> kChunkShift);
  return c ? &c->pages[pageNum & (kChunkPages - 1)] : nullptr;
}

uint8_t*& SparseMemory::slotFor(uint64_t pageNum) {
  return chunkFor(pageNum >> kChunkShift)->pages[pageNum & (kChunkPages - 1)];
}

uint8_t* SparseMemory::findPage(uint64_t pageNum) const {
  uint8_t* const* s = slotOf(pageNum);
  return s ? *s : nullptr;
}

uint8_t* SparseMemory::newStorage() {
  storage_.push_back(std::make_unique<Page>());  // value-initialised: all zeros
  return storage_.back()->data;
}

uint8_t* SparseMemory::allocPage(uint64_t pageNum) {
  uint8_t*& s = slotFor(pageNum);
  if (!s) ++pageCount_;
  if (!s || s == zeroPage()) s = newStorage();  // zeros either way: the contents are the same
  return s;
}

void SparseMemory::copyOut(PhysAddr pa, uint8_t* dst, size_t len) const {
  while (len != 0) {
    const uint64_t off = pa & kPageMask;
    const size_t chunk = static_cast<size_t>(std::min<uint64_t>(len, kPageSize - off));
    if (const uint8_t* p = findPage(pa >> kPageShift))
      copyBytes(dst, p + off, chunk);
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
    uint8_t*& s = slotFor(pa >> kPageShift);
    if (!s || s == zeroPage()) {
      if (!s) ++pageCount_;
      // Zeros into a page that holds only zeros: it stays (or becomes) the shared zero page.
      s = std::memcmp(src, kZeros, chunk) == 0 ? zeroPage() : newStorage();
    }
    if (s != zeroPage()) copyBytes(s + off, src, chunk);
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

Tick SparseMemory::account(Tick* lat, size_t len) {
  if (!lat) return 0;
  const unsigned bursts = burstsOf(len);
  if (channels_.limited()) {
    const Tick arrival = timeBase_ + *lat;
    *lat += channels_.reserve(arrival, bursts) - arrival;
  } else {
    *lat += Tick(bursts - 1) * occupancy_;
  }
  const Tick at = timeBase_ + *lat;  // (the last burst's start)
  *lat += latency_;
  return at;
}

// Time order, word by word (aligned 8-byte words; the bytes of [pa, pa + len) in each).
namespace {
template <class F>
void forEachWord(PhysAddr pa, size_t len, F f) {
  PhysAddr w = pa & ~PhysAddr(7);
  const PhysAddr end = pa + len;  // (inRam has excluded a wrap)
  for (; w < end; w += 8) {
    const unsigned first = w < pa ? unsigned(pa - w) : 0u;
    const unsigned last = end - w < 8 ? unsigned(end - w) : 8u;  // exclusive
    uint64_t mask = 0;
    for (unsigned b = first; b < last; ++b) mask |= uint64_t(0xff) << (8 * b);
    f(w, first, last, mask);
  }
}
}  // namespace

void SparseMemory::readAt(PhysAddr pa, uint8_t* dst, size_t len, Tick at) {
  history_.noteRead(pa, len, at);
  if (!history_.hasVersions()) return;
  forEachWord(pa, len, [&](PhysAddr w, unsigned first, unsigned last, uint64_t) {
    uint64_t stored = 0;
    copyOut(w, reinterpret_cast<uint8_t*>(&stored), 8);
    const uint64_t seen = history_.valueAt(w, stored, at);
    if (seen != stored)
      std::memcpy(dst + (w + first - pa), reinterpret_cast<const uint8_t*>(&seen) + first,
                  last - first);
  });
}

void SparseMemory::writeAt(PhysAddr pa, const uint8_t* src, size_t len, Tick at) {
  forEachWord(pa, len, [&](PhysAddr w, unsigned first, unsigned last, uint64_t mask) {
    uint64_t stored = 0, value = 0;
    copyOut(w, reinterpret_cast<uint8_t*>(&stored), 8);
    std::memcpy(reinterpret_cast<uint8_t*>(&value) + first, src + (w + first - pa), last - first);
    const uint64_t final = history_.write(w, stored, value, mask, at);
    if (final != stored) copyIn(w, reinterpret_cast<const uint8_t*>(&final), 8);
  });
}

void SparseMemory::forgetWords(PhysAddr pa, size_t len) { history_.forgetRange(pa, len); }

MemStatus SparseMemory::read(PhysAddr pa, void* dst, size_t len, Tick* lat) {
  ++reads_;
  const Tick at = account(lat, len);
  if (!inRam(pa, len)) {
    ++aborts_;
    return MemStatus::ExternalAbort;
  }
  copyOut(pa, static_cast<uint8_t*>(dst), len);
  if (timeOrdered_ && orderNext_ && lat && len) [[unlikely]]
    readAt(pa, static_cast<uint8_t*>(dst), len, at);
  bytesRead_ += len;
  return MemStatus::Ok;
}

MemStatus SparseMemory::write(PhysAddr pa, const void* src, size_t len, Tick* lat) {
  ++writes_;
  const Tick at = account(lat, len);
  if (!inRam(pa, len)) {
    ++aborts_;
    return MemStatus::ExternalAbort;
  }
  if (timeOrdered_ && len) [[unlikely]] {
    if (lat && orderNext_) {
      writeAt(pa, static_cast<const uint8_t*>(src), len, at);
      bytesWritten_ += len;
      return MemStatus::Ok;
    }
    if (history_.hasVersions()) forgetWords(pa, len);  // untimed or unordered: final
  }
  copyIn(pa, static_cast<const uint8_t*>(src), len);
  bytesWritten_ += len;
  return MemStatus::Ok;
}

MemStatus SparseMemory::atomic64(PhysAddr pa, AtomicRmw& op, Tick* lat) {
  ++atomics_;
  const Tick at = account(lat, 8);
  if (lat) *lat += atomicExtra_;
  if ((pa & 7) != 0 || !inRam(pa, 8)) {
    ++aborts_;
    return MemStatus::ExternalAbort;
  }
  uint64_t v = 0;
  copyOut(pa, reinterpret_cast<uint8_t*>(&v), 8);
  if (timeOrdered_ && orderNext_ && lat) {  // read, modify and write the word as at `at`
    const uint64_t stored = v;
    history_.noteRead(pa, 8, at);
    v = history_.valueAt(pa, stored, at);
    op.old = v;
    const uint64_t after = op.apply(v);
    if (after != v) {
      const uint64_t final = history_.write(pa, stored, after, ~uint64_t(0), at);
      if (final != stored) copyIn(pa, reinterpret_cast<const uint8_t*>(&final), 8);
    }
    bytesRead_ += 8;
    if (op.op != AtomicOp::CompareAndSwap || v == op.compare) bytesWritten_ += 8;
    return MemStatus::Ok;
  }
  if (timeOrdered_ && history_.hasVersions()) history_.forget(pa);
  op.old = v;
  const uint64_t after = op.apply(v);
  if (after != v) copyIn(pa, reinterpret_cast<const uint8_t*>(&after), 8);
  bytesRead_ += 8;
  if (op.op != AtomicOp::CompareAndSwap || v == op.compare) bytesWritten_ += 8;  // it wrote
  return MemStatus::Ok;
}

MemStatus SparseMemory::peek(PhysAddr pa, void* dst, size_t len) const {
  if (!inRam(pa, len)) return MemStatus::ExternalAbort;
  copyOut(pa, static_cast<uint8_t*>(dst), len);
  return MemStatus::Ok;
}

MemStatus SparseMemory::poke(PhysAddr pa, const void* src, size_t len) {
  if (!inRam(pa, len)) return MemStatus::ExternalAbort;
  if (timeOrdered_ && len && history_.hasVersions()) forgetWords(pa, len);
  copyIn(pa, static_cast<const uint8_t*>(src), len);
  return MemStatus::Ok;
}

uint8_t* SparseMemory::pagePtr(PhysAddr pageBase, bool allocate) {
  const uint64_t pageNum = pageBase >> kPageShift;
  // A writable pointer: a page shared as zeros gets its own storage (it stays allocated).
  if (allocate || findPage(pageNum)) return allocPage(pageNum);
  return nullptr;
}

const uint8_t* SparseMemory::pagePtr(PhysAddr pageBase) const {
  return findPage(pageBase >> kPageShift);
}

void SparseMemory::forEachPage(
    const std::function<void(PhysAddr pageBase, const uint8_t* data)>& fn) const {
  std::vector<std::pair<uint64_t, const Chunk*>> chunks;
  chunks.reserve(chunks_.size());
  for (const ChunkSlot& s : table_)
    if (s.chunk) chunks.emplace_back(s.num, s.chunk);
  std::sort(chunks.begin(), chunks.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [num, c] : chunks)
    for (uint64_t i = 0; i < kChunkPages; ++i)
      if (c->pages[i]) fn(((num << kChunkShift) | i) << kPageShift, c->pages[i]);
}

}  // namespace smmu
