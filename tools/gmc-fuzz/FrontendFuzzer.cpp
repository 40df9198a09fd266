//===- FrontendFuzzer.cpp - libFuzzer target for the .gm front end --------===//
//
// Arbitrary bytes through the lexer, the parser and Sema (with MLIR
// generation and verification): whatever the input, gmc must report errors
// and return, never crash, leak or hang. Built with clang's
// -fsanitize=fuzzer,address by scripts/fuzz.sh.
//
//===----------------------------------------------------------------------===//

#include "compiler/Frontend/Parser.h"
#include "compiler/Frontend/Sema.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>

// libMLIR is not instrumented, but the LLVM allocator code inlined here is:
// its manual poisoning of allocator memory would then flag libMLIR's own
// (correct) writes. Real out-of-bounds accesses are still caught.
extern "C" const char *__asan_default_options() {
  return "allow_user_poisoning=0";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  llvm::raw_null_ostream sink;
  gmc::DiagnosticEngine diags(sink);
  gmc::Program program;
  gmc::parseSource("fuzz.gm", text, diags, program);
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  (void)gmc::generateModel(context, program, gmc::CompileOptions(), diags);
  return 0;
}
