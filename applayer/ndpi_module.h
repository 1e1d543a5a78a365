#pragma once
// NdpiModule: one nDPI 4.2 detection module, per worker (nDPI's module is not shared
// between threads), set up the way ndpiReader sets it up: every protocol enabled, and
// the optional data files an operator gives (custom protocols, categories, risky
// domains, malicious JA3 and certificate fingerprints) loaded before finalising.
#include <string>

struct ndpi_detection_module_struct;

namespace mamori {

struct NdpiFiles {
  std::string protocols, categories, risky_domains, malicious_ja3, malicious_sha1;  // empty: none
};

class NdpiModule {
 public:
  // Throws std::runtime_error naming the file nDPI could not load.
  explicit NdpiModule(const NdpiFiles& files);
  ~NdpiModule();
  NdpiModule(const NdpiModule&) = delete;
  NdpiModule& operator=(const NdpiModule&) = delete;

  ndpi_detection_module_struct* get() const { return module_; }

 private:
  ndpi_detection_module_struct* module_ = nullptr;
};

}  // namespace mamori
