using System.Net;
using BreachNotify.Application.Email;
using BreachNotify.Application.Queue;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static BreachNotify.FunctionApp.Tests.Features.Notices.NoticeScenario;

namespace BreachNotify.FunctionApp.Tests.Features.Notices;

/// <summary>
/// The consumer as composed by the app (<see cref="NoticeQueueDrain"/> over the embedded queue, with
/// SendNoticeMessageHandler and SendNoticeProcessor): queued notice jobs are sent, retried, or failed for good.
/// </summary>
public sealed class QueueDrainTests : IDisposable
{
    private readonly RecordingEmailSender _email = new();
    private readonly NoticesFactory _factory;

    public QueueDrainTests() => _factory = new NoticesFactory { Email = _email };

    public void Dispose() => _factory.Dispose();

    private NoticeQueueDrain Drain => _factory.Services.GetRequiredService<NoticeQueueDrain>();

    private async Task<(HttpClient Dpo, string Incident)> NotifiedAsync(string csv)
    {
        var dpo = _factory.Dpo();
        var id = await ConfirmedIncidentAsync(dpo);
        await UploadAsync(dpo, id, csv);
        await HttpAssert.Body(await dpo.PostJson($"/api/incidents/{id}/notifications", """{"kind":"data-subjects"}"""), HttpStatusCode.Accepted);
        return (dpo, id);
    }

    private static async Task<string> NotificationStatus(HttpClient dpo, string id)
        => (await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}/notifications"), HttpStatusCode.OK)).GetProperty("items")[0].GetProperty("status").GetString()!;

    [Fact]
    public async Task Sends_every_queued_job_and_completes_the_messages()
    {
        var (dpo, id) = await NotifiedAsync("email,language\r\na@example.com,en\r\nb@example.nl,nl\r\nc@example.de,de\r\n");

        var result = await Drain.RunAsync();

        Assert.Equal((3, 3, DrainStop.Empty), (result.Received, result.Completed, result.Stop));
        Assert.Equal(3, _email.Sent.Count);
        Assert.Equal((0, 0), await _factory.Queue.CountAsync());
        Assert.Equal("completed", await NotificationStatus(dpo, id));
    }

    [Fact]
    public async Task A_transient_failure_leaves_the_job_queued_and_the_next_run_sends_it()
    {
        var (dpo, id) = await NotifiedAsync("email,language\r\na@example.com,en\r\n");
        var attempts = 0;
        _email.Before = (_, _) => ++attempts == 1 ? throw new EmailTransientException("SendGrid 503", 503, null) : Task.CompletedTask;

        var first = await Drain.RunAsync();
        Assert.Equal((1, 0, DrainStop.TransientFailure), (first.Abandoned, first.Completed, first.Stop));
        Assert.Equal((1, 0), await _factory.Queue.CountAsync());

        _factory.Clock.Advance(TimeSpan.FromMinutes(6)); // past the embedded queue's back-off and the job's send lease
        var second = await Drain.RunAsync();

        Assert.Equal(1, second.Completed);
        Assert.Equal("completed", await NotificationStatus(dpo, id));
        Assert.Equal((0, 0), await _factory.Queue.CountAsync());
    }

    [Fact]
    public async Task A_permanent_failure_is_recorded_on_the_job_and_the_message_completed()
    {
        var (dpo, id) = await NotifiedAsync("email,language\r\na@example.com,en\r\n");
        _email.Before = (_, _) => throw new EmailPermanentException("SendGrid refused the request", 400);

        var result = await Drain.RunAsync();

        Assert.Equal((1, 0, DrainStop.Empty), (result.Completed, result.Abandoned, result.Stop));
        Assert.Equal((0, 0), await _factory.Queue.CountAsync());
        var list = await HttpAssert.Body(await dpo.GetAsync($"/api/incidents/{id}/notifications"), HttpStatusCode.OK);
        Assert.Equal("failed", list.GetProperty("items")[0].GetProperty("jobs")[0].GetProperty("status").GetString());
    }
}
