#pragma once
// ArgParser: a small declarative command-line parser for the subcommands.
// Each subcommand declares its flags with a help line; Parse() applies them in
// order and collects positional arguments; Help() renders a usage page.

#include <functional>
#include <string>
#include <vector>

#include "catalog/common/status.h"

namespace pixeldex::server {

class ArgParser {
 public:
  ArgParser(std::string usage, std::string description);

  // A flag without a value, e.g. --no-thumbnails.
  void Flag(std::string name, std::string help, std::function<Status()> apply);
  // A flag with a value, e.g. --port 11112 or --port=11112.
  void Option(std::string name, std::string metavar, std::string help,
              std::function<Status(const std::string&)> apply);

  // Parses argv[first..argc). "--help"/"-h" sets *help_requested instead.
  Status Parse(int argc, char** argv, int first, std::vector<std::string>* positional,
               bool* help_requested);
  std::string Help() const;

 private:
  struct Entry {
    std::string name, metavar, help;
    std::function<Status()> flag;
    std::function<Status(const std::string&)> option;
  };
  std::string usage_, description_;
  std::vector<Entry> entries_;
};

}  // namespace pixeldex::server
