// SMMUs without reg_base get register frames that overlap nothing: from 0x2b400000 up, the first
// 64 KiB-aligned 128 KiB frame clear of the given frames, the frames placed before and the RAM.
#include <gtest/gtest.h>

#include "Scenario.h"
#include "tb/ScenarioErrors.h"

using namespace smmu;
using smmu::testing::parseError;

namespace {
std::vector<uint64_t> frames(const Scenario& s) {
  std::vector<uint64_t> v;
  for (const auto& m : s.smmus) v.push_back(m.config.regBase);
  return v;
}
Scenario parse(const std::string& smmus) {
  return parseScenarioString("memory: {regions: [{base: 0x80000000, size: 1GiB}]}\nsmmus: " +
                                 smmus + "\n",
                             "t.yaml");
}
}  // namespace

TEST(ScenarioRegFrames, UngivenFramesFollowOneAnother) {
  const Scenario s = parse("[{name: a}, {name: b}, {name: c}]");
  EXPECT_EQ(frames(s), (std::vector<uint64_t>{0x2b400000, 0x2b420000, 0x2b440000}));
  EXPECT_FALSE(s.smmus[0].regBaseGiven);
}

TEST(ScenarioRegFrames, GivenFramesAreSkippedWhereverTheyStand) {
  // b's frame is where c's would fall: a keeps the default, c goes after b.
  Scenario s = parse("[{name: a}, {name: b, reg_base: 0x2b420000}, {name: c}]");
  EXPECT_EQ(frames(s), (std::vector<uint64_t>{0x2b400000, 0x2b420000, 0x2b440000}));
  // A given frame on the default: the first ungiven one goes after it, even if it comes first.
  s = parse("[{name: a}, {name: b, reg_base: 0x2b400000}]");
  EXPECT_EQ(frames(s), (std::vector<uint64_t>{0x2b420000, 0x2b400000}));
  // A given frame only 64 KiB-aligned (0x2b430000..0x2b44ffff): the next frame starts at its end.
  s = parse("[{name: a}, {name: b}, {name: c, reg_base: 0x2b430000}, {name: d}]");
  EXPECT_EQ(frames(s),
            (std::vector<uint64_t>{0x2b400000, 0x2b450000, 0x2b430000, 0x2b470000}));
  // `auto` is the default written out.
  s = parse("[{name: a, reg_base: auto}, {name: b, reg_base: auto}]");
  EXPECT_EQ(frames(s), (std::vector<uint64_t>{0x2b400000, 0x2b420000}));
}

TEST(ScenarioRegFrames, FramesStayOutOfRam) {
  const Scenario s = parseScenarioString(
      "memory: {regions: [{base: 0x2b000000, size: 0x430000}, {base: 0x80000000, size: 1GiB}]}\n"
      "smmus: [{name: a}, {name: b}]\n",
      "t.yaml");
  EXPECT_EQ(frames(s), (std::vector<uint64_t>{0x2b430000, 0x2b450000}));
}

TEST(ScenarioRegFrames, OverridesPlaceFramesAgain) {
  Scenario s = parse("[{name: a}, {name: b}]");
  applyOverride(s, "smmus[1].reg_base=0x2b400000");  // b takes the default: a moves up
  EXPECT_EQ(frames(s), (std::vector<uint64_t>{0x2b420000, 0x2b400000}));
  applyOverride(s, "smmus[1].reg_base=auto");
  EXPECT_EQ(frames(s), (std::vector<uint64_t>{0x2b400000, 0x2b420000}));
  // Given frames that collide are still an error naming both.
  EXPECT_EQ(parseError("smmus:\n  - {name: a, reg_base: 0x2b500000}\n"
                       "  - {name: b, reg_base: 0x2b500000}\n"),
            "t.yaml:3:25: smmus[1].reg_base: register frame 0x2b500000 overlaps smmus[0] 'a' at "
            "0x2b500000");
}

// The scenario written out (the run's scenario.yaml) reads back to the same frames.
TEST(ScenarioRegFrames, WrittenScenarioReadsBackTheSameFrames) {
  const Scenario s = parse("[{name: a}, {name: b}]");
  const Scenario t = parseScenarioString(scenarioToYaml(s), "out.yaml");
  EXPECT_EQ(frames(t), frames(s));
}
