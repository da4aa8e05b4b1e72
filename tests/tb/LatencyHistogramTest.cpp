#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "LatencyHistogram.h"
#include "Traffic.h"

using namespace smmu;

namespace {

// Nearest-rank percentile of sorted samples: the sample of rank ceil(q * n), q in (0, 1).
uint64_t nearestRank(const std::vector<uint64_t>& sorted, uint64_t numerator,
                     uint64_t denominator) {
  const uint64_t n = sorted.size();
  uint64_t rank = (numerator * n + denominator - 1) / denominator;
  rank = std::max<uint64_t>(1, std::min(rank, n));
  return sorted[rank - 1];
}

}  // namespace

TEST(LatencyHistogram, EmptyIsAllZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.p50(), 0u);
  EXPECT_EQ(h.percentile(1.0), 0u);
  EXPECT_TRUE(h.buckets().empty());
}

TEST(LatencyHistogram, BucketGeometry) {
  // Below 512 every value has its own bucket.
  for (uint64_t v = 0; v < 512; ++v) {
    const unsigned i = LatencyHistogram::bucketIndex(v);
    EXPECT_EQ(LatencyHistogram::bucketLow(i), v);
    EXPECT_EQ(LatencyHistogram::bucketWidth(i), 1u);
  }
  // [512, 1024): width 2; [2^20, 2^21): width 2^12.
  EXPECT_EQ(LatencyHistogram::bucketWidth(LatencyHistogram::bucketIndex(512)), 2u);
  EXPECT_EQ(LatencyHistogram::bucketLow(LatencyHistogram::bucketIndex(513)), 512u);
  EXPECT_EQ(LatencyHistogram::bucketWidth(LatencyHistogram::bucketIndex(1u << 20)), 4096u);
  EXPECT_EQ(LatencyHistogram::bucketLow(LatencyHistogram::bucketIndex((1u << 20) + 4095)),
            1u << 20);
  EXPECT_EQ(LatencyHistogram::bucketIndex(UINT64_MAX), LatencyHistogram::kBuckets - 1);
  // Every value lies in its bucket, and a bucket is at most 1/256 of its low end.
  Rng r(1);
  for (int k = 0; k < 20000; ++k) {
    const unsigned shift = unsigned(r.below(64));
    const uint64_t v = r.next() >> shift;
    const unsigned i = LatencyHistogram::bucketIndex(v);
    ASSERT_LT(i, LatencyHistogram::kBuckets);
    const uint64_t low = LatencyHistogram::bucketLow(i), w = LatencyHistogram::bucketWidth(i);
    ASSERT_LE(low, v);
    ASSERT_LE(v - low, w - 1);
    if (low >= 256) {
      ASSERT_LE(w * 256, low);
    }
  }
  // Indices are monotonic in the value.
  unsigned prev = 0;
  for (uint64_t v = 1; v < (uint64_t(1) << 40); v = v * 3 / 2 + 1) {
    const unsigned i = LatencyHistogram::bucketIndex(v);
    ASSERT_GE(i, prev);
    prev = i;
  }
}

TEST(LatencyHistogram, ExactStatisticsForSmallValues) {
  LatencyHistogram h;
  for (uint64_t v = 0; v < 512; ++v) h.record(v);
  EXPECT_EQ(h.count(), 512u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 511u);
  EXPECT_DOUBLE_EQ(h.mean(), 255.5);
  EXPECT_EQ(h.p50(), 255u);  // rank 256
  EXPECT_EQ(h.percentile(0.9), 460u);  // rank ceil(460.8) = 461
  EXPECT_EQ(h.p99(), 506u);   // rank ceil(506.88) = 507
  EXPECT_EQ(h.percentile(0.0), 0u);
  EXPECT_EQ(h.percentile(1.0), 511u);
}

TEST(LatencyHistogram, RankOfDecimalQuantilesIsNotOffByOne) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 10; ++v) h.record(v * 50);  // below 512: exact buckets
  EXPECT_EQ(h.percentile(0.9), 450u);  // rank 9 of 10, although 0.9 * 10 is not exact
  EXPECT_EQ(h.percentile(0.1), 50u);
  EXPECT_EQ(h.percentile(0.5), 250u);
  EXPECT_EQ(h.percentile(0.7), 350u);
}

TEST(LatencyHistogram, PercentilesWithinBoundOfSortedSamples) {
  // Latencies log-uniform between 1 ns and 1 ms (in ps), plus a cluster of near-equal values.
  Rng r(2024);
  std::vector<uint64_t> samples;
  LatencyHistogram h;
  for (int i = 0; i < 200000; ++i) {
    const double e = 3.0 + 6.0 * r.uniform01();
    const uint64_t v = i % 10 == 0 ? 80000 + r.below(100) : uint64_t(std::pow(10.0, e));
    samples.push_back(v);
    h.record(v);
  }
  std::sort(samples.begin(), samples.end());
  EXPECT_EQ(h.min(), samples.front());
  EXPECT_EQ(h.max(), samples.back());
  long double sum = 0;
  for (uint64_t v : samples) sum += v;
  EXPECT_NEAR(h.mean(), double(sum / samples.size()), 1e-6 * double(sum / samples.size()));
  const std::pair<uint64_t, uint64_t> qs[] = {{1, 100},  {10, 100},  {50, 100},  {90, 100},
                                              {99, 100}, {999, 1000}, {9999, 10000}, {1, 3}};
  for (const auto& [num, den] : qs) {
    const uint64_t exact = nearestRank(samples, num, den);
    const uint64_t est = h.percentile(double(num) / double(den));
    const double err = std::fabs(double(est) - double(exact));
    EXPECT_LE(err, double(exact) / 512.0) << num << "/" << den << " exact " << exact << " est "
                                          << est;
  }
}

TEST(LatencyHistogram, SingleValueIsReportedExactly) {
  LatencyHistogram h;
  h.record(1234567, 10);
  EXPECT_EQ(h.count(), 10u);
  // The bucket midpoint is clamped to [min, max].
  EXPECT_EQ(h.p50(), 1234567u);
  EXPECT_EQ(h.p99(), 1234567u);
  EXPECT_DOUBLE_EQ(h.mean(), 1234567.0);
}

TEST(LatencyHistogram, SumIsExactBeyond64Bits) {
  LatencyHistogram h;
  h.record(UINT64_MAX);
  h.record(UINT64_MAX);
  h.record(2);
  const unsigned __int128 expect = (unsigned __int128)UINT64_MAX * 2 + 2;
  EXPECT_TRUE(h.sum() == expect);
  EXPECT_EQ(h.max(), UINT64_MAX);
  EXPECT_EQ(h.min(), 2u);
  EXPECT_EQ(h.percentile(1.0), UINT64_MAX);
  EXPECT_LE(h.p50(), UINT64_MAX);
  EXPECT_GE(h.p50(), UINT64_MAX - (UINT64_MAX >> 9));
}

TEST(LatencyHistogram, MergeEqualsRecordingEverything) {
  LatencyHistogram a, b, all;
  Rng r(8);
  for (int i = 0; i < 5000; ++i) {
    const uint64_t v = r.below(1000000);
    (i % 3 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  EXPECT_TRUE(a.sum() == all.sum());
  for (double q : {0.01, 0.5, 0.9, 0.99}) EXPECT_EQ(a.percentile(q), all.percentile(q));
  const auto ba = a.buckets(), bb = all.buckets();
  ASSERT_EQ(ba.size(), bb.size());
  for (size_t i = 0; i < ba.size(); ++i) {
    EXPECT_EQ(ba[i].low, bb[i].low);
    EXPECT_EQ(ba[i].count, bb[i].count);
  }
  // Merging into an empty histogram copies; merging an empty one changes nothing.
  LatencyHistogram e;
  e.merge(all);
  EXPECT_EQ(e.p90(), all.p90());
  all.merge(LatencyHistogram());
  EXPECT_EQ(all.count(), 5000u);
}

TEST(LatencyHistogram, BucketsListAndClear) {
  LatencyHistogram h;
  h.record(10);
  h.record(10);
  h.record(1000);  // bucket [1000, 1001]
  const auto b = h.buckets();
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].low, 10u);
  EXPECT_EQ(b[0].high, 10u);
  EXPECT_EQ(b[0].count, 2u);
  EXPECT_EQ(b[1].low, 1000u);
  EXPECT_EQ(b[1].high, 1001u);
  EXPECT_EQ(b[1].count, 1u);
  h.clear();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_TRUE(h.buckets().empty());
}

TEST(LatencyHistogram, P999IsTheNearestRank) {
  // 1..1000: rank ceil(0.999 * 1000) = 999. 999 is in the 2-wide bucket [998, 999] (values in
  // [512, 1024)), whose midpoint 998 + 1 is reported.
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 1000; ++v) h.record(v);
  EXPECT_EQ(h.p999(), 999u);
  EXPECT_EQ(h.p999(), h.percentile(0.999));
}

TEST(LatencyHistogram, CoarseBinsOnAnEighthOctaveGrid) {
  // 8 bins per octave: v >= 16 in [2^e, 2^(e+1)) is in bin 16 + (e - 4) * 8 + j with
  // j = (v >> (e - 3)) - 8, bin [(8 + j) << (e - 3), (9 + j) << (e - 3)).
  //   100  = 2^6 + 36:  j = 12 - 8 = 4, bin 36 = [96, 104)
  //   1000 in 2^9:      j = 15 - 8 = 7, bin 63 = [960, 1024)
  //   1500 in 2^10:     j = 11 - 8 = 3, bin 67 = [1408, 1536)
  //   1600 in 2^10:     j = 12 - 8 = 4, bin 68 = [1536, 1664)
  LatencyHistogram h;
  for (uint64_t v : {100, 1000, 1000, 1500, 1600}) h.record(v);
  const auto bins = h.coarseBins(8);
  ASSERT_EQ(bins.size(), 68u - 36u + 1u);
  EXPECT_EQ(bins.front().low, 96u);
  EXPECT_EQ(bins.front().end, 104u);
  EXPECT_EQ(bins.front().count, 1u);
  EXPECT_EQ(bins[63 - 36].low, 960u);
  EXPECT_EQ(bins[63 - 36].end, 1024u);
  EXPECT_EQ(bins[63 - 36].count, 2u);
  EXPECT_EQ(bins[64 - 36].low, 1024u);  // the next octave: 128-wide bins
  EXPECT_EQ(bins[64 - 36].end, 1152u);
  EXPECT_EQ(bins[67 - 36].low, 1408u);
  EXPECT_EQ(bins[67 - 36].count, 1u);
  EXPECT_EQ(bins.back().low, 1536u);
  EXPECT_EQ(bins.back().end, 1664u);
  EXPECT_EQ(bins.back().count, 1u);
  uint64_t total = 0;
  for (size_t i = 0; i < bins.size(); ++i) {
    total += bins[i].count;
    if (i) {
      EXPECT_EQ(bins[i].low, bins[i - 1].end);  // contiguous
    }
  }
  EXPECT_EQ(total, 5u);
  // Below 2 * 8 the bins are unit-wide.
  LatencyHistogram small;
  small.record(3);
  small.record(17);  // 2^4 + 1: j = 8 - 8 = 0, bin 16 = [16, 18)
  const auto sb = small.coarseBins(8);
  ASSERT_EQ(sb.size(), 14u);  // bins 3 .. 16
  EXPECT_EQ(sb.front().low, 3u);
  EXPECT_EQ(sb.front().end, 4u);
  EXPECT_EQ(sb.back().low, 16u);
  EXPECT_EQ(sb.back().end, 18u);
  EXPECT_TRUE(LatencyHistogram().coarseBins(8).empty());
}

TEST(LatencyHistogram, ReadableBinsHalveTheGridWhenTheRangeIsWide) {
  // 1 and 2^40: on the 1/8-octave grid, bins 1 .. 16 + (40 - 4) * 8 = 304 (304 bins, over 200);
  // on the 1/4-octave grid, bins 1 .. 8 + (40 - 3) * 4 = 156.
  LatencyHistogram h;
  h.record(1);
  h.record(uint64_t(1) << 40);
  EXPECT_EQ(h.coarseBins(8).size(), 304u);
  const auto bins = h.readableBins(200);
  ASSERT_EQ(bins.size(), 156u);
  EXPECT_EQ(bins.front().low, 1u);
  EXPECT_EQ(bins.back().low, uint64_t(1) << 40);
  EXPECT_EQ(bins.back().end, (uint64_t(1) << 40) + (uint64_t(1) << 38));
  // A narrow range keeps 8 bins per octave.
  LatencyHistogram n;
  n.record(100000);
  n.record(800000);
  EXPECT_EQ(n.readableBins().size(), n.coarseBins(8).size());
}
