#!/usr/bin/env bash
# Finds calls where more than one argument builds IR, such as
#   t.add(t.scale(a, 0.9), t.scale(b, 0.1))
# C++ leaves the order of evaluating arguments open (GCC goes right to left,
# clang left to right), so such a call builds its ops in an order that depends
# on the host compiler, and the IR, its tests and its memory plan with it.
# Build each such argument in a statement of its own.
#
# Usage: check-build-order.sh BUILD_DIR [SOURCE...]
#   BUILD_DIR holds compile_commands.json; the sources default to every
#   translation unit of compiler/, dialects/ and tools/ in it. Any other
#   arguments after `--` go to the compiler (for files outside the database).
# Exits 1 and lists the calls when it finds any.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
query_tool="${CLANG_QUERY:-/usr/lib/llvm-22/bin/clang-query}"
build="${1:?usage: check-build-order.sh BUILD_DIR [SOURCE...] [-- FLAGS...]}"
shift
if [[ ! -x "$query_tool" ]]; then
  echo "check-build-order: $query_tool not found (Debian: clang-tools-22)" >&2
  exit 2
fi

sources=()
while [[ $# -gt 0 && "$1" != "--" ]]; do sources+=("$1"); shift; done
extra=("$@") # empty, or `--` and the compiler's flags
if [[ ${#sources[@]} -eq 0 ]]; then
  db="$build/compile_commands.json"
  if [[ ! -f "$db" ]]; then
    echo "check-build-order: $db not found" >&2
    exit 2
  fi
  mapfile -t sources < <(python3 - "$db" "$root" <<'EOF'
import json, sys
db, root = sys.argv[1], sys.argv[2]
for entry in json.load(open(db)):
    path = entry["file"]
    if any(path.startswith(f"{root}/{d}/") for d in ("compiler", "dialects", "tools")):
        print(path)
EOF
)
fi

# What builds IR: a call that returns a value, an op or a front-end Val, and
# either takes a builder (an OpBuilder, a TensorBuilder or anything holding
# one, lambdas capturing one included) or is a method of one. Each matcher
# is one line: clang-query reads a command per line.
opb='cxxRecordDecl(isSameOrDerivedFrom("::mlir::OpBuilder"))'
tb='cxxRecordDecl(hasName("::mlir::gm::TensorBuilder"))'
holds="hasType(hasUnqualifiedDesugaredType(recordType(hasDeclaration(anyOf(OPB, TB)))))"
holder="cxxRecordDecl(anyOf(OPB, TB, has(fieldDecl($holds)), has(fieldDecl(hasType(references(anyOf(OPB, TB)))))))"
ir_type='recordType(hasDeclaration(cxxRecordDecl(isSameOrDerivedFrom(namedDecl(hasAnyName("::mlir::Value", "::mlir::OpState", "::gmc::Val"))))))'
op_pointer='pointerType(pointee(hasDeclaration(cxxRecordDecl(hasName("::mlir::Operation")))))'
takes_holder="callExpr(hasAnyArgument(ignoringParenImpCasts(expr(hasType(hasUnqualifiedDesugaredType(recordType(hasDeclaration(HOLDER))))))))"
bcall="expr(hasType(hasUnqualifiedDesugaredType(anyOf($ir_type, $op_pointer))), anyOf($takes_holder, cxxMemberCallExpr(thisPointerType(HOLDER))))"
pairs=()
for j in $(seq 1 9); do
  for i in $(seq 0 $((j - 1))); do
    pairs+=("allOf(hasArgument($i, ARG), hasArgument($j, ARG))")
  done
done
two_args="anyOf($(IFS=,; echo "${pairs[*]}"))"
query="$(mktemp)"
output="$(mktemp)"
trap 'rm -f "$query" "$output"' EXIT
{
  echo "set output diag"
  echo "let OPB $opb"
  echo "let TB $tb"
  echo "let HOLDER $holder"
  echo "let BCALL $bcall"
  # A lambda passed along (as itself or as a function_ref) runs later.
  echo "let LAMBDA ignoringImplicit(anyOf(lambdaExpr(), cxxConstructExpr(hasArgument(0, ignoringImplicit(lambdaExpr())))))"
  echo "let ARG expr(unless(LAMBDA), anyOf(BCALL, hasDescendant(BCALL)))"
  echo "match callExpr($two_args)"
  echo "match cxxConstructExpr(unless(isListInitialization()), $two_args)"
} > "$query"

# One file per process, as many at once as there are cores.
printf '%s\n' "${sources[@]}" |
  xargs -P "$(nproc)" -I{} "$query_tool" -p "$build" -f "$query" {} "${extra[@]}" \
    > "$output" 2>&1 || true
if grep -qE 'error:|Error ' "$output"; then
  grep -E 'error:|Error ' "$output" | sort -u | head -20 >&2
  echo "check-build-order: clang-query failed (above)" >&2
  exit 2
fi
found=$(grep -E '^/.*: note: "root" binds here' "$output" | grep -v '^/usr/' | sort -u || true)
if [[ -n "$found" ]]; then
  echo "$found" | sed 's/: note: "root" binds here/: more than one argument builds IR/'
  echo "check-build-order: $(echo "$found" | wc -l) call(s) whose IR order depends on the C++ compiler" >&2
  exit 1
fi
echo "check-build-order: ${#sources[@]} files, no call builds IR in more than one argument"
