// `textmill state check DIR` and `textmill state runs DIR`: what a state dir
// (run --state) holds, read-only, without taking its lock.
#pragma once

#include <string>
#include <vector>

namespace textmill {

// check: the manifest's integrity (SQLite quick_check), then each stage's
// StateCheck (pipeline/registry.h) for the files it keeps there. Prints one line per part; returns 0 if all are sound, 2 if not.
// runs: the manifest's runs, tab-separated (id, status, shard, output_dir,
// started, finished, documents_read, documents_written), oldest first.
int StateCommand(const std::vector<std::string>& args);

}  // namespace textmill
