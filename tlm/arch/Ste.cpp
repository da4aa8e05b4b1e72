#include "arch/Ste.h"

#include "arch/Bits.h"

namespace smmu {
namespace {
using bits::get;
using bits::put;

constexpr uint64_t kAddr51_6 = 0x000fffffffffffc0ull;
constexpr uint64_t kAddr51_4 = 0x000ffffffffffff0ull;

}  // namespace

Ste Ste::decode(const Words& d) {
  Ste s;
  s.valid = get(d[0], 0, 0);
  s.config = static_cast<uint8_t>(get(d[0], 3, 1));
  s.s1fmt = static_cast<uint8_t>(get(d[0], 5, 4));
  s.s1ContextPtr = d[0] & kAddr51_6;
  s.s1CdMax = static_cast<uint8_t>(get(d[0], 63, 59));

  s.s1dss = static_cast<uint8_t>(get(d[1], 1, 0));
  s.s1cir = static_cast<uint8_t>(get(d[1], 3, 2));
  s.s1cor = static_cast<uint8_t>(get(d[1], 5, 4));
  s.s1csh = static_cast<uint8_t>(get(d[1], 7, 6));
  s.s2fwb = get(d[1], 25, 25);
  s.s1stalld = get(d[1], 27, 27);
  s.eats = static_cast<uint8_t>(get(d[1], 29, 28));
  s.strw = static_cast<uint8_t>(get(d[1], 31, 30));
  s.memattr = static_cast<uint8_t>(get(d[1], 35, 32));
  s.mtcfg = get(d[1], 36, 36);
  s.alloccfg = static_cast<uint8_t>(get(d[1], 40, 37));
  s.shcfg = static_cast<uint8_t>(get(d[1], 45, 44));
  s.nscfg = static_cast<uint8_t>(get(d[1], 47, 46));
  s.privcfg = static_cast<uint8_t>(get(d[1], 49, 48));
  s.instcfg = static_cast<uint8_t>(get(d[1], 51, 50));

  s.s2vmid = static_cast<uint16_t>(get(d[2], 15, 0));
  s.s2t0sz = static_cast<uint8_t>(get(d[2], 37, 32));
  s.s2sl0 = static_cast<uint8_t>(get(d[2], 39, 38));
  s.s2ir0 = static_cast<uint8_t>(get(d[2], 41, 40));
  s.s2or0 = static_cast<uint8_t>(get(d[2], 43, 42));
  s.s2sh0 = static_cast<uint8_t>(get(d[2], 45, 44));
  s.s2tg = static_cast<uint8_t>(get(d[2], 47, 46));
  s.s2ps = static_cast<uint8_t>(get(d[2], 50, 48));
  s.s2aa64 = get(d[2], 51, 51);
  s.s2endi = get(d[2], 52, 52);
  s.s2affd = get(d[2], 53, 53);
  s.s2ptw = get(d[2], 54, 54);
  s.s2hd = get(d[2], 55, 55);
  s.s2ha = get(d[2], 56, 56);
  s.s2s = get(d[2], 57, 57);
  s.s2r = get(d[2], 58, 58);

  s.s2ttb = d[3] & kAddr51_4;
  return s;
}

Ste::Words Ste::encode() const {
  Words d{};
  put(d[0], 0, 0, valid);
  put(d[0], 3, 1, config);
  put(d[0], 5, 4, s1fmt);
  d[0] |= s1ContextPtr & kAddr51_6;
  put(d[0], 63, 59, s1CdMax);

  put(d[1], 1, 0, s1dss);
  put(d[1], 3, 2, s1cir);
  put(d[1], 5, 4, s1cor);
  put(d[1], 7, 6, s1csh);
  put(d[1], 25, 25, s2fwb);
  put(d[1], 27, 27, s1stalld);
  put(d[1], 29, 28, eats);
  put(d[1], 31, 30, strw);
  put(d[1], 35, 32, memattr);
  put(d[1], 36, 36, mtcfg);
  put(d[1], 40, 37, alloccfg);
  put(d[1], 45, 44, shcfg);
  put(d[1], 47, 46, nscfg);
  put(d[1], 49, 48, privcfg);
  put(d[1], 51, 50, instcfg);

  put(d[2], 15, 0, s2vmid);
  put(d[2], 37, 32, s2t0sz);
  put(d[2], 39, 38, s2sl0);
  put(d[2], 41, 40, s2ir0);
  put(d[2], 43, 42, s2or0);
  put(d[2], 45, 44, s2sh0);
  put(d[2], 47, 46, s2tg);
  put(d[2], 50, 48, s2ps);
  put(d[2], 51, 51, s2aa64);
  put(d[2], 52, 52, s2endi);
  put(d[2], 53, 53, s2affd);
  put(d[2], 54, 54, s2ptw);
  put(d[2], 55, 55, s2hd);
  put(d[2], 56, 56, s2ha);
  put(d[2], 57, 57, s2s);
  put(d[2], 58, 58, s2r);

  d[3] = s2ttb & kAddr51_4;
  return d;
}

StL1Desc StL1Desc::decode(uint64_t d) {
  StL1Desc l1;
  l1.span = static_cast<uint8_t>(get(d, 4, 0));
  l1.l2ptr = d & kAddr51_6;
  return l1;
}

uint64_t StL1Desc::encode() const {
  uint64_t d = 0;
  put(d, 4, 0, span);
  d |= l2ptr & kAddr51_6;
  return d;
}

}  // namespace smmu
