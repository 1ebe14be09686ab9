using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BreachNotify.Application.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

using BreachNotify.Tests.Shared;

namespace BreachNotify.Application.Tests.Webhooks;

internal static class WebhookTestSupport
{
    public static readonly DateTimeOffset Now = new(2026, 5, 20, 14, 0, 0, TimeSpan.Zero);
    public static long NowUnix => Now.ToUnixTimeSeconds();

    public static WebhookSource Source(
        string name, WebhookOptions options, TimeProvider? time = null, ILogger<WebhookSourceRegistry>? logger = null)
    {
        var registry = new WebhookSourceRegistry(
            new StaticOptionsMonitor(options),
            time ?? new FakeTimeProvider(Now),
            logger ?? NullLogger<WebhookSourceRegistry>.Instance);
        Assert.True(registry.TryGet(name, out var source));
        return source;
    }

    public static WebhookOptions Options(string source, WebhookSourceOptions settings) =>
        new() { Sources = { [source] = settings } };

    public static string HmacHex(string secret, string signedPrefix, byte[] body)
    {
        var data = Encoding.ASCII.GetBytes(signedPrefix).Concat(body).ToArray();
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data));
    }

    public static Func<string, string?> Headers(params (string Name, string Value)[] headers) =>
        WebhookHeaders.From(headers.Select(h => KeyValuePair.Create(h.Name, h.Value)));

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The JSON with the property at <paramref name="path"/> ("a.b", "alerts[1].fingerprint") removed.</summary>
    public static string Without(string json, string path)
    {
        var root = JsonNode.Parse(json)!;
        var segments = path.Split('.');
        var node = root;
        foreach (var segment in segments[..^1])
        {
            node = Step(node, segment);
        }

        var last = segments[^1];
        Assert.True(node.AsObject().Remove(last), $"fixture has no {path}");
        return root.ToJsonString();
    }

    /// <summary>The JSON with the property at <paramref name="path"/> set to a string value.</summary>
    public static string With(string json, string path, string value)
    {
        var root = JsonNode.Parse(json)!;
        var segments = path.Split('.');
        var node = root;
        foreach (var segment in segments[..^1])
        {
            node = Step(node, segment);
        }

        node.AsObject()[segments[^1]] = value;
        return root.ToJsonString();
    }

    private static JsonNode Step(JsonNode node, string segment)
    {
        var bracket = segment.IndexOf('[', StringComparison.Ordinal);
        if (bracket < 0)
        {
            return node[segment]!;
        }

        var index = int.Parse(segment[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
        return node[segment[..bracket]]![index]!;
    }

    private sealed class StaticOptionsMonitor(WebhookOptions value) : IOptionsMonitor<WebhookOptions>
    {
        public WebhookOptions CurrentValue => value;
        public WebhookOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<WebhookOptions, string?> listener) => null;
    }
}

/// <summary>Keeps every formatted log line, to show that no payload value reaches the log.</summary>
internal sealed class CapturingLogger : ILogger<WebhookSourceRegistry>
{
    public List<string> Lines { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Add(formatter(state, exception));
}
