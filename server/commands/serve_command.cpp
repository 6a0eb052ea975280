#include <dcmtk/dcmnet/dcmtrans.h>
#include <dcmtk/dcmnet/dul.h>
#include <dcmtk/oflog/oflog.h>
#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <thread>

#include "catalog/common/log.h"
#include "catalog/reconcile/in_flight_journal.h"
#include "server/cli/command_line.h"
#include "server/cli/settings_options.h"
#include "server/commands/commands.h"
#include "server/dicom_server.h"
#include "server/http/http_endpoint.h"
#include "server/service_notify.h"

namespace pixeldex::server {
namespace {

constexpr const char* kServeDescription =
    R"(Run the DICOM listener (SCP): C-ECHO, C-STORE into the archive, C-FIND from
the index, C-GET and C-MOVE from the archive, over plain TCP and, with
tls.enabled, DICOM TLS; with --http also /healthz, /metrics and DICOMweb
(QIDO-RS, WADO-RS metadata). docs/conformance.md is its DICOM Conformance
Statement. Each instance is stored and indexed before its success response is
sent. The ports are bound first, then the archive is reconciled with the index
(what was in flight when it last stopped; the whole tree at the first start and
with storage.walk_at_start), then associations are accepted. See README,
"What happens to each instance", "Crash safety and reconciliation", "C-FIND",
"C-GET and C-MOVE", "DICOMweb".

Settings, lowest precedence first: the embedded defaults, the config file
(--config FILE, or $PIXELDEX_CONFIG), environment variables
PIXELDEX_<SECTION>_<KEY> (e.g. PIXELDEX_NETWORK_AET, PIXELDEX_STORAGE_ROOT,
PIXELDEX_HTTP_LISTEN), then the flags below.)";

constexpr const char* kServeEpilogue = R"(
output:
  stdout gets 'pixeldex http listening on ADDR:PORT' (with --http), then
  'pixeldex listening on 0.0.0.0:PORT as AET' once associations are accepted,
  then, with tls.enabled, 'pixeldex tls listening on 0.0.0.0:PORT as AET'.
  stderr gets the log: one line per association and per failure, with AE
  titles and UIDs; --log-format json makes each line one JSON object
  {"ts","level","msg",...} whose further members are the line's facts:
  calling_aet, called_aet, peer, sop_instance_uid, status, outcome, reason,
  counts, and for HTTP requests method, target, http_status, user. See
  README, "The pixeldex command".

http (--http ADDR:PORT, http.listen; /healthz and /metrics without
authentication; DICOMweb QIDO-RS under /dicom-web for http.users and
http.tokens, see 'pixeldex hash-password'; on a non-loopback address without
them serve refuses to start unless http.allow_anonymous = true):
  GET /healthz  200 "ok" when the DICOM listener accepts associations, the
                index is readable and storage is above storage.min_free_mb;
                503 with the reason otherwise
  GET /metrics  Prometheus text format: pixeldex_associations_*,
                pixeldex_cstore_responses_total{status}, pixeldex_cfind_*,
                pixeldex_cget_*, pixeldex_cmove_*, pixeldex_retrieve_*,
                pixeldex_instances_stored_total, pixeldex_received_bytes_total,
                pixeldex_ingest_duration_seconds, pixeldex_index_size_bytes,
                pixeldex_storage_free_bytes, ...

signals:
  SIGTERM, SIGINT  stop accepting, finish the operations in flight (their
                   responses are sent), exit 0. Under systemd (Type=notify)
                   READY=1 and STOPPING=1 go to $NOTIFY_SOCKET.
  SIGHUP           read the settings again and apply the [access] lists
                   (and log.level, log.format) to new associations; a bad
                   file is logged and the current lists stay.

exit status:
  0  stopped by a signal
  1  could not start (port in use, storage or index unusable)
  2  usage error (unknown option, bad setting or environment variable)

examples:
  pixeldex serve --config /etc/pixeldex/pixeldex.conf
  pixeldex serve --port 104 --aet ARCHIVE --http 127.0.0.1:8080 --log-format json
  PIXELDEX_NETWORK_AET=ARCHIVE pixeldex serve --storage /data/storage --index /data/index.db
)";

// SIGHUP: resolves the settings again (config file, environment, flags) and
// applies the new [access] lists (and, through Resolve, log.level and
// log.format); nothing else changes while running. Re-arms itself.
void ReloadOnHangup(boost::asio::signal_set& hangup, const SettingsOptions& options,
                    DicomServer& server) {
  hangup.async_wait([&hangup, &options, &server](const boost::system::error_code& ec, int) {
    if (ec) return;
    auto settings = options.Resolve();
    const Status reloaded =
        settings.ok() ? server.ReloadAccess(settings->access) : settings.status();
    if (reloaded.ok()) {
      LogInfo("SIGHUP: access lists reloaded (allowed_callers '{}', store_callers '{}', "
              "find_callers '{}')",
              settings->access.allowed_callers, settings->access.store_callers,
              settings->access.find_callers);
    } else {
      LogError("SIGHUP: reload failed, the current access lists stay: {}", reloaded.message());
    }
    ReloadOnHangup(hangup, options, server);
  });
}

}  // namespace

int RunServe(int argc, char** argv) {
  ArgParser parser("pixeldex serve [options]", kServeDescription);
  SettingsOptions settings_options;
  settings_options.AddTo(parser);
  auto override_with = [&](const char* key) {
    return [&settings_options, key](const std::string& v) {
      settings_options.Override(key, v);
      return Status::Ok();
    };
  };
  parser.Option("--port", "N", "TCP port to listen on; 0 picks a free one (network.port)",
                override_with("network.port"));
  parser.Option("--aet", "AET", "this server's AE title (network.aet)", override_with("network.aet"));
  parser.Option("--log-level", "LEVEL", "debug, info, warning or error (log.level)",
                override_with("log.level"));
  parser.Option("--log-format", "FORMAT", "text or json (log.format)", override_with("log.format"));
  // Repeatable: every occurrence adds a destination; together they replace
  // move.destinations.
  std::string move_destinations;
  parser.Option("--move-destination", "AET=[tls://]HOST:PORT",
                "a C-MOVE destination (tls:// for DICOM TLS); repeatable, replaces "
                "move.destinations",
                [&](const std::string& v) {
                  move_destinations += (move_destinations.empty() ? "" : " ") + v;
                  settings_options.Override("move.destinations", move_destinations);
                  return Status::Ok();
                });
  parser.Option("--http", "ADDR:PORT", "serve /healthz, /metrics and DICOMweb over HTTP (http.listen)",
                override_with("http.listen"));
  parser.Flag("--no-thumbnails", "do not render thumbnails inline (thumbnails.enabled=false)", [&] {
    settings_options.Override("thumbnails.enabled", "false");
    return Status::Ok();
  });

  ParsedCommandLine command_line =
      ParseCommandLine(parser, settings_options, argc, argv, "serve", kServeEpilogue);
  if (!command_line.settings) return command_line.exit_code;
  const std::optional<Settings>& settings = command_line.settings;
  // DCMTK's own log only for errors, unless debugging; none with JSON logs,
  // where every stderr line must be one JSON object (pixeldex logs each
  // failure itself, with DCMTK's reason).
  OFLog::configure(settings->log.format == LogFormat::kJson ? OFLogger::OFF_LOG_LEVEL
                   : settings->log.level == LogLevel::kDebug ? OFLogger::INFO_LOG_LEVEL
                                                             : OFLogger::ERROR_LOG_LEVEL);
  // Also covers associations pixeldex opens itself (DCMTK reads it there).
  ::setenv("TCP_NODELAY", "1", 1);
  ::signal(SIGPIPE, SIG_IGN);
  // Peers are logged and matched by IP address; no reverse DNS per association.
  dcmDisableGethostbyaddr.set(OFTrue);

  const std::string aet = settings->network.aet;
  const Settings http_settings = *settings;
  if (Status exposure = CheckHttpExposure(http_settings.http); !exposure.ok()) {
    LogError("cannot start: {}", exposure.message());
    return 1;
  }
  // Every port is bound before the archive is reconciled (in Start), so a
  // busy one fails the start at once; the HTTP port first.
  std::optional<HttpEndpoint> endpoint;
  if (!http_settings.http.listen.empty()) {
    auto bound = BindHttpEndpoint(http_settings);
    if (!bound.ok()) {
      LogError("cannot start: {}", bound.status().ToString());
      return 1;
    }
    endpoint = std::move(bound).value();
  }
  DicomServer server(std::move(settings).value());
  auto port = server.Start();
  if (!port.ok()) {
    LogError("cannot start: {}", port.status().ToString());
    return 1;
  }
  HttpServer* http = nullptr;
  if (endpoint) {
    ServeHttpEndpoint(*endpoint, http_settings, server);
    http = endpoint->http.get();
    // Printed before the DICOM line, so that line means everything is ready.
    std::printf("pixeldex http listening on %s\n", http->BoundAddress().c_str());
    LogInfo("http{} listening on {} (/healthz, /metrics{})", http_settings.http.tls ? "s" : "",
            http->BoundAddress(), http_settings.http.dicomweb ? ", /dicom-web" : "");
  }

  boost::asio::io_context signals_context;
  boost::asio::signal_set signals(signals_context, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    LogInfo("signal {} received: finishing in-flight operations, then stopping", signal_number);
    NotifyServiceManager("STOPPING=1");
    server.Stop();
  });
  boost::asio::signal_set hangup(signals_context, SIGHUP);
  ReloadOnHangup(hangup, settings_options, server);
  std::thread signal_thread([&] { signals_context.run(); });

  std::printf("pixeldex listening on 0.0.0.0:%d as %s\n", *port, aet.c_str());
  if (server.tls_port() >= 0) {
    std::printf("pixeldex tls listening on 0.0.0.0:%d as %s\n", server.tls_port(), aet.c_str());
  }
  std::fflush(stdout);
  LogInfo("listening on port {} as {}", *port, aet);
  if (server.tls_port() >= 0) LogInfo("listening for TLS on port {} as {}", server.tls_port(), aet);
  NotifyServiceManager("READY=1");
  server.Run();
  if (http) http->Stop();
  // Nothing is in flight any more: a reboot from here on needs no walk.
  const Status stopped =
      reconcile::MarkStopped(storage::RealFileSystem(), server.context().store.layout());
  if (!stopped.ok()) LogWarning("the next start may walk the archive: {}", stopped.ToString());

  signals_context.stop();
  signal_thread.join();
  LogInfo("stopped");
  return 0;
}

}  // namespace pixeldex::server
