#pragma once
// AccessPolicy: who may associate, store, query and retrieve. Each list is a comma- or
// space-separated set of entries "AET" or "AET@address" (address: the peer's
// IP address as it connects); an empty list means "anyone". The store, find
// and retrieve lists restrict further the callers the association list admits.
// Callers give titles as SignificantAeTitle (ae_title.h) returns them.
// Immutable after Parse(); safe to read from any thread.

#include <string>
#include <vector>

#include "catalog/common/result.h"

namespace pixeldex::server {

class AccessPolicy {
 public:
  // Everyone may do everything.
  AccessPolicy() = default;
  // InvalidArgument names the malformed entry.
  static Result<AccessPolicy> Parse(const std::string& associate, const std::string& store,
                                    const std::string& find, const std::string& retrieve);

  bool MayAssociate(const std::string& aet, const std::string& address) const;
  bool MayStore(const std::string& aet, const std::string& address) const;
  bool MayFind(const std::string& aet, const std::string& address) const;
  // C-GET and C-MOVE (the Query/Retrieve GET and MOVE models).
  bool MayRetrieve(const std::string& aet, const std::string& address) const;

 private:
  struct Entry {
    std::string aet;
    std::string address;  // empty: any address
  };
  using List = std::vector<Entry>;
  static Result<List> ParseList(const std::string& text);
  static bool Allows(const List& list, const std::string& aet, const std::string& address);

  List associate_, store_, find_, retrieve_;
};

}  // namespace pixeldex::server
