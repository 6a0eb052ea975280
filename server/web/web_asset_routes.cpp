#include "server/web/web_asset_routes.h"

#include <fmt/format.h>

#include <map>
#include <memory>
#include <string>

#include "catalog/common/fnv1a.h"
#include "server/web/web_assets.h"

namespace pixeldex::server {
namespace {

constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// 64-bit FNV-1a of the bytes: the ETag of an embedded file.
std::string EntityTag(std::string_view bytes) {
  return fmt::format("\"{:016x}\"", Fnv1a64(bytes));
}

struct ServedAsset {
  const WebAsset* asset;
  std::string etag;
};

HttpResponse Serve(const ServedAsset* served, const HttpRequest& request) {
  if (served == nullptr) return HttpResponse::Text(404, "no such file");
  HttpResponse response;
  response.content_type = std::string(ContentTypeFor(served->asset->name));
  if (request.Header("if-none-match") == served->etag) {
    response.status = 304;  // RFC 9110 15.4.5: the cached copy is current
  } else {
    response.body = std::string(served->asset->bytes);
  }
  response.AddHeader("ETag", served->etag);
  response.AddHeader("Cache-Control", "no-cache");
  AddWebSecurityHeaders(response);
  return response;
}

}  // namespace

std::string_view ContentTypeFor(std::string_view name) {
  static const std::map<std::string_view, std::string_view> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".txt", "text/plain; charset=utf-8"},
  };
  const size_t dot = name.rfind('.');
  if (dot != std::string_view::npos) {
    auto it = kTypes.find(name.substr(dot));
    if (it != kTypes.end()) return it->second;
  }
  return "application/octet-stream";
}

void AddWebSecurityHeaders(HttpResponse& response) {
  response.AddHeader("Content-Security-Policy", kContentSecurityPolicy);
  response.AddHeader("X-Content-Type-Options", "nosniff");
  response.AddHeader("Referrer-Policy", "no-referrer");
}

void AddWebAssetRoutes(Router& router) {
  auto served = std::make_shared<std::map<std::string, ServedAsset, std::less<>>>();
  for (const WebAsset& asset : WebAssets()) {
    served->emplace(std::string(asset.name), ServedAsset{&asset, EntityTag(asset.bytes)});
  }
  auto find = [served](std::string_view name) -> const ServedAsset* {
    auto it = served->find(name);
    return it == served->end() ? nullptr : &it->second;
  };
  router.Add("GET", "/", RouteAccess::kRead, [find](const HttpRequest& request, const PathParams&) {
    return Serve(find("index.html"), request);
  });
  router.Add("GET", "/ui/{file}", RouteAccess::kRead,
             [find](const HttpRequest& request, const PathParams& params) {
               return Serve(find(params.at("file")), request);
             });
}

}  // namespace pixeldex::server
