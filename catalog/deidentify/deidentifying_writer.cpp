#include "catalog/deidentify/deidentifying_writer.h"

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <algorithm>

#include "catalog/deidentify/burned_in.h"

namespace pixeldex::deidentify {
namespace {

// Enough to read every attribute before Pixel Data in most headers; the
// burned-in check needs no pixels.
constexpr Uint32 kHeaderValueLimit = 4096;

// Translates DCMTK's conditions, once.
Status DicomStatus(const OFCondition& condition, const std::string& what) {
  if (condition.good()) return Status::Ok();
  return Status::IoError(what + ": " + condition.text());
}

const std::vector<std::pair<std::string, bool>>& Columns() {
  // (column, is a UID or Patient ID to replace by its pseudonym)
  static const std::vector<std::pair<std::string, bool>> kColumns = {
      {"patient_id", true},        {"study_instance_uid", true}, {"series_instance_uid", true},
      {"series_number", false},    {"modality", false},          {"body_part_examined", false},
      {"sop_instance_uid", true},  {"sop_class_uid", false},     {"instance_number", false},
      {"transfer_syntax_uid", false}, {"rows", false},           {"columns", false},
      {"number_of_frames", false}};
  return kColumns;
}

}  // namespace

DeidentifyingWriter::DeidentifyingWriter(const KeyedPseudonyms& keys, ProfileOptions options,
                                         bool include_burned_in, PseudonymMapping& mapping)
    : keys_(keys), deidentifier_(keys, options), include_burned_in_(include_burned_in),
      mapping_(mapping) {}

exporting::InstanceNames DeidentifyingWriter::NamesOf(const exporting::SelectedInstance& instance) {
  return {keys_.PatientId(instance.Text("patient_id")), keys_.Uid(instance.Text("study_instance_uid")),
          keys_.Uid(instance.Text("series_instance_uid")),
          keys_.Uid(instance.Text("sop_instance_uid"))};
}

std::vector<std::string> DeidentifyingWriter::ManifestColumns() const {
  std::vector<std::string> names;
  for (const auto& [column, replaced] : Columns()) names.push_back(column);
  return names;
}

std::vector<index::SqlValue> DeidentifyingWriter::ManifestValues(
    const exporting::SelectedInstance& instance) {
  const auto& all = exporting::SelectedColumns();
  std::vector<index::SqlValue> values;
  for (const auto& [column, replaced] : Columns()) {
    index::SqlValue value =
        instance.values[std::find(all.begin(), all.end(), column) - all.begin()];
    if (replaced) {
      const std::string original = instance.Text(column);
      value.type = index::SqlValue::Type::kText;
      value.bytes = column == "patient_id" ? keys_.PatientId(original) : keys_.Uid(original);
      mapping_.Add(column, original, value.bytes);
    }
    values.push_back(std::move(value));
  }
  return values;
}

Result<std::string> DeidentifyingWriter::ExclusionReason(
    const exporting::SelectedInstance& instance, const std::string& source) {
  if (include_burned_in_) return std::string();
  DcmFileFormat file;
  PIXELDEX_RETURN_IF_ERROR(DicomStatus(
      file.loadFile(source.c_str(), EXS_Unknown, EGL_noChange, kHeaderValueLimit), source));
  OFString burned_in;
  file.getDataset()->findAndGetOFString(DCM_BurnedInAnnotation, burned_in);
  return BurnedInExclusion(burned_in.c_str(), instance.Text("sop_class_uid"),
                           instance.Text("modality"));
}

Status DeidentifyingWriter::Write(const exporting::SelectedInstance&, const std::string& source,
                                  const std::string& path) {
  DcmFileFormat original;
  PIXELDEX_RETURN_IF_ERROR(DicomStatus(original.loadFile(source.c_str()), source));
  DcmDataset& dataset = *original.getDataset();
  const E_TransferSyntax xfer = dataset.getOriginalXfer();
  deidentifier_.Apply(dataset);
  // A new file object: new File Meta Information, zero preamble.
  DcmFileFormat out(&dataset);
  return DicomStatus(out.saveFile(path.c_str(), xfer, EET_ExplicitLength, EGL_recalcGL,
                                  EPD_noChange, 0, 0, EWM_createNewMeta),
                     path);
}

}  // namespace pixeldex::deidentify
