using BreachNotify.Adapters.AzureTables;
using BreachNotify.Adapters.Tests.Storage;
using BreachNotify.Application.Storage;

namespace BreachNotify.Adapters.Tests.AzureTables;

/// <summary>The storage contract, unchanged, against Azurite through the REST client.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableStoreContractTests(AzuriteFixture azurite) : TableStoreContract
{
    private readonly AzureTableStore _store = AzureTableStore.Create(new AzureTableStoreOptions { ConnectionString = azurite.ConnectionString });

    protected override ITableStore Store => _store;
}
