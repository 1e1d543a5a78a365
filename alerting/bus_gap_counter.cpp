#include "alerting/bus_gap_counter.h"

#include <rapidjson/document.h>

namespace mamori {

void BusGapCounter::subscribe(const std::string& prefix) { prefixes_.push_back(prefix); }

bool BusGapCounter::wanted(std::string_view topic) const {
  for (const std::string& p : prefixes_) {
    if (topic.starts_with(p)) return true;
  }
  return false;
}

void BusGapCounter::received(std::string_view topic) {
  auto it = received_.find(topic);
  if (it == received_.end()) it = received_.emplace(std::string(topic), 0).first;
  ++it->second;
}

uint64_t BusGapCounter::marker(std::string_view json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("published") || !d["published"].IsObject()) return 0;
  uint64_t missed = 0;
  for (const auto& m : d["published"].GetObject()) {
    if (!m.value.IsUint64()) continue;
    std::string_view topic(m.name.GetString(), m.name.GetStringLength());
    const uint64_t now = m.value.GetUint64();
    auto last = published_.find(topic);
    if (last == published_.end()) {
      // A topic the first marker did not have is new, not missed: it starts here.
      published_.emplace(std::string(topic), now);
      continue;
    }
    if (checking_ && wanted(topic) && now >= last->second) {
      auto got = received_.find(topic);
      const uint64_t sent = now - last->second, arrived = got == received_.end() ? 0 : got->second;
      if (sent > arrived) missed += sent - arrived;
    }
    last->second = now;
  }
  received_.clear();
  checking_ = true;
  missed_ += missed;
  return missed;
}

}  // namespace mamori
