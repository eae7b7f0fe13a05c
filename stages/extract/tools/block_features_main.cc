// textmill-block-features: writes the extraction model's training rows.
//
//   textmill-block-features FILE... > blocks.tsv
//   textmill-block-features --pages FILE... > pages.tsv
//
// For each HTML file (plain, .gz or .zst), decoded exactly as `textmill run`
// decodes it (the ingest stage), one line per block: the page id (file name up
// to its first dot), the block's index, its features (FeatureNames(), the
// header line) and its text. scripts/train_extraction_model.py labels the rows
// against the ground truth and trains on them, so the features it learns from
// are the ones the extract stage computes. With --pages: one line per page,
// its id and the page-type classifier's features (PageFeatureNames()).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "pipeline/ingest.h"
#include "pipeline/io/compression.h"
#include "stages/extract/html_extractor.h"
#include "stages/extract/page_signals.h"
#include "stages/extract/page_type.h"

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Tabs and newlines would break the TSV: the text is only read for labels.
std::string OneLine(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace textmill;
  const bool pages = argc > 1 && std::string(argv[1]) == "--pages";
  if (pages) {
    std::cout << "page";
    for (const std::string& name : PageFeatureNames()) std::cout << '\t' << name;
    std::cout << '\n';
  } else {
    std::cout << "page\tblock";
    for (const std::string& name : FeatureNames()) std::cout << '\t' << name;
    std::cout << "\tgroup\ttext\n";
  }
  IngestStage ingest(int64_t{256} << 20);
  const HtmlExtractOptions options;
  for (int i = pages ? 2 : 1; i < argc; ++i) {
    const std::string path = argv[i];
    Document doc;
    doc.raw = ReadFile(path);
    doc.raw_compression = CompressionFromName(path);
    doc.kind = ContentKind::kHtml;
    ingest.ProcessDoc(doc);
    if (doc.rejected()) {
      std::cerr << path << ": " << doc.reject_reason << "\n";
      continue;
    }
    const HtmlTree tree(doc.raw, 0);
    const StructuredData structured = ReadStructuredData(tree.meta());
    const PageBlocks blocks = ComputePageBlocks(tree, options, structured);
    const std::string id = std::filesystem::path(path).filename().string().substr(
        0, std::filesystem::path(path).filename().string().find('.'));
    if (pages) {
      std::cout << id;
      for (const float value : PageFeatures(blocks, PageSignals(tree.meta()))) std::cout << '\t' << value;
      std::cout << '\n';
      continue;
    }
    const size_t width = FeatureNames().size();
    for (size_t b = 0; b < blocks.owner.size(); ++b) {
      std::cout << id << '\t' << b;
      for (size_t f = 0; f < width; ++f) std::cout << '\t' << blocks.features[b * width + f];
      std::cout << '\t' << blocks.group[b] << '\t' << OneLine(blocks.text[b]) << '\n';
    }
  }
  return 0;
}
