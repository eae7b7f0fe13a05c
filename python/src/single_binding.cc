// textmill.extract, extract_text, identify_language, identify_languages: one
// stage on one text (or a list), no config file needed.
//
// The stages are built once per distinct options and kept for the life of the
// process: building the extract stage loads the block model, the identifier
// loads fastText and the Hunspell dictionaries. Stages are immutable and
// thread-safe (pipeline/stage.h), so Python threads may share them.
#include <tbb/blocked_range.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <mutex>

#include "pipeline/batch.h"
#include "pipeline/config.h"
#include "pipeline/ingest.h"
#include "pipeline/util/utf8.h"
#include "python/src/bindings.h"
#include "python/src/common.h"
#include "stages/langid/langid.h"

namespace textmill::python {
namespace {

// What the CLI's readers take before ingest: a larger document is rejected
// as too_large unread (ReaderOptions::max_document_bytes, 64 MiB).
const int64_t kMaxDocumentBytes = ReaderOptions().max_document_bytes;

struct Extractor {
  IngestStage ingest{kMaxDocumentBytes};
  std::unique_ptr<Stage> extract;
};

// The extractor for `options_json` (the stage's YAML options as JSON, "null"
// for the defaults), built on first use.
Extractor& ExtractorFor(const std::string& options_json) {
  static std::mutex mutex;
  static auto* cache = new std::map<std::string, std::unique_ptr<Extractor>>();
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = (*cache)[options_json];
  if (!slot) {
    auto extractor = std::make_unique<Extractor>();
    OptionReader reader(YAML::Load(options_json), "options");
    extractor->extract = Registry::Global().Create("extract", reader, StageContext(), "extract");
    extractor->extract->Load();
    slot = std::move(extractor);
  }
  return *slot;
}

py::object OptionalString(const std::string& s) { return s.empty() ? py::object(py::none()) : py::str(s); }

py::dict ExtractOne(py::handle content, py::handle url, py::handle options, ContentKind kind) {
  bool was_str = false;
  Document doc;
  doc.kind = kind;
  doc.raw = TextArgument(content, kind == ContentKind::kHtml ? "html" : "text", &was_str);
  if (was_str) doc.declared_charset = "utf-8";  // decoded by Python: a <meta charset> must not re-decode it
  if (!url.is_none()) doc.url = TextArgument(url, "url");
  RepairUtf8InPlace(doc.url);
  const std::string options_json = options.is_none() ? "null" : DumpJson(options, "options");
  {
    py::gil_scoped_release release;
    Extractor& extractor = ExtractorFor(options_json);
    if (static_cast<int64_t>(doc.raw.size()) > kMaxDocumentBytes) {
      doc.raw.clear();
      doc.Reject("too_large");
    }
    Batch batch;
    batch.docs.push_back(std::move(doc));
    extractor.ingest.Process(batch);
    extractor.extract->Process(batch);
    doc = std::move(batch.docs[0]);
  }
  const Json& meta = doc.metadata;
  const auto field = [&meta](const char* key) {
    return meta.contains(key) && meta[key].is_string() ? meta[key].get<std::string>() : std::string();
  };
  py::dict out;
  out["text"] = py::str(doc.text);
  out["title"] = OptionalString(field("title"));
  out["date"] = OptionalString(doc.date.empty() ? field("date") : doc.date);
  out["url"] = OptionalString(doc.url);
  out["lang_hint"] = OptionalString(field("html_lang"));
  out["metadata"] = LoadJson(meta.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace));
  out["reject_reason"] = OptionalString(doc.reject_reason);
  return out;
}

// The identifier `textmill langid` uses without a config: the langid stage's
// default options (backend auto: fastText + CLD2 when the model is there).
const LanguageIdentifier& DefaultIdentifier() {
  static std::once_flag once;
  static std::unique_ptr<LanguageIdentifier> identifier;
  std::call_once(once, [] { identifier = MakeLanguageIdentifier(LangidOptions(), StageContext()); });
  return *identifier;
}

py::tuple Guess(const LanguageGuess& g) { return py::make_tuple(g.lang, g.score); }

std::string LangidText(py::handle text) {
  std::string s = TextArgument(text, "text");
  RepairUtf8InPlace(s);
  return s;
}

}  // namespace

void BindSingle(py::module_& m) {
  m.def(
      "extract", [](py::object html, py::object url, py::object options) {
        return ExtractOne(html, url, options, ContentKind::kHtml);
      },
      py::arg("html"), py::arg("url") = py::none(), py::kw_only(), py::arg("options") = py::none(),
      R"(Main content of one HTML page, as the `extract` stage of a run finds it.

html: str, or bytes in any charset (detected from the BOM, <meta charset> or
the bytes, as for an HTML file). url: the page's URL, if known.
options: the extract stage's options as in the YAML config, e.g.
{"include_title": True}; None for the defaults.

Returns a dict: text, title, date, url (the given one, else the page's
canonical URL), lang_hint (the <html lang> attribute), metadata (everything
the stage found), reject_reason (None, or why nothing was kept:
"no_content", "empty", "binary", "too_large" over 64 MiB, "timeout").
Raises ValueError when html is not str or bytes, textmill.ConfigError for bad
options.)");
  m.def(
      "extract_text", [](py::object text, py::object url, py::object options) {
        return ExtractOne(text, url, options, ContentKind::kText);
      },
      py::arg("text"), py::arg("url") = py::none(), py::kw_only(), py::arg("options") = py::none(),
      R"(The same as extract() for a text dump of a page (one line a block, as a
browser's "save as text" writes): line-level boilerplate cleaning. Text that
is in fact HTML is treated as HTML, as the CLI does for a .txt file.)");
  m.def(
      "identify_language",
      [](py::object text) {
        const std::string s = LangidText(text);
        LanguageGuess g;
        {
          py::gil_scoped_release release;
          g = DefaultIdentifier().Identify(s);
        }
        return Guess(g);
      },
      py::arg("text"),
      R"(Language of a text: (label, score), label an ISO 639-1 code where one exists
(else 639-3, "und" when unknown), score in 0..1. The same classifier as
`textmill langid` (fastText lid.176 and CLD2 combined when the model is
installed, else CLD2). Raises ValueError when text is not str or bytes.)");
  m.def(
      "identify_languages",
      [](py::iterable texts, int threads) {
        if (threads < 0) throw py::value_error("threads: expected >= 0 (0 = all cores)");
        std::vector<std::string> items;
        for (py::handle text : texts) items.push_back(LangidText(text));
        std::vector<LanguageGuess> guesses(items.size());
        {
          py::gil_scoped_release release;
          const LanguageIdentifier& identifier = DefaultIdentifier();
          tbb::task_arena arena(threads > 0 ? threads : tbb::info::default_concurrency());
          arena.execute([&] {
            tbb::parallel_for(tbb::blocked_range<size_t>(0, items.size(), 16), [&](const tbb::blocked_range<size_t>& r) {
              for (size_t i = r.begin(); i < r.end(); ++i) guesses[i] = identifier.Identify(items[i]);
            });
          });
        }
        py::list out;
        for (const LanguageGuess& g : guesses) out.append(Guess(g));
        return out;
      },
      py::arg("texts"), py::kw_only(), py::arg("threads") = 0,
      R"(identify_language over a list (any iterable) of texts, on `threads` cores
(0 = all) with the GIL released; returns the list of (label, score) in order.)");
}

}  // namespace textmill::python
