#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "Progress.h"

using namespace smmu;

namespace {
struct FakeClock {
  double t = 100.0;
  Progress::Clock fn() {
    return [this] { return t; };
  }
};
}  // namespace

TEST(Progress, ModeNames) {
  ProgressMode m = ProgressMode::Off;
  EXPECT_TRUE(progressModeFromName("on", m));
  EXPECT_EQ(m, ProgressMode::On);
  EXPECT_TRUE(progressModeFromName("auto", m));
  EXPECT_EQ(m, ProgressMode::Auto);
  EXPECT_FALSE(progressModeFromName("yes", m));
  EXPECT_EQ(progressModeName(ProgressMode::Off), "off");
}

TEST(Progress, OffAndAutoWithoutTerminalWriteNothing) {
  FakeClock c;
  std::ostringstream out;
  Progress off(ProgressMode::Off, &out, c.fn(), /*terminal=*/true);
  Progress autoPipe(ProgressMode::Auto, &out, c.fn(), /*terminal=*/false);
  EXPECT_FALSE(off.enabled());
  EXPECT_FALSE(autoPipe.enabled());
  for (int i = 0; i < 10; ++i) {
    c.t += 1.0;
    off.update(i, 10, 1000);
    autoPipe.update(i, 10, 1000);
  }
  off.finish(10, 10, 1000);
  autoPipe.finish(10, 10, 1000);
  EXPECT_EQ(out.str(), "");
}

TEST(Progress, AutoOnTerminalAndOnDraw) {
  FakeClock c;
  std::ostringstream a, b;
  Progress autoTty(ProgressMode::Auto, &a, c.fn(), true);
  Progress on(ProgressMode::On, &b, c.fn(), false);
  EXPECT_TRUE(autoTty.enabled());
  EXPECT_TRUE(on.enabled());
  c.t += 1;
  autoTty.update(1, 2, 3);
  on.update(1, 2, 3);
  EXPECT_EQ(a.str().substr(0, 1), "\r");
  EXPECT_EQ(b.str().substr(0, 1), "\r");
}

TEST(Progress, RedrawsAtMostFiveTimesASecond) {
  FakeClock c;
  std::ostringstream out;
  Progress p(ProgressMode::On, &out, c.fn(), false);
  p.update(0, 1000, 0);  // the first update draws at once
  EXPECT_EQ(p.draws(), 1u);
  c.t += 0.1;
  p.update(1, 1000, 5);
  EXPECT_EQ(p.draws(), 1u);  // too soon
  c.t += 0.15;
  p.update(2, 1000, 10);
  EXPECT_EQ(p.draws(), 2u);
  // 100 updates, 10 ms apart: one second, at most 5 more draws.
  for (int i = 0; i < 100; ++i) {
    c.t += 0.01;
    p.update(3 + i, 1000, 100 + i);
  }
  EXPECT_GE(p.draws(), 6u);
  EXPECT_LE(p.draws(), 7u);
  const std::string s = out.str();
  EXPECT_EQ(size_t(std::count(s.begin(), s.end(), '\r')), p.draws());
  EXPECT_EQ(s.find('\n'), std::string::npos);
  p.finish(1000, 1000, 2000);
  EXPECT_EQ(out.str().back(), '\n');
}

TEST(Progress, LineContent) {
  // 50 of 200 done after 2 s: 25 txn/s, 150 left -> 6 s.
  EXPECT_EQ(Progress::formatLine(50, 200, 12346, 2.0),
            "sim 12.35 us | 50/200 txn (25.0%) | 25 txn/s | ETA 0:00:06");
  EXPECT_EQ(Progress::formatLine(0, 200, 0, 0.0), "sim 0 ns | 0/200 txn (0.0%) | - txn/s | ETA -:--:--");
  EXPECT_EQ(Progress::formatLine(3000000, 0, 2500000000ull, 1.0),
            "sim 2.500 s | 3000000 txn | 3.00M txn/s");
  EXPECT_EQ(Progress::formatSimTime(999), "999 ns");
  EXPECT_EQ(Progress::formatSimTime(1500000), "1.50 ms");
  EXPECT_EQ(Progress::formatRate(12345), "12.3k");
  EXPECT_EQ(Progress::formatDuration(3725), "1:02:05");
}

TEST(Progress, ShorterLineErasesTheRestOfTheLongerOne) {
  FakeClock c;
  std::ostringstream out;
  Progress p(ProgressMode::On, &out, c.fn(), false, 0.0);
  c.t += 1;
  p.update(123456, 1000000, 999999999);
  const size_t first = out.str().size();
  c.t += 1;
  p.update(1, 1000000, 1);
  const std::string second = out.str().substr(first);
  EXPECT_EQ(second.size(), first);  // padded to the previous length ('\r' + line)
  EXPECT_EQ(second.back(), ' ');
}
