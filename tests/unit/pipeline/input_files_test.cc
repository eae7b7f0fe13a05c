#include "pipeline/io/input_files.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "unit/test_util.h"

namespace textmill {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::WriteFile;

TEST(InputFilesTest, RecursiveSortedAndFiltered) {
  TempDir dir;
  WriteFile(dir / "b/2.html", "x");
  WriteFile(dir / "a/1.txt.gz", "x");
  WriteFile(dir / "a/0.jsonl.zst", "x");
  WriteFile(dir / "c.png", "x");
  const InputListing listing = ListInputs({dir.path()}, ReaderOptions{});
  ASSERT_EQ(listing.files.size(), 3u);
  EXPECT_EQ(listing.files[0].relative, "a/0.jsonl.zst");
  EXPECT_EQ(listing.files[0].format, InputFormat::kJsonl);
  EXPECT_EQ(listing.files[0].compression, Compression::kZstd);
  EXPECT_EQ(listing.files[1].relative, "a/1.txt.gz");
  EXPECT_EQ(listing.files[2].format, InputFormat::kHtml);
  EXPECT_EQ(listing.ignored.at("png"), 1);
}

TEST(InputFilesTest, MissingPathIsReported) {
  const InputListing listing = ListInputs({"/nonexistent/textmill"}, ReaderOptions{});
  EXPECT_TRUE(listing.files.empty());
  ASSERT_EQ(listing.unreadable.size(), 1u);
  EXPECT_NE(listing.unreadable[0].reason.find("No such file"), std::string::npos);
}

TEST(InputFilesTest, SymlinkLoopIsReportedAndWalkEnds) {
  TempDir dir;
  WriteFile(dir / "d/page.html", "x");
  fs::create_directory_symlink("..", dir / "d/loop");
  const InputListing listing = ListInputs({dir.path()}, ReaderOptions{});
  ASSERT_EQ(listing.files.size(), 1u);
  ASSERT_EQ(listing.unreadable.size(), 1u);
  EXPECT_NE(listing.unreadable[0].reason.find("symlink loop"), std::string::npos);
}

TEST(InputFilesTest, BrokenSymlinkIsReported) {
  TempDir dir;
  fs::create_symlink(dir / "missing.html", dir / "link.html");
  const InputListing listing = ListInputs({dir.path()}, ReaderOptions{});
  EXPECT_TRUE(listing.files.empty());
  EXPECT_EQ(listing.unreadable.size(), 1u);
}

TEST(InputFilesTest, ShardsPartitionTheFiles) {
  TempDir dir;
  for (int i = 0; i < 10; ++i) WriteFile(dir / ("p" + std::to_string(i) + ".html"), "x");
  const InputListing all = ListInputs({dir.path()}, ReaderOptions{});
  size_t total = 0;
  for (int r = 0; r < 3; ++r) {
    const InputListing part = SelectShard(all, r, 3);
    total += part.files.size();
    for (const InputFile& f : part.files) {
      const auto it = std::find_if(all.files.begin(), all.files.end(),
                                   [&](const InputFile& g) { return g.path == f.path; });
      EXPECT_EQ(static_cast<int>(it - all.files.begin()) % 3, r);
    }
  }
  EXPECT_EQ(total, all.files.size());
}

TEST(InputFilesTest, ExplicitFileIsTakenWhateverItsName) {
  TempDir dir;
  WriteFile(dir / "page.dump", "x");
  const InputListing listing = ListInputs({dir / "page.dump"}, ReaderOptions{});
  ASSERT_EQ(listing.files.size(), 1u);
  EXPECT_EQ(listing.files[0].relative, "page.dump");
}

}  // namespace
}  // namespace textmill
