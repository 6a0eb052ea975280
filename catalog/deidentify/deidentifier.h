#pragma once
// Deidentifier: applies the Basic Application Level Confidentiality Profile
// (PS3.15 E.1.1, Table E.1-1 via confidentiality_profile.h) with the chosen
// options to a DCMTK data set, in place, to every attribute, also inside
// sequence items at any depth:
//   - each attribute the table lists gets its resolved action (remove, empty,
//     dummy value of its VR, UID replaced by KeyedPseudonyms::Uid, kept,
//     dates shifted by the patient's offset, descriptors cleaned of the
//     identifying values of the data set: descriptor_cleaner.h);
//   - private attributes (odd groups, with their creators) are removed: no
//     private attribute is treated as safe (Retain Safe Private not offered);
//   - an attribute with VR UN the table lists is removed, except that a UID
//     (U) is replaced and written back as UI, and K keeps it;
//   - other attributes are kept, and other sequences kept with their items
//     cleaned;
// then Patient ID and Patient's Name become the keyed pseudonym, and Patient
// Identity Removed (0012,0062) YES, De-identification Method (0012,0063),
// De-identification Method Code Sequence (0012,0064: CID 7050, 113100 and the
// option codes, e.g. 113105 Clean Descriptors) and Longitudinal Temporal Information Modified
// (0028,0303) are set (E.1.1 step 6). Pixel Data is never touched. Immutable; any thread.

#include <string>

#include "catalog/deidentify/confidentiality_profile.h"
#include "catalog/deidentify/keyed_pseudonyms.h"

class DcmDataset;
class DcmItem;
class DcmElement;

namespace pixeldex::deidentify {

class DescriptorCleaner;

class Deidentifier {
 public:
  Deidentifier(const KeyedPseudonyms& keys, ProfileOptions options)
      : keys_(keys), options_(options) {}

  void Apply(DcmDataset& dataset) const;

 private:
  // What one data set's cleaning needs beyond the profile.
  struct PerDataset {
    int shift_days;                    // Modified Dates
    const DescriptorCleaner* cleaner;  // Clean Descriptors, else nullptr
  };
  void CleanItem(DcmItem& item, const PerDataset& context) const;
  // Returns false when the element must be removed from its item.
  bool CleanElement(DcmItem& item, unsigned long index, const PerDataset& context) const;
  void MarkDeidentified(DcmDataset& dataset, const std::string& original_patient_id) const;

  const KeyedPseudonyms& keys_;
  ProfileOptions options_;
};

}  // namespace pixeldex::deidentify
