using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using BreachNotify.Application.Common;
using BreachNotify.Application.Notices.Recipients;
using CsvHelper;

namespace BreachNotify.Adapters.Recipients;

/// <summary>
/// Streams recipient rows from an upload without buffering it: CSV (RFC 4180 via CsvHelper; UTF-8 only, a BOM is skipped)
/// with header <c>email,name,language,country,kind,externalId,controller</c> (only <c>email</c> required, any order, case-insensitive),
/// or a JSON array of objects with the same fields. A row that cannot be read becomes a row with a problem (rejected,
/// not fatal); an upload that cannot be read at all throws <see cref="RecipientUploadException"/> naming the field.
/// </summary>
public static class RecipientReaders
{
    public static readonly IReadOnlyList<string> Columns = ["email", "name", "language", "country", "kind", "externalId", "controller"];

    public static async IAsyncEnumerable<RecipientInput> ReadCsvAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var options = new CsvReaderOptions
        {
            HasHeader = false,                                     // the header is checked here, by name
            Mode = CsvMode.Rfc4180,
            TrackLineNumbers = true,                               // rejections name the line
            FieldCountMismatch = CsvFieldCountHandling.Allow,      // a short or long row is rejected, not fatal
            MalformedData = CsvMalformedDataHandling.Recover,      // a stray quote stays text; the field's validation decides
            SkipEmptyLines = true,
            Encoding = new UTF8Encoding(false),
        };
        // Invalid UTF-8 is refused with its line rather than decoded into U+FFFD (Utf8CheckingStream).
        await using var csv = CsvReader.Create(new Utf8CheckingStream(body), options, true);
        if (!await csv.ReadAsync(cancellationToken))
            throw new RecipientUploadException("$", "The upload is empty: send a header line (email,name,language,country,kind,externalId,controller) and one line per recipient.");
        var headerCount = csv.FieldCount;
        var positions = new int[Columns.Count];
        Array.Fill(positions, -1);
        for (var i = 0; i < headerCount; i++)
        {
            var name = csv.GetString(i).Trim().TrimStart('\uFEFF');
            var column = -1;
            for (var c = 0; c < Columns.Count; c++) if (string.Equals(Columns[c], name, StringComparison.OrdinalIgnoreCase)) column = c;
            if (column < 0) throw new RecipientUploadException("header", $"Unknown column '{Truncate(name)}'; the columns are {string.Join(",", Columns)}.");
            if (positions[column] >= 0) throw new RecipientUploadException("header", $"Column '{Columns[column]}' appears twice.");
            positions[column] = i;
        }
        if (positions[0] < 0) throw new RecipientUploadException("email", "The header has no 'email' column.");

        while (await csv.ReadAsync(cancellationToken))
        {
            var line = csv.LineNumber;
            if (csv.FieldCount != headerCount)
            {
                yield return new RecipientInput(line, null, Problem: $"Expected {headerCount} fields, found {csv.FieldCount}.");
                continue;
            }
            string? Field(int column) => positions[column] < 0 ? null : csv.GetString(positions[column]);
            yield return new RecipientInput(line, Field(0), Field(1), Field(2), Field(3), Field(4), Field(5), Controller: Field(6));
        }
    }

    public static async IAsyncEnumerable<RecipientInput> ReadJsonAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var enumerator = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(body, topLevelValues: false, cancellationToken: cancellationToken).GetAsyncEnumerator(cancellationToken);
        long index = -1;
        try
        {
            while (true)
            {
                JsonElement element;
                try
                {
                    if (!await enumerator.MoveNextAsync()) break;
                    element = enumerator.Current;
                }
                catch (JsonException ex)
                {
                    throw new RecipientUploadException("$", $"Malformed JSON after element {index} (line {ex.LineNumber + 1}): send an array of recipient objects.", ex);
                }
                index++;
                yield return ToInput(index, element);
            }
        }
        finally
        {
            await enumerator.DisposeAsync();
        }
        if (index < 0) throw new RecipientUploadException("$", "The upload holds no recipients.");
    }

    private static RecipientInput ToInput(long index, JsonElement element)
    {
        // Text that is not text, or a field given twice, means the file is not what its sender thinks: refuse the upload
        // (naming the element) rather than store a guess.
        if (StrictJson.FindProblem(element, $"[{index}]") is { } problem) throw new RecipientUploadException(problem.Field, problem.Message);
        if (element.ValueKind != JsonValueKind.Object) return new RecipientInput(index, null, Problem: "Not a JSON object.");
        var values = new string?[Columns.Count];
        foreach (var p in element.EnumerateObject())
        {
            var column = -1;
            for (var i = 0; i < Columns.Count; i++) if (string.Equals(Columns[i], p.Name, StringComparison.Ordinal)) column = i;
            if (column < 0) return new RecipientInput(index, null, Problem: $"Unknown field '{Truncate(p.Name)}'.");
            if (p.Value.ValueKind == JsonValueKind.Null) continue;
            if (p.Value.ValueKind != JsonValueKind.String) return new RecipientInput(index, null, Problem: $"Field '{Columns[column]}' must be a string.");
            values[column] = p.Value.GetString();
        }
        return new RecipientInput(index, values[0], values[1], values[2], values[3], values[4], values[5], Controller: values[6]);
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
