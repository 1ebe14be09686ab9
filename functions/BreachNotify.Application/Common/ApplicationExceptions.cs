namespace BreachNotify.Application.Common;

/// <summary>The addressed resource does not exist (HTTP 404).</summary>
public sealed class NotFoundException : Exception
{
    public NotFoundException() { }
    public NotFoundException(string message) : base(message) { }
    public NotFoundException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The caller's If-Match ETag is stale (HTTP 412): reload and retry.</summary>
public sealed class PreconditionFailedException : Exception
{
    public PreconditionFailedException() { }
    public PreconditionFailedException(string message) : base(message) { }
    public PreconditionFailedException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The request conflicts with earlier work (HTTP 409), e.g. an Idempotency-Key reused for a different request.</summary>
public sealed class ConflictException : Exception
{
    public ConflictException() { }
    public ConflictException(string message) : base(message) { }
    public ConflictException(string message, Exception inner) : base(message, inner) { }
    public ConflictException(string message, IReadOnlyDictionary<string, string> details) : base(message) => Details = details;

    /// <summary>Extra members of the problem answer: ids of what the request conflicts with (never personal data).</summary>
    public IReadOnlyDictionary<string, string> Details { get; } = new Dictionary<string, string>();
}
