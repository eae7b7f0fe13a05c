#include "stages/dedup/external_components.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>

namespace textmill {
namespace {

// The components by an in-memory union-find: node -> smallest node of its component.
std::map<uint64_t, uint64_t> Expected(const std::vector<NodePair>& edges, const std::vector<uint64_t>& nodes) {
  std::map<uint64_t, uint64_t> parent;
  const auto find = [&](uint64_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (uint64_t x : nodes) parent.emplace(x, x);
  for (const auto& e : edges) {
    parent.emplace(e.a, e.a);
    parent.emplace(e.b, e.b);
  }
  for (const auto& e : edges) {
    const uint64_t a = find(e.a), b = find(e.b);
    parent[std::max(a, b)] = std::min(a, b);
  }
  std::map<uint64_t, uint64_t> roots;
  for (const auto& [x, p] : parent) roots[x] = find(x);
  return roots;
}

// A chain of `length` nodes numbered at random (each round only halves it), stars,
// a random sparse graph, self-loops and repeated edges.
std::vector<NodePair> TestGraph(int length, std::mt19937_64& rng) {
  std::vector<uint64_t> chain(static_cast<size_t>(length));
  std::iota(chain.begin(), chain.end(), uint64_t{1000});
  std::shuffle(chain.begin(), chain.end(), rng);
  std::vector<NodePair> edges;
  for (size_t i = 1; i < chain.size(); ++i) edges.push_back({chain[i - 1], chain[i]});
  for (uint64_t center : {50000u, 60000u}) {
    for (uint64_t leaf = 1; leaf < 200; ++leaf) edges.push_back({center, center - leaf * 7});
  }
  std::uniform_int_distribution<uint64_t> node(100000, 104000);
  for (int i = 0; i < 3000; ++i) edges.push_back({node(rng), node(rng)});
  edges.push_back({7, 7});
  edges.push_back({chain[0], chain[1]});
  std::shuffle(edges.begin(), edges.end(), rng);
  return edges;
}

TEST(ExternalComponentsTest, RootsAreTheSmallestNodeOfEachComponent) {
  std::mt19937_64 rng(17);
  const std::vector<NodePair> edges = TestGraph(4000, rng);
  const std::vector<uint64_t> alone = {3, 99999, 1000};
  for (const size_t budget : {size_t{4096}, size_t{64} << 20}) {  // many spilled runs; all in memory
    ExternalComponents components(budget);
    for (const auto& e : edges) components.AddEdge(e.a, e.b);
    for (uint64_t x : alone) components.AddNode(x);
    std::vector<NodePair> got;
    components.Solve().ForEach([&](const NodePair& p) { got.push_back(p); });
    std::vector<NodePair> want;
    for (const auto& [x, root] : Expected(edges, alone)) want.push_back({x, root});
    EXPECT_EQ(got, want) << "budget " << budget;
    EXPECT_GT(components.rounds(), 2);  // the chain took several rounds
  }
}

}  // namespace
}  // namespace textmill
