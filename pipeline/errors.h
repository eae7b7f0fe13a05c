// Errors for bad *setup* (config, models, output dir). Bad *data* never throws:
// the document gets a reject reason and the run goes on (see document.h).
#pragma once

#include <stdexcept>
#include <string>

namespace textmill {

// Base of every setup error; main() prints what() and exits non-zero.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A config problem found before any work starts: exit code 2.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A failure during the run that leaves the output incomplete: exit code 1.
class RuntimeError : public Error {
 public:
  using Error::Error;
};

// The run was stopped from outside (RunOptions::cancel, e.g. Ctrl-C in the
// Python binding) before it published anything: what a kill leaves, minus
// this attempt's shards.
class Cancelled : public Error {
 public:
  using Error::Error;
};

}  // namespace textmill
