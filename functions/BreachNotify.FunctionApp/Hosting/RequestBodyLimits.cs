using BreachNotify.Application.Notices;
using BreachNotify.Application.Webhooks;
using BreachNotify.Application.Notices.Sending;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Hosting;

/// <summary>
/// Enforces a function's body limit before anything is read: a declared Content-Length over the limit is refused at
/// once (413); a body without a length is cut off at the limit while it is read. The same code runs under the
/// Functions host (worker middleware) and standalone.
/// </summary>
public sealed class RequestBodyLimits(
    IOptions<RequestLimitsOptions> api,
    IOptions<NoticeOptions> notices,
    IOptionsMonitor<WebhookOptions> webhooks,
    IOptions<DeliveryEventWebhookOptions> deliveryEvents)
{
    public long For(BodyLimit limit) => limit switch
    {
        BodyLimit.RecipientUpload => notices.Value.MaxUploadBytes,
        BodyLimit.MonitorWebhook => webhooks.CurrentValue.MaxBodyBytes,
        BodyLimit.DeliveryEvents => deliveryEvents.Value.MaxBodyBytes,
        _ => api.Value.MaxRequestBodyBytes,
    };

    /// <exception cref="BadHttpRequestException">413 when the declared length is over the limit.</exception>
    public void Apply(HttpContext context, BodyLimit limit)
    {
        ArgumentNullException.ThrowIfNull(context);
        var max = For(limit);
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false }) feature.MaxRequestBodySize = max;
        if (context.Request.ContentLength > max)
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        if (context.Request.ContentLength is null && context.Request.Body.CanRead)
            context.Request.Body = new LimitedReadStream(context.Request.Body, max);
    }
}

/// <summary>Counts what is read and refuses to read past the limit (413).</summary>
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
