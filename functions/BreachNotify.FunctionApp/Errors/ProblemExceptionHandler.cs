using System.Text.Json;
using BreachNotify.Application.Common;
using BreachNotify.Application.Storage;
using BreachNotify.Domain.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace BreachNotify.FunctionApp.Errors;

/// <summary>
/// The one place that turns exceptions into RFC 7807 problem details. Validation problems name the field
/// (JSON name) in <c>errors</c>; nothing internal (stack, payload) leaks to the client or the log.
/// </summary>
public sealed partial class ProblemResults(ILogger<ProblemResults> logger)
{
    /// <summary>
    /// The problem answer for an exception thrown while serving a request. A 5xx is logged with the function's name
    /// (not the request's path), the trace id the answer carries, and the exception redacted (types and stack, no
    /// messages): nothing the request sent reaches the log.
    /// </summary>
    /// <param name="function">The function that was serving the request; null outside one.</param>
    public IResult For(HttpContext http, Exception exception, string? function = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(exception);
        var problem = Map(exception);
        if (problem.Status >= 500)
            LogUnhandled(exception.GetType().Name, function ?? http.GetEndpoint()?.DisplayName ?? "(no function)", http.TraceIdentifier, RedactedException.Of(exception));
        return Result(http, problem);
    }

    /// <summary>401: says nothing about which key was tried.</summary>
    public static IResult Unauthorized(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
        return Result(http, new ProblemDetails { Status = 401, Title = "Unauthorized", Detail = "A valid X-Api-Key header is required." });
    }

    public static IResult Forbidden(HttpContext http)
        => Result(http, new ProblemDetails { Status = 403, Title = "Forbidden", Detail = "Your role may not perform this action." });

    public static IResult Result(HttpContext http, ProblemDetails problem)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(problem);
        problem.Instance ??= http.Request.Path;
        problem.Extensions["traceId"] = http.TraceIdentifier;
        return TypedResults.Problem(problem);
    }

    public static ProblemDetails Map(Exception exception) => exception switch
    {
        DomainValidationException v => Validation(v.Errors.Select(e => (e.Field, e.Message))),
        BadRequestBodyException b => Validation([(b.Field, b.Message)]),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new ProblemDetails
        {
            Status = 413, Title = "Request body too large", Detail = "The request body exceeds the limit for this endpoint.",
        },
        BadHttpRequestException { InnerException: JsonException j } => JsonProblem(j),
        BadHttpRequestException b => new ProblemDetails { Status = b.StatusCode, Title = "Bad request", Detail = b.Message },
        JsonException j => JsonProblem(j),
        NotFoundException n => new ProblemDetails { Status = 404, Title = "Not found", Detail = n.Message },
        InvalidStateException s => new ProblemDetails { Status = 409, Title = "Not allowed in the current state", Detail = s.Message },
        ConflictException c => WithExtensions(new ProblemDetails { Status = 409, Title = "Conflict", Detail = c.Message }, c.Details),
        PreconditionFailedException p => new ProblemDetails { Status = 412, Title = "Precondition failed", Detail = p.Message },
        ConcurrencyConflictException => new ProblemDetails { Status = 409, Title = "Conflict", Detail = "The resource was changed concurrently; retry." },
        StorageUnavailableException => new ProblemDetails { Status = 503, Title = "Storage unavailable", Detail = "Storage is temporarily unavailable; retry." },
        _ => new ProblemDetails { Status = 500, Title = "Internal error", Detail = "An unexpected error occurred. Nothing was changed by this request." },
    };

    private static ProblemDetails WithExtensions(ProblemDetails problem, IReadOnlyDictionary<string, string> extensions)
    {
        foreach (var (key, value) in extensions) problem.Extensions[key] = value;
        return problem;
    }

    private static ProblemDetails JsonProblem(JsonException j)
    {
        // Syntax errors come from the reader: the body is not JSON, whatever the path says.
        if (j.InnerException?.GetType().Name == "JsonReaderException" || j.Path is null)
            return Validation([("$", $"Malformed JSON (line {j.LineNumber + 1}, byte {j.BytePositionInLine}).")], "The request body is not valid JSON.");
        if (j.InnerException is { } inner && StrictJson.IsNotTextError(inner)) return Validation([(FieldFromPath(j.Path), StrictJson.NotTextMessage)]);
        return Validation([(FieldFromPath(j.Path), CleanMessage(j.Message))]);
    }

    /// <summary>Keeps our own messages; replaces the serializer's, which name .NET types, with plain ones.</summary>
    public static string CleanMessage(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0) message = message[..cut];
        if (message.StartsWith("The JSON property", StringComparison.Ordinal)) return "Unknown field.";
        if (message.StartsWith("Duplicate propert", StringComparison.Ordinal)) return StrictJson.DuplicateMessage;
        if (message.Contains("could not be converted to", StringComparison.Ordinal)) return "Wrong JSON type or invalid value for this field.";
        if (message.Contains("missing required properties", StringComparison.Ordinal)) return "Required field missing.";
        return message;
    }

    public static string FieldFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "$";
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    public static ValidationProblemDetails Validation(IEnumerable<(string Field, string Message)> errors, string? detail = null)
    {
        var dict = errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
        return new ValidationProblemDetails(dict)
        {
            Status = 400,
            Title = "Invalid request",
            Detail = detail ?? string.Join(" ", dict.Select(kv => $"{kv.Key}: {string.Join(" ", kv.Value)}")),
        };
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled {ExceptionType} in {Function}, trace {TraceId}")]
    private partial void LogUnhandled(string exceptionType, string function, string traceId, Exception exception);
}

/// <summary>Standalone only: the safety net for anything outside a function (the pipeline catches inside).</summary>
public sealed class ProblemExceptionHandler(ProblemResults problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        await problems.For(httpContext, exception).ExecuteAsync(httpContext);
        return true;
    }
}

/// <summary>A request body problem found while reading it by hand (merge patches, uploads): names the field.</summary>
public sealed class BadRequestBodyException : Exception
{
    public BadRequestBodyException() { }
    public BadRequestBodyException(string message) : base(message) { }
    public BadRequestBodyException(string message, Exception inner) : base(message, inner) { }
    public BadRequestBodyException(string field, string message) : base(message) => Field = field;

    public string Field { get; } = "$";
}
