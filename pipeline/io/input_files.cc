#include "pipeline/io/input_files.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "pipeline/io/compression.h"
#include "pipeline/util/utf8.h"

namespace fs = std::filesystem;

namespace textmill {
namespace {

std::string Extension(std::string_view name) {
  name = StripCompressionSuffix(name);
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return "";
  std::string ext(name.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// A textmill output directory: its job file (pipeline/output_dir.h), or, from
// before job files, report.json beside config.yaml.
std::string OutputDirReason(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / ".textmill-job.json", ec)) return "textmill output directory";
  if (fs::exists(dir / "report.json", ec) && fs::exists(dir / "config.yaml", ec)) return "textmill output directory";
  return "";
}

class Lister {
 public:
  Lister(const ReaderOptions& options, InputListing& out, const std::vector<std::string>& exclude)
      : options_(options), out_(out) {
    for (const std::string& dir : exclude) {
      std::error_code ec;
      const fs::path canonical = fs::weakly_canonical(dir, ec);
      if (!ec && !dir.empty()) exclude_.insert(canonical.string());
    }
  }

  void AddRoot(const std::string& root) {
    std::error_code ec;
    const fs::file_status status = fs::status(root, ec);
    if (ec || !fs::exists(status)) {
      out_.unreadable.push_back({root, ec ? "cannot access: " + ec.message() : "no such file or directory"});
      return;
    }
    // A root inside an excluded dir (-i out/part-00000-00000.jsonl.zst) is skipped too.
    const std::string canonical = fs::weakly_canonical(root, ec).string();
    for (const std::string& excluded : exclude_) {
      if (canonical == excluded || canonical.starts_with(excluded + "/")) {
        out_.skipped_dirs.push_back({root, "inside this run's output or state directory " + excluded});
        return;
      }
    }
    if (fs::is_directory(status)) {
      std::set<std::string> stack;
      Walk(fs::path(root), fs::path(), stack);
    } else {
      AddFile(fs::path(root), fs::path(root).filename(), /*explicit_file=*/true);
    }
  }

 private:
  void Walk(const fs::path& dir, const fs::path& relative, std::set<std::string>& stack) {
    std::error_code ec;
    const std::string canonical = fs::canonical(dir, ec).string();
    if (ec) {
      out_.unreadable.push_back({dir.string(), "cannot resolve directory: " + ec.message()});
      return;
    }
    if (stack.count(canonical)) {
      out_.unreadable.push_back({dir.string(), "symlink loop (directory contains itself)"});
      return;
    }
    if (!visited_.insert(canonical).second) return;  // reached twice through symlinks: list once
    if (exclude_.count(canonical)) {
      out_.skipped_dirs.push_back({dir.string(), "this run's output or state directory"});
      return;
    }
    if (const std::string why = OutputDirReason(dir); !why.empty()) {
      out_.skipped_dirs.push_back({dir.string(), why});
      return;
    }
    stack.insert(canonical);
    std::vector<fs::directory_entry> entries;
    fs::directory_iterator it(dir, ec);
    if (ec) {
      out_.unreadable.push_back({dir.string(), "cannot list directory: " + ec.message()});
      stack.erase(canonical);
      return;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      entries.push_back(*it);
    }
    if (ec) out_.unreadable.push_back({dir.string(), "error while listing: " + ec.message()});
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
    for (const fs::directory_entry& entry : entries) {
      const fs::path child_rel = relative / entry.path().filename();
      std::error_code sec;
      const bool is_link = entry.is_symlink(sec);
      if (is_link && !options_.follow_symlinks) continue;
      const fs::file_status status = entry.status(sec);  // follows links
      if (sec || !fs::exists(status)) {
        out_.unreadable.push_back({entry.path().string(), "broken symlink or unreadable entry"});
        continue;
      }
      if (fs::is_directory(status)) {
        Walk(entry.path(), child_rel, stack);
      } else if (fs::is_regular_file(status)) {
        AddFile(entry.path(), child_rel, /*explicit_file=*/false);
      }
    }
    stack.erase(canonical);
  }

  void AddFile(const fs::path& path, const fs::path& relative, bool explicit_file) {
    const std::string name = path.filename().string();
    const std::string ext = Extension(name);
    const bool wanted = std::find(options_.extensions.begin(), options_.extensions.end(), ext) !=
                        options_.extensions.end();
    if (!wanted && !explicit_file) {
      ++out_.ignored[ext.empty() ? "(none)" : ext];
      return;
    }
    std::error_code ec;
    InputFile file;
    file.path = path.string();
    file.relative = EscapeInvalidUtf8Path(relative.generic_string());  // `source` is JSON text
    file.size = fs::file_size(path, ec);
    file.compression = CompressionFromName(name);
    file.format = FormatFromName(name);
    out_.files.push_back(std::move(file));
  }

  const ReaderOptions& options_;
  InputListing& out_;
  std::set<std::string> visited_;
  std::set<std::string> exclude_;  // canonical paths
};

}  // namespace

InputFormat FormatFromName(std::string_view name) {
  const std::string ext = Extension(name);
  // Dolma's and datatrove's released shards are JSON Lines named .json(.gz).
  if (ext == "jsonl" || ext == "ndjson" || ext == "json") return InputFormat::kJsonl;
  if (ext == "warc") return InputFormat::kWarc;
  if (ext == "html" || ext == "htm" || ext == "xhtml" || ext == "shtml") return InputFormat::kHtml;
  return InputFormat::kText;
}

uint64_t InputListing::total_bytes() const {
  uint64_t total = 0;
  for (const InputFile& f : files) total += f.size;
  return total;
}

InputListing ListInputs(const std::vector<std::string>& roots, const ReaderOptions& options,
                        const std::vector<std::string>& exclude) {
  InputListing listing;
  Lister lister(options, listing, exclude);
  for (const std::string& root : roots) lister.AddRoot(root);
  std::stable_sort(listing.files.begin(), listing.files.end(),
                   [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
  std::stable_sort(listing.unreadable.begin(), listing.unreadable.end(),
                   [](const InputProblem& a, const InputProblem& b) { return a.path < b.path; });
  for (size_t i = 0; i < listing.files.size(); ++i) listing.files[i].index = static_cast<uint32_t>(i);
  return listing;
}

std::string DescribeEmptyListing(const std::vector<std::string>& roots, const InputListing& listing) {
  std::string roots_text;
  for (const std::string& r : roots) roots_text += (roots_text.empty() ? "" : ", ") + r;
  std::string message = "no input files in " + roots_text;
  if (!listing.unreadable.empty()) {
    message += "; " + std::to_string(listing.unreadable.size()) + " unreadable or missing (" +
               listing.unreadable.front().path + ": " + listing.unreadable.front().reason + ")";
  }
  if (!listing.ignored.empty()) {
    std::string counts;
    for (const auto& [ext, n] : listing.ignored) counts += (counts.empty() ? "" : ", ") + ext + " " + std::to_string(n);
    message += "; files ignored by extension: " + counts + " (reader.extensions lists the ones taken)";
  }
  if (!listing.skipped_dirs.empty()) {
    message += "; skipped " + std::to_string(listing.skipped_dirs.size()) + " output/state dir(s) (" +
               listing.skipped_dirs.front().path + ")";
  }
  return message;
}

InputListing SelectShard(const InputListing& all, int rank, int count) {
  InputListing slice;
  for (size_t i = 0; i < all.files.size(); ++i) {
    if (static_cast<int>(i % static_cast<size_t>(count)) == rank) slice.files.push_back(all.files[i]);
  }
  if (rank == 0) {
    slice.unreadable = all.unreadable;
    slice.ignored = all.ignored;
    slice.skipped_dirs = all.skipped_dirs;
  }
  return slice;
}

}  // namespace textmill
