using BreachNotify.Adapters.AzureTables;
using BreachNotify.Adapters.Tests.Storage;
using BreachNotify.Application.Storage;

namespace BreachNotify.Adapters.Tests.AzureTables;

/// <summary>The storage contract, unchanged, against Azurite through the official client (Azure.Data.Tables).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableStoreContractTests(AzuriteFixture azurite) : TableStoreContract
{
    private readonly AzureTableStore _store = new(AzureTableStore.CreateServiceClient(new AzureTableStoreOptions { ConnectionString = azurite.ConnectionString }, credential: null));

    protected override ITableStore Store => _store;
}
