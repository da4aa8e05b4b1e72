// Latency histogram (values in picoseconds, or any uint64 unit): exact count, min, max, sum and
// mean; percentiles from a log-linear (HDR-style) bucket array.
//
// Buckets: values below 256 have a bucket each. Above, every power-of-two range
// [2^e, 2^(e+1)) is split into 256 equal sub-buckets of width 2^(e-8). A bucket's width is
// therefore at most 1/256 of any value in it, and a percentile is reported as the bucket's
// midpoint (clamped to [min, max]), which is within half a width of the true sample:
//
//     |reported - exact| <= exact / 512      (relative error bound 1/512, inside 1/256)
//
// where "exact" is the nearest-rank percentile of the recorded samples (the sample of rank
// ceil(q * count) in sorted order). Values below 512 are exact.
//
// record() is O(1): a count-leading-zeros, a shift and an increment. The count array is kept as
// 57 blocks of 256 counters, a block allocated the first time a value falls in its power-of-two
// range (at most 57 allocations over the histogram's life, none in steady state); a histogram of
// latencies between 1 ns and 1 ms holds about 20 blocks (40 KiB).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace smmu {

class LatencyHistogram {
 public:
  static constexpr unsigned kSubBits = 8;
  static constexpr uint64_t kSubBuckets = uint64_t(1) << kSubBits;  // 256
  static constexpr unsigned kBlocks = 64 - kSubBits + 1;              // 57
  static constexpr unsigned kBuckets = kBlocks * kSubBuckets;         // 14592

  void record(uint64_t value) { record(value, 1); }
  void record(uint64_t value, uint64_t times);
  void merge(const LatencyHistogram& other);
  void clear();

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  unsigned __int128 sum() const { return sum_; }  // exact
  double mean() const;                             // 0 when empty

  // The q-quantile, q in [0, 1] (q <= 0: min, q >= 1: max; 0 when empty), within the bound
  // above of the nearest-rank percentile.
  uint64_t percentile(double q) const;
  uint64_t p50() const { return percentile(0.50); }
  uint64_t p90() const { return percentile(0.90); }
  uint64_t p99() const { return percentile(0.99); }
  uint64_t p999() const { return percentile(0.999); }

  // Bucket geometry (index in [0, kBuckets)).
  static unsigned bucketIndex(uint64_t value);
  static uint64_t bucketLow(unsigned index);
  static uint64_t bucketWidth(unsigned index);
  static uint64_t bucketMid(unsigned index) { return bucketLow(index) + bucketWidth(index) / 2; }

  struct Bucket {
    uint64_t low;   // first value of the bucket
    uint64_t high;  // last value of the bucket (inclusive)
    uint64_t count;
  };
  std::vector<Bucket> buckets() const;  // the non-empty buckets, ascending

  // The counts on a coarser grid, for a readable distribution: `binsPerOctave` (a power of two,
  // at most kSubBuckets) bins per power-of-two range, edges 2^e * (1 + j / binsPerOctave), and
  // unit-wide bins below 2 * binsPerOctave. Each bin is a whole number of buckets (the grid is a
  // coarsening of the bucket grid), so its count is exact. From the first non-empty bin to the
  // last one, empty bins in between included; empty when nothing was recorded.
  struct Bin {
    uint64_t low;   // first value of the bin
    uint64_t end;   // one past its last value: the next bin's low
    uint64_t count;
  };
  std::vector<Bin> coarseBins(unsigned binsPerOctave) const;
  // coarseBins with the most bins per octave (8 at most) that gives at most maxBins bins.
  std::vector<Bin> readableBins(size_t maxBins = 200) const;

 private:
  std::array<std::vector<uint64_t>, kBlocks> blocks_;  // empty = no value recorded there yet
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  unsigned __int128 sum_ = 0;
};

}  // namespace smmu
