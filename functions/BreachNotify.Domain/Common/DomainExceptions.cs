namespace BreachNotify.Domain.Common;

/// <summary>A value or command is invalid; <see cref="Field"/> names the request field at fault (JSON name).</summary>
public sealed class DomainValidationException : Exception
{
    public DomainValidationException() { }
    public DomainValidationException(string message) : base(message) { }
    public DomainValidationException(string message, Exception inner) : base(message, inner) { }
    public DomainValidationException(string field, string message) : this([new FieldError(field, message)]) { }

    public DomainValidationException(IReadOnlyList<FieldError> errors)
        : base(errors.Count == 1 ? $"{errors[0].Field}: {errors[0].Message}" : $"{errors.Count} fields are invalid.")
        => Errors = errors;

    public IReadOnlyList<FieldError> Errors { get; } = [];

    public string? Field => Errors.Count > 0 ? Errors[0].Field : null;
}

public sealed record FieldError(string Field, string Message);

/// <summary>The command is valid but not allowed in the incident's current state (HTTP 409).</summary>
public sealed class InvalidStateException : Exception
{
    public InvalidStateException() { }
    public InvalidStateException(string message) : base(message) { }
    public InvalidStateException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Collects field errors and throws them together so a client sees every mistake at once.</summary>
public sealed class FieldErrors
{
    private readonly List<FieldError> _errors = [];

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message) => _errors.Add(new FieldError(field, message));

    public void ThrowIfAny()
    {
        if (_errors.Count > 0) throw new DomainValidationException(_errors.ToArray());
    }
}
