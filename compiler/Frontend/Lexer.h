//===- Lexer.h - tokens of the .gm language --------------------*- C++ -*-===//
//
// Splits a .gm file into tokens. Newlines end statements, except inside
// parentheses and brackets, where an expression may continue on the next
// line. `#` starts a comment that runs to the end of the line.
//
//===----------------------------------------------------------------------===//

#ifndef GM_FRONTEND_LEXER_H
#define GM_FRONTEND_LEXER_H

#include "compiler/Frontend/Diagnostics.h"

#include "llvm/ADT/StringRef.h"

#include <string>

namespace gmc {

enum class Tok {
  Eof,
  Newline,
  Ident,
  Int,
  Float,
  String,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Dot,
  Colon,
  Semicolon,
  Assign,
  Arrow,
  Plus,
  Minus,
  Star,
  Slash,
  Caret,
  Lt,
  Le,
  Gt,
  Ge,
  EqEq,
  NotEq,
  // Keywords. `train`, `eval` and `sample` are names everywhere except at
  // the start of a declaration (a dataset may be called `train`).
  KwModel,
  KwImport,
  KwConst,
  KwData,
  KwNet,
  KwParam,
  KwAssign,
  KwTrain,
  KwEval,
  KwSample,
  KwReturn,
  KwMinimize,
  KwOver,
  KwWith,
  KwReport,
  KwRepeat,
  KwAutoregressive,
  KwEmit,
  KwTrue,
  KwFalse,
  Error,
};

/// How a token kind reads in messages: `'('`, `identifier`, `'minimize'`.
llvm::StringRef spell(Tok kind);

/// The largest integer up to which every integer is an f64: 2^53.
constexpr int64_t kMaxExactInteger = int64_t(1) << 53;

/// Reads the spelling of a number (a literal, a -D value): "" with `value`
/// and whether it is an integer when it stands for itself, else why not, to
/// follow the spelling in a message: " is not a number", " is too large
/// (f64)" (it would be inf), " is too large to be exact (at most 2^53)" (it
/// would be another integer).
std::string readNumber(llvm::StringRef text, double &value, bool &isInt);

struct Token {
  Tok kind = Tok::Eof;
  llvm::StringRef text;
  llvm::SMLoc loc;

  bool is(Tok k) const { return kind == k; }
  SourceRange range() const {
    return {loc, llvm::SMLoc::getFromPointer(text.end())};
  }
};

class Lexer {
public:
  Lexer(DiagnosticEngine &diags, unsigned bufferId);

  /// The next token (Newline tokens collapse; none inside ( ) or [ ]).
  Token next();
  /// The kind of the token after the next, without consuming anything.
  Tok peek();
  /// Forgets the open ( and [: after a syntax error the parser skips to the
  /// end of the line, which an unclosed bracket would otherwise hide to the
  /// end of the block.
  void forgetBrackets() { nesting_ = 0; }

private:
  Token make(Tok kind, const char *begin) const;
  void skipSpaceAndComments();

  DiagnosticEngine *diags_;
  const char *cur_, *end_;
  int nesting_ = 0; // depth of ( and [
  bool lastWasNewline_ = true;
  bool quiet_ = false; // no diagnostics while peeking
};

} // namespace gmc

#endif // GM_FRONTEND_LEXER_H
