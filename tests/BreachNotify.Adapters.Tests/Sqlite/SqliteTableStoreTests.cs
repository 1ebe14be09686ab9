using BreachNotify.Adapters.Sqlite;
using BreachNotify.Adapters.Tests.Storage;
using BreachNotify.Application.Storage;
using BreachNotify.Tests.Shared;

namespace BreachNotify.Adapters.Tests.Sqlite;

public sealed class SqliteTableStoreTests : TableStoreContract, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bn-sqlite-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteTableStore _store;

    public SqliteTableStoreTests() => _store = new SqliteTableStore(Path.Combine(_dir, "nested", "store.db"), new FakeTimeProvider());

    protected override ITableStore Store => _store;

    [Fact]
    public void Creates_the_folder_and_uses_wal()
    {
        Assert.True(File.Exists(_store.DatabasePath));
        Assert.True(File.Exists(_store.DatabasePath + "-wal") || File.Exists(_store.DatabasePath));
        using var c = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + _store.DatabasePath);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar());
    }

    [Fact]
    public async Task Data_survives_dispose_and_reopen()
    {
        var t = await NewTableAsync();
        var etag = await Store.AddAsync(t, Entity("p", "r", ("V", "kept")));
        _store.Dispose();
        using var reopened = new SqliteTableStore(_store.DatabasePath, new FakeTimeProvider());
        var got = await reopened.GetAsync(t, "p", "r");
        Assert.NotNull(got);
        Assert.Equal("kept", got.GetString("V"));
        Assert.Equal(etag, got.ETag);
    }

    [Fact]
    public async Task Timestamp_comes_from_the_injected_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        using var store = new SqliteTableStore(Path.Combine(_dir, "clock.db"), clock);
        await store.CreateTableIfNotExistsAsync("clocked");
        await store.AddAsync("clocked", Entity("p", "r"));
        Assert.Equal(clock.GetUtcNow(), (await store.GetAsync("clocked", "p", "r"))!.Timestamp);
    }

    [Fact]
    public async Task Operations_on_a_missing_table_fail()
    {
        await Assert.ThrowsAsync<StorageException>(() => Store.GetAsync("neverCreated", "p", "r"));
    }

    public void Dispose()
    {
        _store.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
