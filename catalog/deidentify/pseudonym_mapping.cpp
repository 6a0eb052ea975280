#include "catalog/deidentify/pseudonym_mapping.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <vector>

#include "catalog/common/write_all.h"

namespace pixeldex::deidentify {
namespace {

constexpr const char* kHeader = "kind,original,pseudonym";

// RFC 4180 field.
std::string Field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Splits one line of our own output back into its fields.
std::vector<std::string> ParseLine(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

}  // namespace

void PseudonymMapping::Add(const std::string& kind, const std::string& original,
                           const std::string& pseudonym) {
  entries_[{kind, original}] = pseudonym;
}

Status PseudonymMapping::WriteTo(const std::string& path) const {
  auto merged = entries_;
  std::ifstream existing(path);
  for (std::string line; std::getline(existing, line);) {
    if (line == kHeader) continue;
    const std::vector<std::string> f = ParseLine(line);
    if (f.size() == 3) merged.emplace(std::make_pair(f[0], f[1]), f[2]);
  }
  std::ostringstream text;
  text << kHeader << "\n";
  for (const auto& [key, pseudonym] : merged) {
    text << Field(key.first) << "," << Field(key.second) << "," << Field(pseudonym) << "\n";
  }
  const std::string body = text.str();
  const std::string temp = path + ".partial";
  ::unlink(temp.c_str());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::FromErrno(errno, "cannot create " + temp);
  ::fchmod(fd, 0600);  // whatever the umask
  const Status written = WriteAll(fd, body, path);
  const bool ok = written.ok() && ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    const Status status =
        !written.ok() ? written : Status::FromErrno(ok ? errno : err, "cannot write " + path);
    ::unlink(temp.c_str());
    return status;
  }
  return Status::Ok();
}

}  // namespace pixeldex::deidentify
