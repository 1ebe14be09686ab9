namespace BreachNotify.Application.Storage;

/// <summary>Base of the storage port's errors; adapters translate their own failures into these.</summary>
public class StorageException : Exception
{
    public StorageException() { }
    public StorageException(string message) : base(message) { }
    public StorageException(string message, Exception inner) : base(message, inner) { }
}

public sealed class EntityNotFoundException : StorageException
{
    public EntityNotFoundException() { }
    public EntityNotFoundException(string message) : base(message) { }
    public EntityNotFoundException(string message, Exception inner) : base(message, inner) { }
}

public sealed class EntityAlreadyExistsException : StorageException
{
    public EntityAlreadyExistsException() { }
    public EntityAlreadyExistsException(string message) : base(message) { }
    public EntityAlreadyExistsException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The ETag did not match (HTTP 412 in Table storage): someone else changed the entity.</summary>
public sealed class ConcurrencyConflictException : StorageException
{
    public ConcurrencyConflictException() { }
    public ConcurrencyConflictException(string message) : base(message) { }
    public ConcurrencyConflictException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A transient failure (throttling, timeout, 5xx) that a caller may retry.</summary>
public sealed class StorageUnavailableException : StorageException
{
    public StorageUnavailableException() { }
    public StorageUnavailableException(string message) : base(message) { }
    public StorageUnavailableException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// A transaction failed and changed nothing. <see cref="FailedOperationIndex"/> names the operation at fault
/// and <see cref="InnerException"/> is the error that operation alone would have raised.
/// </summary>
public sealed class TableTransactionFailedException : StorageException
{
    public TableTransactionFailedException() { }
    public TableTransactionFailedException(string message) : base(message) { }
    public TableTransactionFailedException(string message, Exception inner) : base(message, inner) { }
    public TableTransactionFailedException(int failedOperationIndex, StorageException inner)
        : base($"Transaction failed at operation {failedOperationIndex}: {inner.Message}", inner)
        => FailedOperationIndex = failedOperationIndex;

    public int FailedOperationIndex { get; }
}
