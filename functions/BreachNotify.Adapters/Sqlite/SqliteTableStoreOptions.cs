namespace BreachNotify.Adapters.Sqlite;

public sealed class SqliteTableStoreOptions
{
    public const string SectionName = "Storage:Sqlite";

    /// <summary>Database file; relative paths are resolved against the content root. Created on first run.</summary>
    public string Path { get; set; } = ".data/breachnotify.db";

    /// <summary>How long a writer waits for another writer's lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
