using BreachNotify.Adapters.Sqlite;
using BreachNotify.Application.Storage;

namespace BreachNotify.Adapters.Tests.Notices;

/// <summary>Notification creation on the embedded store; a restart reopens the same database file.</summary>
public sealed class SqliteNotificationCreationTests : NotificationCreationContract, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "bn-ntf-" + Guid.NewGuid().ToString("N"), "store.db");
    private readonly List<SqliteTableStore> _open = [];

    protected override ITableStore OpenStore()
    {
        var store = new SqliteTableStore(_path, Clock);
        _open.Add(store);
        return store;
    }

    public void Dispose()
    {
        foreach (var s in _open) s.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true); } catch (IOException) { }
    }
}
