namespace BreachNotify.FunctionApp.Composition;

/// <summary>Which <see cref="Application.Storage.ITableStore"/> to use (section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";
    public const string Sqlite = "Sqlite";
    public const string AzureTables = "AzureTables";

    /// <summary>Sqlite (embedded default) or AzureTables.</summary>
    public string Provider { get; set; } = Sqlite;
}
