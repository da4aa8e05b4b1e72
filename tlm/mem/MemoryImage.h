// Sparse page images of physical memory, so that a run can start from (or be inspected as) a
// prepared memory state: stream tables, context descriptors, page tables, queues.
//
//   NAME.bin  4 KiB pages concatenated
//   NAME.idx  one line per page: `physaddr_hex offset_hex` (hex with or without 0x); the page at
//             byte `offset` of NAME.bin is placed at `physaddr`. `#` starts a comment, blank
//             lines are ignored. Several lines may share an offset (identical pages).
//
// Every problem is a MemoryImageError whose text names the file (and line) and what is wrong.
#pragma once
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "arch/Types.h"

namespace smmu {

class SparseMemory;

class MemoryImageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class MemoryImage {
 public:
  static constexpr uint64_t kPageSize = 4096;

  // Load NAME.bin + NAME.idx into mem (a trailing ".bin" or ".idx" on name is ignored). The
  // whole image is validated and read before mem changes, so a failed load changes nothing.
  // Pages replace whatever mem held at those addresses; each page must lie inside RAM (see
  // SparseMemory::addRegion). Does not count as accesses. Returns the number of pages loaded.
  static size_t load(const std::string& name, SparseMemory& mem);
  static size_t load(const std::string& binPath, const std::string& idxPath, SparseMemory& mem);

  // Write every allocated page of mem in ascending address order (all-zero pages skipped if
  // skipZeroPages). Returns the number of pages written.
  static size_t save(const std::string& name, const SparseMemory& mem, bool skipZeroPages = true);
  static size_t save(const std::string& binPath, const std::string& idxPath,
                     const SparseMemory& mem, bool skipZeroPages = true);

  static std::string binPath(const std::string& name);  // NAME.bin
  static std::string idxPath(const std::string& name);  // NAME.idx
};

// Parse hex text ("1f", "0x1F", "0X1f"): at most 64 bits, no sign, no spaces. False if bad.
bool parseHex64(std::string_view text, uint64_t& out);

// Parse a `--ram` region spec "BASE:SIZE" (both hex, with or without 0x) into (base, size).
// Throws MemoryImageError naming the text for bad hex, a missing ':', size 0 or a region that
// wraps past 2^64.
std::pair<PhysAddr, uint64_t> parseRegionSpec(std::string_view spec);

}  // namespace smmu
