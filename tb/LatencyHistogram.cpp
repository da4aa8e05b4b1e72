#include "LatencyHistogram.h"

#include <algorithm>
#include <cmath>

namespace smmu {

unsigned LatencyHistogram::bucketIndex(uint64_t v) {
  if (v < kSubBuckets) return unsigned(v);
  const unsigned e = 63u - unsigned(__builtin_clzll(v));  // >= kSubBits
  const unsigned block = e - kSubBits + 1;
  const unsigned sub = unsigned(v >> (e - kSubBits)) - unsigned(kSubBuckets);
  return block * unsigned(kSubBuckets) + sub;
}

uint64_t LatencyHistogram::bucketLow(unsigned index) {
  const unsigned block = index >> kSubBits, sub = index & (kSubBuckets - 1);
  if (block == 0) return sub;
  return (kSubBuckets + sub) << (block - 1);
}

uint64_t LatencyHistogram::bucketWidth(unsigned index) {
  const unsigned block = index >> kSubBits;
  return block == 0 ? 1 : uint64_t(1) << (block - 1);
}

void LatencyHistogram::record(uint64_t value, uint64_t times) {
  if (times == 0) return;
  const unsigned idx = bucketIndex(value);
  auto& block = blocks_[idx >> kSubBits];
  if (block.empty()) block.assign(kSubBuckets, 0);
  block[idx & (kSubBuckets - 1)] += times;
  count_ += times;
  sum_ += (unsigned __int128)value * times;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void LatencyHistogram::merge(const LatencyHistogram& o) {
  if (o.count_ == 0) return;
  for (unsigned b = 0; b < kBlocks; ++b) {
    if (o.blocks_[b].empty()) continue;
    if (blocks_[b].empty()) blocks_[b].assign(kSubBuckets, 0);
    for (unsigned s = 0; s < kSubBuckets; ++s) blocks_[b][s] += o.blocks_[b][s];
  }
  count_ += o.count_;
  sum_ += o.sum_;
  min_ = std::min(min_, o.min_);
  max_ = std::max(max_, o.max_);
}

void LatencyHistogram::clear() { *this = LatencyHistogram(); }

double LatencyHistogram::mean() const {
  if (count_ == 0) return 0.0;
  return double((long double)sum_ / (long double)count_);
}

uint64_t LatencyHistogram::percentile(double q) const {
  if (count_ == 0) return 0;
  if (!(q > 0.0)) return min_;  // also NaN
  if (q >= 1.0) return max_;
  // Nearest rank: ceil(q * count), tolerant of the representation error of q (0.9 * 10 must
  // be rank 9, not 10).
  const double r = q * double(count_);
  uint64_t rank = uint64_t(r);
  if (r - double(rank) > 1e-9 * std::max(1.0, r)) ++rank;
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (unsigned b = 0; b < kBlocks; ++b) {
    const auto& block = blocks_[b];
    if (block.empty()) continue;
    for (unsigned s = 0; s < kSubBuckets; ++s) {
      seen += block[s];
      if (seen >= rank) {
        const uint64_t mid = bucketMid(b * unsigned(kSubBuckets) + s);
        return std::clamp(mid, min_, max_);
      }
    }
  }
  return max_;  // not reached: the counts sum to count_
}

std::vector<LatencyHistogram::Bucket> LatencyHistogram::buckets() const {
  std::vector<Bucket> out;
  for (unsigned b = 0; b < kBlocks; ++b) {
    const auto& block = blocks_[b];
    if (block.empty()) continue;
    for (unsigned s = 0; s < kSubBuckets; ++s) {
      if (!block[s]) continue;
      const unsigned idx = b * unsigned(kSubBuckets) + s;
      out.push_back({bucketLow(idx), bucketLow(idx) + (bucketWidth(idx) - 1), block[s]});
    }
  }
  return out;
}

namespace {

// The coarse grid of coarseBins, k = 2^m bins per octave: values below 2k have a bin each; a
// value v in [2^e, 2^(e+1)), e > m, is in bin 2k + (e - m - 1) k + j, j = (v >> (e - m)) - k.
uint64_t coarseIndex(uint64_t v, unsigned m) {
  const uint64_t k = uint64_t(1) << m;
  if (v < 2 * k) return v;
  const unsigned e = 63u - unsigned(__builtin_clzll(v));
  return 2 * k + (e - m - 1) * k + ((v >> (e - m)) - k);
}

// The first value of bin i of that grid (2^64 saturates to UINT64_MAX: the last bin's end).
uint64_t coarseLow(uint64_t i, unsigned m) {
  const uint64_t k = uint64_t(1) << m;
  if (i < 2 * k) return i;
  const uint64_t e = m + 1 + (i - 2 * k) / k, j = (i - 2 * k) % k;
  if (e >= 64) return UINT64_MAX;
  return (k + j) << (e - m);
}

}  // namespace

std::vector<LatencyHistogram::Bin> LatencyHistogram::coarseBins(unsigned binsPerOctave) const {
  std::vector<Bin> out;
  if (count_ == 0) return out;
  unsigned m = 0;
  while ((2u << m) <= binsPerOctave && (2u << m) <= kSubBuckets) ++m;
  const uint64_t first = coarseIndex(min_, m), last = coarseIndex(max_, m);
  out.reserve(size_t(last - first + 1));
  for (uint64_t i = first; i <= last; ++i) out.push_back({coarseLow(i, m), coarseLow(i + 1, m), 0});
  // A bucket lies inside one bin (the bins' edges are bucket edges): its low value places it.
  for (unsigned b = 0; b < kBlocks; ++b) {
    const auto& block = blocks_[b];
    if (block.empty()) continue;
    for (unsigned s = 0; s < kSubBuckets; ++s)
      if (block[s]) out[size_t(coarseIndex(bucketLow(b * unsigned(kSubBuckets) + s), m) - first)]
                        .count += block[s];
  }
  return out;
}

std::vector<LatencyHistogram::Bin> LatencyHistogram::readableBins(size_t maxBins) const {
  unsigned k = 8;
  std::vector<Bin> bins = coarseBins(k);
  while (bins.size() > maxBins && k > 1) bins = coarseBins(k /= 2);
  return bins;
}

}  // namespace smmu
