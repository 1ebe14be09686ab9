using Microsoft.AspNetCore.Http.Features;

namespace BreachNotify.FunctionApp.Errors;

/// <summary>Endpoint metadata raising or lowering the request body limit (bytes) for that endpoint.</summary>
public sealed record RequestBodyLimitMetadata(long MaxBytes);

public sealed class RequestLimitsOptions
{
    public const string SectionName = "Api";

    /// <summary>Default request body limit; endpoints that take uploads raise it with metadata.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}

/// <summary>
/// Enforces body limits before anything is read: a declared Content-Length over the limit gets 413 at once;
/// a chunked body is cut off at the limit. Works on Kestrel and in the test server alike.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, Microsoft.Extensions.Options.IOptions<RequestLimitsOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<RequestBodyLimitMetadata>()?.MaxBytes ?? options.Value.MaxRequestBodyBytes;
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false }) feature.MaxRequestBodySize = limit;
        if (context.Request.ContentLength > limit)
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        if (context.Request.ContentLength is null && context.Request.Body.CanRead)
            context.Request.Body = new LimitedReadStream(context.Request.Body, limit);
        return next(context);
    }
}

internal sealed class LimitedReadStream(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int n)
    {
        _read += n;
        if (_read > limit) throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        return n;
    }
}

public static class RequestBodyLimitExtensions
{
    public static TBuilder WithRequestBodyLimit<TBuilder>(this TBuilder builder, long maxBytes) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new RequestBodyLimitMetadata(maxBytes));
}
