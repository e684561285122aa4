#!/usr/bin/env bash
# Minimise the committed corpus of each TARGET (default: markdown page rewrite):
# tests/fuzz/cmin.sh [TARGET...]
#
# Keeps a smallest set of inputs that reaches every code edge the whole corpus reaches
# (libFuzzer's set-cover merge, on edges only: counting how often an edge runs would
# keep thousands of inputs). Run it after adding inputs, before committing them.
set -euo pipefail
cd "$(dirname "$0")/../.."
targets=("$@")
if (( ${#targets[@]} == 0 )); then
  targets=(markdown page rewrite)
fi
cargo fuzz build --fuzz-dir tests/fuzz --sanitizer none --target-dir tests/fuzz/target
bin=tests/fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release
for target in "${targets[@]}"; do
  corpus=tests/fuzz/corpus/$target
  old=$(mktemp -d)
  mv "$corpus" "$old/corpus"
  mkdir -p "$corpus"
  if ! "$bin/$target" -set_cover_merge=1 -use_counters=0 "$corpus" "$old/corpus" 2>&1 | tail -1; then
    rm -rf "$corpus"
    mv "$old/corpus" "$corpus"
    echo "minimising $target failed; its corpus is unchanged" >&2
    exit 1
  fi
  rm -rf "$old"
  echo "$target: $(ls "$corpus" | wc -l) inputs, $(du -sh --apparent-size "$corpus" | cut -f1)"
done
