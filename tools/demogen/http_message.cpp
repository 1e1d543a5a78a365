#include "tools/demogen/http_message.h"

#include <array>
#include <ctime>

namespace mamori::demogen {
namespace {

std::string httpDate(Micros at) {
  const time_t seconds = static_cast<time_t>(at / 1'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return text;
}

void appendHeaders(std::string& out, const HttpHeaders& headers) {
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
}

constexpr std::array<std::string_view, 12> kSentences = {
    "The quarterly planning meeting moves to the large conference room on the third floor.",
    "Remember to lock your screen whenever you leave your desk, even for a coffee.",
    "The new expense tool goes live next Monday; old forms are accepted until the end of the month.",
    "Our support desk is open from eight in the morning until six in the evening.",
    "Printer queues on the second floor were renamed to match the room numbers.",
    "Spring cleaning of shared drives starts next week; archive what you still need.",
    "The cafeteria now offers a vegetarian lunch menu every day of the week.",
    "Training sessions on the updated travel policy are listed in the calendar.",
    "Visitors must sign in at reception and wear a badge at all times.",
    "The office will be closed on the public holiday; the on-call rota is posted.",
    "Bicycle parking has moved to the courtyard behind the main entrance.",
    "Please report broken equipment through the facilities portal.",
};

}  // namespace

std::string httpRequest(std::string_view method, std::string_view target, const HttpHeaders& headers,
                        std::string_view body) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  appendHeaders(out, headers);
  if (!body.empty()) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "\r\n";
  out.append(body);
  return out;
}

std::string httpResponse(int status, std::string_view reason, Micros at, const HttpHeaders& headers,
                         std::string_view body) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " ";
  out.append(reason).append("\r\n");
  out += "Date: " + httpDate(at) + "\r\n";
  appendHeaders(out, headers);
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out.append(body);
  return out;
}

std::string htmlPage(Rng& rng, std::string_view title, int paragraphs) {
  std::string page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
  page.append(title).append("</title>\n<link rel=\"stylesheet\" href=\"/assets/site.css\">\n</head>\n<body>\n<h1>");
  page.append(title).append("</h1>\n");
  for (int i = 0; i < paragraphs; ++i) {
    page += "<p>";
    const int64_t sentences = rng.between(2, 4);
    for (int64_t s = 0; s < sentences; ++s) {
      if (s > 0) page += " ";
      page.append(kSentences[static_cast<size_t>(rng.between(0, kSentences.size() - 1))]);
    }
    page += "</p>\n";
  }
  page += "</body>\n</html>\n";
  return page;
}

std::string stylesheet() {
  return "body { font-family: sans-serif; margin: 2em auto; max-width: 48em; color: #222; }\n"
         "h1 { font-size: 1.6em; border-bottom: 1px solid #ccc; }\n"
         "p { line-height: 1.5; }\n";
}

}  // namespace mamori::demogen
