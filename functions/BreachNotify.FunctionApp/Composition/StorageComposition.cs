using BreachNotify.Adapters.AzureTables;
using BreachNotify.Adapters.Sqlite;
using BreachNotify.Application.Storage;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Composition;

public sealed class StorageOptions
{
    public const string SectionName = "Storage";
    public const string Sqlite = "Sqlite";
    public const string AzureTables = "AzureTables";

    /// <summary>Sqlite (embedded default) or AzureTables.</summary>
    public string Provider { get; set; } = Sqlite;
}

public static class StorageComposition
{
    public static IServiceCollection AddBreachNotifyStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName))
            .Validate(o => o.Provider is StorageOptions.Sqlite or StorageOptions.AzureTables, "Storage:Provider must be Sqlite or AzureTables.")
            .ValidateOnStart();
        services.AddOptions<SqliteTableStoreOptions>().Bind(configuration.GetSection(SqliteTableStoreOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Path), "Storage:Sqlite:Path is required.")
            .ValidateOnStart();

        services.AddOptions<AzureTableStoreOptions>().Bind(configuration.GetSection(AzureTableStoreOptions.SectionName))
            .Validate(o => string.IsNullOrEmpty(o.TablePrefix) || o.TablePrefix.All(char.IsAsciiLetterOrDigit), "Storage:Tables:TablePrefix must be letters and digits.")
            .ValidateOnStart();

        services.AddSingleton<ITableStore>(sp =>
        {
            var provider = sp.GetRequiredService<IOptions<StorageOptions>>().Value.Provider;
            switch (provider)
            {
                case StorageOptions.Sqlite:
                    var o = sp.GetRequiredService<IOptions<SqliteTableStoreOptions>>().Value;
                    var env = sp.GetRequiredService<IHostEnvironment>();
                    var path = Path.IsPathRooted(o.Path) ? o.Path : Path.Combine(env.ContentRootPath, o.Path);
                    return new SqliteTableStore(path, sp.GetRequiredService<TimeProvider>(), o.BusyTimeout);
                case StorageOptions.AzureTables:
                    var t = sp.GetRequiredService<IOptions<AzureTableStoreOptions>>().Value;
                    if (string.IsNullOrWhiteSpace(t.Endpoint) && string.IsNullOrWhiteSpace(t.ConnectionString))
                        throw new InvalidOperationException("Storage:Provider=AzureTables needs Storage:Tables:Endpoint (managed identity) or Storage:Tables:ConnectionString.");
                    return AzureTableStore.Create(t, sp.GetRequiredService<TimeProvider>());
                default:
                    throw new InvalidOperationException($"Unknown storage provider '{provider}'.");
            }
        });
        return services;
    }
}
