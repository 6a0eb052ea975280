#include "server/access/access_policy.h"

#include <sstream>

#include "server/access/ae_title.h"

namespace pixeldex::server {

Result<AccessPolicy::List> AccessPolicy::ParseList(const std::string& text) {
  std::string normalized = text;
  for (char& c : normalized) {
    if (c == ',') c = ' ';
  }
  std::istringstream words(normalized);
  List list;
  std::string word;
  while (words >> word) {
    Entry entry;
    const size_t at = word.find('@');
    entry.aet = word.substr(0, at);
    if (at != std::string::npos) entry.address = word.substr(at + 1);
    // PS3.5 6.2: 1 to 16 characters, no control characters nor backslash.
    if (SignificantAeTitle(entry.aet) != entry.aet ||
        (at != std::string::npos && entry.address.empty())) {
      return Status::InvalidArgument("malformed access entry '" + word +
                                     "' (expected AET or AET@address)");
    }
    list.push_back(std::move(entry));
  }
  return list;
}

Result<AccessPolicy> AccessPolicy::Parse(const std::string& associate, const std::string& store,
                                         const std::string& find, const std::string& retrieve) {
  AccessPolicy policy;
  auto a = ParseList(associate);
  if (!a.ok()) return a.status();
  auto s = ParseList(store);
  if (!s.ok()) return s.status();
  auto f = ParseList(find);
  if (!f.ok()) return f.status();
  auto r = ParseList(retrieve);
  if (!r.ok()) return r.status();
  policy.associate_ = std::move(a).value();
  policy.store_ = std::move(s).value();
  policy.find_ = std::move(f).value();
  policy.retrieve_ = std::move(r).value();
  return policy;
}

bool AccessPolicy::Allows(const List& list, const std::string& aet, const std::string& address) {
  if (list.empty()) return true;
  for (const Entry& e : list) {
    if (e.aet == aet && (e.address.empty() || e.address == address)) return true;
  }
  return false;
}

bool AccessPolicy::MayAssociate(const std::string& aet, const std::string& address) const {
  return Allows(associate_, aet, address);
}

bool AccessPolicy::MayStore(const std::string& aet, const std::string& address) const {
  return MayAssociate(aet, address) && Allows(store_, aet, address);
}

bool AccessPolicy::MayFind(const std::string& aet, const std::string& address) const {
  return MayAssociate(aet, address) && Allows(find_, aet, address);
}

bool AccessPolicy::MayRetrieve(const std::string& aet, const std::string& address) const {
  return MayAssociate(aet, address) && Allows(retrieve_, aet, address);
}

}  // namespace pixeldex::server
