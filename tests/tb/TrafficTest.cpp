#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

#include "Traffic.h"

using namespace smmu;

namespace {

TrafficSpec spec(const char* pattern, uint64_t footprint, uint32_t access) {
  TrafficSpec s;
  s.pattern = pattern;
  s.footprintBytes = footprint;
  s.accessBytes = access;
  return s;
}

std::vector<Access> take(TrafficPattern& p, size_t n) {
  std::vector<Access> v;
  for (size_t i = 0; i < n; ++i) v.push_back(p.next());
  return v;
}

}  // namespace

// Reference vectors of splitmix64 (state 0) and xoshiro256** (state {1, 2, 3, 4}), as produced
// by the authors' C code.
TEST(Rng, SplitMix64ReferenceVector) {
  uint64_t st = 0;
  EXPECT_EQ(splitmix64(st), 0xe220a8397b1dcdafull);
  EXPECT_EQ(splitmix64(st), 0x6e789e6aa1b965f4ull);
  EXPECT_EQ(splitmix64(st), 0x06c45d188009454full);
}

TEST(Rng, Xoshiro256StarStarReferenceVector) {
  Rng r = Rng::fromState(1, 2, 3, 4);
  EXPECT_EQ(r.next(), 11520u);
  EXPECT_EQ(r.next(), 0u);
  EXPECT_EQ(r.next(), 1509978240u);
  EXPECT_EQ(r.next(), 1215971899390074240ull);
  EXPECT_EQ(r.next(), 1216172134540287360ull);
}

TEST(Rng, BelowStaysInRangeAndUniform01InUnitInterval) {
  Rng r(42);
  EXPECT_EQ(r.below(0), 0u);
  EXPECT_EQ(r.below(1), 0u);
  unsigned seen[3] = {0, 0, 0};
  for (int i = 0; i < 3000; ++i) {
    const uint64_t v = r.below(3);
    ASSERT_LT(v, 3u);
    ++seen[v];
    const double u = r.uniform01();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
  for (unsigned c : seen) EXPECT_GT(c, 800u);
  // A bound close to 2^64 (the rejection path) still stays in range.
  for (int i = 0; i < 100; ++i) ASSERT_LT(r.below(0xc000000000000001ull), 0xc000000000000001ull);
}

TEST(Traffic, SequentialStreamsAndWrapsAtFootprint) {
  auto p = makeTrafficPattern(spec("sequential", 1024, 256));
  EXPECT_EQ(p->name(), "sequential");
  const uint64_t expect[] = {0, 256, 512, 768, 0, 256, 512, 768, 0};
  for (uint64_t e : expect) EXPECT_EQ(p->next().offset, e);
}

TEST(Traffic, StridedAdvancesByStrideModuloFootprint) {
  TrafficSpec s = spec("strided", 10240, 64);
  s.strideBytes = 4096;
  auto p = makeTrafficPattern(s);
  // 0, 4096, 8192, 12288-10240, 6144, 10240-10240, ...
  const uint64_t expect[] = {0, 4096, 8192, 2048, 6144, 0, 4096};
  for (uint64_t e : expect) EXPECT_EQ(p->next().offset, e);
}

TEST(Traffic, StridedWithStrideLargerThanFootprint) {
  TrafficSpec s = spec("strided", 4096, 64);
  s.strideBytes = 4096 + 128;  // == 128 modulo the footprint
  auto p = makeTrafficPattern(s);
  EXPECT_EQ(p->next().offset, 0u);
  EXPECT_EQ(p->next().offset, 128u);
  EXPECT_EQ(p->next().offset, 256u);
}

TEST(Traffic, RandomStaysInFootprintAndAligned) {
  TrafficSpec s = spec("random", 3 * 4096 + 512, 128);
  s.seed = 9;
  auto p = makeTrafficPattern(s);
  for (int i = 0; i < 20000; ++i) {
    const Access a = p->next();
    ASSERT_LT(a.offset, s.footprintBytes);
    ASSERT_EQ(a.offset % 128, 0u);
  }
}

TEST(Traffic, RandomCoversFootprintUniformly) {
  // 64 slots, 64000 draws: chi-square with 63 degrees of freedom has mean 63 and standard
  // deviation ~11.2; with this fixed seed it must stay within about 5 sigma either side.
  TrafficSpec s = spec("random", 64 * 64, 64);
  s.seed = 1234;
  auto p = makeTrafficPattern(s);
  std::vector<unsigned> hist(64, 0);
  const unsigned n = 64000;
  for (unsigned i = 0; i < n; ++i) ++hist[p->next().offset / 64];
  double chi2 = 0;
  const double expected = n / 64.0;
  for (unsigned c : hist) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 120.0);
  EXPECT_GT(chi2, 20.0);  // not suspiciously even (e.g. a sequential sweep would give 0)
}

TEST(Traffic, ZipfRankOneFrequencyMatchesAnalytic) {
  for (double sExp : {1.0, 1.2, 0.8}) {
    TrafficSpec s = spec("zipf", 1024 * 4096, 64);
    s.zipfS = sExp;
    s.seed = 77;
    ZipfPattern p(s);
    ASSERT_EQ(p.pages(), 1024u);
    long double h = 0;
    for (int k = 1; k <= 1024; ++k) h += 1.0L / std::pow((long double)k, (long double)sExp);
    const double p1 = double(1.0L / h), p2 = double(std::pow(2.0L, -(long double)sExp) / h);
    const uint64_t hot1 = p.pageOfRank(0), hot2 = p.pageOfRank(1);
    const unsigned n = 200000;
    unsigned c1 = 0, c2 = 0;
    for (unsigned i = 0; i < n; ++i) {
      const Access a = p.next();
      ASSERT_LT(a.offset, s.footprintBytes);
      ASSERT_EQ(a.offset % 64, 0u);
      c1 += a.offset / 4096 == hot1;
      c2 += a.offset / 4096 == hot2;
    }
    // sigma = sqrt(p(1-p)/n) < 0.0008; allow 5 sigma.
    EXPECT_NEAR(double(c1) / n, p1, 0.004) << "s=" << sExp;
    EXPECT_NEAR(double(c2) / n, p2, 0.004) << "s=" << sExp;
  }
}

TEST(Traffic, ZipfHotPagesAreScatteredByAPermutation) {
  TrafficSpec s = spec("zipf", 4096 * 4096, 64);
  ZipfPattern p(s);
  unsigned identity = 0;
  for (uint64_t r = 0; r < 16; ++r) identity += p.pageOfRank(r) == r;
  EXPECT_LT(identity, 3u);
  // The permutation is a bijection of [0, n) for awkward n too.
  for (uint64_t n : {1ull, 2ull, 3ull, 5ull, 255ull, 1000ull, 1024ull, 4097ull}) {
    IndexPermutation perm(n, 99);
    std::set<uint64_t> seen;
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t v = perm(i);
      ASSERT_LT(v, n);
      seen.insert(v);
    }
    EXPECT_EQ(seen.size(), n);
  }
}

TEST(Traffic, ZipfPartialLastPageAndZeroExponent) {
  // 2.5 pages of 4 KiB: the last page has 2 KiB; s = 0 makes the three pages equally likely.
  TrafficSpec s = spec("zipf", 4096 * 2 + 2048, 64);
  s.zipfS = 0.0;
  ZipfPattern p(s);
  ASSERT_EQ(p.pages(), 3u);
  unsigned perPage[3] = {0, 0, 0};
  for (int i = 0; i < 30000; ++i) {
    const Access a = p.next();
    ASSERT_LT(a.offset, s.footprintBytes);
    ++perPage[a.offset / 4096];
  }
  for (unsigned c : perPage) EXPECT_NEAR(c, 10000.0, 500.0);
}

TEST(Traffic, ZipfCdfIsSharedAndNormalised) {
  auto a = ZipfPattern::cdf(100, 1.0);
  auto b = ZipfPattern::cdf(100, 1.0);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(a->back(), 1.0);
  // cdf[0] = 1 / H(100, 1); H(100) = 5.187377517639621
  EXPECT_NEAR((*a)[0], 1.0 / 5.187377517639621, 1e-12);
}

TEST(Traffic, SameSeedSameSequenceDifferentSeedDifferent) {
  for (const char* name : {"sequential", "strided", "random", "zipf"}) {
    TrafficSpec s = spec(name, 1 << 20, 64);
    s.writeFraction = 0.5;
    s.seed = 5;
    auto a = makeTrafficPattern(s), b = makeTrafficPattern(s);
    const auto va = take(*a, 1000), vb = take(*b, 1000);
    for (size_t i = 0; i < va.size(); ++i) {
      ASSERT_EQ(va[i].offset, vb[i].offset) << name << " " << i;
      ASSERT_EQ(va[i].write, vb[i].write) << name << " " << i;
    }
    s.seed = 6;
    auto c = makeTrafficPattern(s);
    const auto vc = take(*c, 1000);
    unsigned same = 0;
    for (size_t i = 0; i < va.size(); ++i)
      same += va[i].offset == vc[i].offset && va[i].write == vc[i].write;
    EXPECT_LT(same, 900u) << name;  // sequential/strided offsets agree; writes differ
  }
}

TEST(Traffic, WriteFractionAndIndependenceOfAddresses) {
  TrafficSpec s = spec("random", 1 << 20, 64);
  s.seed = 3;
  s.writeFraction = 0.25;
  auto p = makeTrafficPattern(s);
  s.writeFraction = 0.0;
  auto q = makeTrafficPattern(s);
  s.writeFraction = 1.0;
  auto r = makeTrafficPattern(s);
  unsigned writes = 0;
  const unsigned n = 100000;
  for (unsigned i = 0; i < n; ++i) {
    const Access a = p->next(), b = q->next(), c = r->next();
    ASSERT_EQ(a.offset, b.offset);  // the address stream does not depend on write_fraction
    ASSERT_EQ(a.offset, c.offset);
    ASSERT_FALSE(b.write);
    ASSERT_TRUE(c.write);
    writes += a.write;
  }
  EXPECT_NEAR(double(writes) / n, 0.25, 0.01);
}

TEST(Traffic, FactoryRejectsBadSpecs) {
  EXPECT_EQ(trafficPatternNames(),
            (std::vector<std::string>{"sequential", "strided", "random", "zipf"}));
  auto bad = [](TrafficSpec s, const std::string& fragment) {
    try {
      makeTrafficPattern(s);
      ADD_FAILURE() << "accepted: " << fragment;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  bad(spec("zipff", 4096, 64), "unknown pattern 'zipff'");
  bad(spec("random", 4096, 96), "access_bytes 96 is not a power of two");
  bad(spec("random", 8192, 8192), "access_bytes 8192");
  bad(spec("random", 100, 64), "footprint_bytes 100");
  bad(spec("random", 0, 64), "footprint_bytes 0");
  TrafficSpec s = spec("strided", 4096, 64);
  s.strideBytes = 100;
  bad(s, "stride_bytes 100");
  s = spec("random", 4096, 64);
  s.writeFraction = 1.5;
  bad(s, "write_fraction");
  s = spec("zipf", uint64_t(1) << 40, 64);  // 2^28 pages of 4 KiB
  bad(s, "at most 16777216");
  s = spec("zipf", 4096, 64);
  s.zipfS = -1;
  bad(s, "zipf_s");
  EXPECT_EQ(checkTrafficSpec(spec("random", 4096, 4096)), "");
}
