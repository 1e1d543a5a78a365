#include "applayer/dcerpc_record.h"

#include <cstdio>

namespace mamori {
namespace {

std::string_view uuidText(const std::array<uint8_t, 16>& u, char (&out)[37]) {
  std::snprintf(out, sizeof(out), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
                u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
  return std::string_view(out, 36);
}

void writeInterfaces(const DcerpcCall& c, EveObjectWriter& eve) {
  if (c.interfaces.empty()) return;
  eve.key("interfaces");
  eve.startArray();
  for (const DcerpcInterface& i : c.interfaces) {
    eve.startObject();
    char uuid[37];
    eve.text("uuid", uuidText(i.uuid, uuid));
    char version[16];
    std::snprintf(version, sizeof(version), "%u.%u", i.version, i.version_minor);
    eve.text("version", version);
    if (i.acked) {
      eve.key("ack_result");
      eve.number(i.result);
    }
    eve.endObject();
  }
  eve.endArray();
}

void writeSide(const char* key, uint32_t fragments, uint32_t stub_size, const DcerpcCall* request, EveObjectWriter& eve) {
  eve.key(key);
  eve.startObject();
  if (request) {
    eve.key("opnum");
    eve.number(request->opnum);
  }
  eve.key("frag_cnt");
  eve.number(fragments);
  eve.key("stub_data_size");
  eve.number(stub_size);
  eve.endObject();
}

}  // namespace

void addDcerpcFields(const DcerpcCall& c, ProtocolTransaction& tx) {
  if (c.unreplied) return;
  const bool client = dcerpcOpensCall(c.type);
  const bool call = client ? c.type == DcerpcPduType::Request : c.request_seen && c.request_type == DcerpcPduType::Request;
  if (call) {
    for (const DcerpcInterface& i : c.interfaces) {
      if (!i.acked || i.result != 0) continue;
      char value[19];
      for (size_t k = 0; k < 16; ++k) value[k] = static_cast<char>(i.uuid[k]);
      value[16] = static_cast<char>(i.version >> 8);
      value[17] = static_cast<char>(i.version);
      value[18] = static_cast<char>((c.first_fragment ? kDcerpcIfaceFirstFragment : 0) |
                                    (i.first_fragment ? kDcerpcIfaceBoundInFirst : 0));
      tx.add("dcerpc.iface", std::string_view(value, sizeof(value)));
    }
    tx.addNumber("dcerpc.opnum", c.opnum);
  }
  if (c.type == DcerpcPduType::Request || c.type == DcerpcPduType::Response) tx.add("dcerpc.stub_data", c.stub);
}

void writeDcerpcEve(const DcerpcCall& c, EveObjectWriter& eve) {
  const bool client = dcerpcOpensCall(c.type) && !c.unreplied;
  const bool request_known = client || c.request_seen;
  const DcerpcPduType request = client ? c.type : c.request_type;
  if (request_known) {
    eve.text("request", dcerpcPduTypeName(request));
    if (request == DcerpcPduType::Request) writeSide("req", c.request_fragments, c.request_stub_size, &c, eve);
    if (request == DcerpcPduType::Request || request == DcerpcPduType::Bind || request == DcerpcPduType::AlterContext) {
      writeInterfaces(c, eve);
    }
  } else {
    eve.text("request", "REQUEST_LOST");
  }
  if (client || c.unreplied) {
    eve.text("response", "UNREPLIED");
  } else {
    eve.text("response", dcerpcPduTypeName(c.type));
    if (c.type == DcerpcPduType::Response) writeSide("res", c.response_fragments, c.response_stub_size, nullptr, eve);
  }
  eve.key("call_id");
  eve.number(c.call_id);
  char version[8];
  std::snprintf(version, sizeof(version), "5.%u", c.rpc_version_minor);
  eve.text("rpc_version", version);
}

}  // namespace mamori
