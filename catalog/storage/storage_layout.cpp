#include "catalog/storage/storage_layout.h"

#include "catalog/common/hex_digit.h"
#include "catalog/storage/sha256.h"

namespace pixeldex::storage {
namespace {

// Shared by the two UID checks: digits and dots, 1..64 characters, no empty
// component. `strict` also forbids leading zeros (PS3.5 9.1).
bool CheckUid(std::string_view uid, bool strict) {
  if (uid.empty() || uid.size() > 64) return false;
  size_t component_start = 0;
  for (size_t i = 0; i <= uid.size(); ++i) {
    if (i == uid.size() || uid[i] == '.') {
      const size_t len = i - component_start;
      if (len == 0) return false;
      if (strict && len > 1 && uid[component_start] == '0') return false;
      component_start = i + 1;
    } else if (uid[i] < '0' || uid[i] > '9') {
      return false;
    }
  }
  return true;
}

}  // namespace

StorageLayout::StorageLayout(std::filesystem::path root) : root_(std::move(root)) {}

StorageLayout::StorageLayout(std::filesystem::path root, std::string_view node)
    : root_(std::move(root)), node_(node.empty() ? std::string() : NodeComponent(node)) {}

std::string StorageLayout::NodeComponent(std::string_view node) {
  std::string component(node);
  for (char& c : component) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-' || c == '_';
    if (!safe) c = '_';
  }
  if (!component.empty() && component.front() == '.') component.front() = '_';
  return component;
}

bool StorageLayout::IsPathSafeUid(std::string_view uid) { return CheckUid(uid, false); }

bool IsValidDicomUid(std::string_view uid) { return CheckUid(uid, true); }

std::string StorageLayout::ComponentFor(std::string_view uid) {
  if (IsPathSafeUid(uid)) return std::string(uid);
  return "x" + Sha256Hex(uid).substr(0, 32);
}

std::string StorageLayout::CommittingRelativePath(std::string_view relative_path,
                                                  std::string_view incoming_path) {
  const std::filesystem::path target(relative_path);
  return (target.parent_path() / std::filesystem::path(incoming_path).filename()).generic_string();
}

std::string StorageLayout::RelativePathFor(std::string_view study_uid, std::string_view series_uid,
                                           std::string_view sop_instance_uid) const {
  return ComponentFor(study_uid) + "/" + ComponentFor(series_uid) + "/" +
         ComponentFor(sop_instance_uid) + ".dcm";
}

std::filesystem::path StorageLayout::Absolute(std::string_view relative_path) const {
  return root_ / std::filesystem::path(relative_path);
}

std::string StorageLayout::DeletingRelativePath(std::string_view sop_instance_uid) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name = ".deleting/";
  for (unsigned char c : sop_instance_uid) {
    name += kHex[c >> 4];
    name += kHex[c & 15];
  }
  return name + ".dcm";
}

std::string StorageLayout::UidOfDeletingName(std::string_view file_name) {
  constexpr std::string_view kSuffix = ".dcm";
  if (!file_name.ends_with(kSuffix)) return "";
  file_name.remove_suffix(kSuffix.size());
  if (file_name.empty() || file_name.size() % 2 != 0) return "";
  std::string uid;
  for (size_t i = 0; i < file_name.size(); i += 2) {
    const int high = HexDigitValue(file_name[i]), low = HexDigitValue(file_name[i + 1]);
    if (high < 0 || low < 0) return "";
    uid += static_cast<char>(high * 16 + low);
  }
  return uid;
}

std::string StorageLayout::RecordedPath(const std::filesystem::path& file) const {
  const std::filesystem::path absolute = std::filesystem::absolute(file).lexically_normal();
  std::filesystem::path root = std::filesystem::absolute(root_).lexically_normal();
  if (!root.has_filename()) root = root.parent_path();  // "root/" names "root"
  const std::filesystem::path relative = absolute.lexically_relative(root);
  const bool below_root = !relative.empty() && *relative.begin() != ".." && relative != "." &&
                          *relative.begin() != IncomingRoot().filename();
  return below_root ? relative.generic_string() : absolute.string();
}

std::filesystem::path StorageLayout::FileOf(std::string_view recorded_path) const {
  const std::filesystem::path path(recorded_path);
  return path.is_absolute() ? path : root_ / path;
}

Status StorageLayout::CheckRecordedPath(std::string_view recorded_path) {
  const std::filesystem::path recorded(recorded_path);
  if (recorded.empty()) return Status::InvalidArgument("empty stored path");
  for (const auto& part : recorded) {
    if (part == "..") {
      return Status::InvalidArgument("stored path " + std::string(recorded_path) +
                                     " leaves the storage root");
    }
  }
  return Status::Ok();
}

}  // namespace pixeldex::storage
