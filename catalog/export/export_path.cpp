#include "catalog/export/export_path.h"

#include <cctype>

#include "catalog/storage/sha256.h"
#include "catalog/storage/storage_layout.h"

namespace pixeldex::exporting {
namespace {

constexpr size_t kMaxComponent = 64;

bool IsSafeByte(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

// `prefix` and 7 base-36 digits of the SHA-256 of `value`: a DICOM File ID
// component (PS3.10 8.2).
std::string FileIdComponent(char prefix, std::string_view value) {
  const std::string digest = storage::Sha256Hex(value);
  uint64_t number = std::stoull(digest.substr(0, 15), nullptr, 16);  // 60 bits
  std::string id(1, prefix);
  for (int i = 0; i < 7; ++i, number /= 36) id += "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[number % 36];
  return id;
}

}  // namespace

Result<ExportLayout> ParseExportLayout(std::string_view name) {
  if (name == "storage") return ExportLayout::kStorage;
  if (name == "tree") return ExportLayout::kTree;
  return Status::InvalidArgument("unknown layout '" + std::string(name) +
                                 "' (expected storage or tree)");
}

std::string SafeComponent(std::string_view text) {
  std::string out;
  for (char c : text) out += IsSafeByte(c) ? c : '_';
  const bool changed = out != text;
  if (!changed && !out.empty() && out != "." && out != ".." && out.size() <= kMaxComponent) {
    return out;
  }
  if (out.size() > kMaxComponent - 17) out.resize(kMaxComponent - 17);
  return out + "~" + storage::Sha256Hex(text).substr(0, 16);
}

std::string ExportRelativePath(ExportLayout layout, const InstanceNames& names) {
  using storage::StorageLayout;
  if (layout == ExportLayout::kFileSet) {
    return "DICOM/" + FileIdComponent('P', names.patient_id) + "/" +
           FileIdComponent('S', names.study_uid) + "/" + FileIdComponent('R', names.series_uid) +
           "/" + FileIdComponent('I', names.sop_instance_uid);
  }
  std::string path = StorageLayout::ComponentFor(names.study_uid) + "/" +
                     StorageLayout::ComponentFor(names.series_uid) + "/" +
                     StorageLayout::ComponentFor(names.sop_instance_uid) + ".dcm";
  if (layout == ExportLayout::kTree) path = SafeComponent(names.patient_id) + "/" + path;
  return path;
}

}  // namespace pixeldex::exporting
