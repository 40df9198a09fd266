//===- Parser.cpp - recursive-descent parser of .gm files -----------------===//
//
// The grammar is in docs/language.md. Each parse function reports its own
// errors and returns null on failure; statement-level callers then skip to
// the end of the line (or the closing brace) and go on.
//
//===----------------------------------------------------------------------===//

#include "compiler/Frontend/Parser.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstdlib>

using namespace gmc;

namespace {

/// How deep imports and nested expressions may go: a guard against inputs
/// that would exhaust the stack (the fuzzer finds them).
constexpr int kMaxDepth = 200;

class Parser {
public:
  Parser(DiagnosticEngine &diags, unsigned bufferId, Program &program,
         llvm::StringSet<> &visited, int importDepth)
      : diags_(diags), lexer_(diags, bufferId), program_(program),
        visited_(visited), importDepth_(importDepth) {
    advance();
  }

  void parseProgram(bool isMain);

private:
  //===--- Tokens ---===//
  void advance() {
    lastEnd_ = tok_.range().end;
    tok_ = lexer_.next();
  }
  bool at(Tok kind) const { return tok_.is(kind); }
  bool consume(Tok kind) {
    if (!at(kind))
      return false;
    advance();
    return true;
  }
  /// Reports "expected X <context>, found Y" (see expected()).
  bool expect(Tok kind, llvm::StringRef context) {
    if (consume(kind))
      return true;
    expected(llvm::Twine(spell(kind)) + " " + context);
    return false;
  }
  /// Reports "expected WHAT, found ..." at the current token, or at the end
  /// of the line when the current token is the next statement.
  void expected(const llvm::Twine &what) {
    if (atNextStatement())
      error({lastEnd_, lastEnd_}, "expected " + what + ", found end of line");
    else
      error(tok_.range(), "expected " + what + ", found " + found());
  }
  /// Whether the current token starts a later line than the last token
  /// ended on, no deeper than the statement began: the next statement,
  /// reached inside a bracket left open (whose newlines the lexer reads as
  /// space, so that a call may go on over several lines).
  bool atNextStatement() const {
    // A closing bracket goes on with the open one (a call's `)` on a line
    // of its own).
    if (!lastEnd_.isValid() || !statementStart_.isValid() || at(Tok::Eof) ||
        at(Tok::RParen) || at(Tok::RBracket) || at(Tok::RBrace))
      return false;
    const char *token = tok_.loc.getPointer(), *last = lastEnd_.getPointer();
    if (token <= last || !llvm::StringRef(last, token - last).contains('\n'))
      return false;
    for (const char *p = token; p > last && p[-1] != '\n'; --p)
      if (p[-1] != ' ' && p[-1] != '\t')
        return false; // not the first on its line
    return columnOf(tok_.loc) <= columnOf(statementStart_);
  }
  std::string found() const {
    if (at(Tok::Ident) || at(Tok::Int) || at(Tok::Float))
      return ("'" + tok_.text + "'").str();
    if (tok_.kind >= Tok::KwModel && tok_.kind <= Tok::KwFalse)
      return ("the keyword '" + tok_.text + "'").str();
    return spell(tok_.kind).str();
  }
  void error(SourceRange range, const llvm::Twine &message) {
    // An invalid token was explained by the lexer; one error is enough.
    if (at(Tok::Error))
      return;
    diags_.error(range, message);
  }
  void skipNewlines() {
    while (at(Tok::Newline) || at(Tok::Semicolon))
      advance();
  }
  /// Skips to the end of the current statement: a newline outside braces or
  /// the closing brace of the enclosing block (not consumed).
  void synchronize();
  SourceRange from(llvm::SMLoc begin) const { return {begin, lastEnd_}; }
  Ident ident() {
    Ident id{tok_.text.str(), tok_.range()};
    advance();
    return id;
  }
  /// The name at the current token, or "expected a name <context>".
  std::optional<Ident> name(llvm::StringRef context) {
    if (!at(Tok::Ident)) {
      expect(Tok::Ident, context);
      return std::nullopt;
    }
    return ident();
  }

  //===--- Declarations ---===//
  void parseTopLevel(bool isMain);
  void parseImport();
  std::optional<TypeSpec> parseType();
  bool parseNet();
  bool parseTypedNames(std::vector<TypedName> &out, Tok close, bool named);
  std::optional<Block> parseBlock();
  /// A declaration's keyword in column 1: where a block missing its `}`
  /// ends.
  bool startsDeclaration();
  unsigned columnOf(llvm::SMLoc loc) const;

  //===--- Statements ---===//
  std::unique_ptr<Stmt> parseStatement();
  std::unique_ptr<Stmt> parseMinimize();
  std::unique_ptr<Stmt> parseReport();

  //===--- Expressions ---===//
  ExprPtr parseExpr();
  ExprPtr parseBinary(ExprPtr (Parser::*operand)(),
                      std::initializer_list<Tok> ops, bool once = false);
  ExprPtr parseComparison();
  ExprPtr parseAdditive();
  ExprPtr parseTerm();
  ExprPtr parseUnary();
  ExprPtr parsePower();
  ExprPtr parsePostfix();
  ExprPtr parsePrimary();
  bool parseArgs(std::vector<Arg> &args);
  bool parseSubscripts(std::vector<Subscript> &out);
  std::unique_ptr<CallExpr> parseCall(llvm::StringRef context);

  DiagnosticEngine &diags_;
  Lexer lexer_;
  Token tok_;
  llvm::SMLoc lastEnd_;
  Program &program_;
  llvm::StringSet<> &visited_;
  int importDepth_;
  int exprDepth_ = 0;
  int blockDepth_ = 0;
  /// The statement just parsed reported an error and skipped its line.
  bool resynchronized_ = false;
  /// Where the statement or declaration being parsed began: synchronize()
  /// skips the lines indented deeper.
  llvm::SMLoc statementStart_;
};

unsigned Parser::columnOf(llvm::SMLoc loc) const {
  const char *at = loc.getPointer();
  const char *bufferStart =
      diags_.sources()
          .getMemoryBuffer(diags_.sources().FindBufferContainingLoc(loc))
          ->getBufferStart();
  unsigned column = 1;
  while (at > bufferStart && at[-1] != '\n') {
    --at;
    ++column;
  }
  return column;
}

bool Parser::startsDeclaration() {
  static const llvm::StringSet<> kKeywords = {"model", "import", "const",
                                              "data", "net"};
  static const llvm::StringSet<> kContextual = {"train", "eval", "sample"};
  if (columnOf(tok_.loc) != 1)
    return false;
  if (kKeywords.contains(tok_.text))
    return true;
  // train, eval and sample are names too: `sample = f(z)` is a statement.
  if (!at(Tok::Ident) || !kContextual.contains(tok_.text))
    return false;
  Tok next = lexer_.peek();
  return next != Tok::Assign && next != Tok::Comma && next != Tok::Dot;
}

void Parser::synchronize() {
  // To the end of the statement: a newline (or `;`) outside braces after
  // which a line starts no deeper than the statement did. The brackets the
  // error left open are forgotten, so an unclosed ( or [ ends with its
  // line, while a call's continuation lines (indented deeper) are skipped;
  // a statement the open bracket ran into is not.
  lexer_.forgetBrackets();
  // (Not where the failed statement began: it must be skipped.)
  if (atNextStatement() && tok_.loc != statementStart_)
    return;
  unsigned column = columnOf(statementStart_);
  int braces = 0;
  while (!at(Tok::Eof)) {
    if (at(Tok::LBrace))
      ++braces;
    else if (at(Tok::RBrace)) {
      if (braces == 0)
        return;
      --braces;
    } else if (at(Tok::Semicolon) && braces == 0) {
      advance();
      return;
    } else if (at(Tok::Newline) && braces == 0) {
      advance();
      if (at(Tok::Eof) || columnOf(tok_.loc) <= column)
        return;
      continue;
    }
    advance();
  }
}

void Parser::parseProgram(bool isMain) {
  skipNewlines();
  while (!at(Tok::Eof)) {
    // An imported file lends nets and consts; what else it declares is
    // reported and dropped (a dataset, block or sampler of another file's
    // model would silently join this one).
    size_t data = program_.data.size(), phases = program_.phases.size(),
           samplers = program_.samplers.size();
    Token keyword = tok_;
    statementStart_ = tok_.loc;
    parseTopLevel(isMain);
    if (!isMain &&
        (program_.data.size() != data || program_.phases.size() != phases ||
         program_.samplers.size() != samplers)) {
      error(keyword.range(), "an imported file cannot declare '" +
                                 keyword.text.str() +
                                 "'; imports may hold nets and consts");
      program_.data.erase(program_.data.begin() + data, program_.data.end());
      program_.phases.erase(program_.phases.begin() + phases,
                            program_.phases.end());
      program_.samplers.erase(program_.samplers.begin() + samplers,
                              program_.samplers.end());
    }
    skipNewlines();
  }
}

void Parser::parseTopLevel(bool isMain) {
  llvm::SMLoc begin = tok_.loc;
  Token keyword = tok_;
  // The contextual keywords of declarations.
  if (at(Tok::Ident)) {
    if (tok_.text == "train")
      tok_.kind = Tok::KwTrain;
    else if (tok_.text == "eval")
      tok_.kind = Tok::KwEval;
    else if (tok_.text == "sample")
      tok_.kind = Tok::KwSample;
  }
  switch (tok_.kind) {
  case Tok::KwModel: {
    advance();
    if (!at(Tok::Ident)) {
      expect(Tok::Ident, "after 'model' (the model's name)");
      return synchronize();
    }
    Ident name = ident();
    if (!isMain)
      error(keyword.range(), "an imported file cannot declare a model; "
                             "imports may hold nets and consts");
    else if (!program_.model.name.empty()) {
      error(name.range,
            "the model is already named '" + program_.model.name + "'");
      diags_.note(program_.model.range, "named here");
    } else
      program_.model = std::move(name);
    break;
  }
  case Tok::KwImport:
    advance();
    parseImport();
    break;
  case Tok::KwConst: {
    advance();
    if (!at(Tok::Ident)) {
      expect(Tok::Ident, "after 'const'");
      return synchronize();
    }
    Ident name = ident();
    // A const that does not parse is still declared (without a value), so
    // that its uses add no "unknown name".
    ExprPtr value;
    if (!expect(Tok::Assign, "after the const's name") ||
        !(value = parseExpr())) {
      program_.consts.push_back({std::move(name), nullptr});
      return synchronize();
    }
    program_.consts.push_back({std::move(name), std::move(value)});
    break;
  }
  case Tok::KwData: {
    advance();
    if (!at(Tok::Ident)) {
      expect(Tok::Ident, "after 'data'");
      return synchronize();
    }
    Ident name = ident();
    if (!expect(Tok::Assign, "after the dataset's name"))
      return synchronize();
    std::unique_ptr<CallExpr> source = parseCall("(the dataset source, e.g. "
                                                 "images(\"fashion-mnist\", "
                                                 "split=\"train\", batch=B))");
    if (!source)
      return synchronize();
    program_.data.push_back({std::move(name), std::move(source)});
    break;
  }
  case Tok::KwNet:
    advance();
    if (!parseNet())
      return synchronize();
    return;
  case Tok::KwTrain:
  case Tok::KwEval: {
    bool isTrain = at(Tok::KwTrain);
    advance();
    Ident name{isTrain ? "train" : "eval", keyword.range()};
    if (at(Tok::Ident))
      name = ident();
    std::optional<Block> body = parseBlock();
    if (!body)
      return synchronize();
    program_.phases.push_back(
        {isTrain, std::move(name), std::move(*body), from(begin)});
    return;
  }
  case Tok::KwSample: {
    advance();
    if (!expect(Tok::LParen, "after 'sample'"))
      return synchronize();
    if (!at(Tok::Ident)) {
      expect(Tok::Ident, "(the batch size's name) in 'sample(n)'");
      return synchronize();
    }
    Ident batch = ident();
    ExprPtr size;
    if (consume(Tok::Assign) && !(size = parseExpr()))
      return synchronize();
    if (!expect(Tok::RParen, "after the sample batch size"))
      return synchronize();
    std::optional<Block> body = parseBlock();
    if (!body)
      return synchronize();
    program_.samplers.push_back(
        {std::move(batch), std::move(size), std::move(*body), from(begin)});
    return;
  }
  default:
    error(tok_.range(), "expected a declaration (model, import, const, data, "
                        "net, train, eval or sample), found " +
                            found());
    advance();
    return synchronize();
  }
  if (!at(Tok::Newline) && !at(Tok::Semicolon) && !at(Tok::Eof)) {
    error(tok_.range(), "expected the end of the line, found " + found());
    synchronize();
  }
}

/// A character or block device: one like /dev/zero is read forever.
/// (Pipes end, so `gmc check <(...)` works.)
static bool isDevice(const llvm::Twine &path) {
  llvm::sys::fs::file_status status;
  if (llvm::sys::fs::status(path, status))
    return false;
  return status.type() == llvm::sys::fs::file_type::character_file ||
         status.type() == llvm::sys::fs::file_type::block_file;
}

/// Why `text` cannot be a .gm model ("" if it can): a NUL byte says it is
/// binary (an executable, a checkpoint), which would give an error per byte.
static std::string notText(llvm::StringRef text) {
  size_t nul = text.find('\0');
  if (nul == llvm::StringRef::npos)
    return "";
  return "it is not a text file (a NUL byte at offset " + std::to_string(nul) +
         "); a model is written in text";
}

void Parser::parseImport() {
  if (!at(Tok::String)) {
    expect(Tok::String, "after 'import' (a file name in quotes)");
    return synchronize();
  }
  Token pathTok = tok_;
  advance();
  llvm::StringRef written = pathTok.text.drop_front().drop_back();
  // Relative to the importing file, unless absolute.
  unsigned id = diags_.sources().FindBufferContainingLoc(pathTok.loc);
  llvm::SmallString<256> path;
  if (!llvm::sys::path::is_absolute(written))
    path = llvm::sys::path::parent_path(
        diags_.sources().getMemoryBuffer(id)->getBufferIdentifier());
  llvm::sys::path::append(path, written);
  if (importDepth_ >= kMaxDepth) {
    error(pathTok.range(), "imports nest too deeply");
    return;
  }
  llvm::SmallString<256> real;
  if (llvm::sys::fs::real_path(path, real))
    real = path;
  if (!visited_.insert(real).second) {
    // Already imported (or a cycle): its declarations are in.
    llvm::SmallString<256> importer;
    if (!llvm::sys::fs::real_path(
            diags_.sources().getMemoryBuffer(id)->getBufferIdentifier(),
            importer) &&
        importer == real)
      diags_.warning(pathTok.range(), "a file that imports itself imports "
                                      "nothing; remove the import");
    return;
  }
  if (isDevice(path)) {
    error(pathTok.range(),
          "cannot import '" + path + "': a device, not a file");
    return;
  }
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    error(pathTok.range(),
          "cannot read '" + path + "': " + buffer.getError().message());
    return;
  }
  if (std::string why = notText((*buffer)->getBuffer()); !why.empty()) {
    error(pathTok.range(), "cannot import '" + path + "': " + why);
    return;
  }
  unsigned bufferId = diags_.addSource(std::move(*buffer), pathTok.loc);
  Parser inner(diags_, bufferId, program_, visited_, importDepth_ + 1);
  inner.parseProgram(/*isMain=*/false);
}

std::optional<TypeSpec> Parser::parseType() {
  llvm::SMLoc begin = tok_.loc;
  if (!at(Tok::Ident)) {
    expect(Tok::Ident, "(a type such as f32[B, 20])");
    return std::nullopt;
  }
  TypeSpec type;
  type.element = ident();
  if (!expect(Tok::LBracket,
              "after the element type (a shape such as [B, 20])"))
    return std::nullopt;
  if (!at(Tok::RBracket)) {
    do {
      ExprPtr dim = parseExpr();
      if (!dim)
        return std::nullopt;
      type.dims.push_back(std::move(dim));
    } while (consume(Tok::Comma));
  }
  if (!expect(Tok::RBracket, "after the shape"))
    return std::nullopt;
  type.range = from(begin);
  return type;
}

bool Parser::parseTypedNames(std::vector<TypedName> &out, Tok close,
                             bool named) {
  if (at(close))
    return true;
  do {
    TypedName item;
    if (named) {
      if (!at(Tok::Ident)) {
        expect(Tok::Ident, "(a name)");
        return false;
      }
      item.name = ident();
      if (!expect(Tok::Colon, "after '" + item.name.name + "'"))
        return false;
    }
    std::optional<TypeSpec> type = parseType();
    if (!type)
      return false;
    item.type = std::move(*type);
    out.push_back(std::move(item));
  } while (consume(Tok::Comma) && !at(close));
  return true;
}

bool Parser::parseNet() {
  llvm::SMLoc begin = tok_.loc;
  if (!at(Tok::Ident)) {
    expect(Tok::Ident, "after 'net'");
    return false;
  }
  NetDecl net;
  net.name = ident();
  // A net that does not parse is still known by name, so that its calls
  // and minimizes add no "unknown function" or "not a net".
  auto unparsed = [&] {
    program_.unparsedNets.push_back(net.name);
    return false;
  };
  if (!expect(Tok::LParen, "after the net's name"))
    return unparsed();
  if (!parseTypedNames(net.args, Tok::RParen, /*named=*/true) ||
      !expect(Tok::RParen, "after the net's arguments"))
    return unparsed();
  if (consume(Tok::Arrow)) {
    if (consume(Tok::LParen)) {
      // `(mu: f32[..], logvar: f32[..])` or `(f32[..], f32[..])`.
      do {
        TypedName item;
        if (at(Tok::Ident) && lexer_.peek() == Tok::Colon) {
          item.name = ident();
          advance(); // ':'
        }
        std::optional<TypeSpec> type = parseType();
        if (!type)
          return unparsed();
        item.type = std::move(*type);
        bool named = !item.name.name.empty();
        if (!net.results.empty() &&
            named != !net.results.front().name.name.empty()) {
          error(item.type.range, "name every result of a net or none");
          return unparsed();
        }
        net.results.push_back(std::move(item));
      } while (consume(Tok::Comma));
      if (!expect(Tok::RParen, "after the net's results"))
        return unparsed();
    } else {
      std::optional<TypeSpec> type = parseType();
      if (!type)
        return unparsed();
      net.results.push_back({Ident{}, std::move(*type)});
    }
  }
  std::optional<Block> body = parseBlock();
  if (!body)
    return unparsed();
  net.body = std::move(*body);
  net.range = from(begin);
  program_.nets.push_back(std::move(net));
  return true;
}

std::optional<Block> Parser::parseBlock() {
  Token open = tok_;
  if (blockDepth_ >= kMaxDepth) {
    error(tok_.range(), "blocks nest too deeply");
    return std::nullopt;
  }
  if (!expect(Tok::LBrace, "to open the block"))
    return std::nullopt;
  // The enclosing statement's start and recovery state come back with the
  // block's end.
  struct BlockGuard {
    int &depth;
    llvm::SMLoc &start;
    bool &resynchronized;
    llvm::SMLoc outerStart;
    ~BlockGuard() {
      --depth;
      start = outerStart;
      resynchronized = false;
    }
  } guard{++blockDepth_, statementStart_, resynchronized_, statementStart_};
  Block body;
  skipNewlines();
  while (!at(Tok::RBrace) && !at(Tok::Eof)) {
    if (startsDeclaration()) {
      // A forgotten `}`: close the block here rather than read the next
      // declarations as statements, one error each.
      error(tok_.range(), "expected '}' to close the block before " + found());
      diags_.note(open.range(), "the block opened here");
      return body;
    }
    resynchronized_ = false;
    statementStart_ = tok_.loc;
    if (std::unique_ptr<Stmt> stmt = parseStatement()) {
      body.push_back(std::move(stmt));
      if (resynchronized_)
        ; // Its error is said and the rest of the line skipped.
      else if (!at(Tok::Newline) && !at(Tok::Semicolon) && !at(Tok::RBrace)) {
        error(tok_.range(),
              "expected the end of the statement, found " + found());
        synchronize();
      }
    } else {
      synchronize();
    }
    skipNewlines();
  }
  if (!expect(Tok::RBrace, "to close the block")) {
    diags_.note(open.range(), "the block opened here");
    return std::nullopt;
  }
  return body;
}

std::unique_ptr<Stmt> Parser::parseStatement() {
  llvm::SMLoc begin = tok_.loc;
  switch (tok_.kind) {
  case Tok::KwMinimize:
    return parseMinimize();
  case Tok::KwReport:
    return parseReport();
  case Tok::KwRepeat: {
    advance();
    ExprPtr count = parseExpr();
    if (!count)
      return nullptr;
    std::optional<Block> body = parseBlock();
    if (!body)
      return nullptr;
    return std::make_unique<RepeatStmt>(from(begin), std::move(count),
                                        std::move(*body));
  }
  case Tok::KwReturn: {
    advance();
    std::vector<ExprPtr> values;
    do {
      // A value that does not parse is still returned (nothing), so that
      // the block adds no "has no return".
      ExprPtr value = parseExpr();
      if (!value) {
        synchronize();
        resynchronized_ = true;
      }
      values.push_back(std::move(value));
    } while (!resynchronized_ && consume(Tok::Comma));
    return std::make_unique<ReturnStmt>(from(begin), std::move(values));
  }
  case Tok::KwEmit: {
    advance();
    ExprPtr value = parseExpr();
    if (!value)
      return nullptr;
    return std::make_unique<EmitStmt>(from(begin), std::move(value));
  }
  case Tok::KwParam: {
    advance();
    std::optional<Ident> name = this->name("after 'param'");
    if (!name || !expect(Tok::Colon, "after the parameter's name"))
      return nullptr;
    std::optional<TypeSpec> type = parseType();
    if (!type || !expect(Tok::Assign, "before the parameter's initializer"))
      return nullptr;
    ExprPtr init = parseExpr();
    if (!init)
      return nullptr;
    return std::make_unique<ParamStmt>(from(begin), std::move(*name),
                                       std::move(*type), std::move(init));
  }
  case Tok::KwAssign: {
    advance();
    std::optional<Ident> net =
        this->name("after 'assign' (a net's variable: net.name)");
    if (!net ||
        !expect(Tok::Dot, "between the net and its variable (net.name)"))
      return nullptr;
    // The variable's name after the net's may have dots of its own
    // (`critic.conv2d_0.weight`).
    std::optional<Ident> name =
        this->name("after 'net.' (the variable's name)");
    if (!name)
      return nullptr;
    while (consume(Tok::Dot)) {
      std::optional<Ident> part = this->name("after '.' (the variable's name)");
      if (!part)
        return nullptr;
      name = Ident{name->name + "." + part->name,
                   {name->range.begin, part->range.end}};
    }
    if (!expect(Tok::Assign, "before the variable's new value"))
      return nullptr;
    ExprPtr value = parseExpr();
    if (!value)
      return nullptr;
    return std::make_unique<AssignVariableStmt>(
        from(begin), std::move(*net), std::move(*name), std::move(value));
  }
  case Tok::Ident: {
    std::vector<Ident> targets{ident()};
    while (consume(Tok::Comma)) {
      if (!at(Tok::Ident)) {
        expect(Tok::Ident, "(another name to assign)");
        return nullptr;
      }
      targets.push_back(ident());
    }
    if (!expect(Tok::Assign, targets.size() > 1
                                 ? "after the names to assign"
                                 : "(statements are assignments `name = "
                                   "expression`)"))
      return nullptr;
    // Names whose value does not parse are still assigned (nothing), so
    // that their uses add no "unknown name".
    ExprPtr value = parseExpr();
    if (!value) {
      synchronize();
      resynchronized_ = true;
    }
    return std::make_unique<AssignStmt>(from(begin), std::move(targets),
                                        std::move(value));
  }
  default:
    error(tok_.range(), "expected a statement (an assignment, minimize, "
                        "report, repeat, return, emit, param or assign), "
                        "found " +
                            found());
    return nullptr;
  }
}

std::unique_ptr<Stmt> Parser::parseMinimize() {
  llvm::SMLoc begin = tok_.loc;
  advance();
  ExprPtr loss = parseExpr();
  if (!loss || !expect(Tok::KwOver, "after the loss (`minimize loss over "
                                    "net, ... with optimizer(...)`)"))
    return nullptr;
  std::vector<Ident> nets;
  do {
    if (!at(Tok::Ident)) {
      expect(Tok::Ident, "(the name of a net to train)");
      return nullptr;
    }
    nets.push_back(ident());
  } while (consume(Tok::Comma));
  if (!expect(Tok::KwWith, "after the nets (then the optimizer, e.g. "
                           "adam(lr=1e-3))"))
    return nullptr;
  std::unique_ptr<CallExpr> optimizer =
      parseCall("(the optimizer: sgd(...), adam(...) or adamw(...))");
  if (!optimizer)
    return nullptr;
  std::vector<Arg> options;
  if (consume(Tok::Comma) && !parseArgs(options))
    return nullptr;
  return std::make_unique<MinimizeStmt>(from(begin), std::move(loss),
                                        std::move(nets), std::move(optimizer),
                                        std::move(options));
}

std::unique_ptr<Stmt> Parser::parseReport() {
  llvm::SMLoc begin = tok_.loc;
  advance();
  std::vector<ReportStmt::Item> items;
  do {
    if (!at(Tok::Ident)) {
      expect(Tok::Ident, "(a name to report)");
      return nullptr;
    }
    ReportStmt::Item item{ident(), nullptr};
    if (consume(Tok::Assign) && !(item.value = parseExpr()))
      return nullptr;
    items.push_back(std::move(item));
  } while (consume(Tok::Comma));
  return std::make_unique<ReportStmt>(from(begin), std::move(items));
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

ExprPtr Parser::parseExpr() {
  if (++exprDepth_ > kMaxDepth) {
    error(tok_.range(), "expression nests too deeply");
    --exprDepth_;
    return nullptr;
  }
  ExprPtr e = parseComparison();
  --exprDepth_;
  return e;
}

/// One level of left-associative binary operators (`ops`) over operands
/// parsed by `operand`; with `once`, at most one operator (comparisons do not
/// chain).
ExprPtr Parser::parseBinary(ExprPtr (Parser::*operand)(),
                            std::initializer_list<Tok> ops, bool once) {
  ExprPtr lhs = (this->*operand)();
  while (lhs && llvm::is_contained(ops, tok_.kind)) {
    Token op = tok_;
    advance();
    ExprPtr rhs = (this->*operand)();
    if (!rhs)
      return nullptr;
    SourceRange range{lhs->range.begin, rhs->range.end};
    lhs = std::make_unique<BinaryExpr>(range, op.kind, op.range(),
                                       std::move(lhs), std::move(rhs));
    if (once && llvm::is_contained(ops, tok_.kind)) {
      // `0 < x < 1` reads as Python's chain but would compare a boolean.
      error(tok_.range(), "comparisons do not chain: nest where() instead, "
                          "where(a < b, where(b < c, x, y), y)");
      return nullptr;
    }
    if (once)
      break;
  }
  return lhs;
}

ExprPtr Parser::parseComparison() {
  return parseBinary(
      &Parser::parseAdditive,
      {Tok::Lt, Tok::Le, Tok::Gt, Tok::Ge, Tok::EqEq, Tok::NotEq},
      /*once=*/true);
}

ExprPtr Parser::parseAdditive() {
  return parseBinary(&Parser::parseTerm, {Tok::Plus, Tok::Minus});
}

ExprPtr Parser::parseTerm() {
  return parseBinary(&Parser::parseUnary, {Tok::Star, Tok::Slash});
}

ExprPtr Parser::parseUnary() {
  if (at(Tok::Minus)) {
    llvm::SMLoc begin = tok_.loc;
    advance();
    if (++exprDepth_ > kMaxDepth) {
      error(tok_.range(), "expression nests too deeply");
      return nullptr;
    }
    ExprPtr operand = parseUnary();
    --exprDepth_;
    if (!operand)
      return nullptr;
    return std::make_unique<UnaryExpr>(SourceRange{begin, operand->range.end},
                                       std::move(operand));
  }
  return parsePower();
}

ExprPtr Parser::parsePower() {
  ExprPtr base = parsePostfix();
  if (!base || !at(Tok::Caret))
    return base;
  Token op = tok_;
  advance();
  // Right-associative and binding tighter than unary minus on the left:
  // -x^2 is -(x^2), x^-1 is x^(-1).
  if (++exprDepth_ > kMaxDepth) {
    error(tok_.range(), "expression nests too deeply");
    return nullptr;
  }
  ExprPtr exponent = parseUnary();
  --exprDepth_;
  if (!exponent)
    return nullptr;
  SourceRange range{base->range.begin, exponent->range.end};
  return std::make_unique<BinaryExpr>(range, Tok::Caret, op.range(),
                                      std::move(base), std::move(exponent));
}

ExprPtr Parser::parsePostfix() {
  ExprPtr e = parsePrimary();
  while (e && at(Tok::LBracket)) {
    advance();
    std::vector<Subscript> subscripts;
    if (!parseSubscripts(subscripts))
      return nullptr;
    SourceRange range{e->range.begin, lastEnd_};
    e = std::make_unique<IndexExpr>(range, std::move(e), std::move(subscripts));
  }
  return e;
}

bool Parser::parseSubscripts(std::vector<Subscript> &out) {
  do {
    Subscript s;
    llvm::SMLoc begin = tok_.loc;
    if (!at(Tok::Colon) && !(s.start = parseExpr()))
      return false;
    if (consume(Tok::Colon)) {
      s.isRange = true;
      if (!at(Tok::Colon) && !at(Tok::Comma) && !at(Tok::RBracket) &&
          !(s.stop = parseExpr()))
        return false;
      if (consume(Tok::Colon) && !(s.step = parseExpr()))
        return false;
    }
    s.range = from(begin);
    out.push_back(std::move(s));
  } while (consume(Tok::Comma));
  return expect(Tok::RBracket, "to close the subscript");
}

bool Parser::parseArgs(std::vector<Arg> &args) {
  do {
    Arg arg;
    if (at(Tok::Ident) && lexer_.peek() == Tok::Assign) {
      arg.keyword = ident();
      advance(); // '='
    }
    if (!(arg.value = parseExpr()))
      return false;
    args.push_back(std::move(arg));
  } while (consume(Tok::Comma) && !at(Tok::RParen)); // a trailing comma
  return true;
}

std::unique_ptr<CallExpr> Parser::parseCall(llvm::StringRef context) {
  llvm::SMLoc begin = tok_.loc;
  if (!at(Tok::Ident)) {
    expect(Tok::Ident, context);
    return nullptr;
  }
  Ident callee = ident();
  if (!expect(Tok::LParen, "after '" + callee.name + "' " + context.str()))
    return nullptr;
  std::vector<Arg> args;
  if (!at(Tok::RParen) && !parseArgs(args))
    return nullptr;
  if (!expect(Tok::RParen, "to close the call of '" + callee.name + "'"))
    return nullptr;
  return std::make_unique<CallExpr>(from(begin), std::move(callee),
                                    std::move(args));
}

ExprPtr Parser::parsePrimary() {
  Token t = tok_;
  switch (t.kind) {
  case Tok::Int:
  case Tok::Float: {
    advance();
    double value;
    bool isInt;
    if (std::string problem = readNumber(t.text, value, isInt);
        !problem.empty()) {
      error(t.range(), (t.is(Tok::Int) ? "the integer " : "the number ") +
                           t.text.str() + problem);
      return nullptr;
    }
    return std::make_unique<NumberExpr>(t.range(), value, t.is(Tok::Int));
  }
  case Tok::String:
    advance();
    return std::make_unique<StringExpr>(t.range(),
                                        t.text.drop_front().drop_back().str());
  case Tok::KwTrue:
  case Tok::KwFalse:
    advance();
    return std::make_unique<BoolExpr>(t.range(), t.is(Tok::KwTrue));
  case Tok::Ident: {
    if (lexer_.peek() == Tok::LParen)
      return parseCall("");
    advance();
    return std::make_unique<NameExpr>(t.range(), t.text.str());
  }
  case Tok::LParen: {
    advance();
    ExprPtr inner = parseExpr();
    if (!inner || !expect(Tok::RParen, "to close the parenthesis"))
      return nullptr;
    return inner;
  }
  case Tok::LBracket: {
    advance();
    std::vector<ExprPtr> items;
    if (!at(Tok::RBracket)) {
      do {
        ExprPtr item = parseExpr();
        if (!item)
          return nullptr;
        items.push_back(std::move(item));
      } while (consume(Tok::Comma) && !at(Tok::RBracket));
    }
    if (!expect(Tok::RBracket, "to close the list"))
      return nullptr;
    return std::make_unique<ListExpr>(from(t.loc), std::move(items));
  }
  case Tok::KwAutoregressive: {
    advance();
    if (!at(Tok::Ident)) {
      expect(Tok::Ident, "(the canvas variable) after 'autoregressive'");
      return nullptr;
    }
    Ident var = ident();
    if (!expect(Tok::Colon, "after the canvas variable (then its type)"))
      return nullptr;
    std::optional<TypeSpec> type = parseType();
    if (!type || !expect(Tok::KwOver, "after the canvas type (then the "
                                      "filled dimensions, e.g. [28, 28])"))
      return nullptr;
    ExprPtr over = parsePostfix();
    if (!over)
      return nullptr;
    std::optional<Block> body = parseBlock();
    if (!body)
      return nullptr;
    return std::make_unique<AutoregressiveExpr>(
        from(t.loc), std::move(var), std::move(*type), std::move(over),
        std::move(*body));
  }
  default:
    expected("an expression");
    return nullptr;
  }
}

} // namespace

bool gmc::parseFile(llvm::StringRef path, DiagnosticEngine &diags,
                    Program &program) {
  if (path != "-" && isDevice(path)) {
    diags.error({}, "cannot read '" + path + "': a device, not a file");
    return false;
  }
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (!buffer) {
    diags.error({},
                "cannot read '" + path + "': " + buffer.getError().message());
    return false;
  }
  if (std::string why = notText((*buffer)->getBuffer()); !why.empty()) {
    diags.error({}, "cannot read '" + path + "': " + why);
    return false;
  }
  unsigned id = diags.addSource(std::move(*buffer));
  llvm::StringSet<> visited;
  llvm::SmallString<256> real;
  if (!llvm::sys::fs::real_path(path, real))
    visited.insert(real);
  Parser parser(diags, id, program, visited, 0);
  parser.parseProgram(/*isMain=*/true);
  return true;
}

void gmc::parseSource(llvm::StringRef name, llvm::StringRef text,
                      DiagnosticEngine &diags, Program &program) {
  unsigned id =
      diags.addSource(llvm::MemoryBuffer::getMemBufferCopy(text, name));
  llvm::StringSet<> visited;
  Parser parser(diags, id, program, visited, 0);
  parser.parseProgram(/*isMain=*/true);
}
