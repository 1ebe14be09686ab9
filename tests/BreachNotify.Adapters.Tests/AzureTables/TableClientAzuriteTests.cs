using Azure;
using BreachNotify.Adapters.AzureTables;
using BreachNotify.Application.Storage;

namespace BreachNotify.Adapters.Tests.AzureTables;

/// <summary>The REST client against Azurite: what the real protocol answers, beyond the port's contract.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableClientAzuriteTests(AzuriteFixture azurite)
{
    private readonly TableServiceClient _service = new(azurite.ConnectionString);

    private async Task<TableClient> NewTableAsync()
    {
        var table = _service.GetTableClient("c" + Guid.NewGuid().ToString("N")[..16]);
        await table.CreateIfNotExistsAsync();
        return table;
    }

    [Fact]
    public async Task Azurite_checks_the_signature()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var cs = azurite.ConnectionString.Replace(TableConnectionString.DevelopmentAccountKey, wrongKey, StringComparison.Ordinal);
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => new TableServiceClient(cs).CreateTableIfNotExistsAsync("signed"));
        Assert.Equal(403, ex.Status);
        await _service.CreateTableIfNotExistsAsync("signed"); // the right key works
    }

    [Fact]
    public async Task Batch_failure_names_the_failing_action_and_applies_nothing()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "c"));
        var ex = await Assert.ThrowsAsync<TableTransactionFailedRequestException>(() => table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "a")),
            new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity("p", "b")),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "c")),
        ]));
        Assert.Equal(2, ex.FailedActionIndex);
        Assert.Equal(409, ex.Status);
        Assert.Equal("EntityAlreadyExists", ex.ErrorCode);
        Assert.False((await table.GetEntityIfExistsAsync("p", "a")).HasValue);
    }

    [Fact]
    public async Task Query_pages_with_top_and_continuation_and_select()
    {
        var table = await NewTableAsync();
        var actions = Enumerable.Range(0, 25).Select(i => new TableTransactionAction(TableTransactionActionType.Add,
            new TableEntity("p", $"r{i:D2}") { ["N"] = (long)i, ["Skip"] = "x" })).ToList();
        var result = await table.SubmitTransactionAsync(actions);
        Assert.All(result.Value, r => Assert.False(string.IsNullOrEmpty(r.ETag)));

        var seen = new List<TableEntity>();
        TableContinuation? next = null;
        var pages = 0;
        do
        {
            var page = (await table.QueryAsync("PartitionKey eq 'p'", ["PartitionKey", "RowKey", "N"], 10, next)).Value;
            seen.AddRange(page.Entities);
            next = page.Continuation;
            pages++;
        }
        while (next is not null);
        Assert.Equal(25, seen.Count);
        Assert.True(pages >= 3);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)i), seen.Select(e => e.GetInt64("N")!.Value));
        Assert.All(seen, e => Assert.False(e.Properties.ContainsKey("Skip")));
    }
}
