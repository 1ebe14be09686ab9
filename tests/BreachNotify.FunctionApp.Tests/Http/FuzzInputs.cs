using System.Globalization;
using System.Text;
using System.Text.Json;
using BreachNotify.Domain.Incidents;
using BreachNotify.Domain.Risk;
using BreachNotify.FunctionApp.Json;
using FsCheck;
using FsCheck.Fluent;

namespace BreachNotify.FunctionApp.Tests.Http;

/// <summary>A request body as sent: its bytes and content type (null: none sent).</summary>
public sealed record FuzzBody(byte[] Bytes, string? ContentType)
{
    public override string ToString()
    {
        var text = Encoding.UTF8.GetString(Bytes);
        return $"{ContentType ?? "(no content type)"} {(text.Length > 400 ? text[..400] + "…" : text)}";
    }
}

/// <summary>
/// Generators of what a client can send: JSON written by hand (so it can hold what a serializer never writes: a field
/// twice, a lone <c>\ud800</c>, numbers past any .NET type, nesting past the reader's depth), mostly shaped like the
/// contract under test (its fields with good, bad and wrong-typed values, unknown fields), and bodies that are not
/// JSON at all (empty, truncated, invalid UTF-8, wrong content type).
/// </summary>
public static class FuzzInputs
{
    private static string[] Wire<T>() where T : struct, System.Enum
        => System.Enum.GetValues<T>().Select(v => JsonSerializer.Serialize(v, ApiJson.Options)).ToArray(); // already quoted

    private static readonly Gen<string> NastyText = Gen.Elements(
        "", " ", "a", "Laptop stolen", "\\ud800", "\\udfff", "x\\ud800y", "\\udc00\\ud800", "\\ud83d\\ude00", "\\u0000",
        "line\\nfail: forged anna@example.org", "anna@example.org", "=?utf-8?B?QW5uYQ==?=", "<script>alert(1)</script>",
        "é", "\\\"quoted\\\"", "'; DROP TABLE x; --", "%00", "../../etc/passwd", "\\u202e", new string('x', 300), new string('y', 5000));

    private static readonly Gen<string> Strings = Gen.OneOf(NastyText, ArbMap.Default.GeneratorFor<string>()
        .Select(s => s is null ? "" : JsonSerializer.Serialize(s)[1..^1]))
        .Select(s => "\"" + s + "\"");

    private static readonly Gen<string> Numbers = Gen.OneOf(
        Gen.Elements("0", "-0", "1", "-1", "3", "1.5", "1e400", "-1e400", "1E-400", "99999999999999999999999999", "9223372036854775808",
            "-9223372036854775809", "2147483648", "2147483647", "4294967296", "0.0000001", "1e2", "123456789012345678901234567890.5"),
        Gen.Choose(-1000, 100_000).Select(i => i.ToString(CultureInfo.InvariantCulture)));

    private static readonly Gen<string> Instants = Gen.Elements(
        "\"2026-03-27T10:15:00+01:00\"", "\"2026-03-27T09:15:00Z\"", "\"2026-03-27T12:00:00.1234567Z\"",
        "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"", "\"9999-12-31T23:59:59-14:00\"", "\"0001-01-01T00:00:00+14:00\"",
        "\"2026-03-27T10:15:00\"",
        "\"2026-02-30T10:00:00Z\"", "\"2026-03-27\"", "\"yesterday\"", "\"2026-03-27T25:00:00Z\"", "\"1999-12-31T23:59:59Z\"", "\"2031-01-01T00:00:00Z\"");

    private static readonly Gen<string> Scalars = Gen.OneOf(Strings, Numbers, Gen.Elements("true", "false", "null"), Instants);

    /// <summary>Any JSON value, nested up to <paramref name="depth"/>, objects possibly repeating a name.</summary>
    public static Gen<string> Value(int depth) => depth <= 0
        ? Scalars
        : Gen.Frequency(
            (6, Scalars),
            (1, Value(depth - 1).ListOf(4).Select(items => "[" + string.Join(",", items) + "]")),
            (1, Gen.Zip(Strings, Value(depth - 1)).ListOf(4).SelectMany(members => Gen.Elements(true, false).Select(repeat =>
                "{" + string.Join(",", members.Concat(repeat && members.Count > 0 ? [members[0]] : []).Select(m => m.Item1 + ":" + m.Item2)) + "}"))));

    private static readonly Gen<string> DeepNesting = Gen.Choose(60, 200).SelectMany(n => Gen.Elements(
        new string('[', n) + new string(']', n),
        string.Concat(Enumerable.Repeat("{\"a\":", n)) + "1" + new string('}', n)));

    /// <summary>A field of a contract: its name and the values that mean something for it.</summary>
    public sealed record Field(string Name, Gen<string> Good);

    private static Field Text(string name) => new(name, Strings);

    private static Field Bool(string name) => new(name, Gen.Elements("true", "false"));

    private static Field Instant(string name) => new(name, Instants);

    private static Field Enum<T>(string name) where T : struct, System.Enum => new(name, Gen.Elements(Wire<T>()));

    private static Field EnumList<T>(string name) where T : struct, System.Enum
        => new(name, Gen.Elements(Wire<T>()).ListOf(3).Select(v => "[" + string.Join(",", v) + "]"));

    private static Field Number(string name) => new(name, Numbers);

    private static Field Choice(string name, params string[] values) => new(name, Gen.Elements(values.Select(v => "\"" + v + "\"").ToArray()));

    public static readonly Field[] Facts =
    [
        EnumList<BreachType>("breachTypes"), EnumList<DataCategory>("dataCategories"), Number("dataSubjects"), Number("records"),
        Bool("vulnerableSubjects"), Enum<Protection>("protection"), Bool("protectionCompromised"), Enum<Exposure>("exposure"),
        Enum<Exfiltration>("exfiltration"), Bool("maliciousIntent"), Enum<AvailabilityImpact>("availabilityImpact"),
        Enum<IntegrityImpact>("integrityImpact"), Bool("contained"), Bool("misuseObserved"), Bool("disproportionateEffort"),
    ];

    private static Field FactsObject(string name) => new(name, Object(Facts));

    private static readonly Field Countries = new("countries", Gen.Elements("\"NL\"", "\"be\"", "\"XX\"", "\"\"", "\"NLD\"", "1").ListOf(3).Select(v => "[" + string.Join(",", v) + "]"));

    public static readonly Field[] CreateIncident =
    [
        Text("title"), Text("description"), Instant("detectedAt"), Instant("awareAt"), Instant("occurredAt"), Enum<ProcessingRole>("role"),
        Text("controllerCustomer"), Countries, Text("owner"), Text("note"), FactsObject("facts"),
    ];

    public static readonly Field[] PatchIncident =
    [
        Text("title"), Text("description"), Instant("detectedAt"), Instant("awareAt"), Instant("occurredAt"), Enum<ProcessingRole>("role"),
        Text("controllerCustomer"), Countries, Text("owner"), Text("awareAtChangeReason"), FactsObject("facts"), Text("status"), Text("id"),
    ];

    public static readonly Field[] Confirm = [Instant("awareAt"), Text("note")];
    public static readonly Field[] Dismiss = [Text("reason")];
    public static readonly Field[] Close = [Text("note")];
    public static readonly Field[] Decision = [Bool("notifyAuthority"), Bool("notifyDataSubjects"), Bool("publicCommunication"), Text("rationale")];
    public static readonly Field[] NoticeContent = [Text("summary"), Text("consequences"), Text("measures"), Text("advice")];

    public static readonly Field[] Notification =
    [
        Choice("kind", "data-subjects", "controllers", "authority", "public", "x"), Choice("phase", "initial", "update", "final", "x"),
        Choice("language", "en", "nl", "fr", "de", "xx"), Text("reasonsForDelay"), Bool("override"), Text("rationale"),
    ];

    public static readonly Field[] AuthoritySubmission = [Text("reference"), Instant("submittedAt"), Text("reasonsForDelay"), Text("note")];
    public static readonly Field[] Admin = [Text("input")];

    /// <summary>An object of the contract's fields: a subset, each with a good, nasty or wrong-typed value, sometimes an
    /// unknown field, sometimes a field twice.</summary>
    public static Gen<string> Object(Field[] fields) =>
        Gen.SubListOf(fields).SelectMany(chosen =>
            Gen.CollectToList(chosen.Select(f => Gen.Frequency((12, f.Good), (1, Scalars), (1, Value(2))).Select(v => "\"" + f.Name + "\":" + v)))
            .SelectMany(members => Gen.Frequency(
                (10, Gen.Constant(members.ToList())),
                (1, Gen.Zip(Strings, Value(1)).Select(extra => members.Append(extra.Item1 + ":" + extra.Item2).ToList())),
                (1, Gen.Constant(members.Count > 0 ? members.Append(members[0]).ToList() : members.ToList())))))
            .SelectMany(members => Gen.Shuffle(members.ToArray()).Select(m => "{" + string.Join(",", m) + "}"));

    /// <summary>A body for a JSON contract: mostly shaped like it, otherwise anything a client could send.</summary>
    public static Gen<FuzzBody> JsonBody(Field[] fields, string contentType = "application/json") => Gen.Frequency(
        (12, Object(fields).Select(json => new FuzzBody(Encoding.UTF8.GetBytes(json), contentType))),
        (2, Value(3).Select(json => new FuzzBody(Encoding.UTF8.GetBytes(json), contentType))),
        (1, DeepNesting.Select(json => new FuzzBody(Encoding.UTF8.GetBytes(json), contentType))),
        (2, Broken(contentType)),
        (1, Object(fields).SelectMany(json => Gen.Elements<string?>("text/plain", "application/xml", null, "application/x-www-form-urlencoded", "multipart/form-data", "application/json; charset=latin1")
            .Select(type => new FuzzBody(Encoding.UTF8.GetBytes(json), type)))));

    /// <summary>Not JSON: empty, cut short, invalid UTF-8, stray bytes.</summary>
    private static Gen<FuzzBody> Broken(string contentType) => Gen.OneOf(
        Gen.Constant(new FuzzBody([], contentType)),
        Gen.Elements("{", "[", "{\"title\":", "{\"title\":\"a", "nul", "{}{}", "{} x", "\"just a string\"", "42", "[]", "{\"a\":1,}", "{'a':1}", "\uFEFF{}")
            .Select(t => new FuzzBody(Encoding.UTF8.GetBytes(t), contentType)),
        Gen.Elements(new byte[] { 0x7B, 0x22, 0x74, 0x22, 0x3A, 0x22, 0xE9, 0x22, 0x7D }, [0xFF, 0xFE, 0x7B, 0x7D], [0xC0, 0xAF], [0x7B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x3A, 0x31, 0x7D])
            .Select(b => new FuzzBody(b, contentType)));

    private static readonly Gen<string> CsvCell = Gen.Elements(
        "anna@example.org", "ANNA@EXAMPLE.ORG", "bad\u00e9@example.org", "not-an-address", "", "\"quoted, with comma\"", "\"multi\nline\"",
        "\"unclosed", "nl", "en", "xx", "NL", "XX", "data-subject", "controller", "robot", "=HYPERLINK(\"x\")", "\u00e9", "a@b", "x@[127.0.0.1]",
        new string('a', 70) + "@example.org", "a@" + new string('b', 64) + ".org", "\"\"");

    /// <summary>A recipients upload: CSV (header variants, odd cells, Latin-1 bytes) or JSON (an array of recipient objects).</summary>
    public static Gen<FuzzBody> Upload()
    {
        var header = Gen.Elements("email,name,language,country,kind,externalId", "email", "Email,Name", "name", "email,email", "email,unknown", "\uFEFFemail,name", "");
        var csvText = Gen.Zip(header, CsvCell.ListOf(6).Select(c => string.Join(",", c)).ListOf(5), (h, rows) => h + "\n" + string.Join("\n", rows) + "\n");
        var csv = Gen.OneOf(
            csvText.Select(t => new FuzzBody(Encoding.UTF8.GetBytes(t), "text/csv")),
            csvText.Select(t => new FuzzBody(Encoding.Latin1.GetBytes(t.Replace('\u20ac', 'e')), "text/csv")),
            csvText.Select(t => new FuzzBody(Encoding.Latin1.GetBytes(t.Replace('\u20ac', 'e')), "text/csv; charset=iso-8859-1")));
        Field[] recipient = [Text("email"), Text("name"), Choice("language", "en", "nl", "xx"), Choice("country", "NL", "XX"), Choice("kind", "data-subject", "controller", "x"), Text("externalId")];
        var json = Object(recipient).ListOf(4).Select(items => new FuzzBody(Encoding.UTF8.GetBytes("[" + string.Join(",", items) + "]"), "application/json"));
        return Gen.Frequency((4, csv), (4, json), (1, JsonBody(recipient)), (1, Broken("text/csv")));
    }
}
