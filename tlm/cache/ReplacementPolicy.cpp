#include "cache/ReplacementPolicy.h"

#include <algorithm>
#include <stdexcept>

namespace smmu {

namespace {
bool isPow2(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }
}  // namespace

ReplacementPolicy::ReplacementPolicy(unsigned sets, unsigned ways) : sets_(sets), ways_(ways) {
  if (sets == 0 || ways == 0)
    throw std::invalid_argument("replacement policy: sets and ways must be > 0 (got " +
                                std::to_string(sets) + " sets, " + std::to_string(ways) +
                                " ways)");
}

// ---- LRU / FIFO: recency (or age) list per set ------------------------------------------------

LruPolicy::LruPolicy(unsigned sets, unsigned ways)
    : ReplacementPolicy(sets, ways),
      prev_(size_t(sets) * ways),
      next_(size_t(sets) * ways),
      head_(sets),
      tail_(sets) {
  reset();
}

void LruPolicy::reset() {
  // Head (most recent) is way ways-1, tail (victim) way 0: an empty set is filled 0, 1, 2, ...
  for (unsigned s = 0; s < sets_; ++s) {
    size_t base = size_t(s) * ways_;
    for (unsigned w = 0; w < ways_; ++w) {
      next_[base + w] = w == 0 ? kNil : w - 1;           // towards the tail
      prev_[base + w] = w + 1 == ways_ ? kNil : w + 1;   // towards the head
    }
    head_[s] = ways_ - 1;
    tail_[s] = 0;
  }
}

void LruPolicy::unlink(unsigned set, unsigned way) {
  size_t base = size_t(set) * ways_;
  uint32_t p = prev_[base + way], n = next_[base + way];
  if (p == kNil) head_[set] = n; else next_[base + p] = n;
  if (n == kNil) tail_[set] = p; else prev_[base + n] = p;
}

void LruPolicy::moveToHead(unsigned set, unsigned way) {
  if (head_[set] == way) return;
  unlink(set, way);
  size_t base = size_t(set) * ways_;
  prev_[base + way] = kNil;
  next_[base + way] = head_[set];
  prev_[base + head_[set]] = way;  // the set is non-empty: ways >= 2 here
  head_[set] = way;
}

void LruPolicy::moveToTail(unsigned set, unsigned way) {
  if (tail_[set] == way) return;
  unlink(set, way);
  size_t base = size_t(set) * ways_;
  next_[base + way] = kNil;
  prev_[base + way] = tail_[set];
  next_[base + tail_[set]] = way;
  tail_[set] = way;
}

// ---- tree pseudo-LRU ---------------------------------------------------------------------------

PlruPolicy::PlruPolicy(unsigned sets, unsigned ways)
    : ReplacementPolicy(sets, ways), levels_(0), bits_(size_t(sets) * (ways - 1)) {
  if (!isPow2(ways))
    throw std::invalid_argument("replacement policy 'plru' needs a power-of-two number of ways (got " +
                                std::to_string(ways) + ")");
  while ((1u << levels_) < ways) ++levels_;
}

void PlruPolicy::reset() { std::fill(bits_.begin(), bits_.end(), uint8_t(0)); }

unsigned PlruPolicy::victim(unsigned set) {
  if (levels_ == 0) return 0;
  const uint8_t* b = bits_.data() + size_t(set) * (ways_ - 1);
  unsigned node = 0, way = 0;
  for (unsigned l = 0; l < levels_; ++l) {
    unsigned bit = b[node];
    way = (way << 1) | bit;
    node = 2 * node + 1 + bit;
  }
  return way;
}

void PlruPolicy::point(unsigned set, unsigned way, bool away) {
  if (levels_ == 0) return;
  uint8_t* b = bits_.data() + size_t(set) * (ways_ - 1);
  unsigned node = 0;
  for (unsigned l = 0; l < levels_; ++l) {
    unsigned dir = (way >> (levels_ - 1 - l)) & 1u;  // the half that holds `way` at this node
    b[node] = uint8_t(away ? dir ^ 1u : dir);
    node = 2 * node + 1 + dir;
  }
}

// ---- random ------------------------------------------------------------------------------------

RandomPolicy::RandomPolicy(unsigned sets, unsigned ways, uint64_t seed)
    : ReplacementPolicy(sets, ways), seed_(seed), state_(seed) {}

uint64_t RandomPolicy::next() {  // splitmix64
  state_ += 0x9e3779b97f4a7c15ull;
  uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

unsigned RandomPolicy::victim(unsigned) {
  // Multiply-shift maps the high 32 random bits onto [0, ways) without a division.
  return unsigned(((next() >> 32) * uint64_t(ways_)) >> 32);
}

// ---- factory -----------------------------------------------------------------------------------

const std::vector<std::string>& replacementPolicyNames() {
  static const std::vector<std::string> names = {"lru", "plru", "fifo", "random"};
  return names;
}

std::unique_ptr<ReplacementPolicy> makeReplacementPolicy(std::string_view name, unsigned sets,
                                                         unsigned ways, uint64_t seed) {
  if (name == "lru") return std::make_unique<LruPolicy>(sets, ways);
  if (name == "plru") return std::make_unique<PlruPolicy>(sets, ways);
  if (name == "fifo") return std::make_unique<FifoPolicy>(sets, ways);
  if (name == "random") return std::make_unique<RandomPolicy>(sets, ways, seed);
  std::string valid;
  for (const auto& n : replacementPolicyNames()) valid += (valid.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown replacement policy '" + std::string(name) +
                              "' (valid: " + valid + ")");
}

// ---- geometry ----------------------------------------------------------------------------------

CacheGeometry CacheGeometry::make(const char* what, unsigned entries, unsigned ways) {
  std::string w(what);
  if (entries == 0) throw std::invalid_argument(w + ": entries must be > 0");
  if (ways == 0) ways = entries;  // fully associative
  if (ways > entries || entries % ways != 0)
    throw std::invalid_argument(w + ": entries (" + std::to_string(entries) +
                                ") must be a multiple of ways (" + std::to_string(ways) + ")");
  unsigned sets = entries / ways;
  if (!isPow2(sets))
    throw std::invalid_argument(w + ": entries / ways = " + std::to_string(sets) +
                                " sets, must be a power of two");
  return CacheGeometry{sets, ways};
}

}  // namespace smmu
