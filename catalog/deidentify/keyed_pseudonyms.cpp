#include "catalog/deidentify/keyed_pseudonyms.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <cstdio>

namespace pixeldex::deidentify {
namespace {

constexpr int kMinShiftDays = 365;
constexpr int kShiftRangeDays = 3650;

std::string Decimal(unsigned __int128 value) {
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value != 0);
  return digits;
}

}  // namespace

std::string KeyedPseudonyms::Mac(std::string_view purpose, std::string_view value) const {
  const std::string message = std::string(purpose) + ":" + std::string(value);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &size);
  return std::string(reinterpret_cast<const char*>(mac), size);
}

std::string KeyedPseudonyms::Uid(std::string_view uid) const {
  const std::string mac = Mac("uid", uid);
  unsigned __int128 value = 0;
  for (int i = 0; i < 16; ++i) value = (value << 8) | static_cast<unsigned char>(mac[i]);
  return "2.25." + Decimal(value);
}

std::string KeyedPseudonyms::PatientId(std::string_view patient_id) const {
  const std::string mac = Mac("patient", patient_id);
  std::string id = "ANON-";
  char hex[3];
  for (int i = 0; i < 10; ++i) {
    std::snprintf(hex, sizeof hex, "%02X", static_cast<unsigned char>(mac[i]));
    id += hex;
  }
  return id;
}

int KeyedPseudonyms::DateShiftDays(std::string_view patient_id) const {
  const std::string mac = Mac("date-shift", patient_id);
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(mac[i]);
  return kMinShiftDays + static_cast<int>(value % kShiftRangeDays);
}

std::string ShiftDate(std::string_view date, int days) {
  if (date.size() != 8) return "";
  int y = 0;
  unsigned m = 0, d = 0;
  for (char c : date) {
    if (c < '0' || c > '9') return "";
  }
  if (std::sscanf(std::string(date).c_str(), "%4d%2u%2u", &y, &m, &d) != 3) return "";
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(m),
                                        std::chrono::day(d)};
  if (!ymd.ok()) return "";
  const std::chrono::year_month_day shifted{std::chrono::sys_days(ymd) - std::chrono::days(days)};
  if (static_cast<int>(shifted.year()) < 1) return "";
  char out[16];
  std::snprintf(out, sizeof out, "%04d%02u%02u", static_cast<int>(shifted.year()),
                static_cast<unsigned>(shifted.month()), static_cast<unsigned>(shifted.day()));
  return out;
}

std::string ShiftDateTime(std::string_view date_time, int days) {
  if (date_time.size() < 8) return "";
  const std::string date = ShiftDate(date_time.substr(0, 8), days);
  return date.empty() ? "" : date + std::string(date_time.substr(8));
}

}  // namespace pixeldex::deidentify
