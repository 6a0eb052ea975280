// pixeldex: a DICOM listener that catalogs every instance in SQLite as it
// arrives. This file only dispatches to the subcommands.

#include <cstdio>
#include <cstring>

#include "server/commands/commands.h"

namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(int, char**);
};

constexpr Command kCommands[] = {
    {"serve", "run the DICOM listener (C-ECHO, C-STORE, C-FIND)", pixeldex::server::RunServe},
    {"import", "catalog existing folders of DICOM files, on all cores", pixeldex::server::RunImport},
    {"thumbnail", "write the stored PNG thumbnail of one instance", pixeldex::server::RunThumbnail},
    {"thumbnails", "render missing (or --all) thumbnails from stored files", pixeldex::server::RunThumbnails},
    {"query", "run read-only SQL over the index (table, csv, json, jsonl)", pixeldex::server::RunQuery},
    {"reindex", "rebuild the index from the storage tree (server may keep running)", pixeldex::server::RunReindex},
    {"check", "verify stored files against the index: missing, extra, hash mismatch", pixeldex::server::RunCheck},
};

void PrintHelp() {
  std::printf("usage: pixeldex <command> [options]\n\ncommands:\n");
  for (const Command& c : kCommands) std::printf("  %-12s %s\n", c.name, c.summary);
  std::printf("\n'pixeldex <command> --help' describes a command's options.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "help") == 0 || std::strcmp(argv[1], "--help") == 0 ||
      std::strcmp(argv[1], "-h") == 0) {
    PrintHelp();
    return argc < 2 ? 2 : 0;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    std::printf("pixeldex %s\n", PIXELDEX_VERSION);
    return 0;
  }
  for (const Command& c : kCommands) {
    if (std::strcmp(argv[1], c.name) == 0) return c.run(argc, argv);
  }
  std::fprintf(stderr, "pixeldex: unknown command '%s' (see 'pixeldex help')\n", argv[1]);
  return 2;
}
