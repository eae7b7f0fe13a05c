#include "pipeline/run_state.h"

#include <gtest/gtest.h>

#include "unit/test_util.h"

namespace textmill {
namespace {

// The tasks of a phased run open the manifest at the same moment, the first
// night on a state dir that has none yet. SQLite alone answers "database is
// locked" at once to some of them (switching a new database to WAL does not
// wait on the busy handler); every one must get a usable manifest.
TEST(RunStateTest, ManyProcessesOpenANewStateDirAtOnce) {
  for (int round = 0; round < 150; ++round) {
    testing::TempDir dir;
    const int failures = testing::FailuresInProcessesAtOnce(6, [&] {
      RunState state(dir / "state", /*take_lock=*/false);
      InputListing listing;
      state.KeepNewInputs(listing);
    });
    ASSERT_EQ(failures, 0) << "round " << round;
  }
}

}  // namespace
}  // namespace textmill
