using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BreachNotify.Application.Webhooks.Intake;
using BreachNotify.FunctionApp.Features.Webhooks;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static BreachNotify.FunctionApp.Tests.Infrastructure.HttpAssert;

namespace BreachNotify.FunctionApp.Tests.Features.Webhooks;

/// <summary>
/// The app with a credential configured for every source (two for pagerduty and generic, as during a rotation),
/// the clock set to the generic and GitHub samples' day, and helpers that sign deliveries as each sender does.
/// </summary>
public sealed class WebhookTestClient : IDisposable
{
    public const string PagerDutySecret = "pd-secret-new";
    public const string PagerDutyOldSecret = "pd-secret-old";
    public const string GitHubSecret = "gh-secret";
    public const string GrafanaSecret = "grafana-secret";
    public const string GenericSecret = "generic-secret";
    public const string GenericOldSecret = "generic-secret-old";
    public const string AlertmanagerToken = "am-token-0123456789";
    public const string AzureMonitorToken = "az-token-0123456789";
    public const string SentinelToken = "sentinel-token-0123456789";
    public const int MaxBodyBytes = 32 * 1024;

    public static readonly DateTimeOffset Now = new(2026, 5, 20, 14, 0, 0, TimeSpan.Zero);

    public WebhookTestClient(Action<Dictionary<string, string?>>? settings = null, LogCapture? factoryLogs = null)
    {
        Factory = new BreachNotifyFactory { Logs = factoryLogs };
        var s = Factory.Settings;
        s["Webhooks:pagerduty:Secrets:0"] = PagerDutyOldSecret;
        s["Webhooks:pagerduty:Secrets:1"] = PagerDutySecret;
        s["Webhooks:github:Secrets:0"] = GitHubSecret;
        s["Webhooks:grafana:Secrets:0"] = GrafanaSecret;
        s["Webhooks:alertmanager:Tokens:0"] = AlertmanagerToken;
        // The form Linux app settings allow (Webhooks__AzureMonitor__Tokens__0): no hyphen.
        s["Webhooks:AzureMonitor:Tokens:0"] = AzureMonitorToken;
        s["Webhooks:sentinel:Tokens:0"] = SentinelToken;
        s["Webhooks:generic:Secrets:0"] = GenericOldSecret;
        s["Webhooks:generic:Secrets:1"] = GenericSecret;
        s["Webhooks:MaxBodyBytes"] = MaxBodyBytes.ToString(CultureInfo.InvariantCulture);
        settings?.Invoke(s);
        Factory.Clock.SetUtcNow(Now);
    }

    public BreachNotifyFactory Factory { get; }

    public HttpClient Anonymous => Factory.ClientFor(null);

    public T Service<T>() where T : notnull => Factory.Services.GetRequiredService<T>();

    public void Dispose() => Factory.Dispose();

    public static string Hmac(string secret, string text) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(text)));

    /// <summary>A delivery signed as <paramref name="source"/> signs it, with its usual credential unless another is given.</summary>
    public HttpRequestMessage Signed(string source, string body, string? credential = null, long? unixTime = null, string? githubEvent = "secret_scanning_alert", string? githubDelivery = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/" + source) { Content = JsonContent(body) };
        var ts = (unixTime ?? Factory.Clock.GetUtcNow().ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        var h = request.Headers;
        switch (source)
        {
            case "pagerduty":
                h.Add("X-PagerDuty-Signature", "v1=" + Hmac(credential ?? PagerDutySecret, body));
                break;
            case "github":
                h.Add("X-Hub-Signature-256", "sha256=" + Hmac(credential ?? GitHubSecret, body));
                if (githubEvent is not null) h.Add("X-GitHub-Event", githubEvent);
                h.Add("X-GitHub-Delivery", githubDelivery ?? "72d3162e-cc78-11e3-81ab-4c9367dc0958");
                break;
            case "grafana":
                h.Add("X-Grafana-Alerting-Signature", Hmac(credential ?? GrafanaSecret, ts + ":" + body));
                h.Add("X-Grafana-Alerting-Signature-Timestamp", ts);
                break;
            case "generic":
                h.Add("X-BreachNotify-Timestamp", ts);
                h.Add("X-BreachNotify-Signature", "v1=" + Hmac(credential ?? GenericSecret, ts + "." + body));
                break;
            case "alertmanager":
                h.Authorization = new AuthenticationHeaderValue("Bearer", credential ?? AlertmanagerToken);
                break;
            case "azure-monitor":
                h.Authorization = new AuthenticationHeaderValue("Bearer", credential ?? AzureMonitorToken);
                break;
            case "sentinel":
                h.Authorization = new AuthenticationHeaderValue("Bearer", credential ?? SentinelToken);
                break;
            default:
                h.Add("X-BreachNotify-Timestamp", ts);
                h.Add("X-BreachNotify-Signature", "v1=" + Hmac(credential ?? GenericSecret, ts + "." + body));
                break;
        }
        return request;
    }

    public static StringContent JsonContent(string body)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>Sends, expects 202, and waits until the background mapping is done.</summary>
    public async Task<JsonElement> DeliverAsync(HttpRequestMessage request)
    {
        var body = await Body(await Anonymous.SendAsync(request), HttpStatusCode.Accepted);
        await IdleAsync();
        return body;
    }

    public Task IdleAsync() => Service<WebhookAlertProcessor>().WhenIdleAsync(TimeSpan.FromSeconds(20));

    public Task<MonitorLink?> LinkAsync(string source, string externalKey) => Service<MonitorIncidentMapper>().FindLinkAsync(source, externalKey);

    public async Task<JsonElement> IncidentAsync(string source, string externalKey)
    {
        var link = await LinkAsync(source, externalKey) ?? throw new Xunit.Sdk.XunitException($"No incident linked to {source} {externalKey}");
        return await Body(await Factory.Dpo().GetAsync("/api/incidents/" + link.IncidentId), HttpStatusCode.OK);
    }

    public async Task<int> CountIncidentsAsync()
        => (await Body(await Factory.Viewer().GetAsync("/api/incidents?pageSize=200"), HttpStatusCode.OK)).GetProperty("items").GetArrayLength();

    public async Task<JsonElement> DeliveriesAsync(string query = "")
        => await Body(await Factory.Dpo().GetAsync("/api/webhooks/deliveries" + query), HttpStatusCode.OK);

    public static IEnumerable<JsonElement> Entries(JsonElement incident, string action)
        => incident.GetProperty("timeline").EnumerateArray().Where(e => e.GetProperty("action").GetString() == action);

    /// <summary>The monitorStatus change of each monitor-update entry, in order ("-" when the entry changes none).</summary>
    public static IReadOnlyList<string> MonitorStatuses(JsonElement incident)
        => Entries(incident, "monitor-update")
            .Select(e => e.GetProperty("changes").EnumerateArray()
                .Where(c => c.GetProperty("field").GetString() == "monitorStatus")
                .Select(c => $"{Text(c, "oldValue")}>{Text(c, "newValue")}")
                .FirstOrDefault() ?? "-")
            .ToList();

    private static string Text(JsonElement e, string name)
        => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
}
