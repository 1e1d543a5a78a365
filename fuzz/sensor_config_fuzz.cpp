// Fuzz target: the sensor's configuration (mamori.yaml) through Config::load, as `mamori
// run --config` reads it. A bad file must end in a ConfigError, the message start-up prints;
// any other exception escaping is a finding (it would abort start-up).
#include "apps/config.h"
#include "fuzz/fuzz_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = mamori::fuzz::writeFuzzFile("mamori.yaml", data, size);
  try {
    mamori::Config::load(path);
  } catch (const mamori::ConfigError&) {
  }
  return 0;
}
