// mamori-fuzz-seeds: writes the fuzz targets' seed corpora (one folder per target under
// --out) from inputs read in place: capture files are decoded with the project's Decoder
// and split into runs of frames (packet_decoder), TCP segment sequences (tcp_reassembly),
// each TCP flow's stream by what it carries (http_parser, tls_parser, ssh_banner, sip_parser,
// the TCP side of dns_parser, krb5_parser on port 88, ldap_parser on 389, enip_parser on
// 44818, modbus_parser on 502, dnp3_parser on 20000, rdp_parser on 3389, mqtt_parser on 1883,
// dcerpc_parser by its first PDU,
// ftp_parser on port 21, smtp_parser by a greeting or HELO), DNS datagrams, SIP, Kerberos,
// CLDAP, ENIP, DNP3, DHCP, SNMP and QUIC (port 443) datagrams (sip_parser, krb5_parser, ldap_parser,
// enip_parser, dnp3_parser, dhcp_parser, snmp_parser, quic_parser) and the certificates TlsParser finds (tls_certificate, and behind an options
// prefix asn1_inspection);
// rule files into single rules (rule_parser) and small rule sets (rule_set_package); EVE
// files (a corpus run's output) into RECORDS messages with the control messages around them
// (link_message). Every seed is in the target's FuzzInput framing. At most --max seeds a
// target, spread evenly over what was found; file names are content hashes, so a seed
// found twice is written once.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "applayer/dcerpc_protocol.h"
#include "applayer/http_request_probe.h"
#include "applayer/sip_message_parser.h"
#include "applayer/smtp_protocol.h"
#include "applayer/tls_parser.h"
#include "capture/decoder.h"
#include "capture/pcap_source.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/link_types.h"
#include "uplink/link_protocol.h"

namespace fs = std::filesystem;
using namespace mamori;
using fuzz::FuzzInput;

namespace {

constexpr size_t kMaxSeedBytes = 64 << 10;  // libFuzzer's inputs stay small; so do seeds
constexpr size_t kFramesPerSeed = 32;

// Seeds by target, in the order found.
using Seeds = std::map<std::string, std::vector<std::string>>;

struct TcpFlow {
  IpAddress client;
  uint16_t client_port = 0;
  std::string segments;  // tcp_reassembly records
  std::string stream;    // stream records (tag: direction)
  std::string first_payload;
  std::string first_line;  // of the first payload, for a SIP start line (longer than 16 bytes)
  uint16_t server_port = 0;
};

using FlowKey = std::tuple<IpAddress, IpAddress, uint16_t, uint16_t>;

FlowKey canonical(const DecodedPacket& p) {
  return p.src < p.dst || (p.src == p.dst && p.sport < p.dport) ? FlowKey{p.src, p.dst, p.sport, p.dport}
                                                                  : FlowKey{p.dst, p.src, p.dport, p.sport};
}

std::string bytes(const uint8_t* p, size_t n) { return {reinterpret_cast<const char*>(p), n}; }

bool startsLikeSip(const std::string& payload) {
  return SipMessageParser::looksLikeSip(payload) == SipMessageParser::Looks::Sip;
}

// Which app-layer target a flow's stream seeds, by its first payload (or port).
std::string streamTarget(const TcpFlow& f) {
  const std::string& p = f.first_payload;
  if (p.rfind("SSH-", 0) == 0) return "ssh_banner";
  if (startsLikeSip(f.first_line)) return "sip_parser";
  if (p.size() >= 2 && p[0] == 0x16 && p[1] == 0x03) return "tls_parser";
  if (p.rfind("HTTP/", 0) == 0 || looksLikeHttpRequest(reinterpret_cast<const uint8_t*>(p.data()), p.size())) {
    return "http_parser";
  }
  if (f.server_port == 53) return "dns_parser";
  if (f.server_port == 88) return "krb5_parser";
  const auto* first = reinterpret_cast<const uint8_t*>(p.data());
  if (DcerpcProtocol().probe(AppProtocol::kTcp, Direction::ToServer, first, p.size()) == ProbeResult::Match) {
    return "dcerpc_parser";
  }
  if (f.server_port == 389 || f.client_port == 389) return "ldap_parser";
  if (f.server_port == 445 || f.server_port == 139) return "smb_parser";
  if (f.server_port == 44818) return "enip_parser";
  if (f.server_port == 502) return "modbus_parser";
  if (f.server_port == 20000) return "dnp3_parser";
  if (f.server_port == 3389) return "rdp_parser";
  if (f.server_port == 1883) return "mqtt_parser";
  if (f.server_port == 21) return "ftp_parser";
  if (SmtpProtocol().probe(AppProtocol::kTcp, Direction::ToClient, first, p.size()) == ProbeResult::Match ||
      SmtpProtocol().probe(AppProtocol::kTcp, Direction::ToServer, first, p.size()) == ProbeResult::Match) {
    return "smtp_parser";
  }
  return "";
}

void addCertificates(const std::string& stream, Seeds& seeds) {
  TlsParser parser;
  FuzzInput in(reinterpret_cast<const uint8_t*>(stream.data()), stream.size());
  fuzz::FuzzRecord r;
  while (in.next(r)) parser.onData(r.tag & 1 ? Direction::ToClient : Direction::ToServer, r.data, r.len);
  for (const TlsCertificate& c : parser.handshake().certificates) {
    seeds["tls_certificate"].push_back(bytes(c.der.data(), c.der.size()));
    // asn1_inspection: every check, a length limit of 256, absolute offset 0.
    seeds["asn1_inspection"].push_back(std::string("\x0f\x01\x00\x00\x00\x00\x00\x00", 8) +
                                       bytes(c.der.data(), c.der.size()));
  }
}

void readCapture(const std::string& path, Seeds& seeds) {
  std::unique_ptr<PcapSource> source;
  try {
    source = PcapSource::openFile(path);
  } catch (const std::exception& e) {
    fmt::print(stderr, "mamori-fuzz-seeds: {}: {}\n", path, e.what());
    return;
  }
  const int link = fuzz::linkTypeIndex(source->linktype());
  Decoder decoder;
  std::map<FlowKey, TcpFlow> flows;
  std::string frames;
  size_t in_run = 0;
  RawPacket raw;
  while (source->next(raw) == ReadStatus::Packet) {
    if (link >= 0) {
      FuzzInput::append(frames, static_cast<uint8_t>(link), bytes(raw.data, raw.caplen));
      if (++in_run == kFramesPerSeed) {
        seeds["packet_decoder"].push_back(std::move(frames));
        frames.clear();
        in_run = 0;
      }
    }
    DecodedPacket p;
    if (decoder.decode(raw, p).status != DecodeStatus::Ok || p.ip_version == 0) continue;
    if (p.proto == static_cast<uint8_t>(IpProto::Udp) && (p.sport == 53 || p.dport == 53) && p.payload_len) {
      std::string seed;
      FuzzInput::append(seed, 4, bytes(p.payload, p.payload_len));
      seeds["dns_parser"].push_back(std::move(seed));
    }
    const bool udp_data = p.proto == static_cast<uint8_t>(IpProto::Udp) && p.payload_len;
    const char* datagram_target = !udp_data                           ? nullptr
                                  : p.sport == 88 || p.dport == 88     ? "krb5_parser"
                                  : p.sport == 389 || p.dport == 389 ? "ldap_parser"
                                  : p.sport == 44818 || p.dport == 44818 ? "enip_parser"
                                  : p.sport == 20000 || p.dport == 20000 ? "dnp3_parser"
                                  : p.sport == 67 || p.dport == 67 ? "dhcp_parser"
                                  : p.sport == 161 || p.dport == 161 || p.dport == 162 ? "snmp_parser"
                                  : p.sport == 443 || p.dport == 443 ? "quic_parser"
                                  : startsLikeSip(bytes(p.payload, p.payload_len)) ? "sip_parser"
                                                                                   : nullptr;
    if (datagram_target) {
      std::string seed;
      FuzzInput::append(seed, 0, bytes(p.payload, p.payload_len));
      seeds[datagram_target].push_back(std::move(seed));
    }
    if (p.proto != static_cast<uint8_t>(IpProto::Tcp)) continue;
    auto [it, fresh] = flows.try_emplace(canonical(p));
    TcpFlow& f = it->second;
    if (fresh) {
      f.client = p.src;
      f.client_port = p.sport;
      f.server_port = p.dport;
    }
    const uint8_t dir = p.src == f.client && p.sport == f.client_port ? 0 : 1;
    if (f.segments.size() < kMaxSeedBytes) {
      std::string seg(1, static_cast<char>(dir));
      for (int shift : {24, 16, 8, 0}) seg.push_back(static_cast<char>(p.tcp_seq >> shift));
      seg += bytes(p.payload, p.payload_len);
      FuzzInput::append(f.segments, p.tcp_flags, seg);
    }
    if (p.payload_len && f.stream.size() < kMaxSeedBytes) {
      FuzzInput::append(f.stream, dir, bytes(p.payload, p.payload_len));
      if (f.first_payload.empty()) {
        f.first_payload = bytes(p.payload, std::min<uint32_t>(p.payload_len, 16));
        const std::string payload = bytes(p.payload, p.payload_len);
        f.first_line = payload.substr(0, payload.find('\n') + 1);
      }
    }
  }
  if (in_run) seeds["packet_decoder"].push_back(std::move(frames));
  for (auto& [key, f] : flows) {
    seeds["tcp_reassembly"].push_back(std::move(f.segments));
    const std::string target = streamTarget(f);
    if (target.empty()) continue;
    if (target == "tls_parser") addCertificates(f.stream, seeds);
    seeds[target].push_back(std::move(f.stream));
  }
}

void readRules(const std::string& path, Seeds& seeds) {
  std::ifstream in(path);
  std::string line, set;
  size_t in_set = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    seeds["rule_parser"].push_back(line);
    set += line + "\n";
    if (++in_set == 4) {
      std::string seed;
      FuzzInput::append(seed, 0, "seed.rules");
      FuzzInput::append(seed, 0, set);
      seeds["rule_set_package"].push_back(std::move(seed));
      set.clear();
      in_set = 0;
    }
  }
}

// A message as linkFrames reads it back.
std::string message(const link::Frames& frames) {
  std::string seed;
  for (const auto& f : frames) FuzzInput::append(seed, 0, link::view(f));
  return seed;
}

void readEve(const std::string& path, Seeds& seeds) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  // Control messages as the two sides write them.
  link::Frames hello;
  hello.push_back(link::frame(link::cmd::kHello));
  hello.push_back(link::JsonFrame().num("protocol", link::kProtocol).str("sensor", "seed").str("stream",
      std::string(32, 'a')).str("rules_version", "1-0123456789ab").num("last_seq", 7).done());
  seeds["link_message"].push_back(message(hello));
  link::Frames result;
  result.push_back(link::frame(link::cmd::kRuleResult));
  {
    link::JsonFrame body;
    body.str("version", "1-0123456789ab").str("result", "refused").num("rules_loaded", 3).real("build_seconds", 0.5);
    body.writer().Key("errors");
    link::writeErrors(body.writer(), {"seed.rules:1:1: sid 1: bad"});
    result.push_back(body.done());
  }
  seeds["link_message"].push_back(message(result));
  link::Frames ack;
  ack.push_back(link::frame(link::cmd::kAck));
  ack.push_back(link::u64Frame(42));
  seeds["link_message"].push_back(message(ack));
  // RECORDS batches of the file's lines, a few records each.
  for (size_t at = 0; at < lines.size(); at += 4) {
    std::vector<link::PackedRecord> records;
    for (size_t i = at; i < std::min(lines.size(), at + 4); ++i) {
      const size_t type = lines[i].find("\"event_type\":\"");
      std::optional<EventKind> kind;
      if (type != std::string::npos) {
        const size_t from = type + 14;
        kind = eventKindFromName(std::string_view(lines[i]).substr(from, lines[i].find('"', from) - from));
      }
      records.push_back({kind, lines[i]});
    }
    link::Frames batch;
    batch.push_back(link::frame(link::cmd::kRecords));
    batch.push_back(link::recordsHeader(at + 1, static_cast<uint32_t>(records.size())));
    batch.push_back(link::packRecords(records));
    seeds["link_message"].push_back(message(batch));
  }
}

void writeSeeds(const fs::path& out, const Seeds& seeds, size_t max) {
  for (const auto& [target, all] : seeds) {
    const fs::path dir = out / target;
    fs::create_directories(dir);
    const size_t step = all.size() > max ? (all.size() + max - 1) / max : 1;
    size_t written = 0;
    for (size_t i = 0; i < all.size(); i += step) {
      const std::string& s = all[i].size() > kMaxSeedBytes ? all[i].substr(0, kMaxSeedBytes) : all[i];
      if (s.empty()) continue;
      std::ofstream(dir / fmt::format("{:016x}", std::hash<std::string>{}(s)), std::ios::binary) << s;
      ++written;
    }
    fmt::print("mamori-fuzz-seeds: {}: {} seeds of {} found\n", target, written, all.size());
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Writes the fuzz targets' seed corpora");
  std::string out;
  size_t max = 300;
  std::vector<std::string> pcaps, rules, eve;
  app.add_option("--out", out, "folder: one subfolder of seeds per target")->required();
  app.add_option("--max", max, "seeds per target at most");
  app.add_option("--pcap", pcaps, "capture files");
  app.add_option("--rules", rules, "signature rule files");
  app.add_option("--eve", eve, "EVE files (mamori's output)");
  CLI11_PARSE(app, argc, argv);
  Seeds seeds;
  for (const auto& p : pcaps) readCapture(p, seeds);
  for (const auto& r : rules) readRules(r, seeds);
  for (const auto& e : eve) readEve(e, seeds);
  writeSeeds(out, seeds, max);
  return 0;
}
