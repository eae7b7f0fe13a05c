#include "stages/dedup/external_components.h"

#include <algorithm>

namespace textmill {
namespace {

// Calls fn({R(a), b}, moved) for every pair of `source` (ascending by a), R(a)
// the root `roots` (node, root; sorted by node) gives a, else a itself.
template <typename Source, typename Fn>
void RelabelFirst(Source source, const RecordFile<NodePair>& roots, Fn fn) {
  SortedLookup lookup(roots, [](const NodePair& p) { return p.a; });
  source([&](const NodePair& p) {
    const NodePair* root = lookup.Find(p.a);
    fn(NodePair{root ? root->b : p.a, p.b}, root != nullptr);
  });
}

}  // namespace

ExternalComponents::ExternalComponents(size_t budget_bytes, std::string dir)
    : sort_bytes_(std::max<size_t>(1, budget_bytes / 2)),
      dir_(std::move(dir)),
      edges_(sort_bytes_, dir_),
      nodes_(sort_bytes_, dir_) {}

void ExternalComponents::AddEdge(uint64_t a, uint64_t b) {
  if (a != b) edges_.Add({std::min(a, b), std::max(a, b)});
  nodes_.Add(a);
  if (a != b) nodes_.Add(b);
}

void ExternalComponents::AddNode(uint64_t x) { nodes_.Add(x); }

RecordFile<NodePair> ExternalComponents::Solve() {
  // (label, node), sorted: every node its own label at first.
  RecordFile<NodePair> labels(dir_);
  {
    bool any = false;
    uint64_t last = 0;
    nodes_.Merge([&](uint64_t x) {
      if (!any || x != last) labels.Add({x, x});
      any = true;
      last = x;
    });
  }
  RecordFile<NodePair> edges = Sorted(edges_, /*unique=*/true, dir_);  // (small, large) between roots
  while (edges.records() > 0) {
    ++rounds_;
    // Hooks: (node, its smallest neighbour), for nodes with a smaller one.
    RecordFile<NodePair> hooks(dir_);
    {
      SortedRuns<NodePair> by_large(sort_bytes_, dir_);
      edges.ForEach([&](const NodePair& e) { by_large.Add({e.b, e.a}); });
      bool any = false;
      uint64_t last = 0;
      by_large.Merge([&](const NodePair& h) {
        if (!any || h.a != last) hooks.Add(h);
        any = true;
        last = h.a;
      });
    }
    // Pointer jumping: parent := parent's parent until every parent is a root.
    for (bool moved = true; moved;) {
      ++jumps_;
      moved = false;
      SortedRuns<NodePair> by_parent(sort_bytes_, dir_);
      hooks.ForEach([&](const NodePair& h) { by_parent.Add({h.b, h.a}); });
      SortedRuns<NodePair> jumped(sort_bytes_, dir_);
      RelabelFirst([&](auto fn) { by_parent.Merge(fn); }, hooks,
                   [&](const NodePair& p, bool up) {
                     moved |= up;
                     jumped.Add({p.b, p.a});
                   });
      hooks = Sorted(jumped, false, dir_);
    }
    // Contraction: each edge between its ends' roots; self-loops go.
    SortedRuns<NodePair> half(sort_bytes_, dir_);
    RelabelFirst([&](auto fn) { edges.ForEach(fn); }, hooks, [&](const NodePair& p, bool) { half.Add({p.b, p.a}); });
    SortedRuns<NodePair> contracted(sort_bytes_, dir_);
    RelabelFirst([&](auto fn) { half.Merge(fn); }, hooks,
                 [&](const NodePair& p, bool) {
                   if (p.a != p.b) contracted.Add({std::min(p.a, p.b), std::max(p.a, p.b)});
                 });
    edges = Sorted(contracted, /*unique=*/true, dir_);
    // Labels follow their roots.
    SortedRuns<NodePair> relabelled(sort_bytes_, dir_);
    RelabelFirst([&](auto fn) { labels.ForEach(fn); }, hooks, [&](const NodePair& p, bool) { relabelled.Add(p); });
    labels = Sorted(relabelled, false, dir_);
  }
  SortedRuns<NodePair> by_node(sort_bytes_, dir_);
  labels.ForEach([&](const NodePair& l) { by_node.Add({l.b, l.a}); });
  return Sorted(by_node, false, dir_);
}

}  // namespace textmill
