// FTP as the app layer parses it, on the corpus captures that carry it (found with `tshark -Y
// ftp` over ../shared/corpus: nDPI's passive-mode session that lists a folder and downloads a
// file, a refused login, one that turns to TLS after AUTH TLS and back, and an anonymous login
// with multi-line replies in a suricata-verify SIP case's capture). Per control connection, each command mamori's ftp
// plug-in reports is compared, in order, with the request tshark decodes (command, argument),
// and each transaction with tshark's responses between that request and the next (the last
// reply code, the data port a 227/229 reply or a PORT/EPRT named); the server's greeting is
// the first transaction. Each file an ftp-data connection carried is compared with tshark's
// reassembly of that TCP stream (size and SHA-256). Agreement is printed per field; each must
// be at least 99%. Every EVE ftp and ftp_data object validates against Suricata's EVE schema.
// What tshark decodes inside TLS (a NULL cipher lets it read the commands after AUTH TLS) is
// not compared: mamori stops parsing at TLS.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "applayer/app_parsers.h"
#include "tests/applayer/capture_run.h"
#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/field_agreement.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using Key = test::MessageKey;
using Message = test::MessageFields;
using Messages = test::MessagesByKey;

const char* const kFields[] = {"command", "arg", "reply_code", "data_port", "file_size", "file_sha256"};
const char* const kCaptures[] = {"ndpi/ftp.pcap", "ndpi/ftp_failed.pcap", "ndpi/ftp-start-tls.pcap",
                                 "suricata-verify/sip-from/input.pcap"};

uint32_t numberOf(std::string_view be) {
  uint32_t v = 0;
  for (char c : be) v = v << 8 | static_cast<uint8_t>(c);
  return v;
}

// Messages are keyed by (their place in the connection, client port, server port): commands
// at even places, transactions at odd ones (the greeting's is 1), files at 0 of their own
// connection.
class FtpRecords final : public AppEventListener {
 public:
  void onAppEvent(Flow& flow, const AppRecord& r) override {
    if (const auto* file = std::get_if<FileInfo>(&r.body)) {
      if (r.event != AppEvent::FileDone || !file->protocol || std::string_view(file->protocol) != "ftp-data") return;
      Message m;
      m["file_size"] = {std::to_string(file->file.size)};
      m["file_sha256"] = {file->file.sha256};
      messages[Key{0, flow.client_port, flow.server_port}].push_back(std::move(m));
      return;
    }
    const auto* tx = std::get_if<ProtocolTransaction>(&r.body);
    if (!tx) return;
    if (std::string_view(tx->protocol) == "ftp-data") ftp_data.push_back(tx->eve);
    if (std::string_view(tx->protocol) != "ftp") return;
    Message m;
    if (!tx->logged && tx->role == Direction::ToServer) {
      for (const ProtocolField& f : tx->fields) {
        if (std::string_view(f.name) == "ftp.command") m["command"] = {std::string(tx->value(f))};
        if (std::string_view(f.name) == "ftp.command_data") m["arg"] = {std::string(tx->value(f))};
      }
      messages[Key{2 * static_cast<int64_t>(tx->tx_id), flow.client_port, flow.server_port}].push_back(std::move(m));
      return;
    }
    if (!tx->logged) return;
    for (const ProtocolField& f : tx->fields) {
      if (std::string_view(f.name) == "ftp.completion_code") m["reply_code"] = {std::string(tx->value(f))};
      if (std::string_view(f.name) == "ftp.dynamic_port") m["data_port"] = {std::to_string(numberOf(tx->value(f)))};
    }
    messages[Key{2 * static_cast<int64_t>(tx->tx_id) + 1, flow.client_port, flow.server_port}].push_back(std::move(m));
    ftp.push_back(tx->eve);
  }
  Messages messages;
  std::vector<std::string> ftp, ftp_data;  // EVE objects
};

// tshark's control connections: each request, and what answered it, in the same places.
Messages tsharkControl(const std::string& pcap) {
  Messages out;
  std::istringstream lines(test::run("tshark -r '" + pcap +
                                     "' -Y 'ftp && !tls' -T fields -E 'aggregator=|' -e tcp.srcport -e tcp.dstport"
                                     " -e ftp.request.command -e ftp.request.arg -e ftp.response.code"
                                     " -e ftp.passive.port -e ftp.active.port 2>/dev/null")
                               .out);
  std::map<std::pair<uint16_t, uint16_t>, int64_t> tx;  // per connection: the open transaction's number
  std::string line;
  while (std::getline(lines, line)) {
    auto f = test::split(line, '\t');
    f.resize(7);
    const uint16_t sport = static_cast<uint16_t>(std::stoi(f[0])), dport = static_cast<uint16_t>(std::stoi(f[1]));
    const bool request = !f[2].empty();
    const std::pair<uint16_t, uint16_t> conn = request ? std::pair{sport, dport} : std::pair{dport, sport};
    auto [it, fresh] = tx.try_emplace(conn, 0);
    if (request) {
      if (!fresh || out.count(Key{1, conn.first, conn.second})) ++it->second;
      Message m;
      m["command"] = {f[2]};
      if (!f[3].empty()) m["arg"] = {f[3]};
      out[Key{2 * it->second, conn.first, conn.second}].push_back(std::move(m));
    }
    auto& replies = out[Key{2 * it->second + 1, conn.first, conn.second}];
    if (replies.empty()) replies.emplace_back();
    Message& m = replies.front();
    const auto codes = test::split(f[4], '|');
    if (!f[4].empty()) m["reply_code"] = {codes.back()};
    if (!f[5].empty()) m["data_port"] = {f[5]};
    if (!f[6].empty()) m["data_port"] = {f[6]};
    if (request && m.empty()) out.erase(Key{2 * it->second + 1, conn.first, conn.second});
  }
  return out;
}

// tshark's reassembly of each ftp-data connection that carried a file (RETR, STOR, APPE;
// not a listing): what its sending side sent.
Messages tsharkFiles(const std::string& pcap) {
  Messages out;
  std::istringstream streams(
      test::run("tshark -r '" + pcap + "' -Y ftp-data -T fields -e tcp.stream -e ftp-data.command 2>/dev/null | sort -u").out);
  std::string line;
  while (std::getline(streams, line)) {
    const auto f = test::split(line, '\t');
    if (f.size() < 2) continue;
    const std::string verb = f[1].substr(0, 4);
    if (verb != "RETR" && verb != "STOR" && verb != "APPE") continue;
    // The stream's node 1 (indented in tshark's output) is the side that answered the SYN.
    const std::string follow = "tshark -r '" + pcap + "' -q -z follow,tcp,raw," + f[0] +
                               " 2>/dev/null | sed -n '7,$p' | grep -v '^=' ";
    for (const bool server : {true, false}) {
      const std::string bytes = follow + (server ? "| grep '^\t'" : "| grep -v '^\t'") + " | tr -d '\\t\\n' | xxd -r -p";
      const std::string size = test::split(test::run(bytes + " | wc -c").out, '\n').front();
      if (size == "0") continue;
      const std::string sha = test::split(test::run(bytes + " | sha256sum").out, ' ').front();
      Message m;
      m["file_size"] = {size};
      m["file_sha256"] = {sha};
      // Keyed as the data connection is oriented: its client opened it.
      const auto ports = test::run("tshark -r '" + pcap + "' -Y 'tcp.stream==" + f[0] +
                                   " && tcp.flags.syn==1 && tcp.flags.ack==0' -T fields -e tcp.srcport -e tcp.dstport 2>/dev/null")
                             .out;
      const auto first = test::split(ports, '\n');
      const auto p = first.empty() ? std::vector<std::string>{} : test::split(first.front(), '\t');
      if (p.size() < 2) continue;
      out[Key{0, static_cast<uint16_t>(std::stoi(p[0])), static_cast<uint16_t>(std::stoi(p[1]))}].push_back(std::move(m));
    }
  }
  return out;
}

TEST(FtpCorpus, CommandsRepliesAndFilesAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  test::FieldAgreement agreement;
  uint64_t messages = 0, unmatched_ours = 0;
  std::vector<std::string> ftp, ftp_data;
  for (const char* capture : kCaptures) {
    const std::string pcap = test::sharedDir() + "/corpus/" + capture;
    AppParsers::Config config;
    config.file_limits.hashes = file_hash::kSha256;
    AppParsers parsers(config, nullptr);
    FtpRecords ours;
    parsers.addListener(&ours);
    ASSERT_NO_FATAL_FAILURE(test::runCapture(pcap, parsers));
    Messages theirs = tsharkControl(pcap);
    for (auto& [key, files] : tsharkFiles(pcap)) theirs[key] = files;
    messages += agreement.compare(capture, theirs, ours.messages, kFields,
                                  [](const std::string&, const Message&, const auto& a, const auto& b) { return a == b; });
    unmatched_ours += test::FieldAgreement::unmatched(ours.messages);
    ftp.insert(ftp.end(), ours.ftp.begin(), ours.ftp.end());
    ftp_data.insert(ftp_data.end(), ours.ftp_data.begin(), ours.ftp_data.end());
    parsers.publish();
    const AppParserCounters counters = parsers.published();
    for (const ProtocolCounters& p : counters.protocols) {
      if (p.name != "ftp" && p.name != "ftp-data") continue;
      std::printf("%-28s %-8s transactions %llu, malformed %llu\n", capture, p.name.c_str(),
                  static_cast<unsigned long long>(p.transactions), static_cast<unsigned long long>(p.malformed));
    }
    std::printf("%-28s data connections announced %llu, matched %llu\n", capture,
                static_cast<unsigned long long>(counters.expectations.created),
                static_cast<unsigned long long>(counters.expectations.matched));
  }
  std::printf("%llu FTP messages and files (tshark); %llu only mamori saw\n", static_cast<unsigned long long>(messages),
              static_cast<unsigned long long>(unmatched_ours));
  ASSERT_GE(messages, 40u);
  agreement.expectAtLeast(kFields, 99.0);
  EXPECT_EQ(unmatched_ours, 0u);
  ASSERT_FALSE(ftp_data.empty()) << "the download's data connection";
  test::expectEveObjectsMatchSchema("ftp", ftp);
  test::expectEveObjectsMatchSchema("ftp_data", ftp_data);
}

}  // namespace
}  // namespace mamori
