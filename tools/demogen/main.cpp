// mamori-demogen: writes the demo capture (docs/demo.md) as a pcap file.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <exception>
#include <iostream>
#include <string>

#include "tools/demogen/capture_file.h"
#include "tools/demogen/office_scenario.h"

int main(int argc, char** argv) {
  CLI::App app{"Writes mamori's demo capture: an office network with a port scan, web exploits and a C2 beacon."};
  std::string out;
  uint64_t seed = 1;
  app.add_option("--out", out, "pcap file to write")->required();
  app.add_option("--seed", seed, "varies ports, sequence numbers, timing and background traffic; "
                                 "the attack story is the same for every seed")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    mamori::demogen::CaptureFile capture;
    mamori::demogen::OfficeScenario scenario(capture, seed, mamori::demogen::kDemoStart);
    scenario.generate();
    capture.write(out);
    std::cout << "mamori-demogen: wrote " << capture.frameCount() << " packets to " << out << "\n";
  } catch (const std::exception& error) {
    std::cerr << "mamori-demogen: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
