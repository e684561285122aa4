#!/usr/bin/env bash
# Seed the fuzz corpora from the example portal's and the test fixtures' pages, plus a
# few hand-written attacks. Only needed to start over: the minimised corpora in
# corpus/ are committed. Afterwards, tests/fuzz/cmin.sh keeps the inputs that add
# coverage.
set -euo pipefail
cd "$(dirname "$0")"
repo=../..
mapfile -t pages < <(cd "$repo" && find content-example tests/fixtures -name '*.md' | LC_ALL=C sort)
mkdir -p corpus/markdown corpus/page corpus/rewrite
i=0
for p in "${pages[@]}"; do
  f="$repo/$p"
  name=$(printf '%s' "$p" | tr '/' '_')
  cp "$f" "corpus/markdown/$name"
  # In the fuzzed portal, links to other pages of the example fail (and a portal
  # with errors is not rendered): they point to the bundle and its image instead,
  # and actors (there is no actors.toml) are left out.
  perl -0pe 's/^actors? *[=:].*\n//mg;
    s/!\[([^\]]*)\]\((?!https?:)[^)\s]*\)/![$1](b\/plan.svg)/g;
    s/(?<!!)\[([^\]]*)\]\((?!https?:|mailto:|tel:|#)[^)\s]*\)/[$1](b\/index.md)/g' \
    "$f" > "corpus/page/$name"
  # rewrite: [selector][value] NUL [page]; selectors cycle through the keys, every
  # seventh with a raw date value.
  sel=$(( i % 5 ))
  if (( i % 7 == 0 )); then sel=$(( sel | 128 )); fi
  { printf "\\$(printf '%03o' "$sel")"; printf 'Frau \\"A\\" 0123'; printf '\0'; cat "$f"; } > "corpus/rewrite/$name"
  i=$(( i + 1 ))
done
# page: a page and a bundle that link each other, and a translation.
n=${#pages[@]}
for (( j = 0; j + 2 < n; j += 9 )); do
  a=$(printf '%s' "${pages[j]}" | tr '/' '_')
  b=$(printf '%s' "${pages[j+1]}" | tr '/' '_')
  c=$(printf '%s' "${pages[j+2]}" | tr '/' '_')
  { cat "corpus/page/$a"; printf '\0'; cat "corpus/page/$b"; printf '\0'; cat "corpus/page/$c"; } > "corpus/page/triple-$j"
done
# Attacks a sanitiser must stop, as Markdown and raw HTML.
attacks=(
  '[x](javascript:alert(1)) [y](JaVa&#x09;script:alert(1)) ![z](javascript:alert(1))'
  '<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">a</a>'
  '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg><iframe srcdoc="<script>alert(1)</script>"></iframe>'
  '[a]: javascript:alert(1)'$'\n\n''[ref][a] <javascript:alert(1)>'
  '<details open ontoggle=alert(1)><summary>x</summary></details><a href="data:text/html,<script>alert(1)</script>">d</a>'
  '## Titel {#x" onmouseover="alert(1)}'$'\n\n''[t](#x" onmouseover="alert(1)) [u](a.md "t\" onclick=\"alert(1)")'
)
k=0
for a in "${attacks[@]}"; do
  for t in markdown page; do
    printf '+++\ntitle = "</script><script>alert(1)</script>"\ndescription = "\\" onload=\\"alert(1)"\n+++\n\n%s\n' "$a" > "corpus/$t/attack-$k"
  done
  k=$(( k + 1 ))
done
echo "seeded: $(ls corpus/markdown | wc -l) markdown, $(ls corpus/page | wc -l) page, $(ls corpus/rewrite | wc -l) rewrite"
