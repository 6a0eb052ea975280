#pragma once
// KeyedPseudonyms: the replacement values of a de-identified export, derived
// from a secret project key with HMAC-SHA256 (RFC 2104) so that they are the
// same for the same key on every run (exports made on different days line
// up) and differ between keys, while nobody without the key can compute or
// test a guess of the original:
//   UID         "2.25." + the decimal value of the first 128 bits of
//               HMAC(key, "uid:" + UID)  (a UUID-derived UID, PS3.5 B.2)
//   Patient ID  "ANON-" + 20 hex digits of HMAC(key, "patient:" + ID)
//   date shift  365 to 4014 days back, from HMAC(key, "date-shift:" + ID),
//               one per patient (Retain Longitudinal Temporal Information
//               with Modified Dates keeps the intervals within a patient)
// Immutable; any thread.

#include <string>
#include <string_view>

namespace pixeldex::deidentify {

class KeyedPseudonyms {
 public:
  explicit KeyedPseudonyms(std::string project_key) : key_(std::move(project_key)) {}

  std::string Uid(std::string_view uid) const;
  std::string PatientId(std::string_view patient_id) const;
  int DateShiftDays(std::string_view patient_id) const;

 private:
  std::string Mac(std::string_view purpose, std::string_view value) const;  // 32 bytes
  std::string key_;
};

// A DA value (YYYYMMDD) moved `days` back; "" when it is not a valid date.
std::string ShiftDate(std::string_view date, int days);
// A DT value whose date part is moved `days` back (time and offset kept);
// "" when it does not start with a valid date.
std::string ShiftDateTime(std::string_view date_time, int days);

}  // namespace pixeldex::deidentify
