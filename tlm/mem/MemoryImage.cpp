#include "mem/MemoryImage.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "mem/SparseMemory.h"

namespace smmu {
namespace {

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

[[noreturn]] void fail(const std::string& file, size_t line, const std::string& what) {
  throw MemoryImageError(file + ":" + std::to_string(line) + ": " + what);
}

[[noreturn]] void failFile(const std::string& file, const std::string& what) {
  throw MemoryImageError(file + ": " + what);
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string stripExtension(const std::string& name) {
  auto endsWith = [&](const char* ext) {
    const size_t n = std::strlen(ext);
    return name.size() > n && name.compare(name.size() - n, n, ext) == 0;
  };
  if (endsWith(".bin") || endsWith(".idx")) return name.substr(0, name.size() - 4);
  return name;
}

struct IdxEntry {
  PhysAddr pa;
  uint64_t offset;
};

}  // namespace

bool parseHex64(std::string_view text, uint64_t& out) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    text.remove_prefix(2);
  if (text.empty()) return false;
  uint64_t v = 0;
  for (char c : text) {
    unsigned d;
    if (c >= '0' && c <= '9')
      d = static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f')
      d = static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      d = static_cast<unsigned>(c - 'A' + 10);
    else
      return false;
    if (v >> 60) return false;  // another digit would overflow 64 bits
    v = (v << 4) | d;
  }
  out = v;
  return true;
}

std::pair<PhysAddr, uint64_t> parseRegionSpec(std::string_view spec) {
  const std::string quoted = "RAM region '" + std::string(spec) + "'";
  const size_t colon = spec.find(':');
  if (colon == std::string_view::npos)
    throw MemoryImageError("bad " + quoted + ": expected BASE:SIZE in hex, e.g. 80000000:40000000");
  uint64_t base = 0, size = 0;
  if (!parseHex64(spec.substr(0, colon), base))
    throw MemoryImageError("bad " + quoted + ": BASE '" + std::string(spec.substr(0, colon)) +
                           "' is not a 64-bit hex number");
  if (!parseHex64(spec.substr(colon + 1), size))
    throw MemoryImageError("bad " + quoted + ": SIZE '" + std::string(spec.substr(colon + 1)) +
                           "' is not a 64-bit hex number");
  if (size == 0) throw MemoryImageError("bad " + quoted + ": SIZE is 0");
  if (base + (size - 1) < base)
    throw MemoryImageError("bad " + quoted + ": region wraps past the top of the 64-bit space");
  return {base, size};
}

std::string MemoryImage::binPath(const std::string& name) { return stripExtension(name) + ".bin"; }
std::string MemoryImage::idxPath(const std::string& name) { return stripExtension(name) + ".idx"; }

size_t MemoryImage::load(const std::string& name, SparseMemory& mem) {
  return load(binPath(name), idxPath(name), mem);
}

size_t MemoryImage::load(const std::string& binFile, const std::string& idxFile,
                         SparseMemory& mem) {
  std::ifstream idx(idxFile);
  if (!idx) failFile(idxFile, std::string("cannot open index: ") + std::strerror(errno));
  std::ifstream bin(binFile, std::ios::binary);
  if (!bin) failFile(binFile, std::string("cannot open page data: ") + std::strerror(errno));
  bin.seekg(0, std::ios::end);
  const std::streamoff binEnd = bin.tellg();
  if (binEnd < 0) failFile(binFile, "cannot determine the file size");
  const uint64_t binSize = static_cast<uint64_t>(binEnd);

  // 1. Parse and validate the whole index.
  std::vector<IdxEntry> entries;
  std::unordered_map<PhysAddr, size_t> firstLine;  // physaddr -> line that placed it
  std::string raw;
  size_t lineNo = 0;
  while (std::getline(idx, raw)) {
    ++lineNo;
    std::string_view line(raw);
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;

    // Split into exactly two whitespace-separated fields.
    size_t sep = 0;
    while (sep < line.size() && !isSpace(line[sep])) ++sep;
    const std::string_view paText = line.substr(0, sep);
    const std::string_view offText = trim(line.substr(sep));
    if (offText.empty() || std::any_of(offText.begin(), offText.end(), isSpace))
      fail(idxFile, lineNo,
           "expected 'physaddr offset' (two hex numbers), got '" + std::string(line) + "'");

    IdxEntry e{};
    if (!parseHex64(paText, e.pa))
      fail(idxFile, lineNo, "bad hex physaddr '" + std::string(paText) + "'");
    if (!parseHex64(offText, e.offset))
      fail(idxFile, lineNo, "bad hex offset '" + std::string(offText) + "'");
    if (e.pa & (kPageSize - 1))
      fail(idxFile, lineNo, "physaddr " + hex(e.pa) + " is not 4 KiB aligned");
    if (e.offset & (kPageSize - 1))
      fail(idxFile, lineNo, "offset " + hex(e.offset) + " is not 4 KiB aligned");
    if (e.offset > binSize || binSize - e.offset < kPageSize)
      fail(idxFile, lineNo,
           "offset " + hex(e.offset) + " + 4096 is beyond the end of " + binFile + " (" +
               std::to_string(binSize) + " bytes): truncated image");
    auto [it, inserted] = firstLine.emplace(e.pa, lineNo);
    if (!inserted)
      fail(idxFile, lineNo,
           "duplicate physaddr " + hex(e.pa) + " (first given at line " +
               std::to_string(it->second) + ")");
    if (!mem.inRam(e.pa, kPageSize))
      fail(idxFile, lineNo, "page " + hex(e.pa) + " is not inside a declared RAM region");
    entries.push_back(e);
  }
  if (idx.bad()) failFile(idxFile, "read error");

  // 2. Read every page before touching mem, so that a failure leaves mem unchanged.
  std::vector<uint8_t> data(entries.size() * kPageSize);
  for (size_t i = 0; i < entries.size(); ++i) {
    bin.clear();
    bin.seekg(static_cast<std::streamoff>(entries[i].offset));
    bin.read(reinterpret_cast<char*>(data.data() + i * kPageSize),
             static_cast<std::streamsize>(kPageSize));
    if (bin.gcount() != static_cast<std::streamsize>(kPageSize))
      failFile(binFile, "short read of the page at offset " + hex(entries[i].offset) +
                            " (file changed while loading?)");
  }

  // 3. Commit whole pages.
  for (size_t i = 0; i < entries.size(); ++i)
    std::memcpy(mem.pagePtr(entries[i].pa, true), data.data() + i * kPageSize, kPageSize);
  return entries.size();
}

size_t MemoryImage::save(const std::string& name, const SparseMemory& mem, bool skipZeroPages) {
  return save(binPath(name), idxPath(name), mem, skipZeroPages);
}

size_t MemoryImage::save(const std::string& binFile, const std::string& idxFile,
                         const SparseMemory& mem, bool skipZeroPages) {
  std::ofstream bin(binFile, std::ios::binary | std::ios::trunc);
  if (!bin) failFile(binFile, std::string("cannot create: ") + std::strerror(errno));
  std::ostringstream idx;
  // Name the .bin by its file name only, so that the index does not depend on the directory.
  const size_t slash = binFile.find_last_of('/');
  const std::string binName = slash == std::string::npos ? binFile : binFile.substr(slash + 1);
  idx << "# smmusim memory image: 4 KiB pages of " << binName << "\n"
      << "# physaddr offset\n";
  static const uint8_t kZero[kPageSize] = {};
  uint64_t offset = 0;
  size_t pages = 0;
  mem.forEachPage([&](PhysAddr pa, const uint8_t* data) {
    if (skipZeroPages && std::memcmp(data, kZero, kPageSize) == 0) return;
    bin.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(kPageSize));
    idx << hex(pa) << ' ' << hex(offset) << '\n';
    offset += kPageSize;
    ++pages;
  });
  bin.close();
  if (!bin) failFile(binFile, "write error");
  std::ofstream idxOut(idxFile, std::ios::trunc);
  if (!idxOut) failFile(idxFile, std::string("cannot create: ") + std::strerror(errno));
  idxOut << idx.str();
  idxOut.close();
  if (!idxOut) failFile(idxFile, "write error");
  return pages;
}

}  // namespace smmu
