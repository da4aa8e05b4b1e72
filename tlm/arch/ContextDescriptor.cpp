#include "arch/ContextDescriptor.h"

#include "arch/Bits.h"

namespace smmu {
namespace {
using bits::get;
using bits::put;

constexpr uint64_t kAddr51_4 = 0x000ffffffffffff0ull;
constexpr uint64_t kAddr51_12 = 0x000ffffffffff000ull;
}  // namespace

ContextDescriptor ContextDescriptor::decode(const Words& d) {
  ContextDescriptor c;
  c.t0sz = static_cast<uint8_t>(get(d[0], 5, 0));
  c.tg0 = static_cast<uint8_t>(get(d[0], 7, 6));
  c.ir0 = static_cast<uint8_t>(get(d[0], 9, 8));
  c.or0 = static_cast<uint8_t>(get(d[0], 11, 10));
  c.sh0 = static_cast<uint8_t>(get(d[0], 13, 12));
  c.epd0 = get(d[0], 14, 14);
  c.endi = get(d[0], 15, 15);
  c.t1sz = static_cast<uint8_t>(get(d[0], 21, 16));
  c.tg1 = static_cast<uint8_t>(get(d[0], 23, 22));
  c.ir1 = static_cast<uint8_t>(get(d[0], 25, 24));
  c.or1 = static_cast<uint8_t>(get(d[0], 27, 26));
  c.sh1 = static_cast<uint8_t>(get(d[0], 29, 28));
  c.epd1 = get(d[0], 30, 30);
  c.valid = get(d[0], 31, 31);
  c.ips = static_cast<uint8_t>(get(d[0], 34, 32));
  c.affd = get(d[0], 35, 35);
  c.wxn = get(d[0], 36, 36);
  c.uwxn = get(d[0], 37, 37);
  c.tbi = static_cast<uint8_t>(get(d[0], 39, 38));
  c.pan = get(d[0], 40, 40);
  c.aa64 = get(d[0], 41, 41);
  c.hd = get(d[0], 42, 42);
  c.ha = get(d[0], 43, 43);
  c.s = get(d[0], 44, 44);
  c.r = get(d[0], 45, 45);
  c.a = get(d[0], 46, 46);
  c.aset = get(d[0], 47, 47);
  c.asid = static_cast<uint16_t>(get(d[0], 63, 48));
  c.had0 = get(d[1], 1, 1);
  c.ttb0 = d[1] & kAddr51_4;
  c.had1 = get(d[2], 1, 1);
  c.ttb1 = d[2] & kAddr51_4;
  c.mair = d[3];
  return c;
}

ContextDescriptor::Words ContextDescriptor::encode() const {
  Words d{};
  put(d[0], 5, 0, t0sz);
  put(d[0], 7, 6, tg0);
  put(d[0], 9, 8, ir0);
  put(d[0], 11, 10, or0);
  put(d[0], 13, 12, sh0);
  put(d[0], 14, 14, epd0);
  put(d[0], 15, 15, endi);
  put(d[0], 21, 16, t1sz);
  put(d[0], 23, 22, tg1);
  put(d[0], 25, 24, ir1);
  put(d[0], 27, 26, or1);
  put(d[0], 29, 28, sh1);
  put(d[0], 30, 30, epd1);
  put(d[0], 31, 31, valid);
  put(d[0], 34, 32, ips);
  put(d[0], 35, 35, affd);
  put(d[0], 36, 36, wxn);
  put(d[0], 37, 37, uwxn);
  put(d[0], 39, 38, tbi);
  put(d[0], 40, 40, pan);
  put(d[0], 41, 41, aa64);
  put(d[0], 42, 42, hd);
  put(d[0], 43, 43, ha);
  put(d[0], 44, 44, s);
  put(d[0], 45, 45, r);
  put(d[0], 46, 46, a);
  put(d[0], 47, 47, aset);
  put(d[0], 63, 48, asid);
  d[1] = ttb0 & kAddr51_4;
  put(d[1], 1, 1, had0);
  d[2] = ttb1 & kAddr51_4;
  put(d[2], 1, 1, had1);
  d[3] = mair;
  return d;
}

CdL1Desc CdL1Desc::decode(uint64_t d) {
  CdL1Desc l1;
  l1.valid = get(d, 0, 0);
  l1.l2ptr = d & kAddr51_12;
  return l1;
}

uint64_t CdL1Desc::encode() const {
  uint64_t d = l2ptr & kAddr51_12;
  put(d, 0, 0, valid);
  return d;
}

bool tg0ToGranule(uint8_t tg0, Granule& g) {
  switch (tg0) {
    case 0: g = Granule::k4K; return true;
    case 1: g = Granule::k64K; return true;
    case 2: g = Granule::k16K; return true;
    default: return false;
  }
}

bool tg1ToGranule(uint8_t tg1, Granule& g) {
  switch (tg1) {
    case 1: g = Granule::k16K; return true;
    case 2: g = Granule::k4K; return true;
    case 3: g = Granule::k64K; return true;
    default: return false;
  }
}

uint8_t granuleToTg0(Granule g) {
  switch (g) {
    case Granule::k4K: return 0;
    case Granule::k64K: return 1;
    case Granule::k16K: return 2;
  }
  return 0;
}

uint8_t granuleToTg1(Granule g) {
  switch (g) {
    case Granule::k16K: return 1;
    case Granule::k4K: return 2;
    case Granule::k64K: return 3;
  }
  return 2;
}

}  // namespace smmu
