#pragma once
// ProtocolRecords: a ProtocolSink for a protocol plug-in's parser tests that keeps every
// record it is given (direction, tx_id, fields by name, EVE object, events, whether it is
// logged) and counts what the parser refused.
#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "applayer/app_protocol.h"

namespace mamori::test {

struct ProtocolRecords final : ProtocolSink {
  void emit(Direction dir, const ProtocolTransaction& tx) override {
    dirs.push_back(dir);
    ids.push_back(tx.tx_id);
    eve.push_back(tx.eve);
    events.push_back(tx.events);
    logged.push_back(tx.logged);
    std::vector<std::pair<std::string, std::string>> f;
    for (const ProtocolField& field : tx.fields) f.emplace_back(field.name, tx.value(field));
    fields.push_back(std::move(f));
  }
  void malformed() override { ++bad; }
  std::vector<AppLayerEventSet> events;
  std::vector<bool> logged;
  // The values of record `i`'s fields named `name`, in order.
  std::vector<std::string> values(size_t i, const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& [field, value] : fields.at(i)) {
      if (field == name) out.push_back(value);
    }
    return out;
  }
  // The EVE object of record `i`, parsed.
  rapidjson::Document json(size_t i) const {
    rapidjson::Document d;
    d.Parse(eve.at(i).c_str());
    return d;
  }
  std::vector<Direction> dirs;
  std::vector<uint64_t> ids;
  std::vector<std::string> eve;
  std::vector<std::vector<std::pair<std::string, std::string>>> fields;
  int bad = 0;
};

// An integer keyword's field value (ProtocolTransaction::addNumber): 4 big-endian bytes.
inline std::string be32(uint32_t v) {
  return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

}  // namespace mamori::test
