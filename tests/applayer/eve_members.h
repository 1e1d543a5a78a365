#pragma once
// eveMembers: a plug-in's EVE object as a corpus cross-check's message (field_agreement.h):
// each top-level member by its name, a string or number as its one value, an array of
// strings as its items in order. Nested objects are left to the test.
#include <rapidjson/document.h>

#include <string>

#include "tests/applayer/field_agreement.h"

namespace mamori::test {

inline MessageFields eveMembers(const std::string& eve) {
  rapidjson::Document doc;
  doc.Parse(eve.c_str());
  MessageFields m;
  if (!doc.IsObject()) return m;
  for (const auto& member : doc.GetObject()) {
    auto& values = m[member.name.GetString()];
    if (member.value.IsString()) values.push_back(member.value.GetString());
    if (member.value.IsUint64()) values.push_back(std::to_string(member.value.GetUint64()));
    if (member.value.IsArray()) {
      for (const auto& item : member.value.GetArray()) {
        if (item.IsString()) values.push_back(item.GetString());
      }
    }
  }
  return m;
}

}  // namespace mamori::test
