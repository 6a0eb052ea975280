#pragma once
// The web page's files (server/web/assets/), embedded in the binary at build
// time by embed_assets.cmake, so that the page needs nothing beside the
// executable and no network. Read-only data: safe to share between threads.

#include <span>
#include <string_view>

namespace pixeldex::server {

struct WebAsset {
  std::string_view name;   // file name below assets/, e.g. "app.js"
  std::string_view bytes;  // its content
};

// Every embedded file (defined in the generated web_assets_data.cpp).
std::span<const WebAsset> WebAssets();

// The Content-Type for a file name by its extension (text types in UTF-8);
// application/octet-stream for an unknown one.
std::string_view ContentTypeFor(std::string_view name);

}  // namespace pixeldex::server
