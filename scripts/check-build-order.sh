#!/usr/bin/env bash
# Flags calls where more than one argument builds IR, such as
#   t.add(t.scale(a, 0.9), t.scale(b, 0.1))
# C++ leaves the order of evaluating arguments open (GCC goes right to left,
# clang left to right), so such a call builds its ops in an order that depends
# on the host compiler, and the IR, its tests and its memory plan with it.
# Build each such argument in a statement of its own.
#
# A lint, not a proof: it sees calls returning IR (a Value, an op, an
# Operation *, a front-end Val, or a template of a Value such as
# FailureOr<Value> or SmallVector<Value>) that take or are methods of a
# builder, or of a class or lambda holding one (two levels deep). Side
# effects of other kinds (symbol names, block arguments) are not seen.
#
# Usage: check-build-order.sh BUILD_DIR [SOURCE...]
#          checks SOURCEs, by default every translation unit of compiler/,
#          dialects/ and tools/ in BUILD_DIR/compile_commands.json;
#        check-build-order.sh BUILD_DIR SOURCE... -- FLAGS...
#          checks SOURCEs compiled with FLAGS instead of the database.
# Exits 1 and lists the calls when it finds any; 2 when it cannot check.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
query_tool="${CLANG_QUERY:-/usr/lib/llvm-22/bin/clang-query}"
build="${1:?usage: check-build-order.sh BUILD_DIR [SOURCE...] [-- FLAGS...]}"
shift
fail() { echo "check-build-order: $*" >&2; exit 2; }
[[ -x "$query_tool" ]] || fail "$query_tool not found (Debian: clang-tools-22)"

sources=()
while [[ $# -gt 0 && "$1" != "--" ]]; do sources+=("$1"); shift; done
extra=("$@") # empty, or `--` and the compiler's flags
if [[ ${#sources[@]} -eq 0 ]]; then
  [[ ${#extra[@]} -eq 0 ]] || fail "flags after -- need SOURCEs"
  db="$build/compile_commands.json"
  [[ -f "$db" ]] || fail "$db not found"
  listed=$(python3 - "$db" "$root" <<'EOF'
import json, os, sys
db, root = sys.argv[1], sys.argv[2]
for entry in json.load(open(db)):
    path = os.path.realpath(os.path.join(entry["directory"], entry["file"]))
    if any(path.startswith(f"{root}/{d}/") for d in ("compiler", "dialects", "tools")):
        print(path)
EOF
) || fail "cannot read $db"
  [[ -n "$listed" ]] || fail "$db lists no file of compiler/, dialects/ or tools/"
  mapfile -t sources <<<"$listed"
fi

# Each matcher is one line: clang-query reads a command per line.
opb='cxxRecordDecl(isSameOrDerivedFrom("::mlir::OpBuilder"))'
tb='cxxRecordDecl(isSameOrDerivedFrom("::mlir::gm::TensorBuilder"))'
# A field of class X: X itself, a reference to it or a pointer to it.
field_of() {
  echo "has(fieldDecl(anyOf(hasType(hasUnqualifiedDesugaredType(recordType(hasDeclaration($1)))), hasType(references($1)), hasType(pointsTo($1)))))"
}
value='cxxRecordDecl(isSameOrDerivedFrom(namedDecl(hasAnyName("::mlir::Value", "::mlir::OpState", "::gmc::Val"))))'
ir_type="anyOf(recordType(hasDeclaration($value)), recordType(hasDeclaration(classTemplateSpecializationDecl(hasAnyTemplateArgument(refersToType(hasDeclaration($value)))))), pointerType(pointee(hasDeclaration(cxxRecordDecl(hasName(\"::mlir::Operation\"))))))"
takes_holder='callExpr(hasAnyArgument(ignoringParenImpCasts(expr(anyOf(hasType(hasUnqualifiedDesugaredType(recordType(hasDeclaration(HOLDER)))), hasType(pointsTo(HOLDER)))))))'
pairs=()
for j in $(seq 1 11); do
  for i in $(seq 0 $((j - 1))); do
    pairs+=("allOf(hasArgument($i, ARG), hasArgument($j, ARG))")
  done
done
two_args="anyOf($(IFS=,; echo "${pairs[*]}"))"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
query="$work/query"
{
  echo "set output diag"
  echo "let OPB $opb"
  echo "let TB $tb"
  echo "let HOLDER1 cxxRecordDecl(anyOf(OPB, TB, $(field_of 'anyOf(OPB, TB)')))"
  echo "let HOLDER cxxRecordDecl(anyOf(HOLDER1, $(field_of HOLDER1)))"
  echo "let BCALL expr(hasType(hasUnqualifiedDesugaredType($ir_type)), anyOf($takes_holder, cxxMemberCallExpr(thisPointerType(HOLDER))))"
  # A lambda passed along (as itself or as a function_ref) runs later.
  echo "let LAMBDA ignoringImplicit(anyOf(lambdaExpr(), cxxConstructExpr(hasArgument(0, ignoringImplicit(lambdaExpr())))))"
  echo "let ARG expr(unless(LAMBDA), anyOf(BCALL, hasDescendant(BCALL)))"
  echo "match callExpr($two_args)"
  echo "match cxxConstructExpr(unless(isListInitialization()), $two_args)"
} >"$query"

# One clang-query per file, a few at once (MLIR's headers are large).
parallel=$(nproc)
((parallel > 4)) && parallel=4
for n in "${!sources[@]}"; do
  (
    status=0
    "$query_tool" -p "$build" -f "$query" "${sources[$n]}" "${extra[@]}" \
      >"$work/$n.log" 2>&1 || status=$?
    echo "$status" >"$work/$n.status"
  ) &
  while (($(jobs -rp | wc -l) >= parallel)); do wait -n || true; done
done
wait

# A file counts as checked only when clang-query exited 0, reported no
# compile error and answered both `match` commands.
broken=()
for n in "${!sources[@]}"; do
  log="$work/$n.log"
  status="$(cat "$work/$n.status")"
  if [[ "$status" != 0 ]] ||
    grep -qE '^[^ ]+:[0-9]+:[0-9]+: (fatal )?error:' "$log" ||
    [[ $(grep -cE '^[0-9]+ match(es)?\.$' "$log") -ne 2 ]]; then
    broken+=("${sources[$n]}")
    echo "${sources[$n]}: clang-query, exit status $status:" >&2
    sed 's/^/  /' "$log" | grep -vE '^  [0-9]+ match' | head -8 >&2 || true
  fi
done
if [[ ${#broken[@]} -gt 0 ]]; then
  fail "clang-query could not check ${broken[*]} (above)"
fi

found=$(cat "$work"/*.log | grep -E '^/.*: note: "root" binds here$' |
  grep -vE '^/usr/(lib/llvm-[0-9]+|include)/' | sort -u -t: -k1,1 -k2,2n -k3,3n || true)
if [[ -n "$found" ]]; then
  echo "$found" | sed 's/: note: "root" binds here$/: more than one argument builds IR/'
  echo "check-build-order: $(echo "$found" | wc -l) call(s) whose IR order depends on the C++ compiler" >&2
  exit 1
fi
echo "check-build-order: ${#sources[@]} files, no call builds IR in more than one argument"
