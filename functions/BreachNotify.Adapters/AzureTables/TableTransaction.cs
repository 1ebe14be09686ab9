using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Core;
using BreachNotify.Application.Storage;

namespace BreachNotify.Adapters.AzureTables;

public enum TableTransactionActionType
{
    /// <summary>Insert (POST); fails with 409 if the entity exists.</summary>
    Add,
    /// <summary>Insert or replace (PUT without If-Match).</summary>
    UpsertReplace,
    /// <summary>Insert or merge (MERGE without If-Match).</summary>
    UpsertMerge,
    /// <summary>Replace an existing entity (PUT with If-Match, "*" if none given).</summary>
    UpdateReplace,
    /// <summary>Merge into an existing entity (MERGE with If-Match, "*" if none given).</summary>
    UpdateMerge,
    /// <summary>Delete (DELETE with If-Match, "*" if none given).</summary>
    Delete,
}

/// <summary>One operation of an entity group transaction.</summary>
public sealed record TableTransactionAction(TableTransactionActionType ActionType, TableEntity Entity, string? IfMatch = null);

/// <summary>
/// An entity group transaction failed: nothing was applied. <see cref="FailedActionIndex"/> is the index of the
/// operation at fault when the service named it (null for a failure of the batch as a whole);
/// <see cref="RequestFailedException.Status"/> and <see cref="RequestFailedException.ErrorCode"/> are those of that operation.
/// </summary>
public sealed class TableTransactionFailedRequestException : RequestFailedException
{
    public TableTransactionFailedRequestException(Response failedResponse, int? failedActionIndex)
        : base(failedResponse, null, TableErrorParser.Instance)
        => FailedActionIndex = failedActionIndex;

    public int? FailedActionIndex { get; }
}

/// <summary>
/// Builds and parses the <c>POST /$batch</c> multipart/mixed body: one batch part holding one changeset, one
/// <c>application/http</c> sub-request per operation, CRLF line ends.
/// Docs: https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions
/// </summary>
public static class TableBatchFormat
{
    public const int MaxOperations = 100;
    private const string Crlf = "\r\n";

    public static string BuildBody(Uri endpoint, string table, IReadOnlyList<TableTransactionAction> actions, string batchBoundary, string changesetBoundary)
    {
        ArgumentNullException.ThrowIfNull(actions);
        var sb = new StringBuilder(256 * actions.Count + 256);
        sb.Append("--").Append(batchBoundary).Append(Crlf);
        sb.Append("Content-Type: multipart/mixed; boundary=").Append(changesetBoundary).Append(Crlf).Append(Crlf);
        var baseUrl = endpoint.AbsoluteUri.TrimEnd('/');
        foreach (var action in actions)
        {
            sb.Append("--").Append(changesetBoundary).Append(Crlf);
            sb.Append("Content-Type: application/http").Append(Crlf);
            sb.Append("Content-Transfer-Encoding: binary").Append(Crlf).Append(Crlf);

            var e = action.Entity;
            var (method, hasBody) = action.ActionType switch
            {
                TableTransactionActionType.Add => ("POST", true),
                TableTransactionActionType.UpsertReplace or TableTransactionActionType.UpdateReplace => ("PUT", true),
                TableTransactionActionType.UpsertMerge or TableTransactionActionType.UpdateMerge => ("MERGE", true),
                TableTransactionActionType.Delete => ("DELETE", false),
                _ => throw new ArgumentOutOfRangeException(nameof(actions), action.ActionType, "Unknown action type."),
            };
            var url = action.ActionType == TableTransactionActionType.Add
                ? $"{baseUrl}/{table}"
                : $"{baseUrl}/{TableClient.EntityPath(table, e.PartitionKey, e.RowKey)}";
            sb.Append(method).Append(' ').Append(url).Append(" HTTP/1.1").Append(Crlf);
            sb.Append("Accept: application/json;odata=minimalmetadata").Append(Crlf);
            sb.Append("DataServiceVersion: 3.0").Append(Crlf);
            if (action.ActionType == TableTransactionActionType.Add) sb.Append("Prefer: return-no-content").Append(Crlf);
            if (action.ActionType is TableTransactionActionType.UpdateReplace or TableTransactionActionType.UpdateMerge or TableTransactionActionType.Delete)
                sb.Append("If-Match: ").Append(action.IfMatch ?? "*").Append(Crlf);
            if (hasBody)
            {
                sb.Append("Content-Type: application/json").Append(Crlf).Append(Crlf);
                sb.Append(Encoding.UTF8.GetString(TableEntityJson.Serialize(e)));
            }
            sb.Append(Crlf);
        }
        sb.Append("--").Append(changesetBoundary).Append("--").Append(Crlf);
        sb.Append("--").Append(batchBoundary).Append("--").Append(Crlf);
        return sb.ToString();
    }

    /// <summary>Gets the <c>boundary</c> parameter of a multipart Content-Type.</summary>
    public static string? GetBoundary(string? contentType)
    {
        if (contentType is null) return null;
        foreach (var param in contentType.Split(';', StringSplitOptions.TrimEntries))
        {
            if (param.StartsWith("boundary=", StringComparison.OrdinalIgnoreCase))
                return param["boundary=".Length..].Trim('"');
        }
        return null;
    }

    /// <summary>The parts between <c>--boundary</c> delimiters (up to the closing <c>--boundary--</c>).</summary>
    public static List<string> SplitMultipart(string body, string boundary)
    {
        var parts = new List<string>();
        var delimiter = "--" + boundary;
        var pos = body.IndexOf(delimiter, StringComparison.Ordinal);
        while (pos >= 0)
        {
            var start = pos + delimiter.Length;
            if (string.CompareOrdinal(body, start, "--", 0, 2) == 0) break; // closing delimiter
            start = SkipLineEnd(body, start);
            var next = body.IndexOf(delimiter, start, StringComparison.Ordinal);
            if (next < 0) break;
            var end = next;
            if (end > start && body[end - 1] == '\n') end--;
            if (end > start && body[end - 1] == '\r') end--;
            parts.Add(body[start..end]);
            pos = next;
        }
        return parts;
    }

    private static int SkipLineEnd(string s, int i)
    {
        if (i < s.Length && s[i] == '\r') i++;
        if (i < s.Length && s[i] == '\n') i++;
        return i;
    }

    /// <summary>Splits a MIME part or an HTTP message into its header block and body at the first empty line.</summary>
    public static (List<KeyValuePair<string, string>> Headers, string FirstLine, string Body) ParseMessage(string text, bool hasStartLine)
    {
        var headers = new List<KeyValuePair<string, string>>();
        using var reader = new StringReader(text);
        var first = hasStartLine ? reader.ReadLine() ?? string.Empty : string.Empty;
        string? line;
        while ((line = reader.ReadLine()) is not null && line.Length > 0)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0) headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }
        return (headers, first, reader.ReadToEnd());
    }

    /// <summary>Parses a <c>202 Accepted</c> batch response into one <see cref="Response"/> per changeset part.</summary>
    public static List<TableBatchPartResponse> ParseResponse(string contentType, string body)
    {
        var boundary = GetBoundary(contentType) ?? throw new FormatException("The batch response has no multipart boundary.");
        var result = new List<TableBatchPartResponse>();
        foreach (var batchPart in SplitMultipart(body, boundary))
        {
            var (headers, _, partBody) = ParseMessage(batchPart, hasStartLine: false);
            var partType = headers.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
            var changesetBoundary = GetBoundary(partType);
            var httpParts = changesetBoundary is not null && partType!.StartsWith("multipart/mixed", StringComparison.OrdinalIgnoreCase)
                ? SplitMultipart(partBody, changesetBoundary)
                : [batchPart];
            foreach (var httpPart in httpParts)
            {
                var (_, _, http) = ParseMessage(httpPart, hasStartLine: false);
                var (respHeaders, statusLine, respBody) = ParseMessage(http, hasStartLine: true);
                var tokens = statusLine.Split(' ', 3);
                if (tokens.Length < 2 || !int.TryParse(tokens[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
                    throw new FormatException($"Unreadable status line in batch response: '{statusLine}'.");
                result.Add(new TableBatchPartResponse(status, tokens.Length > 2 ? tokens[2] : string.Empty, respHeaders, respBody.TrimEnd('\r', '\n')));
            }
        }
        return result;
    }
}

/// <summary>The response to one operation of a batch, as an Azure.Core <see cref="Response"/>.</summary>
public sealed class TableBatchPartResponse : Response
{
    private readonly List<KeyValuePair<string, string>> _headers;

    public TableBatchPartResponse(int status, string reasonPhrase, List<KeyValuePair<string, string>> headers, string body)
    {
        Status = status;
        ReasonPhrase = reasonPhrase;
        _headers = headers;
        ContentStream = new MemoryStream(Encoding.UTF8.GetBytes(body), writable: false);
        ClientRequestId = string.Empty;
    }

    public override int Status { get; }
    public override string ReasonPhrase { get; }
    public override Stream? ContentStream { get; set; }
    public override string ClientRequestId { get; set; }

    /// <summary>The ETag the operation produced (null for deletes and failures).</summary>
    public string? ETag => TryGetHeader("ETag", out var v) ? v : null;

    public override void Dispose() => ContentStream?.Dispose();

    protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
    {
        foreach (var h in _headers)
        {
            if (h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)) { value = h.Value; return true; }
        }
        value = null;
        return false;
    }

    protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
    {
        var found = _headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
        values = found.Count > 0 ? found : null;
        return found.Count > 0;
    }

    protected override bool ContainsHeader(string name) => TryGetHeader(name, out _);

    protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, h.Value));
}
