#include "unit/test_util.h"

#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>

#include "pipeline/io/compression.h"
#include "stages/extract/boilerplate_phrases.h"

namespace fs = std::filesystem;

namespace textmill::testing {

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "textmill-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  // Undo chmod 000 in tests before removing.
  for (auto it = fs::recursive_directory_iterator(path_, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::remove_all(path_, ec);
}

void WriteFile(const std::string& path, std::string_view content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string GzipCompress(std::string_view data) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string ZstdCompress(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
  return out;
}

std::string ReadMaybeCompressed(const std::string& path) {
  const std::string raw = ReadFile(path);
  const Compression c = CompressionFromName(path);
  if (c == Compression::kNone) return raw;
  return Decompress(raw, c, int64_t{1} << 32).data;
}

int RunTextmill(const std::vector<std::string>& args, std::string* output) {
  std::string command = TEXTMILL_BINARY;
  for (const std::string& arg : args) {
    std::string quoted = "'";
    for (const char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    command += " " + quoted + "'";
  }
  command += " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed");
  std::string text;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) text.append(buf.data(), n);
  const int status = pclose(pipe);
  if (output) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<std::string> ReadShardLines(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("part-") && name.find(".jsonl") != std::string::npos) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> lines;
  for (const std::string& f : files) {
    std::istringstream in(ReadMaybeCompressed(f));
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
  }
  return lines;
}

std::string SourceDir() { return TEXTMILL_SOURCE_DIR; }
std::string SharedDir() { return TEXTMILL_SHARED_DIR; }

std::vector<std::string> ExtractionBenchPages() {
  std::vector<std::string> paths;
  for (const char* set : {"/bench/extraction-wcxb/pages", "/bench/extraction/pages"}) {
    for (const auto& entry : std::filesystem::directory_iterator(SharedDir() + set)) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

const BoilerplatePhrases& ShippedPhrases() {
  static const BoilerplatePhrases phrases(SourceDir() + "/configs/boilerplate_phrases.txt");
  return phrases;
}

int FailuresInProcessesAtOnce(int processes, const std::function<void()>& task) {
  std::vector<pid_t> children;
  for (int i = 0; i < processes; ++i) {
    const pid_t pid = ::fork();
    if (pid < 0) return processes;
    if (pid == 0) {
      int code = 0;
      try {
        task();
      } catch (...) {
        code = 1;
      }
      ::_exit(code);
    }
    children.push_back(pid);
  }
  int failures = 0;
  for (const pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    failures += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  return failures;
}

}  // namespace textmill::testing
