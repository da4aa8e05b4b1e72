#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mem/MemoryImage.h"
#include "mem/SparseMemory.h"

namespace smmu {
namespace {

namespace fs = std::filesystem;

class MemoryImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ =
        fs::temp_directory_path() / ("smmu_mem_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& file) const { return (dir_ / file).string(); }

  void writeText(const std::string& file, const std::string& text) const {
    std::ofstream(path(file), std::ios::binary) << text;
  }
  // A .bin of `pages` pages; page i is filled with byte (i + 1), plus `extra` bytes of 0xEE.
  void writeBin(const std::string& file, unsigned pages, unsigned extra = 0) const {
    std::ofstream out(path(file), std::ios::binary);
    for (unsigned i = 0; i < pages; ++i) out << std::string(4096, static_cast<char>(i + 1));
    out << std::string(extra, '\xEE');
  }
  static std::string readFile(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  // Expect load("bad") to throw a MemoryImageError whose text contains every fragment.
  void expectLoadError(const std::vector<std::string>& fragments, SparseMemory* target = nullptr) {
    SparseMemory local;
    SparseMemory& mem = target ? *target : local;
    const size_t pagesBefore = mem.pagesAllocated();
    try {
      MemoryImage::load(path("bad"), mem);
      ADD_FAILURE() << "load succeeded, expected an error containing '" << fragments[0] << "'";
    } catch (const MemoryImageError& e) {
      const std::string what = e.what();
      for (const std::string& f : fragments)
        EXPECT_NE(what.find(f), std::string::npos) << "'" << f << "' not in: " << what;
    }
    EXPECT_EQ(mem.pagesAllocated(), pagesBefore) << "a failed load must change nothing";
  }

  fs::path dir_;
};

TEST_F(MemoryImageTest, SaveLoadRoundTripIsByteIdentical) {
  SparseMemory mem;
  ASSERT_EQ(mem.write64(0xFFFFFFFFFFFFF008ull, 0x0123456789abcdefull), MemStatus::Ok);
  ASSERT_EQ(mem.write32(0x80000000ull, 0xcafef00d), MemStatus::Ok);
  std::vector<uint8_t> pattern(3 * 4096 + 64);
  for (size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<uint8_t>(i ^ (i >> 8));
  ASSERT_EQ(mem.write(0x40000fe0ull, pattern.data(), pattern.size()), MemStatus::Ok);
  ASSERT_EQ(mem.write64(0x7000, 0), MemStatus::Ok);  // an allocated all-zero page
  ASSERT_EQ(mem.pagesAllocated(), 1u + 1u + 5u + 1u);

  // Skipping zero pages: 7 pages, in address order, at consecutive offsets.
  EXPECT_EQ(MemoryImage::save(path("img"), mem), 7u);
  EXPECT_EQ(fs::file_size(path("img.bin")), 7u * 4096u);
  const std::string idx = readFile(path("img.idx"));
  const std::string expectedLines =
      "0x40000000 0x0\n0x40001000 0x1000\n0x40002000 0x2000\n0x40003000 0x3000\n"
      "0x40004000 0x4000\n0x80000000 0x5000\n0xfffffffffffff000 0x6000\n";
  EXPECT_NE(idx.find(expectedLines), std::string::npos) << idx;

  SparseMemory back;
  EXPECT_EQ(MemoryImage::load(path("img"), back), 7u);
  EXPECT_EQ(back.pagesAllocated(), 7u);
  EXPECT_EQ(back.reads() + back.writes(), 0u);  // loading is not traffic
  mem.forEachPage([&](PhysAddr base, const uint8_t* data) {
    const uint8_t* got = back.pagePtr(base);
    if (base == 0x7000) {
      EXPECT_EQ(got, nullptr);
      return;
    }
    ASSERT_NE(got, nullptr) << std::hex << base;
    EXPECT_EQ(std::memcmp(got, data, 4096), 0) << std::hex << base;
  });
  uint64_t v = 0;
  ASSERT_EQ(back.read64(0xFFFFFFFFFFFFF008ull, v), MemStatus::Ok);
  EXPECT_EQ(v, 0x0123456789abcdefull);

  // Saving the loaded memory again gives the same files, byte for byte.
  EXPECT_EQ(MemoryImage::save(path("again.bin"), back), 7u);  // an extension is accepted
  EXPECT_EQ(readFile(path("again.bin")), readFile(path("img.bin")));
  const std::string idx2 = readFile(path("again.idx"));
  EXPECT_NE(idx2.find(expectedLines), std::string::npos);

  // Keeping zero pages: the zero page is saved at its place in address order.
  EXPECT_EQ(MemoryImage::save(path("all"), mem, false), 8u);
  EXPECT_EQ(fs::file_size(path("all.bin")), 8u * 4096u);
  EXPECT_NE(readFile(path("all.idx")).find("0x7000 0x0\n0x40000000 0x1000\n"), std::string::npos);
  SparseMemory all;
  EXPECT_EQ(MemoryImage::load(path("all"), all), 8u);
  EXPECT_NE(all.pagePtr(0x7000), nullptr);
}

TEST_F(MemoryImageTest, LoadsHandWrittenIndex) {
  writeBin("hand.bin", 2);  // page 0 = 0x01.., page 1 = 0x02..
  writeText("hand.idx",
            "# a hand-written image\n"
            "\n"
            "   0x80000000   0x1000   # second page of the .bin\r\n"
            "80001000 0\n"
            "\t0XABCDE000\t0x0000000000000000001000\n"
            "FFFFFFFFFFFFF000 0x0\n");
  SparseMemory mem;
  EXPECT_EQ(MemoryImage::load(path("hand"), mem), 4u);
  EXPECT_EQ(mem.pagesAllocated(), 4u);
  uint8_t b = 0;
  ASSERT_EQ(mem.read(0x80000000ull, &b, 1), MemStatus::Ok);
  EXPECT_EQ(b, 0x02);
  ASSERT_EQ(mem.read(0x80001fffull, &b, 1), MemStatus::Ok);
  EXPECT_EQ(b, 0x01);
  ASSERT_EQ(mem.read(0xabcde123ull, &b, 1), MemStatus::Ok);
  EXPECT_EQ(b, 0x02);
  ASSERT_EQ(mem.read(0xFFFFFFFFFFFFFFFFull, &b, 1), MemStatus::Ok);
  EXPECT_EQ(b, 0x01);
  // Separate .bin/.idx paths work too, and a load replaces existing page contents.
  writeText("other.idx", "80000000 0\n");
  EXPECT_EQ(MemoryImage::load(path("hand.bin"), path("other.idx"), mem), 1u);
  ASSERT_EQ(mem.read(0x80000000ull, &b, 1), MemStatus::Ok);
  EXPECT_EQ(b, 0x01);
}

TEST_F(MemoryImageTest, ErrorBadHexPhysaddr) {
  writeBin("bad.bin", 1);
  writeText("bad.idx", "# header\n1000 0\n80g00000 0\n");
  expectLoadError({"bad.idx:3:", "bad hex physaddr", "'80g00000'"});
}

TEST_F(MemoryImageTest, ErrorBadHexOffset) {
  writeBin("bad.bin", 1);
  writeText("bad.idx", "1000 -0\n");
  expectLoadError({"bad.idx:1:", "bad hex offset", "'-0'"});
}

TEST_F(MemoryImageTest, ErrorHexTooWide) {
  writeBin("bad.bin", 1);
  writeText("bad.idx", "\n\n0x10000000000000000 0\n");  // 17 significant digits
  expectLoadError({"bad.idx:3:", "bad hex physaddr", "0x10000000000000000"});
}

TEST_F(MemoryImageTest, ErrorWrongFieldCount) {
  writeBin("bad.bin", 1);
  writeText("bad.idx", "1000 0 2000\n");
  expectLoadError({"bad.idx:1:", "expected 'physaddr offset'", "1000 0 2000"});
  writeText("bad.idx", "1000 0\n2000   # offset missing\n");
  expectLoadError({"bad.idx:2:", "expected 'physaddr offset'", "'2000'"});
}

TEST_F(MemoryImageTest, ErrorPhysaddrNotAligned) {
  writeBin("bad.bin", 1);
  writeText("bad.idx", "1000 0\n80000800 0\n");
  expectLoadError({"bad.idx:2:", "physaddr 0x80000800 is not 4 KiB aligned"});
}

TEST_F(MemoryImageTest, ErrorOffsetNotAligned) {
  writeBin("bad.bin", 2);
  writeText("bad.idx", "1000 0x10\n");
  expectLoadError({"bad.idx:1:", "offset 0x10 is not 4 KiB aligned"});
}

TEST_F(MemoryImageTest, ErrorTruncatedImage) {
  writeBin("bad.bin", 1, 100);  // 4196 bytes: the page at 0x1000 is incomplete
  writeText("bad.idx", "1000 0\n2000 1000\n");
  expectLoadError({"bad.idx:2:", "offset 0x1000", "beyond the end of", "bad.bin", "4196 bytes",
                   "truncated image"});
  // An offset near 2^64 must not wrap around the size check.
  writeText("bad.idx", "1000 FFFFFFFFFFFFF000\n");
  expectLoadError({"bad.idx:1:", "truncated image"});
}

TEST_F(MemoryImageTest, ErrorDuplicatePhysaddr) {
  writeBin("bad.bin", 2);
  writeText("bad.idx", "1000 0\n# c\n2000 1000\n0x1000 0x1000\n");
  expectLoadError({"bad.idx:4:", "duplicate physaddr 0x1000", "line 1"});
}

TEST_F(MemoryImageTest, ErrorMissingFiles) {
  writeBin("bad.bin", 1);
  expectLoadError({"bad.idx", "cannot open"});
  fs::remove(path("bad.bin"));
  writeText("bad.idx", "1000 0\n");
  expectLoadError({"bad.bin", "cannot open"});
}

TEST_F(MemoryImageTest, ErrorPageOutsideRam) {
  writeBin("bad.bin", 1);
  writeText("bad.idx", "80000000 0\n1000 0\n");
  SparseMemory mem;
  mem.addRegion(0x80000000ull, 0x100000);
  expectLoadError({"bad.idx:2:", "page 0x1000", "RAM region"}, &mem);
}

TEST_F(MemoryImageTest, FailedLoadLeavesMemoryUnchanged) {
  writeBin("bad.bin", 2);
  // Three good pages, then a bad line: none of the three may appear.
  writeText("bad.idx", "1000 0\n2000 1000\n3000 0\n4000 2000\n");
  SparseMemory mem;
  ASSERT_EQ(mem.write32(0x1000, 0x600df00d), MemStatus::Ok);
  expectLoadError({"bad.idx:4:", "truncated image"}, &mem);
  uint32_t v = 0;
  ASSERT_EQ(mem.read32(0x1000, v), MemStatus::Ok);
  EXPECT_EQ(v, 0x600df00du);
  EXPECT_EQ(mem.pagePtr(0x2000), nullptr);
  EXPECT_EQ(mem.pagePtr(0x3000), nullptr);
}

TEST(RegionSpec, ParsesHexBaseAndSize) {
  EXPECT_EQ(parseRegionSpec("80000000:40000000"),
            (std::pair<PhysAddr, uint64_t>{0x80000000ull, 0x40000000ull}));
  EXPECT_EQ(parseRegionSpec("0x8000000000:0X1000"),
            (std::pair<PhysAddr, uint64_t>{0x8000000000ull, 0x1000ull}));
  EXPECT_EQ(parseRegionSpec("0:ffffffffffffffff"),
            (std::pair<PhysAddr, uint64_t>{0, 0xffffffffffffffffull}));
  auto [base, size] = parseRegionSpec("fffff000:1000");
  EXPECT_EQ(base, 0xfffff000ull);
  EXPECT_EQ(size, 0x1000ull);
}

TEST(RegionSpec, ErrorsNameTheText) {
  auto expectError = [](const char* spec, const char* problem) {
    try {
      parseRegionSpec(spec);
      ADD_FAILURE() << "'" << spec << "' parsed";
    } catch (const MemoryImageError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(std::string("'") + spec + "'"), std::string::npos) << what;
      EXPECT_NE(what.find(problem), std::string::npos) << what;
    }
  };
  expectError("80000000", "expected BASE:SIZE");
  expectError("", "expected BASE:SIZE");
  expectError("8000z000:1000", "BASE '8000z000'");
  expectError("80000000:", "SIZE ''");
  expectError("80000000:1 000", "SIZE '1 000'");
  expectError("80000000:0", "SIZE is 0");
  expectError("fffffffffffff000:2000", "wraps");
}

TEST(RegionSpec, ParseHex64) {
  uint64_t v = 0;
  EXPECT_TRUE(parseHex64("ffffffffffffffff", v));
  EXPECT_EQ(v, ~uint64_t{0});
  EXPECT_TRUE(parseHex64("00000000000000000000001", v));  // leading zeros are not width
  EXPECT_EQ(v, 1u);
  EXPECT_FALSE(parseHex64("10000000000000000", v));
  EXPECT_FALSE(parseHex64("0x", v));
  EXPECT_FALSE(parseHex64("", v));
  EXPECT_FALSE(parseHex64("+1", v));
  EXPECT_FALSE(parseHex64("0x0x1", v));
}

}  // namespace
}  // namespace smmu
