// xorshift64: a test workload's own random generator, independent of the model's (and of the
// standard library's distributions, so that a workload is the same everywhere).
#pragma once
#include <cstdint>

namespace smmu::testing {

struct Rand {
  uint64_t x;  // the seed: not 0
  uint64_t next() {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  }
  uint64_t below(uint64_t n) { return next() % n; }
};

}  // namespace smmu::testing
