#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <dcmtk/dcmnet/dcmtrans.h>
#include <dcmtk/dcmnet/dul.h>
#include <dcmtk/oflog/oflog.h>

#include "catalog/common/log.h"
#include "server/cli/settings_options.h"
#include "server/commands/commands.h"
#include "server/dicom_server.h"

namespace pixeldex::server {

int RunServe(int argc, char** argv) {
  ArgParser parser("pixeldex serve [options]",
                   "Run the DICOM listener: C-ECHO, C-STORE into the archive, C-FIND from the "
                   "index.\nPrints 'pixeldex listening on ADDR:PORT as AET' on stdout when ready, "
                   "then, with tls.enabled,\n'pixeldex tls listening on ADDR:PORT as AET'. "
                   "SIGTERM or SIGINT stop it after in-flight\noperations finish.");
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
  parser.Flag("--no-thumbnails", "do not render thumbnails inline (thumbnails.enabled=false)", [&] {
    settings_options.Override("thumbnails.enabled", "false");
    return Status::Ok();
  });

  std::vector<std::string> positional;
  bool help = false;
  Status parsed = parser.Parse(argc, argv, 2, &positional, &help);
  if (help) {
    std::fputs(parser.Help().c_str(), stdout);
    return 0;
  }
  if (parsed.ok() && !positional.empty()) {
    parsed = Status::InvalidArgument("unexpected argument " + positional.front());
  }
  auto settings = parsed.ok() ? settings_options.Resolve() : Result<Settings>(parsed);
  if (!settings.ok()) {
    std::fprintf(stderr, "pixeldex serve: %s\n", settings.status().message().c_str());
    return 2;
  }
  ConfigureLog(settings->log.level, settings->log.format);
  // DCMTK's own log only for errors, unless debugging.
  OFLog::configure(settings->log.level == LogLevel::kDebug ? OFLogger::INFO_LOG_LEVEL
                                                           : OFLogger::ERROR_LOG_LEVEL);
  // Also covers associations pixeldex opens itself (DCMTK reads it there).
  ::setenv("TCP_NODELAY", "1", 1);
  ::signal(SIGPIPE, SIG_IGN);
  // Peers are logged and matched by IP address; no reverse DNS per association.
  dcmDisableGethostbyaddr.set(OFTrue);

  const std::string aet = settings->network.aet;
  DicomServer server(std::move(settings).value());
  auto port = server.Start();
  if (!port.ok()) {
    LogError("cannot start: {}", port.status().ToString());
    return 1;
  }

  boost::asio::io_context signals_context;
  boost::asio::signal_set signals(signals_context, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    LogInfo("signal {} received: finishing in-flight operations, then stopping", signal_number);
    server.Stop();
  });
  std::thread signal_thread([&] { signals_context.run(); });

  std::printf("pixeldex listening on 0.0.0.0:%d as %s\n", *port, aet.c_str());
  if (server.tls_port() >= 0) {
    std::printf("pixeldex tls listening on 0.0.0.0:%d as %s\n", server.tls_port(), aet.c_str());
  }
  std::fflush(stdout);
  LogInfo("listening on port {} as {}", *port, aet);
  if (server.tls_port() >= 0) LogInfo("listening for TLS on port {} as {}", server.tls_port(), aet);
  server.Run();

  signals_context.stop();
  signal_thread.join();
  LogInfo("stopped");
  return 0;
}

}  // namespace pixeldex::server
