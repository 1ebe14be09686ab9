using System.Collections.Concurrent;
using BreachNotify.Adapters.Sqlite;
using BreachNotify.Application.Deadlines;
using BreachNotify.Application.Email;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Organisation;
using BreachNotify.Domain.Incidents;
using BreachNotify.Tests.Shared;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Tests.Features.Deadlines;

/// <summary>Records every message; can be told to fail. Thread-safe (concurrent sweeps share one).</summary>
public sealed class RecordingEmailSender : IEmailSender
{
    public ConcurrentQueue<EmailMessage> Sent { get; } = new();
    public Func<EmailMessage, Exception?> FailWith { get; set; } = _ => null;

    public async Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        await Task.Yield(); // let overlapping sweeps interleave
        if (FailWith(message) is { } ex) throw ex;
        Sent.Enqueue(message);
        return new EmailSendResult(message.MessageKey, DateTimeOffset.UnixEpoch);
    }
}

/// <summary>
/// The deadline watch on the real embedded store (one SQLite file). Each harness is like one process: its own store
/// instance and services; two harnesses on the same file are two overlapping sweeps.
/// </summary>
public sealed class WatchHarness : IDisposable
{
    public WatchHarness(string databasePath, FakeTimeProvider clock, RecordingEmailSender email, Action<DeadlineOptions>? configure = null, string? dashboardUrl = null)
    {
        Clock = clock;
        Email = email;
        Store = new SqliteTableStore(databasePath, clock);
        Repository = new IncidentRepository(Store);
        Incidents = new IncidentService(Repository, Store, clock, Options.Create(new IncidentOptions()), NullLogger<IncidentService>.Instance);
        var options = new DeadlineOptions();
        configure?.Invoke(options);
        var org = Options.Create(new OrganisationOptions { Dpo = new DpoOptions { Email = "dpo@example.com" } });
        if (dashboardUrl is not null) org.Value.DashboardUrl = dashboardUrl;
        Deadlines = new DeadlineService(Options.Create(options), org);
        Ledger = new ReminderLedger(Store);
        Watch = new DeadlineWatch(Repository, Incidents, Deadlines, Ledger, email, Options.Create(options),
            Options.Create(new EscalationOptions { Recipients = ["ciso@example.com", "dpo@example.com"] }), org,
            Options.Create(new EmailOptions()), clock, BreachNotify.Application.Telemetry.BreachNotifyTelemetry.Detached(), Log);
        Incidents.InitializeAsync().GetAwaiter().GetResult();
        Ledger.InitializeAsync().GetAwaiter().GetResult();
    }

    /// <summary>What the watch logged.</summary>
    public Microsoft.Extensions.Logging.Testing.FakeLogger<DeadlineWatch> Log { get; } = new();

    public FakeTimeProvider Clock { get; }
    public RecordingEmailSender Email { get; }
    public SqliteTableStore Store { get; }
    public IncidentRepository Repository { get; }
    public IncidentService Incidents { get; }
    public DeadlineService Deadlines { get; }
    public ReminderLedger Ledger { get; }
    public DeadlineWatch Watch { get; }

    public async Task<string> ConfirmedAsync(DateTimeOffset awareAt, string? owner = "owner@example.com")
    {
        var r = await Incidents.CreateAsync(new IncidentDraft { Title = "CRM export on a public share", AwareAt = awareAt, Owner = owner }, null, new Actor("sam", "reporter"), null, "");
        return r.Stored.Incident.Id;
    }

    public void Dispose() => Store.Dispose();
}
