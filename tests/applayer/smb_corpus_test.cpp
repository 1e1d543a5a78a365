// SMB as the app layer parses it, on the corpus captures that carry it (found with
// `tshark -Y 'smb||smb2'` over ../shared/corpus), cross-checked against tshark field by
// field over each capture: the share of every tree connect request, the file name of every
// create request, the NTLMSSP user and domain of every AUTHENTICATE message, and the bytes of
// every file tshark's `--export-objects smb` recovers whole (by SHA-256). tshark decodes a
// frame's messages even where a flow is picked up mid-way; mamori's records are compared as a
// multiset per capture (a tree connect's request side is reported with the client's next
// message, not at its own frame). Agreement is printed per field; each must be at least 95%.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "applayer/app_parsers.h"
#include "tests/applayer/capture_run.h"
#include "tests/applayer/field_agreement.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

const char* const kFields[] = {"share", "filename", "ntlmssp_user", "ntlmssp_domain", "file_sha256"};

const char* const kCaptures[] = {
    "suricata-verify/smb-filename/input.pcap",        "suricata-verify/dcerpc-smb-test-01/input.pcap",
    "suricata-verify/smb2-08-rule/input.pcap",        "ndpi/smb_deletefile.pcap",
    "suricata-verify/filesize-keyword/input.pcap",    "suricata-verify/smb2-named-pipe-unicode/input.pcap",
    "suricata-verify/smb-named-pipe-ascii/input.pcap", "ndpi/smbv1.pcap",
};

using Values = std::map<std::string, std::multiset<std::string>>;

class SmbRecords final : public AppEventListener {
 public:
  void onAppEvent(Flow&, const AppRecord& r) override {
    if (const auto* file = std::get_if<FileInfo>(&r.body)) {
      if (r.event == AppEvent::FileLogged && file->protocol && file->file.state == FileState::Closed) {
        values["file_sha256"].insert(file->file.sha256);
      }
      return;
    }
    const auto* tx = std::get_if<ProtocolTransaction>(&r.body);
    if (!tx || std::string_view(tx->protocol) != "smb") return;
    for (const ProtocolField& f : tx->fields) {
      const std::string_view name = f.name;
      if (name == "smb.share" || name == "smb.named_pipe") values["share"].emplace(tx->value(f));
      if (name == "smb.ntlmssp_user") values["ntlmssp_user"].emplace(tx->value(f));
      if (name == "smb.ntlmssp_domain") values["ntlmssp_domain"].emplace(tx->value(f));
    }
    rapidjson::Document eve;
    eve.Parse(tx->eve.c_str());
    if (!eve.IsObject() || !eve.HasMember("command") || !eve.HasMember("filename")) return;
    const std::string command = eve["command"].IsString() ? eve["command"].GetString() : "";
    if (command == "SMB2_COMMAND_CREATE" || command == "SMB1_COMMAND_NT_CREATE_ANDX") {
      values["filename"].emplace(eve["filename"].GetString());
    }
  }
  Values values;
};

Values tsharkValues(const std::string& pcap) {
  Values out;
  const auto take = [&](const std::string& field, const std::string& filter, const std::string& tshark, bool last) {
    for (const auto& [key, f] : test::tsharkFrames(pcap, filter, {tshark})) {
      if (f[0].empty() || f[0].front().empty()) continue;
      if (last) {
        out[field].insert(f[0].back());
      } else {
        for (const std::string& v : f[0]) out[field].insert(v);
      }
    }
  };
  // SMB1 frames list the path of the request's tree before the one it connects to.
  take("share", "smb.cmd == 0x75 && smb.flags.response == 0", "smb.path", true);
  take("share", "smb2.cmd == 3 && smb2.flags.response == 0 && !smb2.flags.async", "smb2.tree", false);
  take("filename", "smb.cmd == 0xa2 && smb.flags.response == 0", "smb.file", false);
  take("filename", "smb2.cmd == 5 && smb2.flags.response == 0", "smb2.filename", false);
  take("ntlmssp_user", "ntlmssp.messagetype == 3", "ntlmssp.auth.username", false);
  take("ntlmssp_domain", "ntlmssp.messagetype == 3", "ntlmssp.auth.domain", false);
  // tshark writes an empty NTLMSSP field (an anonymous session) as NULL.
  for (const char* field : {"ntlmssp_user", "ntlmssp_domain"}) {
    const size_t nulls = out[field].erase("NULL");
    for (size_t i = 0; i < nulls; ++i) out[field].insert("");
  }
  // tshark exports named pipes' payload as objects too: those opened on IPC$ are left out.
  Values pipes;
  const std::string on_ipc = "smb2.cmd == 5 && smb2.flags.response == 0 && smb2.tree contains \"IPC$\"";
  for (const auto& [key, f] : test::tsharkFrames(pcap, on_ipc, {"smb2.filename"})) pipes["pipe"].insert(f[0].begin(), f[0].end());
  const std::string on_ipc1 = "smb.cmd == 0xa2 && smb.flags.response == 0 && smb.path contains \"IPC$\"";
  for (const auto& [key, f] : test::tsharkFrames(pcap, on_ipc1, {"smb.file"})) pipes["pipe"].insert(f[0].begin(), f[0].end());
  const std::string dir = test::tempDir() + "/objects";
  test::run("rm -rf '" + dir + "' && mkdir -p '" + dir + "' && tshark -r '" + pcap + "' -q --export-objects smb,'" + dir +
            "' >/dev/null 2>&1");
  const std::string sums = test::run("cd '" + dir + "' && for f in *; do [ -s \"$f\" ] && sha256sum \"$f\"; done").out;
  for (const std::string& line : test::split(sums, '\n')) {
    if (line.size() < 67) continue;
    std::string name = line.substr(66);
    if (name.rfind("%5c", 0) == 0) name.erase(0, 3);
    if (const size_t copy = name.rfind('('); copy != std::string::npos && name.back() == ')') name.erase(copy);
    if (pipes["pipe"].count(name) || pipes["pipe"].count("\\" + name)) continue;
    out["file_sha256"].insert(line.substr(0, 64));
  }
  return out;
}

TEST(SmbCorpus, FieldsAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  test::FieldAgreement agreement;
  uint64_t compared = 0;
  for (const char* capture : kCaptures) {
    const std::string pcap = test::sharedDir() + "/corpus/" + capture;
    AppParsers::Config config;
    config.file_limits.hashes = file_hash::kSha256;
    AppParsers parsers(config, nullptr);
    SmbRecords ours;
    parsers.addListener(&ours);
    ASSERT_NO_FATAL_FAILURE(test::runCapture(pcap, parsers));
    const Values theirs = tsharkValues(pcap);
    for (const auto& [field, values] : theirs) {
      std::multiset<std::string>& mine = ours.values[field];
      for (const std::string& v : values) {
        const auto it = mine.find(v);
        agreement.count(field, it != mine.end(), capture, v, it == mine.end() ? "-" : *it);
        if (it != mine.end()) mine.erase(it);
        ++compared;
      }
    }
    parsers.publish();
    for (const ProtocolCounters& p : parsers.published().protocols) {
      if (p.name != "smb") continue;
      std::printf("%-60s smb transactions %llu, malformed %llu\n", capture, static_cast<unsigned long long>(p.transactions),
                  static_cast<unsigned long long>(p.malformed));
    }
  }
  std::printf("%llu values tshark decoded\n", static_cast<unsigned long long>(compared));
  ASSERT_GE(compared, 50u);
  agreement.expectAtLeast(kFields, 95.0);
}

}  // namespace
}  // namespace mamori
