using System.Text;
using System.Text.Json;

namespace BreachNotify.Application.Common;

/// <summary>A JSON text that parses but cannot be taken as meant: where (<see cref="Field"/>, a path such as
/// <c>facts.dataSubjects</c> or <c>[3].email</c>) and why.</summary>
public sealed record JsonTextProblem(string Field, string Message);

/// <summary>
/// The rules every JSON body is held to beyond its syntax, for documents read by hand (merge patches, uploads,
/// webhook payloads): a member name appears once per object (RFC 8259 §4 says names SHOULD be unique and leaves
/// the meaning of repeats open: we refuse rather than guess which one counts), and every string is text, i.e. a
/// <c>\ud800</c>-style escape is never left without its pair (such a string cannot become a .NET or UTF-8 string).
/// Typed bodies get the same rules from the serializer (<c>AllowDuplicateProperties = false</c>).
/// </summary>
public static class StrictJson
{
    /// <summary>Deeper than anything the API takes; System.Text.Json's default as well.</summary>
    public const int MaxDepth = 64;

    public const string DuplicateMessage = "This field appears more than once; send it once.";
    public const string NotTextMessage = "Not valid text: a \\ud800-\\udfff escape without its pair is not a character.";
    public const string NameNotTextMessage = "A field name is not valid text: a \\ud800-\\udfff escape without its pair is not a character.";

    /// <summary>Reading options for documents read by hand; duplicates are found by <see cref="FindProblem"/>, which names them.</summary>
    public static JsonDocumentOptions DocumentOptions { get; } = new() { MaxDepth = MaxDepth };

    /// <summary>The first duplicate member or string that is not text, or null when there is none.</summary>
    /// <param name="path">The path of <paramref name="element"/> itself ("" for a body's root).</param>
    public static JsonTextProblem? FindProblem(JsonElement element, string path = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return new JsonTextProblem(Root(path), NameNotTextMessage);
                    }
                    var child = Member(path, name);
                    if (!names.Add(name)) return new JsonTextProblem(child, DuplicateMessage);
                    if (FindProblem(property.Value, child) is { } inner) return inner;
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindProblem(item, $"{path}[{index}]") is { } inner) return inner;
                    index++;
                }
                return null;
            case JsonValueKind.String:
                return IsText(element) ? null : new JsonTextProblem(Root(path), NotTextMessage);
            default:
                return null;
        }
    }

    /// <summary>True when the string value can be read as a string (no unpaired surrogate escape).</summary>
    public static bool IsText(JsonElement value)
    {
        try
        {
            _ = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>True when the serializer failed because a string was not text (the inner error of its JsonException).</summary>
    public static bool IsNotTextError(Exception exception)
        => exception is InvalidOperationException && exception.Message.Contains("UTF-16", StringComparison.Ordinal);

    /// <summary><c>a.b</c> for plain names; <c>a['x y']</c> for others, as the serializer writes paths.</summary>
    public static string Member(string path, string name)
    {
        if (name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-'))
            return path.Length == 0 ? name : path + "." + name;
        var quoted = new StringBuilder(path).Append("['");
        foreach (var c in name.Length > 40 ? name[..40] + "…" : name)
        {
            // A path names a field to the caller; it must not carry line breaks or other controls (it may be shown or logged).
            if (char.IsControl(c)) quoted.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            else quoted.Append(c == '\'' ? "\\'" : c.ToString());
        }
        return quoted.Append("']").ToString();
    }

    private static string Root(string path) => path.Length == 0 ? "$" : path;
}
