// Command-line entry points, one per subcommand. Each returns the exit code:
// 0 done; 1 fatal runtime error; 2 usage or config error (before any work);
// 3 done, but some inputs could not be read.
#pragma once

#include <string>
#include <vector>

namespace textmill {

constexpr int kExitOk = 0;
constexpr int kExitFatal = 1;
constexpr int kExitUsage = 2;
constexpr int kExitSomeInputsUnreadable = 3;
constexpr int kExitLocked = 4;

int Main(int argc, char** argv);

// Parses "R/N" with 0 <= R < N; false if malformed.
bool ParseShard(const std::string& text, int& rank, int& count);

}  // namespace textmill
