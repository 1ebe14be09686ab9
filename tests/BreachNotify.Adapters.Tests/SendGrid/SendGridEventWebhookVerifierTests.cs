using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BreachNotify.Adapters.SendGrid;
using BreachNotify.Adapters.Tests.Fakes;

namespace BreachNotify.Adapters.Tests.SendGrid;

public sealed class SendGridEventWebhookVerifierTests : IDisposable
{
    private const string Body = """[{"email":"anna@example.com","timestamp":1762335000,"event":"delivered","sg_event_id":"ev1","job_id":"job-1"}]""";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly FakeTimeProvider _time = new();

    public void Dispose() => _key.Dispose();

    private string PublicKey => Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo());

    private string Now => _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static string Sign(ECDsa key, string timestamp, string body) =>
        Convert.ToBase64String(key.SignData(
            Encoding.UTF8.GetBytes(timestamp + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    [Fact]
    public void Valid_signature_is_accepted()
    {
        var verifier = new SendGridEventWebhookVerifier(PublicKey, _time);
        var timestamp = Now;

        Assert.Equal(SendGridWebhookVerificationResult.Valid, verifier.Verify(Sign(_key, timestamp, Body), timestamp, Body));
        Assert.Equal(SendGridWebhookVerificationResult.Valid, verifier.Verify(Sign(_key, timestamp, Body), timestamp, Encoding.UTF8.GetBytes(Body)));
    }

    [Fact]
    public void Pem_armoured_key_is_accepted()
    {
        var pem = _key.ExportSubjectPublicKeyInfoPem();
        var verifier = new SendGridEventWebhookVerifier(pem, _time);
        var timestamp = Now;

        Assert.Equal(SendGridWebhookVerificationResult.Valid, verifier.Verify(Sign(_key, timestamp, Body), timestamp, Body));
    }

    [Fact]
    public void Tampered_body_is_rejected()
    {
        var verifier = new SendGridEventWebhookVerifier(PublicKey, _time);
        var timestamp = Now;
        var signature = Sign(_key, timestamp, Body);

        Assert.Equal(SendGridWebhookVerificationResult.BadSignature,
            verifier.Verify(signature, timestamp, Body.Replace("delivered", "bounce", StringComparison.Ordinal)));
        Assert.Equal(SendGridWebhookVerificationResult.BadSignature, verifier.Verify(signature, timestamp, Body + " "));
    }

    [Fact]
    public void Tampered_timestamp_is_rejected()
    {
        var verifier = new SendGridEventWebhookVerifier(PublicKey, _time);
        var timestamp = Now;
        var signature = Sign(_key, timestamp, Body);
        var other = (long.Parse(timestamp, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);

        Assert.Equal(SendGridWebhookVerificationResult.BadSignature, verifier.Verify(signature, other, Body));
    }

    [Fact]
    public void Signature_from_another_key_is_rejected()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var verifier = new SendGridEventWebhookVerifier(PublicKey, _time);
        var timestamp = Now;

        Assert.Equal(SendGridWebhookVerificationResult.BadSignature, verifier.Verify(Sign(other, timestamp, Body), timestamp, Body));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void Malformed_signature_is_rejected(string signature)
    {
        var verifier = new SendGridEventWebhookVerifier(PublicKey, _time);

        Assert.Equal(SendGridWebhookVerificationResult.BadSignature, verifier.Verify(signature, Now, Body));
    }

    [Fact]
    public void Stale_and_future_timestamps_are_rejected_even_when_signed()
    {
        // The default window outlasts SendGrid's 24 hours of retries: 25 hours.
        var verifier = new SendGridEventWebhookVerifier(PublicKey, _time);
        Assert.Equal(TimeSpan.FromHours(25), verifier.ReplayWindow);
        var old = _time.GetUtcNow().AddHours(-25).AddSeconds(-1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var future = _time.GetUtcNow().AddHours(25).AddSeconds(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var edge = _time.GetUtcNow().AddHours(-25).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        Assert.Equal(SendGridWebhookVerificationResult.Stale, verifier.Verify(Sign(_key, old, Body), old, Body));
        Assert.Equal(SendGridWebhookVerificationResult.Stale, verifier.Verify(Sign(_key, future, Body), future, Body));
        Assert.Equal(SendGridWebhookVerificationResult.Valid, verifier.Verify(Sign(_key, edge, Body), edge, Body));
    }

    [Fact]
    public void Replay_window_is_configurable_and_follows_the_clock()
    {
        var verifier = new SendGridEventWebhookVerifier(PublicKey, _time, TimeSpan.FromMinutes(1));
        var timestamp = Now;
        var signature = Sign(_key, timestamp, Body);
        Assert.Equal(SendGridWebhookVerificationResult.Valid, verifier.Verify(signature, timestamp, Body));

        _time.Advance(TimeSpan.FromSeconds(61));

        Assert.Equal(SendGridWebhookVerificationResult.Stale, verifier.Verify(signature, timestamp, Body));
    }

    [Theory]
    [InlineData(null, "1762335000")]
    [InlineData("", "1762335000")]
    [InlineData("MEUCIQ==", null)]
    [InlineData("MEUCIQ==", " ")]
    public void Missing_headers_are_reported(string? signature, string? timestamp)
    {
        var verifier = new SendGridEventWebhookVerifier(PublicKey, _time);

        Assert.Equal(SendGridWebhookVerificationResult.MissingSignature, verifier.Verify(signature, timestamp, Body));
    }

    [Fact]
    public void Key_that_is_not_a_p256_public_key_is_refused_at_construction()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Throws<ArgumentException>(() => new SendGridEventWebhookVerifier("bm90IGEga2V5", _time));
        Assert.Throws<ArgumentException>(() => new SendGridEventWebhookVerifier(Convert.ToBase64String(p384.ExportSubjectPublicKeyInfo()), _time));
    }

    [Fact]
    public void Published_sendgrid_test_vector_verifies()
    {
        // Independent vector from SendGrid's @sendgrid/eventwebhook test suite (key, signature, timestamp, and the
        // payload as JSON.stringify of the sample object): proves the "timestamp + raw body" construction.
        const string key = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";
        const string signature = "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=";
        const string timestamp = "1588788367";
        const string payload = """{"category":"example_payload","event":"test_event","message_id":"message_id"}""";
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1588788367));
        var verifier = new SendGridEventWebhookVerifier(key, time);

        Assert.Equal(SendGridWebhookVerificationResult.Valid, verifier.Verify(signature, timestamp, payload));
        Assert.Equal(SendGridWebhookVerificationResult.BadSignature, verifier.Verify(signature, timestamp, payload + "\r\n"));
    }
}
