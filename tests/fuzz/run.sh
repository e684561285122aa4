#!/usr/bin/env bash
# Fuzz wegweiser: tests/fuzz/run.sh [SECONDS] [TARGET...]
#
# Builds the fuzz targets (installing cargo-fuzz first if it is missing) and runs each
# TARGET (default: markdown_xss page_xss rewrite) for its share of SECONDS (default 60) from
# the committed corpus. Exits non-zero when an input crashes a target; the input is in
# tests/fuzz/artifacts/<target>/. New inputs go to a scratch folder, so the committed
# corpus is not touched. See docs/security.md#fuzzing.
#
# Stable Rust is enough: without a sanitizer (`--sanitizer none`) cargo-fuzz passes
# no nightly-only flag to rustc. Panics, arithmetic overflow (debug assertions are on),
# timeouts and running out of memory are all found; what AddressSanitizer would add
# concerns unsafe code only, and wegweiser has none.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-60}
shift || true
targets=("$@")
if (( ${#targets[@]} == 0 )); then
  # The _xss variants check everything the plain targets check, and the HTML too.
  targets=(markdown_xss page_xss rewrite)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  t0=$(date +%s)
  cargo install cargo-fuzz --locked
  echo "cargo-fuzz installed in $(( $(date +%s) - t0 )) s"
fi

# Its own target folder even when CARGO_TARGET_DIR names a shared one: the fuzz build
# instruments every crate, so nothing in it can be shared with the main build.
fuzz=(--fuzz-dir tests/fuzz --sanitizer none --target-dir tests/fuzz/target)
t0=$(date +%s)
cargo fuzz build "${fuzz[@]}"
echo "fuzz targets built in $(( $(date +%s) - t0 )) s"

each=$(( seconds / ${#targets[@]} ))
(( each >= 1 )) || each=1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for target in "${targets[@]}"; do
  echo "── fuzzing $target for $each s"
  mkdir -p "$scratch/$target" "tests/fuzz/artifacts/$target"
  # The first corpus folder receives new inputs; the committed one is only read. The
  # _xss variants share the corpus of their target.
  # libFuzzer's line per new input and its dictionary of recommendations are left
  # out of the log.
  set +e
  corpora=("tests/fuzz/corpus/${target%_xss}")
  # Inputs that once crashed a target, kept whatever the minimised corpus drops.
  if [[ -d "tests/fuzz/regressions/${target%_xss}" ]]; then
    corpora+=("tests/fuzz/regressions/${target%_xss}")
  fi
  cargo fuzz run "${fuzz[@]}" "$target" "$scratch/$target" "${corpora[@]}" -- \
    -max_total_time="$each" -timeout=20 -dict=tests/fuzz/wegweiser.dict \
    -print_final_stats=1 2>&1 | grep -av -e '^#[0-9]*[[:space:]]*\(NEW\|REDUCE\|pulse\)' -e '# Uses: [0-9]*$'
  status=${PIPESTATUS[0]}
  set -e
  if (( status != 0 )); then
    echo "fuzz target $target failed (exit $status); the input is in tests/fuzz/artifacts/$target/" >&2
    echo "reproduce: cargo fuzz run --fuzz-dir tests/fuzz --sanitizer none $target <input>" >&2
    exit 1
  fi
done
