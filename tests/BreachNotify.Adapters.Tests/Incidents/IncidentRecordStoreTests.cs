using BreachNotify.Adapters.AzureTables;
using BreachNotify.Adapters.Tests.AzureTables;
using BreachNotify.Adapters.Sqlite;
using BreachNotify.Application.Storage;
using BreachNotify.Tests.Shared;

namespace BreachNotify.Adapters.Tests.Incidents;

/// <summary>The incident record on SQLite: each instance is its own store over one database file, as two processes would be.</summary>
public sealed class SqliteIncidentRecordTests : IncidentRecordContract, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "bn-record-" + Guid.NewGuid().ToString("N"), "shared.db");
    private readonly List<SqliteTableStore> _stores = [];

    protected override ITableStore NewStore()
    {
        var store = new SqliteTableStore(_path, new FakeTimeProvider());
        lock (_stores) _stores.Add(store);
        return store;
    }

    public void Dispose()
    {
        foreach (var s in _stores) s.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The incident record on Table storage (Azurite): each instance is its own client, on tables of its own prefix.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTablesIncidentRecordTests(AzuriteFixture azurite) : IncidentRecordContract
{
    private readonly string _prefix = "rec" + Guid.NewGuid().ToString("N")[..10];

    protected override ITableStore NewStore()
        => new AzureTableStore(AzureTableStore.CreateServiceClient(new AzureTableStoreOptions { ConnectionString = azurite.ConnectionString }, null), _prefix);
}
