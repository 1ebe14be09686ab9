using System.Globalization;
using System.Text.Json;
using BreachNotify.Application.Register;
using BreachNotify.FunctionApp.Auth;
using CsvHelper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace BreachNotify.FunctionApp.Features.Register;

public sealed record RegisterResponse(IReadOnlyList<RegisterEntry> Items);

/// <summary>The breach register (GDPR Art 33(5)): every incident, notified or not, with the decision and its rationale.</summary>
public sealed class RegisterFunctions(BreachRegister register, TimeProvider time)
{
    public const string CsvContentType = "text/csv; charset=utf-8";

    /// <summary>Column names (the JSON names of <see cref="RegisterEntry"/>), in the order the CSV writes them.</summary>
    public static readonly string[] CsvColumns =
    [
        "id", "title", "status", "source", "reporter", "owner", "role", "controllerCustomer", "countries",
        "detectedAt", "awareAt", "occurredAt", "createdAt", "closedAt", "dismissalReason",
        "breachTypes", "dataCategories", "dataSubjects", "records", "contained",
        "risk", "severity", "severityScore", "recommendedNotifyAuthority", "recommendedNotifyDataSubjects",
        "notifyAuthority", "notifyDataSubjects", "publicCommunication", "rationale", "decidedBy", "decidedAt", "isOverride", "departures",
        "noticesOutstanding", "headHash", "headSequence",
    ];

    [Function("Register")]
    [Authorize(Policy = Policies.Read)]
    public async Task<Ok<RegisterResponse>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "register")] HttpRequest req, CancellationToken cancellationToken)
        => TypedResults.Ok(new RegisterResponse(await register.ReadAsync(cancellationToken).ToListAsync(cancellationToken)));

    /// <summary>
    /// The register as CSV for spreadsheets: RFC 4180 quoting, UTF-8 with BOM (Excel), instants in UTC, and text cells
    /// that a spreadsheet would run as a formula (starting with = + - @, tab or CR; OWASP "CSV injection") escaped with '.
    /// </summary>
    [Function("RegisterCsv")]
    [Authorize(Policy = Policies.Read)]
    public async Task<PushStreamHttpResult> Csv(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "register.csv")] HttpRequest req, CancellationToken cancellationToken)
    {
        // Read everything first so a storage failure is a problem-details answer, not a truncated file.
        var entries = await register.ReadAsync(cancellationToken).ToListAsync(cancellationToken);
        var name = $"breach-register-{time.GetUtcNow():yyyyMMdd}.csv";
        return TypedResults.Stream(stream => WriteCsvAsync(entries, stream, cancellationToken), CsvContentType, name);
    }

    public static async Task WriteCsvAsync(IEnumerable<RegisterEntry> entries, Stream destination, CancellationToken ct)
    {
        var options = new CsvWriterOptions { Injection = CsvInjection.Escape, WriteByteOrderMark = true };
        await using var csv = CsvWriter.Create(destination, options, leaveOpen: true);
        csv.WriteHeader(CsvColumns); // a whole record: no EndRecord after it
        foreach (var e in entries)
        {
            foreach (var field in Fields(e)) csv.WriteField(field);
            await csv.EndRecordAsync(ct);
        }
        await csv.FlushAsync(ct);
    }

    /// <summary>One entry as text cells, in <see cref="CsvColumns"/> order; empty for unknown values.</summary>
    public static string?[] Fields(RegisterEntry e) =>
    [
        e.Id, e.Title, Wire(e.Status), e.Source, e.Reporter, e.Owner, Wire(e.Role), e.ControllerCustomer, string.Join(' ', e.Countries),
        Instant(e.DetectedAt), Instant(e.AwareAt), Instant(e.OccurredAt), Instant(e.CreatedAt), Instant(e.ClosedAt), e.DismissalReason,
        Join(e.BreachTypes), Join(e.DataCategories), Number(e.DataSubjects), Number(e.Records), YesNo(e.Contained),
        Wire(e.Risk), Wire(e.Severity), e.SeverityScore?.ToString(CultureInfo.InvariantCulture), YesNo(e.RecommendedNotifyAuthority), YesNo(e.RecommendedNotifyDataSubjects),
        YesNo(e.NotifyAuthority), YesNo(e.NotifyDataSubjects), YesNo(e.PublicCommunication), e.Rationale, e.DecidedBy, Instant(e.DecidedAt), YesNo(e.IsOverride),
        e.Departures is null ? null : string.Join("; ", e.Departures),
        string.Join(' ', e.NoticesOutstanding.Select(r => Wire(r))), e.HeadHash, Number(e.HeadSequence),
    ];

    private static string? Instant(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string? Number(long? n) => n?.ToString(CultureInfo.InvariantCulture);

    private static string? YesNo(bool? b) => b switch { true => "yes", false => "no", null => null };

    // The API's wire names (kebab-case), so the CSV and the JSON say the same thing.
    private static string? Wire<T>(T? value) where T : struct, Enum => value is null ? null : JsonNamingPolicy.KebabCaseLower.ConvertName(value.Value.ToString());

    private static string? Wire<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    private static string? Join<T>(IReadOnlyList<T>? values) where T : struct, Enum => values is null ? null : string.Join(' ', values.Select(v => Wire(v)));
}
