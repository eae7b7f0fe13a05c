#include "pipeline/io/document_source.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "pipeline/util/hash.h"
#include "pipeline/util/utf8.h"
#include "pipeline/io/http_payload.h"

namespace textmill {

std::string IdFromSource(std::string_view source) { return Hash128Hex(source); }

struct DocumentSource::JsonlState {
  JsonlState(const InputFile& f) : file(f), stream(f.path, f.compression) {}
  const InputFile& file;
  DecompressingFile stream;
  std::string buffer;
  size_t pos = 0;
  int64_t line = 0;
  bool eof = false;
  bool skipping_long_line = false;
};

struct DocumentSource::WarcState {
  WarcState(const InputFile& f, int64_t max_bytes) : file(f), reader(f.path, f.compression, max_bytes) {}
  const InputFile& file;
  WarcReader reader;
};

DocumentSource::DocumentSource(const InputListing& listing, const ReaderOptions& options,
                               int batch_size, ReadProgress* progress)
    : listing_(listing),
      options_(options),
      batch_size_(batch_size),
      progress_(progress),
      jsonl_parser_(options.jsonl) {}

DocumentSource::~DocumentSource() = default;

bool DocumentSource::Next(Batch& batch) {
  bool any = false;
  size_t numbered = batch.docs.size();
  // Documents appended since the last call get their place in input order.
  const auto number_new = [&] {
    for (; numbered < batch.docs.size(); ++numbered) {
      batch.docs[numbered].input_order = (uint64_t{file_index_} << 32) | record_in_file_++;
    }
  };
  while (static_cast<int>(batch.docs.size()) < batch_size_) {
    if (warc_ || jsonl_) {  // a file read record by record, possibly over several batches
      any = true;
      const bool finished = warc_ ? ReadWarcRecords(batch) : ReadJsonlLines(batch);
      number_new();
      if (finished) {
        const uint64_t size = warc_ ? warc_->file.size : jsonl_->file.size;
        progress_->bytes_read += static_cast<int64_t>(size);
        batch.input_bytes += size;
        warc_.reset();
        jsonl_.reset();
        FinishFile(batch);
      }
      continue;
    }
    if (next_file_ >= listing_.files.size()) break;
    const InputFile& file = listing_.files[next_file_++];
    any = true;
    file_index_ = file.index;
    record_in_file_ = 0;
    if (file.format == InputFormat::kWarc) {
      warc_ = std::make_unique<WarcState>(file, options_.max_document_bytes);
    } else if (file.format == InputFormat::kJsonl) {
      jsonl_ = std::make_unique<JsonlState>(file);
    } else {
      ReadWholeFile(file, batch);
      number_new();
      FinishFile(batch);
    }
  }
  return any;
}

void DocumentSource::FinishFile(Batch& batch) {
  ++batch.files_completed;
  ++progress_->files_done;
}

void DocumentSource::ReadWholeFile(const InputFile& file, Batch& batch) {
  Document& doc = batch.docs.emplace_back();
  doc.source = file.relative;
  doc.input_path = file.path;
  doc.id = IdFromSource(doc.source);
  doc.kind = file.format == InputFormat::kHtml ? ContentKind::kHtml : ContentKind::kText;
  doc.raw_compression = file.compression;
  progress_->bytes_read += static_cast<int64_t>(file.size);
  batch.input_bytes += file.size;
  if (file.size > static_cast<uint64_t>(options_.max_document_bytes)) {
    doc.Reject("too_large");  // not read at all: a 2 GB page costs nothing
    return;
  }
  std::FILE* f = std::fopen(file.path.c_str(), "rb");
  if (!f) {
    doc.metadata["error"] = std::strerror(errno);
    doc.Reject("read_error");
    doc.input_unreadable = true;
    return;
  }
  // Read to EOF rather than trusting the listed size: files change, and
  // /proc-like files report size 0.
  const size_t limit = static_cast<size_t>(options_.max_document_bytes) + 1;
  doc.raw.resize(std::min<size_t>(file.size + 1, limit));
  size_t used = 0;
  for (;;) {
    used += std::fread(doc.raw.data() + used, 1, doc.raw.size() - used, f);
    if (used < doc.raw.size() || doc.raw.size() >= limit) break;
    doc.raw.resize(std::min(doc.raw.size() * 2, limit));
  }
  const bool failed = std::ferror(f) != 0;
  const int saved_errno = errno;
  std::fclose(f);
  doc.raw.resize(used);
  if (failed) {
    doc.raw.clear();
    doc.metadata["error"] = std::strerror(saved_errno);
    doc.Reject("read_error");
    doc.input_unreadable = true;
  } else if (used >= limit) {
    doc.raw.clear();
    doc.Reject("too_large");
  }
}

bool DocumentSource::ReadJsonlLines(Batch& batch) {
  JsonlState& s = *jsonl_;
  constexpr size_t kReadSize = 1 << 20;
  const size_t max_line = static_cast<size_t>(options_.max_document_bytes);
  while (static_cast<int>(batch.docs.size()) < batch_size_) {
    size_t newline = s.buffer.find('\n', s.pos);
    if (newline == std::string::npos && !s.eof) {
      s.buffer.erase(0, s.pos);
      s.pos = 0;
      if (s.skipping_long_line) s.buffer.clear();
      if (!s.stream.Read(s.buffer, kReadSize)) s.eof = true;
      if (!s.skipping_long_line && s.buffer.size() > max_line &&
          s.buffer.find('\n') == std::string::npos) {
        // A line longer than any document may be: reject it, skip to its end.
        ++s.line;
        Document& doc = batch.docs.emplace_back();
        doc.source = s.file.relative + ":" + std::to_string(s.line);
        doc.id = IdFromSource(doc.source);
        doc.Reject("too_large");
        s.skipping_long_line = true;
        s.buffer.clear();
      }
      continue;
    }
    if (newline == std::string::npos) {  // end of data
      if (s.pos < s.buffer.size() && !s.skipping_long_line) newline = s.buffer.size();
      else break;
    }
    if (s.skipping_long_line) {
      s.skipping_long_line = false;
      s.pos = newline + 1;
      continue;
    }
    std::string_view line(s.buffer.data() + s.pos, newline - s.pos);
    s.pos = std::min(newline + 1, s.buffer.size());
    ++s.line;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank line
    Document& doc = batch.docs.emplace_back();
    doc.source = s.file.relative + ":" + std::to_string(s.line);
    doc.input_path = s.file.path;
    std::string repaired;
    if (!IsValidUtf8(line)) {
      progress_->jsonl_utf8_repairs += RepairUtf8(line, repaired);
      line = repaired;
    }
    std::string error;
    int64_t json_repairs = 0;
    const bool parsed = jsonl_parser_.Parse(line, doc, error, &json_repairs);
    progress_->jsonl_utf8_repairs += json_repairs;
    if (!parsed) {
      doc.raw.clear();
      doc.metadata = Json::object();
      doc.metadata["error"] = error;
      doc.Reject("bad_json");
    }
    if (doc.id.empty()) doc.id = IdFromSource(doc.source);
  }
  const bool finished = s.eof && (s.pos >= s.buffer.size() || s.skipping_long_line);
  if (finished && !s.stream.error().empty()) {
    // Corrupt or truncated compression: what was read so far is kept; the
    // file is reported unreadable from this line on.
    Document& doc = batch.docs.emplace_back();
    doc.source = s.file.relative + ":" + std::to_string(s.line + 1);
    doc.input_path = s.file.path;
    doc.id = IdFromSource(doc.source);
    doc.metadata["error"] = s.stream.error();
    doc.Reject("corrupt_input");
    doc.input_unreadable = true;
  }
  return finished;
}

}  // namespace textmill

namespace textmill {

bool DocumentSource::ReadWarcRecords(Batch& batch) {
  WarcState& s = *warc_;
  WarcRecord record;
  bool more = true;
  while (static_cast<int>(batch.docs.size()) < batch_size_ && (more = s.reader.Next(record))) {
    auto& counts = progress_->record_counts;
    ++counts["warc." + (record.type.empty() ? std::string("untyped") : record.type)];
    if (record.type == "response" || record.type == "resource" || record.type == "conversion") {
      AddWarcDocument(record, batch);
    }
    AddWarcProblems(batch);
  }
  AddWarcProblems(batch);
  return !more;
}

// Damage found while reading becomes an unreadable-input entry per problem,
// with its byte offset; reading has already moved on.
void DocumentSource::AddWarcProblems(Batch& batch) {
  for (const WarcProblem& problem : warc_->reader.TakeProblems()) {
    Document& doc = batch.docs.emplace_back();
    doc.source = warc_->file.relative + "@" + std::to_string(problem.offset);
    doc.input_path = warc_->file.path;
    doc.id = IdFromSource(doc.source);
    doc.metadata["error"] = problem.reason;
    doc.metadata["offset"] = problem.offset;
    doc.Reject("warc_damage");
    doc.input_unreadable = true;
  }
}

namespace {

bool IsHtmlType(const std::string& type) {
  return type == "text/html" || type == "application/xhtml+xml" || type == "application/xml+xhtml";
}

// "<urn:uuid:a9c5...>" -> "a9c5..."; other ids as they are, without <>.
std::string IdFromRecordId(std::string id) {
  if (id.starts_with("<") && id.ends_with(">")) id = id.substr(1, id.size() - 2);
  if (id.starts_with("urn:uuid:")) id = id.substr(9);
  return id;
}

}  // namespace

void DocumentSource::AddWarcDocument(const WarcRecord& record, Batch& batch) {
  auto& counts = progress_->record_counts;
  std::string content_type, charset, body;
  if (record.type == "response") {
    const auto [warc_type, warc_charset] = SplitContentType(record.Header("content-type"));
    if (warc_type.find("application/http") == std::string::npos && !warc_type.empty()) {
      ++counts["warc.skipped.not_http"];  // e.g. a dns: response
      return;
    }
    if (record.too_large) {
      ++counts["warc.skipped.too_large"];
      Document& doc = batch.docs.emplace_back();
      doc.source = warc_->file.relative + "@" + std::to_string(record.offset);
      doc.id = IdFromSource(doc.source);
      doc.url = record.Header("warc-target-uri");
      doc.Reject("too_large");
      return;
    }
    HttpResponse http = ParseHttpResponse(record.block, options_.max_document_bytes);
    if (!http.error.empty()) {
      ++counts["warc.skipped.bad_http"];
      Document& doc = batch.docs.emplace_back();
      doc.source = warc_->file.relative + "@" + std::to_string(record.offset);
      doc.id = IdFromSource(doc.source);
      doc.url = record.Header("warc-target-uri");
      doc.metadata["error"] = http.error;
      doc.Reject("bad_http_response");
      return;
    }
    if (http.status != 200) {
      ++counts["warc.skipped.http_" + std::to_string(http.status)];
      return;
    }
    const auto type_header = http.headers.find("content-type");
    std::tie(content_type, charset) =
        SplitContentType(type_header == http.headers.end() ? "" : type_header->second);
    // No Content-Type: sniff (ingest decides HTML vs text); else HTML only.
    if (!content_type.empty() && !IsHtmlType(content_type)) {
      ++counts["warc.skipped.non_html"];
      return;
    }
    if (http.over_limit) {
      ++counts["warc.skipped.too_large"];
      return;
    }
    body = std::move(http.body);
  } else {  // resource, conversion: the block is the document
    std::tie(content_type, charset) = SplitContentType(record.Header("content-type"));
    if (!IsHtmlType(content_type) && content_type != "text/plain") {
      ++counts["warc.skipped.non_html"];
      return;
    }
    if (record.too_large) {
      ++counts["warc.skipped.too_large"];
      return;
    }
    body = record.block;
  }
  ++counts["warc.documents"];
  Document& doc = batch.docs.emplace_back();
  doc.source = warc_->file.relative + "@" + std::to_string(record.offset);
  doc.input_path = warc_->file.path;
  const std::string record_id = record.Header("warc-record-id");
  doc.id = record_id.empty() ? IdFromSource(doc.source) : IdFromRecordId(record_id);
  doc.url = record.Header("warc-target-uri");
  doc.date = record.Header("warc-date");
  RepairUtf8InPlace(doc.url);  // headers are bytes; the output is UTF-8
  RepairUtf8InPlace(doc.date);
  doc.kind = content_type == "text/plain" ? ContentKind::kText : ContentKind::kHtml;
  doc.declared_charset = charset;
  doc.raw = std::move(body);
  doc.metadata["warc_record_id"] = record_id;
  RepairUtf8InPlace(doc.id);
  RepairUtf8InPlace(content_type);
  doc.metadata["warc_date"] = doc.date;
  doc.metadata["content_type"] = content_type;
}

}  // namespace textmill
