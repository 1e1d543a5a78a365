#include "applayer/ndpi_module.h"

#include "applayer/ndpi_allocator.h"

#include <ndpi/ndpi_api.h>

#include <stdexcept>

namespace mamori {

NdpiModule::NdpiModule(const NdpiFiles& files) {
  NdpiAllocator::install();
  module_ = ndpi_init_detection_module(ndpi_no_prefs);
  if (!module_) throw std::runtime_error("nDPI: cannot initialise the detection module");
  NDPI_PROTOCOL_BITMASK all;
  NDPI_BITMASK_SET_ALL(all);
  ndpi_set_protocol_detection_bitmask2(module_, &all);
  using Loader = int (*)(ndpi_detection_module_struct*, const char*);
  const std::pair<const std::string*, Loader> loads[] = {
      {&files.protocols, [](ndpi_detection_module_struct* m, const char* p) { return ndpi_load_protocols_file(m, p); }},
      {&files.categories, [](ndpi_detection_module_struct* m, const char* p) { return ndpi_load_categories_file(m, p); }},
      {&files.risky_domains, [](ndpi_detection_module_struct* m, const char* p) { return ndpi_load_risk_domain_file(m, p); }},
      {&files.malicious_ja3, [](ndpi_detection_module_struct* m, const char* p) { return ndpi_load_malicious_ja3_file(m, p); }},
      {&files.malicious_sha1, [](ndpi_detection_module_struct* m, const char* p) { return ndpi_load_malicious_sha1_file(m, p); }},
  };
  for (const auto& [path, load] : loads) {
    if (path->empty() || load(module_, path->c_str()) >= 0) continue;
    ndpi_exit_detection_module(module_);
    throw std::runtime_error("nDPI cannot load " + *path);
  }
  ndpi_finalize_initialization(module_);
}

NdpiModule::~NdpiModule() { ndpi_exit_detection_module(module_); }

}  // namespace mamori
