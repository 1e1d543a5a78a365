#include "correlate/yaml_documents.h"

#include <sstream>

#include <yaml-cpp/eventhandler.h>

namespace mamori {

namespace {

// Sees the documents' starts only; a start that did not move means the parser is stuck.
class DocumentStarts final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (seen_ && mark.pos == last_.pos) throw YAML::ParserException(mark, "unexpected ',' outside a [ ] or { } list");
    seen_ = true;
    last_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  bool seen_ = false;
  YAML::Mark last_;
};

}  // namespace

std::vector<YAML::Node> loadYamlDocuments(const std::string& text) {
  {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentStarts starts;
    while (parser.HandleNextDocument(starts)) {
    }
  }
  return YAML::LoadAll(text);
}

}  // namespace mamori
