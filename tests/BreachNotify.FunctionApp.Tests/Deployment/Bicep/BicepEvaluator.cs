using System.Globalization;

namespace BreachNotify.FunctionApp.Tests.Deployment.Bicep;

// Evaluates the parsed Bicep as far as the template itself decides: literals, params (from the .bicepparam, the
// module call or the default), vars, string interpolation, concat/union/flatten, loops and ternaries. What only Azure
// knows (a resource property, a module output, uniqueString…) stays symbolic as its source text.

public abstract record BVal;

public sealed record BNum(long Value) : BVal;

public sealed record BBool(bool Value) : BVal;

public sealed record BNull : BVal;

/// <summary>Known only at deployment time; <see cref="Text"/> is the expression, e.g. <c>storage.outputs.tableEndpoint</c>.</summary>
public sealed record BUnknown(string Text) : BVal;

/// <summary>A string: literal pieces and holes (the text of what fills them at deployment).</summary>
public sealed record BStr(IReadOnlyList<StrPart> Parts) : BVal
{
    public static BStr Of(string s) => new([new StrPart(s, false)]);

    public bool IsLiteral => Parts.All(p => !p.IsHole);

    public string Literal => IsLiteral ? string.Concat(Parts.Select(p => p.Text)) : throw new InvalidOperationException("Not a literal: " + Render());

    public string Render() => string.Concat(Parts.Select(p => p.IsHole ? "${" + p.Text + "}" : p.Text));

    public override string ToString() => Render();
}

public sealed record StrPart(string Text, bool IsHole);

public sealed record BObj(IReadOnlyDictionary<string, BVal> Props) : BVal
{
    public BVal? this[string key] => Props.TryGetValue(key, out var v) ? v : null;

    public BVal Path(string path)
    {
        BVal cur = this;
        foreach (var part in path.Split('.'))
            cur = (cur as BObj)?[part] ?? throw new KeyNotFoundException($"No '{part}' in path '{path}'.");
        return cur;
    }
}

/// <summary>An array; an item is conditional when it comes from a loop or a ternary: a deployment may not have it.</summary>
public sealed record BArr(IReadOnlyList<BItem> Items) : BVal;

public sealed record BItem(BVal Value, bool Conditional);

/// <summary>A file with its parameter values: the deployment root (main + .bicepparam) or a module call.</summary>
public sealed class BicepScope
{
    private readonly Dictionary<string, BVal> _params;
    private readonly Dictionary<string, BVal> _vars = new(StringComparer.Ordinal);
    private readonly string _directory;

    public BicepScope(BicepFile file, Dictionary<string, BVal> paramValues)
    {
        File = file;
        _params = paramValues;
        _directory = System.IO.Path.GetDirectoryName(file.Path)!;
    }

    public BicepFile File { get; }

    /// <summary>The scope of a module declared in this file, with its params evaluated here.</summary>
    public BicepScope Module(string symbol)
    {
        var decl = File.Find("module", symbol) ?? throw new KeyNotFoundException($"No module '{symbol}' in {File.Path}.");
        var body = (ObjExpr)decl.Value!;
        var values = new Dictionary<string, BVal>(StringComparer.Ordinal);
        var paramsExpr = body.Props.FirstOrDefault(p => KeyOf(p.Key) == "params").Value as ObjExpr;
        foreach (var p in paramsExpr?.Props ?? [])
            values[KeyOf(p.Key)] = Eval(p.Value, []);
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(_directory, decl.Type!));
        return new BicepScope(BicepFile.Load(path), values);
    }

    public IEnumerable<(string Symbol, BicepScope Scope)> Modules()
        => File.Declarations.Where(d => d.Kind == "module").Select(d => (d.Name, Module(d.Name)));

    /// <summary>Resources of a type (without API version) declared in this file, with their evaluated bodies.</summary>
    public IEnumerable<(Declaration Decl, BObj Body)> Resources(string type, bool includeExisting = false)
        => File.Declarations
            .Where(d => d.Kind == "resource" && string.Equals(d.ResourceType, type, StringComparison.OrdinalIgnoreCase) && (includeExisting || !d.Existing))
            .Select(d => (d, (BObj)(d.Value is ForExpr f ? Eval(f.Body, new() { [f.Item] = new BUnknown(f.Item) }) : Eval(d.Value!, []))));

    public BVal Param(string name)
    {
        if (_params.TryGetValue(name, out var v)) return v;
        var decl = File.Find("param", name) ?? throw new KeyNotFoundException($"No param '{name}' in {File.Path}.");
        return decl.Value is null ? new BUnknown(name) : Eval(decl.Value, []);
    }

    public static string KeyOf(Expr key) => ((StrExpr)key).Parts is [string s] ? s : throw new BicepParseException("Computed property names are not supported here.");

    public BVal Eval(Expr e, Dictionary<string, BVal> locals)
    {
        switch (e)
        {
            case NumExpr n: return new BNum(n.Value);
            case BoolExpr b: return new BBool(b.Value);
            case NullExpr: return new BNull();
            case StrExpr s:
            {
                var parts = new List<StrPart>();
                foreach (var p in s.Parts)
                {
                    if (p is string lit) { parts.Add(new StrPart(lit, false)); continue; }
                    var v = Eval((Expr)p, locals);
                    switch (v)
                    {
                        case BStr inner: parts.AddRange(inner.Parts); break;
                        case BNum num: parts.Add(new StrPart(num.Value.ToString(CultureInfo.InvariantCulture), false)); break;
                        case BUnknown u: parts.Add(new StrPart(u.Text, true)); break;
                        default: parts.Add(new StrPart(BicepParser.Print((Expr)p), true)); break;
                    }
                }
                return new BStr(parts);
            }
            case IdentExpr id:
            {
                if (locals.TryGetValue(id.Name, out var local)) return local;
                var decl = File.Symbol(id.Name);
                switch (decl?.Kind)
                {
                    case "param": return Param(id.Name);
                    case "var":
                        if (!_vars.TryGetValue(id.Name, out var cached)) _vars[id.Name] = cached = Eval(decl.Value!, []);
                        return cached;
                    default: return new BUnknown(id.Name); // resource, module or a function namespace: Azure knows
                }
            }
            case ObjExpr o:
            {
                var props = new Dictionary<string, BVal>(StringComparer.OrdinalIgnoreCase);
                foreach (var p in o.Props)
                {
                    var key = Eval(p.Key, locals);
                    props[key is BStr { IsLiteral: true } k ? k.Literal : ((BStr)key).Render()] = Eval(p.Value, locals);
                }
                return new BObj(props);
            }
            case ArrExpr a:
                return new BArr(a.Items.Select(i => new BItem(Eval(i, locals), false)).ToList());
            case ForExpr f:
            {
                // The template's view: the body once, with the loop variables unknown; its items are conditional.
                var inner = new Dictionary<string, BVal>(locals) { [f.Item] = new BUnknown(f.Item) };
                if (f.Index is not null) inner[f.Index] = new BUnknown(f.Index);
                return new BArr([new BItem(Eval(f.Body, inner), true)]);
            }
            case MemberExpr m:
            {
                var target = Eval(m.Target, locals);
                return target switch
                {
                    BObj obj => obj[m.Name] ?? new BUnknown(BicepParser.Print(e)),
                    BUnknown u => new BUnknown(u.Text + "." + m.Name),
                    _ => new BUnknown(BicepParser.Print(e)),
                };
            }
            case IndexExpr x:
            {
                var target = Eval(x.Target, locals);
                var index = Eval(x.Index, locals);
                if (target is BObj obj && index is BStr { IsLiteral: true } key) return obj[key.Literal] ?? new BUnknown(BicepParser.Print(e));
                if (target is BArr arr && index is BNum n && n.Value < arr.Items.Count) return arr.Items[(int)n.Value].Value;
                return new BUnknown(Describe(target) + "[" + Describe(index) + "]");
            }
            case TernaryExpr t:
            {
                var then = Eval(t.Then, locals);
                var @else = Eval(t.Else, locals);
                if (then is BArr ta && @else is BArr ea)
                    return new BArr(ta.Items.Concat(ea.Items).Select(i => i with { Conditional = true }).ToList());
                return new BUnknown(BicepParser.Print(e));
            }
            case CallExpr c:
                return Call(c, locals);
            default:
                return new BUnknown(BicepParser.Print(e));
        }
    }

    private static string Describe(BVal v) => v switch
    {
        BStr s => s.Render(),
        BUnknown u => u.Text,
        BNum n => n.Value.ToString(CultureInfo.InvariantCulture),
        _ => v.GetType().Name,
    };

    private BVal Call(CallExpr c, Dictionary<string, BVal> locals)
    {
        var name = c.Callee is IdentExpr id ? id.Name : null;
        var args = c.Args.Select(a => Eval(a, locals)).ToList();
        switch (name)
        {
            case "concat" when args.All(a => a is BArr):
                return new BArr(args.SelectMany(a => ((BArr)a).Items).ToList());
            case "concat" when args.All(a => a is BStr):
                return new BStr(args.SelectMany(a => ((BStr)a).Parts).ToList());
            case "flatten" when args is [BArr outer]:
            {
                var items = new List<BItem>();
                foreach (var o in outer.Items)
                {
                    if (o.Value is not BArr inner) return new BUnknown(BicepParser.Print(c));
                    items.AddRange(inner.Items.Select(i => i with { Conditional = i.Conditional || o.Conditional }));
                }
                return new BArr(items);
            }
            case "union" when args.All(a => a is BObj):
            {
                var props = new Dictionary<string, BVal>(StringComparer.OrdinalIgnoreCase);
                foreach (var a in args.Cast<BObj>())
                    foreach (var (k, v) in a.Props) props[k] = v;
                return new BObj(props);
            }
            case "toLower" when args is [BStr s]:
                return new BStr(s.Parts.Select(p => p.IsHole ? p with { Text = "toLower(" + p.Text + ")" } : p with { Text = p.Text.ToLowerInvariant() }).ToList());
            case "subscriptionResourceId" or "resourceId" when args.All(a => a is BStr):
                return new BStr(args.Cast<BStr>().SelectMany((a, i) => i == 0 ? a.Parts : [new StrPart("/", false), .. a.Parts]).ToList());
            default:
                return new BUnknown(BicepParser.Print(c));
        }
    }
}

/// <summary>bicep/main.bicep with the values of bicep/main.bicepparam.</summary>
public static class BicepDeployment
{
    public static BicepScope Load(string bicepDirectory)
    {
        var paramFile = BicepFile.Load(Path.Combine(bicepDirectory, "main.bicepparam"));
        var main = BicepFile.Load(Path.Combine(bicepDirectory, "main.bicep"));
        var paramScope = new BicepScope(paramFile, []);
        var values = new Dictionary<string, BVal>(StringComparer.Ordinal);
        foreach (var p in paramFile.Declarations.Where(d => d.Kind == "param"))
            values[p.Name] = paramScope.Eval(p.Value!, []);
        return new BicepScope(main, values);
    }
}
