using BreachNotify.Adapters.EmbeddedQueue;
using BreachNotify.Adapters.Outbox;
using BreachNotify.Adapters.SendGrid;
using BreachNotify.Adapters.ServiceBus;
using BreachNotify.Application.Email;
using BreachNotify.Application.Notices;
using BreachNotify.Application.Queue;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Tests.Features.Notices;

/// <summary>The settings choose the adapters; wrong combinations stop the app at start-up with the setting's name.</summary>
public sealed class NoticeCompositionTests
{
    private static Exception? StartFailure(Dictionary<string, string?> settings)
    {
        using var factory = new BreachNotifyFactory();
        foreach (var (k, v) in settings) factory.Settings[k] = v;
        try { _ = factory.Server; return null; }
        catch (Exception ex) { return ex; }
    }

    [Fact]
    public void Standalone_defaults_are_the_outbox_and_the_embedded_queue()
    {
        using var factory = new BreachNotifyFactory();
        Assert.IsType<OutboxEmailSender>(factory.Services.GetRequiredService<IEmailSender>());
        Assert.IsType<StoreNoticeQueue>(factory.Services.GetRequiredService<INoticeQueue>());
        // SQLite has one writer: more parallel transactions only wait on its lock.
        Assert.Equal(1, factory.Services.GetRequiredService<IOptions<NoticeOptions>>().Value.ImportParallelism);
    }

    [Fact]
    public void SendGrid_and_Service_Bus_are_chosen_by_settings()
    {
        using var factory = new BreachNotifyFactory();
        factory.Settings["Email:Provider"] = "SendGrid";
        factory.Settings["SendGrid:ApiKey"] = "SG.test";
        factory.Settings["SendGrid:BaseUrl"] = "https://api.eu.sendgrid.com";
        factory.Settings["Queue:Provider"] = "ServiceBus";
        factory.Settings["ServiceBus:ConnectionString"] = "Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=a2V5";
        Assert.IsType<SendGridEmailSender>(factory.Services.GetRequiredService<IEmailSender>());
        Assert.IsType<ServiceBusNoticeQueue>(factory.Services.GetRequiredService<INoticeQueue>());
        Assert.IsType<ServiceBusNoticeReceiver>(factory.Services.GetRequiredService<INoticeQueueReceiver>());
        // One client per process, shared by the sender and the receiver.
        Assert.Same(factory.Services.GetRequiredService<Azure.Messaging.ServiceBus.ServiceBusClient>(), factory.Services.GetRequiredService<Azure.Messaging.ServiceBus.ServiceBusClient>());
    }

    [Theory]
    [InlineData("Email:Provider", "Pigeon", "Email:Provider")]
    [InlineData("Email:Provider", "SendGrid", "SendGrid:ApiKey")]
    [InlineData("Queue:Provider", "ServiceBus", "ServiceBus:FullyQualifiedNamespace")]
    [InlineData("Organisation:LeadAuthority", "US", "Organisation")]
    [InlineData("Notices:JobSize", "1001", "Notices")]
    public void Invalid_settings_stop_the_start(string key, string value, string named)
    {
        var ex = StartFailure(new() { [key] = value });
        Assert.NotNull(ex);
        Assert.Contains(named, ex!.ToString(), StringComparison.Ordinal);
    }
}
