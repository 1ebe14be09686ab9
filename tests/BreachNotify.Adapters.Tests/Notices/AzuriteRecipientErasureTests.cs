using BreachNotify.Adapters.AzureTables;
using BreachNotify.Adapters.Tests.AzureTables;
using BreachNotify.Application.Storage;

namespace BreachNotify.Adapters.Tests.Notices;

/// <summary>Erasure and retention on Table storage (Azurite, through Azure.Data.Tables); a restart is a new client on the same tables.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteRecipientErasureTests(AzuriteFixture azurite) : RecipientErasureContract
{
    // Tables of their own: the contract reads the holders index, which is one per set of tables.
    private readonly string _prefix = "er" + Guid.NewGuid().ToString("N")[..10];

    protected override ITableStore OpenStore()
        => new AzureTableStore(AzureTableStore.CreateServiceClient(new AzureTableStoreOptions { ConnectionString = azurite.ConnectionString }, credential: null), _prefix);
}
