using System.Net;
using System.Text;
using System.Text.Json;
using BreachNotify.Application.Configuration;
using BreachNotify.Application.Deadlines;
using BreachNotify.FunctionApp.Tests.Deployment;
using BreachNotify.FunctionApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static BreachNotify.FunctionApp.Tests.Infrastructure.HttpAssert;

namespace BreachNotify.FunctionApp.Tests.Configuration;

/// <summary>
/// The shipped local.settings.sample.json, run as the app reads it: every deadline and reminder it implies is the one
/// README and docs/deadlines.md describe (a processor tells its controller 24 hours after awareness, "due-soon" from
/// 24 hours before a deadline, reminders at 48/24/12/6/1 hours left, a suspected incident reminded after 24 hours).
/// Only what must be private to a test run is overridden: the data folder, the outbox folder, the API keys, the
/// self-driven timers and queue worker.
/// </summary>
public sealed class SampleSettingsTests : IDisposable
{
    private static readonly string SamplePath = Path.Combine(RepoPaths.Root, "local.settings.sample.json");

    private readonly BreachNotifyFactory _factory = new();
    private readonly string _outbox;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private string? _lastMail;

    public SampleSettingsTests()
    {
        _outbox = Path.Combine(_factory.DataDirectory, "outbox");
        foreach (var (key, value) in SampleValues())
        {
            if (!key.StartsWith("Auth:", StringComparison.Ordinal)) _factory.Settings[key] = value;
        }
        _factory.Settings["Storage:Sqlite:Path"] = Path.Combine(_factory.DataDirectory, "test.db");
        _factory.Settings["Email:Outbox:Directory"] = _outbox;
        _factory.Settings["Standalone:RunTimers"] = "false";
        _factory.Settings["Queue:Embedded:RunWorker"] = "false";
    }

    public void Dispose() => _factory.Dispose();

    /// <summary>The sample's "Values" with configuration keys (':' for '__'), as LocalSettings and the Functions host read them.</summary>
    private static Dictionary<string, string?> SampleValues()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SamplePath));
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in doc.RootElement.GetProperty("Values").EnumerateObject())
            values[p.Name.Replace("__", ":", StringComparison.Ordinal)] = p.Value.GetString();
        return values;
    }

    private DateTimeOffset Now => _factory.Clock.GetUtcNow();

    private async Task<string> CreateAsync(string json)
        => (await Body(await _factory.Dpo().PostJson("/api/incidents", json), HttpStatusCode.Created)).GetProperty("id").GetString()!;

    private async Task<JsonElement> DeadlineAsync(string id, string obligation)
    {
        var body = await Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);
        return body.GetProperty("deadlines").EnumerateArray().Single(d => d.GetProperty("regime").GetString() == "gdpr" && d.GetProperty("obligation").GetString() == obligation);
    }

    private static DateTimeOffset Instant(JsonElement e, string name) => e.GetProperty(name).GetDateTimeOffset();

    /// <summary>Runs one deadline sweep at <paramref name="at"/>; returns the subjects of the reminders it mailed (new outbox files).</summary>
    private async Task<List<string>> SweepAsync(DateTimeOffset at)
    {
        _factory.Clock.SetUtcNow(at);
        await _factory.Services.GetRequiredService<DeadlineWatch>().SweepAsync(isPastDue: false);
        var subjects = new List<string>();
        if (!Directory.Exists(_outbox)) return subjects;
        foreach (var file in Directory.GetFiles(_outbox, "*.eml").Order(StringComparer.Ordinal))
        {
            if (!_seen.Add(file)) continue;
            _lastMail = file;
            subjects.Add(MimeKit.MimeMessage.Load(file).Subject ?? "");
        }
        return subjects.Distinct().ToList(); // one copy per recipient
    }

    [Fact]
    public void Sample_has_no_duplicate_keys()
    {
        var duplicates = new List<string>();
        var reader = new Utf8JsonReader(File.ReadAllBytes(SamplePath), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var scopes = new Stack<HashSet<string>>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject: scopes.Push(new HashSet<string>(StringComparer.OrdinalIgnoreCase)); break; // configuration keys ignore case
                case JsonTokenType.EndObject: scopes.Pop(); break;
                case JsonTokenType.PropertyName:
                    // Storage__Provider and Storage:Provider are one setting, as for the Functions host and LocalSettings.
                    var name = reader.GetString()!;
                    if (!scopes.Peek().Add(name.Replace("__", ":", StringComparison.Ordinal))) duplicates.Add(name);
                    break;
            }
        }
        Assert.True(duplicates.Count == 0, "local.settings.sample.json repeats: " + string.Join(", ", duplicates));
    }

    [Fact]
    public void Every_duration_in_the_sample_is_unambiguous_and_binds_as_written()
    {
        var durationKeys = SettingsCatalogTests.OptionsSettings().Where(s => s.Type == typeof(TimeSpan)).Select(s => s.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var durations = SampleValues().Where(kv => durationKeys.Contains(System.Text.RegularExpressions.Regex.Replace(kv.Key, @":[0-9]+(?=:|$)", ":{n}"))).ToList();
        Assert.True(durations.Count >= 15, $"expected the sample's durations, found {durations.Count}");
        foreach (var (key, value) in durations)
        {
            Assert.True(DurationText.TryParse(value, out var span, out var problem), $"{key}: {problem}");
            Assert.True(span > TimeSpan.Zero && span <= TimeSpan.FromDays(3), $"{key} = {value} reads as {span}: nothing in the sample is meant to last days.");
        }

        var o = _factory.Services.GetRequiredService<IOptions<DeadlineOptions>>().Value;
        Assert.Equal(TimeSpan.FromHours(24), o.DueSoon);
        Assert.Equal(TimeSpan.FromHours(24), o.ProcessorNotifyController);
        Assert.Equal(TimeSpan.FromHours(24), o.SuspectedReminderAfter);
        Assert.Equal(TimeSpan.FromMinutes(10), o.ClaimLease);
        Assert.Equal([48, 24, 12, 6, 1], o.EffectiveThresholds.Select(t => t.TotalHours).ToArray());
    }

    [Fact]
    public async Task A_processor_tells_its_controller_24_hours_after_awareness()
    {
        var aware = Now.AddHours(-1);
        var id = await CreateAsync($$"""{"title":"Backup bucket readable","awareAt":"{{aware:O}}","role":"processor","controllerCustomer":"Acme BV","owner":"owner@example.com"}""");
        var d = await DeadlineAsync(id, "notify-controller");
        Assert.Equal(aware.AddHours(24), Instant(d, "dueAt"));
        Assert.Equal("due-soon", d.GetProperty("status").GetString()); // 23 h left, within the 24 h due-soon window

        // The first sweep finds the 48 h and 24 h thresholds reached: it sends the more urgent one.
        Assert.Equal([$"[BreachNotify] 24h left: tell the controller-customer (gdpr) for incident {id}"], await SweepAsync(Now));
        Assert.Equal([$"[BreachNotify] 12h left: tell the controller-customer (gdpr) for incident {id}"], await SweepAsync(aware.AddHours(12)));
        Assert.Equal([$"[BreachNotify] 1h left: tell the controller-customer (gdpr) for incident {id}"], await SweepAsync(aware.AddHours(24))); // 6h passed over
        Assert.Empty(await SweepAsync(aware.AddHours(24)));
        Assert.Equal([$"[BreachNotify] OVERDUE: tell the controller-customer (gdpr) for incident {id}"], await SweepAsync(aware.AddHours(24).AddTicks(1)));
    }

    [Fact]
    public async Task The_authority_deadline_is_due_soon_from_24_hours_before_and_reminded_at_each_threshold()
    {
        var aware = Now;
        var id = await CreateAsync($$"""{"title":"CRM export on a public share","awareAt":"{{aware:O}}","owner":"owner@example.com"}""");
        var due = aware.AddHours(72);
        var d = await DeadlineAsync(id, "notify-authority");
        Assert.Equal(due, Instant(d, "dueAt"));
        Assert.Equal("pending", d.GetProperty("status").GetString()); // 72 h left

        // The clock only moves forward (FakeTimeProvider): statuses are read on the way.
        Assert.Empty(await SweepAsync(due.AddHours(-48).AddTicks(-1)));
        foreach (var left in new[] { 48, 24, 12, 6, 1 })
        {
            Assert.Empty(await SweepAsync(due.AddHours(-left).AddTicks(-1)));
            if (left == 24) Assert.Equal("pending", (await DeadlineAsync(id, "notify-authority")).GetProperty("status").GetString());
            Assert.Equal([$"[BreachNotify] {left}h left: notify the supervisory authority (gdpr) for incident {id}"], await SweepAsync(due.AddHours(-left)));
            if (left == 24) Assert.Equal("due-soon", (await DeadlineAsync(id, "notify-authority")).GetProperty("status").GetString());
        }
        Assert.Empty(await SweepAsync(due));
        Assert.Equal([$"[BreachNotify] OVERDUE: notify the supervisory authority (gdpr) for incident {id}"], await SweepAsync(due.AddTicks(1)));

        var body = await Body(await _factory.Viewer().GetAsync($"/api/incidents/{id}"), HttpStatusCode.OK);
        var thresholds = body.GetProperty("timeline").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "deadline-reminder")
            .Select(e => e.GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("field").GetString() == "threshold").GetProperty("newValue").GetString()).ToList();
        Assert.Equal(["48h", "24h", "12h", "6h", "1h"], thresholds);
    }

    [Fact]
    public async Task A_suspected_incident_is_reminded_24_hours_after_detection()
    {
        var detected = Now;
        var id = await CreateAsync($$"""{"title":"Odd logins on the HR portal","detectedAt":"{{detected:O}}"}""");
        Assert.Empty(await SweepAsync(detected.AddHours(24).AddTicks(-1)));
        Assert.Equal([$"[BreachNotify] Suspected incident {id} still unconfirmed"], await SweepAsync(detected.AddHours(24)));
        var text = MimeKit.MimeMessage.Load(_lastMail!).TextBody;
        Assert.Contains("suspected for more than 24 h 0 min", text, StringComparison.Ordinal);
    }
}
