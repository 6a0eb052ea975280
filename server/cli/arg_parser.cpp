#include "server/cli/arg_parser.h"

#include <fmt/format.h>

namespace pixeldex::server {

ArgParser::ArgParser(std::string usage, std::string description)
    : usage_(std::move(usage)), description_(std::move(description)) {}

void ArgParser::Flag(std::string name, std::string help, std::function<Status()> apply) {
  entries_.push_back({std::move(name), {}, std::move(help), std::move(apply), {}});
}

void ArgParser::Option(std::string name, std::string metavar, std::string help,
                       std::function<Status(const std::string&)> apply) {
  entries_.push_back({std::move(name), std::move(metavar), std::move(help), {}, std::move(apply)});
}

Status ArgParser::Parse(int argc, char** argv, int first, std::vector<std::string>* positional,
                        bool* help_requested) {
  *help_requested = false;
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      *help_requested = true;
      return Status::Ok();
    }
    if (arg.rfind("--", 0) != 0 || arg == "--") {
      positional->push_back(arg);
      continue;
    }
    std::string value;
    bool has_inline_value = false;
    if (const size_t eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_inline_value = true;
    }
    const Entry* entry = nullptr;
    for (const Entry& e : entries_) {
      if (e.name == arg) entry = &e;
    }
    if (entry == nullptr) return Status::InvalidArgument("unknown option " + arg);
    if (entry->flag) {
      if (has_inline_value) return Status::InvalidArgument(arg + " takes no value");
      PIXELDEX_RETURN_IF_ERROR(entry->flag());
      continue;
    }
    if (!has_inline_value) {
      if (i + 1 >= argc) return Status::InvalidArgument(arg + " needs a value (" + entry->metavar + ")");
      value = argv[++i];
    }
    PIXELDEX_RETURN_IF_ERROR(entry->option(value));
  }
  return Status::Ok();
}

std::string ArgParser::Help() const {
  std::string out = "usage: " + usage_ + "\n\n" + description_ + "\n\noptions:\n";
  for (const Entry& e : entries_) {
    const std::string left = e.metavar.empty() ? e.name : e.name + " " + e.metavar;
    out += fmt::format("  {:<28} {}\n", left, e.help);
  }
  out += fmt::format("  {:<28} {}\n", "-h, --help", "show this help and exit");
  return out;
}

}  // namespace pixeldex::server
