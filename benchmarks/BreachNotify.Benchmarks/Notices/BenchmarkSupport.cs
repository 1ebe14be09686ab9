using BreachNotify.Application.Organisation;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using BreachNotify.Adapters.EmbeddedQueue;
using BreachNotify.Adapters.Sqlite;
using BreachNotify.Application.Incidents;
using BreachNotify.Application.Notices;
using BreachNotify.Application.Notices.Authorities;
using BreachNotify.Application.Notices.Jobs;
using BreachNotify.Application.Notices.Recipients;
using BreachNotify.Application.Notices.Templates;
using BreachNotify.Application.Queue;
using BreachNotify.Application.Storage;
using BreachNotify.Domain.Incidents;
using BreachNotify.Domain.Risk;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BreachNotify.Benchmarks.Notices;

/// <summary>The application services wired by hand on a fresh SQLite file (or the given store), as the app wires them.</summary>
internal sealed class NoticeBench : IDisposable
{
    private readonly IDisposable? _owned;

    public NoticeBench(string directory, INoticeQueue? queue = null, int jobSize = 1000, int parallelism = 1, long expectedRecipients = 0, ITableStore? store = null)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        if (store is null)
        {
            var sqlite = new SqliteTableStore(Path.Combine(directory, "bench.db"), TimeProvider.System);
            _owned = sqlite;
            store = sqlite;
        }
        Store = store;
        Options = Microsoft.Extensions.Options.Options.Create(new NoticeOptions { JobSize = jobSize, ImportParallelism = parallelism });
        Organisation = new OrganisationOptions
        {
            Name = "Acme B.V.", Dpo = new DpoOptions { Name = "Dana Privacy", Email = "dpo@acme.example" },
            LeadAuthority = "NL", TimeZone = "Europe/Amsterdam", AuthorityNoticeEmail = "dpo@acme.example",
        };
        Repository = new IncidentRepository(Store);
        Incidents = new IncidentService(Repository, Store, TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new IncidentOptions()), NullLogger<IncidentService>.Instance);
        Clock = new StoredRowsClock(Store, "Recipients", expectedRecipients);
        Recipients = new RecipientRepository(Clock);
        NotificationRows = new NotificationRepository(Store);
        Jobs = new NoticeJobRepository(Store);
        Importer = new RecipientImporter(Recipients, Repository, TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new BreachNotify.Application.Notices.NoticeOptions()), NullLogger<RecipientImporter>.Instance);
        Content = new NoticeContentService(Incidents);
        Composer = new NoticeComposer(Organisation, SupervisoryAuthorityRegistry.Default, NoticeTemplateCatalog.Default);
        EmbeddedQueue = new StoreNoticeQueue(Store, new StoreQueueOptions(), TimeProvider.System);
        Obligations = new DeadlineNoticeObligations(new Application.Deadlines.DeadlineService(
            Microsoft.Extensions.Options.Options.Create(new Application.Deadlines.DeadlineOptions()), Microsoft.Extensions.Options.Options.Create(Organisation)));
        Notifications = new NotificationService(NotificationRows, Jobs, Incidents, Recipients, Content, Composer, Obligations, queue ?? EmbeddedQueue, Options,
            Microsoft.Extensions.Options.Options.Create(Organisation),
            TimeProvider.System, NullLogger<NotificationService>.Instance);
    }

    public string Directory { get; }
    public ITableStore Store { get; }
    public StoredRowsClock Clock { get; }
    public IOptions<NoticeOptions> Options { get; }
    public OrganisationOptions Organisation { get; }
    public IncidentRepository Repository { get; }
    public IncidentService Incidents { get; }
    public RecipientRepository Recipients { get; }
    public NotificationRepository NotificationRows { get; }
    public NoticeJobRepository Jobs { get; }
    public RecipientImporter Importer { get; }
    public NoticeContentService Content { get; }
    public NoticeComposer Composer { get; }
    public StoreNoticeQueue EmbeddedQueue { get; }
    public DeadlineNoticeObligations Obligations { get; }
    public NotificationService Notifications { get; }

    public static readonly Actor Dpo = new("bench", "dpo");

    public async Task InitializeAsync()
    {
        await Incidents.InitializeAsync();
        await Recipients.InitializeAsync();
        await Notifications.InitializeAsync();
        await EmbeddedQueue.InitializeAsync();
    }

    /// <summary>A confirmed incident with facts, a decision to tell the data subjects and notice texts in every language.</summary>
    public async Task<string> IncidentAsync()
    {
        var facts = new BreachFacts
        {
            BreachTypes = [BreachType.Confidentiality], DataCategories = [DataCategory.Contact, DataCategory.Identity], DataSubjects = 1_000_000,
            Protection = Protection.None, Exposure = Exposure.UnknownRecipients, Exfiltration = Exfiltration.Confirmed, MaliciousIntent = true,
        };
        var now = TimeProvider.System.GetUtcNow();
        var created = await Incidents.CreateAsync(new IncidentDraft { Title = "Benchmark breach", AwareAt = now.AddMinutes(-5) }, facts, Dpo, null, "bench");
        var id = created.Stored.Incident.Id;
        await Incidents.DecideAsync(id, true, true, false, "Benchmark", null, Dpo);
        foreach (var language in NoticeLanguages.All)
            await Content.SetAsync(id, language, new NoticeTexts("A database export was stolen.", "Phishing.", "Passwords reset.", "Be careful with e-mails asking for your password."), null, Dpo);
        return id;
    }

    /// <summary>Leave the database behind on dispose (a set-up child process hands it to the measuring process).</summary>
    public bool KeepDirectory { get; init; }

    public void Dispose()
    {
        _owned?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (KeepDirectory) return;
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }

    public static long PeakWorkingSetMiB() { using var p = Process.GetCurrentProcess(); p.Refresh(); return p.PeakWorkingSet64 / (1024 * 1024); }

    public static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>This benchmark program again (through <c>dotnet</c> when that is the host) with <c>name --n n extra…</c>.</summary>
    internal static ProcessStartInfo ChildStartInfo(string name, int n, string[] extra, bool captureOutput)
    {
        var self = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = captureOutput, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(typeof(NoticeBench).Assembly.Location);
        psi.ArgumentList.Add(name);
        psi.ArgumentList.Add("--n");
        psi.ArgumentList.Add(n.ToString(CultureInfo.InvariantCulture));
        foreach (var e in extra) psi.ArgumentList.Add(e);
        return psi;
    }

    /// <summary>Runs this benchmark once per size in a fresh process, so each peak-memory figure is its own.</summary>
    public static async Task<int> RunChildAsync(string name, int n, params string[] extra)
    {
        using var p = Process.Start(ChildStartInfo(name, n, extra, captureOutput: false))!;
        await p.WaitForExitAsync();
        return p.ExitCode;
    }

    /// <summary>Like <see cref="RunChildAsync"/>, returning what the child printed (it must succeed).</summary>
    public static async Task<string> RunChildCapturedAsync(string name, int n, params string[] extra)
    {
        using var p = Process.Start(ChildStartInfo(name, n, extra, captureOutput: true))!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{name} --n {n} {string.Join(' ', extra)} failed with exit code {p.ExitCode}:\n{output}");
        return output;
    }
}

/// <summary>A CSV upload generated on the fly: the benchmark never holds the file in memory, like the endpoint.</summary>
internal sealed class GeneratedCsvStream(int rows) : Stream
{
    private static readonly string[] Languages = ["nl", "en", "fr", "de", "en", "nl", "en", "en"];
    private readonly byte[] _header = Encoding.UTF8.GetBytes("email,name,language,country,kind,externalId\r\n");
    private byte[] _current = [];
    private int _offset;
    private int _next = -1;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length)
        {
            if (_offset == _current.Length)
            {
                if (_next >= rows) break;
                _current = _next < 0 ? _header : Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $"person{_next}@example{_next % 97}.com,Person {_next},{Languages[_next % Languages.Length]},,data-subject,crm-{_next}\r\n"));
                _offset = 0;
                _next++;
            }
            var n = Math.Min(buffer.Length - written, _current.Length - _offset);
            _current.AsSpan(_offset, n).CopyTo(buffer[written..]);
            _offset += n;
            written += n;
        }
        return written;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
