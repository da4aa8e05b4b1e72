#include "arch/Features.h"

#include <array>

#include "arch/Bits.h"

namespace smmu {
namespace {
using bits::get;
using bits::put;

// IDR5.OAS encodings 0..6 (IHI 0070 6.3.6); 7 is reserved here.
constexpr std::array<unsigned, 7> kOasBits{32, 36, 40, 42, 44, 48, 52};

uint32_t u32(uint64_t v) { return static_cast<uint32_t>(v); }
}  // namespace

unsigned oasEncodingToBits(unsigned enc) { return enc < kOasBits.size() ? kOasBits[enc] : 0; }

unsigned oasBitsToEncoding(unsigned bits) {
  for (unsigned e = 0; e < kOasBits.size(); ++e)
    if (kOasBits[e] >= bits) return e;
  return 7;
}

SmmuFeatures::Idr SmmuFeatures::toIdr() const {
  uint64_t r0 = 0, r1 = 0, r3 = 0, r5 = 0;
  put(r0, 0, 0, s2p);
  put(r0, 1, 1, s1p);
  put(r0, 3, 2, ttfAarch64 ? 0b10 : 0b01);
  put(r0, 4, 4, cohacc);
  put(r0, 5, 5, btm);
  put(r0, 7, 6, httu);
  put(r0, 10, 10, ats);
  put(r0, 12, 12, asid16);
  put(r0, 13, 13, msi);
  put(r0, 16, 16, pri);
  put(r0, 18, 18, vmid16);
  put(r0, 19, 19, cd2l);
  put(r0, 25, 24, stallModel);
  put(r0, 28, 27, stLevel2 ? 0b01 : 0b00);

  put(r1, 5, 0, sidBits);
  put(r1, 10, 6, ssidBits);
  put(r1, 15, 11, priqLog2);
  put(r1, 20, 16, evtqLog2);
  put(r1, 25, 21, cmdqLog2);

  put(r3, 2, 2, had);
  put(r3, 10, 10, ril);

  put(r5, 2, 0, oasBitsToEncoding(oasBits));
  put(r5, 4, 4, gran4k);
  put(r5, 5, 5, gran16k);
  put(r5, 6, 6, gran64k);
  put(r5, 11, 10, vax52 ? 0b01 : 0b00);
  return Idr{u32(r0), u32(r1), 0, u32(r3), 0, u32(r5)};
}

SmmuFeatures SmmuFeatures::fromIdr(const Idr& idr) {
  SmmuFeatures f;
  const uint64_t r0 = idr.idr0, r1 = idr.idr1, r3 = idr.idr3, r5 = idr.idr5;
  f.s2p = get(r0, 0, 0);
  f.s1p = get(r0, 1, 1);
  f.ttfAarch64 = get(r0, 3, 3);  // TTF 0b10 or 0b11
  f.cohacc = get(r0, 4, 4);
  f.btm = get(r0, 5, 5);
  f.httu = static_cast<uint8_t>(get(r0, 7, 6));
  f.ats = get(r0, 10, 10);
  f.asid16 = get(r0, 12, 12);
  f.msi = get(r0, 13, 13);
  f.pri = get(r0, 16, 16);
  f.vmid16 = get(r0, 18, 18);
  f.cd2l = get(r0, 19, 19);
  f.stallModel = static_cast<uint8_t>(get(r0, 25, 24));
  f.stLevel2 = get(r0, 28, 27) == 0b01;

  f.sidBits = static_cast<uint8_t>(get(r1, 5, 0));
  f.ssidBits = static_cast<uint8_t>(get(r1, 10, 6));
  f.priqLog2 = static_cast<uint8_t>(get(r1, 15, 11));
  f.evtqLog2 = static_cast<uint8_t>(get(r1, 20, 16));
  f.cmdqLog2 = static_cast<uint8_t>(get(r1, 25, 21));

  f.had = get(r3, 2, 2);
  f.ril = get(r3, 10, 10);

  f.oasBits = static_cast<uint8_t>(oasEncodingToBits(static_cast<unsigned>(get(r5, 2, 0))));
  f.gran4k = get(r5, 4, 4);
  f.gran16k = get(r5, 5, 5);
  f.gran64k = get(r5, 6, 6);
  f.vax52 = get(r5, 11, 10) == 0b01;
  return f;
}

}  // namespace smmu
