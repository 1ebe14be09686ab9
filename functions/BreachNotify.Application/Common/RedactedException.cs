namespace BreachNotify.Application.Common;

/// <summary>
/// An exception as it is logged: the types and stack traces of the original and its inner exceptions, never their
/// messages. A message can carry what a request sent (a JSON key in a serializer's error, a value in a parser's),
/// and with it a forged log line or an e-mail address; the stack trace holds only code locations. The answer's
/// <c>traceId</c> ties a logged failure to its request.
/// </summary>
public sealed class RedactedException : Exception
{
    private readonly string? _stackTrace;

    public RedactedException() { }

    public RedactedException(string message) : base(message) { }

    public RedactedException(string message, Exception inner) : base(message, inner) { }

    private RedactedException(Exception original)
        : base($"{original.GetType().FullName} (HResult 0x{original.HResult:x8}; message withheld from the log)",
            original.InnerException is null ? null : new RedactedException(original.InnerException))
        => _stackTrace = original.StackTrace;

    /// <summary>What to hand a logger instead of <paramref name="exception"/>.</summary>
    public static Exception Of(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception is RedactedException ? exception : new RedactedException(exception);
    }

    public override string? StackTrace => _stackTrace ?? base.StackTrace;
}
