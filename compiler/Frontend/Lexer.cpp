//===- Lexer.cpp - tokens of the .gm language -----------------------------===//

#include "compiler/Frontend/Lexer.h"

#include "llvm/ADT/StringSwitch.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

using namespace gmc;

/// A character for a message: control characters as `\x02`.
static std::string shown(llvm::StringRef text) {
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      const char *digits = "0123456789abcdef";
      out += std::string("\\x") + digits[byte >> 4] + digits[byte & 15];
    } else {
      out += c;
    }
  }
  return out;
}

llvm::StringRef gmc::spell(Tok kind) {
  switch (kind) {
  case Tok::Eof:
    return "end of file";
  case Tok::Newline:
    return "end of line";
  case Tok::Ident:
    return "a name";
  case Tok::Int:
    return "an integer";
  case Tok::Float:
    return "a number";
  case Tok::String:
    return "a string";
  case Tok::LParen:
    return "'('";
  case Tok::RParen:
    return "')'";
  case Tok::LBracket:
    return "'['";
  case Tok::RBracket:
    return "']'";
  case Tok::LBrace:
    return "'{'";
  case Tok::RBrace:
    return "'}'";
  case Tok::Comma:
    return "','";
  case Tok::Dot:
    return "'.'";
  case Tok::Colon:
    return "':'";
  case Tok::Semicolon:
    return "';'";
  case Tok::Assign:
    return "'='";
  case Tok::Arrow:
    return "'->'";
  case Tok::Plus:
    return "'+'";
  case Tok::Minus:
    return "'-'";
  case Tok::Star:
    return "'*'";
  case Tok::Slash:
    return "'/'";
  case Tok::Caret:
    return "'^'";
  case Tok::Lt:
    return "'<'";
  case Tok::Le:
    return "'<='";
  case Tok::Gt:
    return "'>'";
  case Tok::Ge:
    return "'>='";
  case Tok::EqEq:
    return "'=='";
  case Tok::NotEq:
    return "'!='";
  case Tok::KwModel:
    return "'model'";
  case Tok::KwImport:
    return "'import'";
  case Tok::KwConst:
    return "'const'";
  case Tok::KwData:
    return "'data'";
  case Tok::KwNet:
    return "'net'";
  case Tok::KwParam:
    return "'param'";
  case Tok::KwAssign:
    return "'assign'";
  case Tok::KwTrain:
    return "'train'";
  case Tok::KwEval:
    return "'eval'";
  case Tok::KwSample:
    return "'sample'";
  case Tok::KwReturn:
    return "'return'";
  case Tok::KwMinimize:
    return "'minimize'";
  case Tok::KwOver:
    return "'over'";
  case Tok::KwWith:
    return "'with'";
  case Tok::KwReport:
    return "'report'";
  case Tok::KwRepeat:
    return "'repeat'";
  case Tok::KwAutoregressive:
    return "'autoregressive'";
  case Tok::KwEmit:
    return "'emit'";
  case Tok::KwTrue:
    return "'true'";
  case Tok::KwFalse:
    return "'false'";
  case Tok::Error:
    return "an invalid character";
  }
  return "a token";
}

Lexer::Lexer(DiagnosticEngine &diags, unsigned bufferId) : diags_(&diags) {
  const llvm::MemoryBuffer *buffer = diags.sources().getMemoryBuffer(bufferId);
  cur_ = buffer->getBufferStart();
  end_ = buffer->getBufferEnd();
  // A UTF-8 byte order mark (some editors write one) is not text.
  if (buffer->getBuffer().starts_with("\xEF\xBB\xBF"))
    cur_ += 3;
}

Tok Lexer::peek() {
  Lexer saved = *this;
  quiet_ = true;
  Tok kind = next().kind;
  *this = saved;
  return kind;
}

Token Lexer::make(Tok kind, const char *begin) const {
  return {kind, llvm::StringRef(begin, cur_ - begin),
          llvm::SMLoc::getFromPointer(begin)};
}

void Lexer::skipSpaceAndComments() {
  while (cur_ < end_) {
    char c = *cur_;
    if (c == '#') {
      while (cur_ < end_ && *cur_ != '\n')
        ++cur_;
    } else if (c == ' ' || c == '\t' || c == '\r' ||
               (c == '\n' && (nesting_ > 0 || lastWasNewline_))) {
      ++cur_;
    } else {
      return;
    }
  }
}

Token Lexer::next() {
  skipSpaceAndComments();
  const char *begin = cur_;
  if (cur_ >= end_) {
    // A final newline lets the last statement end like the others.
    if (!lastWasNewline_) {
      lastWasNewline_ = true;
      return make(Tok::Newline, begin);
    }
    return make(Tok::Eof, begin);
  }
  char c = *cur_++;
  lastWasNewline_ = false;
  if (c == '\n') {
    lastWasNewline_ = true;
    return make(Tok::Newline, begin);
  }
  if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
    while (cur_ < end_ &&
           (std::isalnum(static_cast<unsigned char>(*cur_)) || *cur_ == '_'))
      ++cur_;
    llvm::StringRef text(begin, cur_ - begin);
    Tok kind = llvm::StringSwitch<Tok>(text)
                   .Case("model", Tok::KwModel)
                   .Case("import", Tok::KwImport)
                   .Case("const", Tok::KwConst)
                   .Case("data", Tok::KwData)
                   .Case("net", Tok::KwNet)
                   .Case("param", Tok::KwParam)
                   .Case("assign", Tok::KwAssign)
                   .Case("return", Tok::KwReturn)
                   .Case("minimize", Tok::KwMinimize)
                   .Case("over", Tok::KwOver)
                   .Case("with", Tok::KwWith)
                   .Case("report", Tok::KwReport)
                   .Case("repeat", Tok::KwRepeat)
                   .Case("autoregressive", Tok::KwAutoregressive)
                   .Case("emit", Tok::KwEmit)
                   .Case("true", Tok::KwTrue)
                   .Case("false", Tok::KwFalse)
                   .Default(Tok::Ident);
    return make(kind, begin);
  }
  if (std::isdigit(static_cast<unsigned char>(c)) ||
      (c == '.' && cur_ < end_ &&
       std::isdigit(static_cast<unsigned char>(*cur_)))) {
    bool isFloat = c == '.';
    while (cur_ < end_ && std::isdigit(static_cast<unsigned char>(*cur_)))
      ++cur_;
    if (cur_ < end_ && *cur_ == '.') {
      isFloat = true;
      ++cur_;
      while (cur_ < end_ && std::isdigit(static_cast<unsigned char>(*cur_)))
        ++cur_;
    }
    if (cur_ < end_ && (*cur_ == 'e' || *cur_ == 'E')) {
      const char *save = cur_++;
      if (cur_ < end_ && (*cur_ == '+' || *cur_ == '-'))
        ++cur_;
      if (cur_ < end_ && std::isdigit(static_cast<unsigned char>(*cur_))) {
        isFloat = true;
        while (cur_ < end_ && std::isdigit(static_cast<unsigned char>(*cur_)))
          ++cur_;
      } else {
        cur_ = save; // `2e` is 2 followed by a name.
      }
    }
    return make(isFloat ? Tok::Float : Tok::Int, begin);
  }
  if (c == '"') {
    while (cur_ < end_ && *cur_ != '"' && *cur_ != '\n')
      ++cur_;
    if (cur_ >= end_ || *cur_ != '"') {
      if (!quiet_)
        diags_->error({llvm::SMLoc::getFromPointer(begin),
                       llvm::SMLoc::getFromPointer(cur_)},
                      "unterminated string; add the closing '\"'");
      return make(Tok::Error, begin);
    }
    ++cur_;
    return make(Tok::String, begin);
  }
  auto two = [&](char second, Tok pair, Tok single) {
    if (cur_ < end_ && *cur_ == second) {
      ++cur_;
      return make(pair, begin);
    }
    return make(single, begin);
  };
  switch (c) {
  case '(':
    ++nesting_;
    return make(Tok::LParen, begin);
  case '[':
    ++nesting_;
    return make(Tok::LBracket, begin);
  case ')':
    nesting_ = std::max(0, nesting_ - 1);
    return make(Tok::RParen, begin);
  case ']':
    nesting_ = std::max(0, nesting_ - 1);
    return make(Tok::RBracket, begin);
  case '{':
    return make(Tok::LBrace, begin);
  case '}':
    return make(Tok::RBrace, begin);
  case ',':
    return make(Tok::Comma, begin);
  case '.':
    return make(Tok::Dot, begin); // `.5` is a number (above)
  case ':':
    return make(Tok::Colon, begin);
  case ';':
    return make(Tok::Semicolon, begin);
  case '+':
    return make(Tok::Plus, begin);
  case '-':
    return two('>', Tok::Arrow, Tok::Minus);
  case '*':
    return make(Tok::Star, begin);
  case '/':
    return make(Tok::Slash, begin);
  case '^':
    return make(Tok::Caret, begin);
  case '<':
    return two('=', Tok::Le, Tok::Lt);
  case '>':
    return two('=', Tok::Ge, Tok::Gt);
  case '=':
    return two('=', Tok::EqEq, Tok::Assign);
  case '!':
    if (cur_ < end_ && *cur_ == '=') {
      ++cur_;
      return make(Tok::NotEq, begin);
    }
    break;
  default:
    break;
  }
  // Skip a whole UTF-8 sequence so the caret lands on one character.
  while (cur_ < end_ && (static_cast<unsigned char>(*cur_) & 0xC0) == 0x80)
    ++cur_;
  Token bad = make(Tok::Error, begin);
  if (!quiet_)
    diags_->error(bad.range(),
                  "unexpected character '" + shown(bad.text) + "'");
  return bad;
}

std::string gmc::readNumber(llvm::StringRef text, double &value, bool &isInt) {
  long long integer = 0;
  isInt = !text.getAsInteger(10, integer);
  if (text.getAsDouble(value) || std::isnan(value))
    return " is not a number";
  if (std::isinf(value))
    return " is too large (f64)";
  bool digits = llvm::all_of(text.drop_front(text.starts_with("-")),
                             [](char c) { return std::isdigit(c); });
  if (digits && (!isInt || std::llabs(integer) > kMaxExactInteger))
    return " is too large to be exact (at most 2^53)";
  return "";
}
