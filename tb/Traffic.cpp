#include "Traffic.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace smmu {

uint64_t splitmix64(uint64_t& state) {
  state += 0x9e3779b97f4a7c15ull;
  return mix64(state);
}

uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// ---------------------------------------------------------------------------------------------
Rng::Rng(uint64_t seed) {
  uint64_t st = seed;
  for (auto& s : s_) s = splitmix64(st);
}

Rng Rng::fromState(uint64_t s0, uint64_t s1, uint64_t s2, uint64_t s3) {
  Rng r;
  r.s_[0] = s0, r.s_[1] = s1, r.s_[2] = s2, r.s_[3] = s3;
  return r;
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t Rng::next() {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

uint64_t Rng::below(uint64_t n) {
  if (n == 0) return 0;
  unsigned __int128 m = (unsigned __int128)next() * n;
  uint64_t low = uint64_t(m);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    while (low < threshold) {
      m = (unsigned __int128)next() * n;
      low = uint64_t(m);
    }
  }
  return uint64_t(m >> 64);
}

// ---------------------------------------------------------------------------------------------
TrafficPattern::TrafficPattern(const TrafficSpec& spec)
    : rng_(spec.seed), writeRng_(mix64(spec.seed ^ 0x5772697465734e6full)) {
  // The fraction scaled by 2^53 is exact; rounding it is the only step, and it is the same
  // everywhere. 0 never writes, 1 (2^53) always writes.
  const double f = std::min(1.0, std::max(0.0, spec.writeFraction));
  writeThreshold_ = uint64_t(std::llround(std::ldexp(f, 53)));
}

bool TrafficPattern::drawWrite() { return (writeRng_.next() >> 11) < writeThreshold_; }

SequentialPattern::SequentialPattern(const TrafficSpec& spec)
    : TrafficPattern(spec), footprint_(spec.footprintBytes), step_(spec.accessBytes) {}

Access SequentialPattern::next() {
  Access a{offset_, drawWrite()};
  offset_ += step_;
  if (offset_ >= footprint_) offset_ = 0;
  return a;
}

StridedPattern::StridedPattern(const TrafficSpec& spec)
    : TrafficPattern(spec),
      footprint_(spec.footprintBytes),
      stride_(spec.strideBytes % spec.footprintBytes) {}

Access StridedPattern::next() {
  Access a{offset_, drawWrite()};
  // offset_ and stride_ are < footprint_, so the sum cannot overflow.
  offset_ += stride_;
  if (offset_ >= footprint_) offset_ -= footprint_;
  return a;
}

UniformRandomPattern::UniformRandomPattern(const TrafficSpec& spec)
    : TrafficPattern(spec),
      slots_(spec.footprintBytes / spec.accessBytes),
      access_(spec.accessBytes) {}

Access UniformRandomPattern::next() {
  const uint64_t off = rng_.below(slots_) * access_;
  return Access{off, drawWrite()};
}

// ---------------------------------------------------------------------------------------------
IndexPermutation::IndexPermutation(uint64_t n, uint64_t key) : n_(n) {
  halfBits_ = 1;
  // smallest h >= 1 with 2^(2h) >= n
  while (halfBits_ < 32 && (uint64_t(1) << (2 * halfBits_)) < n) ++halfBits_;
  mask_ = (uint64_t(1) << halfBits_) - 1;
  uint64_t st = key ^ 0x7065726d75746521ull;
  for (auto& k : keys_) k = splitmix64(st);
}

uint64_t IndexPermutation::encrypt(uint64_t x) const {
  uint64_t left = (x >> halfBits_) & mask_, right = x & mask_;
  for (uint64_t k : keys_) {
    const uint64_t f = mix64(right ^ k) & mask_;
    const uint64_t newRight = left ^ f;
    left = right;
    right = newRight;
  }
  return (left << halfBits_) | right;
}

uint64_t IndexPermutation::operator()(uint64_t i) const {
  if (n_ <= 1) return 0;
  uint64_t x = i;
  do {
    x = encrypt(x);  // cycle walking: the cycle through i returns to [0, n)
  } while (x >= n_);
  return x;
}

std::shared_ptr<const std::vector<double>> ZipfPattern::cdf(uint64_t n, double s) {
  static std::mutex mutex;
  static std::map<std::pair<uint64_t, uint64_t>, std::weak_ptr<const std::vector<double>>> cache;
  uint64_t sBits;
  std::memcpy(&sBits, &s, sizeof sBits);
  const auto key = std::make_pair(n, sBits);
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = cache.find(key); it != cache.end()) {
    if (auto sp = it->second.lock()) return sp;
  }
  auto v = std::make_shared<std::vector<double>>(n);
  double sum = 0;
  for (uint64_t k = 1; k <= n; ++k) {
    const double w = s == 0.0 ? 1.0 : s == 1.0 ? 1.0 / double(k) : std::pow(double(k), -s);
    sum += w;
    (*v)[k - 1] = sum;
  }
  for (auto& c : *v) c /= sum;
  if (n) v->back() = 1.0;
  cache[key] = v;
  return v;
}

ZipfPattern::ZipfPattern(const TrafficSpec& spec)
    : TrafficPattern(spec),
      footprint_(spec.footprintBytes),
      access_(spec.accessBytes),
      page_(spec.pageBytes),
      cdf_(cdf((spec.footprintBytes + spec.pageBytes - 1) / spec.pageBytes, spec.zipfS)),
      perm_(cdf_->size(), mix64(spec.seed ^ 0x7a697066ull)) {}

uint64_t ZipfPattern::sampleRank() {
  const double u = rng_.uniform01();
  const auto& c = *cdf_;
  const uint64_t r = uint64_t(std::upper_bound(c.begin(), c.end(), u) - c.begin());
  return std::min<uint64_t>(r, c.size() - 1);
}

Access ZipfPattern::next() {
  const uint64_t page = perm_(sampleRank());
  const uint64_t start = page * page_;
  const uint64_t span = std::min(page_, footprint_ - start);
  const uint64_t off = start + rng_.below(span / access_) * access_;
  return Access{off, drawWrite()};
}

// Batches: the qualified call is direct (and inlined) in every pattern's loop, and `out` does
// not alias the pattern (restrict), so that the generators' state stays in registers.
void SequentialPattern::nextBatch(Access* __restrict out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = SequentialPattern::next();
}
void StridedPattern::nextBatch(Access* __restrict out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = StridedPattern::next();
}
void UniformRandomPattern::nextBatch(Access* __restrict out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = UniformRandomPattern::next();
}
void ZipfPattern::nextBatch(Access* __restrict out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = ZipfPattern::next();
}

// ---------------------------------------------------------------------------------------------
namespace {

struct PatternEntry {
  const char* name;
  std::unique_ptr<TrafficPattern> (*make)(const TrafficSpec&);
};

template <class P>
std::unique_ptr<TrafficPattern> make(const TrafficSpec& s) {
  return std::make_unique<P>(s);
}

// Adding a pattern: its class above and one line here.
const PatternEntry kPatterns[] = {
    {"sequential", make<SequentialPattern>},
    {"strided", make<StridedPattern>},
    {"random", make<UniformRandomPattern>},
    {"zipf", make<ZipfPattern>},
};

bool isPow2(uint64_t v) { return v && !(v & (v - 1)); }

}  // namespace

const std::vector<std::string>& trafficPatternNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& p : kPatterns) v.emplace_back(p.name);
    return v;
  }();
  return names;
}

std::string checkTrafficSpec(const TrafficSpec& s) {
  const PatternEntry* entry = nullptr;
  for (const auto& p : kPatterns)
    if (s.pattern == p.name) entry = &p;
  if (!entry) return "unknown pattern '" + s.pattern + "'";
  const std::string a = std::to_string(s.accessBytes);
  if (!isPow2(s.accessBytes) || s.accessBytes > 4096)
    return "access_bytes " + a + " is not a power of two between 1 and 4096";
  if (s.footprintBytes < s.accessBytes || s.footprintBytes % s.accessBytes)
    return "footprint_bytes " + std::to_string(s.footprintBytes) +
           " is not a non-zero multiple of access_bytes " + a;
  if (!(s.writeFraction >= 0.0 && s.writeFraction <= 1.0))
    return "write_fraction " + std::to_string(s.writeFraction) + " is outside [0, 1]";
  if (s.pattern == std::string("strided") && (s.strideBytes == 0 || s.strideBytes % s.accessBytes))
    return "stride_bytes " + std::to_string(s.strideBytes) +
           " is not a non-zero multiple of access_bytes " + a;
  if (s.pattern == std::string("zipf")) {
    if (!(s.zipfS >= 0.0 && s.zipfS <= 1e6)) return "zipf_s must be a number >= 0";
    if (s.pageBytes == 0 || s.pageBytes % s.accessBytes)
      return "page size " + std::to_string(s.pageBytes) +
             " is not a non-zero multiple of access_bytes " + a;
    const uint64_t pages = s.footprintBytes / s.pageBytes + (s.footprintBytes % s.pageBytes != 0);
    if (pages > ZipfPattern::kMaxPages)
      return "zipf over " + std::to_string(pages) + " pages: at most " +
             std::to_string(ZipfPattern::kMaxPages) + " (use a larger page_size or footprint)";
  }
  return {};
}

std::unique_ptr<TrafficPattern> makeTrafficPattern(const TrafficSpec& spec) {
  if (std::string err = checkTrafficSpec(spec); !err.empty()) throw std::invalid_argument(err);
  for (const auto& p : kPatterns)
    if (spec.pattern == p.name) return p.make(spec);
  throw std::invalid_argument("unknown pattern '" + spec.pattern + "'");  // not reached
}

}  // namespace smmu
