#include "arch/Command.h"

#include <array>

#include "arch/Bits.h"

namespace smmu {
namespace {
using bits::get;
using bits::put;

// Which fields an opcode carries (IHI 0070 4.x). One bit per field group.
enum Field : uint32_t {
  F_SID = 1u << 0,      // d0[63:32]
  F_SSID = 1u << 1,     // d0[31:12]
  F_SSV = 1u << 2,      // d0[11]
  F_SSEC = 1u << 3,     // d0[10]
  F_ASID = 1u << 4,     // d0[63:48]
  F_VMID = 1u << 5,     // d0[47:32]
  F_LEAF = 1u << 6,     // d1[0]
  F_RANGE = 1u << 7,    // d1[4:0]
  F_TLBIRNG = 1u << 8,  // NUM d0[16:12], SCALE d0[24:20], TTL d1[9:8], TG d1[11:10]
  F_VA = 1u << 9,       // d1[63:12]
  F_IPA = 1u << 10,     // d1[51:12]
  F_GLOBAL = 1u << 11,  // d0[9]
  F_ATCSIZE = 1u << 12, // d1[5:0]
  F_PRI = 1u << 13,     // PRGI d1[8:0], Resp d1[13:12]
  F_STAG = 1u << 14,    // d1[15:0]
  F_ACTION = 1u << 15,  // d0[13:12]
  F_SYNC = 1u << 16,    // CS, MSH, MSIAttr, MSIData, MSIAddress
  F_PFSIZE = 1u << 17,  // PREFETCH_ADDR Size d1[4:0] (Stride and NS are not modelled)
};

struct OpInfo {
  uint8_t opcode;
  std::string_view name;
  uint32_t fields;
};

constexpr uint32_t kTlbiVa = F_TLBIRNG | F_LEAF | F_VA;

constexpr std::array<OpInfo, 25> kOps{{
    {op::PREFETCH_CONFIG, "PREFETCH_CONFIG", F_SID | F_SSID | F_SSV | F_SSEC},
    {op::PREFETCH_ADDR, "PREFETCH_ADDR", F_SID | F_SSID | F_SSV | F_SSEC | F_PFSIZE | F_VA},
    {op::CFGI_STE, "CFGI_STE", F_SID | F_SSEC | F_LEAF},
    {op::CFGI_STE_RANGE, "CFGI_STE_RANGE", F_SID | F_SSEC | F_RANGE},
    {op::CFGI_CD, "CFGI_CD", F_SID | F_SSID | F_SSEC | F_LEAF},
    {op::CFGI_CD_ALL, "CFGI_CD_ALL", F_SID | F_SSEC},
    {op::CFGI_VMS_PIDM, "CFGI_VMS_PIDM", F_VMID | F_SSEC},
    {op::TLBI_NH_ALL, "TLBI_NH_ALL", F_VMID},
    {op::TLBI_NH_ASID, "TLBI_NH_ASID", F_VMID | F_ASID},
    {op::TLBI_NH_VA, "TLBI_NH_VA", F_VMID | F_ASID | kTlbiVa},
    {op::TLBI_NH_VAA, "TLBI_NH_VAA", F_VMID | kTlbiVa},
    {op::TLBI_EL3_ALL, "TLBI_EL3_ALL", 0},
    {op::TLBI_EL3_VA, "TLBI_EL3_VA", kTlbiVa},
    {op::TLBI_EL2_ALL, "TLBI_EL2_ALL", 0},
    {op::TLBI_EL2_ASID, "TLBI_EL2_ASID", F_ASID},
    {op::TLBI_EL2_VA, "TLBI_EL2_VA", F_ASID | kTlbiVa},
    {op::TLBI_EL2_VAA, "TLBI_EL2_VAA", kTlbiVa},
    {op::TLBI_S12_VMALL, "TLBI_S12_VMALL", F_VMID},
    {op::TLBI_S2_IPA, "TLBI_S2_IPA", F_VMID | F_TLBIRNG | F_LEAF | F_IPA},
    {op::TLBI_NSNH_ALL, "TLBI_NSNH_ALL", 0},
    {op::ATC_INV, "ATC_INV", F_SID | F_SSID | F_SSV | F_GLOBAL | F_ATCSIZE | F_VA},
    {op::PRI_RESP, "PRI_RESP", F_SID | F_SSID | F_SSV | F_PRI},
    {op::RESUME, "RESUME", F_SID | F_SSEC | F_ACTION | F_STAG},
    {op::STALL_TERM, "STALL_TERM", F_SID | F_SSEC},
    {op::CMD_SYNC, "CMD_SYNC", F_SYNC},
}};

const OpInfo* find(uint8_t opcode) {
  for (const auto& o : kOps)
    if (o.opcode == opcode) return &o;
  return nullptr;
}

constexpr uint64_t kVa = 0xfffffffffffff000ull;    // [63:12]
constexpr uint64_t kIpa = 0x000ffffffffff000ull;   // [51:12]
constexpr uint64_t kMsi = 0x000ffffffffffffcull;   // [51:2]

}  // namespace

Command Command::decode(const Words& d) {
  Command c;
  c.opcode = static_cast<uint8_t>(get(d[0], 7, 0));
  const OpInfo* info = find(c.opcode);
  if (!info) return c;
  const uint32_t f = info->fields;
  if (f & F_SID) c.sid = static_cast<uint32_t>(get(d[0], 63, 32));
  if (f & F_SSID) c.ssid = static_cast<uint32_t>(get(d[0], 31, 12));
  if (f & F_SSV) c.ssv = get(d[0], 11, 11);
  if (f & F_SSEC) c.ssec = get(d[0], 10, 10);
  if (f & F_ASID) c.asid = static_cast<uint16_t>(get(d[0], 63, 48));
  if (f & F_VMID) c.vmid = static_cast<uint16_t>(get(d[0], 47, 32));
  if (f & F_LEAF) c.leaf = get(d[1], 0, 0);
  if (f & F_RANGE) c.range = static_cast<uint8_t>(get(d[1], 4, 0));
  if (f & F_TLBIRNG) {
    c.num = static_cast<uint8_t>(get(d[0], 16, 12));
    c.scale = static_cast<uint8_t>(get(d[0], 24, 20));
    c.ttl = static_cast<uint8_t>(get(d[1], 9, 8));
    c.tg = static_cast<uint8_t>(get(d[1], 11, 10));
  }
  if (f & F_VA) c.addr = d[1] & kVa;
  if (f & F_IPA) c.addr = d[1] & kIpa;
  if (f & F_GLOBAL) c.global = get(d[0], 9, 9);
  if (f & F_ATCSIZE) c.size = static_cast<uint8_t>(get(d[1], 5, 0));
  if (f & F_PFSIZE) c.size = static_cast<uint8_t>(get(d[1], 4, 0));
  if (f & F_PRI) {
    c.prgi = static_cast<uint16_t>(get(d[1], 8, 0));
    c.resp = static_cast<uint8_t>(get(d[1], 13, 12));
  }
  if (f & F_STAG) c.stag = static_cast<uint16_t>(get(d[1], 15, 0));
  if (f & F_ACTION) c.action = static_cast<uint8_t>(get(d[0], 13, 12));
  if (f & F_SYNC) {
    c.cs = static_cast<uint8_t>(get(d[0], 13, 12));
    c.msh = static_cast<uint8_t>(get(d[0], 23, 22));
    c.msiattr = static_cast<uint8_t>(get(d[0], 27, 24));
    c.msiData = static_cast<uint32_t>(get(d[0], 63, 32));
    c.msiAddr = d[1] & kMsi;
  }
  return c;
}

Command::Words Command::encode() const {
  Words d{};
  put(d[0], 7, 0, opcode);
  const OpInfo* info = find(opcode);
  if (!info) return d;
  const uint32_t f = info->fields;
  if (f & F_SID) put(d[0], 63, 32, sid);
  if (f & F_SSID) put(d[0], 31, 12, ssid);
  if (f & F_SSV) put(d[0], 11, 11, ssv);
  if (f & F_SSEC) put(d[0], 10, 10, ssec);
  if (f & F_ASID) put(d[0], 63, 48, asid);
  if (f & F_VMID) put(d[0], 47, 32, vmid);
  if (f & F_LEAF) put(d[1], 0, 0, leaf);
  if (f & F_RANGE) put(d[1], 4, 0, range);
  if (f & F_TLBIRNG) {
    put(d[0], 16, 12, num);
    put(d[0], 24, 20, scale);
    put(d[1], 9, 8, ttl);
    put(d[1], 11, 10, tg);
  }
  if (f & F_VA) d[1] |= addr & kVa;
  if (f & F_IPA) d[1] |= addr & kIpa;
  if (f & F_GLOBAL) put(d[0], 9, 9, global);
  if (f & F_ATCSIZE) put(d[1], 5, 0, size);
  if (f & F_PFSIZE) put(d[1], 4, 0, size);
  if (f & F_PRI) {
    put(d[1], 8, 0, prgi);
    put(d[1], 13, 12, resp);
  }
  if (f & F_STAG) put(d[1], 15, 0, stag);
  if (f & F_ACTION) put(d[0], 13, 12, action);
  if (f & F_SYNC) {
    put(d[0], 13, 12, cs);
    put(d[0], 23, 22, msh);
    put(d[0], 27, 24, msiattr);
    put(d[0], 63, 32, msiData);
    d[1] |= msiAddr & kMsi;
  }
  return d;
}

bool isKnownOpcode(uint8_t opcode) { return find(opcode) != nullptr; }

std::string_view opcodeName(uint8_t opcode) {
  const OpInfo* info = find(opcode);
  return info ? info->name : std::string_view("UNKNOWN");
}

}  // namespace smmu
