using System.Net;
using Azure.Core;
using Azure.Data.Tables;
using BreachNotify.Adapters.AzureTables;
using BreachNotify.Adapters.Tests.Fakes;
using BreachNotify.Application.Storage;
using StoreEntity = BreachNotify.Application.Storage.TableEntity;

namespace BreachNotify.Adapters.Tests.AzureTables;

/// <summary>
/// The adapter's error mapping and retry settings over the official client, with a scripted HTTP handler as its transport
/// (answers Azurite cannot be made to give: 503, hangs).
/// </summary>
public sealed class AzureTableStoreTransportTests
{
    private const string ETag1 = "W/\"datetime'2026-03-27T09%3A15%3A00.0000000Z'\"";

    [Fact]
    public async Task Etag_conflict_is_412_mapped_and_never_retried()
    {
        var handler = new StubHttpHandler().Then(HttpStatusCode.PreconditionFailed,
            StubHttpHandler.Error("UpdateConditionNotSatisfied", "The update condition specified in the request was not satisfied."));
        var store = new AzureTableStore(StubClients.Service(handler));

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.UpdateAsync("mytable", new StoreEntity("p", "r"), ETag1));

        Assert.Single(handler.Requests);
        Assert.Equal(ETag1, handler.Requests[0].Header("If-Match"));
        Assert.Contains("UpdateConditionNotSatisfied", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_conflict_is_409_mapped_and_never_retried()
    {
        var handler = new StubHttpHandler().Then(HttpStatusCode.Conflict, StubHttpHandler.Error("EntityAlreadyExists", "The specified entity already exists."));
        var store = new AzureTableStore(StubClients.Service(handler));
        await Assert.ThrowsAsync<EntityAlreadyExistsException>(() => store.AddAsync("mytable", new StoreEntity("p", "r")));
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Transient_503_is_retried_then_succeeds()
    {
        var handler = new StubHttpHandler()
            .Then(HttpStatusCode.ServiceUnavailable, StubHttpHandler.Error("ServerBusy", "The server is busy."))
            .Then(HttpStatusCode.NoContent, null, ("ETag", ETag1));
        var store = new AzureTableStore(StubClients.Service(handler));

        Assert.Equal(ETag1, await store.UpsertAsync("mytable", new StoreEntity("p", "r")));
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Persistent_503_becomes_storage_unavailable_after_the_configured_retries()
    {
        var handler = new StubHttpHandler().Then(HttpStatusCode.ServiceUnavailable, StubHttpHandler.Error("ServerBusy", "busy"));
        var store = new AzureTableStore(StubClients.Service(handler, maxRetries: 2));

        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.UpsertAsync("mytable", new StoreEntity("p", "r")));
        Assert.Equal(3, handler.Requests.Count); // 1 + 2 retries
    }

    [Fact]
    public async Task Options_set_the_retries_and_network_timeout_and_hangs_end_as_storage_unavailable()
    {
        var hanging = new StubHttpHandler().ThenHang();
        var clientOptions = StubClients.Options(hanging);
        var options = new AzureTableStoreOptions
        {
            ConnectionString = $"DefaultEndpointsProtocol=https;AccountName={StubClients.Account};AccountKey={StubClients.Key};TableEndpoint={StubClients.Endpoint}",
            MaxRetries = 1,
            NetworkTimeout = TimeSpan.FromMilliseconds(200),
        };
        var store = new AzureTableStore(AzureTableStore.CreateServiceClient(options, null, clientOptions));

        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.GetAsync("mytable", "p", "r"));
        Assert.Equal(2, hanging.Requests.Count);
    }

    [Fact]
    public async Task Batch_failure_reports_the_failed_action_index_and_the_mapped_error()
    {
        var error = StubHttpHandler.Error("UpdateConditionNotSatisfied", "1:The update condition specified in the request was not satisfied.\\nRequestId:x");
        var handler = new StubHttpHandler().Then(HttpStatusCode.Accepted,
            "--batchresponse_b1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_c1\r\n\r\n" +
            "--changesetresponse_c1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            $"HTTP/1.1 412 Precondition Failed\r\nContent-Type: application/json;odata=minimalmetadata;charset=utf-8\r\n\r\n{error}\r\n" +
            "--changesetresponse_c1--\r\n--batchresponse_b1--\r\n",
            ("Content-Type", "multipart/mixed; boundary=batchresponse_b1"));
        var store = new AzureTableStore(StubClients.Service(handler));

        var failed = await Assert.ThrowsAsync<BreachNotify.Application.Storage.TableTransactionFailedException>(() => store.SubmitTransactionAsync("mytable",
            [TableOperation.Add(new StoreEntity("p", "a")), TableOperation.Update(new StoreEntity("p", "u"), ETag1)]));

        Assert.Equal(1, failed.FailedOperationIndex);
        Assert.IsType<ConcurrencyConflictException>(failed.InnerException);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Store_validates_transactions_before_any_request()
    {
        var handler = new StubHttpHandler();
        var store = new AzureTableStore(StubClients.Service(handler));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SubmitTransactionAsync("mytable",
            [TableOperation.Add(new StoreEntity("p", "a")), TableOperation.Upsert(new StoreEntity("p", "a"))]));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SubmitTransactionAsync("mytable",
            Enumerable.Range(0, 101).Select(i => TableOperation.Add(new StoreEntity("p", $"r{i}"))).ToList()));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Endpoint_uses_the_shared_credential_for_the_storage_scope()
    {
        var handler = new StubHttpHandler().Then(HttpStatusCode.NoContent, null, ("ETag", ETag1));
        var credential = new FakeTokenCredential("token-123");
        var store = new AzureTableStore(AzureTableStore.CreateServiceClient(
            new AzureTableStoreOptions { Endpoint = StubClients.Endpoint.AbsoluteUri, ConnectionString = "UseDevelopmentStorage=true" }, credential, StubClients.Options(handler)));

        await store.AddAsync("mytable", new StoreEntity("p", "r"));

        var request = Assert.Single(handler.Requests);
        Assert.Equal("Bearer token-123", request.Header("Authorization"));
        Assert.Equal(StubClients.Endpoint.Host, request.Uri.Host); // the endpoint wins over a connection string
        Assert.Contains(credential.RequestedScopes, s => s.SequenceEqual(["https://storage.azure.com/.default"]));
        Assert.Throws<InvalidOperationException>(() => AzureTableStore.CreateServiceClient(new AzureTableStoreOptions { Endpoint = StubClients.Endpoint.AbsoluteUri }, null));
    }
}
