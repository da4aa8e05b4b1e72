// Synthetic device traffic: where in its buffer a device reads or writes next. Pure and
// deterministic: the same TrafficSpec (seed included) gives the same sequence on every machine,
// so the random numbers come from our own generators (splitmix64, xoshiro256**), never from
// std:: distributions, whose output differs between standard-library versions.
//
// Patterns (TrafficSpec::pattern):
//   sequential  streaming: offset 0, +access_bytes, ... wrapping to 0 at footprint_bytes
//   strided     offset 0, +stride_bytes, ... modulo footprint_bytes (a ring of fixed-size slots)
//   random      uniform over the footprint, aligned to access_bytes
//   zipf        page p of the footprint (pages of page_bytes) with probability ~ 1/rank(p)^s;
//               the hot ranks are scattered over the footprint by a fixed permutation (keyed by
//               the seed); the offset inside the page is uniform, aligned to access_bytes
// Every access is a write with probability write_fraction, drawn from a generator of its own,
// so changing write_fraction does not change the address sequence.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace smmu {

// splitmix64 step: advances state and returns the next output (Steele, Lea, Flood 2014).
uint64_t splitmix64(uint64_t& state);
// The splitmix64 finaliser as a stateless 64-bit mixer (bijective).
uint64_t mix64(uint64_t x);

// xoshiro256** 1.0 (Blackman, Vigna), seeded by four splitmix64 outputs of the seed.
class Rng {
 public:
  explicit Rng(uint64_t seed = 0);
  // A generator in a given state (tests against the reference implementation's vectors).
  static Rng fromState(uint64_t s0, uint64_t s1, uint64_t s2, uint64_t s3);
  uint64_t next();
  // Uniform in [0, n) without modulo bias (Lemire's multiply-and-reject); 0 when n == 0.
  uint64_t below(uint64_t n);
  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return double(next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t s_[4];
};

struct Access {
  uint64_t offset = 0;  // byte offset in the device's footprint, aligned to access_bytes
  bool write = false;
};

struct TrafficSpec {
  std::string pattern = "sequential";  // sequential | strided | random | zipf
  uint64_t footprintBytes = 1 << 20;   // bytes the device touches; multiple of accessBytes
  uint32_t accessBytes = 64;           // bytes per access: power of two, <= 4096
  uint64_t strideBytes = 4096;         // strided: distance between accesses; multiple of access
  double zipfS = 1.0;                  // zipf: exponent s >= 0 (0 = uniform over pages)
  double writeFraction = 0.0;          // probability that an access is a write, [0, 1]
  uint64_t seed = 1;
  uint64_t pageBytes = 4096;           // zipf: size of the pages ranked; multiple of accessBytes
};

class TrafficPattern {
 public:
  explicit TrafficPattern(const TrafficSpec& spec);
  virtual ~TrafficPattern() = default;
  virtual Access next() = 0;
  // The next n accesses, the same as n calls of next(): one virtual call for many (a device
  // takes its accesses in batches). out must not point into the pattern.
  virtual void nextBatch(Access* out, size_t n) = 0;
  virtual std::string_view name() const = 0;

 protected:
  bool drawWrite();  // true with probability writeFraction
  Rng rng_;          // for offsets

 private:
  Rng writeRng_;
  uint64_t writeThreshold_;  // write when 53 random bits < this (2^53 = always)
};

class SequentialPattern final : public TrafficPattern {
 public:
  explicit SequentialPattern(const TrafficSpec& spec);
  Access next() override;
  void nextBatch(Access* out, size_t n) override;
  std::string_view name() const override { return "sequential"; }

 private:
  uint64_t footprint_, step_, offset_ = 0;
};

class StridedPattern final : public TrafficPattern {
 public:
  explicit StridedPattern(const TrafficSpec& spec);
  Access next() override;
  void nextBatch(Access* out, size_t n) override;
  std::string_view name() const override { return "strided"; }

 private:
  uint64_t footprint_, stride_, offset_ = 0;
};

class UniformRandomPattern final : public TrafficPattern {
 public:
  explicit UniformRandomPattern(const TrafficSpec& spec);
  Access next() override;
  void nextBatch(Access* out, size_t n) override;
  std::string_view name() const override { return "random"; }

 private:
  uint64_t slots_, access_;
};

// A pseudo-random permutation of [0, n) (4-round Feistel network with cycle walking), keyed by
// a seed: O(1) memory, so a device with millions of pages does not store a table.
class IndexPermutation {
 public:
  IndexPermutation(uint64_t n, uint64_t key);
  uint64_t operator()(uint64_t i) const;  // i < n
  uint64_t size() const { return n_; }

 private:
  uint64_t encrypt(uint64_t x) const;
  uint64_t n_;
  unsigned halfBits_;
  uint64_t mask_;
  uint64_t keys_[4];
};

class ZipfPattern final : public TrafficPattern {
 public:
  static constexpr uint64_t kMaxPages = uint64_t(1) << 24;  // CDF of 8 bytes per page

  explicit ZipfPattern(const TrafficSpec& spec);
  Access next() override;
  void nextBatch(Access* out, size_t n) override;
  std::string_view name() const override { return "zipf"; }

  // The normalised CDF of Zipf(n, s): cdf[k] = H(k+1, s) / H(n, s), cdf[n-1] == 1. Shared
  // between patterns with the same (n, s).
  static std::shared_ptr<const std::vector<double>> cdf(uint64_t n, double s);
  uint64_t pages() const { return perm_.size(); }
  // The page with rank r (0 = the hottest).
  uint64_t pageOfRank(uint64_t r) const { return perm_(r); }
  // Draws a rank (0-based) from the distribution.
  uint64_t sampleRank();

 private:
  uint64_t footprint_, access_, page_;
  std::shared_ptr<const std::vector<double>> cdf_;
  IndexPermutation perm_;
};

// "sequential, strided, random, zipf"
const std::vector<std::string>& trafficPatternNames();
// Empty when the spec is usable, otherwise what is wrong with it (e.g. "access_bytes 96 is not
// a power of two"), using the scenario's field names.
std::string checkTrafficSpec(const TrafficSpec& spec);
// Builds the pattern named by spec.pattern; throws std::invalid_argument if checkTrafficSpec
// reports a problem.
std::unique_ptr<TrafficPattern> makeTrafficPattern(const TrafficSpec& spec);

}  // namespace smmu
