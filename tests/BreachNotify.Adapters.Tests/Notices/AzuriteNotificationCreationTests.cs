using BreachNotify.Adapters.AzureTables;
using BreachNotify.Adapters.Tests.AzureTables;
using BreachNotify.Application.Storage;

namespace BreachNotify.Adapters.Tests.Notices;

/// <summary>Notification creation on Table storage (Azurite, through Azure.Data.Tables); a restart is a new client on the same tables.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteNotificationCreationTests(AzuriteFixture azurite) : NotificationCreationContract
{
    // Tables of their own: the sweep reads the creating and pending partitions, which are one per set of tables.
    private readonly string _prefix = "nc" + Guid.NewGuid().ToString("N")[..10];

    protected override ITableStore OpenStore()
        => new AzureTableStore(AzureTableStore.CreateServiceClient(new AzureTableStoreOptions { ConnectionString = azurite.ConnectionString }, credential: null), _prefix);
}
