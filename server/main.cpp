// pixeldex: a DICOM listener that catalogs every instance in SQLite as it
// arrives. This file only dispatches to the subcommands.

#include <cstdio>
#include <cstring>

#include <dcmtk/dcmdata/dcuid.h>
#include <sqlite3.h>

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
    {"export", "copy a selection (SQL or UIDs) to a folder with a manifest; --deidentify", pixeldex::server::RunExport},
    {"delete", "delete instances (SQL or UIDs) crash-safe, with a reason; --dry-run", pixeldex::server::RunDelete},
    {"check", "verify stored files against the index: missing, extra, hash mismatch", pixeldex::server::RunCheck},
    {"hash-password", "print the salted hash of a password or a new token (http.users)", pixeldex::server::RunHashPassword},
};

void PrintHelp() {
  std::printf("usage: pixeldex <command> [options]\n\ncommands:\n");
  for (const Command& c : kCommands) std::printf("  %-12s %s\n", c.name, c.summary);
  std::printf("\n'pixeldex help <command>' or 'pixeldex <command> --help' describes a command;\n"
              "'pixeldex --version' prints the version. docs/conformance.md is the DICOM\n"
              "Conformance Statement.\n");
}

const Command* FindCommand(const char* name) {
  for (const Command& c : kCommands) {
    if (std::strcmp(name, c.name) == 0) return &c;
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  // 'pixeldex help COMMAND' is 'pixeldex COMMAND --help'.
  if (argc == 3 && std::strcmp(argv[1], "help") == 0) {
    const Command* command = FindCommand(argv[2]);
    if (command == nullptr) {
      std::fprintf(stderr, "pixeldex: unknown command '%s' (see 'pixeldex help')\n", argv[2]);
      return 2;
    }
    char help_flag[] = "--help";
    char* help_argv[] = {argv[0], argv[2], help_flag, nullptr};
    return command->run(3, help_argv);
  }
  if (argc < 2 || std::strcmp(argv[1], "help") == 0 || std::strcmp(argv[1], "--help") == 0 ||
      std::strcmp(argv[1], "-h") == 0) {
    PrintHelp();
    return argc < 2 ? 2 : 0;
  }
  if (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "version") == 0) {
    std::printf("pixeldex %s (DCMTK %s, SQLite %s)\n", PIXELDEX_VERSION, OFFIS_DCMTK_VERSION_STRING,
                sqlite3_libversion());
    return 0;
  }
  if (const Command* command = FindCommand(argv[1])) return command->run(argc, argv);
  std::fprintf(stderr, "pixeldex: unknown command '%s' (see 'pixeldex help')\n", argv[1]);
  return 2;
}
