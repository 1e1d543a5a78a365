// The default correlation rules over every capture of ../shared/corpus/ndpi/, with the
// default rules and configuration: silent on the benign captures, and what they make of
// the corpus's attacks, listed. The lab attacks (a web server attacked from a host of the
// same private network) are run again as a lab sensor would see them: every address may
// be on either side. Known misses are in the table with their reason, so a change that
// starts catching one shows up here too.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

using Titles = std::set<std::string>;

struct Attack {
  Titles incidents;  // every incident's title
  const char* what;  // what the capture holds, and why that is all
};

// Captures of attacks (and of traffic built to be malformed) and what the default rules make of them. Every other capture of the
// corpus is benign and must raise no incident.
const std::map<std::string, Attack> kAttacks = {
    {"synscan.pcap", {{"Port scan from 172.16.0.8 to 64.13.134.52"}, "nmap SYN scan of scanme.nmap.org"}},
    {"dns-tunnel-iodine.pcap",
     {{"DNS tunnelling from 10.0.2.30 (dns.rrname.domain pirate.sea)"}, "iodine, payload in the first label"}},
    {"bad-dns-traffic.pcap",
     {{"DNS tunnelling from 192.168.43.91 (dns.rrname.domain skullseclabs.org)"}, "dnscat2 through a resolver"}},
    {"exe_download.pcap",
     {{"Alerts from 144.91.69.195"}, "a Windows executable from an outside web server (sid 9000205)"}},
    {"log4j-webapp-exploit.pcap",
     {{"Alerts from 172.16.238.10"},
      "the exploited server fetching Exploit.class (sid 9000206); the exploit itself comes from a host of "
      "HOME_NET, which the inbound rules do not watch (see the lab run)"}},
    {"WebattackRCE.pcap", {{}, "known miss here: Nikto between two loopback addresses, outside HOME_NET's view "
                               "(see the lab run)"}},
    {"WebattackSQLinj.pcap", {{}, "known miss here: SQL injection between two hosts of HOME_NET (see the lab run)"}},
    {"malformed_dns.pcap",
     {{"Alerts from 127.0.0.1"},
      "DNS messages built to break parsers: the default app-layer event rules see dns.malformed_data and "
      "dns.name_too_long (sids 9100059, 9100064)"}},
    {"smtp.pcap",
     {{"Alerts from 194.7.248.153"},
      "a mail to some 300 recipients whose folded To header (about 20 KB) passes MIME's 2000-byte bound on a "
      "header value: the default app-layer event rules see smtp.mime_long_header_value (sid 9100112), as "
      "Suricata's smtp-events.rules do"}},
    {"modbus.pcap",
     {{"Alerts from 192.168.110.138"},
      "a Modbus slave answering four requests of transaction 0 with transactions 1 to 4 (tshark shows the "
      "ids): the default app-layer event rules see modbus.unsolicited_response (sid 9100172), as Suricata's "
      "modbus-events.rules do"}},
    {"dns_exfiltration.pcap",
     {{}, "known miss: dnscat2 in direct mode puts payload in every label, so its names share no registrable "
          "domain for dns_tunnelling to group by"}},
};

// The lab attacks with HOME_NET and EXTERNAL_NET both `any` and HTTP on 8080 as well.
const std::map<std::string, Titles> kLabAttacks = {
    {"log4j-webapp-exploit.pcap",
     {"Alerts from 172.16.238.1", "Alerts from 172.16.238.10",
      "Exploit followed by command and control on 172.16.238.10"}},
    {"WebattackRCE.pcap", {"Alerts from 127.0.0.1"}},
    {"WebattackSQLinj.pcap", {"Alerts from 172.16.0.1"}},
};

// Each incident's final title and evidence count.
std::map<std::string, int64_t> incidents(const std::string& pcap, const std::string& extra) {
  const std::string eve = tempDir() + "/eve.json";
  EXPECT_EQ(runMamori(pcap, eve, extra), 0) << pcap;
  const EveLog log = EveLog::load(eve);
  std::map<int64_t, std::pair<std::string, int64_t>> latest;
  for (const auto* i : log.ofType("incident")) {
    latest[EveLog::number(*i, "incident.id")] = {EveLog::string(*i, "incident.title"),
                                                 EveLog::number(*i, "incident.alert_count")};
  }
  std::map<std::string, int64_t> out;
  for (const auto& [id, incident] : latest) out.insert(incident);
  return out;
}

Titles titles(const std::map<std::string, int64_t>& incidents) {
  Titles out;
  for (const auto& [title, count] : incidents) out.insert(title);
  return out;
}

void list(const std::string& capture, const std::map<std::string, int64_t>& found) {
  for (const auto& [title, count] : found) std::cout << "  " << capture << ": " << title << " (" << count << ")\n";
}

TEST(CorpusIncidents, SilentOnBenignCapturesAndListedOnAttacks) {
  MAMORI_REQUIRE_SHARED();
  int benign = 0, attacks = 0, misses = 0;
  std::cout << "incidents over ../shared/corpus/ndpi (default rules and configuration):\n";
  for (const std::string& pcap : corpusPcaps("ndpi")) {
    const std::string capture = std::filesystem::path(pcap).filename().string();
    const auto found = incidents(pcap, "");
    list(capture, found);
    auto attack = kAttacks.find(capture);
    if (attack == kAttacks.end()) {
      ++benign;
      EXPECT_TRUE(found.empty()) << capture << " is benign, yet raised " << found.begin()->first;
      continue;
    }
    ++attacks;
    if (attack->second.incidents.empty()) ++misses;
    EXPECT_EQ(titles(found), attack->second.incidents) << capture << ": " << attack->second.what;
  }
  std::cout << benign << " benign captures, " << attacks << " attacks (" << misses << " known misses)\n";
  EXPECT_GE(benign, 55);
  EXPECT_EQ(attacks, static_cast<int>(kAttacks.size()));
}

TEST(CorpusIncidents, LabAttacksAsALabSensorSeesThem) {
  MAMORI_REQUIRE_SHARED();
  const std::string config = tempDir() + "/lab.yaml";
  std::ofstream(config) << "vars:\n"
                           "  address-groups:\n"
                           "    HOME_NET: \"any\"\n"
                           "    EXTERNAL_NET: \"any\"\n"
                           "  port-groups:\n"
                           "    HTTP_PORTS: \"[80,8080]\"\n";
  std::cout << "lab attacks (HOME_NET and EXTERNAL_NET any):\n";
  for (const auto& [capture, expected] : kLabAttacks) {
    const auto found = incidents(sharedDir() + "/corpus/ndpi/" + capture, "--config '" + config + "'");
    list(capture, found);
    EXPECT_EQ(titles(found), expected) << capture;
  }
}

}  // namespace
}  // namespace mamori::test
