#pragma once
// Settings: every configurable value of pixeldex with its embedded default.
// Values come, in increasing precedence, from the defaults below, the config
// file (--config), environment variables (environment_settings.h) and
// command-line flags. config/pixeldex.conf documents each
// key; a test keeps that file and kSettingKeys in step.

#include <cstdint>
#include <string>
#include <vector>

#include "catalog/common/log.h"
#include "catalog/common/status.h"
#include "catalog/ingest/duplicate_policy.h"

namespace pixeldex::server {

struct NetworkSettings {
  std::string aet = "PIXELDEX";
  int port = 11112;
  int max_associations = 64;
  uint32_t max_pdu = 131072;
  int acse_timeout_seconds = 30;
  int dimse_timeout_seconds = 60;
  // Of the max_associations connections negotiating on a port, how many one
  // peer address may hold.
  int max_negotiating_per_peer = 16;
  // Seconds a new connection has to deliver its whole A-ASSOCIATE-RQ (PS3.8
  // 9.2 ARTIM timer; on the TLS port, the handshake included).
  int associate_request_timeout_seconds = 5;
  bool require_called_aet = false;
  bool accept_unknown_sop_classes = false;

  bool operator==(const NetworkSettings&) const = default;
};

struct AccessSettings {
  // Lists of "AET" or "AET@address", comma- or space-separated; empty = anyone.
  std::string allowed_callers;
  std::string store_callers;
  std::string find_callers;
  std::string retrieve_callers;  // C-GET and C-MOVE

  bool operator==(const AccessSettings&) const = default;
};

struct MoveSettings {
  // C-MOVE destinations, "AET=host:port" entries, comma- or space-separated
  // (parsed by server/retrieve/move_destinations.h).
  std::string destinations;

  bool operator==(const MoveSettings&) const = default;
};

struct StorageSettings {
  std::string root = "./var/storage";
  std::string index = "./var/index.db";
  ingest::DuplicatePolicy duplicates = ingest::DuplicatePolicy::kReplace;
  // C-STOREs are refused (A700) while the storage file system has less free.
  int64_t min_free_mb = 100;
  // Days of operational history (associations, events) kept; 0 keeps all.
  int history_days = 90;
  // The most the archive's files may take (sum of their sizes), in MiB; 0: no
  // limit. When reached, C-STORE is refused (A700) unless `recycling` is on,
  // then the oldest unprotected studies are deleted (catalog/reconcile/recycler.h).
  int64_t max_size_mb = 0;
  bool recycling = false;
  // retention.max_age_days: studies whose last instance arrived longer ago
  // are deleted (unless protected), at start, every retention.interval_seconds
  // while the server runs, and by `pixeldex recycle`; 0: never.
  int max_age_days = 0;
  // retention.interval_seconds: how often the running server applies the
  // retention rule (and recycling down to max_size_mb when it is on).
  int retention_interval_seconds = 3600;
  // Walk the whole storage tree at every start, as `pixeldex reindex` does,
  // instead of only the in-flight journal (catalog/reconcile/in_flight_journal.h).
  bool walk_at_start = false;

  bool operator==(const StorageSettings&) const = default;
};

struct ThumbnailSettings {
  bool enabled = true;
  int max_size = 256;

  bool operator==(const ThumbnailSettings&) const = default;
};

struct QuerySettings {
  // PS3.4 C.2.2.2.1 leaves PN case sensitivity to the implementation.
  bool pn_case_insensitive = true;
  // Most C-FIND matches returned per request; 0 means no limit.
  int64_t max_results = 10000;
  // Seconds one C-FIND may take, reading its responses included; 0: no limit.
  int time_limit_seconds = 30;
  // Most keys in one C-FIND identifier (sequence item keys included); 0: no limit.
  int max_keys = 256;

  bool operator==(const QuerySettings&) const = default;
};

// Who must show a client certificate on the TLS port.
enum class PeerVerification { kNone, kRequest, kRequire };
// Which DICOM TLS profile negotiates protocol versions and cipher suites.
enum class TlsProfile { kBcp195NonDowngrading, kBcp195 };

struct TlsSettings {
  // A second listener that speaks DICOM over TLS, beside the plain one.
  bool enabled = false;
  int port = 2762;  // IANA "dicom-tls"
  // PEM files: our certificate (chain) and its private key (unencrypted).
  std::string certificate;
  std::string private_key;
  // PEM file of the certification authorities peers' certificates must chain to.
  std::string ca_file;
  PeerVerification verify_peer = PeerVerification::kNone;
  TlsProfile profile = TlsProfile::kBcp195NonDowngrading;

  bool operator==(const TlsSettings&) const = default;
};

struct LogSettings {
  LogLevel level = LogLevel::kInfo;
  LogFormat format = LogFormat::kText;

  bool operator==(const LogSettings&) const = default;
};

struct HttpSettings {
  // "ADDR:PORT" of the HTTP listener (/healthz, /metrics, /dicom-web); empty = off.
  std::string listen;
  // Serve DICOMweb (PS3.18) under /dicom-web.
  bool dicomweb = true;
  // "NAME:HASH:rw|ro" entries (server/http/authenticator.h); HASH from
  // `pixeldex hash-password`.
  std::string users;
  std::string tokens;
  // Lets DICOMweb listen on a non-loopback address without users or tokens.
  bool allow_anonymous = false;
  // HTTPS with [tls] certificate and private_key.
  bool tls = false;
  // Origins allowed by CORS (server/http/cors_policy.h); empty = none.
  std::string cors_origins;
  int max_header_bytes = 8192;
  int max_body_mb = 1;
  // A STOW-RS body (read as it arrives, each part written to storage's
  // incoming directory, never held in memory): a study of 2000 CT images is
  // about 1 GB.
  int max_stow_mb = 4096;
  int max_connections = 64;
  int max_requests = 16;  // handlers running at once; more get 429
  int request_timeout_seconds = 30;

  bool operator==(const HttpSettings&) const = default;
};

struct Settings {
  NetworkSettings network;
  AccessSettings access;
  StorageSettings storage;
  ThumbnailSettings thumbnails;
  QuerySettings query;
  MoveSettings move;
  TlsSettings tls;
  LogSettings log;
  HttpSettings http;

  bool operator==(const Settings&) const = default;
};

// The keys a config file may hold, as "section.key".
const std::vector<std::string>& SettingKeys();

// Sets one "section.key" from its text form. InvalidArgument names the key
// and says what values it takes.
Status ApplySetting(Settings& settings, const std::string& key, const std::string& value);

// Reads an INI-style file: "[section]" lines, "key = value" lines, comments
// starting with '#' or ';'. Unknown keys are errors (typos must not pass).
Status LoadSettingsFile(const std::string& path, Settings& settings);

}  // namespace pixeldex::server
