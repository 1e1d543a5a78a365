#include "applayer/enip_transaction_writer.h"

#include <charconv>

#include "applayer/enip_names.h"

namespace mamori {
namespace {

constexpr uint16_t kCmdRegisterSession = 0x65;
constexpr char kHex[] = "0123456789abcdef";

void appendBe32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

}  // namespace

bool EnipTransactionWriter::answers(const EnipOpenRequest& request, const EnipMessage& response) {
  if (request.command != response.command) return false;
  // A RegisterSession reply carries the session the request asked for (0 in the request).
  if (request.session != response.session && response.command != kCmdRegisterSession) return false;
  if (request.sequence && response.sequence) return *request.sequence == *response.sequence;
  return true;
}

void EnipTransactionWriter::request(const EnipMessage& m, EnipOpenRequest& open, ProtocolTransaction& out) {
  out.clear();
  out.protocol = "enip";
  out.tx_id = open.tx_id;
  out.role = Direction::ToServer;
  out.logged = false;
  fields(m, out);
  open.command = m.command;
  open.session = m.session;
  open.sequence = m.sequence;
  side(m, open.eve);
}

void EnipTransactionWriter::response(const EnipMessage& m, const EnipOpenRequest* open, uint64_t tx_id,
                                     ProtocolTransaction& out) {
  out.clear();
  out.protocol = "enip";
  out.tx_id = tx_id;
  out.role = Direction::ToClient;
  fields(m, out);
  side(m, scratch_);
  eve_.begin();
  if (open) {
    eve_.key("request");
    eve_.raw(open->eve);
  }
  eve_.key("response");
  eve_.raw(scratch_);
  eve_.finish(out.eve);
}

void EnipTransactionWriter::unanswered(const EnipOpenRequest& open, ProtocolTransaction& out) {
  out.clear();
  out.protocol = "enip";
  out.tx_id = open.tx_id;
  out.role = Direction::ToServer;
  eve_.begin();
  eve_.key("request");
  eve_.raw(open.eve);
  eve_.finish(out.eve);
}

void EnipTransactionWriter::fields(const EnipMessage& m, ProtocolTransaction& out) {
  out.addNumber("enip_command", m.command);
  out.addNumber("enip.status", m.status);
  if (m.invalid) raise(out.events, AppLayerEvent::EnipInvalidPdu);
  switch (m.payload) {
    case EnipMessage::Payload::RegisterSession: out.addNumber("enip.protocol_version", m.register_version); break;
    case EnipMessage::Payload::Identity: {
      const EnipIdentity& id = m.identity;
      out.addNumber("enip.protocol_version", id.protocol_version);
      out.addNumber("enip.vendor_id", id.vendor_id);
      out.addNumber("enip.device_type", id.device_type);
      out.addNumber("enip.product_code", id.product_code);
      out.addNumber("enip.revision", static_cast<uint32_t>(id.revision_major << 8 | id.revision_minor));
      out.addNumber("enip.identity_status", id.status);
      out.addNumber("enip.serial", id.serial);
      out.addNumber("enip.state", id.state);
      out.add("enip.product_name", id.product_name);
      break;
    }
    case EnipMessage::Payload::Services:
      out.addNumber("enip.protocol_version", m.services.protocol_version);
      out.addNumber("enip.capabilities", m.services.capabilities);
      out.add("enip.service_name", std::string_view(m.services.name.data(), m.services.name_size));
      break;
    case EnipMessage::Payload::Cip:
      cipFields(m.cip, out);
      for (size_t i = 0; i < m.multiple_count; ++i) cipFields(m.multiple[i], out);
      break;
    case EnipMessage::Payload::None: break;
  }
}

void EnipTransactionWriter::cipFields(const CipMessage& c, ProtocolTransaction& out) {
  field_.clear();
  field_.push_back(static_cast<char>(c.service));
  field_.push_back(static_cast<char>(c.path_count));
  for (size_t i = 0; i < c.path_count; ++i) {
    field_.push_back(static_cast<char>(c.path[i].logical()));
    appendBe32(field_, c.path[i].value);
  }
  field_.push_back(static_cast<char>(c.attribute_count));
  for (size_t i = 0; i < c.attribute_count; ++i) appendBe32(field_, c.attributes[i]);
  out.add("cip_service", field_);
  if (c.response) {
    out.addNumber("enip.cip_status", c.status);
    if (const auto word = c.extendedStatusWord()) out.addNumber("enip.cip_extendedstatus", *word);
    return;
  }
  for (size_t i = 0; i < c.path_count; ++i) {
    switch (c.path[i].logical()) {
      case kCipLogicalClass: out.addNumber("enip.cip_class", c.path[i].value); break;
      case kCipLogicalInstance: out.addNumber("enip.cip_instance", c.path[i].value); break;
      case kCipLogicalAttribute: out.addNumber("enip.cip_attribute", c.path[i].value); break;
      default: break;
    }
  }
  for (size_t i = 0; i < c.attribute_count; ++i) out.addNumber("enip.cip_attribute", c.attributes[i]);
}

void EnipTransactionWriter::member(const char* key, uint64_t value) {
  eve_.key(key);
  eve_.number(value);
}

void EnipTransactionWriter::namedOrUnknown(const char* key, std::string_view name, uint32_t value) {
  eve_.key(key);
  if (!name.empty()) {
    eve_.string(name);
    return;
  }
  char text[24] = "unknown-";
  const auto end = std::to_chars(text + 8, text + sizeof(text), value).ptr;
  eve_.string(std::string_view(text, static_cast<size_t>(end - text)));
}

void EnipTransactionWriter::side(const EnipMessage& m, std::string& into) {
  eve_.begin();
  namedOrUnknown("command", numberNameOf(kEnipCommandNames, m.command), m.command);
  namedOrUnknown("status", numberNameOf(kEnipStatusNames, m.status), m.status);
  if (m.options != 0) {
    member("options", m.options);
  }
  switch (m.payload) {
    case EnipMessage::Payload::RegisterSession:
      eve_.key("register_session");
      eve_.startObject();
      member("protocol_version", m.register_version);
      member("options", m.register_options);
      eve_.endObject();
      break;
    case EnipMessage::Payload::Identity: {
      const EnipIdentity& id = m.identity;
      eve_.key("identity");
      eve_.startObject();
      member("protocol_version", id.protocol_version);
      char revision[8];
      char* end = std::to_chars(revision, revision + sizeof(revision), id.revision_major).ptr;
      *end++ = '.';
      end = std::to_chars(end, revision + sizeof(revision), id.revision_minor).ptr;
      eve_.key("revision");
      eve_.string(std::string_view(revision, static_cast<size_t>(end - revision)));
      namedOrUnknown("vendor_id", numberNameOf(kEnipVendorNames, id.vendor_id), id.vendor_id);
      namedOrUnknown("device_type", numberNameOf(kEnipDeviceTypeNames, id.device_type), id.device_type);
      member("product_code", id.product_code);
      member("status", id.status);
      member("serial", id.serial);
      eve_.key("product_name");
      eve_.string(id.product_name);
      member("state", id.state);
      eve_.endObject();
      break;
    }
    case EnipMessage::Payload::Services:
      eve_.key("list_services");
      eve_.startObject();
      member("protocol_version", m.services.protocol_version);
      member("capabilities", m.services.capabilities);
      eve_.key("service_name");
      eve_.string(std::string_view(m.services.name.data(), m.services.name_size));
      eve_.endObject();
      break;
    case EnipMessage::Payload::Cip:
      eve_.key("cip");
      eve_.startObject();
      cip(m.cip, &m);
      eve_.endObject();
      break;
    case EnipMessage::Payload::None: break;
  }
  eve_.finish(into);
}

// One CIP message's members; `outer` (the top-level one) gives a Multiple Service Packet's
// services, written one level down.
void EnipTransactionWriter::cip(const CipMessage& c, const EnipMessage* outer) {
  namedOrUnknown("service", numberNameOf(kCipServiceNames, c.service), c.service);
  if (c.response) {
    namedOrUnknown("status", numberNameOf(kCipStatusNames, c.status), c.status);
    if (c.extended_status_size) {
      char hex[2 * CipMessage::kMaxExtendedStatus];
      for (size_t i = 0; i < c.extended_status_size; ++i) {
        hex[2 * i] = kHex[c.extended_status[i] >> 4];
        hex[2 * i + 1] = kHex[c.extended_status[i] & 0xf];
      }
      eve_.key("status_extended");
      eve_.string(std::string_view(hex, 2 * c.extended_status_size));
    }
  } else if (c.path_count) {
    eve_.key("path");
    eve_.startArray();
    std::optional<uint32_t> last_class;
    for (size_t i = 0; i < c.path_count; ++i) {
      const CipPathSegment& s = c.path[i];
      eve_.startObject();
      static constexpr ProtocolNumberName kSegmentTypes[] = {
          {"class", kCipLogicalClass}, {"instance", kCipLogicalInstance}, {"attribute", kCipLogicalAttribute}};
      namedOrUnknown("segment_type", numberNameOf(kSegmentTypes, s.logical()), s.type);
      member("value", s.value);
      eve_.endObject();
      if (s.logical() == kCipLogicalClass) last_class = s.value;
    }
    eve_.endArray();
    // Class 0 is no class: Suricata names it "".
    if (last_class == 0u) {
      eve_.key("class_name");
      eve_.string("");
    } else if (last_class) {
      namedOrUnknown("class_name", numberNameOf(kCipClassNames, *last_class), *last_class);
    }
  }
  if (!outer || outer->multiple_count == 0) return;
  eve_.key("multiple");
  eve_.startArray();
  for (size_t i = 0; i < outer->multiple_count; ++i) {
    eve_.startObject();
    cip(outer->multiple[i], nullptr);
    eve_.endObject();
  }
  eve_.endArray();
}

}  // namespace mamori
