#include "catalog/deidentify/burned_in.h"

#include <algorithm>
#include <array>

namespace pixeldex::deidentify {
namespace {

constexpr std::array<std::string_view, 10> kClassesWithText = {
    "1.2.840.10008.5.1.4.1.1.7",   "1.2.840.10008.5.1.4.1.1.7.1", "1.2.840.10008.5.1.4.1.1.7.2",
    "1.2.840.10008.5.1.4.1.1.7.3", "1.2.840.10008.5.1.4.1.1.7.4", "1.2.840.10008.5.1.4.1.1.6.1",
    "1.2.840.10008.5.1.4.1.1.6.2", "1.2.840.10008.5.1.4.1.1.3.1", "1.2.840.10008.5.1.4.1.1.6",
    "1.2.840.10008.5.1.4.1.1.3"};
constexpr std::array<std::string_view, 5> kModalitiesWithText = {"US", "OT", "XC", "ES", "SC"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

std::string BurnedInExclusion(std::string_view burned_in, std::string_view sop_class_uid,
                              std::string_view modality) {
  if (burned_in == "YES") return "Burned In Annotation is YES (use --include-burned-in)";
  if (burned_in == "NO") return "";
  if (Contains(kClassesWithText, sop_class_uid)) {
    return "SOP Class " + std::string(sop_class_uid) +
           " typically has burned-in text and Burned In Annotation is absent "
           "(use --include-burned-in)";
  }
  if (Contains(kModalitiesWithText, modality)) {
    return "Modality " + std::string(modality) +
           " typically has burned-in text and Burned In Annotation is absent "
           "(use --include-burned-in)";
  }
  return "";
}

}  // namespace pixeldex::deidentify
