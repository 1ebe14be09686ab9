using System.Globalization;
using System.Text;

namespace BreachNotify.FunctionApp.Tests.Deployment.Bicep;

// A tokenizer and parser for the subset of Bicep that bicep/ uses: declarations (targetScope, param, var, resource,
// module, output, using), decorators, objects, arrays, for-expressions, strings with ${} interpolation, calls,
// member/index access, ternaries and binary operators. No Bicep compiler is available here, so the deployment is
// checked by parsing it (https://learn.microsoft.com/azure/azure-resource-manager/bicep/file). Anything outside the
// subset is a parse error, never silently skipped.

public abstract record Expr;
public sealed record StrExpr(IReadOnlyList<object> Parts) : Expr; // string literal pieces and Expr holes
public sealed record NumExpr(long Value) : Expr;
public sealed record BoolExpr(bool Value) : Expr;
public sealed record NullExpr : Expr;
public sealed record IdentExpr(string Name) : Expr;
public sealed record ObjExpr(IReadOnlyList<KeyValuePair<Expr, Expr>> Props) : Expr; // key: StrExpr (identifier keys too)
public sealed record ArrExpr(IReadOnlyList<Expr> Items) : Expr;
public sealed record ForExpr(string Item, string? Index, Expr Source, Expr Body) : Expr;
public sealed record IfExpr(Expr Condition, Expr Body) : Expr;
public sealed record MemberExpr(Expr Target, string Name) : Expr;
public sealed record IndexExpr(Expr Target, Expr Index) : Expr;
public sealed record CallExpr(Expr Callee, IReadOnlyList<Expr> Args) : Expr;
public sealed record TernaryExpr(Expr Condition, Expr Then, Expr Else) : Expr;
public sealed record BinaryExpr(string Op, Expr Left, Expr Right) : Expr;
public sealed record UnaryExpr(string Op, Expr Operand) : Expr;

/// <summary>kind: targetScope, param, var, resource, module, output, using. Type: the param/output type, the
/// resource type@version or the module/using path.</summary>
public sealed record Declaration(string Kind, string Name, string? Type, Expr? Value, IReadOnlyList<Expr> Decorators, bool Existing)
{
    public bool IsSecure => Decorators.Any(d => d is CallExpr { Callee: IdentExpr { Name: "secure" } });

    /// <summary>Resource type without the API version.</summary>
    public string? ResourceType => Kind == "resource" ? Type![..Type!.IndexOf('@', StringComparison.Ordinal)] : null;

    public string? ApiVersion => Kind == "resource" ? Type![(Type!.IndexOf('@', StringComparison.Ordinal) + 1)..] : null;
}

public sealed record BicepFile(string Path, IReadOnlyList<Declaration> Declarations)
{
    public Declaration? Find(string kind, string name) =>
        Declarations.FirstOrDefault(d => d.Kind == kind && d.Name == name);

    public Declaration? Symbol(string name) =>
        Declarations.FirstOrDefault(d => d.Name == name && d.Kind is "param" or "var" or "resource" or "module");

    public static BicepFile Load(string path) => new(path, BicepParser.ParseFile(File.ReadAllText(path), path));
}

public sealed class BicepParseException(string message) : Exception(message);

internal enum T { Ident, Str, Num, Punct, NewLine, End }

internal sealed record Token(T Kind, string Text, int Line, IReadOnlyList<object>? StrParts = null);

public static class BicepParser
{
    public static IReadOnlyList<Declaration> ParseFile(string source, string name = "<bicep>")
        => new Parser(Tokenize(source, name), name).ParseDeclarations();

    public static Expr ParseExpression(string source) => new Parser(Tokenize(source, "<expr>"), "<expr>").ParseStandaloneExpression();

    private static readonly string[] Puncts = ["==", "!=", "<=", ">=", "&&", "||", "??", "=>", "{", "}", "[", "]", "(", ")", ",", ":", ".", "?", "!", "=", "<", ">", "+", "-", "*", "/", "%", "@"];

    internal static List<Token> Tokenize(string s, string file)
    {
        var tokens = new List<Token>();
        var line = 1;
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '\n') { tokens.Add(new Token(T.NewLine, "\n", line++)); i++; continue; }
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '/' && i + 1 < s.Length && s[i + 1] == '/') { while (i < s.Length && s[i] != '\n') i++; continue; }
            if (c == '/' && i + 1 < s.Length && s[i + 1] == '*')
            {
                var end = s.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0) throw new BicepParseException($"{file}:{line}: unterminated comment");
                line += s[i..end].Count(ch => ch == '\n');
                i = end + 2;
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] == '_')) i++;
                tokens.Add(new Token(T.Ident, s[start..i], line));
                continue;
            }
            if (char.IsDigit(c))
            {
                var start = i;
                while (i < s.Length && char.IsDigit(s[i])) i++;
                tokens.Add(new Token(T.Num, s[start..i], line));
                continue;
            }
            if (c == '\'')
            {
                if (s.AsSpan(i).StartsWith("'''")) throw new BicepParseException($"{file}:{line}: multi-line strings are not in the supported subset");
                var (parts, next) = ReadString(s, i + 1, file, line);
                tokens.Add(new Token(T.Str, s[i..next], line, parts));
                i = next;
                continue;
            }
            var p = Puncts.FirstOrDefault(x => string.CompareOrdinal(s, i, x, 0, x.Length) == 0)
                ?? throw new BicepParseException($"{file}:{line}: unexpected character '{c}'");
            tokens.Add(new Token(T.Punct, p, line));
            i += p.Length;
        }
        tokens.Add(new Token(T.End, "", line));
        return tokens;
    }

    /// <summary>Reads a single-quoted string body from <paramref name="i"/>; holes are parsed as expressions.</summary>
    private static (List<object> Parts, int Next) ReadString(string s, int i, string file, int line)
    {
        var parts = new List<object>();
        var sb = new StringBuilder();
        while (true)
        {
            if (i >= s.Length || s[i] == '\n') throw new BicepParseException($"{file}:{line}: unterminated string");
            var c = s[i];
            if (c == '\'') { i++; break; }
            if (c == '\\')
            {
                var e = s[i + 1];
                sb.Append(e switch { 'n' => '\n', 'r' => '\r', 't' => '\t', '\\' => '\\', '\'' => '\'', '$' => '$', _ => throw new BicepParseException($"{file}:{line}: unknown escape \\{e}") });
                i += 2;
                continue;
            }
            if (c == '$' && i + 1 < s.Length && s[i + 1] == '{')
            {
                var start = i + 2;
                var depth = 1;
                var j = start;
                while (depth > 0)
                {
                    if (j >= s.Length) throw new BicepParseException($"{file}:{line}: unterminated interpolation");
                    if (s[j] == '\'') { j = ReadString(s, j + 1, file, line).Next; continue; }
                    if (s[j] == '{') depth++;
                    else if (s[j] == '}') depth--;
                    j++;
                }
                if (sb.Length > 0) { parts.Add(sb.ToString()); sb.Clear(); }
                parts.Add(ParseExpression(s[start..(j - 1)]));
                i = j;
                continue;
            }
            sb.Append(c);
            i++;
        }
        if (sb.Length > 0 || parts.Count == 0) parts.Add(sb.ToString());
        return (parts, i);
    }

    private sealed class Parser(List<Token> tokens, string file)
    {
        private int _pos;
        // true: newlines separate items (top level, objects, arrays); false: inside parentheses they are whitespace.
        private readonly Stack<bool> _newlinesMatter = new([true]);

        private Token Peek()
        {
            if (!_newlinesMatter.Peek())
                while (tokens[_pos].Kind == T.NewLine) _pos++;
            return tokens[_pos];
        }

        private Token Next() { var t = Peek(); _pos++; return t; }

        private bool IsPunct(string p) => Peek() is { Kind: T.Punct } t && t.Text == p;

        private bool IsKeyword(string k) => Peek() is { Kind: T.Ident } t && t.Text == k;

        private Token Expect(string p)
        {
            var t = Next();
            if (t.Kind != T.Punct || t.Text != p) throw Error(t, $"expected '{p}'");
            return t;
        }

        private string ExpectIdent()
        {
            var t = Next();
            return t.Kind == T.Ident ? t.Text : throw Error(t, "expected an identifier");
        }

        private string ExpectPlainString()
        {
            var t = Next();
            if (t.Kind != T.Str || t.StrParts!.Count != 1 || t.StrParts[0] is not string s) throw Error(t, "expected a plain string");
            return s;
        }

        private BicepParseException Error(Token t, string what) => new($"{file}:{t.Line}: {what}, found '{t.Text.Replace("\n", "\\n", StringComparison.Ordinal)}'");

        private void SkipNewLines() { while (tokens[_pos].Kind == T.NewLine) _pos++; }

        public Expr ParseStandaloneExpression()
        {
            _newlinesMatter.Push(false);
            var e = ParseExpr();
            if (Peek().Kind != T.End) throw Error(Peek(), "unexpected token after expression");
            return e;
        }

        public IReadOnlyList<Declaration> ParseDeclarations()
        {
            var list = new List<Declaration>();
            var decorators = new List<Expr>();
            while (true)
            {
                SkipNewLines();
                var t = Peek();
                if (t.Kind == T.End) break;
                if (IsPunct("@")) { Next(); decorators.Add(ParsePostfix()); continue; }
                var keyword = ExpectIdent();
                Declaration d;
                switch (keyword)
                {
                    case "targetScope":
                        Expect("=");
                        d = new Declaration(keyword, keyword, null, ParseExpr(), decorators, false);
                        break;
                    case "using":
                        d = new Declaration(keyword, keyword, ExpectPlainString(), null, decorators, false);
                        break;
                    case "param":
                    {
                        var name = ExpectIdent();
                        string? type = null;
                        if (Peek().Kind == T.Ident) type = ExpectIdent();
                        Expr? value = null;
                        if (IsPunct("=")) { Next(); value = ParseExpr(); }
                        d = new Declaration(keyword, name, type, value, decorators, false);
                        break;
                    }
                    case "var":
                    {
                        var name = ExpectIdent();
                        Expect("=");
                        d = new Declaration(keyword, name, null, ParseExpr(), decorators, false);
                        break;
                    }
                    case "output":
                    {
                        var name = ExpectIdent();
                        var type = ExpectIdent();
                        Expect("=");
                        d = new Declaration(keyword, name, type, ParseExpr(), decorators, false);
                        break;
                    }
                    case "resource" or "module":
                    {
                        var name = ExpectIdent();
                        var type = ExpectPlainString();
                        var existing = false;
                        if (IsKeyword("existing")) { Next(); existing = true; }
                        Expect("=");
                        Expr body;
                        if (IsKeyword("if"))
                        {
                            Next();
                            Expect("(");
                            _newlinesMatter.Push(false);
                            var cond = ParseExpr();
                            _newlinesMatter.Pop();
                            Expect(")");
                            body = new IfExpr(cond, ParseExpr());
                        }
                        else body = ParseExpr();
                        if (keyword == "resource" && !type.Contains('@', StringComparison.Ordinal)) throw Error(t, "resource type needs an API version");
                        d = new Declaration(keyword, name, type, body, decorators, existing);
                        break;
                    }
                    default:
                        throw Error(t, "unsupported declaration");
                }
                list.Add(d);
                decorators = [];
                var after = tokens[_pos];
                if (after.Kind is not (T.NewLine or T.End)) throw Error(after, "expected end of line after declaration");
            }
            return list;
        }

        private Expr ParseExpr()
        {
            var cond = ParseBinary(0);
            if (!IsPunct("?")) return cond;
            Next();
            var then = ParseExpr();
            Expect(":");
            var @else = ParseExpr();
            return new TernaryExpr(cond, then, @else);
        }

        private static readonly string[][] Levels = [["??"], ["||"], ["&&"], ["==", "!="], ["<", ">", "<=", ">="], ["+", "-"], ["*", "/", "%"]];

        private Expr ParseBinary(int level)
        {
            if (level == Levels.Length) return ParseUnary();
            var left = ParseBinary(level + 1);
            while (Peek() is { Kind: T.Punct } t && Levels[level].Contains(t.Text))
            {
                Next();
                left = new BinaryExpr(t.Text, left, ParseBinary(level + 1));
            }
            return left;
        }

        private Expr ParseUnary()
        {
            if (IsPunct("!") || IsPunct("-")) { var op = Next().Text; return new UnaryExpr(op, ParseUnary()); }
            return ParsePostfix();
        }

        private Expr ParsePostfix()
        {
            var e = ParsePrimary();
            while (true)
            {
                var t = tokens[_pos]; // postfix operators must be on the same line
                if (t is { Kind: T.Punct, Text: "." })
                {
                    _pos++;
                    e = new MemberExpr(e, ExpectIdent());
                }
                else if (t is { Kind: T.Punct, Text: "[" })
                {
                    _pos++;
                    _newlinesMatter.Push(false);
                    var index = ParseExpr();
                    _newlinesMatter.Pop();
                    Expect("]");
                    e = new IndexExpr(e, index);
                }
                else if (t is { Kind: T.Punct, Text: "(" } && e is IdentExpr or MemberExpr)
                {
                    _pos++;
                    _newlinesMatter.Push(false);
                    var args = new List<Expr>();
                    while (!IsPunct(")"))
                    {
                        args.Add(ParseExpr());
                        if (!IsPunct(")")) Expect(",");
                    }
                    _newlinesMatter.Pop();
                    Expect(")");
                    e = new CallExpr(e, args);
                }
                else return e;
            }
        }

        private Expr ParsePrimary()
        {
            var t = Next();
            switch (t.Kind)
            {
                case T.Str:
                    return new StrExpr(t.StrParts!);
                case T.Num:
                    return new NumExpr(long.Parse(t.Text, CultureInfo.InvariantCulture));
                case T.Ident:
                    return t.Text switch
                    {
                        "true" => new BoolExpr(true),
                        "false" => new BoolExpr(false),
                        "null" => new NullExpr(),
                        _ => new IdentExpr(t.Text),
                    };
                case T.Punct when t.Text == "(":
                {
                    _newlinesMatter.Push(false);
                    var e = ParseExpr();
                    _newlinesMatter.Pop();
                    Expect(")");
                    return e;
                }
                case T.Punct when t.Text == "{":
                    return ParseObject();
                case T.Punct when t.Text == "[":
                    return ParseArray();
                default:
                    throw Error(t, "expected an expression");
            }
        }

        private ObjExpr ParseObject()
        {
            _newlinesMatter.Push(true);
            var props = new List<KeyValuePair<Expr, Expr>>();
            while (true)
            {
                SkipNewLines();
                if (IsPunct("}")) break;
                var k = Next();
                Expr key = k.Kind switch
                {
                    T.Ident => new StrExpr([k.Text]),
                    T.Str => new StrExpr(k.StrParts!),
                    _ => throw Error(k, "expected a property name"),
                };
                Expect(":");
                props.Add(new(key, ParseExpr()));
                if (IsPunct(",")) Next();
                else if (tokens[_pos].Kind != T.NewLine && !IsPunct("}")) throw Error(Peek(), "expected a new line, ',' or '}'");
            }
            _newlinesMatter.Pop();
            Expect("}");
            return new ObjExpr(props);
        }

        private Expr ParseArray()
        {
            _newlinesMatter.Push(true);
            SkipNewLines();
            if (IsKeyword("for"))
            {
                Next();
                _newlinesMatter.Push(false);
                string item;
                string? index = null;
                if (IsPunct("("))
                {
                    Next();
                    item = ExpectIdent();
                    Expect(",");
                    index = ExpectIdent();
                    Expect(")");
                }
                else item = ExpectIdent();
                if (ExpectIdent() != "in") throw Error(tokens[_pos - 1], "expected 'in'");
                var source = ParseExpr();
                Expect(":");
                _newlinesMatter.Pop();
                var body = ParseExpr();
                SkipNewLines();
                _newlinesMatter.Pop();
                Expect("]");
                return new ForExpr(item, index, source, body);
            }
            var items = new List<Expr>();
            while (true)
            {
                SkipNewLines();
                if (IsPunct("]")) break;
                items.Add(ParseExpr());
                if (IsPunct(",")) Next();
                else if (tokens[_pos].Kind != T.NewLine && !IsPunct("]")) throw Error(Peek(), "expected a new line, ',' or ']'");
            }
            _newlinesMatter.Pop();
            Expect("]");
            return new ArrExpr(items);
        }
    }

    /// <summary>Source-like text of an expression (used for values that only Azure knows, e.g. a module output).</summary>
    public static string Print(Expr e) => e switch
    {
        StrExpr s => "'" + string.Concat(s.Parts.Select(p => p is string l ? l : "${" + Print((Expr)p) + "}")) + "'",
        NumExpr n => n.Value.ToString(CultureInfo.InvariantCulture),
        BoolExpr b => b.Value ? "true" : "false",
        NullExpr => "null",
        IdentExpr i => i.Name,
        MemberExpr m => Print(m.Target) + "." + m.Name,
        IndexExpr x => Print(x.Target) + "[" + Print(x.Index) + "]",
        CallExpr c => Print(c.Callee) + "(" + string.Join(", ", c.Args.Select(Print)) + ")",
        TernaryExpr t => Print(t.Condition) + " ? " + Print(t.Then) + " : " + Print(t.Else),
        BinaryExpr b => Print(b.Left) + " " + b.Op + " " + Print(b.Right),
        UnaryExpr u => u.Op + Print(u.Operand),
        ObjExpr => "{…}",
        ArrExpr or ForExpr => "[…]",
        IfExpr i => "if (" + Print(i.Condition) + ") …",
        _ => e.GetType().Name,
    };
}
