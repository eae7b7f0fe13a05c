// textmill.Pipeline: a config's stages, built once, over Python documents
// (process) or over files as `textmill run` (run).
#include <tbb/info.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "pipeline/config.h"
#include "pipeline/ingest.h"
#include "pipeline/runner.h"
#include "python/src/bindings.h"
#include "python/src/common.h"
#include "python/src/doc_stream.h"

namespace textmill::python {
namespace {

// A path (str or os.PathLike) as the file system spells it; ValueError else.
std::string PathArgument(py::handle value, const char* what) {
  static const py::object* fspath = new py::object(py::module_::import("os").attr("fspath"));
  py::object path;
  try {
    path = (*fspath)(value);
  } catch (py::error_already_set& e) {
    if (!e.matches(PyExc_TypeError)) throw;
    throw py::value_error(std::string(what) + ": expected a path (str or os.PathLike), not " +
                          std::string(py::str(py::type::of(value).attr("__name__"))));
  }
  return TextArgument(path, what);
}

class Pipeline {
 public:
  Pipeline(py::handle config, py::handle threads) {
    if (PyDict_Check(config.ptr())) {
      // JSON is YAML: the dict goes through the same loader as a file, and a
      // ConfigError's line counts lines of this indented JSON text.
      yaml_ = DumpJson(config, "config", /*indent=*/1);
      origin_ = "<dict>";
    } else {
      path_ = PathArgument(config, "config");
    }
    if (!threads.is_none()) {
      threads_ = threads.cast<int>();
      if (threads_ < 0) throw py::value_error("threads: expected >= 0 (0 = all cores)");
    }
    py::gil_scoped_release release;
    config_ = Load({});
    if (!config_.plugins.empty()) ShareSymbolsWithPlugins();
    if (threads_ < 0) threads_ = config_.threads;
    if (threads_ == 0) threads_ = tbb::info::default_concurrency();
    owned_.push_back(std::make_unique<IngestStage>(config_.reader.max_document_bytes));
    for (auto& stage : BuildStages(config_)) {
      // A global stage (dedup) decides over the whole input: only run() has it.
      if (dynamic_cast<GlobalStage*>(stage.get())) {
        skipped_.emplace_back(stage->Name());
      } else {
        owned_.push_back(std::move(stage));
      }
    }
    for (auto& stage : owned_) stages_.push_back(stage.get());
  }

  // The config with CLI-style overrides (-o, -j), from the file or the dict.
  Config Load(const std::vector<std::string>& overrides) const {
    return path_.empty() ? LoadConfigText(yaml_, origin_, overrides) : LoadConfig(path_, overrides);
  }

  py::list StageNames() const {
    py::list names;
    for (Stage* stage : stages_) names.append(py::str(std::string(stage->Name())));
    return names;
  }
  py::list Skipped() const {
    py::list names;
    for (const std::string& name : skipped_) names.append(py::str(name));
    return names;
  }
  py::object ConfigDict() const { return LoadJson(YamlToJson(config_.tree).dump()); }

  py::dict Run(py::handle inputs, py::handle output_dir, py::handle state, py::handle threads, bool overwrite,
               bool restart) {
    std::vector<std::string> overrides;
    if (!output_dir.is_none()) overrides.push_back("output.dir=" + PathArgument(output_dir, "output_dir"));
    if (!threads.is_none()) {
      const int n = threads.cast<int>();
      if (n < 0) throw py::value_error("threads: expected >= 0 (0 = all cores)");
      overrides.push_back("threads=" + std::to_string(n));
    }
    std::vector<std::string> input_paths;
    if (!inputs.is_none()) {
      if (PyUnicode_Check(inputs.ptr()) || PyBytes_Check(inputs.ptr()) || py::hasattr(inputs, "__fspath__")) {
        input_paths.push_back(PathArgument(inputs, "inputs"));
      } else {
        for (py::handle item : py::iterable(py::reinterpret_borrow<py::object>(inputs))) {
          input_paths.push_back(PathArgument(item, "inputs"));
        }
      }
    }
    const std::string state_dir = state.is_none() ? "" : PathArgument(state, "state");
    if (restart && state_dir.empty()) throw py::value_error("restart needs state");
    // The run goes on a thread of its own so that this one can take Ctrl-C
    // (WaitInterruptibly): KeyboardInterrupt sets `cancel`, the run stops at
    // its next batch without publishing (RunOptions::cancel) and is joined
    // before the exception leaves.
    std::atomic<bool> cancel{false};
    std::mutex mutex;
    std::condition_variable ended;
    bool done = false;
    RunOutcome outcome;
    std::exception_ptr error;
    std::thread worker([&] {
      try {
        // As `textmill run` loads its config (pipeline/cli.cc LoadRunConfig).
        Config config = Load(overrides);
        if (!input_paths.empty()) {
          config.inputs = input_paths;
          YAML::Node list(YAML::NodeType::Sequence);
          for (const std::string& in : input_paths) list.push_back(in);
          config.tree["inputs"] = list;
        }
        if (config.inputs.empty()) throw ConfigError("inputs: no inputs (give inputs or set inputs:)");
        config.state_dir = state_dir;
        RunOptions options;
        options.progress_seconds = 1e9;  // no progress lines: the caller has the report
        options.state_dir = state_dir;
        options.overwrite = overwrite;
        options.restart = restart;
        options.cancel = &cancel;
        if (!config.plugins.empty()) ShareSymbolsWithPlugins();
        auto stages = BuildStages(config);
        outcome = RunPipeline(config, std::move(stages), options);
      } catch (...) {
        error = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mutex);
      done = true;
      ended.notify_all();
    });
    try {
      WaitInterruptibly([&](int ms) {
        std::unique_lock<std::mutex> lock(mutex);
        return ended.wait_for(lock, std::chrono::milliseconds(ms), [&] { return done; });
      });
    } catch (...) {
      cancel = true;
      {
        py::gil_scoped_release release;  // the batches in flight finish their current stage
        worker.join();
      }
      throw;  // KeyboardInterrupt (or what another signal handler raised); the run's own error is dropped
    }
    worker.join();
    if (error) std::rethrow_exception(error);
    return LoadJson(outcome.report.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace));
  }

  const Config& config() const { return config_; }
  const std::vector<Stage*>& stages() const { return stages_; }
  int threads() const { return threads_; }

 private:
  std::string path_;  // the config file, or "" for a dict
  std::string yaml_;  // a dict config as JSON text
  std::string origin_;
  int threads_ = -1;
  Config config_;
  std::vector<std::unique_ptr<Stage>> owned_;  // ingest, then the per-document stages
  std::vector<Stage*> stages_;
  std::vector<std::string> skipped_;
};

// The iterator process() returns: pulls dicts from the caller's iterable,
// feeds a DocStream, yields its output records as dicts.
class ProcessIterator {
 public:
  ProcessIterator(const Pipeline& pipeline, py::iterable docs, bool with_rejects, std::string source)
      : input_(py::iter(docs)),
        fields_(pipeline.config().reader.jsonl),
        with_rejects_(with_rejects),
        stream_(std::make_unique<DocStream>(pipeline.config(), pipeline.stages(), pipeline.threads(),
                                            std::move(source), with_rejects)) {}

  ~ProcessIterator() { Stop(); }

  py::object Next() {
    try {
      return NextOrThrow();
    } catch (...) {
      Stop();  // Ctrl-C, a bad document, a stage's error: no thread left behind
      throw;
    }
  }

 private:
  // Records per chunk handed to the stream: enough to make its locking cheap
  // next to the stages, few enough to keep both cores busy on a short list.
  static constexpr size_t kChunkRecords = 4;

  py::object NextOrThrow() {
    for (;;) {
      while (next_ < chunk_.size()) {
        OutputDoc& doc = chunk_[next_++];
        if (doc.rejected && !with_rejects_) continue;
        return LoadJson(doc.line);
      }
      if (!stream_) throw py::stop_iteration();
      Feed();
      if (stream_->Outstanding() == 0 && input_done_) {
        Stop();
        throw py::stop_iteration();
      }
      chunk_.clear();
      next_ = 0;
      DocStream::Poll poll = DocStream::Poll::kTimeout;
      WaitInterruptibly([&](int ms) { return (poll = stream_->Next(chunk_, ms)) != DocStream::Poll::kTimeout; });
      if (poll == DocStream::Poll::kEnd) {
        Stop();
        throw py::stop_iteration();
      }
    }
  }

  // Pushes records until the stream holds as many chunks as it may (see the
  // deadlock rule in doc_stream.h) or the input ends.
  void Feed() {
    while (!input_done_ && stream_->Outstanding() < stream_->MaxOutstanding()) {
      std::vector<InputRecord> records;
      while (records.size() < kChunkRecords) {
        PyObject* item = PyIter_Next(input_.ptr());
        if (!item) {
          if (PyErr_Occurred()) throw py::error_already_set();
          input_done_ = true;
          break;
        }
        const py::object doc = py::reinterpret_steal<py::object>(item);
        const std::string where = "documents[" + std::to_string(count_++) + "]";
        if (PyUnicode_Check(doc.ptr()) || PyBytes_Check(doc.ptr()) || PyByteArray_Check(doc.ptr())) {
          // A JSONL line, parsed by the stream's threads as the CLI parses a file's: the caller's
          // json.loads of each line (most of a dict caller's CPU under the GIL) is not needed.
          InputRecord& record = records.emplace_back();
          record.is_line = true;
          record.line = TextArgument(doc, where.c_str());
          continue;
        }
        if (!PyDict_Check(doc.ptr())) {
          throw py::value_error(where + ": expected a dict or a JSONL line (str or bytes), not " +
                                std::string(py::str(py::type::of(doc).attr("__name__"))));
        }
        records.push_back(ToRecord(doc, where));
      }
      if (!records.empty()) stream_->Push(std::move(records));
    }
    if (input_done_) stream_->Close();
  }

  // The record's text and html strings as bytes, the rest as JSON: escaping
  // a page into JSON here, under the GIL, would be the slowest step of all.
  InputRecord ToRecord(py::handle doc, const std::string& where) const {
    InputRecord record;
    const py::object rest = py::reinterpret_steal<py::object>(PyDict_Copy(doc.ptr()));
    if (!rest) throw py::error_already_set();
    for (const std::string* name : {&fields_.text, &fields_.html}) {
      if (name->find('.') != std::string::npos) continue;  // a nested field: JSON does it
      PyObject* value = PyDict_GetItemString(rest.ptr(), name->c_str());  // borrowed
      if (!value || !PyUnicode_Check(value)) continue;  // not a str: the parser's verdict, as in the CLI
      record.strings.emplace_back(*name, TextArgument(value, where.c_str()));
      if (PyDict_DelItemString(rest.ptr(), name->c_str()) != 0) throw py::error_already_set();
    }
    if (PyDict_Size(rest.ptr()) > 0) record.rest = DumpJson(rest, where.c_str());
    return record;
  }

  void Stop() {
    if (!stream_) return;
    stream_->Cancel();
    py::gil_scoped_release release;  // the join waits for documents in flight
    stream_.reset();
  }

  py::iterator input_;
  JsonlFields fields_;
  bool with_rejects_;
  bool input_done_ = false;
  uint64_t count_ = 0;
  std::unique_ptr<DocStream> stream_;
  std::vector<OutputDoc> chunk_;
  size_t next_ = 0;
};

}  // namespace

void BindPipeline(py::module_& m) {
  py::class_<ProcessIterator>(m, "_ProcessIterator")
      .def("__iter__", [](py::object self) { return self; })
      .def("__next__", &ProcessIterator::Next);

  py::class_<Pipeline>(m, "Pipeline", R"(The stages of a textmill config, built once (models loaded).

Pipeline(config, *, threads=None): config is the path of a YAML config file,
or a dict of the same keys (relative paths in a dict are relative to the
working directory). threads: worker threads for process() (None: the
config's `threads`, 0 = all cores).
Raises textmill.ConfigError (with .yaml_path and .line) for a bad config,
ValueError for a bad argument.)")
      .def(py::init<py::handle, py::handle>(), py::arg("config"), py::kw_only(), py::arg("threads") = py::none())
      .def(
          "process",
          [](const Pipeline& self, py::iterable docs, py::object rejects, std::string source) {
            const bool with_rejects = rejects.is_none() ? self.config().output.rejects : rejects.cast<bool>();
            return std::make_unique<ProcessIterator>(self, docs, with_rejects, std::move(source));
          },
          py::arg("docs"), py::kw_only(), py::arg("rejects") = py::none(), py::arg("source") = "python",
          py::keep_alive<0, 1>(),
          R"(Runs the per-document stages over `docs`; returns an iterator of output records.

docs: an iterable of dicts with the fields of a JSONL input record (id, text
or html, url, date, anything else lands in metadata; field names as the
config's reader.jsonl says), or of JSONL lines (str or bytes, one record
each, as iterating a file gives them: process(open(path, "rb")) reads the
file as `textmill run` does, blank lines skipped but counted, and parses it
on the worker threads: the fastest input). Read lazily, a few chunks ahead.
Output: dicts in the config's output schema (textmill, dolma, datatrove),
in input order, exactly what `textmill run` writes for the same records in
a JSONL file named `source` (each record's source is "SOURCE:N", N from 1).
rejects: True yields rejected documents too, as the rejects/ records (with
reject_reason and rejected_by); False drops them; None: the config's
output.rejects.
The stages run on all cores (threads) with the GIL released. A global stage
(dedup) needs the whole corpus and is skipped here (see skipped_stages);
run() has it. Ctrl-C raises KeyboardInterrupt within about 50 ms (plus the
documents in flight). A non-dict item or a value JSON cannot hold raises
ValueError.)")
      .def("run", &Pipeline::Run, py::arg("inputs"), py::arg("output_dir"), py::arg("state") = py::none(),
           py::kw_only(), py::arg("threads") = py::none(), py::arg("overwrite") = false, py::arg("restart") = false,
           R"(`textmill run` over files: every stage, dedup included, sharded output in output_dir.

inputs: a path or a list of paths (files or directories; None: the config's
inputs); output_dir: None for the config's output.dir; state: the --state
directory (nightly runs: earlier inputs skipped, dedup against them).
Returns the run's report (report.json) as a dict; exit_code 3 in it means
some inputs could not be read. Ctrl-C raises KeyboardInterrupt within about
50 ms plus the batches in flight (while the models load: once they are
loaded), and nothing is published: no report, the
shards this run wrote removed, a state dir's run left to resume, as after a
kill. Plugins named by the config load as in the CLI. Raises textmill.ConfigError, textmill.LockedError (another run
holds the state directory), textmill.Error (output not writable).)")
      .def_property_readonly("stages", &Pipeline::StageNames,
                             "Names of the stages process() runs, in order (ingest first).")
      .def_property_readonly("skipped_stages", &Pipeline::Skipped,
                             "Global stages (dedup) that process() skips and run() runs.")
      .def_property_readonly("config", &Pipeline::ConfigDict, "The effective config as a dict.");
}

}  // namespace textmill::python
