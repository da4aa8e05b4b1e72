#include "host/IoPgtable.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "arch/Bits.h"
#include "arch/Features.h"

namespace smmu {
namespace {

using bits::hex;
using bits::lowestBit;
using bits::highestBit;

uint64_t maskUpTo(unsigned bit) {  // GENMASK(bit, 0)
  return bit >= 63 ? ~0ull : ((1ull << (bit + 1)) - 1);
}

constexpr uint64_t kSz4K = 1ull << 12, kSz16K = 1ull << 14, kSz64K = 1ull << 16;
constexpr uint64_t kSz2M = 1ull << 21, kSz32M = 1ull << 25, kSz512M = 1ull << 29;
constexpr uint64_t kSz1G = 1ull << 30, kSz4T = 1ull << 42;

// ARM_LPAE_MAIR_ATTR_*
constexpr uint64_t kMairNc = 0x44, kMairWbrwa = 0xff, kMairDevice = 0x04, kMairIncOwbrwa = 0xf4;

}  // namespace

IoPgtable::IoPgtable(PhysMemIf& mem, PageAllocator& alloc, const IoPgtableConfig& cfg)
    : mem_(mem), alloc_(alloc), cfg_(cfg) {
  pgShift_ = granuleShift(cfg.granule);
  bitsPerLevel_ = pgShift_ - 3;

  // arm_lpae_restrict_pgsizes: the sizes of this granule, ias/oas capped to what it can address.
  uint64_t sizes = 0;
  unsigned maxAddrBits = 48;
  switch (cfg.granule) {
    case Granule::k4K: sizes = kSz4K | kSz2M | kSz1G; break;
    case Granule::k16K: sizes = kSz16K | kSz32M; break;
    case Granule::k64K:
      maxAddrBits = 52;
      sizes = kSz64K | kSz512M;
      if (cfg.oasBits > 48) sizes |= kSz4T;
      break;
  }
  if (cfg.pgsizeBitmap != 0) sizes &= cfg.pgsizeBitmap;
  cfg_.iasBits = std::min(cfg.iasBits, maxAddrBits);
  cfg_.oasBits = std::min(cfg.oasBits, maxAddrBits);
  if (!(sizes & (uint64_t{1} << pgShift_)))
    throw std::invalid_argument("IoPgtable: the SMMU page sizes " + hex(cfg.pgsizeBitmap) +
                                " do not include the " + hex(uint64_t{1} << pgShift_) +
                                " granule");
  if (cfg_.iasBits < 25)
    throw std::invalid_argument("IoPgtable: ias " + std::to_string(cfg.iasBits) +
                                " bits is below 25 (T0SZ would exceed 39)");
  const unsigned ipsEnc = oasBitsToEncoding(cfg_.oasBits);
  if (ipsEnc > 6 || oasEncodingToBits(ipsEnc) != cfg_.oasBits)
    throw std::invalid_argument("IoPgtable: oas " + std::to_string(cfg.oasBits) +
                                " bits has no PS encoding (32 36 40 42 44 48 52)");

  // arm_lpae_alloc_pgtable
  const unsigned vaBits = cfg_.iasBits - pgShift_;
  const unsigned levels = (vaBits + bitsPerLevel_ - 1) / bitsPerLevel_;
  startLevel_ = 4 - levels;
  pgdBits_ = vaBits - bitsPerLevel_ * (levels - 1);

  // Keep only the leaf sizes reachable at or below the start level (a block at a level above
  // the start level does not exist in this table).
  uint64_t reachable = 0;
  for (unsigned l = startLevel_; l <= 3; ++l) reachable |= blockSize(l);
  pgsizeBitmap_ = sizes & reachable;

  // TCR
  if (cfg.coherentWalk) {
    tcr_.sh = 3;
    tcr_.irgn = tcr_.orgn = 1;
  } else {
    tcr_.sh = 2;
    tcr_.irgn = tcr_.orgn = 0;
  }
  tcr_.tg = granuleToTg0(cfg.granule);
  tcr_.ips = static_cast<uint8_t>(ipsEnc);
  tcr_.tsz = static_cast<uint8_t>(64 - cfg_.iasBits);
  mair_ = (kMairNc << (8 * kMairIdxNc)) | (kMairWbrwa << (8 * kMairIdxCache)) |
          (kMairDevice << (8 * kMairIdxDev)) | (kMairIncOwbrwa << (8 * kMairIdxIncOcache));

  pgd_ = allocTable(startLevel_);
}

IoPgtable::~IoPgtable() {
  try {
    freeSubtree(pgd_, startLevel_);
  } catch (...) {
    // Memory vanished under us (the allocator or memory outlived by the table); nothing to do.
  }
}

uint64_t IoPgtable::blockSize(unsigned level) const {
  return level > 3 ? 0 : uint64_t{1} << lvlShift(level);
}

unsigned IoPgtable::entries(unsigned lvl) const {
  return 1u << (lvl == startLevel_ ? pgdBits_ : bitsPerLevel_);
}

uint64_t IoPgtable::lvlIdx(uint64_t iova, unsigned lvl) const {
  return (iova >> lvlShift(lvl)) & (entries(lvl) - 1);
}

bool IoPgtable::isLeaf(uint64_t pte, unsigned lvl) const {
  if (lvl == 3) return (pte & 3) == kPtePage;
  return (pte & 3) == kPteBlock;
}

bool IoPgtable::isTable(uint64_t pte, unsigned lvl) const {
  return lvl < 3 && (pte & 3) == kPteTable;
}

uint64_t IoPgtable::paddrToPte(PhysAddr pa) const {
  // Of the bits which overlap, either 51:48 or 15:12 are always RES0 (52-bit PA, 64K granule).
  return (pa | (pa >> (48 - 12))) & kPteAddrMask;
}

PhysAddr IoPgtable::pteToPaddr(uint64_t pte) const {
  const uint64_t pa = pte & kPteAddrMask;
  if (pgShift_ < 16) return pa;
  return (pa | (pa << (48 - 12))) & (kPteAddrMask << 4);
}

uint64_t IoPgtable::readPte(PhysAddr at) const {
  uint64_t v = 0;
  if (mem_.read64(at, v, &memTime_) != MemStatus::Ok)
    throw std::runtime_error("IoPgtable: reading the descriptor at " + hex(at) +
                             " failed (external abort)");
  return v;
}

void IoPgtable::writePte(PhysAddr at, uint64_t pte) {
  if (mem_.write64(at, pte, &memTime_) != MemStatus::Ok)
    throw std::runtime_error("IoPgtable: writing the descriptor at " + hex(at) +
                             " failed (external abort)");
}

PhysAddr IoPgtable::allocTable(unsigned lvl) {
  // __arm_lpae_alloc_pages: at least 64 bytes for a small starting-level table.
  const uint64_t bytes = std::max<uint64_t>(uint64_t{8} * entries(lvl), 64);
  const PhysAddr t = alloc_.alloc(bytes);
  tableBytes_ += PageAllocator::blockSize(bytes);
  ++tables_;
  return t;
}

void IoPgtable::freeTable(PhysAddr table, unsigned lvl) {
  const uint64_t bytes = std::max<uint64_t>(uint64_t{8} * entries(lvl), 64);
  alloc_.free(table, bytes);
  tableBytes_ -= PageAllocator::blockSize(bytes);
  --tables_;
}

void IoPgtable::freeSubtree(PhysAddr table, unsigned lvl) {
  if (lvl < 3) {
    std::vector<uint64_t> ptes(entries(lvl));
    if (mem_.read(table, ptes.data(), ptes.size() * 8, &memTime_) != MemStatus::Ok)
      throw std::runtime_error("IoPgtable: reading the table at " + hex(table) + " failed");
    for (uint64_t pte : ptes)
      if (pte && isTable(pte, lvl)) freeSubtree(pteToPaddr(pte), lvl + 1);
  }
  freeTable(table, lvl);
}

bool IoPgtable::subtreeHasLeaf(PhysAddr table, unsigned lvl) const {
  std::vector<uint64_t> ptes(entries(lvl));
  if (mem_.read(table, ptes.data(), ptes.size() * 8, &memTime_) != MemStatus::Ok)
    throw std::runtime_error("IoPgtable: reading the table at " + hex(table) + " failed");
  for (uint64_t pte : ptes) {
    if (!pte) continue;
    if (isLeaf(pte, lvl)) return true;
    if (isTable(pte, lvl) && subtreeHasLeaf(pteToPaddr(pte), lvl + 1)) return true;
  }
  return false;
}

uint64_t IoPgtable::protToPte(const IommuProt& prot) const {
  uint64_t pte = kPteNg;
  if (!prot.write && prot.read) pte |= kPteApRdonly;
  if (!prot.priv) pte |= kPteApUnpriv;
  if (prot.mmio)
    pte |= uint64_t{kMairIdxDev} << 2;
  else if (prot.cache)
    pte |= uint64_t{kMairIdxCache} << 2;
  pte |= prot.cache ? kPteShIs : kPteShOs;
  if (prot.noexec) pte |= kPteXn;
  pte |= kPteAf;
  return pte;
}

// iommu_pgsize: the largest supported size <= size that iova (and pa) are aligned to.
uint64_t IoPgtable::pickPgsize(uint64_t addrMerge, uint64_t size) const {
  uint64_t sizes = pgsizeBitmap_ & maskUpTo(highestBit(size));
  if (addrMerge) sizes &= maskUpTo(lowestBit(addrMerge));
  if (!sizes) return 0;
  return uint64_t{1} << highestBit(sizes);
}

void IoPgtable::checkRange(const char* what, uint64_t iova, uint64_t size) const {
  const uint64_t minPg = uint64_t{1} << lowestBit(pgsizeBitmap_);
  if ((iova | size) & (minPg - 1))
    throw std::invalid_argument(std::string("IoPgtable::") + what + ": iova " + hex(iova) +
                                " size " + hex(size) + " not aligned to the minimum page size " +
                                hex(minPg));
  const uint64_t limit = cfg_.iasBits >= 64 ? ~0ull : (uint64_t{1} << cfg_.iasBits);
  if (iova >= limit || size > limit - iova)
    throw std::invalid_argument(std::string("IoPgtable::") + what + ": iova range " + hex(iova) +
                                " + " + hex(size) + " exceeds the " +
                                std::to_string(cfg_.iasBits) + "-bit input address size");
}

bool IoPgtable::map(uint64_t iova, PhysAddr pa, uint64_t size, const IommuProt& prot,
                    IoPgtableFlushOps* flush) {
  if (size == 0) return true;
  checkRange("map", iova, size);
  if (pa & ((uint64_t{1} << lowestBit(pgsizeBitmap_)) - 1))
    throw std::invalid_argument("IoPgtable::map: pa " + hex(pa) +
                                " not aligned to the minimum page size");
  const uint64_t oasLimit = uint64_t{1} << cfg_.oasBits;
  if (pa >= oasLimit || size > oasLimit - pa)
    throw std::invalid_argument("IoPgtable::map: pa range " + hex(pa) + " + " + hex(size) +
                                " exceeds the " + std::to_string(cfg_.oasBits) +
                                "-bit output address size");
  if (!prot.read && !prot.write)
    throw std::invalid_argument("IoPgtable::map: prot has neither read nor write");

  const uint64_t pteProt = protToPte(prot);
  uint64_t mapped = 0;
  while (mapped < size) {
    const uint64_t pg = pickPgsize((iova + mapped) | (pa + mapped), size - mapped);
    if (!mapOne(iova + mapped, pa + mapped, pg, pteProt, flush)) {
      if (mapped) unmap(iova, mapped, flush);  // iommu_map unwinds what it mapped
      return false;
    }
    mapped += pg;
  }
  return true;
}

bool IoPgtable::mapOne(uint64_t iova, PhysAddr pa, uint64_t pgsize, uint64_t prot,
                       IoPgtableFlushOps* flush) {
  PhysAddr table = pgd_;
  for (unsigned lvl = startLevel_;; ++lvl) {
    const PhysAddr ptep = table + 8 * lvlIdx(iova, lvl);
    uint64_t pte = readPte(ptep);
    if (pgsize == blockSize(lvl)) {
      // arm_lpae_init_pte
      if (pte && isLeaf(pte, lvl)) return false;  // -EEXIST: unmap first
      if (pte && isTable(pte, lvl)) {
        const PhysAddr sub = pteToPaddr(pte);
        if (subtreeHasLeaf(sub, lvl + 1)) return false;
        // An empty table left behind by unmaps: unlink it, flush walks, free it.
        writePte(ptep, 0);
        if (flush) flush->tlbFlushWalk(iova, pgsize, granuleBytes());
        freeSubtree(sub, lvl + 1);
      }
      writePte(ptep, prot | (lvl == 3 ? kPtePage : kPteBlock) | paddrToPte(pa));
      return true;
    }
    if (lvl >= 3)
      throw std::logic_error("IoPgtable: page size " + hex(pgsize) + " matches no level");
    if (!pte) {
      const PhysAddr sub = allocTable(lvl + 1);
      pte = paddrToPte(sub) | kPteTable;
      writePte(ptep, pte);
    } else if (isLeaf(pte, lvl)) {
      return false;  // -EEXIST: a block covers this range
    }
    table = pteToPaddr(pte);
  }
}

uint64_t IoPgtable::unmap(uint64_t iova, uint64_t size, IoPgtableFlushOps* flush) {
  if (size == 0) return 0;
  checkRange("unmap", iova, size);
  uint64_t unmapped = 0;
  while (unmapped < size) {
    const uint64_t pg = pickPgsize(iova + unmapped, size - unmapped);
    const uint64_t n = unmapOne(iova + unmapped, pg, startLevel_, pgd_, flush);
    if (!n) break;
    unmapped += n;
  }
  return unmapped;
}

uint64_t IoPgtable::unmapOne(uint64_t iova, uint64_t pgsize, unsigned lvl, PhysAddr table,
                             IoPgtableFlushOps* flush) {
  for (;; ++lvl) {
    if (lvl > 3) return 0;
    const PhysAddr ptep = table + 8 * lvlIdx(iova, lvl);
    const uint64_t pte = readPte(ptep);
    if (!pte) return 0;  // -ENOENT
    if (pgsize == blockSize(lvl)) {
      writePte(ptep, 0);
      if (!isLeaf(pte, lvl)) {
        // A whole table goes: flush partial walks, then free it.
        if (flush) flush->tlbFlushWalk(iova, pgsize, granuleBytes());
        freeSubtree(pteToPaddr(pte), lvl + 1);
      }
      if (flush) flush->tlbAddPage(iova, pgsize);
      return pgsize;
    }
    if (isLeaf(pte, lvl)) {
      if (!cfg_.splitBlocks)
        throw std::logic_error("IoPgtable::unmap: " + hex(pgsize) + " at iova " + hex(iova) +
                               " is part of a " + hex(blockSize(lvl)) + " block at level " +
                               std::to_string(lvl) + "; splitting blocks is disabled");
      return splitBlkUnmap(iova, pgsize, pte, lvl + 1, ptep, flush);
    }
    table = pteToPaddr(pte);
  }
}

// arm_lpae_split_blk_unmap: replace the block at ptep (level lvl - 1) by a table at lvl that
// maps the same memory except the part being unmapped.
uint64_t IoPgtable::splitBlkUnmap(uint64_t iova, uint64_t pgsize, uint64_t blkPte, unsigned lvl,
                                  PhysAddr ptep, IoPgtableFlushOps* flush) {
  const uint64_t splitSz = blockSize(lvl);
  const PhysAddr tablep = allocTable(lvl);
  const unsigned n = entries(lvl);
  long unmapIdx = -1;
  if (pgsize == splitSz) unmapIdx = long(lvlIdx(iova, lvl));

  const PhysAddr blkPa = pteToPaddr(blkPte);
  const uint64_t prot = blkPte & ~kPteAddrMask & ~uint64_t{3};
  const uint64_t type = lvl == 3 ? kPtePage : kPteBlock;
  std::vector<uint64_t> ptes(n, 0);
  for (unsigned i = 0; i < n; ++i) {
    if (long(i) == unmapIdx) continue;
    ptes[i] = prot | type | paddrToPte(blkPa + uint64_t(i) * splitSz);
  }
  if (mem_.write(tablep, ptes.data(), ptes.size() * 8, &memTime_) != MemStatus::Ok)
    throw std::runtime_error("IoPgtable: writing the table at " + hex(tablep) + " failed");
  writePte(ptep, paddrToPte(tablep) | kPteTable);

  if (unmapIdx >= 0) {
    if (flush) flush->tlbAddPage(iova, pgsize);
    return pgsize;
  }
  return unmapOne(iova, pgsize, lvl, tablep, flush);
}

std::optional<IoPgtable::Leaf> IoPgtable::findLeaf(uint64_t iova) const {
  const uint64_t limit = uint64_t{1} << cfg_.iasBits;
  if (iova >= limit) return std::nullopt;
  PhysAddr table = pgd_;
  for (unsigned lvl = startLevel_; lvl <= 3; ++lvl) {
    const PhysAddr ptep = table + 8 * lvlIdx(iova, lvl);
    const uint64_t pte = readPte(ptep);
    if (!pte) return std::nullopt;
    if (isLeaf(pte, lvl)) return Leaf{pte, lvl, ptep, blockSize(lvl)};
    if (!isTable(pte, lvl)) return std::nullopt;
    table = pteToPaddr(pte);
  }
  return std::nullopt;
}

std::optional<PhysAddr> IoPgtable::iovaToPhys(uint64_t iova) const {
  const auto leaf = findLeaf(iova);
  if (!leaf) return std::nullopt;
  return pteToPaddr(leaf->pte) | (iova & (leaf->size - 1));
}

void IoPgtable::fillCd(ContextDescriptor& cd, uint16_t asid, bool stall) const {
  cd = ContextDescriptor{};
  cd.t0sz = tcr_.tsz;
  cd.tg0 = tcr_.tg;
  cd.ir0 = tcr_.irgn;
  cd.or0 = tcr_.orgn;
  cd.sh0 = tcr_.sh;
  cd.epd1 = true;
  cd.valid = true;
  cd.ips = tcr_.ips;
  cd.aa64 = true;
  cd.s = stall;
  cd.r = true;
  cd.a = true;
  cd.aset = true;
  cd.asid = asid;
  cd.ttb0 = pgd_ & 0x000ffffffffffff0ull;  // CTXDESC_CD_1_TTB0_MASK [51:4]
  cd.mair = mair_;
}

ContextDescriptor IoPgtable::makeCd(uint16_t asid, bool stall) const {
  ContextDescriptor cd;
  fillCd(cd, asid, stall);
  return cd;
}

}  // namespace smmu
