// Context descriptor (64 bytes) and the CD L1 descriptor. Field positions: IHI 0070 5.4.
#pragma once
#include <array>
#include <cstdint>

#include "arch/Types.h"

namespace smmu {

namespace cd {
constexpr uint8_t TG_4K = 0, TG_64K = 1, TG_16K = 2;  // TG0 encoding
}

struct ContextDescriptor {
  // d0
  uint8_t t0sz = 0;      // [5:0]
  uint8_t tg0 = 0;       // [7:6]
  uint8_t ir0 = 0, or0 = 0, sh0 = 0;  // [9:8] [11:10] [13:12]
  bool epd0 = false;     // [14]
  bool endi = false;     // [15]
  uint8_t t1sz = 0;      // [21:16]
  uint8_t tg1 = 0;       // [23:22] (TG1 encoding: 1 16K, 2 4K, 3 64K)
  uint8_t ir1 = 0, or1 = 0, sh1 = 0;  // [25:24] [27:26] [29:28]
  bool epd1 = false;     // [30]
  bool valid = false;    // V [31]
  uint8_t ips = 0;       // [34:32]
  bool affd = false;     // [35]
  bool wxn = false;      // [36]
  bool uwxn = false;     // [37]
  uint8_t tbi = 0;       // [39:38]
  bool pan = false;      // [40]
  bool aa64 = false;     // [41]
  bool hd = false;       // [42]
  bool ha = false;       // [43]
  bool s = false;        // [44]
  bool r = false;        // [45]
  bool a = false;        // [46]
  bool aset = false;     // [47]
  uint16_t asid = 0;     // [63:48]
  // d1, d2
  bool had0 = false;     // HAD0 [65] = d1[1]: hierarchical attributes of TTB0 walks disabled
  uint64_t ttb0 = 0;     // TTB0 [51:4] (byte address)
  bool had1 = false;     // HAD1 [129] = d2[1]: likewise for TTB1 (both IGNORED without
                         // SMMU_IDR3.HAD: S1WalkConfig::fromCd decides)
  uint64_t ttb1 = 0;     // TTB1 [51:4]
  // d3
  uint64_t mair = 0;     // MAIR0 [31:0] | MAIR1 [63:32]

  using Words = std::array<uint64_t, 8>;
  static ContextDescriptor decode(const Words& d);
  Words encode() const;
};

// Level-1 CD descriptor (8 bytes): V [0], L2Ptr [51:12].
struct CdL1Desc {
  bool valid = false;
  uint64_t l2ptr = 0;  // byte address
  static CdL1Desc decode(uint64_t d);
  uint64_t encode() const;
};

// TG0 / TG1 encodings -> Granule; false for a reserved encoding.
bool tg0ToGranule(uint8_t tg0, Granule& g);
bool tg1ToGranule(uint8_t tg1, Granule& g);
uint8_t granuleToTg0(Granule g);
uint8_t granuleToTg1(Granule g);

}  // namespace smmu
