#pragma once
// Every document of a YAML stream, as YAML::LoadAll gives them, without its endless loop:
// yaml-cpp 0.7 (Debian 12) never returns from LoadAll on a stream where a document ends
// before a ',' outside any flow collection ("[a],"): each pass makes another empty document
// of the same token and memory grows until the process dies. The stream is first walked
// once with yaml-cpp's own parser, and a document that starts where the one before it
// started is refused as that parse error. Consumes text; produces nodes; no state.
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace mamori {

// Throws YAML::ParserException (its mark names the line) like LoadAll.
std::vector<YAML::Node> loadYamlDocuments(const std::string& text);

}  // namespace mamori
