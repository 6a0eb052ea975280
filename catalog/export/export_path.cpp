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
  std::string path = StorageLayout::ComponentFor(names.study_uid) + "/" +
                     StorageLayout::ComponentFor(names.series_uid) + "/" +
                     StorageLayout::ComponentFor(names.sop_instance_uid) + ".dcm";
  if (layout == ExportLayout::kTree) path = SafeComponent(names.patient_id) + "/" + path;
  return path;
}

}  // namespace pixeldex::exporting
