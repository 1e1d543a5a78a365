#pragma once
// central.yaml: what `mamori central` runs with (central/central_options.h), validated as
// mamori.yaml is: an unknown key or a bad value stops start-up naming the file, the line
// and the key. Its `vars` and `correlate` sections are mamori.yaml's. An example with every
// key is docs/central.example.yaml; docs/deployment.md explains them.
#include <string>

#include "central/central_options.h"

namespace mamori {

// Throws ConfigError.
CentralOptions loadCentralConfig(const std::string& path);

}  // namespace mamori
