#include "tests/query/reference_matcher.h"

#include <algorithm>
#include <map>
#include <set>

#include "catalog/query/attribute_catalog.h"
#include "catalog/query/constraint.h"
#include "catalog/query/constraint_matcher.h"

namespace pixeldex::query::testing {
namespace {

class Tree {
 public:
  explicit Tree(const std::vector<FixtureEntity>& fixture) {
    for (const auto& e : fixture) {
      const int l = static_cast<int>(e.level);
      by_label_[l][e.label] = &e;
      if (l > 0) children_[Parent(e)].push_back(&e);
    }
  }
  const FixtureEntity* Parent(const FixtureEntity& e) const {
    const int l = static_cast<int>(e.level);
    auto it = by_label_[l - 1].find(e.parent);
    return it == by_label_[l - 1].end() ? nullptr : it->second;
  }
  // The ancestor (or self) at `level`.
  const FixtureEntity* At(const FixtureEntity* e, QueryLevel level) const {
    while (e && e->level > level) e = Parent(*e);
    return e && e->level == level ? e : nullptr;
  }
  // Descendants at `level`, in fixture order.
  std::vector<const FixtureEntity*> Below(const FixtureEntity* e, QueryLevel level) const {
    std::vector<const FixtureEntity*> out{e};
    while (!out.empty() && out.front()->level < level) {
      std::vector<const FixtureEntity*> next;
      for (auto* x : out) {
        auto it = children_.find(x);
        if (it != children_.end()) next.insert(next.end(), it->second.begin(), it->second.end());
      }
      out = std::move(next);
    }
    // Fixture order (= insertion order = instance_pk order): the entities
    // live in one vector, so their addresses are in fixture order.
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::map<std::string, const FixtureEntity*> by_label_[4];
  std::map<const FixtureEntity*, std::vector<const FixtureEntity*>> children_;
};

// The stored attribute `tag` as the index sees it for entity `e`.
std::optional<ResponseAttribute> Stored(const Tree& tree, const FixtureEntity& e, Tag tag) {
  if (const AttributeInfo* info = FindAttribute(tag)) {
    // Below the patient level, a study's own value of a patient attribute
    // it keeps a copy of (attribute_catalog.h, ColumnAt).
    if (info->study_column && e.level != QueryLevel::kPatient) {
      const FixtureEntity* study = tree.At(&e, QueryLevel::kStudy);
      if (const ResponseAttribute* own = study ? study->Find(tag) : nullptr) return *own;
    }
    const FixtureEntity* owner = tree.At(&e, info->level);
    if (!owner) return std::nullopt;
    if (info->computed == Computed::kModalitiesInStudy ||
        info->computed == Computed::kSopClassesInStudy) {
      const bool modality = info->computed == Computed::kModalitiesInStudy;
      std::set<std::string> values;
      for (auto* x : tree.Below(owner, modality ? QueryLevel::kSeries : QueryLevel::kImage)) {
        const ResponseAttribute* a = x->Find(modality ? Tag{0x0008, 0x0060} : Tag{0x0008, 0x0016});
        if (a && !a->values.empty()) values.insert(a->values.front());
        if (!modality && !a) values.insert("1.2.840.10008.5.1.4.1.1.7");  // loader default
      }
      return ResponseAttribute{tag, info->vr, {values.begin(), values.end()}, {}};
    }
    if (info->unique_key && !owner->Find(tag)) {
      return ResponseAttribute{tag, info->vr, {owner->label}, {}};
    }
    const ResponseAttribute* a = owner->Find(tag);
    if (!a) return std::nullopt;
    return *a;
  }
  // Header keys: read from the entity's first instance, which carries the
  // attributes of its ancestors too.
  auto instances = tree.Below(&e, QueryLevel::kImage);
  if (instances.empty()) return std::nullopt;
  for (const FixtureEntity* x = instances.front(); x; x = x->level > QueryLevel::kPatient
                                                               ? tree.Parent(*x)
                                                               : nullptr) {
    if (const ResponseAttribute* a = x->Find(tag)) return *a;
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<std::string>> ReferenceFind(const std::vector<FixtureEntity>& fixture,
                                               const FindRequest& request,
                                               const FindOptions& options) {
  Tree tree(fixture);
  std::map<Tag, Constraint> constraints;
  for (const QueryKey& key : request.keys) {
    auto c = ParseConstraint(key, options);
    if (!c.ok()) return c.status();
    constraints[key.tag] = std::move(*c);
  }
  std::vector<std::string> matches;
  for (const FixtureEntity& e : fixture) {
    if (e.level != request.level) continue;
    bool ok = true;
    std::set<Tag> done;
    if (request.combined_datetime) {
      for (const auto& [tag, c] : constraints) {
        auto time_tag = PairedTimeTag(tag);
        if (!time_tag || !constraints.count(*time_tag) || !FindAttribute(tag) ||
            !FindAttribute(*time_tag)) {
          continue;
        }
        auto range = CombineDateTime(c, constraints.at(*time_tag));
        if (!range) continue;
        auto d = Stored(tree, e, tag);
        auto t = Stored(tree, e, *time_tag);
        const std::string dv = d && !d->values.empty() ? d->values.front() : "";
        const std::string tv = t && !t->values.empty() ? t->values.front() : "";
        ok = ok && MatchesDateTime(*range, dv, tv);
        done.insert(tag);
        done.insert(*time_tag);
      }
    }
    for (const auto& [tag, c] : constraints) {
      if (!ok) break;
      if (done.count(tag)) continue;
      const AttributeInfo* info = FindAttribute(tag);
      if (info && !info->matchable) continue;
      auto stored = Stored(tree, e, tag);
      ok = Matches(c, stored ? &*stored : nullptr);
    }
    if (ok) {
      const ResponseAttribute* unique = e.Find(UniqueKeyOf(e.level));
      matches.push_back(unique && !unique->values.empty() ? unique->values.front() : e.label);
    }
  }
  return matches;
}

}  // namespace pixeldex::query::testing
