// The backing store of the whole model: a sparse 64-bit physical address space held in 4 KiB
// pages that are allocated on first write. Reads of untouched pages return zeros and allocate
// nothing, so memory use follows the pages a run touches, never the simulated time.
// A page that has only ever been written with zeros (a zeroed buffer) counts as allocated but
// shares one read-only zero page; it gets storage of its own on the first non-zero write or
// when a writable pointer to it is handed out (pagePtr, DMI). So a host that zeroes 64 GiB of
// DMA buffers costs page-table entries, not 64 GiB.
//
// An optional region map says where RAM is: with no region declared the whole space is RAM;
// once regions exist, an access that touches any byte outside every region is an external abort
// and changes nothing. Pure C++ (no SystemC): MemoryTarget puts it behind a TLM socket.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "arch/Types.h"
#include "mem/PhysMem.h"
#include "mem/SlotCalendar.h"
#include "mem/WriteHistory.h"

namespace smmu {

class SparseMemory : public PhysMemIf {
 public:
  static constexpr unsigned kPageShift = 12;
  static constexpr uint64_t kPageSize = uint64_t{1} << kPageShift;
  static constexpr uint64_t kPageMask = kPageSize - 1;

  // One RAM interval, inclusive bounds so that a region may end at 2^64 - 1.
  struct Region {
    PhysAddr first = 0;
    PhysAddr last = 0;
  };

  SparseMemory() = default;
  explicit SparseMemory(Tick latency) : latency_(latency) {}
  SparseMemory(const SparseMemory&) = delete;
  SparseMemory& operator=(const SparseMemory&) = delete;

  // PhysMemIf. An access counts (and costs `latency`) also when it aborts; only successful
  // accesses move data and count bytes. len == 0 is a successful access of no bytes.
  MemStatus read(PhysAddr pa, void* dst, size_t len, Tick* lat = nullptr) override;
  MemStatus write(PhysAddr pa, const void* src, size_t len, Tick* lat = nullptr) override;
  // One access of 8 bytes (one burst) that costs `latency` + `atomicExtra` (the memory reads,
  // modifies and writes back before it answers). Counted in atomics(), not in reads/writes.
  MemStatus atomic64(PhysAddr pa, AtomicRmw& op, Tick* lat = nullptr) override;

  // Backdoor (debug) access: same region check and data as read/write, but no latency and no
  // counters. Used by TLM transport_dbg and by tools that inspect memory.
  MemStatus peek(PhysAddr pa, void* dst, size_t len) const;
  MemStatus poke(PhysAddr pa, const void* src, size_t len);

  // Region map. Overlapping or adjacent regions merge. Throws std::invalid_argument for size 0
  // or a region that wraps past 2^64.
  void addRegion(PhysAddr base, uint64_t size);
  bool hasRegions() const { return !regions_.empty(); }
  const std::vector<Region>& regions() const { return regions_; }  // merged, sorted
  // True if every byte of [pa, pa+len) is RAM; an empty range is always inside. False if the
  // range wraps past 2^64.
  bool inRam(PhysAddr pa, uint64_t len) const;
  // The RAM interval containing pa (the whole space when no region is declared).
  bool ramIntervalAt(PhysAddr pa, Region& out) const;

  // Access latency in picoseconds, added to *lat once per access.
  // Contention: `channels` parallel channels, each busy for `occupancy` per burst (0 channels
  // or 0 occupancy = unlimited). An access issued at timeBase() + *lat waits for room in the
  // calendar (SlotCalendar); the wait is added to *lat before the latency.
  // Size: with burstBytes > 0 an access of n bytes is ceil(n / burstBytes) bursts (at least
  // one), back to back on its channel, each holding it for `occupancy` (so a channel moves
  // burstBytes / occupancy bytes per ps): its last burst starts (bursts - 1) * occupancy after
  // the first, later under contention, and its data completes `latency` after that. This
  // applies with unlimited channels too. burstBytes == 0: every access is one burst.
  void setChannels(unsigned channels, Tick occupancy, uint64_t burstBytes = 0) {
    channels_.configure(channels, occupancy);
    occupancy_ = occupancy;
    burstBytes_ = occupancy ? burstBytes : 0;
  }
  const SlotCalendar& channels() const { return channels_; }
  void resetChannelCounters() { channels_.resetCounters(); }  // the reservations stay
  uint64_t burstBytes() const { return burstBytes_; }
  // Bursts an access of len bytes takes (1 unless burstBytes > 0).
  unsigned burstsOf(size_t len) const {
    if (!burstBytes_ || len <= burstBytes_) return 1;
    return unsigned((len + burstBytes_ - 1) / burstBytes_);
  }
  // The access's cost depends on its size (DMI cannot carry that).
  bool sizedAccesses() const { return burstBytes_ != 0; }

  void setLatency(Tick ps) { latency_ = ps; }
  Tick latency() const { return latency_; }
  // What an atomic read-modify-write costs beyond `latency` (scenario: memory.atomic_extra_ns).
  void setAtomicExtra(Tick ps) { atomicExtra_ = ps; }
  Tick atomicExtra() const { return atomicExtra_; }

  // Time order (scenario: memory.time_ordered): a timed access (one with a latency pointer, at
  // timeBase() + *lat) takes effect when it reaches the memory, after its channel wait; a
  // timed read arriving at t sees exactly the timed writes and atomics that arrived at or
  // before t, whatever order they were performed in (WriteHistory). Untimed accesses (no
  // latency pointer, peek/poke, DMI pointers) see the final state; an untimed write makes its
  // words final. Off: every access takes effect when performed.
  void setTimeOrdered(bool on) { timeOrdered_ = on; }
  bool timeOrdered() const { return timeOrdered_; }
  // Whether the next accesses are ordered (default: yes). MemoryTarget orders only the
  // accesses that ask for it (OrderedAccessExtension: table walks, queues, the host agent), not
  // device data, whose order nothing here observes and which would cost on every transfer; a
  // data write is then final when performed, as before.
  void orderNext(bool on) { orderNext_ = on; }
  // Nothing arrives before `t` any more (the kernel's time): older history is folded away.
  void setHorizon(Tick t) {
    if (timeOrdered_ && !history_.empty()) history_.fold(t);
  }
  const WriteHistory& history() const { return history_; }

  // Counters.
  uint64_t reads() const { return reads_; }
  uint64_t writes() const { return writes_; }
  uint64_t bytes() const { return bytesRead_ + bytesWritten_; }
  uint64_t bytesRead() const { return bytesRead_; }
  uint64_t bytesWritten() const { return bytesWritten_; }
  uint64_t aborts() const { return aborts_; }
  uint64_t atomics() const { return atomics_; }
  size_t pagesAllocated() const { return pageCount_; }
  size_t pagesStored() const { return storage_.size(); }  // pages with storage of their own
  void resetCounters() {
    reads_ = writes_ = bytesRead_ = bytesWritten_ = aborts_ = atomics_ = 0;
  }

  // Direct pointer to the 4 KiB page containing pageBase (any address in the page works),
  // allocating a zero page if `allocate`; nullptr if not allocated and !allocate. The pointer
  // is writable (a page shared as zeros gets its own storage first) and stays valid for the
  // lifetime of the SparseMemory (pages are never freed). Ignores the region map: callers that
  // grant access (DMI) check inRam() themselves.
  uint8_t* pagePtr(PhysAddr pageBase, bool allocate);
  // Read-only view (a page written with zeros only may be the shared zero page).
  const uint8_t* pagePtr(PhysAddr pageBase) const;

  // Visit every allocated page in ascending address order.
  void forEachPage(const std::function<void(PhysAddr pageBase, const uint8_t* data)>& fn) const;

 private:
  struct Page {
    uint8_t data[kPageSize];
  };
  // The page table: 512 consecutive pages (2 MiB of address space) per chunk, the chunks found
  // by number in an open-addressing hash table. A page slot is nullptr (never written),
  // zeroPage() (written with zeros only) or the page's own storage.
  static constexpr unsigned kChunkShift = 9;
  static constexpr uint64_t kChunkPages = uint64_t{1} << kChunkShift;
  struct Chunk {
    uint8_t* pages[kChunkPages] = {};
  };
  struct ChunkSlot {
    uint64_t num = 0;
    Chunk* chunk = nullptr;  // nullptr: empty
  };
  static uint8_t* zeroPage();

  Chunk* findChunk(uint64_t chunkNum) const;
  Chunk* chunkFor(uint64_t chunkNum);  // creates it
  uint8_t* const* slotOf(uint64_t pageNum) const;  // nullptr when its chunk does not exist
  uint8_t*& slotFor(uint64_t pageNum);              // creates the chunk
  uint8_t* findPage(uint64_t pageNum) const;  // the slot's page (possibly zeroPage()) or null
  uint8_t* allocPage(uint64_t pageNum);       // a page with storage of its own
  uint8_t* newStorage();
  void copyOut(PhysAddr pa, uint8_t* dst, size_t len) const;
  void copyIn(PhysAddr pa, const uint8_t* src, size_t len);
  static bool wraps(PhysAddr pa, uint64_t len) { return len != 0 && pa + (len - 1) < pa; }

  std::vector<ChunkSlot> table_;              // power-of-two size, at most half full
  std::vector<std::unique_ptr<Chunk>> chunks_;  // owns the chunks
  std::vector<std::unique_ptr<Page>> storage_;  // owns the pages' storage
  size_t pageCount_ = 0;                       // pages written (shared zero pages included)
  // One-entry cache of the last chunk found (chunks are never freed).
  mutable uint64_t lastChunkNum_ = ~uint64_t{0};
  mutable Chunk* lastChunk_ = nullptr;

  std::vector<Region> regions_;
  mutable size_t lastRegion_ = 0;

  Tick latency_ = 0;
  Tick atomicExtra_ = 0;
  SlotCalendar channels_;
  Tick occupancy_ = 0;
  uint64_t burstBytes_ = 0;
  // Adds the access's latency to *lat; returns when it reaches the memory (after its wait).
  Tick account(Tick* lat, size_t len);
  // Time order: a timed read's bytes as of `at`, a timed write's or an untimed write's words.
  void readAt(PhysAddr pa, uint8_t* dst, size_t len, Tick at);
  void writeAt(PhysAddr pa, const uint8_t* src, size_t len, Tick at);
  void forgetWords(PhysAddr pa, size_t len);
  bool timeOrdered_ = false;
  bool orderNext_ = true;
  WriteHistory history_;
  uint64_t reads_ = 0, writes_ = 0, bytesRead_ = 0, bytesWritten_ = 0, aborts_ = 0, atomics_ = 0;
};

}  // namespace smmu
