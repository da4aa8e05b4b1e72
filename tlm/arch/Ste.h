// Stream table entry (64 bytes, 8 little-endian doublewords) and the stream-table L1 descriptor.
// Field positions: IHI 0070 5.2 (see also shared SMMUV3-NOTES.md).
#pragma once
#include <array>
#include <cstdint>

namespace smmu {

namespace ste {
constexpr uint8_t CFG_ABORT = 0b000, CFG_BYPASS = 0b100, CFG_S1 = 0b101, CFG_S2 = 0b110,
                  CFG_NESTED = 0b111;
constexpr uint8_t S1FMT_LINEAR = 0, S1FMT_2LVL_4K = 1, S1FMT_2LVL_64K = 2;
constexpr uint8_t S1DSS_TERMINATE = 0, S1DSS_BYPASS = 1, S1DSS_SSID0 = 2;
constexpr uint8_t PRIVCFG_INCOMING = 0, PRIVCFG_UNPRIV = 2, PRIVCFG_PRIV = 3;
constexpr uint8_t INSTCFG_INCOMING = 0, INSTCFG_DATA = 2, INSTCFG_INSTR = 3;
}  // namespace ste

struct Ste {
  // d0
  bool valid = false;          // V [0]
  uint8_t config = 0;          // Config [3:1]
  uint8_t s1fmt = 0;           // S1Fmt [5:4]
  uint64_t s1ContextPtr = 0;   // S1ContextPtr [51:6] (byte address, low 6 bits zero)
  uint8_t s1CdMax = 0;         // S1CDMax [63:59]
  // d1
  uint8_t s1dss = 0;           // [1:0]
  uint8_t s1cir = 0, s1cor = 0, s1csh = 0;  // [3:2] [5:4] [7:6]
  bool s2fwb = false;          // [25]
  bool s1stalld = false;       // [27]
  uint8_t eats = 0;            // [29:28]
  uint8_t strw = 0;            // [31:30]
  uint8_t memattr = 0;         // [35:32]
  bool mtcfg = false;          // [36]
  uint8_t alloccfg = 0;        // [40:37]
  uint8_t shcfg = 0;           // [45:44]
  uint8_t nscfg = 0;           // [47:46]
  uint8_t privcfg = 0;         // [49:48]
  uint8_t instcfg = 0;         // [51:50]
  // d2 (stage 2; decoded now, used by the stage-2 work)
  uint16_t s2vmid = 0;         // [15:0]
  uint8_t s2t0sz = 0;          // [37:32]
  uint8_t s2sl0 = 0;           // [39:38]
  uint8_t s2ir0 = 0, s2or0 = 0, s2sh0 = 0;  // [41:40] [43:42] [45:44]
  uint8_t s2tg = 0;            // [47:46] (0 4K, 1 64K, 2 16K)
  uint8_t s2ps = 0;            // [50:48]
  bool s2aa64 = false;         // [51]
  bool s2endi = false;         // [52]
  bool s2affd = false;         // [53]
  bool s2ptw = false;          // [54]
  bool s2hd = false;           // [55]
  bool s2ha = false;           // [56]
  bool s2s = false;            // [57]
  bool s2r = false;            // [58]
  // d3
  uint64_t s2ttb = 0;          // S2TTB [51:4] (byte address)

  using Words = std::array<uint64_t, 8>;
  static Ste decode(const Words& d);
  Words encode() const;
};

// Level-1 stream table descriptor (8 bytes): SPAN [4:0], L2Ptr [51:6].
struct StL1Desc {
  uint8_t span = 0;      // 0 = invalid; L2 table holds 2^(span-1) STEs
  uint64_t l2ptr = 0;    // byte address
  static StL1Desc decode(uint64_t d);
  uint64_t encode() const;
};

}  // namespace smmu
