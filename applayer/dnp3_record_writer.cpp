#include "applayer/dnp3_record_writer.h"

#include "applayer/dnp3_names.h"

namespace mamori {
namespace {

constexpr uint8_t kFunctionRead = 1;

uint32_t littleEndian(std::string_view b, size_t at, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(b[at + i])) << (8 * i);
  return v;
}

}  // namespace

void Dnp3RecordWriter::member(const char* key, uint64_t value) {
  eve_.key(key);
  eve_.number(value);
}

void Dnp3RecordWriter::flag(const char* key, bool value) {
  eve_.key(key);
  eve_.boolean(value);
}

bool Dnp3RecordWriter::write(std::string_view fragment, const Dnp3LinkFrame& link, bool request, uint64_t tx_id,
                             ProtocolTransaction& out) {
  const size_t header = request ? 2 : 4;
  if (fragment.size() < header) return false;
  out.clear();
  out.protocol = "dnp3";
  out.tx_id = tx_id;
  out.role = request ? Direction::ToServer : Direction::ToClient;
  const auto control = static_cast<uint8_t>(fragment[0]);
  const auto function = static_cast<uint8_t>(fragment[1]);
  out.addNumber("dnp3_func", function);
  const uint16_t iin = request ? 0 : static_cast<uint16_t>(static_cast<uint8_t>(fragment[2]) << 8 | static_cast<uint8_t>(fragment[3]));
  if (!request) out.addNumber("dnp3_ind", iin);
  out.add("dnp3_data", fragment);

  eve_.begin();
  eve_.key("type");
  eve_.string(request ? "request" : "response");
  eve_.key("control");
  eve_.startObject();
  flag("dir", link.control & 0x80);
  flag("pri", link.control & 0x40);
  flag("fcb", link.control & 0x20);
  flag("fcv", link.control & 0x10);
  member("function_code", link.control & 0x0f);
  eve_.endObject();
  member("src", link.source);
  member("dst", link.destination);
  eve_.key("application");
  eve_.startObject();
  eve_.key("control");
  eve_.startObject();
  flag("fir", control & 0x80);
  flag("fin", control & 0x40);
  flag("con", control & 0x20);
  flag("uns", control & 0x10);
  member("sequence", control & 0x0f);
  eve_.endObject();
  member("function_code", function);
  objects(fragment.substr(header), request && function == kFunctionRead, out);
  flag("complete", true);
  eve_.endObject();
  if (!request) {
    eve_.key("iin");
    eve_.startObject();
    eve_.key("indicators");
    eve_.startArray();
    for (const ProtocolNumberName& n : kDnp3IndicationNames) {
      if (iin & n.value) eve_.string(n.name);
    }
    eve_.endArray();
    eve_.endObject();
  }
  eve_.finish(out.eve);
  return true;
}

// The object headers of `body` (all of them when `all`: a READ request's carry no points).
void Dnp3RecordWriter::objects(std::string_view body, bool all, ProtocolTransaction& out) {
  size_t at = 0, count = 0;
  bool opened = false;
  while (at + 3 <= body.size() && count < kMaxObjects && (all || count == 0)) {
    const auto group = static_cast<uint8_t>(body[at]), variation = static_cast<uint8_t>(body[at + 1]);
    const auto qualifier = static_cast<uint8_t>(body[at + 2]);
    const uint8_t range_code = qualifier & 0x0f;
    // Range field: start/stop of 1, 2 or 4 bytes (codes 0-5), none (6), a count of 1, 2 or 4
    // bytes (7-9) or of 1 byte (11).
    size_t width = 0;
    bool start_stop = false;
    if (range_code <= 5) {
      width = size_t{1} << (range_code % 3);
      start_stop = true;
    } else if (range_code >= 7 && range_code <= 9) {
      width = size_t{1} << (range_code - 7);
    } else if (range_code == 11) {
      width = 1;
    } else if (range_code != 6) {
      return;
    }
    const size_t range_size = start_stop ? 2 * width : width;
    if (at + 3 + range_size > body.size()) return;
    if (!opened) {
      eve_.key("objects");
      eve_.startArray();
      opened = true;
    }
    out.addNumber("dnp3_obj", static_cast<uint32_t>(group << 8 | variation));
    eve_.startObject();
    member("group", group);
    member("variation", variation);
    member("qualifier", qualifier);
    member("prefix_code", (qualifier >> 4) & 0x07);
    member("range_code", range_code);
    if (start_stop) {
      const uint32_t start = littleEndian(body, at + 3, width), stop = littleEndian(body, at + 3 + width, width);
      member("start", start);
      member("stop", stop);
      member("count", stop >= start ? stop - start + 1u : 0u);
    } else if (width) {
      member("count", littleEndian(body, at + 3, width));
    }
    eve_.endObject();
    at += 3 + range_size;
    ++count;
  }
  if (opened) eve_.endArray();
}

}  // namespace mamori
