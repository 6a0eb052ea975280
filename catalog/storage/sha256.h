#pragma once
// SHA-256 of bytes or of a whole file, as lowercase hex. The file's content
// hash is stored in the index so that `pixeldex check` can verify files.

#include <string>
#include <string_view>

#include "catalog/common/result.h"

namespace pixeldex::storage {

std::string Sha256Hex(std::string_view bytes);
// Reads the file sequentially; IoError if it cannot be read.
Result<std::string> Sha256OfFile(const std::string& path);

}  // namespace pixeldex::storage
