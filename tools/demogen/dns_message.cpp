#include "tools/demogen/dns_message.h"

#include <map>

#include "tools/demogen/wire_format.h"

namespace mamori::demogen {
namespace {

constexpr uint16_t kClassIn = 1;
constexpr uint16_t kFlagsQuery = 0x0100;     // RD
constexpr uint16_t kFlagsResponse = 0x8180;  // QR, RD, RA, NOERROR

class NameWriter {
 public:
  explicit NameWriter(Bytes& out) : out_(out) {}

  // Writes `name`, pointing back at an earlier copy of any of its suffixes.
  void write(const std::string& name) {
    std::string rest = name;
    while (!rest.empty()) {
      auto known = offsets_.find(rest);
      if (known != offsets_.end()) {
        putU16(out_, static_cast<uint16_t>(0xc000 | known->second));
        return;
      }
      if (out_.size() < 0x4000) offsets_.emplace(rest, static_cast<uint16_t>(out_.size()));
      size_t dot = rest.find('.');
      std::string label = rest.substr(0, dot);
      out_.push_back(static_cast<uint8_t>(label.size()));
      out_.insert(out_.end(), label.begin(), label.end());
      rest = dot == std::string::npos ? std::string() : rest.substr(dot + 1);
    }
    out_.push_back(0);
  }

 private:
  Bytes& out_;
  std::map<std::string, uint16_t> offsets_;
};

Bytes message(uint16_t id, uint16_t flags, const std::string& name, DnsType type,
              const std::vector<DnsRecord>& answers) {
  Bytes out;
  putU16(out, id);
  putU16(out, flags);
  putU16(out, 1);
  putU16(out, static_cast<uint16_t>(answers.size()));
  putU16(out, 0);
  putU16(out, 0);
  NameWriter names(out);
  names.write(name);
  putU16(out, static_cast<uint16_t>(type));
  putU16(out, kClassIn);
  for (const DnsRecord& record : answers) {
    names.write(record.owner);
    putU16(out, static_cast<uint16_t>(record.type));
    putU16(out, kClassIn);
    putU32(out, record.ttl);
    const size_t lengthAt = out.size();
    putU16(out, 0);
    if (record.type == DnsType::kCname) {
      names.write(record.target);
    } else {
      out.insert(out.end(), record.data.begin(), record.data.end());
    }
    const size_t length = out.size() - lengthAt - 2;
    out[lengthAt] = static_cast<uint8_t>(length >> 8);
    out[lengthAt + 1] = static_cast<uint8_t>(length);
  }
  return out;
}

}  // namespace

Bytes txtData(std::string_view text) {
  Bytes out;
  do {
    const std::string_view piece = text.substr(0, 255);
    out.push_back(static_cast<uint8_t>(piece.size()));
    out.insert(out.end(), piece.begin(), piece.end());
    text.remove_prefix(piece.size());
  } while (!text.empty());
  return out;
}

Bytes dnsQuery(uint16_t id, const std::string& name, DnsType type) {
  return message(id, kFlagsQuery, name, type, {});
}

Bytes dnsResponse(uint16_t id, const std::string& name, DnsType type, const std::vector<DnsRecord>& answers) {
  return message(id, kFlagsResponse, name, type, answers);
}

}  // namespace mamori::demogen
