using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using BreachNotify.Application.Storage;

namespace BreachNotify.Adapters.AzureTables;

/// <summary>How a write treats properties the request does not carry.</summary>
public enum TableUpdateMode
{
    /// <summary>PUT: the entity is replaced; absent properties are removed.</summary>
    Replace,
    /// <summary>MERGE: absent properties are kept.</summary>
    Merge,
}

/// <summary>Where a query continues: the service's <c>x-ms-continuation-NextPartitionKey</c>/<c>-NextRowKey</c> header values.</summary>
public sealed record TableContinuation(string NextPartitionKey, string? NextRowKey);

/// <summary>One response page of a query; <see cref="Continuation"/> is null on the last page. A page may be empty yet continue.</summary>
public sealed record TableQueryPage(IReadOnlyList<TableEntity> Entities, TableContinuation? Continuation);

/// <summary>
/// Operations on one table over the REST API (JSON, OData v3, x-ms-version from <see cref="TableClientOptions"/>).
/// Failures raise <see cref="RequestFailedException"/> with the HTTP status and <c>odata.error.code</c>.
/// Write methods return the entity's new ETag as the value.
/// Docs: https://learn.microsoft.com/rest/api/storageservices/operations-on-entities
/// </summary>
public class TableClient
{
    private static readonly RequestMethod Merge = new("MERGE");

    private readonly HttpPipeline _pipeline = null!;
    private readonly Uri _endpoint = null!;
    private readonly string _version = null!;

    /// <summary>For mocking.</summary>
    protected TableClient() { }

    internal TableClient(HttpPipeline pipeline, Uri endpoint, string version, string name)
    {
        _pipeline = pipeline;
        _endpoint = endpoint;
        _version = version;
        Name = name;
    }

    public virtual string Name { get; } = null!;

    /// <summary><c>POST /Tables</c>; 409 TableAlreadyExists is accepted. https://learn.microsoft.com/rest/api/storageservices/create-table</summary>
    public virtual async Task<Response> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Post, "/Tables");
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        message.Request.Headers.SetValue(HttpHeader.Names.ContentType, "application/json");
        message.Request.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = Name }));
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        if (response.Status is 201 or 204) return response;
        if (response.Status == 409 && ErrorCodeOf(response) == "TableAlreadyExists") return response;
        throw new RequestFailedException(response, null, TableErrorParser.Instance);
    }

    /// <summary><c>DELETE /Tables('name')</c>; a missing table is not an error.</summary>
    public virtual async Task<Response> DeleteAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, "/Tables('" + EscapeKey(Name) + "')");
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        if (response.Status is 204 or 404) return response;
        throw new RequestFailedException(response, null, TableErrorParser.Instance);
    }

    /// <summary><c>GET /{table}(PartitionKey='…',RowKey='…')</c>; throws 404 when missing.</summary>
    public virtual async Task<Response<TableEntity>> GetEntityAsync(string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        var result = await GetEntityIfExistsAsync(partitionKey, rowKey, select, cancellationToken).ConfigureAwait(false);
        if (!result.HasValue)
            throw new RequestFailedException(result.GetRawResponse(), null, TableErrorParser.Instance);
        return Response.FromValue(result.Value!, result.GetRawResponse());
    }

    /// <summary>Like <see cref="GetEntityAsync"/> but a missing entity (404 other than TableNotFound) gives no value instead of an exception.</summary>
    public virtual async Task<NullableResponse<TableEntity>> GetEntityIfExistsAsync(string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Get, "/" + EntityPath(Name, partitionKey, rowKey));
        AppendSelect(message.Request.Uri, select);
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        if (response.Status == 200)
        {
            using var doc = JsonDocument.Parse(response.Content.ToMemory());
            var etag = response.Headers.TryGetValue("ETag", out var h) ? h : null;
            return new Nullable(TableEntityJson.Read(doc.RootElement, etag), response);
        }
        if (response.Status == 404 && ErrorCodeOf(response) != "TableNotFound") return new Nullable(null, response);
        throw new RequestFailedException(response, null, TableErrorParser.Instance);
    }

    /// <summary>Insert: <c>POST /{table}</c> with <c>Prefer: return-no-content</c>; 409 EntityAlreadyExists when taken.</summary>
    public virtual async Task<Response<string>> AddEntityAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var message = CreateMessage(RequestMethod.Post, "/" + Name);
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        SetEntityContent(message, entity);
        return await SendWriteAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Insert or replace (PUT) / insert or merge (MERGE), without If-Match.</summary>
    public virtual async Task<Response<string>> UpsertEntityAsync(TableEntity entity, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var message = CreateMessage(mode == TableUpdateMode.Merge ? Merge : RequestMethod.Put, "/" + EntityPath(Name, entity.PartitionKey, entity.RowKey));
        SetEntityContent(message, entity);
        return await SendWriteAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Update (PUT) or merge (MERGE) an existing entity with <c>If-Match: {ifMatch}</c> ("*" = any version);
    /// 404 when missing, 412 UpdateConditionNotSatisfied when the ETag is stale.
    /// </summary>
    public virtual async Task<Response<string>> UpdateEntityAsync(TableEntity entity, string ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        using var message = CreateMessage(mode == TableUpdateMode.Merge ? Merge : RequestMethod.Put, "/" + EntityPath(Name, entity.PartitionKey, entity.RowKey));
        message.Request.Headers.SetValue(HttpHeader.Names.IfMatch, ifMatch);
        SetEntityContent(message, entity);
        return await SendWriteAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>DELETE</c> with <c>If-Match: {ifMatch}</c> ("*" = any version); 404 when missing, 412 when stale.</summary>
    public virtual async Task<Response> DeleteEntityAsync(string partitionKey, string rowKey, string ifMatch = "*", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        using var message = CreateMessage(RequestMethod.Delete, "/" + EntityPath(Name, partitionKey, rowKey));
        message.Request.Headers.SetValue(HttpHeader.Names.IfMatch, ifMatch);
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (message.Response.Status != 204) throw new RequestFailedException(message.Response, null, TableErrorParser.Instance);
        return message.Response;
    }

    /// <summary>
    /// One page of <c>GET /{table}()?$filter=…&amp;$select=…&amp;$top=…[&amp;NextPartitionKey=…&amp;NextRowKey=…]</c>.
    /// The service returns at most 1000 entities (or what it found in 5 s) per page and may return an empty page with a continuation.
    /// Docs: https://learn.microsoft.com/rest/api/storageservices/query-entities , https://learn.microsoft.com/rest/api/storageservices/query-timeout-and-pagination
    /// </summary>
    public virtual async Task<Response<TableQueryPage>> QueryAsync(string? filter = null, IEnumerable<string>? select = null, int? top = null, TableContinuation? continuation = null, CancellationToken cancellationToken = default)
    {
        if (top is < 1 or > 1000) throw new ArgumentOutOfRangeException(nameof(top), "$top must be 1 to 1000.");
        using var message = CreateMessage(RequestMethod.Get, "/" + Name + "()");
        var uri = message.Request.Uri;
        if (!string.IsNullOrEmpty(filter)) uri.AppendQuery("$filter", filter, escapeValue: true);
        AppendSelect(uri, select);
        if (top is not null) uri.AppendQuery("$top", top.Value.ToString(CultureInfo.InvariantCulture), escapeValue: false);
        if (continuation is not null)
        {
            uri.AppendQuery("NextPartitionKey", continuation.NextPartitionKey, escapeValue: true);
            if (continuation.NextRowKey is not null) uri.AppendQuery("NextRowKey", continuation.NextRowKey, escapeValue: true);
        }
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        if (response.Status != 200) throw new RequestFailedException(response, null, TableErrorParser.Instance);

        var items = new List<TableEntity>();
        using (var doc = JsonDocument.Parse(response.Content.ToMemory()))
        {
            if (doc.RootElement.TryGetProperty("value", out var value))
            {
                foreach (var e in value.EnumerateArray()) items.Add(TableEntityJson.Read(e));
            }
        }
        TableContinuation? next = null;
        if (response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var npk) && !string.IsNullOrEmpty(npk))
        {
            response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var nrk);
            next = new TableContinuation(npk, string.IsNullOrEmpty(nrk) ? null : nrk);
        }
        return Response.FromValue(new TableQueryPage(items, next), response);
    }

    /// <summary>
    /// Entity group transaction: <c>POST /$batch</c>, multipart/mixed with one changeset of 1–100 operations on one partition,
    /// applied atomically. Returns one response per operation (its ETag header holds the new ETag). On failure throws
    /// <see cref="TableTransactionFailedRequestException"/> carrying the failing operation's index, status and error code.
    /// Docs: https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions
    /// </summary>
    public virtual async Task<Response<IReadOnlyList<TableBatchPartResponse>>> SubmitTransactionAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count is 0 or > TableBatchFormat.MaxOperations)
            throw new ArgumentException($"A transaction holds 1 to {TableBatchFormat.MaxOperations} operations.", nameof(actions));
        var pk = actions[0].Entity.PartitionKey;
        if (actions.Any(a => !string.Equals(a.Entity.PartitionKey, pk, StringComparison.Ordinal)))
            throw new ArgumentException("All operations of a transaction must target one partition.", nameof(actions));

        var batchBoundary = "batch_" + Guid.NewGuid().ToString("D");
        var changesetBoundary = "changeset_" + Guid.NewGuid().ToString("D");
        var body = TableBatchFormat.BuildBody(_endpoint, Name, actions, batchBoundary, changesetBoundary);

        using var message = CreateMessage(RequestMethod.Post, "/$batch");
        message.Request.Headers.SetValue(HttpHeader.Names.ContentType, "multipart/mixed; boundary=" + batchBoundary);
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body));
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        if (response.Status != 202)
        {
            // The batch as a whole was refused (bad request, auth, throttling...); an index may still be in the message.
            int? index = TableErrorParser.TryParseBatchIndex(TableErrorParser.ReadBody(response.Content.ToMemory()).Message ?? string.Empty, out var i) ? i : null;
            throw new TableTransactionFailedRequestException(response, index);
        }

        var contentType = response.Headers.ContentType ?? string.Empty;
        var parts = TableBatchFormat.ParseResponse(contentType, response.Content.ToString());
        var failedAt = parts.FindIndex(p => p.Status >= 400);
        if (failedAt >= 0)
        {
            var failed = parts[failedAt];
            int? index = TableErrorParser.TryParseBatchIndex(TableErrorParser.ReadBody(failed.Content.ToMemory()).Message ?? string.Empty, out var i) ? i
                : parts.Count == actions.Count ? failedAt
                : actions.Count == 1 ? 0
                : null;
            throw new TableTransactionFailedRequestException(failed, index);
        }
        if (parts.Count != actions.Count)
            throw new RequestFailedException(response.Status, $"The batch response has {parts.Count} parts for {actions.Count} operations.", "UnexpectedBatchResponse", null);
        return Response.FromValue<IReadOnlyList<TableBatchPartResponse>>(parts, response);
    }

    /// <summary>
    /// <c>{table}(PartitionKey='…',RowKey='…')</c> with keys as OData string literals (single quotes doubled) and URL-encoded.
    /// Docs: https://learn.microsoft.com/rest/api/storageservices/query-entities#sample-request-and-response (key escaping),
    /// https://learn.microsoft.com/rest/api/storageservices/querying-tables-and-entities#constructing-filter-strings
    /// </summary>
    public static string EntityPath(string table, string partitionKey, string rowKey)
        => $"{table}(PartitionKey='{EscapeKey(partitionKey)}',RowKey='{EscapeKey(rowKey)}')";

    public static string EscapeKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));
    }

    /// <summary>An OData string literal for <c>$filter</c>: <c>'it''s'</c> (URL encoding is applied when the query is appended).</summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    private HttpMessage CreateMessage(RequestMethod method, string path)
    {
        var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(_endpoint);
        request.Uri.AppendPath(path, escape: false);
        request.Headers.SetValue("x-ms-version", _version);
        request.Headers.SetValue("DataServiceVersion", "3.0");
        request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        request.Headers.SetValue(HttpHeader.Names.Accept, "application/json;odata=minimalmetadata");
        return message;
    }

    private static void SetEntityContent(HttpMessage message, TableEntity entity)
    {
        message.Request.Headers.SetValue(HttpHeader.Names.ContentType, "application/json");
        message.Request.Content = RequestContent.Create(TableEntityJson.Serialize(entity));
    }

    private static void AppendSelect(RequestUriBuilder uri, IEnumerable<string>? select)
    {
        if (select is null) return;
        var list = string.Join(',', select);
        if (list.Length > 0) uri.AppendQuery("$select", list, escapeValue: true);
    }

    private async Task<Response<string>> SendWriteAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        if (response.Status is not (201 or 204)) throw new RequestFailedException(response, null, TableErrorParser.Instance);
        if (!response.Headers.TryGetValue("ETag", out var etag) || string.IsNullOrEmpty(etag))
            throw new RequestFailedException(response.Status, "The service returned no ETag.", "MissingETag", null);
        return Response.FromValue(etag, response);
    }

    private static string? ErrorCodeOf(Response response)
        => TableErrorParser.ReadBody(response.Content.ToMemory()).Code
           ?? (response.Headers.TryGetValue("x-ms-error-code", out var c) ? c : null);

    private sealed class Nullable(TableEntity? value, Response response) : NullableResponse<TableEntity>
    {
        public override bool HasValue => value is not null;
        public override TableEntity Value => value ?? throw new InvalidOperationException("The entity does not exist.");
        public override Response GetRawResponse() => response;
    }
}
