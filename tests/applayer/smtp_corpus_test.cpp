// SMTP as the app layer parses it, on the corpus captures that carry it (found with
// `tshark -Y smtp` over ../shared/corpus: a mail to 30 recipients, a STARTTLS session, and
// suricata-verify's RSET and BDAT one and its STARTTLS answered by HTTP): each mail mamori's
// smtp plug-in (chosen by its probe) reports is matched, in order within its connection, with
// the mail tshark's commands and IMF decode make (a MAIL FROM opens one), and compared field by
// field: HELO, MAIL FROM, RCPT TO (every recipient), the message's Subject. tshark's
// reply codes are checked against the commands they answer: STARTTLS's 220 hands the flow to
// TLS, whose ClientHello the TLS parser then reports (tshark's count). Agreement is printed per
// field; each must be at least 99%. Every EVE object validates against Suricata's EVE schema
// for `smtp` and `email`.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "applayer/app_parsers.h"
#include "applayer/mime_header_value.h"
#include "tests/applayer/capture_run.h"
#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/field_agreement.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using Key = test::MessageKey;
using Message = test::MessageFields;

// The message's From is compared too where tshark decodes one (no corpus mail has one yet:
// tests/applayer/smtp_protocol_test.cpp checks it).
const char* const kFields[] = {"helo", "mail_from", "rcpt_to", "imf_subject"};

const char* const kCaptures[] = {
    "ndpi/smtp.pcap",
    "ndpi/smtp-starttls.pcap",
    "suricata-verify/smtp-rset/input.pcap",
    "suricata-verify/protocol-change-failed-event/input.pcap",
};

// Each connection's mails (key: client port, server port), in order.
class SmtpRecords final : public AppEventListener {
 public:
  void onAppEvent(Flow&, const AppRecord& r) override {
    if (r.event == AppEvent::TlsClientHello) ++client_hellos;
    const auto* tx = std::get_if<ProtocolTransaction>(&r.body);
    if (!tx || std::string_view(tx->protocol) != "smtp") return;
    Message& m = open[Key{0, r.src_port, r.dest_port}];
    for (const ProtocolField& f : tx->fields) {
      const std::string name = f.name;
      const std::string value(tx->value(f));
      if (name == "smtp.helo") m["helo"] = {value};
      if (name == "smtp.mail_from") m["mail_from"] = {value};
      if (name == "smtp.rcpt_to") m["rcpt_to"].push_back(value);
      if (name == "email.from") m["imf_from"] = {value};
      if (name == "email.subject") m["imf_subject"] = {value};
    }
    if (!tx->logged) return;
    // A mail is one of tshark's when it had a MAIL FROM.
    if (m.count("mail_from")) mails[Key{0, r.src_port, r.dest_port}].push_back(m);
    open.erase(Key{0, r.src_port, r.dest_port});
    objects.push_back(tx->eve);
    if (tx->also_key) emails.push_back(tx->also_eve);
  }
  std::map<Key, Message> open;
  test::MessagesByKey mails;
  std::vector<std::string> objects, emails;
  uint64_t client_hellos = 0;
};

// An argument as Suricata keeps it: past the command's keyword and any spaces, up to a space.
std::string argument(const std::string& parameter, const char* prefix) {
  std::string_view p = parameter;
  if (startsWithNoCase(p, prefix)) p.remove_prefix(std::string_view(prefix).size());
  while (!p.empty() && p.front() == ' ') p.remove_prefix(1);
  return std::string(p.substr(0, p.find(' ')));
}

struct TsharkView {
  test::MessagesByKey mails;
  std::set<Key> starttls_accepted;  // connections
  uint64_t client_hellos = 0;
};

TsharkView tsharkMails(const std::string& pcap) {
  TsharkView view;
  std::map<Key, Message> open;
  std::map<Key, std::string> helo, last_command;
  const auto frames = test::tsharkFrames(pcap, "smtp || imf",
                                         {"smtp.req.command", "smtp.req.parameter", "smtp.response.code", "imf.from",
                                          "imf.subject"});
  for (const auto& [key, f] : frames) {
    const Key client{0, std::get<1>(key), std::get<2>(key)}, server{0, std::get<2>(key), std::get<1>(key)};
    for (size_t i = 0; i < f[0].size(); ++i) {
      const std::string command = f[0][i];
      const std::string parameter = i < f[1].size() ? f[1][i] : "";
      if (command.empty()) continue;
      last_command[client] = command;
      if (command == "HELO" || command == "EHLO") helo[client] = argument(parameter, "");
      if (command == "MAIL") {
        Message& m = open[client];
        m.clear();
        if (helo.count(client)) m["helo"] = {helo[client]};
        m["mail_from"] = {argument(parameter, "FROM:")};
      }
      if (command == "RCPT") open[client]["rcpt_to"].push_back(argument(parameter, "TO:"));
      if (command == "DATA" || command == "BDAT" || command == "RSET") {
        if (open.count(client) && open[client].count("mail_from") && command != "BDAT") view.mails[client].push_back(open[client]);
        if (command == "BDAT" && open.count(client) && open[client].count("mail_from")) {
          view.mails[client].push_back(open[client]);
          open.erase(client);
        }
        if (command != "BDAT") open.erase(client);
      }
    }
    for (const std::string& code : f[2]) {
      if (code == "220" && last_command[server] == "STAR") view.starttls_accepted.insert(server);  // tshark cuts STARTTLS at 4
    }
    if (!f[3].empty() && !f[3][0].empty() && !view.mails[client].empty()) view.mails[client].back()["imf_from"] = {f[3][0]};
    if (!f[4].empty() && !f[4][0].empty() && !view.mails[client].empty()) view.mails[client].back()["imf_subject"] = {f[4][0]};
  }
  view.client_hellos = std::stoull("0" + test::run("tshark -r '" + pcap + "' -Y 'tls.handshake.type == 1' 2>/dev/null | wc -l").out);
  return view;
}

TEST(SmtpCorpus, MailsAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  test::FieldAgreement agreement;
  uint64_t mails = 0, unmatched_ours = 0, starttls = 0;
  std::vector<std::string> objects, emails;
  for (const char* capture : kCaptures) {
    const std::string pcap = test::sharedDir() + "/corpus/" + capture;
    AppParsers parsers(AppParsers::Config{}, nullptr);
    SmtpRecords ours;
    parsers.addListener(&ours);
    ASSERT_NO_FATAL_FAILURE(test::runCapture(pcap, parsers));
    const TsharkView theirs = tsharkMails(pcap);
    mails += agreement.compare(capture, theirs.mails, ours.mails, kFields,
                               [](const std::string&, const Message&, const auto& t, const auto& o) { return t == o; });
    unmatched_ours += test::FieldAgreement::unmatched(ours.mails);
    objects.insert(objects.end(), ours.objects.begin(), ours.objects.end());
    emails.insert(emails.end(), ours.emails.begin(), ours.emails.end());
    starttls += theirs.starttls_accepted.size();
    EXPECT_EQ(ours.client_hellos, theirs.client_hellos) << capture << ": TLS after STARTTLS";
    parsers.publish();
    for (const ProtocolCounters& p : parsers.published().protocols) {
      if (p.name != "smtp") continue;
      std::printf("%-60s smtp transactions %llu, malformed %llu; ClientHellos after STARTTLS %llu\n", capture,
                  static_cast<unsigned long long>(p.transactions), static_cast<unsigned long long>(p.malformed),
                  static_cast<unsigned long long>(ours.client_hellos));
    }
  }
  std::printf("%llu mails (tshark); %llu only mamori saw; %llu STARTTLS accepted\n", static_cast<unsigned long long>(mails),
              static_cast<unsigned long long>(unmatched_ours), static_cast<unsigned long long>(starttls));
  ASSERT_GE(mails, 3u);
  ASSERT_GE(starttls, 2u);
  agreement.expectAtLeast(kFields, 99.0);
  EXPECT_EQ(unmatched_ours, 0u);
  test::expectEveObjectsMatchSchema("smtp", objects);
  test::expectEveObjectsMatchSchema("email", emails);
}

}  // namespace
}  // namespace mamori
