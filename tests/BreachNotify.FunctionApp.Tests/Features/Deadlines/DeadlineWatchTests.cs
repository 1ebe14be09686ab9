using BreachNotify.Application.Deadlines;
using BreachNotify.Application.Email;
using BreachNotify.Domain.Deadlines;
using BreachNotify.Domain.Incidents;
using BreachNotify.Tests.Shared;

namespace BreachNotify.FunctionApp.Tests.Features.Deadlines;

public sealed class DeadlineWatchTests : IDisposable
{
    private static readonly DateTimeOffset AwareAt = new(2026, 3, 27, 9, 15, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = AwareAt + TimeSpan.FromHours(72);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bn-watch-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(AwareAt.AddMinutes(10));
    private readonly RecordingEmailSender _email = new();
    private readonly List<WatchHarness> _harnesses = [];

    private string Db => Path.Combine(_dir, "watch.db");

    private WatchHarness Harness(Action<DeadlineOptions>? configure = null, string? dashboardUrl = null)
    {
        var h = new WatchHarness(Db, _clock, _email, configure, dashboardUrl);
        _harnesses.Add(h);
        return h;
    }

    public void Dispose()
    {
        foreach (var h in _harnesses) h.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private IEnumerable<string> Subjects => _email.Sent.Select(m => m.Subject);

    [Fact]
    public async Task Each_threshold_is_sent_once_then_the_escalation()
    {
        var h = Harness();
        var id = await h.ConfirmedAsync(AwareAt);
        var sweeps = 0;
        // A sweep every 5 minutes from awareness until 3 hours after the deadline.
        for (var now = AwareAt.AddMinutes(10); now <= Due + TimeSpan.FromHours(3); now += TimeSpan.FromMinutes(5))
        {
            _clock.SetUtcNow(now);
            await h.Watch.SweepAsync(isPastDue: false);
            sweeps++;
        }
        Assert.True(sweeps > 800);
        var subjects = Subjects.ToList();
        Assert.Equal(6, subjects.Count);
        Assert.StartsWith("[BreachNotify] 48h left: notify the supervisory authority (gdpr)", subjects[0]);
        Assert.StartsWith("[BreachNotify] 1h left", subjects[4]);
        Assert.StartsWith("[BreachNotify] OVERDUE", subjects[5]);
        // Reminders go to the owner and the DPO; the escalation also to the escalation list (deduplicated).
        Assert.Equal(["owner@example.com", "dpo@example.com"], _email.Sent.First().Recipients.Select(r => r.To.Address).ToArray());
        Assert.Equal(["owner@example.com", "dpo@example.com", "ciso@example.com"], _email.Sent.Last().Recipients.Select(r => r.To.Address).ToArray());
        Assert.All(_email.Sent, m => Assert.Equal(id, m.CustomArgs!["incidentId"]));

        var timeline = await h.Incidents.GetTimelineAsync(id);
        Assert.Equal(5, timeline.Count(e => e.Action == "deadline-reminder"));
        Assert.Single(timeline, e => e.Action == "deadline-escalated");
        var ledger = await h.Ledger.ListAsync(id);
        Assert.Equal(6, ledger.Count);
        Assert.All(ledger, e => Assert.Equal(ReminderLedger.Sent, e.GetString("Status")));
    }

    [Fact]
    public async Task Threshold_boundary_instants()
    {
        var h = Harness();
        await h.ConfirmedAsync(AwareAt);
        _clock.SetUtcNow(Due - TimeSpan.FromHours(48) - TimeSpan.FromTicks(1));
        Assert.Equal(0, (await h.Watch.SweepAsync(false)).Sent);
        _clock.SetUtcNow(Due - TimeSpan.FromHours(48));
        Assert.Equal(1, (await h.Watch.SweepAsync(false)).Reminders);
        _clock.SetUtcNow(Due);
        var atDue = await h.Watch.SweepAsync(false);
        Assert.Equal((1, 0), (atDue.Reminders, atDue.Escalations)); // the 1 h reminder; not overdue at the due instant
        _clock.SetUtcNow(Due + TimeSpan.FromTicks(1));
        Assert.Equal(1, (await h.Watch.SweepAsync(false)).Escalations);
    }

    [Fact]
    public async Task Two_concurrent_sweeps_send_each_reminder_once()
    {
        var a = Harness();
        var b = Harness();
        var ids = new List<string>();
        for (var n = 0; n < 20; n++) ids.Add(await a.ConfirmedAsync(AwareAt.AddMinutes(-n)));
        foreach (var now in new[] { Due - TimeSpan.FromHours(47), Due - TimeSpan.FromHours(23), Due + TimeSpan.FromHours(1) })
        {
            _clock.SetUtcNow(now);
            var results = await Task.WhenAll(Task.Run(() => a.Watch.SweepAsync(false)), Task.Run(() => b.Watch.SweepAsync(true)));
            Assert.Equal(20, results.Sum(r => r.Sent));
            Assert.All(results, r => Assert.Equal(0, r.Failed));
        }
        Assert.Equal(60, _email.Sent.Count);
        Assert.Equal(60, _email.Sent.Select(m => m.MessageKey).Distinct().Count());
        foreach (var id in ids)
        {
            var timeline = await a.Incidents.GetTimelineAsync(id);
            Assert.Equal(2, timeline.Count(e => e.Action == "deadline-reminder"));
            Assert.Single(timeline, e => e.Action == "deadline-escalated");
        }
    }

    [Fact]
    public async Task A_late_timer_sends_only_the_most_urgent_reminder()
    {
        var h = Harness();
        var id = await h.ConfirmedAsync(AwareAt);
        // The timer was down until 2 hours before the deadline: 48h, 24h, 12h and 6h were all due; only 6h is sent.
        _clock.SetUtcNow(Due - TimeSpan.FromHours(2));
        var r = await h.Watch.SweepAsync(isPastDue: true);
        Assert.Equal((1, 3), (r.Reminders, r.Skipped));
        Assert.StartsWith("[BreachNotify] 6h left", Assert.Single(Subjects));
        var ledger = await h.Ledger.ListAsync(id);
        Assert.Equal(3, ledger.Count(e => e.GetString("Status") == ReminderLedger.Skipped));
        // A retried run of the same late invocation sends nothing more.
        Assert.Equal(0, (await h.Watch.SweepAsync(isPastDue: true)).Sent);
        var stored = await h.Incidents.GetAsync(id);
        Assert.Equal(3, Assert.Single(stored.Incident.State.Reminders).Skipped.Count);
    }

    [Fact]
    public async Task A_confirmed_and_notified_incident_gets_no_more_reminders()
    {
        var h = Harness();
        var id = await h.ConfirmedAsync(AwareAt);
        _clock.SetUtcNow(Due - TimeSpan.FromHours(47));
        Assert.Equal(1, (await h.Watch.SweepAsync(false)).Sent);
        await h.Incidents.ChangeAsync(id, null, (i, now) =>
        {
            h.Deadlines.MarkNoticeSent(i, RecipientKind.Authority, now, "AP-2026-0042", new Actor("dana", "dpo"), now);
            i.RecordNoticeGiven(RecipientKind.Authority, now, "AP-2026-0042", new Actor("dana", "dpo"), now);
        });
        for (var now = Due - TimeSpan.FromHours(47); now <= Due + TimeSpan.FromHours(24); now += TimeSpan.FromHours(1))
        {
            _clock.SetUtcNow(now);
            Assert.Equal(0, (await h.Watch.SweepAsync(false)).Sent);
        }
        Assert.Single(_email.Sent);
        var d = h.Deadlines.Compute((await h.Incidents.GetAsync(id)).Incident.State, _clock.GetUtcNow());
        Assert.Equal(DeadlineStatus.Met, d.Single(x => x.Obligation == "notify-authority").Status);
    }

    [Fact]
    public async Task A_suspected_incident_unconfirmed_for_a_day_gets_a_reminder()
    {
        var h = Harness();
        var r = await h.Incidents.CreateAsync(new IncidentDraft { Title = "Odd logins", DetectedAt = AwareAt }, null, new Actor("sam", "reporter"), null, "");
        _clock.SetUtcNow(AwareAt + TimeSpan.FromHours(24) - TimeSpan.FromTicks(1));
        Assert.Equal(0, (await h.Watch.SweepAsync(false)).Sent);
        _clock.SetUtcNow(AwareAt + TimeSpan.FromHours(24));
        Assert.Equal(1, (await h.Watch.SweepAsync(false)).Unconfirmed);
        _clock.Advance(TimeSpan.FromHours(30));
        Assert.Equal(0, (await h.Watch.SweepAsync(false)).Sent);
        var m = Assert.Single(_email.Sent);
        Assert.Contains("still unconfirmed", m.Subject);
        Assert.Equal(["dpo@example.com"], m.Recipients.Select(x => x.To.Address).ToArray()); // no owner given
        Assert.Single(await h.Incidents.GetTimelineAsync(r.Stored.Incident.Id), e => e.Action == "unconfirmed-reminder");
    }

    [Fact]
    public async Task A_failed_send_releases_the_claim_and_the_next_sweep_retries()
    {
        var h = Harness();
        var id = await h.ConfirmedAsync(AwareAt);
        _clock.SetUtcNow(Due - TimeSpan.FromHours(47));
        _email.FailWith = _ => new EmailTransientException("503", 503, null);
        var failed = await h.Watch.SweepAsync(false);
        Assert.Equal((0, 1), (failed.Sent, failed.Failed));
        Assert.Empty(await h.Ledger.ListAsync(id));
        _email.FailWith = _ => null;
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, (await h.Watch.SweepAsync(false)).Sent);
    }

    [Fact]
    public async Task A_stale_claim_is_taken_over_after_the_lease_but_a_fresh_one_is_not()
    {
        var h = Harness();
        var id = await h.ConfirmedAsync(AwareAt);
        _clock.SetUtcNow(Due - TimeSpan.FromHours(47));
        var state = (await h.Incidents.GetAsync(id)).Incident.State;
        var planned = Assert.Single(ReminderPlanner.Plan(state, h.Deadlines.Compute(state, _clock.GetUtcNow()), h.Deadlines.ReminderPolicy, _clock.GetUtcNow()));
        // Another sender claimed it and died before sending.
        Assert.NotNull(await h.Ledger.TryClaimAsync(id, planned.Key, _clock.GetUtcNow(), TimeSpan.FromMinutes(10)));
        Assert.Equal(1, (await h.Watch.SweepAsync(false)).AlreadyClaimed);
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(1, (await h.Watch.SweepAsync(false)).Sent);
        Assert.Single(_email.Sent);
    }

    [Fact]
    public async Task Reminder_mail_names_the_deadline_in_utc_and_local_time_and_nothing_personal()
    {
        var h = Harness();
        await h.ConfirmedAsync(AwareAt);
        _clock.SetUtcNow(Due - TimeSpan.FromHours(23));
        await h.Watch.SweepAsync(false);
        var m = Assert.Single(_email.Sent);
        Assert.Contains("Due: 2026-03-30 09:15 UTC (2026-03-30 11:15 +02:00 Europe/Amsterdam)", m.TextBody);
        Assert.Contains("Outer legal bound (Reg 1182/71): 2026-03-30 10:00 UTC", m.TextBody);
        Assert.Contains("CRM export on a public share", m.TextBody);
        Assert.DoesNotContain("owner@example.com", m.TextBody);
        Assert.Contains("2026-03-30 09:15 UTC", m.HtmlBody);
        Assert.Equal("breachnotify@example.invalid", m.From.Address);
    }

    [Fact]
    public async Task Reminders_link_to_the_incident_page_and_the_log_says_what_was_sent()
    {
        var h = Harness(dashboardUrl: "https://breaches.example.org/api/ui");
        var suspected = (await h.Incidents.CreateAsync(new IncidentDraft { Title = "Odd logins", DetectedAt = AwareAt }, null, new Actor("sam", "reporter"), null, "")).Stored.Incident.Id;
        var confirmed = await h.ConfirmedAsync(AwareAt);
        _clock.SetUtcNow(Due - TimeSpan.FromHours(23));
        var swept = await h.Watch.SweepAsync(false);
        Assert.Equal((1, 1), (swept.Reminders, swept.Unconfirmed));

        foreach (var (id, m) in new[] { (suspected, _email.Sent.Single(m => m.Subject.Contains("unconfirmed", StringComparison.Ordinal))),
                                        (confirmed, _email.Sent.Single(m => m.Subject.Contains("left", StringComparison.Ordinal))) })
        {
            Assert.Contains($"Open the incident in BreachNotify: https://breaches.example.org/api/ui/#/incident/{id}", m.TextBody);
            Assert.Contains($"href=\"https://breaches.example.org/api/ui/#/incident/{id}\"", m.HtmlBody);
            Assert.DoesNotContain("/api/incidents", m.TextBody);
        }
        var lines = h.Log.Collector.GetSnapshot().Select(r => r.Message).ToList();
        Assert.Contains($"Reminder that the suspected incident is still unconfirmed after 24h for incident {suspected}: e-mailed to 1 recipients", lines);
        Assert.Contains($"Reminder of the deadline gdpr/notify-authority, 24h or less left for incident {confirmed}: e-mailed to 2 recipients", lines);
        Assert.DoesNotContain(lines, l => l.Contains("(/)", StringComparison.Ordinal) || l.Contains("Deadline Unconfirmed", StringComparison.Ordinal));
    }
}
