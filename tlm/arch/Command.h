// Command queue entries (16 bytes, 2 doublewords; opcode in d0[7:0]). IHI 0070 chapter 4.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

namespace smmu {

namespace op {
constexpr uint8_t PREFETCH_CONFIG = 0x01, PREFETCH_ADDR = 0x02;
constexpr uint8_t CFGI_STE = 0x03, CFGI_STE_RANGE = 0x04, CFGI_CD = 0x05, CFGI_CD_ALL = 0x06;
constexpr uint8_t CFGI_VMS_PIDM = 0x07;
constexpr uint8_t TLBI_NH_ALL = 0x10, TLBI_NH_ASID = 0x11, TLBI_NH_VA = 0x12, TLBI_NH_VAA = 0x13;
constexpr uint8_t TLBI_EL3_ALL = 0x18, TLBI_EL3_VA = 0x1a;
constexpr uint8_t TLBI_EL2_ALL = 0x20, TLBI_EL2_ASID = 0x21, TLBI_EL2_VA = 0x22, TLBI_EL2_VAA = 0x23;
constexpr uint8_t TLBI_S12_VMALL = 0x28, TLBI_S2_IPA = 0x2a, TLBI_NSNH_ALL = 0x30;
constexpr uint8_t ATC_INV = 0x40, PRI_RESP = 0x41, RESUME = 0x44, STALL_TERM = 0x45;
constexpr uint8_t CMD_SYNC = 0x46;
}  // namespace op

// CMD_SYNC completion signal CS [13:12]
namespace sync {
constexpr uint8_t CS_NONE = 0, CS_IRQ = 1, CS_SEV = 2;
}

// A decoded command. Only the fields meaningful for the opcode are set; encode() writes only
// those, so encode(decode(x)) == x for any well-formed command.
struct Command {
  uint8_t opcode = 0;
  // identifiers
  uint32_t sid = 0;        // d0[63:32] (PREFETCH_*, CFGI_*, ATC_INV, PRI_RESP, RESUME, STALL_TERM)
  uint32_t ssid = 0;       // d0[31:12] (PREFETCH_*, CFGI_CD, ATC_INV, PRI_RESP)
  bool ssv = false;        // d0[11] (PREFETCH_*, ATC_INV, PRI_RESP)
  bool ssec = false;       // d0[10] (PREFETCH_*, CFGI_*, RESUME, STALL_TERM); 0 on the NS queue
  uint16_t asid = 0;       // d0[63:48] (TLBI_NH_ASID/VA, TLBI_EL2_ASID/VA)
  uint16_t vmid = 0;       // d0[47:32] (TLBI_NH_*, TLBI_S2_IPA, TLBI_S12_VMALL, CFGI_VMS_PIDM)
  // CFGI
  bool leaf = false;       // d1[0] (CFGI_STE, CFGI_CD, TLBI_*_VA, TLBI_S2_IPA)
  uint8_t range = 0;       // CFGI_STE_RANGE d1[4:0]: invalidates 2^(range+1) STEs from sid; 31 = all
  // TLBI range and level hint (SMMUv3.2, IDR3.RIL) on every TLBI_*_VA/VAA and TLBI_S2_IPA
  uint8_t num = 0;         // d0[16:12]
  uint8_t scale = 0;       // d0[24:20]
  uint8_t ttl = 0;         // d1[9:8]
  uint8_t tg = 0;          // d1[11:10]
  uint64_t addr = 0;       // d1[63:12] (TLBI *_VA/VAA, ATC_INV, PREFETCH_ADDR) as a byte address;
                           // d1[51:12] for TLBI_S2_IPA
  // ATC_INV
  bool global = false;     // d0[9]
  uint8_t size = 0;        // d1[5:0]; PREFETCH_ADDR: Size d1[4:0] (Stride, NS not modelled)
  // PRI_RESP
  uint16_t prgi = 0;       // d1[8:0]
  uint8_t resp = 0;        // d1[13:12]
  // RESUME / STALL_TERM
  uint16_t stag = 0;       // d1[15:0]
  uint8_t action = 0;      // RESUME d0[13:12]: bit 12 Ac (1 retry), bit 13 Ab (terminate with
                           // abort); Linux RESP_TERM 0, RETRY 1, ABORT 2
  // CMD_SYNC
  uint8_t cs = 0;          // d0[13:12]
  uint8_t msh = 0;         // d0[23:22]
  uint8_t msiattr = 0;     // d0[27:24]
  uint32_t msiData = 0;    // d0[63:32]
  uint64_t msiAddr = 0;    // d1[51:2] (byte address)

  using Words = std::array<uint64_t, 2>;
  static Command decode(const Words& d);
  Words encode() const;
};

// True if the opcode is one this model implements (others are CERROR_ILL).
bool isKnownOpcode(uint8_t opcode);
std::string_view opcodeName(uint8_t opcode);  // "CFGI_STE", ...; "UNKNOWN" otherwise

}  // namespace smmu
