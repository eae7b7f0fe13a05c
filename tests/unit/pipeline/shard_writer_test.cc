#include "pipeline/io/shard_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "unit/test_util.h"

namespace textmill {
namespace {

TEST(ShardWriterTest, RotatesAtSizeAndCommitsAtomically) {
  testing::TempDir dir;
  OutputOptions options;
  options.shard_size_bytes = 1000;
  ShardWriter writer(dir.path(), "part-00003", options);
  const std::string line(300, 'a');
  for (int i = 0; i < 10; ++i) {
    writer.Write(line);
    // The shard in progress is a .tmp; only full shards (3 lines of 301 bytes
    // fit in 1000, so i / 3 of them after line i) have their final names.
    std::set<std::string> finished, expected;
    int in_progress = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
      const std::string name = e.path().filename().string();
      if (name.ends_with(".tmp")) {
        ++in_progress;
      } else {
        finished.insert(name);
      }
    }
    for (int k = 0; k < i / 3; ++k) expected.insert("part-00003-0000" + std::to_string(k) + ".jsonl.zst");
    EXPECT_EQ(finished, expected) << "after line " << i;
    EXPECT_EQ(in_progress, 1) << "after line " << i;
  }
  writer.Close();
  ASSERT_EQ(writer.shards().size(), 4u);  // 3 lines of 301 bytes fit in 1000
  EXPECT_EQ(std::filesystem::path(writer.shards()[0]).filename(), "part-00003-00000.jsonl.zst");
  EXPECT_EQ(testing::ReadShardLines(dir.path()).size(), 10u);
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_FALSE(e.path().filename().string().ends_with(".tmp"));
  }
}

TEST(ShardWriterTest, GzipAndPlain) {
  for (const std::string compression : {"gzip", "none"}) {
    testing::TempDir dir;
    OutputOptions options;
    options.compression = compression;
    ShardWriter writer(dir.path(), "part-00000", options);
    writer.Write("{\"a\":1}");
    writer.Close();
    ASSERT_EQ(writer.shards().size(), 1u);
    EXPECT_EQ(testing::ReadMaybeCompressed(writer.shards()[0]), "{\"a\":1}\n") << compression;
  }
}

TEST(ShardWriterTest, AbandonedShardLeavesNoFinishedFile) {
  testing::TempDir dir;
  {
    ShardWriter writer(dir.path(), "part-00000", OutputOptions{});
    writer.Write("x");
  }  // destroyed without Close(), as on an exception
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace textmill
