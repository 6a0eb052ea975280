#pragma once
// Which instances a de-identified export leaves out because their pixels may
// show identifying text (PS3.15 E.1.1 note 5: the profile does not clean
// pixel data; pixeldex does not implement the Clean Pixel Data Option):
//   Burned In Annotation (0028,0301) "YES"                  -> out
//   Burned In Annotation "NO"                               -> in
//   absent, and a SOP Class that typically carries text in its pixels:
//     Secondary Capture (1.2.840.10008.5.1.4.1.1.7 and .7.1 to .7.4),
//     Ultrasound (1.2.840.10008.5.1.4.1.1.6.1, 6.2, 3.1 and the retired
//     6 and 3)                                              -> out
//   absent, and Modality US, OT (other), XC (external camera),
//     ES (endoscopy) or SC                                   -> out
//   otherwise                                               -> in
// Stateless.

#include <string>
#include <string_view>

namespace pixeldex::deidentify {

// Why the instance is left out, or "" when it may be exported. `burned_in`
// is the attribute's value ("" when absent).
std::string BurnedInExclusion(std::string_view burned_in, std::string_view sop_class_uid,
                              std::string_view modality);

}  // namespace pixeldex::deidentify
