using Azure.Data.Tables;
using BreachNotify.Adapters.AzureTables;
using BreachNotify.Adapters.Sqlite;
using BreachNotify.Application.Storage;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Composition;

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
            .Validate(o => o.MaxRetries is >= 0 and <= 20 && o.NetworkTimeout > TimeSpan.Zero, "Storage:Tables:MaxRetries must be 0 to 20 and Storage:Tables:NetworkTimeout positive.")
            .Validate<IOptions<StorageOptions>>((o, s) => s.Value.Provider != StorageOptions.AzureTables || !string.IsNullOrWhiteSpace(o.Endpoint) || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Storage:Provider=AzureTables needs Storage:Tables:Endpoint (managed identity) or Storage:Tables:ConnectionString.")
            .ValidateOnStart();

        services.AddBreachNotifyAzureCredential(configuration);
        // The official client, built on first use with the shared credential; Azure.Core's retries from the options.
        services.AddAzureClients(builder => builder.AddClient<TableServiceClient, TableClientOptions>((clientOptions, credential, sp) =>
            AzureTableStore.CreateServiceClient(sp.GetRequiredService<IOptions<AzureTableStoreOptions>>().Value, credential, clientOptions)));

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
                    return new AzureTableStore(sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<IOptions<AzureTableStoreOptions>>().Value.TablePrefix);
                default:
                    throw new InvalidOperationException($"Unknown storage provider '{provider}'.");
            }
        });
        return services;
    }
}
