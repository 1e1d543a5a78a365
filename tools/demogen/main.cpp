// mamori-demogen: writes the demo capture (docs/demo.md) or one of the scenario captures
// (docs/scenarios.md) as a pcap file.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "tools/demogen/brute_force_scenario.h"
#include "tools/demogen/campaign_scenario.h"
#include "tools/demogen/capture_file.h"
#include "tools/demogen/dns_tunnel_scenario.h"
#include "tools/demogen/host_sweep_scenario.h"
#include "tools/demogen/office_scenario.h"

namespace {

using mamori::demogen::CaptureFile;
using mamori::demogen::Micros;

struct Scenario {
  std::string name;
  void (*generate)(CaptureFile& capture, uint64_t seed, Micros start);
};

template <class S>
void generate(CaptureFile& capture, uint64_t seed, Micros start) {
  S scenario(capture, seed, start);
  scenario.generate();
}

const std::vector<Scenario> kScenarios = {
    {"office", generate<mamori::demogen::OfficeScenario>},
    {"host-sweep", generate<mamori::demogen::HostSweepScenario>},
    {"brute-force", generate<mamori::demogen::BruteForceScenario>},
    {"dns-tunnel", generate<mamori::demogen::DnsTunnelScenario>},
    {"campaign", generate<mamori::demogen::CampaignScenario>},
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Writes mamori's demo capture (an office network with a port scan, web exploits and a C2 beacon) "
               "or a scenario capture for one correlation rule, or two sites' traffic for a central's cross-sensor rules."};
  std::string out;
  std::string name = "office";
  uint64_t seed = 1;
  std::vector<std::string> names;
  for (const Scenario& scenario : kScenarios) names.push_back(scenario.name);
  app.add_option("--out", out, "pcap file to write")->required();
  app.add_option("--scenario", name, "what the capture holds: office (the demo, docs/demo.md), or a scenario of "
                                     "docs/scenarios.md")
      ->check(CLI::IsMember(names))
      ->capture_default_str();
  app.add_option("--seed", seed, "varies ports, sequence numbers, timing and background traffic; "
                                 "the attack story is the same for every seed")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    CaptureFile capture;
    for (const Scenario& scenario : kScenarios) {
      if (scenario.name == name) scenario.generate(capture, seed, mamori::demogen::kDemoStart);
    }
    capture.write(out);
    std::cout << "mamori-demogen: wrote " << capture.frameCount() << " packets to " << out << "\n";
  } catch (const std::exception& error) {
    std::cerr << "mamori-demogen: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
