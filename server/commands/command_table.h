#pragma once
// The table of pixeldex subcommands: each one's name, its one-line summary
// for `pixeldex help`, and its entry point (commands.h). main() dispatches
// through it, and the documentation test reads it, so a command added here
// is listed by `pixeldex help` and must be documented in the README.

#include <span>
#include <string_view>

namespace pixeldex::server {

struct CommandEntry {
  std::string_view name;
  std::string_view summary;
  int (*run)(int argc, char** argv);
};

// Every subcommand, in the order `pixeldex help` lists them.
std::span<const CommandEntry> Commands();

// The entry named `name`, or nullptr.
const CommandEntry* FindCommand(std::string_view name);

}  // namespace pixeldex::server
