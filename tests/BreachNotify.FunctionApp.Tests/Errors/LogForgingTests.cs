using System.Net;
using System.Text;
using BreachNotify.FunctionApp.Errors;
using BreachNotify.FunctionApp.Tests.Features.Webhooks;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static BreachNotify.FunctionApp.Tests.Infrastructure.HttpAssert;

namespace BreachNotify.FunctionApp.Tests.Errors;

/// <summary>
/// Issue 13 point 8: request-supplied text never reaches the log, neither as a forged line nor as a value. Each case
/// carries a line break, a forged <c>fail:</c> line and an e-mail address where a request can put text.
/// </summary>
public sealed class LogForgingTests
{
    private const string Address = "anna.forged@example.org";
    private const string Forged = "x\nfail: forged entry for " + Address;
    private static readonly string ForgedJson = Forged.Replace("\n", "\\n", StringComparison.Ordinal);

    private static void AssertClean(LogCapture logs)
    {
        Assert.NotEmpty(logs.Entries);
        Assert.DoesNotContain(Address, logs.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("fail: forged", logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forged_text_in_requests_reaches_no_log()
    {
        var logs = new LogCapture();
        using var factory = new BreachNotifyFactory { Logs = logs };
        var dpo = factory.Dpo();
        var created = await Body(await dpo.PostJson("/api/incidents",
            $$$"""{"title":"{{{ForgedJson}}}","awareAt":"2026-03-27T10:15:00+01:00","facts":{"breachTypes":["integrity"],"dataCategories":["contact"],"dataSubjects":3}}"""), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;

        // A key of facts in a merge patch: given twice (once a 500 whose exception message held the key), and unknown.
        foreach (var patch in new[] { $$$"""{"facts":{"{{{ForgedJson}}}":1,"{{{ForgedJson}}}":2}}""", $$$"""{"facts":{"{{{ForgedJson}}}":1}}""", $$$"""{"owner":"{{{ForgedJson}}}"}""" })
        {
            var response = await dpo.PatchAsync($"/api/incidents/{id}", new StringContent(patch, Encoding.UTF8, "application/merge-patch+json"));
            Assert.True((int)response.StatusCode < 500, await response.Content.ReadAsStringAsync());
        }
        // In the path, the query and a header.
        await dpo.GetAsync("/api/incidents/" + Uri.EscapeDataString(Forged));
        await dpo.GetAsync("/api/incidents?status=" + Uri.EscapeDataString(Forged));
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/incidents") { Content = JsonBody("""{"title":"t"}""") })
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", Address);
            await dpo.SendAsync(request);
        }
        // In an upload: accepted and rejected rows.
        using var csv = new StringContent($"email,name\n{Address},\"{Forged}\"\nnot-an-address,\"{Forged}\"\n", Encoding.UTF8, "text/csv");
        await Body(await dpo.PostAsync($"/api/incidents/{id}/recipients", csv), HttpStatusCode.OK);

        AssertClean(logs);
    }

    [Fact]
    public async Task Forged_text_in_webhooks_reaches_no_log()
    {
        var logs = new LogCapture();
        using var hooks = new WebhookTestClient(factoryLogs: logs);
        var body = $$$"""{"eventId":"{{{ForgedJson}}}","externalId":"{{{ForgedJson}}}","title":"{{{ForgedJson}}}","status":"triggered","occurredAt":"2026-05-20T13:55:00Z","context":{"{{{ForgedJson}}}":"{{{ForgedJson}}}"}}""";
        await hooks.DeliverAsync(hooks.Signed("generic", body));
        // Verified but malformed, with the forged text as the field at fault.
        var duplicate = $$$"""{"eventId":"e-2","{{{ForgedJson}}}":1,"{{{ForgedJson}}}":2}""";
        await Problem(await hooks.Anonymous.SendAsync(hooks.Signed("generic", duplicate)), HttpStatusCode.BadRequest);
        await Problem(await hooks.Anonymous.SendAsync(hooks.Signed("generic", body, credential: "wrong")), HttpStatusCode.Unauthorized);

        AssertClean(logs);
    }

    /// <summary>The mechanism behind every 5xx: whatever an exception's message holds, the log gets its type, stack and
    /// the answer's trace id, and names the function rather than the request's path.</summary>
    [Fact]
    public async Task A_5xx_logs_the_exception_redacted_and_no_path()
    {
        var logs = new LogCapture();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        var problems = new ProblemResults(loggers.CreateLogger<ProblemResults>());
        var http = new DefaultHttpContext { TraceIdentifier = "trace-123" };
        http.Request.Path = "/api/incidents/" + Forged;
        http.Response.Body = new MemoryStream();
        Exception thrown;
        try
        {
            throw new InvalidOperationException("Key: " + Forged, new ArgumentException("Inner " + Forged));
        }
        catch (InvalidOperationException ex)
        {
            thrown = ex;
        }

        var result = problems.For(http, thrown, "UpdateIncident");
        await result.ExecuteAsync(WithServices(http));

        Assert.Equal(500, http.Response.StatusCode);
        var entry = Assert.Single(logs.Entries);
        Assert.Contains("UpdateIncident", entry, StringComparison.Ordinal);
        Assert.Contains("trace-123", entry, StringComparison.Ordinal);
        Assert.Contains(nameof(InvalidOperationException), entry, StringComparison.Ordinal);
        Assert.Contains(nameof(ArgumentException), entry, StringComparison.Ordinal);
        Assert.Contains(nameof(A_5xx_logs_the_exception_redacted_and_no_path), entry, StringComparison.Ordinal); // the stack is kept
        AssertClean(logs);
    }

    private static HttpContext WithServices(DefaultHttpContext http)
    {
        http.RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        return http;
    }
}
