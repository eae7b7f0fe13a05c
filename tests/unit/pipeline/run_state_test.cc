#include "pipeline/run_state.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "unit/test_util.h"

namespace textmill {
namespace {

// The tasks of a phased run open the manifest at the same moment, the first
// night on a state dir that has none yet. SQLite alone answers "database is
// locked" at once to some of them (switching a new database to WAL does not
// wait on the busy handler); every one must get a usable manifest.
TEST(RunStateTest, ManyProcessesOpenANewStateDirAtOnce) {
  for (int round = 0; round < testing::RaceRounds(150); ++round) {
    testing::TempDir dir;
    const int failures = testing::FailuresInProcessesAtOnce(6, [&] {
      RunState state(dir / "state", /*take_lock=*/false);
      InputListing listing;
      state.KeepNewInputs(listing);
    });
    ASSERT_EQ(failures, 0) << "round " << round;
  }
}

// `rm DIR/lock` under a live run: the directory's own flock still holds.
TEST(RunStateTest, LockSurvivesRemovingTheLockFile) {
  testing::TempDir dir;
  auto first = std::make_unique<RunState>(dir.path());
  std::filesystem::remove(dir / "lock");
  EXPECT_THROW(RunState second(dir.path()), LockedError);
  first.reset();
  EXPECT_NO_THROW(RunState third(dir.path()));
}

TEST(RunStateTest, DamagedManifestIsAConfigError) {
  testing::TempDir dir;
  { RunState state(dir.path()); }
  const std::string manifest = dir / "manifest.sqlite";
  const auto size = std::filesystem::file_size(manifest);
  {
    std::fstream f(manifest, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size) - 4096);
    for (int i = 0; i < 4096; ++i) f.put(static_cast<char>((i * 7919) & 0xff));
  }
  EXPECT_THROW(RunState state(dir.path()), ConfigError);
  std::filesystem::resize_file(manifest, 0);  // emptied: not a new history
  EXPECT_THROW(RunState state(dir.path()), ConfigError);
  std::filesystem::remove(manifest);
  EXPECT_THROW(RunState state(dir.path()), ConfigError);
}

}  // namespace
}  // namespace textmill
