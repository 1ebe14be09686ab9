using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Core;

namespace BreachNotify.Adapters.AzureTables;

/// <summary>
/// Reads the Table service's error body <c>{"odata.error":{"code":"…","message":{"lang":"en-US","value":"…"}}}</c>
/// (falling back to the <c>x-ms-error-code</c> header) so that <see cref="RequestFailedException.ErrorCode"/> is set.
/// In a batch, the message starts with the failing operation's index: <c>"1:The update condition specified in the request was not satisfied."</c>;
/// it is exposed as <c>Data["FailedEntityIndex"]</c> (as Azure.Data.Tables does).
/// Docs: https://learn.microsoft.com/rest/api/storageservices/table-service-error-codes ,
/// https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions#sample-error-response
/// </summary>
public sealed class TableErrorParser : RequestFailedDetailsParser
{
    public const string FailedEntityIndexKey = "FailedEntityIndex";

    public static TableErrorParser Instance { get; } = new();

    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        ArgumentNullException.ThrowIfNull(response);
        data = null;
        var (code, message) = ReadBody(response.Content?.ToMemory() ?? ReadOnlyMemory<byte>.Empty);
        if (code is null && response.Headers.TryGetValue("x-ms-error-code", out var headerCode)) code = headerCode;
        if (code is null && message is null)
        {
            error = null;
            return false;
        }
        if (message is not null && TryParseBatchIndex(message, out var index))
            data = new Dictionary<string, string> { [FailedEntityIndexKey] = index.ToString(CultureInfo.InvariantCulture) };
        error = new ResponseError(code, message ?? code);
        return true;
    }

    internal static (string? Code, string? Message) ReadBody(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty) return (null, null);
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("odata.error", out var err))
                return (null, null);
            var code = err.TryGetProperty("code", out var c) ? c.GetString() : null;
            string? message = null;
            if (err.TryGetProperty("message", out var m))
                message = m.ValueKind == JsonValueKind.Object && m.TryGetProperty("value", out var mv) ? mv.GetString() : m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            return (code, message);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    /// <summary>Parses the leading <c>"{index}:"</c> of a batch error message.</summary>
    public static bool TryParseBatchIndex(string message, out int index)
    {
        index = -1;
        var colon = message.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && int.TryParse(message.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }
}
