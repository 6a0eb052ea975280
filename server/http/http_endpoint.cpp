#include "server/http/http_endpoint.h"

#include "server/dicom_server.h"

#include <boost/asio/ip/address.hpp>

#include "server/dicomweb/capabilities_service.h"
#include "server/dicomweb/delete_service.h"
#include "server/dicomweb/dicomweb_metrics.h"
#include "server/dicomweb/qido_service.h"
#include "server/dicomweb/stow_service.h"
#include "server/dicomweb/wado_bulkdata_service.h"
#include "server/dicomweb/wado_frames_service.h"
#include "server/dicomweb/thumbnail_service.h"
#include "server/dicomweb/wado_metadata_service.h"
#include "server/dicomweb/wado_rendered_service.h"
#include "server/dicomweb/wado_retrieve_service.h"
#include "server/http/http_tls.h"
#include "server/http/observability_routes.h"
#include "server/http/request_pipeline.h"
#include "server/web/catalog_api.h"
#include "server/web/sql_console_api.h"
#include "server/web/web_asset_routes.h"

namespace pixeldex::server {

Status CheckHttpExposure(const HttpSettings& http) {
  if (http.listen.empty() || !http.dicomweb || !http.users.empty() || !http.tokens.empty() ||
      http.allow_anonymous) {
    return Status::Ok();
  }
  auto address = ParseListenAddress(http.listen);
  if (!address.ok()) return address.status();
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(address->host, ec);
  if (!ec && ip.is_loopback()) return Status::Ok();
  return Status::InvalidArgument(
      "http.listen " + http.listen +
      " is not a loopback address and DICOMweb has no authentication: set http.users or "
      "http.tokens (see pixeldex hash-password), or http.allow_anonymous = true to serve "
      "patient data to anyone who can connect, or http.dicomweb = false");
}

Result<HttpEndpoint> BindHttpEndpoint(const Settings& settings) {
  const HttpSettings& http = settings.http;
  PIXELDEX_RETURN_IF_ERROR(CheckHttpExposure(http));
  auto listen = ParseListenAddress(http.listen);
  if (!listen.ok()) return listen.status();
  auto users = ParseCredentials(http.users);
  if (!users.ok()) return users.status();
  auto tokens = ParseCredentials(http.tokens);
  if (!tokens.ok()) return tokens.status();
  auto cors = CorsPolicy::Parse(http.cors_origins);
  if (!cors.ok()) return cors.status();

  HttpServerOptions options;
  options.request_timeout = std::chrono::seconds(http.request_timeout_seconds);
  options.max_header_bytes = static_cast<size_t>(http.max_header_bytes);
  options.max_body_bytes = static_cast<size_t>(http.max_body_mb) * 1024 * 1024;
  options.max_connections = http.max_connections;
  options.max_concurrent_requests = http.max_requests;
  if (http.tls) {
    auto context = MakeHttpTlsContext(settings.tls);
    if (!context.ok()) return context.status();
    options.tls = std::move(context).value();
  }
  auto http_server = HttpServer::Bind(*listen, std::move(options));
  if (!http_server.ok()) return http_server.status();
  return HttpEndpoint{
      std::move(http_server).value(),
      std::make_shared<Authenticator>(std::move(users).value(), std::move(tokens).value()),
      std::move(cors).value()};
}

void ServeHttpEndpoint(HttpEndpoint& endpoint, const Settings& settings,
                       const DicomServer& server) {
  const HttpSettings& http = settings.http;
  Router router;
  AddObservabilityRoutes(router, server);
  if (http.dicomweb) {
    auto context = std::make_shared<DicomwebContext>();
    // The C-FIND pool's connections: warm page caches, no open per request.
    context->open_index_reader = [&server_context = server.context()] {
      return server_context.open_find_reader();
    };
    context->find_options.pn_case_insensitive = settings.query.pn_case_insensitive;
    context->find_options.max_results = static_cast<size_t>(settings.query.max_results);
    context->scheme = http.tls ? "https" : "http";
    context->storage_root = settings.storage.root;
    AddQidoRoutes(router, context);
    AddStowRoutes(router, std::make_shared<StowContext>(StowContext{server.context(), context->scheme}));
    AddDeleteRoutes(router, server.context());
    AddWadoMetadataRoutes(router, context);
    AddWadoRetrieveRoutes(router, context);
    AddWadoFramesRoutes(router, context);
    AddWadoBulkdataRoutes(router, context);
    AddWadoRenderedRoutes(router, context);
    AddThumbnailRoutes(router, context, settings.thumbnails.max_size);
    // Last: it describes the /dicom-web routes added before it.
    AddCapabilitiesRoute(router, context->scheme);
    // The web page: the same data and authentication as DICOMweb.
    auto web = std::make_shared<WebContext>();
    web->open_reader = [&server_context = server.context()] {
      return server_context.open_find_reader();
    };
    web->index_path = settings.storage.index;
    web->storage_root = settings.storage.root;
    AddWebAssetRoutes(router);
    AddCatalogApiRoutes(router, web);
    AddSqlConsoleRoute(router, std::move(web));
  }
  auto pipeline = std::make_shared<RequestPipeline>(
      std::move(router), endpoint.authenticator, endpoint.cors,
      [&metrics = server.context().metrics](const HttpRequest& request,
                                            const HttpResponse& response) {
        CountDicomwebRequest(metrics, request, response);
      });
  // STOW-RS bodies (the only POST under /dicom-web/) are read as they
  // arrive by the handler, which writes each part to the storage root's
  // incoming directory (stow_receiver.h).
  BodyStreaming streaming;
  if (http.dicomweb) {
    streaming.applies = [](const std::string& target) {
      return target.rfind("/dicom-web/", 0) == 0;
    };
    streaming.max_bytes = static_cast<uint64_t>(http.max_stow_mb) * 1024 * 1024;
  }
  endpoint.http->Serve(
      [pipeline](const HttpRequest& request) { return pipeline->Handle(request); },
      std::move(streaming));
}

}  // namespace pixeldex::server
