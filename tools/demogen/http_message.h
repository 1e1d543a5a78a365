#pragma once
// HTTP/1.1 messages as clients and servers put them on the wire, and the small HTML and
// CSS bodies the demo's web servers return.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tools/demogen/host.h"
#include "tools/demogen/rng.h"

namespace mamori::demogen {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// Adds Content-Length when there is a body; the caller's headers come first, in order.
std::string httpRequest(std::string_view method, std::string_view target, const HttpHeaders& headers,
                        std::string_view body = {});
// Adds Date (from `at`) and Content-Length around the caller's headers.
std::string httpResponse(int status, std::string_view reason, Micros at, const HttpHeaders& headers,
                         std::string_view body);

// An article-like page; the sentence choice varies the size from one fetch to the next.
std::string htmlPage(Rng& rng, std::string_view title, int paragraphs);
std::string stylesheet();

}  // namespace mamori::demogen
