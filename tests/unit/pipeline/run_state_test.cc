#include "pipeline/run_state.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

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
    std::vector<pid_t> tasks;
    for (int t = 0; t < 6; ++t) {
      const pid_t pid = ::fork();
      ASSERT_GE(pid, 0);
      if (pid == 0) {  // a task: open the manifest, read it, report by exit code
        int code = 0;
        try {
          RunState state(dir / "state", /*take_lock=*/false);
          InputListing listing;
          state.KeepNewInputs(listing);
        } catch (const std::exception&) {
          code = 1;
        }
        ::_exit(code);
      }
      tasks.push_back(pid);
    }
    int failures = 0;
    for (const pid_t pid : tasks) {
      int status = 0;
      ::waitpid(pid, &status, 0);
      failures += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    ASSERT_EQ(failures, 0) << "round " << round;
  }
}

}  // namespace
}  // namespace textmill
