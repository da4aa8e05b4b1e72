// Bit-field helpers for the architectural encodings: fields are [hi:lo] of a 64-bit word.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>

namespace smmu::bits {

constexpr uint64_t mask(unsigned hi, unsigned lo) {
  const unsigned width = hi - lo + 1;
  return (width >= 64 ? ~0ull : ((1ull << width) - 1)) << lo;
}

// Bits [hi:lo] of w, right-aligned. Requires 63 >= hi >= lo.
constexpr uint64_t get(uint64_t w, unsigned hi, unsigned lo) { return (w & mask(hi, lo)) >> lo; }

// Writes v, truncated to the field width, to bits [hi:lo] of w.
constexpr void put(uint64_t& w, unsigned hi, unsigned lo, uint64_t v) {
  w = (w & ~mask(hi, lo)) | ((v << lo) & mask(hi, lo));
}

// Index of the lowest / highest set bit of v (v != 0).
inline unsigned lowestBit(uint64_t v) { return unsigned(__builtin_ctzll(v)); }
inline unsigned highestBit(uint64_t v) { return 63u - unsigned(__builtin_clzll(v)); }

// "0x1f" (for messages).
inline std::string hex(uint64_t v) {
  char b[20];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

}  // namespace smmu::bits
