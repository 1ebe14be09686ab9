using Azure;
using Azure.Data.Tables;
using BreachNotify.Adapters.AzureTables;
using BreachNotify.Application.Storage;
using StoreEntity = BreachNotify.Application.Storage.TableEntity;

namespace BreachNotify.Adapters.Tests.AzureTables;

/// <summary>The adapter on Azurite where the official client's behaviour differs from the port's contract.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableStoreAzuriteTests(AzuriteFixture azurite)
{
    private readonly AzureTableStore _store = new(AzureTableStore.CreateServiceClient(new AzureTableStoreOptions { ConnectionString = azurite.ConnectionString }, null), "pre");

    private async Task<string> NewTableAsync()
    {
        var name = "c" + Guid.NewGuid().ToString("N")[..16];
        await _store.CreateTableIfNotExistsAsync(name);
        return name;
    }

    [Fact]
    public async Task Conditional_delete_of_a_missing_entity_throws_although_the_client_answers_404_quietly()
    {
        var t = await NewTableAsync();
        var etag = await _store.AddAsync(t, new StoreEntity("p", "r"));
        await _store.DeleteAsync(t, "p", "r", etag);

        // What the official client does on its own: no exception for a 404, even with a specific ETag.
        var raw = await _store.Service.GetTableClient("pre" + t).DeleteEntityAsync("p", "r", new ETag(etag));
        Assert.Equal(404, raw.Status);

        await Assert.ThrowsAsync<EntityNotFoundException>(() => _store.DeleteAsync(t, "p", "r", etag));
        await _store.DeleteAsync(t, "p", "r"); // unconditional: still fine
    }

    [Fact]
    public async Task Delete_in_a_missing_table_is_an_error_even_unconditionally()
    {
        var ex = await Assert.ThrowsAsync<StorageException>(() => _store.DeleteAsync("neverCreated" + Guid.NewGuid().ToString("N")[..8], "p", "r"));
        Assert.IsNotType<EntityNotFoundException>(ex);
    }

    [Fact]
    public async Task Wrong_account_key_is_refused_by_Azurite()
    {
        var wrong = azurite.ConnectionString.Replace(AzuriteFixture.AccountKey, Convert.ToBase64String(new byte[64]), StringComparison.Ordinal);
        var store = new AzureTableStore(AzureTableStore.CreateServiceClient(new AzureTableStoreOptions { ConnectionString = wrong, MaxRetries = 0 }, null));
        var ex = await Assert.ThrowsAsync<StorageException>(() => store.CreateTableIfNotExistsAsync("signed"));
        Assert.Equal(403, Assert.IsType<RequestFailedException>(ex.InnerException).Status);
    }

    [Fact]
    public async Task Tables_carry_the_prefix()
    {
        var t = await NewTableAsync();
        await _store.AddAsync(t, new StoreEntity("p", "r"));
        var names = new List<string>();
        await foreach (var item in _store.Service.QueryAsync(TableClient.CreateQueryFilter($"TableName eq {"pre" + t}"))) names.Add(item.Name);
        Assert.Equal(["pre" + t], names);
    }

    [Fact]
    public async Task Whole_doubles_and_large_longs_keep_their_type()
    {
        var t = await NewTableAsync();
        await _store.AddAsync(t, new StoreEntity("p", "r") { ["Whole"] = 2.0, ["Long"] = 5L, ["Int"] = 5 });
        var got = (await _store.GetAsync(t, "p", "r"))!;
        Assert.Equal(2.0, Assert.IsType<double>(got["Whole"]));
        Assert.Equal(5L, Assert.IsType<long>(got["Long"]));
        Assert.Equal(5, Assert.IsType<int>(got["Int"]));
    }

    [Fact]
    public async Task Continuation_tokens_are_url_safe_and_invalid_ones_are_refused()
    {
        var t = await NewTableAsync();
        await _store.SubmitTransactionAsync(t, Enumerable.Range(0, 5).Select(i => TableOperation.Add(new StoreEntity("p q'", $"r {i}"))).ToList());
        var page = await _store.QueryAsync(t, new TableQuery("p q'", PageSize: 2));
        Assert.Equal(2, page.Items.Count);
        Assert.NotNull(page.ContinuationToken);
        Assert.Equal(Uri.EscapeDataString(page.ContinuationToken), page.ContinuationToken);
        await Assert.ThrowsAsync<ArgumentException>(() => _store.QueryAsync(t, new TableQuery("p q'", ContinuationToken: "not a token!")));
    }
}
