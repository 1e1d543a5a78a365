// mamori-floodgen: writes one of the flood benchmark's hostile captures (tools/floodgen/
// flood_scenarios.h, bench/flood.sh) as a pcap file, streamed: millions of packets cost it
// no memory.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "tools/floodgen/flood_scenarios.h"
#include "tools/floodgen/pcap_stream.h"

int main(int argc, char** argv) {
  using mamori::floodgen::floodScenarios;
  CLI::App app{"Writes a flood the sensor must survive in bounded memory: a SYN flood, flows with holes that never "
               "fill, a fragment flood, a /16 host sweep or DNS queries for random names."};
  std::string out;
  std::string name;
  uint64_t count = 0;
  uint64_t seed = 1;
  std::vector<std::string> names;
  for (const auto& s : floodScenarios()) names.push_back(s.name);
  app.add_option("--out", out, "pcap file to write")->required();
  app.add_option("--scenario", name, "which flood")->required()->check(CLI::IsMember(names));
  app.add_option("--count", count, "SYNs, flows, datagrams, hosts or queries (0: the scenario's default)");
  app.add_option("--seed", seed, "varies addresses, ports and names")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    for (const auto& s : floodScenarios()) {
      if (s.name != name) continue;
      mamori::floodgen::PcapStream capture(out);
      s.generate(capture, count ? count : s.default_count, seed);
      capture.close();
      std::cout << "mamori-floodgen: wrote " << capture.frames() << " packets to " << out << "\n";
    }
  } catch (const std::exception& error) {
    std::cerr << "mamori-floodgen: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
