#pragma once
// Runs a sticky buffer's transforms (rules/rule.h Transform) on an app buffer before a
// rule's keywords inspect it, with Suricata's semantics. One per worker: its buffers,
// regex match data, inflater and digest context are reused from call to call.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "detect/inflater.h"
#include "rules/rule.h"
#include "rules/rule_regex.h"

struct evp_md_ctx_st;

namespace mamori {

class AppTransforms {
 public:
  AppTransforms();
  ~AppTransforms();
  AppTransforms(const AppTransforms&) = delete;
  AppTransforms& operator=(const AppTransforms&) = delete;

  // Applies `transforms` in order to data[0..length); false when one of them fails on
  // this data (from_base64 on what does not decode), which then matches no keyword,
  // as Suricata's buffer in error. The result stays valid until the next call.
  bool apply(std::span<const Transform> transforms, const uint8_t* data, size_t length);
  std::string_view result() const { return out_; }

 private:
  // Writes the transform of `in` into `out`; false on failure.
  bool run(const Transform& t, std::string_view in, std::string& out);
  void digest(Transform::Kind kind, std::string_view in, std::string& out);

  std::string out_, spare_;
  RegexMatchData regex_;
  Inflater inflater_;
  evp_md_ctx_st* digest_ = nullptr;
};

}  // namespace mamori
