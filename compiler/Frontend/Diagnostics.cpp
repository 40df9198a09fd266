//===- Diagnostics.cpp - errors of the .gm front end
//------------------------===//

#include "compiler/Frontend/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>

using namespace gmc;

namespace {

/// LLVM's SourceMgr prints no caret under a line holding non-ASCII text (its
/// columns count bytes). This prints it, counting a UTF-8 character as one
/// column and expanding tabs to 8 as SourceMgr does when it prints the line.
void printCaretLine(llvm::raw_ostream &os, llvm::StringRef line, size_t begin,
                    size_t end) {
  std::string caret;
  unsigned column = 0;
  for (size_t at = 0; at < line.size() && at < std::max(end, begin + 1); ++at) {
    unsigned char byte = line[at];
    if ((byte & 0xC0) == 0x80)
      continue; // a UTF-8 continuation byte: same character
    unsigned width = byte == '\t' ? 8 - column % 8 : 1;
    char mark = at < begin ? ' ' : at == begin ? '^' : '~';
    caret += mark;
    caret.append(width - 1, mark == '~' ? '~' : ' ');
    column += width;
  }
  if (begin >= line.size())
    caret += '^'; // the end of the line
  os << llvm::StringRef(caret).rtrim() << "\n";
}

} // namespace

unsigned
DiagnosticEngine::addSource(std::unique_ptr<llvm::MemoryBuffer> buffer) {
  return sources_.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
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

bool DiagnosticEngine::firstTime(SourceRange where,
                                 const std::string &message) {
  return said_
      .insert({where.begin.getPointer(), where.end.getPointer(), message})
      .second;
}

void DiagnosticEngine::error(SourceRange where, const llvm::Twine &message) {
  ++errors_;
  if (quiet_)
    return; // its notes are dropped by note()
  std::string text = message.str();
  repeating_ = !firstTime(where, text);
  if (repeating_)
    return;
  ++shown_;
  print(llvm::SourceMgr::DK_Error, where, text);
}

void DiagnosticEngine::note(SourceRange where, const llvm::Twine &message) {
  if (!repeating_ && !quiet_)
    print(llvm::SourceMgr::DK_Note, where, message);
}

void DiagnosticEngine::warning(SourceRange where, const llvm::Twine &message) {
  if (quiet_)
    return;
  std::string text = message.str();
  repeating_ = !firstTime(where, text);
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

llvm::SMLoc DiagnosticEngine::locate(mlir::Location loc) {
  auto fileLoc = llvm::dyn_cast<mlir::FileLineColLoc>(loc);
  if (!fileLoc)
    return {};
  for (unsigned id = 1; id <= sources_.getNumBuffers(); ++id)
    if (sources_.getMemoryBuffer(id)->getBufferIdentifier() ==
        fileLoc.getFilename().getValue())
      return sources_.FindLocForLineAndColumn(id, fileLoc.getLine(),
                                              fileLoc.getColumn());
  return {};
}
