#pragma once
// The EVE objects a protocol plug-in writes, checked against Suricata 8's own EVE schema
// (../shared/schema/suricata-eve-schema.json): every member is one the schema gives its
// object, of the type it says, down through nested objects and arrays.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace mamori::test {

inline void expectMatchesSchema(const rapidjson::Value& value, const rapidjson::Value& schema, const std::string& where) {
  if (!schema.HasMember("type")) return;
  const std::string type = schema["type"].GetString();
  if (type == "object") {
    ASSERT_TRUE(value.IsObject()) << where << " is no object";
    if (!schema.HasMember("properties")) return;
    const auto& properties = schema["properties"];
    for (const auto& m : value.GetObject()) {
      const std::string at = where + "." + m.name.GetString();
      ASSERT_TRUE(properties.HasMember(m.name)) << at << " is not in the schema";
      expectMatchesSchema(m.value, properties[m.name], at);
    }
  } else if (type == "array") {
    ASSERT_TRUE(value.IsArray()) << where << " is no array";
    if (!schema.HasMember("items")) return;
    for (const auto& item : value.GetArray()) expectMatchesSchema(item, schema["items"], where + "[]");
  } else if (type == "string") {
    EXPECT_TRUE(value.IsString()) << where;
  } else if (type == "integer") {
    EXPECT_TRUE(value.IsInt64() || value.IsUint64()) << where;
  } else if (type == "boolean") {
    EXPECT_TRUE(value.IsBool()) << where;
  }
}

// Each of `objects` (EVE objects written under `event_type`) as the schema gives that key.
inline void expectEveObjectsMatchSchema(const std::string& event_type, const std::vector<std::string>& objects) {
  rapidjson::Document schema;
  const std::string text = readFile(sharedDir() + "/schema/suricata-eve-schema.json");
  schema.Parse(text.c_str());
  ASSERT_FALSE(schema.HasParseError());
  ASSERT_TRUE(schema["properties"].HasMember(event_type.c_str())) << event_type;
  for (const std::string& object : objects) {
    rapidjson::Document doc;
    doc.Parse(object.c_str());
    ASSERT_FALSE(doc.HasParseError()) << object;
    expectMatchesSchema(doc, schema["properties"][event_type.c_str()], event_type);
  }
}

}  // namespace mamori::test
