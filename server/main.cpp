// pixeldex: a DICOM listener that catalogs every instance in SQLite as it
// arrives. This file only dispatches to the subcommands.

#include <cstdio>
#include <cstring>

#include <dcmtk/dcmdata/dcuid.h>

#include "catalog/index/sqlite_db.h"
#include "server/commands/command_table.h"

namespace {

using pixeldex::server::CommandEntry;
using pixeldex::server::FindCommand;

void PrintHelp() {
  std::printf("usage: pixeldex <command> [options]\n\ncommands:\n");
  for (const CommandEntry& c : pixeldex::server::Commands()) {
    std::printf("  %-14.*s %.*s\n", static_cast<int>(c.name.size()), c.name.data(),
                static_cast<int>(c.summary.size()), c.summary.data());
  }
  std::printf("\n'pixeldex help <command>' or 'pixeldex <command> --help' describes a command;\n"
              "'pixeldex --version' prints the version. README, \"The pixeldex command\",\n"
              "describes them all; docs/conformance.md is the DICOM Conformance Statement.\n");
}

}  // namespace

int main(int argc, char** argv) {
  // 'pixeldex help COMMAND' is 'pixeldex COMMAND --help'.
  if (argc == 3 && std::strcmp(argv[1], "help") == 0) {
    const CommandEntry* command = FindCommand(argv[2]);
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
                pixeldex::index::SqliteVersion());
    return 0;
  }
  if (const CommandEntry* command = FindCommand(argv[1])) return command->run(argc, argv);
  std::fprintf(stderr, "pixeldex: unknown command '%s' (see 'pixeldex help')\n", argv[1]);
  return 2;
}
