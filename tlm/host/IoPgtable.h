// A stage-1 VMSAv8-64 page table built in simulated memory the way Linux's io-pgtable-arm builds
// an ARM_64_LPAE_S1 table (drivers/iommu/io-pgtable-arm.c), together with the parts of the
// IOMMU core that drive it (iommu_map / iommu_unmap split a range into the largest page sizes
// that fit). Every table read and write goes through PhysMemIf; tables come from PageAllocator.
//
// Descriptors are those Linux writes (arm_lpae_prot_to_pte for ARM_64_LPAE_S1):
//   nG (bit 11) always; AF (bit 10) always; AP[2] (bit 7) for read-only; AP[1] (bit 6) unless
//   the mapping is privileged-only; SH = inner shareable (0b11) and AttrIndx = 1 (write-back,
//   ARM_LPAE_MAIR_ATTR_IDX_CACHE) for cacheable memory, SH = outer shareable (0b10) otherwise;
//   AttrIndx = 2 for MMIO, 0 for non-cacheable; PXN|UXN (bits 54:53) for no-exec.
// The MAIR, TCR fields and TTBR are the ones arm_64_lpae_alloc_pgtable_s1 computes, and
// makeCd() fills a context descriptor the way arm_smmu_make_s1_cd does.
//
// Deviations from Linux, on purpose:
//  - Mapping a block over a range that is covered by a next-level table succeeds only if that
//    table holds no valid leaf (Linux silently frees a populated table there); otherwise it is
//    an existing mapping, as a leaf would be (-EEXIST).
//  - Unmapping part of a block splits it like arm_lpae_split_blk_unmap of Linux <= 6.12 (newer
//    kernels refuse such an unmap). Set splitBlocks = false to refuse instead: unmap() then
//    throws std::logic_error naming the block.
#pragma once
#include <cstdint>
#include <optional>

#include "arch/ContextDescriptor.h"
#include "arch/Types.h"
#include "host/PageAllocator.h"
#include "mem/PhysMem.h"

namespace smmu {

// IOMMU_READ / IOMMU_WRITE / IOMMU_PRIV / IOMMU_NOEXEC / IOMMU_CACHE / IOMMU_MMIO.
struct IommuProt {
  bool read = true;
  bool write = true;
  bool priv = false;    // privileged-only: AP[1] = 0
  bool noexec = false;  // PXN and UXN
  bool cache = true;    // normal write-back memory (IOMMU_CACHE, set for coherent devices)
  bool mmio = false;    // device memory
};

struct IoPgtableConfig {
  Granule granule = Granule::k4K;
  unsigned iasBits = 48;        // input (IOVA) size
  unsigned oasBits = 48;        // output (PA) size: 32 36 40 42 44 48 52
  bool coherentWalk = true;     // table walks snoop caches (SMMU IDR0.COHACC)
  uint64_t pgsizeBitmap = 0;    // page sizes the SMMU supports; 0 = every size of the granule
  bool splitBlocks = true;      // see the header comment
};

// TCR fields for the CD (io_pgtable_cfg.arm_lpae_s1_cfg.tcr).
struct LpaeTcr {
  uint8_t tsz = 0;   // T0SZ = 64 - ias
  uint8_t tg = 0;    // TG0 encoding (0 4K, 1 64K, 2 16K)
  uint8_t irgn = 0, orgn = 0;  // 1 = write-back write-allocate, 0 = non-cacheable
  uint8_t sh = 0;    // 3 inner shareable, 2 outer shareable
  uint8_t ips = 0;   // PS encoding of oas
};

// The TLB maintenance callbacks io-pgtable makes (struct iommu_flush_ops).
class IoPgtableFlushOps {
 public:
  virtual ~IoPgtableFlushOps() = default;
  // A table was unlinked: invalidate walk caches (non-leaf) for [iova, iova + size) in
  // steps of granule, synchronously (tlb_flush_walk).
  virtual void tlbFlushWalk(uint64_t iova, uint64_t size, uint64_t granule) = 0;
  // A leaf of `size` bytes at iova was cleared; may be gathered (tlb_add_page).
  virtual void tlbAddPage(uint64_t iova, uint64_t size) = 0;
};

class IoPgtable {
 public:
  // MAIR attribute indexes (io-pgtable-arm.c).
  static constexpr unsigned kMairIdxNc = 0, kMairIdxCache = 1, kMairIdxDev = 2,
                            kMairIdxIncOcache = 3;
  // Descriptor bits.
  static constexpr uint64_t kPteValid = 1ull << 0, kPteTable = 3ull, kPteBlock = 1ull,
                            kPtePage = 3ull;
  static constexpr uint64_t kPteApUnpriv = 1ull << 6, kPteApRdonly = 1ull << 7;
  static constexpr uint64_t kPteShIs = 3ull << 8, kPteShOs = 2ull << 8;
  static constexpr uint64_t kPteAf = 1ull << 10, kPteNg = 1ull << 11;
  static constexpr uint64_t kPteXn = 3ull << 53;  // PXN | UXN
  static constexpr uint64_t kPteAddrMask = 0x0000fffffffff000ull;  // [47:12]

  // Throws std::invalid_argument for a configuration Linux would refuse (ias/oas out of range,
  // an oas with no PS encoding, no page size left for the granule).
  IoPgtable(PhysMemIf& mem, PageAllocator& alloc, const IoPgtableConfig& cfg);
  ~IoPgtable();  // returns every table to the allocator
  IoPgtable(const IoPgtable&) = delete;
  IoPgtable& operator=(const IoPgtable&) = delete;

  // iommu_map: maps [iova, iova + size) to [pa, pa + size) with the largest page sizes that
  // fit. Returns false if part of the range is already mapped (-EEXIST); whatever this call
  // mapped is then unmapped again. Throws std::invalid_argument for a range not aligned to the
  // smallest page size, outside ias/oas, or a prot without read and write (-EINVAL).
  bool map(uint64_t iova, PhysAddr pa, uint64_t size, const IommuProt& prot,
           IoPgtableFlushOps* flush = nullptr);
  // iommu_unmap: returns the bytes unmapped from iova onward (stops at the first hole). Throws
  // std::invalid_argument for a misaligned range.
  uint64_t unmap(uint64_t iova, uint64_t size, IoPgtableFlushOps* flush = nullptr);
  // The physical address iova translates to, if mapped.
  std::optional<PhysAddr> iovaToPhys(uint64_t iova) const;

  struct Leaf {
    uint64_t pte = 0;     // the descriptor
    unsigned level = 0;   // 1..3
    PhysAddr ptep = 0;    // where it is in memory
    uint64_t size = 0;    // bytes it maps
  };
  std::optional<Leaf> findLeaf(uint64_t iova) const;

  // The descriptor Linux builds for prot (without output address and type bits).
  uint64_t protToPte(const IommuProt& prot) const;

  uint64_t pgsizeBitmap() const { return pgsizeBitmap_; }
  uint64_t tableBytes() const { return tableBytes_; }
  unsigned tables() const { return tables_; }  // tables allocated, PGD included
  PhysAddr ttbr() const { return pgd_; }
  unsigned startLevel() const { return startLevel_; }
  unsigned bitsPerLevel() const { return bitsPerLevel_; }
  unsigned pgdBits() const { return pgdBits_; }
  uint64_t pgdBytes() const { return uint64_t{8} << pgdBits_; }
  uint64_t granuleBytes() const { return uint64_t{1} << pgShift_; }
  uint64_t blockSize(unsigned level) const;  // bytes one entry at `level` maps
  uint64_t mair() const { return mair_; }
  const LpaeTcr& tcr() const { return tcr_; }
  const IoPgtableConfig& config() const { return cfg_; }
  unsigned iasBits() const { return cfg_.iasBits; }
  unsigned oasBits() const { return cfg_.oasBits; }
  Tick memoryTime() const { return memTime_; }  // latency of every table access so far

  // Fills cd like arm_smmu_make_s1_cd: T0SZ/TG0/IR0/OR0/SH0 from the TCR, EPD1 = 1, V = 1,
  // IPS, AA64 = 1, R = 1, A = 1, ASET = 1, ASID, TTB0 = ttbr, MAIR. Other fields are cleared.
  ContextDescriptor makeCd(uint16_t asid, bool stall = false) const;
  void fillCd(ContextDescriptor& cd, uint16_t asid, bool stall = false) const;

 private:
  unsigned lvlShift(unsigned lvl) const { return pgShift_ + bitsPerLevel_ * (3 - lvl); }
  uint64_t lvlIdx(uint64_t iova, unsigned lvl) const;
  unsigned entries(unsigned lvl) const;
  bool isLeaf(uint64_t pte, unsigned lvl) const;
  bool isTable(uint64_t pte, unsigned lvl) const;
  uint64_t paddrToPte(PhysAddr pa) const;
  PhysAddr pteToPaddr(uint64_t pte) const;
  uint64_t readPte(PhysAddr at) const;
  void writePte(PhysAddr at, uint64_t pte);
  PhysAddr allocTable(unsigned lvl);
  void freeTable(PhysAddr table, unsigned lvl);
  void freeSubtree(PhysAddr table, unsigned lvl);  // table at lvl and everything below
  bool subtreeHasLeaf(PhysAddr table, unsigned lvl) const;
  uint64_t pickPgsize(uint64_t addrMerge, uint64_t size) const;
  void checkRange(const char* what, uint64_t iova, uint64_t size) const;

  // -EEXIST -> false
  bool mapOne(uint64_t iova, PhysAddr pa, uint64_t pgsize, uint64_t prot, IoPgtableFlushOps* f);
  uint64_t unmapOne(uint64_t iova, uint64_t pgsize, unsigned lvl, PhysAddr table,
                    IoPgtableFlushOps* f);
  uint64_t splitBlkUnmap(uint64_t iova, uint64_t pgsize, uint64_t blkPte, unsigned lvl,
                         PhysAddr ptep, IoPgtableFlushOps* f);

  PhysMemIf& mem_;
  PageAllocator& alloc_;
  IoPgtableConfig cfg_;
  unsigned pgShift_ = 12, bitsPerLevel_ = 9, startLevel_ = 0, pgdBits_ = 9;
  uint64_t pgsizeBitmap_ = 0;
  uint64_t mair_ = 0;
  LpaeTcr tcr_;
  PhysAddr pgd_ = 0;
  uint64_t tableBytes_ = 0;
  mutable Tick memTime_ = 0;
  unsigned tables_ = 0;
};

}  // namespace smmu
