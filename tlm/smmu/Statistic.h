// One statistic of a record of stats.json, declared once: its key, what kind of value it is,
// its unit, a one-line meaning and how to read it from the counters it comes from (S: SmmuStats,
// TbuStats, the testbench's device counters). Tables of these (smmu/SmmuStatistics.h,
// tbu/TbuStatistics.h, the testbench's) are the one place a statistic is named: stats.json, the
// summary and `smmusim stats --reference` (docs/statistics.md) derive from them, so an outcome
// keeps one name everywhere. A rate is declared as its numerator and denominator, so every
// place that shows it computes it the same way.
//
// Pure C++ and read only when reporting: the simulation counts into plain structs as before.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "arch/Types.h"

namespace smmu {

enum class StatKind : uint8_t {
  Count,  // an unsigned count; stats.json writes it as an integer
  Time,   // a duration in ps (Tick); stats.json writes it in ns
  Ratio,  // numerator / denominator (0 when the denominator is 0), rounded to 1e-6
};

template <class S>
struct Statistic {
  std::string key;  // the record's key in stats.json
  StatKind kind;
  std::string unit;  // "transactions", "ns", "fraction" ...
  std::string doc;   // one line, for `smmusim stats --reference`
  // Count: the count; Time: the duration (ps); Ratio: the numerator.
  std::function<uint64_t(const S&)> value;
  std::function<uint64_t(const S&)> denominator = nullptr;  // Ratio only
  // False: the record leaves the key out for these counters (null: always present).
  std::function<bool(const S&)> present = nullptr;
  // Which of the table's records hold it: a bit per record, the table names them (an SMMU's
  // record and its TCU's; a device's, a group's and the totals).
  uint8_t records = 1;
};

// A statistic added up over several records (an SMMU's over its TBUs, the totals over every
// SMMU): counts and durations sum, a ratio is the sum of its numerators over the sum of its
// denominators.
struct StatSum {
  uint64_t value = 0;
  uint64_t denominator = 0;
};

// numerator / denominator, 0 when the denominator is 0: every rate of stats.json.
inline double statRatio(uint64_t numerator, uint64_t denominator) {
  return denominator ? double(numerator) / double(denominator) : 0.0;
}

template <class S>
StatSum statSum(const Statistic<S>& st, const S& s) {
  return {st.value(s), st.denominator ? st.denominator(s) : 0};
}
template <class S>
StatSum statSum(const Statistic<S>& st, const std::vector<const S*>& all) {
  StatSum sum;
  for (const S* s : all) {
    const StatSum one = statSum(st, *s);
    sum.value += one.value;
    sum.denominator += one.denominator;
  }
  return sum;
}
// A Ratio's value before rounding: its numerator over its denominator.
template <class S>
double statRatio(const Statistic<S>& st, const S& s) {
  return statRatio(st.value(s), st.denominator(s));
}
template <class S>
bool statPresent(const Statistic<S>& st, const S& s) {
  return !st.present || st.present(s);
}

// Builders of table entries, in the table's first record unless `records` says otherwise. The
// member forms read a counter of S; the function forms compute the value from the whole struct
// (a sum of counters).
template <class S>
Statistic<S> countStat(std::string key, std::string unit, std::string doc, uint64_t S::*m,
                       uint8_t records = 1) {
  return {std::move(key),
          StatKind::Count,
          std::move(unit),
          std::move(doc),
          [m](const S& s) { return s.*m; },
          nullptr,
          nullptr,
          records};
}
template <class S>
Statistic<S> timeStat(std::string key, std::string doc, Tick S::*m, uint8_t records = 1) {
  return {std::move(key), StatKind::Time, "ns",   std::move(doc), [m](const S& s) { return s.*m; },
          nullptr,        nullptr,        records};
}
template <class S>
Statistic<S> ratioStat(std::string key, std::string unit, std::string doc,
                       std::function<uint64_t(const S&)> numerator,
                       std::function<uint64_t(const S&)> denominator, uint8_t records = 1) {
  return {std::move(key),       StatKind::Ratio,        std::move(unit), std::move(doc),
          std::move(numerator), std::move(denominator), nullptr,         records};
}
template <class S>
Statistic<S> ratioStat(std::string key, std::string unit, std::string doc, uint64_t S::*numerator,
                       uint64_t S::*denominator, uint8_t records = 1) {
  return ratioStat<S>(
      std::move(key), std::move(unit), std::move(doc),
      [numerator](const S& s) { return s.*numerator; },
      [denominator](const S& s) { return s.*denominator; }, records);
}

// The statistic of `key` in `table`, or nullptr.
template <class S>
const Statistic<S>* findStatistic(const std::vector<Statistic<S>>& table, const std::string& key) {
  for (const auto& st : table)
    if (st.key == key) return &st;
  return nullptr;
}

}  // namespace smmu
