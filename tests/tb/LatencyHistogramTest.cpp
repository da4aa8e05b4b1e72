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
