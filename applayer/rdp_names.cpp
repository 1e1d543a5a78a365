#include "applayer/rdp_names.h"

#include <iterator>

namespace mamori {
namespace {

template <typename Number>
struct Name {
  Number value;
  std::string_view name;
};

template <typename Number, size_t N>
std::string_view lookUp(const Name<Number> (&names)[N], Number value) {
  for (const auto& n : names) {
    if (n.value == value) return n.name;
  }
  return "unknown";
}

constexpr Name<uint32_t> kBuilds[] = {
    {528, "Windows NT 3.1"},      {807, "Windows NT 3.5"},       {1057, "Windows NT 3.51"},
    {1381, "Windows NT 4.0"},     {2195, "Windows 2000"},        {2600, "Windows XP"},
    {3790, "Windows Server 2003"}, {6000, "Windows Vista RTM"},   {6001, "Windows Vista SP1"},
    {6002, "Windows Vista SP2"},  {7600, "Windows 7 RTM"},       {7601, "Windows 7 SP1"},
    {9200, "Windows 8"},          {9600, "Windows 8.1"},         {10240, "Windows 10 TH1"},
    {10586, "Windows 10 TH2"},    {14393, "Windows 10 RS1"},     {15063, "Windows 10 RS2"},
    {16299, "Windows 10 RS3"},    {17134, "Windows 10 RS4"},     {17763, "Windows 10 RS5"},
};

constexpr Name<uint32_t> kLocales[] = {
    {0x0001, "ar"},    {0x0004, "zh-Hans"}, {0x0005, "cs"},    {0x0006, "da"},    {0x0007, "de"},
    {0x0008, "el"},    {0x0009, "en"},      {0x000A, "es"},    {0x000B, "fi"},    {0x000C, "fr"},
    {0x000D, "he"},    {0x000E, "hu"},      {0x0010, "it"},    {0x0011, "ja"},    {0x0012, "ko"},
    {0x0013, "nl"},    {0x0014, "no"},      {0x0015, "pl"},    {0x0016, "pt"},    {0x0018, "ro"},
    {0x0019, "ru"},    {0x001D, "sv"},      {0x001F, "tr"},    {0x0022, "uk"},    {0x0401, "ar-SA"},
    {0x0402, "bg-BG"}, {0x0404, "zh-TW"},   {0x0405, "cs-CZ"}, {0x0406, "da-DK"}, {0x0407, "de-DE"},
    {0x0408, "el-GR"}, {0x0409, "en-US"},   {0x040A, "es-ES_tradnl"}, {0x040B, "fi-FI"}, {0x040C, "fr-FR"},
    {0x040D, "he-IL"}, {0x040E, "hu-HU"},   {0x0410, "it-IT"}, {0x0411, "ja-JP"}, {0x0412, "ko-KR"},
    {0x0413, "nl-NL"}, {0x0414, "nb-NO"},   {0x0415, "pl-PL"}, {0x0416, "pt-BR"}, {0x0418, "ro-RO"},
    {0x0419, "ru-RU"}, {0x041A, "hr-HR"},   {0x041B, "sk-SK"}, {0x041D, "sv-SE"}, {0x041E, "th-TH"},
    {0x041F, "tr-TR"}, {0x0421, "id-ID"},   {0x0422, "uk-UA"}, {0x0424, "sl-SI"}, {0x0425, "et-EE"},
    {0x0426, "lv-LV"}, {0x0427, "lt-LT"},   {0x0429, "fa-IR"}, {0x042A, "vi-VN"}, {0x0439, "hi-IN"},
    {0x043E, "ms-MY"}, {0x0804, "zh-CN"},   {0x0807, "de-CH"}, {0x0809, "en-GB"}, {0x080A, "es-MX"},
    {0x080C, "fr-BE"}, {0x0813, "nl-BE"},   {0x0816, "pt-PT"}, {0x0C04, "zh-HK"}, {0x0C07, "de-AT"},
    {0x0C09, "en-AU"}, {0x0C0A, "es-ES"},   {0x0C0C, "fr-CA"}, {0x1009, "en-CA"}, {0x100C, "fr-CH"},
    {0x1409, "en-NZ"}, {0x1809, "en-IE"},   {0x1C09, "en-ZA"}, {0x2C0A, "es-AR"}, {0x4009, "en-IN"},
};

constexpr Name<uint32_t> kVersions[] = {
    {0x00080001, "v4"},    {0x00080004, "v5"},    {0x00080005, "v10.0"}, {0x00080006, "v10.1"},
    {0x00080007, "v10.2"}, {0x00080008, "v10.3"}, {0x00080009, "v10.4"}, {0x0008000A, "v10.5"},
    {0x0008000B, "v10.6"}, {0x0008000C, "v10.7"},
};

constexpr Name<uint32_t> kKeyboardTypes[] = {
    {1, "xt"}, {2, "ico"}, {3, "at"}, {4, "enhanced"}, {5, "1050"}, {6, "9140"}, {7, "jp"},
};

}  // namespace

std::string_view rdpBuildName(uint32_t build) { return lookUp(kBuilds, build); }
std::string_view rdpLocaleName(uint32_t lcid) { return lookUp(kLocales, lcid); }
std::string_view rdpVersionName(uint32_t version) { return lookUp(kVersions, version); }
std::string_view rdpKeyboardTypeName(uint32_t type) { return lookUp(kKeyboardTypes, type); }

}  // namespace mamori
