using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BreachNotify.Application.Common;

namespace BreachNotify.Adapters.SendGrid;

/// <summary>One Event Webhook event
/// (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event).</summary>
/// <param name="EventId"><c>sg_event_id</c>: the dedupe key (SendGrid may post an event more than once).</param>
/// <param name="Event">processed, dropped, delivered, deferred, bounce, open, click, spamreport, unsubscribe, …</param>
/// <param name="SgMessageId"><c>sg_message_id</c>; starts with the send's <c>X-Message-Id</c>.</param>
/// <param name="Email">Personal data: do not log.</param>
/// <param name="Reason"><c>reason</c> (bounce, dropped) or else <c>response</c> (deferred, delivered). SMTP text may contain
/// addresses: do not log.</param>
/// <param name="BounceType">The bounce event's <c>type</c>: <c>bounce</c> or <c>blocked</c>.</param>
/// <param name="CustomArgs">Top-level string properties that are not SendGrid's own fields (our <c>custom_args</c>).</param>
public sealed record SendGridEvent(
    string EventId,
    string Event,
    DateTimeOffset Timestamp,
    string? SgMessageId,
    string? Email,
    string? Reason,
    string? BounceType,
    IReadOnlyDictionary<string, string> CustomArgs);

/// <summary>Parses the Event Webhook's JSON array. Entries that are not objects or lack <c>event</c>/<c>timestamp</c>
/// are skipped; an entry without <c>sg_event_id</c> gets a deterministic id (<c>sha256:</c> + hash of its JSON).</summary>
public static class SendGridEventParser
{
    // SendGrid's own event fields; everything else that is a top-level string is a custom arg.
    private static readonly FrozenSet<string> KnownFields = new[]
    {
        "email", "timestamp", "event", "sg_event_id", "sg_message_id", "smtp-id", "category", "reason", "status",
        "response", "attempt", "type", "bounce_classification", "useragent", "ip", "url", "url_offset", "tls",
        "cert_err", "asm_group_id", "sg_machine_open", "sg_content_type", "sg_template_id", "sg_template_name",
        "marketing_campaign_id", "marketing_campaign_name", "marketing_campaign_version", "marketing_campaign_split_id",
        "post_type", "send_at", "singlesend_id", "singlesend_name", "mc_stats", "phase_id", "pool", "template_id",
        "template_version_id", "template_hash", "unique_args", "newsletter", "sg_user_id", "sg_scheduled_time",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <exception cref="FormatException">The body is not a JSON array.</exception>
    public static IReadOnlyList<SendGridEvent> Parse(ReadOnlySpan<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new FormatException("The SendGrid event payload is not valid JSON.", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("The SendGrid event payload is not a JSON array.");
            }

            if (StrictJson.FindProblem(document.RootElement) is { } problem)
            {
                throw new FormatException($"The SendGrid event payload at {problem.Field}: {problem.Message}");
            }

            var events = new List<SendGridEvent>(document.RootElement.GetArrayLength());
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (TryParseEvent(element, out var parsed))
                {
                    events.Add(parsed);
                }
            }

            return events;
        }
    }

    /// <inheritdoc cref="Parse(ReadOnlySpan{byte})"/>
    public static IReadOnlyList<SendGridEvent> Parse(string json) => Parse(Encoding.UTF8.GetBytes(json ?? string.Empty));

    private static bool TryParseEvent(JsonElement element, out SendGridEvent parsed)
    {
        parsed = null!;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var eventName = GetString(element, "event");
        if (string.IsNullOrEmpty(eventName) || !TryGetTimestamp(element, out var timestamp))
        {
            return false;
        }

        var eventId = GetString(element, "sg_event_id");
        if (string.IsNullOrEmpty(eventId))
        {
            eventId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(element.GetRawText())));
        }

        var customArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String && !KnownFields.Contains(property.Name))
            {
                customArgs[property.Name] = property.Value.GetString()!;
            }
        }

        parsed = new SendGridEvent(
            eventId,
            eventName,
            timestamp,
            GetString(element, "sg_message_id"),
            GetString(element, "email"),
            GetString(element, "reason") ?? GetString(element, "response"),
            eventName == "bounce" ? GetString(element, "type") : null,
            customArgs);
        return true;
    }

    private static bool TryGetTimestamp(JsonElement element, out DateTimeOffset timestamp)
    {
        timestamp = default;
        if (!element.TryGetProperty("timestamp", out var value))
        {
            return false;
        }

        long seconds;
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (!value.TryGetInt64(out seconds))
            {
                if (!value.TryGetDouble(out var fractional))
                {
                    return false;
                }

                seconds = (long)Math.Floor(fractional);
            }
        }
        else if (value.ValueKind != JsonValueKind.String ||
                 !long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out seconds))
        {
            return false;
        }

        if (seconds < 0 || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        timestamp = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
