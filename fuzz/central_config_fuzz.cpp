// Fuzz target: the central's configuration (central.yaml, its `ui` section included)
// through loadCentralConfig, as `mamori central` reads it. A bad file must end in a
// ConfigError; any other exception escaping is a finding.
#include "apps/central_config.h"
#include "apps/config.h"
#include "fuzz/fuzz_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = mamori::fuzz::writeFuzzFile("central.yaml", data, size);
  try {
    std::optional<mamori::ConsoleOptions> ui;
    mamori::loadCentralConfig(path, &ui);
  } catch (const mamori::ConfigError&) {
  }
  return 0;
}
