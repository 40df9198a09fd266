//===- Diagnostics.cpp - errors of the .gm front end ----------------------===//

#include "compiler/Frontend/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Unicode.h"

#include <algorithm>

using namespace gmc;

namespace {

/// LLVM's SourceMgr prints no caret under a line holding non-ASCII text (its
/// columns count bytes). This prints it under the characters as a terminal
/// shows them (a CJK character takes two columns), with tabs as wide as
/// SourceMgr printed them: up to the next multiple of 8 bytes.
void printCaretLine(llvm::raw_ostream &os, llvm::StringRef line, size_t begin,
                    size_t end) {
  std::string caret;
  size_t printed = 0; // SourceMgr's column: bytes, tabs expanded
  for (size_t at = 0; at < line.size() && at < std::max(end, begin + 1);) {
    size_t length = std::max<size_t>(
        1, llvm::getNumBytesForUTF8(static_cast<unsigned char>(line[at])));
    length = std::min(length, line.size() - at);
    size_t width;
    if (line[at] == '\t') {
      width = 8 - printed % 8;
      printed += width;
    } else {
      int columns =
          llvm::sys::unicode::columnWidthUTF8(line.substr(at, length));
      width = columns < 0 ? 1 : columns;
      printed += length;
    }
    char mark = at < begin ? ' ' : at == begin ? '^' : '~';
    if (width > 0) {
      caret += mark;
      caret.append(width - 1, mark == '~' ? '~' : ' ');
    }
    at += length;
  }
  if (begin >= line.size())
    caret += '^'; // the end of the line
  os << llvm::StringRef(caret).rtrim() << "\n";
}

} // namespace

std::string gmc::count(size_t n, llvm::StringRef noun) {
  return std::to_string(n) + " " + noun.str() + (n == 1 ? "" : "s");
}

unsigned DiagnosticEngine::addSource(std::unique_ptr<llvm::MemoryBuffer> buffer,
                                     llvm::SMLoc importedAt) {
  // Not SourceMgr's include location: it would print "Included from", and
  // the language says import.
  unsigned id = sources_.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  if (importedAt.isValid())
    importedAt_[id] = importedAt;
  return id;
}

void DiagnosticEngine::print(llvm::SourceMgr::DiagKind kind, SourceRange where,
                             const llvm::Twine &message) {
  if (!where.valid()) {
    const char *label = kind == llvm::SourceMgr::DK_Error     ? "error"
                        : kind == llvm::SourceMgr::DK_Warning ? "warning"
                                                              : "note";
    os_ << "gmc: " << label << ": " << message << "\n";
    return;
  }
  if (kind != llvm::SourceMgr::DK_Note)
    printImportChain(where.begin);
  llvm::SmallVector<llvm::SMRange, 1> ranges;
  if (where.end.isValid() && where.end.getPointer() > where.begin.getPointer())
    ranges.push_back(llvm::SMRange(where.begin, where.end));
  sources_.PrintMessage(os_, where.begin, kind, message, ranges,
                        /*FixIts=*/{}, /*ShowColors=*/false);
  llvm::SMDiagnostic diagnostic =
      sources_.GetMessage(where.begin, kind, message, ranges);
  llvm::StringRef line = diagnostic.getLineContents();
  if (llvm::all_of(line, [](char c) { return llvm::isASCII(c); }))
    return;
  size_t begin = diagnostic.getColumnNo();
  size_t end = begin + 1;
  if (!ranges.empty() && !diagnostic.getRanges().empty())
    end = diagnostic.getRanges().front().second;
  printCaretLine(os_, line, begin, end);
}

void DiagnosticEngine::printImportChain(llvm::SMLoc loc) {
  // Imports may nest 200 deep; the innermost few tell where to look.
  constexpr unsigned kShown = 8;
  unsigned depth = 0;
  for (llvm::SMLoc at =
           importedAt_.lookup(sources_.FindBufferContainingLoc(loc));
       at.isValid();
       at = importedAt_.lookup(sources_.FindBufferContainingLoc(at)), ++depth)
    if (depth < kShown)
      os_ << "imported from " << position(at) << ":\n";
  if (depth > kShown)
    os_ << "... " << count(depth - kShown, "import") << " further out\n";
}

bool DiagnosticEngine::firstTime(SourceRange where,
                                 const std::string &message) {
  return said_
      .insert({where.begin.getPointer(), where.end.getPointer(), message})
      .second;
}

void DiagnosticEngine::error(SourceRange where, const llvm::Twine &message) {
  if (quiet_) {
    ++quietErrors_; // its notes are dropped by note()
    return;
  }
  ++errors_;
  std::string text = message.str();
  repeating_ = !firstTime(where, text);
  if (repeating_)
    return;
  if (++errorsSaid_ > kErrorLimit) {
    repeating_ = true; // its notes go with it
    if (errorsSaid_ == kErrorLimit + 1)
      os_ << "gmc: error: too many errors; the rest are counted, not shown\n";
    return;
  }
  print(llvm::SourceMgr::DK_Error, where, text);
  explain(where);
}

void DiagnosticEngine::explainName(llvm::StringRef name, SourceRange where,
                                   const llvm::Twine &message) {
  explanations_.push_back({name.str(), where, message.str()});
}

void DiagnosticEngine::explain(SourceRange where) {
  if (explanations_.empty() || !where.valid())
    return;
  // The span's text; an empty span is the word at its start.
  const char *begin = where.begin.getPointer();
  const char *end = where.end.isValid() ? where.end.getPointer() : begin;
  const char *bufferEnd =
      sources_.getMemoryBuffer(sources_.FindBufferContainingLoc(where.begin))
          ->getBufferEnd();
  auto isWord = [](char c) { return llvm::isAlnum(c) || c == '_'; };
  while (end < bufferEnd && (end == begin || isWord(end[-1])) && isWord(*end))
    ++end;
  // The span's words, not those in strings or comments ("H" names no
  // const). As the lexer: a string or a comment ends with its line.
  std::vector<llvm::StringRef> words;
  for (const char *p = begin; p < end;) {
    if (*p == '"' || *p == '#') {
      char close = *p == '"' ? '"' : '\n';
      ++p;
      while (p < end && *p != close && *p != '\n')
        ++p;
      p += p < end;
    } else if (isWord(*p)) {
      const char *word = p;
      while (p < end && isWord(*p))
        ++p;
      words.emplace_back(word, p - word);
    } else {
      ++p;
    }
  }
  for (const Explanation &e : explanations_) {
    if (e.where.begin == where.begin)
      continue; // the error is about the explained place itself
    if (llvm::is_contained(words, e.name))
      print(llvm::SourceMgr::DK_Note, e.where, e.message);
  }
}

void DiagnosticEngine::note(SourceRange where, const llvm::Twine &message) {
  if (!repeating_ && !quiet_)
    print(llvm::SourceMgr::DK_Note, where, message);
}

void DiagnosticEngine::warning(SourceRange where, const llvm::Twine &message) {
  if (quiet_)
    return;
  std::string text = message.str();
  // Past the error limit nothing more is shown, warnings included.
  repeating_ = !firstTime(where, text) || errorsSaid_ > kErrorLimit;
  if (!repeating_)
    print(llvm::SourceMgr::DK_Warning, where, text);
}

std::string DiagnosticEngine::position(llvm::SMLoc loc) const {
  if (!loc.isValid())
    return "<unknown>";
  unsigned id = sources_.FindBufferContainingLoc(loc);
  auto [line, col] = sources_.getLineAndColumn(loc, id);
  return (sources_.getMemoryBuffer(id)->getBufferIdentifier() + ":" +
          llvm::Twine(line) + ":" + llvm::Twine(col))
      .str();
}

mlir::Location DiagnosticEngine::location(mlir::MLIRContext *context,
                                          llvm::SMLoc loc) const {
  if (!loc.isValid())
    return mlir::UnknownLoc::get(context);
  unsigned id = sources_.FindBufferContainingLoc(loc);
  auto [line, col] = sources_.getLineAndColumn(loc, id);
  return mlir::FileLineColLoc::get(
      context, sources_.getMemoryBuffer(id)->getBufferIdentifier(), line, col);
}

/// The file positions an MLIR location stands for, innermost first: an op's
/// own place, then each call that inlined it (call sites nest either way:
/// in the callee as gm-inline builds them, in the caller as MLIR's inliner
/// does). A name or a fusion stands for its first located part.
static void unwind(mlir::Location loc,
                   llvm::SmallVectorImpl<mlir::FileLineColLoc> &stack) {
  if (auto call = llvm::dyn_cast<mlir::CallSiteLoc>(loc)) {
    unwind(call.getCallee(), stack);
    unwind(call.getCaller(), stack);
  } else if (auto name = llvm::dyn_cast<mlir::NameLoc>(loc)) {
    unwind(name.getChildLoc(), stack);
  } else if (auto fused = llvm::dyn_cast<mlir::FusedLoc>(loc)) {
    size_t before = stack.size();
    for (mlir::Location part : fused.getLocations())
      if (unwind(part, stack), stack.size() != before)
        return;
  } else if (auto file = llvm::dyn_cast<mlir::FileLineColLoc>(loc)) {
    stack.push_back(file);
  }
}

static llvm::SMLoc sourcePosition(llvm::SourceMgr &sources,
                                  mlir::FileLineColLoc loc) {
  for (unsigned id = 1; id <= sources.getNumBuffers(); ++id)
    if (sources.getMemoryBuffer(id)->getBufferIdentifier() ==
        loc.getFilename().getValue())
      return sources.FindLocForLineAndColumn(id, loc.getLine(),
                                             loc.getColumn());
  return {};
}

llvm::SMLoc DiagnosticEngine::locate(mlir::Location loc) {
  llvm::SmallVector<mlir::FileLineColLoc, 4> stack;
  unwind(loc, stack);
  return stack.empty() ? llvm::SMLoc()
                       : sourcePosition(sources_, stack.front());
}

void DiagnosticEngine::report(mlir::Diagnostic &diagnostic,
                              llvm::StringRef prefix) {
  llvm::SmallVector<mlir::FileLineColLoc, 4> stack;
  unwind(diagnostic.getLocation(), stack);
  llvm::SMLoc at =
      stack.empty() ? llvm::SMLoc() : sourcePosition(sources_, stack[0]);
  std::string message = (prefix + diagnostic.str()).str();
  switch (diagnostic.getSeverity()) {
  case mlir::DiagnosticSeverity::Error:
    error({at, at}, message);
    break;
  case mlir::DiagnosticSeverity::Warning:
    warning({at, at}, message);
    break;
  default:
    note({at, at}, message);
  }
  for (mlir::FileLineColLoc caller : llvm::drop_begin(stack)) {
    llvm::SMLoc callerAt = sourcePosition(sources_, caller);
    note({callerAt, callerAt}, "called from");
  }
  for (mlir::Diagnostic &attached : diagnostic.getNotes()) {
    llvm::SMLoc noteAt = locate(attached.getLocation());
    note({noteAt, noteAt}, attached.str());
  }
}
