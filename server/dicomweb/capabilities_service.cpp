#include "server/dicomweb/capabilities_service.h"

#include <algorithm>
#include <memory>

#include "catalog/common/json_string.h"
#include "server/dicomweb/accept_header.h"
#include "server/dicomweb/service_root.h"

namespace pixeldex::server {
namespace {

constexpr std::string_view kRoot = "/dicom-web";

// One path segment below the service root, with its methods and children,
// in the order the router first named them.
struct ResourceNode {
  std::string segment;
  std::vector<std::string> methods;
  std::vector<ResourceNode> children;

  ResourceNode& Child(const std::string& name) {
    for (ResourceNode& child : children) {
      if (child.segment == name) return child;
    }
    return children.emplace_back(ResourceNode{name, {}, {}});
  }
};

struct Resource {
  std::string path;
  std::vector<std::string> methods;
};

// The /dicom-web routes as resources with their methods; HEAD beside GET
// (the router answers it) and OPTIONS on each (the pipeline answers it).
std::vector<Resource> ServedResources(const Router& router) {
  std::vector<Resource> resources;
  for (const auto& [method, pattern] : router.Routes()) {
    if (pattern.rfind(std::string(kRoot) + "/", 0) != 0) continue;
    auto it =
        std::find_if(resources.begin(), resources.end(),
                     [&, &pattern = pattern](const Resource& r) { return r.path == pattern; });
    if (it == resources.end()) it = resources.insert(resources.end(), Resource{pattern, {}});
    it->methods.push_back(method);
    if (method == "GET") it->methods.push_back("HEAD");
  }
  for (Resource& resource : resources) resource.methods.push_back("OPTIONS");
  return resources;
}

void AppendWadl(std::string& out, const ResourceNode& node, int depth) {
  const std::string indent(static_cast<size_t>(depth) * 2, ' ');
  out += indent + "<resource path=\"" + node.segment + "\">\n";
  if (node.segment.size() > 2 && node.segment.front() == '{') {
    out += indent + "  <param name=\"" + node.segment.substr(1, node.segment.size() - 2) +
           "\" style=\"template\" type=\"xsd:string\" required=\"true\"/>\n";
  }
  for (const std::string& method : node.methods) {
    out += indent + "  <method name=\"" + method + "\"/>\n";
  }
  for (const ResourceNode& child : node.children) AppendWadl(out, child, depth + 1);
  out += indent + "</resource>\n";
}

// Route patterns hold only path characters and {names}: nothing to escape.
std::string Wadl(const std::vector<Resource>& resources, const std::string& base) {
  ResourceNode root;
  for (const Resource& resource : resources) {
    ResourceNode* node = &root;
    for (const std::string& segment : SplitPath(resource.path.substr(kRoot.size()))) {
      node = &node->Child(segment);
    }
    node->methods = resource.methods;
  }
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<application xmlns=\"http://wadl.dev.java.net/2009/02\" "
      "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">\n"
      "  <resources base=\"" +
      base + "/\">\n";
  for (const ResourceNode& child : root.children) AppendWadl(out, child, 2);
  return out + "  </resources>\n</application>\n";
}

std::string Json(const std::vector<Resource>& resources) {
  std::string out = "[";
  for (const Resource& resource : resources) {
    if (out.size() > 1) out += ',';
    out += "{\"path\":";
    AppendJsonString(out, resource.path);
    out += ",\"methods\":[";
    for (size_t i = 0; i < resource.methods.size(); ++i) {
      if (i > 0) out += ',';
      AppendJsonString(out, resource.methods[i]);
    }
    out += "]}";
  }
  return out + "]";
}

}  // namespace

void AddCapabilitiesRoute(Router& router, std::string scheme) {
  auto resources = std::make_shared<const std::vector<Resource>>(ServedResources(router));
  router.Add("OPTIONS", std::string(kRoot), RouteAccess::kRead,
             [resources, scheme](const HttpRequest& request, const PathParams&) {
               const std::string accept = request.Header("accept");
               if (AcceptsMediaType(accept, kWadlMediaType)) {
                 // The base is the root the client used, or relative without a Host.
                 std::string base = ServiceRoot(request, scheme);
                 if (base.empty()) base = std::string(kRoot);
                 return HttpResponse{200, kWadlMediaType, Wadl(*resources, base)};
               }
               if (AcceptsMediaType(accept, "application/json")) {
                 return HttpResponse{200, "application/json", Json(*resources)};
               }
               return HttpResponse::Text(406, std::string("capabilities are served as ") +
                                                  kWadlMediaType + " or application/json");
             });
}

}  // namespace pixeldex::server
