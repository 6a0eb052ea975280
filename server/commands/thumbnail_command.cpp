// pixeldex thumbnail: copies the PNG thumbnail the index holds for one
// instance into a file, or says why there is none. Reads the index (the
// SQLite file or PostgreSQL) read-only, so it is safe beside running servers.

#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "catalog/index/postgres/archive_reads_of.h"
#include "catalog/index/postgres/pg_uri.h"
#include "catalog/index/thumbnail_reads.h"
#include "server/cli/command_line.h"
#include "server/cli/settings_options.h"
#include "server/commands/commands.h"

namespace pixeldex::server {
namespace {

constexpr char kThumbnailDescription[] =
    R"(Write the thumbnail of the instance SOP_INSTANCE_UID, as stored in the index, to
FILE: an 8-bit greyscale or RGB PNG of its middle frame, at most
thumbnails.max_size pixels on its longer side. The bytes are copied verbatim;
nothing is rendered. The index is opened read-only, so this is safe while
'pixeldex serve' is running. See README, "Thumbnails".

When the index holds no thumbnail for the instance, the reason is printed on
stderr, e.g.
  pixeldex thumbnail: no thumbnail for 1.2.3: no_pixel_data
  pixeldex thumbnail: no thumbnail for 1.2.3: decode_error: <what went wrong>
  pixeldex thumbnail: no thumbnail for 1.2.3: disabled (received with
    thumbnails off; 'pixeldex thumbnails' renders it)
  pixeldex thumbnail: no such instance: 1.2.3

Exit status: 0 the PNG was written; 1 no thumbnail, no such instance, or the
index or FILE could not be used; 2 bad usage.

Example:
  pixeldex thumbnail --config /etc/pixeldex.conf 1.2.840.113619.2.55.3.1 -o t.png)";

// The ArgParser knows long options only; -o is the customary short form.
std::vector<char*> ExpandShortOptions(int argc, char** argv) {
  static char output[] = "--output";
  std::vector<char*> args(argv, argv + argc);
  for (char*& arg : args) {
    if (std::string(arg) == "-o") arg = output;
  }
  args.push_back(nullptr);
  return args;
}

// Writes `bytes` to `path` ("-" is stdout). False with errno-based message on error.
bool WriteBytes(const std::string& path, const std::string& bytes, std::string* error) {
  const bool to_stdout = path == "-";
  std::FILE* out = to_stdout ? stdout : std::fopen(path.c_str(), "wb");
  if (out == nullptr) {
    *error = Status::FromErrno(errno, "cannot create " + path).message();
    return false;
  }
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), out) == bytes.size();
  int err = ok ? 0 : errno;
  if (std::fflush(out) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!to_stdout && std::fclose(out) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) *error = Status::FromErrno(err, "cannot write " + path).message();
  return ok;
}

// Why an instance has no PNG, from its thumbnail row (or the lack of one).
std::string Reason(const index::ThumbnailLookup& lookup) {
  if (!lookup.thumbnail) return "not rendered yet ('pixeldex thumbnails' renders it)";
  const ThumbnailRecord& t = *lookup.thumbnail;
  if (t.status == ThumbnailStatus::kDisabled) {
    return "disabled (received with thumbnails off; 'pixeldex thumbnails' renders it)";
  }
  if (t.status == ThumbnailStatus::kOk) return "the thumbnail row holds no PNG";
  return StoredThumbnailStatus(t.status, t.reason);
}

}  // namespace

int RunThumbnail(int argc, char** argv) {
  ArgParser parser("pixeldex thumbnail [--config FILE | --index FILE] SOP_INSTANCE_UID -o FILE",
                   kThumbnailDescription);
  SettingsOptions settings_options;
  settings_options.AddTo(parser);
  std::string output;
  parser.Option("--output", "FILE", "write the PNG to FILE, '-' for stdout (short: -o FILE)",
                [&](const std::string& v) {
                  output = v;
                  return Status::Ok();
                });

  std::vector<char*> args = ExpandShortOptions(argc, argv);
  ParsedCommandLine command_line = ParseCommandLine(
      parser, settings_options, argc, args.data(), "thumbnail", "",
      [&output](const std::vector<std::string>& positional) {
        if (positional.size() != 1) {
          return Status::InvalidArgument(positional.empty() ? "missing SOP_INSTANCE_UID"
                                                            : "expected one SOP_INSTANCE_UID");
        }
        if (output.empty()) return Status::InvalidArgument("missing -o FILE");
        return Status::Ok();
      });
  if (!command_line.settings) return command_line.exit_code;
  const std::optional<Settings>& settings = command_line.settings;
  const std::string& uid = command_line.positional.front();

  auto reads = index::OpenArchiveReads(settings->storage.index);
  if (!reads.ok()) {
    std::fprintf(stderr, "pixeldex thumbnail: %s\n", reads.status().message().c_str());
    return 1;
  }
  auto lookup = index::FindThumbnail(**reads, uid);
  if (!lookup.ok()) {
    std::fprintf(stderr, "pixeldex thumbnail: reading %s: %s\n",
                 index::postgres::RedactUri(settings->storage.index).c_str(),
                 lookup.status().message().c_str());
    return 1;
  }
  if (!lookup->instance_found) {
    std::fprintf(stderr, "pixeldex thumbnail: no such instance: %s\n", uid.c_str());
    return 1;
  }
  if (!lookup->thumbnail || lookup->thumbnail->status != ThumbnailStatus::kOk ||
      lookup->thumbnail->png.empty()) {
    std::fprintf(stderr, "pixeldex thumbnail: no thumbnail for %s: %s\n", uid.c_str(),
                 Reason(*lookup).c_str());
    return 1;
  }
  std::string error;
  if (!WriteBytes(output, lookup->thumbnail->png, &error)) {
    std::fprintf(stderr, "pixeldex thumbnail: %s\n", error.c_str());
    return 1;
  }
  return 0;
}

}  // namespace pixeldex::server
