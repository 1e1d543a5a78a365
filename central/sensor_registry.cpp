#include "central/sensor_registry.h"

namespace mamori {

int64_t SensorRegistry::nowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SensorRegistry::add(const std::string& name, const std::string& fingerprint) {
  std::lock_guard lock(mutex_);
  SensorState& s = sensors_[name];
  s.name = name;
  s.fingerprint = fingerprint;
}

std::optional<std::string> SensorRegistry::byRoutingId(const std::string& routing_id) const {
  std::lock_guard lock(mutex_);
  auto it = by_routing_id_.find(routing_id);
  if (it == by_routing_id_.end()) return std::nullopt;
  return it->second;
}

std::vector<SensorState> SensorRegistry::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<SensorState> out;
  for (const auto& [name, s] : sensors_) out.push_back(s);
  return out;
}

std::vector<std::string> SensorRegistry::connected(int64_t now_us) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, s] : sensors_) {
    if (s.connected(now_us, silence_)) out.push_back(name);
  }
  return out;
}

void SensorRegistry::link(const std::string& name, const std::string& routing_id, const std::string& address,
                          int64_t now_us) {
  std::lock_guard lock(mutex_);
  auto it = sensors_.find(name);
  if (it == sensors_.end()) return;
  SensorState& s = it->second;
  if (s.linked) by_routing_id_.erase(s.routing_id);
  s.linked = true;
  s.routing_id = routing_id;
  s.address = address;
  s.last_heard_us = now_us;
  ++s.links;
  by_routing_id_[routing_id] = name;
}

void SensorRegistry::unlink(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = sensors_.find(name);
  if (it == sensors_.end() || !it->second.linked) return;
  by_routing_id_.erase(it->second.routing_id);
  it->second.linked = false;
  it->second.routing_id.clear();
}

}  // namespace mamori
