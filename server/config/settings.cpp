#include "server/config/settings.h"

#include "server/access/access_policy.h"
#include "server/http/authenticator.h"
#include "server/http/cors_policy.h"
#include "server/http/listen_address.h"
#include "server/retrieve/move_destinations.h"

#include <charconv>
#include <fstream>
#include <functional>
#include <map>

namespace pixeldex::server {
namespace {

using Setter = std::function<Status(Settings&, const std::string&)>;

Status ParseInt(const std::string& key, const std::string& text, long min, long max, long* out) {
  long value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < min || value > max) {
    return Status::InvalidArgument(key + ": expected a whole number from " + std::to_string(min) +
                                   " to " + std::to_string(max) + ", got '" + text + "'");
  }
  *out = value;
  return Status::Ok();
}

template <typename T>
Setter IntSetter(T Settings::*section_member, auto member, long min, long max,
                 const std::string& key) {
  return [=](Settings& s, const std::string& text) {
    long value = 0;
    PIXELDEX_RETURN_IF_ERROR(ParseInt(key, text, min, max, &value));
    (s.*section_member).*member = static_cast<std::decay_t<decltype((s.*section_member).*member)>>(value);
    return Status::Ok();
  };
}

Status ParseBool(const std::string& key, const std::string& text, bool* out) {
  if (text == "true" || text == "yes" || text == "on" || text == "1") *out = true;
  else if (text == "false" || text == "no" || text == "off" || text == "0") *out = false;
  else return Status::InvalidArgument(key + ": expected true or false, got '" + text + "'");
  return Status::Ok();
}

template <typename T>
Setter BoolSetter(T Settings::*section_member, bool T::*member, const std::string& key) {
  return [=](Settings& s, const std::string& text) {
    return ParseBool(key, text, &((s.*section_member).*member));
  };
}

template <typename T>
Setter StringSetter(T Settings::*section_member, std::string T::*member, const std::string& key,
                    size_t max_length) {
  return [=](Settings& s, const std::string& text) {
    if (text.empty() || text.size() > max_length) {
      return Status::InvalidArgument(key + ": expected 1 to " + std::to_string(max_length) +
                                     " characters, got '" + text + "'");
    }
    (s.*section_member).*member = text;
    return Status::Ok();
  };
}

// One of a fixed set of words; the error lists them.
template <typename T, typename E>
Setter ChoiceSetter(T Settings::*section_member, E T::*member, const std::string& key,
                    std::vector<std::pair<std::string, E>> choices) {
  return [=](Settings& s, const std::string& text) {
    std::string names;
    for (const auto& [name, value] : choices) {
      if (name == text) {
        (s.*section_member).*member = value;
        return Status::Ok();
      }
      names += (names.empty() ? "" : ", ") + name;
    }
    return Status::InvalidArgument(key + ": expected one of " + names + ", got '" + text + "'");
  };
}

// A file path that may be left empty (the feature using it is then off).
Setter OptionalPathSetter(std::string TlsSettings::*member) {
  return [=](Settings& s, const std::string& text) {
    s.tls.*member = text;
    return Status::Ok();
  };
}

// Access lists are checked here so that a typo fails at start, not later.
Setter AccessListSetter(std::string AccessSettings::*member, const std::string& key) {
  return [=](Settings& s, const std::string& text) {
    auto parsed = AccessPolicy::Parse(text, "", "", "");
    if (!parsed.ok()) return Status::InvalidArgument(key + ": " + parsed.status().message());
    s.access.*member = text;
    return Status::Ok();
  };
}

Status SetDuplicates(Settings& s, const std::string& text) {
  if (text == "replace") s.storage.duplicates = ingest::DuplicatePolicy::kReplace;
  else if (text == "keep") s.storage.duplicates = ingest::DuplicatePolicy::kKeep;
  else if (text == "reject") s.storage.duplicates = ingest::DuplicatePolicy::kReject;
  else return Status::InvalidArgument("storage.duplicates: expected replace, keep or reject, got '" + text + "'");
  return Status::Ok();
}

Status SetMoveDestinations(Settings& s, const std::string& text) {
  auto parsed = ParseMoveDestinations(text);
  if (!parsed.ok()) return Status::InvalidArgument("move.destinations: " + parsed.status().message());
  s.move.destinations = text;
  return Status::Ok();
}

Status SetLogLevel(Settings& s, const std::string& text) {
  if (!ParseLogLevel(text, &s.log.level)) {
    return Status::InvalidArgument("log.level: expected debug, info, warning or error, got '" + text + "'");
  }
  return Status::Ok();
}

Status SetLogFormat(Settings& s, const std::string& text) {
  if (text == "text") s.log.format = LogFormat::kText;
  else if (text == "json") s.log.format = LogFormat::kJson;
  else return Status::InvalidArgument("log.format: expected text or json, got '" + text + "'");
  return Status::Ok();
}

Status SetHttpListen(Settings& s, const std::string& text) {
  if (!text.empty()) {
    auto address = ParseListenAddress(text);
    if (!address.ok()) return Status::InvalidArgument("http.listen: " + address.status().message());
  }
  s.http.listen = text;
  return Status::Ok();
}

// http.users, http.tokens: every entry is checked at load.
Setter CredentialsSetter(std::string HttpSettings::*member, const std::string& key) {
  return [=](Settings& s, const std::string& text) {
    auto parsed = ParseCredentials(text);
    if (!parsed.ok()) return Status::InvalidArgument(key + ": " + parsed.status().message());
    s.http.*member = text;
    return Status::Ok();
  };
}

Status SetCorsOrigins(Settings& s, const std::string& text) {
  auto parsed = CorsPolicy::Parse(text);
  if (!parsed.ok()) return Status::InvalidArgument("http.cors_origins: " + parsed.status().message());
  s.http.cors_origins = text;
  return Status::Ok();
}

const std::map<std::string, Setter>& Setters() {
  static const std::map<std::string, Setter> setters = {
      // PS3.8 9.3.1: AE titles are 1 to 16 characters.
      {"network.aet", StringSetter(&Settings::network, &NetworkSettings::aet, "network.aet", 16)},
      {"network.port", IntSetter(&Settings::network, &NetworkSettings::port, 0, 65535, "network.port")},
      {"network.max_associations", IntSetter(&Settings::network, &NetworkSettings::max_associations, 1, 4096, "network.max_associations")},
      {"network.max_pdu", IntSetter(&Settings::network, &NetworkSettings::max_pdu, 4096, 131072, "network.max_pdu")},
      {"network.acse_timeout", IntSetter(&Settings::network, &NetworkSettings::acse_timeout_seconds, 1, 3600, "network.acse_timeout")},
      {"network.dimse_timeout", IntSetter(&Settings::network, &NetworkSettings::dimse_timeout_seconds, 1, 86400, "network.dimse_timeout")},
      {"network.max_negotiating_per_peer", IntSetter(&Settings::network, &NetworkSettings::max_negotiating_per_peer, 1, 4096, "network.max_negotiating_per_peer")},
      {"network.associate_request_timeout", IntSetter(&Settings::network, &NetworkSettings::associate_request_timeout_seconds, 1, 3600, "network.associate_request_timeout")},
      {"network.require_called_aet", BoolSetter(&Settings::network, &NetworkSettings::require_called_aet, "network.require_called_aet")},
      {"network.accept_unknown_sop_classes", BoolSetter(&Settings::network, &NetworkSettings::accept_unknown_sop_classes, "network.accept_unknown_sop_classes")},
      {"access.allowed_callers", AccessListSetter(&AccessSettings::allowed_callers, "access.allowed_callers")},
      {"access.store_callers", AccessListSetter(&AccessSettings::store_callers, "access.store_callers")},
      {"access.find_callers", AccessListSetter(&AccessSettings::find_callers, "access.find_callers")},
      {"access.retrieve_callers", AccessListSetter(&AccessSettings::retrieve_callers, "access.retrieve_callers")},
      {"move.destinations", SetMoveDestinations},
      {"storage.history_days", IntSetter(&Settings::storage, &StorageSettings::history_days, 0, 36500, "storage.history_days")},
      {"storage.max_size_mb", IntSetter(&Settings::storage, &StorageSettings::max_size_mb, 0, 1000000000, "storage.max_size_mb")},
      {"storage.recycling", BoolSetter(&Settings::storage, &StorageSettings::recycling, "storage.recycling")},
      {"storage.walk_at_start", BoolSetter(&Settings::storage, &StorageSettings::walk_at_start, "storage.walk_at_start")},
      {"retention.max_age_days", IntSetter(&Settings::storage, &StorageSettings::max_age_days, 0, 36500, "retention.max_age_days")},
      {"retention.interval_seconds", IntSetter(&Settings::storage, &StorageSettings::retention_interval_seconds, 1, 604800, "retention.interval_seconds")},
      {"storage.min_free_mb", IntSetter(&Settings::storage, &StorageSettings::min_free_mb, 0, 1000000000, "storage.min_free_mb")},
      {"storage.root", StringSetter(&Settings::storage, &StorageSettings::root, "storage.root", 4096)},
      {"storage.index", StringSetter(&Settings::storage, &StorageSettings::index, "storage.index", 4096)},
      {"storage.duplicates", SetDuplicates},
      {"thumbnails.enabled", BoolSetter(&Settings::thumbnails, &ThumbnailSettings::enabled, "thumbnails.enabled")},
      {"thumbnails.max_size", IntSetter(&Settings::thumbnails, &ThumbnailSettings::max_size, 16, 4096, "thumbnails.max_size")},
      {"query.pn_case_insensitive", BoolSetter(&Settings::query, &QuerySettings::pn_case_insensitive, "query.pn_case_insensitive")},
      {"query.time_limit", IntSetter(&Settings::query, &QuerySettings::time_limit_seconds, 0, 86400, "query.time_limit")},
      {"query.max_keys", IntSetter(&Settings::query, &QuerySettings::max_keys, 0, 100000, "query.max_keys")},
      {"query.max_results", IntSetter(&Settings::query, &QuerySettings::max_results, 0, 1000000000, "query.max_results")},
      {"tls.enabled", BoolSetter(&Settings::tls, &TlsSettings::enabled, "tls.enabled")},
      {"tls.port", IntSetter(&Settings::tls, &TlsSettings::port, 0, 65535, "tls.port")},
      {"tls.certificate", OptionalPathSetter(&TlsSettings::certificate)},
      {"tls.private_key", OptionalPathSetter(&TlsSettings::private_key)},
      {"tls.ca_file", OptionalPathSetter(&TlsSettings::ca_file)},
      {"tls.verify_peer", ChoiceSetter(&Settings::tls, &TlsSettings::verify_peer, "tls.verify_peer",
                                       {{"none", PeerVerification::kNone},
                                        {"request", PeerVerification::kRequest},
                                        {"require", PeerVerification::kRequire}})},
      {"tls.profile", ChoiceSetter(&Settings::tls, &TlsSettings::profile, "tls.profile",
                                   {{"bcp195-nd", TlsProfile::kBcp195NonDowngrading},
                                    {"bcp195", TlsProfile::kBcp195}})},
      {"log.level", SetLogLevel},
      {"log.format", SetLogFormat},
      {"http.listen", SetHttpListen},
      {"http.dicomweb", BoolSetter(&Settings::http, &HttpSettings::dicomweb, "http.dicomweb")},
      {"http.users", CredentialsSetter(&HttpSettings::users, "http.users")},
      {"http.tokens", CredentialsSetter(&HttpSettings::tokens, "http.tokens")},
      {"http.allow_anonymous", BoolSetter(&Settings::http, &HttpSettings::allow_anonymous, "http.allow_anonymous")},
      {"http.tls", BoolSetter(&Settings::http, &HttpSettings::tls, "http.tls")},
      {"http.cors_origins", SetCorsOrigins},
      {"http.max_header_bytes", IntSetter(&Settings::http, &HttpSettings::max_header_bytes, 1024, 1048576, "http.max_header_bytes")},
      {"http.max_body_mb", IntSetter(&Settings::http, &HttpSettings::max_body_mb, 0, 1048576, "http.max_body_mb")},
      {"http.max_stow_mb", IntSetter(&Settings::http, &HttpSettings::max_stow_mb, 0, 1048576, "http.max_stow_mb")},
      {"http.max_connections", IntSetter(&Settings::http, &HttpSettings::max_connections, 1, 65536, "http.max_connections")},
      {"http.max_requests", IntSetter(&Settings::http, &HttpSettings::max_requests, 1, 4096, "http.max_requests")},
      {"http.request_timeout", IntSetter(&Settings::http, &HttpSettings::request_timeout_seconds, 1, 3600, "http.request_timeout")},
  };
  return setters;
}

std::string Trim(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return {};
  const size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

}  // namespace

const std::vector<std::string>& SettingKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const auto& [key, setter] : Setters()) k.push_back(key);
    return k;
  }();
  return keys;
}

Status ApplySetting(Settings& settings, const std::string& key, const std::string& value) {
  auto it = Setters().find(key);
  if (it == Setters().end()) return Status::InvalidArgument("unknown setting '" + key + "'");
  return it->second(settings, value);
}

Status LoadSettingsFile(const std::string& path, Settings& settings) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read config file " + path);
  std::string line;
  std::string section;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    const std::string where = path + ":" + std::to_string(line_number) + ": ";
    line = Trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') return Status::InvalidArgument(where + "unterminated section");
      section = Trim(line.substr(1, line.size() - 2));
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string::npos) return Status::InvalidArgument(where + "expected key = value");
    if (section.empty()) return Status::InvalidArgument(where + "key outside a [section]");
    Status s = ApplySetting(settings, section + "." + Trim(line.substr(0, eq)), Trim(line.substr(eq + 1)));
    if (!s.ok()) return Status::InvalidArgument(where + s.message());
  }
  return Status::Ok();
}

}  // namespace pixeldex::server
