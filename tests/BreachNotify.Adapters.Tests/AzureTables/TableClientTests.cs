using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using BreachNotify.Adapters.AzureTables;
using BreachNotify.Application.Storage;

namespace BreachNotify.Adapters.Tests.AzureTables;

/// <summary>The REST client alone, over a stub HTTP handler: exact requests, signing, paging, batches, retries.</summary>
public sealed class TableClientTests
{
    private const string ETag1 = "W/\"datetime'2026-03-27T09%3A15%3A00.0000000Z'\"";
    private const string ETag2 = "W/\"datetime'2026-03-27T09%3A15%3A01.0000000Z'\"";

    private static string ExpectedSignature(string key, string stringToSign)
        => Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(key), Encoding.UTF8.GetBytes(stringToSign)));

    [Fact]
    public async Task Requests_are_signed_with_SharedKeyLite_over_date_and_canonicalized_resource()
    {
        var handler = new StubHttpHandler().Then(HttpStatusCode.OK, """{"PartitionKey":"p","RowKey":"r","odata.etag":"W/\"x\""}""");
        await StubClients.Table(handler).GetEntityAsync("p", "r");

        var request = Assert.Single(handler.Requests);
        Assert.Equal("https://acct.table.core.windows.net/mytable(PartitionKey='p',RowKey='r')", request.Uri.AbsoluteUri);
        Assert.Equal("Fri, 27 Mar 2026 09:15:00 GMT", request.Header("x-ms-date"));
        // Documented formula: StringToSign = x-ms-date + "\n" + "/" + account + encoded URI path (+ "?comp=…").
        var expected = ExpectedSignature(StubClients.Key, "Fri, 27 Mar 2026 09:15:00 GMT\n/acct/mytable(PartitionKey='p',RowKey='r')");
        Assert.Equal("SharedKeyLite acct:" + expected, request.Header("Authorization"));
        Assert.Equal("2020-12-06", request.Header("x-ms-version"));
        Assert.Contains("odata=minimalmetadata", request.Header("Accept"), StringComparison.Ordinal);
        Assert.Equal("3.0", request.Header("DataServiceVersion"));
    }

    [Fact]
    public void String_to_sign_uses_the_path_style_account_and_comp_only()
    {
        var azurite = new Uri("http://127.0.0.1:10002/devstoreaccount1/Tables?comp=acl&timeout=30");
        Assert.Equal("Sat, 28 Mar 2026 10:00:00 GMT\n/devstoreaccount1/devstoreaccount1/Tables?comp=acl",
            SharedKeyLitePolicy.BuildStringToSign("Sat, 28 Mar 2026 10:00:00 GMT", "devstoreaccount1", azurite));
        var query = new Uri("https://acct.table.core.windows.net/t()?$filter=PartitionKey%20eq%20%27p%27&$top=5");
        Assert.Equal("d\n/acct/t()", SharedKeyLitePolicy.BuildStringToSign("d", "acct", query));
        // Known vector, computed independently of the client (key = bytes 1..64, base64).
        Assert.Equal(ExpectedSignature(StubClients.Key, "d\n/acct/t()"), new TableSharedKeyCredential("acct", StubClients.Key).ComputeSignature("d\n/acct/t()"));
    }

    [Fact]
    public async Task Keys_are_quoted_doubled_and_url_encoded_in_the_path()
    {
        var handler = new StubHttpHandler().Then(HttpStatusCode.NoContent);
        await StubClients.Table(handler).DeleteEntityAsync("it's ü", "o'brien+x%20=y&z");
        var uri = Assert.Single(handler.Requests).Uri;
        Assert.Equal("/mytable(PartitionKey='it%27%27s%20%C3%BC',RowKey='o%27%27brien%2Bx%2520%3Dy%26z')", uri.AbsolutePath);
        Assert.Equal("*", handler.Requests[0].Header("If-Match"));
    }

    [Fact]
    public async Task Insert_posts_json_with_return_no_content_and_returns_the_etag()
    {
        var handler = new StubHttpHandler().Then(HttpStatusCode.NoContent, null, ("ETag", ETag1));
        var e = new TableEntity("p", "r") { ["V"] = "x" };
        var response = await StubClients.Table(handler).AddEntityAsync(e);
        Assert.Equal(ETag1, response.Value);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/mytable", request.Uri.AbsolutePath);
        Assert.Equal("return-no-content", request.Header("Prefer"));
        Assert.Equal("""{"PartitionKey":"p","RowKey":"r","V":"x"}""", request.Body);
    }

    [Fact]
    public async Task Merge_uses_the_MERGE_method_with_or_without_if_match()
    {
        var handler = new StubHttpHandler().Then(HttpStatusCode.NoContent, null, ("ETag", ETag1));
        var table = StubClients.Table(handler);
        await table.UpsertEntityAsync(new TableEntity("p", "r"), TableUpdateMode.Merge);
        await table.UpdateEntityAsync(new TableEntity("p", "r"), ETag1, TableUpdateMode.Merge);
        await table.UpsertEntityAsync(new TableEntity("p", "r"));
        await table.UpdateEntityAsync(new TableEntity("p", "r"), ETag1);
        Assert.Equal(["MERGE", "MERGE", "PUT", "PUT"], handler.Requests.Select(r => r.Method.Method));
        Assert.Equal([null, ETag1, null, ETag1], handler.Requests.Select(r => r.Header("If-Match")));
    }

    [Fact]
    public async Task Errors_carry_status_and_odata_error_code()
    {
        var handler = new StubHttpHandler().Then(HttpStatusCode.Conflict, StubHttpHandler.Error("EntityAlreadyExists", "The specified entity already exists."));
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => StubClients.Table(handler).AddEntityAsync(new TableEntity("p", "r")));
        Assert.Equal(409, ex.Status);
        Assert.Equal("EntityAlreadyExists", ex.ErrorCode);
        Assert.Single(handler.Requests); // 409 is an answer: not retried
    }

    [Fact]
    public async Task Etag_conflict_is_412_mapped_and_never_retried()
    {
        var handler = new StubHttpHandler().Then(HttpStatusCode.PreconditionFailed,
            StubHttpHandler.Error("UpdateConditionNotSatisfied", "The update condition specified in the request was not satisfied."));
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => StubClients.Table(handler).UpdateEntityAsync(new TableEntity("p", "r"), ETag1));
        Assert.Equal(412, ex.Status);
        Assert.Equal("UpdateConditionNotSatisfied", ex.ErrorCode);
        Assert.Single(handler.Requests);

        var store = new AzureTableStore(StubClients.Service(handler));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.UpdateAsync("mytable", new TableEntity("p", "r"), ETag1));
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Retries_503_with_a_fresh_signature_then_succeeds()
    {
        var handler = new StubHttpHandler()
            .Then(HttpStatusCode.ServiceUnavailable, StubHttpHandler.Error("ServerBusy", "The server is busy."))
            .Then(HttpStatusCode.ServiceUnavailable, StubHttpHandler.Error("ServerBusy", "The server is busy."))
            .Then(HttpStatusCode.NoContent, null, ("ETag", ETag2));
        var response = await StubClients.Table(handler).UpsertEntityAsync(new TableEntity("p", "r"));
        Assert.Equal(ETag2, response.Value);
        Assert.Equal(3, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.StartsWith("SharedKeyLite acct:", r.Header("Authorization")));
    }

    [Fact]
    public async Task Persistent_503_becomes_storage_unavailable_after_the_configured_retries()
    {
        var handler = new StubHttpHandler().Then(HttpStatusCode.ServiceUnavailable, StubHttpHandler.Error("ServerBusy", "busy"));
        var store = new AzureTableStore(StubClients.Service(handler, maxRetries: 2));
        var ex = await Assert.ThrowsAsync<StorageUnavailableException>(() => store.UpsertAsync("mytable", new TableEntity("p", "r")));
        Assert.Equal(503, Assert.IsType<RequestFailedException>(ex.InnerException).Status);
        Assert.Equal(3, handler.Requests.Count); // 1 + 2 retries
    }

    [Fact]
    public async Task Network_timeouts_are_retried_and_end_as_storage_unavailable()
    {
        var handler = new StubHttpHandler().ThenHang().Then(HttpStatusCode.NoContent, null, ("ETag", ETag1));
        var options = StubClients.Options(handler);
        options.Retry.NetworkTimeout = TimeSpan.FromMilliseconds(200);
        var table = new TableServiceClient(StubClients.Endpoint, new TableSharedKeyCredential(StubClients.Account, StubClients.Key), options).GetTableClient("mytable");
        Assert.Equal(ETag1, (await table.AddEntityAsync(new TableEntity("p", "r"))).Value);
        Assert.Equal(2, handler.Requests.Count);

        var hanging = new StubHttpHandler().ThenHang();
        var storeOptions = StubClients.Options(hanging, maxRetries: 1);
        var store = AzureTableStore.Create(new AzureTableStoreOptions
        {
            ConnectionString = $"AccountName={StubClients.Account};AccountKey={StubClients.Key};TableEndpoint={StubClients.Endpoint}",
            MaxRetries = 1,
            NetworkTimeout = TimeSpan.FromMilliseconds(200),
        }, clientOptions: storeOptions);
        // Azure.Core reports exhausted retries of exceptions as an AggregateException; the store turns it into the port's transient error.
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.GetAsync("mytable", "p", "r"));
        Assert.Equal(2, hanging.Requests.Count);
    }

    [Fact]
    public async Task Query_sends_filter_top_select_and_follows_continuation_headers()
    {
        var handler = new StubHttpHandler()
            .Then(HttpStatusCode.OK, """{"value":[{"PartitionKey":"p","RowKey":"a"},{"PartitionKey":"p","RowKey":"b"}]}""",
                ("x-ms-continuation-NextPartitionKey", "1!4!cA--"), ("x-ms-continuation-NextRowKey", "1!4!Yw--"))
            .Then(HttpStatusCode.OK, """{"value":[]}""",
                ("x-ms-continuation-NextPartitionKey", "1!4!cA--"), ("x-ms-continuation-NextRowKey", "1!4!ZA--"))
            .Then(HttpStatusCode.OK, """{"value":[{"PartitionKey":"p","RowKey":"d"}]}""");
        var table = StubClients.Table(handler);

        var first = (await table.QueryAsync("PartitionKey eq 'p'", ["V"], 2)).Value;
        Assert.Equal(["a", "b"], first.Entities.Select(e => e.RowKey));
        Assert.Equal(new TableContinuation("1!4!cA--", "1!4!Yw--"), first.Continuation);
        var q0 = handler.Requests[0].Uri;
        Assert.Equal("/mytable()", q0.AbsolutePath);
        Assert.Equal("?$filter=PartitionKey%20eq%20%27p%27&$select=V&$top=2", q0.Query);

        var second = (await table.QueryAsync("PartitionKey eq 'p'", null, 2, first.Continuation)).Value;
        Assert.Empty(second.Entities); // an empty page may still continue
        Assert.NotNull(second.Continuation);
        Assert.EndsWith("&NextPartitionKey=1%214%21cA--&NextRowKey=1%214%21Yw--", handler.Requests[1].Uri.Query);

        var third = (await table.QueryAsync("PartitionKey eq 'p'", null, 2, second.Continuation)).Value;
        Assert.Equal(["d"], third.Entities.Select(e => e.RowKey));
        Assert.Null(third.Continuation);
        Assert.EndsWith("&NextRowKey=1%214%21ZA--", handler.Requests[2].Uri.Query);
    }

    [Fact]
    public async Task Store_query_turns_continuation_headers_into_one_opaque_token_and_back()
    {
        var handler = new StubHttpHandler()
            .Then(HttpStatusCode.OK, """{"value":[]}""", ("x-ms-continuation-NextPartitionKey", "1!4!cA--"), ("x-ms-continuation-NextRowKey", "1!8!cjAwMQ--"))
            .Then(HttpStatusCode.OK, """{"value":[{"PartitionKey":"p","RowKey":"r001"}]}""");
        var store = new AzureTableStore(StubClients.Service(handler), "pre");
        var page1 = await store.QueryAsync("items", TableQuery.WithPrefix("p", "r", pageSize: 10));
        Assert.Empty(page1.Items);
        Assert.NotNull(page1.ContinuationToken);
        Assert.DoesNotContain("!", page1.ContinuationToken, StringComparison.Ordinal);
        var page2 = await store.QueryAsync("items", TableQuery.WithPrefix("p", "r", pageSize: 10, continuationToken: page1.ContinuationToken));
        Assert.Single(page2.Items);
        Assert.Null(page2.ContinuationToken);

        var q = handler.Requests[1].Uri;
        Assert.Equal("/preitems()", q.AbsolutePath);
        Assert.Contains("$filter=" + Uri.EscapeDataString("PartitionKey eq 'p' and RowKey ge 'r' and RowKey lt 'r\uffff'"), q.Query, StringComparison.Ordinal);
        Assert.EndsWith("&$top=10&NextPartitionKey=1%214%21cA--&NextRowKey=1%218%21cjAwMQ--", q.Query);
        Assert.Throws<ArgumentException>(() => AzureTableStore.DecodeToken("not a token!"));
    }

    private static string BatchResponse(params string[] httpParts)
    {
        var sb = new StringBuilder();
        sb.Append("--batchresponse_b1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_c1\r\n\r\n");
        foreach (var p in httpParts)
            sb.Append("--changesetresponse_c1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n").Append(p).Append("\r\n");
        sb.Append("--changesetresponse_c1--\r\n--batchresponse_b1--\r\n");
        return sb.ToString();
    }

    [Fact]
    public async Task Batch_request_is_one_changeset_of_application_http_parts()
    {
        var handler = new StubHttpHandler().Then(HttpStatusCode.Accepted, BatchResponse(
                $"HTTP/1.1 204 No Content\r\nPreference-Applied: return-no-content\r\nETag: {ETag1}\r\n",
                $"HTTP/1.1 204 No Content\r\nETag: {ETag2}\r\n",
                "HTTP/1.1 204 No Content\r\n"),
            ("Content-Type", "multipart/mixed; boundary=batchresponse_b1"));
        var result = await StubClients.Table(handler).SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "a") { ["N"] = 1L }),
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("p", "it's"), ETag1),
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("p", "d")),
        ]);
        Assert.Equal([ETag1, ETag2, null], result.Value.Select(r => r.ETag));
        Assert.All(result.Value, r => Assert.Equal(204, r.Status));

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/$batch", request.Uri.AbsolutePath);
        var contentType = request.Header("Content-Type")!;
        Assert.StartsWith("multipart/mixed; boundary=batch_", contentType);
        var batch = contentType["multipart/mixed; boundary=".Length..];
        var changeset = request.Body.Split("boundary=")[1].Split("\r\n")[0];
        Assert.StartsWith("changeset_", changeset);
        var expected =
            $"--{batch}\r\nContent-Type: multipart/mixed; boundary={changeset}\r\n\r\n" +
            $"--{changeset}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "POST https://acct.table.core.windows.net/mytable HTTP/1.1\r\n" +
            "Accept: application/json;odata=minimalmetadata\r\nDataServiceVersion: 3.0\r\nPrefer: return-no-content\r\n" +
            "Content-Type: application/json\r\n\r\n" +
            """{"PartitionKey":"p","RowKey":"a","N@odata.type":"Edm.Int64","N":"1"}""" + "\r\n" +
            $"--{changeset}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "PUT https://acct.table.core.windows.net/mytable(PartitionKey='p',RowKey='it%27%27s') HTTP/1.1\r\n" +
            $"Accept: application/json;odata=minimalmetadata\r\nDataServiceVersion: 3.0\r\nIf-Match: {ETag1}\r\n" +
            "Content-Type: application/json\r\n\r\n" +
            """{"PartitionKey":"p","RowKey":"it's"}""" + "\r\n" +
            $"--{changeset}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "DELETE https://acct.table.core.windows.net/mytable(PartitionKey='p',RowKey='d') HTTP/1.1\r\n" +
            "Accept: application/json;odata=minimalmetadata\r\nDataServiceVersion: 3.0\r\nIf-Match: *\r\n\r\n" +
            $"--{changeset}--\r\n--{batch}--\r\n";
        Assert.Equal(expected, request.Body);
    }

    [Fact]
    public async Task Batch_failure_reports_the_index_from_the_error_message_and_is_not_retried()
    {
        var error = StubHttpHandler.Error("UpdateConditionNotSatisfied", "1:The update condition specified in the request was not satisfied.\\nRequestId:x\\nTime:2026-03-27T09:15:00Z");
        var handler = new StubHttpHandler().Then(HttpStatusCode.Accepted,
            BatchResponse($"HTTP/1.1 412 Precondition Failed\r\nContent-Type: application/json;odata=minimalmetadata;charset=utf-8\r\n\r\n{error}"),
            ("Content-Type", "multipart/mixed; boundary=batchresponse_b1"));
        var actions = new[]
        {
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "a")),
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("p", "u"), ETag1),
        };
        var ex = await Assert.ThrowsAsync<TableTransactionFailedRequestException>(() => StubClients.Table(handler).SubmitTransactionAsync(actions));
        Assert.Equal(1, ex.FailedActionIndex);
        Assert.Equal(412, ex.Status);
        Assert.Equal("UpdateConditionNotSatisfied", ex.ErrorCode);
        Assert.Single(handler.Requests);

        var store = new AzureTableStore(StubClients.Service(handler));
        var failed = await Assert.ThrowsAsync<TableTransactionFailedException>(() => store.SubmitTransactionAsync("mytable",
            [TableOperation.Add(new TableEntity("p", "a")), TableOperation.Update(new TableEntity("p", "u"), ETag1)]));
        Assert.Equal(1, failed.FailedOperationIndex);
        Assert.IsType<ConcurrencyConflictException>(failed.InnerException);
    }

    [Fact]
    public async Task Batch_failure_without_index_in_message_uses_the_failing_part_position()
    {
        var handler = new StubHttpHandler().Then(HttpStatusCode.Accepted, BatchResponse(
                "HTTP/1.1 204 No Content\r\n",
                "HTTP/1.1 409 Conflict\r\n\r\n" + StubHttpHandler.Error("EntityAlreadyExists", "The specified entity already exists.")),
            ("Content-Type", "multipart/mixed; boundary=batchresponse_b1"));
        var store = new AzureTableStore(StubClients.Service(handler));
        var failed = await Assert.ThrowsAsync<TableTransactionFailedException>(() => store.SubmitTransactionAsync("mytable",
            [TableOperation.Add(new TableEntity("p", "a")), TableOperation.Add(new TableEntity("p", "b"))]));
        Assert.Equal(1, failed.FailedOperationIndex);
        Assert.IsType<EntityAlreadyExistsException>(failed.InnerException);
    }

    [Fact]
    public void Typed_properties_are_written_with_odata_type_annotations()
    {
        var e = new TableEntity("p", "r")
        {
            ["S"] = "text", ["B"] = true, ["I"] = 42, ["L"] = 9_007_199_254_740_993L, ["D"] = 2.0,
            ["T"] = new DateTimeOffset(2026, 3, 27, 10, 15, 0, 123, TimeSpan.FromHours(1)),
            ["G"] = Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff"), ["X"] = new byte[] { 0, 1, 2, 255 }, ["N"] = null,
        };
        var json = Encoding.UTF8.GetString(TableEntityJson.Serialize(e));
        Assert.Equal(
            "{\"PartitionKey\":\"p\",\"RowKey\":\"r\",\"S\":\"text\",\"B\":true,\"I\":42,\"L@odata.type\":\"Edm.Int64\",\"L\":\"9007199254740993\"," +
            "\"D@odata.type\":\"Edm.Double\",\"D\":2,\"T@odata.type\":\"Edm.DateTime\",\"T\":\"2026-03-27T09:15:00.1230000Z\"," +
            "\"G@odata.type\":\"Edm.Guid\",\"G\":\"6f9619ff-8b86-d011-b42d-00c04fc964ff\",\"X@odata.type\":\"Edm.Binary\",\"X\":\"AAEC/w==\"}",
            json);
    }

    [Fact]
    public void Typed_properties_are_read_from_annotations_and_inferred_otherwise()
    {
        const string body = """
            {"odata.metadata":"m","odata.etag":"W/\"e\"","PartitionKey":"p","RowKey":"r",
             "Timestamp@odata.type":"Edm.DateTime","Timestamp":"2026-03-27T09:15:00.1234567Z",
             "S":"text","B":false,"I":42,"Dw":2.0,"Df":2.25,"D@odata.type":"Edm.Double","D":3,"Nan@odata.type":"Edm.Double","Nan":"NaN",
             "L@odata.type":"Edm.Int64","L":"9007199254740993","T@odata.type":"Edm.DateTime","T":"2026-03-27T09:15:00Z",
             "G@odata.type":"Edm.Guid","G":"6f9619ff-8b86-d011-b42d-00c04fc964ff","X@odata.type":"Edm.Binary","X":"AAEC/w=="}
            """;
        using var doc = JsonDocument.Parse(body);
        var e = TableEntityJson.Read(doc.RootElement);
        Assert.Equal("W/\"e\"", e.ETag);
        Assert.Equal(new DateTimeOffset(2026, 3, 27, 9, 15, 0, TimeSpan.Zero).AddTicks(1234567), e.Timestamp);
        Assert.Equal("text", e["S"]);
        Assert.Equal(false, e["B"]);
        Assert.Equal(42, Assert.IsType<int>(e["I"]));
        Assert.Equal(2.0, Assert.IsType<double>(e["Dw"]));
        Assert.Equal(2.25, Assert.IsType<double>(e["Df"]));
        Assert.Equal(3.0, Assert.IsType<double>(e["D"]));
        Assert.True(double.IsNaN(Assert.IsType<double>(e["Nan"])));
        Assert.Equal(9_007_199_254_740_993L, Assert.IsType<long>(e["L"]));
        Assert.Equal(TimeSpan.Zero, Assert.IsType<DateTimeOffset>(e["T"]).Offset);
        Assert.Equal(Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff"), e["G"]);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, e["X"]);
        Assert.DoesNotContain(e.Properties.Keys, k => k.Contains('@', StringComparison.Ordinal) || k.StartsWith("odata", StringComparison.Ordinal) || k == "Timestamp");
    }

    [Fact]
    public async Task Create_table_accepts_409_table_already_exists_only()
    {
        var handler = new StubHttpHandler()
            .Then(HttpStatusCode.Conflict, StubHttpHandler.Error("TableAlreadyExists", "The table specified already exists."))
            .Then(HttpStatusCode.Conflict, StubHttpHandler.Error("TableBeingDeleted", "The specified table is being deleted."));
        var service = StubClients.Service(handler);
        var ok = await service.CreateTableIfNotExistsAsync("mytable");
        Assert.Equal(409, ok.Status);
        Assert.Equal("""{"TableName":"mytable"}""", handler.Requests[0].Body);
        Assert.Equal("/Tables", handler.Requests[0].Uri.AbsolutePath);
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => service.CreateTableIfNotExistsAsync("mytable"));
        Assert.Equal("TableBeingDeleted", ex.ErrorCode);
    }

    [Fact]
    public async Task Get_missing_entity_is_null_but_missing_table_is_an_error()
    {
        var handler = new StubHttpHandler()
            .Then(HttpStatusCode.NotFound, StubHttpHandler.Error("ResourceNotFound", "The specified resource does not exist."))
            .Then(HttpStatusCode.NotFound, StubHttpHandler.Error("TableNotFound", "The table specified does not exist."));
        var store = new AzureTableStore(StubClients.Service(handler));
        Assert.Null(await store.GetAsync("mytable", "p", "r"));
        var ex = await Assert.ThrowsAsync<StorageException>(() => store.GetAsync("mytable", "p", "r"));
        Assert.IsNotType<EntityNotFoundException>(ex);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Entra_id_credential_sends_a_bearer_token_for_the_storage_scope()
    {
        var handler = new StubHttpHandler().Then(HttpStatusCode.NoContent, null, ("ETag", ETag1));
        var credential = new FixedTokenCredential();
        var service = new TableServiceClient(StubClients.Endpoint, credential, StubClients.Options(handler));
        await service.GetTableClient("mytable").AddEntityAsync(new TableEntity("p", "r"));
        Assert.Equal("Bearer token-123", Assert.Single(handler.Requests).Header("Authorization"));
        Assert.Equal(["https://storage.azure.com/.default"], credential.Scopes);
    }

    [Fact]
    public void Connection_strings_are_parsed()
    {
        var dev = TableConnectionString.Parse("UseDevelopmentStorage=true");
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), dev.TableEndpoint);
        Assert.Equal("devstoreaccount1", dev.AccountName);
        var full = TableConnectionString.Parse($"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={StubClients.Key};EndpointSuffix=core.windows.net");
        Assert.Equal(new Uri("https://acct.table.core.windows.net"), full.TableEndpoint);
        Assert.Equal(StubClients.Key, full.AccountKey);
        var explicitEndpoint = TableConnectionString.Parse($"AccountName=a;AccountKey={StubClients.Key};TableEndpoint=http://127.0.0.1:5555/a/");
        Assert.Equal(new Uri("http://127.0.0.1:5555/a"), explicitEndpoint.TableEndpoint);
        Assert.Throws<FormatException>(() => TableConnectionString.Parse("AccountName=a"));
        Assert.DoesNotContain(StubClients.Key, full.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Store_validates_transactions_before_any_request()
    {
        var handler = new StubHttpHandler();
        var store = new AzureTableStore(StubClients.Service(handler));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SubmitTransactionAsync("mytable",
            [TableOperation.Add(new TableEntity("p", "a")), TableOperation.Upsert(new TableEntity("p", "a"))]));
        Assert.Empty(handler.Requests);
    }

    private sealed class FixedTokenCredential : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return new AccessToken("token-123", DateTimeOffset.MaxValue);
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
            => new(GetToken(requestContext, cancellationToken));
    }
}
