using System.Globalization;
using BreachNotify.Tests.Shared.Webhooks;
using BreachNotify.Application.Webhooks;
using static BreachNotify.Application.Tests.Webhooks.WebhookTestSupport;

using BreachNotify.Tests.Shared;

namespace BreachNotify.Application.Tests.Webhooks;

public class VerificationTests
{
    private const string Secret = "s3cret-current";
    private const string OldSecret = "s3cret-previous";
    private const string Token = "token-current-0123456789";
    private const string OldToken = "token-previous";

    private static readonly byte[] Body = Utf8(VendorSamples.GenericTriggered);

    /// <summary>Every scheme: its source, and how a sender signs a body with a secret (or token) at a time.</summary>
    public static TheoryData<string> Schemes => new()
    {
        "pagerduty", "github", "grafana", "grafana-timestamp", "grafana-bearer", "generic", "alertmanager", "azure-monitor", "sentinel",
    };

    public static TheoryData<string> HmacSchemes => new() { "pagerduty", "github", "grafana", "grafana-timestamp", "generic" };

    private static string SourceOf(string scheme) => scheme switch
    {
        "grafana-timestamp" or "grafana-bearer" => WebhookSourceNames.Grafana,
        _ => scheme,
    };

    private static bool UsesTokens(string scheme) => scheme is "grafana-bearer" or "alertmanager" or "azure-monitor" or "sentinel";

    private static WebhookOptions Configured(string scheme, params string[] credentials)
    {
        var settings = UsesTokens(scheme)
            ? new WebhookSourceOptions { Tokens = [.. credentials] }
            : new WebhookSourceOptions { Secrets = [.. credentials] };
        if (scheme == "grafana-timestamp")
        {
            settings.TimestampHeader = "X-Grafana-Alerting-Signature-Timestamp";
        }

        return Options(SourceOf(scheme), settings);
    }

    private static Func<string, string?> Signed(string scheme, string credential, byte[] body, long? unix = null)
    {
        var ts = (unix ?? NowUnix).ToString(CultureInfo.InvariantCulture);
        return scheme switch
        {
            "pagerduty" => Headers(("X-PagerDuty-Signature", "v1=" + HmacHex(credential, "", body))),
            "github" => Headers(("X-Hub-Signature-256", "sha256=" + HmacHex(credential, "", body))),
            "grafana" => Headers(("X-Grafana-Alerting-Signature", HmacHex(credential, "", body))),
            "grafana-timestamp" => Headers(
                ("X-Grafana-Alerting-Signature", HmacHex(credential, ts + ":", body)),
                ("X-Grafana-Alerting-Signature-Timestamp", ts)),
            "generic" => Headers(
                ("X-BreachNotify-Signature", "v1=" + HmacHex(credential, ts + ".", body)),
                ("X-BreachNotify-Timestamp", ts)),
            _ => Headers(("Authorization", "Bearer " + credential)),
        };
    }

    private static VerificationResult Verify(string scheme, WebhookOptions options, byte[] body, Func<string, string?> headers, DateTimeOffset? now = null) =>
        Source(SourceOf(scheme), options, new FakeTimeProvider(now ?? Now)).Verify(body, headers);

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Correctly_signed_delivery_is_valid(string scheme) =>
        Assert.Equal(VerificationResult.Valid, Verify(scheme, Configured(scheme, Secret, Token), Body, Signed(scheme, UsesTokens(scheme) ? Token : Secret, Body)));

    [Theory]
    [MemberData(nameof(HmacSchemes))]
    public void Tampered_body_is_invalid(string scheme)
    {
        var headers = Signed(scheme, Secret, Body);
        var tampered = Utf8(VendorSamples.GenericTriggered.Replace("\"High\"", "\"Low\"", StringComparison.Ordinal));

        Assert.Equal(VerificationResult.Invalid, Verify(scheme, Configured(scheme, Secret), tampered, headers));
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Wrong_secret_or_token_is_invalid(string scheme) =>
        Assert.Equal(VerificationResult.Invalid, Verify(scheme, Configured(scheme, Secret, Token), Body, Signed(scheme, "not-the-secret", Body)));

    [Theory]
    [MemberData(nameof(Schemes))]
    public void During_rotation_both_configured_credentials_are_accepted(string scheme)
    {
        var options = UsesTokens(scheme) ? Configured(scheme, OldToken, Token) : Configured(scheme, OldSecret, Secret);

        Assert.Equal(VerificationResult.Valid, Verify(scheme, options, Body, Signed(scheme, UsesTokens(scheme) ? Token : Secret, Body)));
        Assert.Equal(VerificationResult.Valid, Verify(scheme, options, Body, Signed(scheme, UsesTokens(scheme) ? OldToken : OldSecret, Body)));
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Missing_headers_are_missing_credentials(string scheme) =>
        Assert.Equal(VerificationResult.MissingCredentials, Verify(scheme, Configured(scheme, Secret, Token), Body, WebhookHeaders.None));

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Source_without_credentials_is_not_configured_and_rejects_even_a_signed_delivery(string scheme)
    {
        var headers = Signed(scheme, UsesTokens(scheme) ? Token : Secret, Body);

        Assert.Equal(VerificationResult.NotConfigured, Verify(scheme, new WebhookOptions(), Body, headers));
        Assert.Equal(VerificationResult.NotConfigured, Verify(scheme, Configured(scheme, "", "  "), Body, headers));
    }

    [Theory]
    [InlineData("alertmanager")]
    [InlineData("azure-monitor")]
    [InlineData("sentinel")]
    public void Token_sources_ignore_secrets(string source) =>
        Assert.Equal(
            VerificationResult.NotConfigured,
            Verify(source, Options(source, new WebhookSourceOptions { Secrets = [Secret] }), Body, Signed(source, Secret, Body)));

    [Fact]
    public void Azure_monitor_token_may_ride_in_the_url_since_action_groups_send_no_custom_headers()
    {
        var options = Configured("azure-monitor", OldToken, Token);
        var source = Source("azure-monitor", options);

        Assert.Equal(VerificationResult.Valid, source.Verify(Body, WebhookHeaders.None, Headers(("token", Token))));
        Assert.Equal(VerificationResult.Valid, source.Verify(Body, WebhookHeaders.None, Headers(("token", OldToken))));
        Assert.Equal(VerificationResult.Invalid, source.Verify(Body, WebhookHeaders.None, Headers(("token", "not-the-token"))));
        Assert.Equal(VerificationResult.MissingCredentials, source.Verify(Body, WebhookHeaders.None, Headers(("code", "function-key"))));
        // A presented Authorization header decides: a wrong one is not rescued by a right query token.
        Assert.Equal(VerificationResult.Invalid, source.Verify(Body, Headers(("Authorization", "Bearer wrong")), Headers(("token", Token))));
        Assert.Equal(VerificationResult.NotConfigured, Source("azure-monitor", new WebhookOptions()).Verify(Body, WebhookHeaders.None, Headers(("token", Token))));
    }

    /// <summary>
    /// Issue 13 point 10: an action group's URI may carry basic auth (https://user:token@host/…), which arrives as
    /// Authorization: Basic; its password is the token. A header that is not a bearer token does not hide ?token=.
    /// </summary>
    [Fact]
    public void Azure_monitor_accepts_basic_auth_in_the_uri_and_falls_back_to_the_query_token()
    {
        var source = Source("azure-monitor", Configured("azure-monitor", OldToken, Token));
        static Func<string, string?> Basic(string userAndPassword) =>
            Headers(("Authorization", "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(userAndPassword))));

        Assert.Equal(VerificationResult.Valid, source.Verify(Body, Basic("monitor:" + Token), WebhookHeaders.None));
        Assert.Equal(VerificationResult.Valid, source.Verify(Body, Basic(":" + OldToken), WebhookHeaders.None));
        Assert.Equal(VerificationResult.Valid, source.CheckHeaders(Basic("monitor:" + Token)));
        Assert.Equal(VerificationResult.Invalid, source.Verify(Body, Basic("monitor:wrong"), WebhookHeaders.None));
        Assert.Equal(VerificationResult.Invalid, source.Verify(Body, Basic(Token), WebhookHeaders.None)); // no user:password form
        Assert.Equal(VerificationResult.Valid, source.Verify(Body, Basic("monitor:wrong"), Headers(("token", Token))));
        Assert.Equal(VerificationResult.Valid, source.Verify(Body, Headers(("Authorization", "Negotiate abc")), Headers(("token", Token))));
        Assert.Equal(VerificationResult.Invalid, source.Verify(Body, Headers(("Authorization", "Basic !!notbase64")), WebhookHeaders.None));
    }

    /// <summary>Issue 13 point 7: what the headers condemn is refused before the body is read, for every scheme.</summary>
    [Theory]
    [MemberData(nameof(Schemes))]
    public void Header_checks_refuse_missing_or_unconfigured_credentials_and_pass_signed_ones(string scheme)
    {
        var source = Source(SourceOf(scheme), UsesTokens(scheme) ? Configured(scheme, Token) : Configured(scheme, Secret));
        var signed = Signed(scheme, UsesTokens(scheme) ? Token : Secret, Body);

        Assert.Equal(VerificationResult.Valid, source.CheckHeaders(signed));
        Assert.Equal(VerificationResult.MissingCredentials, source.CheckHeaders(WebhookHeaders.None));
        Assert.Equal(VerificationResult.NotConfigured, Source(SourceOf(scheme), new WebhookOptions()).CheckHeaders(signed));
        if (UsesTokens(scheme))
            Assert.Equal(VerificationResult.Invalid, source.CheckHeaders(Signed(scheme, "not-the-token", Body)));
        else
            Assert.Equal(VerificationResult.Invalid, Verify(scheme, Configured(scheme, Secret), Utf8("tampered"), signed)); // the body is checked after
    }

    [Theory]
    [InlineData("generic")]
    [InlineData("grafana-timestamp")]
    public void Header_checks_refuse_a_stale_timestamp_before_the_body(string scheme)
    {
        var source = Source(SourceOf(scheme), Configured(scheme, Secret));
        Assert.Equal(VerificationResult.Stale, source.CheckHeaders(Signed(scheme, Secret, Body, NowUnix - 301)));
        Assert.Equal(VerificationResult.Invalid, source.CheckHeaders(Signed(scheme, Secret, Body).WithHeader(scheme == "generic" ? "X-BreachNotify-Timestamp" : "X-Grafana-Alerting-Signature-Timestamp", "soon")));
    }

    [Theory]
    [InlineData("alertmanager")]
    [InlineData("sentinel")]
    public void Other_token_sources_do_not_read_the_query(string source) =>
        Assert.Equal(
            VerificationResult.MissingCredentials,
            Source(source, Configured(source, Token)).Verify(Body, WebhookHeaders.None, Headers(("token", Token))));

    [Theory]
    [InlineData("generic")]
    [InlineData("grafana-timestamp")]
    public void Replay_window_edge_is_accepted_and_one_second_past_is_stale(string scheme)
    {
        var options = Configured(scheme, Secret);
        var window = (long)options.ReplayWindow.TotalSeconds;

        Assert.Equal(VerificationResult.Valid, Verify(scheme, options, Body, Signed(scheme, Secret, Body, NowUnix - window)));
        Assert.Equal(VerificationResult.Stale, Verify(scheme, options, Body, Signed(scheme, Secret, Body, NowUnix - window - 1)));
        Assert.Equal(VerificationResult.Valid, Verify(scheme, options, Body, Signed(scheme, Secret, Body, NowUnix + window)));
        Assert.Equal(VerificationResult.Stale, Verify(scheme, options, Body, Signed(scheme, Secret, Body, NowUnix + window + 1)));
    }

    [Fact]
    public void Replay_window_follows_configuration()
    {
        var options = Configured("generic", Secret);
        options.ReplayWindow = TimeSpan.FromSeconds(30);

        Assert.Equal(VerificationResult.Valid, Verify("generic", options, Body, Signed("generic", Secret, Body, NowUnix - 30)));
        Assert.Equal(VerificationResult.Stale, Verify("generic", options, Body, Signed("generic", Secret, Body, NowUnix - 31)));
    }

    [Fact]
    public void Generic_timestamp_is_bound_by_the_signature_so_restamping_a_replay_fails()
    {
        var old = NowUnix - 3600;
        var signature = "v1=" + HmacHex(Secret, old.ToString(CultureInfo.InvariantCulture) + ".", Body);
        var restamped = Headers(("X-BreachNotify-Signature", signature), ("X-BreachNotify-Timestamp", NowUnix.ToString(CultureInfo.InvariantCulture)));

        Assert.Equal(VerificationResult.Invalid, Verify("generic", Configured("generic", Secret), Body, restamped));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999")]
    public void Generic_unreadable_timestamp_is_invalid(string timestamp)
    {
        var headers = Headers(("X-BreachNotify-Signature", "v1=" + HmacHex(Secret, timestamp + ".", Body)), ("X-BreachNotify-Timestamp", timestamp));

        Assert.Equal(VerificationResult.Invalid, Verify("generic", Configured("generic", Secret), Body, headers));
    }

    [Fact]
    public void Generic_signature_without_timestamp_is_missing_credentials()
    {
        var headers = Headers(("X-BreachNotify-Signature", "v1=" + HmacHex(Secret, NowUnix + ".", Body)));

        Assert.Equal(VerificationResult.MissingCredentials, Verify("generic", Configured("generic", Secret), Body, headers));
    }

    [Fact]
    public void PagerDuty_header_with_several_signatures_passes_when_any_matches()
    {
        var header = $"v1={HmacHex("pagerduty-side-new-secret", "", Body)},v1={HmacHex(Secret, "", Body)}";

        Assert.Equal(VerificationResult.Valid, Verify("pagerduty", Configured("pagerduty", Secret), Body, Headers(("X-PagerDuty-Signature", header))));
    }

    [Theory]
    [InlineData("v1=nothex")]
    [InlineData("v0=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("garbage")]
    public void PagerDuty_unreadable_signature_is_invalid(string header) =>
        Assert.Equal(VerificationResult.Invalid, Verify("pagerduty", Configured("pagerduty", Secret), Body, Headers(("X-PagerDuty-Signature", header))));

    [Fact]
    public void GitHub_signature_without_sha256_prefix_is_invalid() =>
        Assert.Equal(
            VerificationResult.Invalid,
            Verify("github", Configured("github", Secret), Body, Headers(("X-Hub-Signature-256", HmacHex(Secret, "", Body)))));

    [Fact]
    public void Header_names_are_matched_ignoring_case() =>
        Assert.Equal(
            VerificationResult.Valid,
            Verify("github", Configured("github", Secret), Body, Headers(("x-hub-signature-256", "sha256=" + HmacHex(Secret, "", Body).ToUpperInvariant()))));

    [Fact]
    public void Grafana_configured_timestamp_header_is_required()
    {
        var headers = Headers(("X-Grafana-Alerting-Signature", HmacHex(Secret, "", Body)));

        Assert.Equal(VerificationResult.MissingCredentials, Verify("grafana-timestamp", Configured("grafana-timestamp", Secret), Body, headers));
    }

    [Fact]
    public void Grafana_custom_header_names_are_honoured()
    {
        var ts = NowUnix.ToString(CultureInfo.InvariantCulture);
        var options = Options("grafana", new WebhookSourceOptions { Secrets = [Secret], SignatureHeader = "X-Sig", TimestampHeader = "X-Ts" });
        var headers = Headers(("X-Sig", HmacHex(Secret, ts + ":", Body)), ("X-Ts", ts));

        Assert.Equal(VerificationResult.Valid, Verify("grafana", options, Body, headers));
        Assert.Equal(VerificationResult.MissingCredentials, Verify("grafana", options, Body, Signed("grafana-timestamp", Secret, Body)));
    }

    [Fact]
    public void Grafana_with_a_secret_does_not_fall_back_to_a_bearer_token()
    {
        var options = Options("grafana", new WebhookSourceOptions { Secrets = [Secret], Tokens = [Token] });

        Assert.Equal(VerificationResult.MissingCredentials, Verify("grafana", options, Body, Signed("grafana-bearer", Token, Body)));
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer token-current-0123456789X")]
    [InlineData("Bearer token-current")]
    [InlineData(Token)]
    public void Bearer_other_than_a_configured_token_is_invalid(string authorization) =>
        Assert.Equal(
            VerificationResult.Invalid,
            Verify("sentinel", Configured("sentinel", Token), Body, Headers(("Authorization", authorization))));

    [Fact]
    public void Bearer_scheme_is_matched_ignoring_case() =>
        Assert.Equal(
            VerificationResult.Valid,
            Verify("alertmanager", Configured("alertmanager", Token), Body, Headers(("Authorization", "bearer " + Token))));

    [Fact]
    public void Readme_generic_example_verifies()
    {
        // The worked example in functions/BreachNotify.Application/Webhooks/README.md (openssl dgst -sha256 -hmac).
        var body = Utf8("""{"eventId":"evt-1","externalId":"dlp-17","title":"Customer table exported","severity":"high","status":"triggered","occurredAt":"2026-05-20T14:00:00Z"}""");
        var headers = Headers(
            ("X-BreachNotify-Timestamp", "1779285600"),
            ("X-BreachNotify-Signature", "v1=6f001a88b469f29c520263105bf1b62ce7654f72c8d4127b1e3ceb9815a8fcdc"));

        Assert.Equal(VerificationResult.Valid, Verify("generic", Configured("generic", "example-secret"), body, headers));
    }

    [Fact]
    public void Rejections_are_logged_with_source_and_outcome_only()
    {
        var logger = new CapturingLogger();
        var source = Source("generic", Configured("generic", Secret), new FakeTimeProvider(Now), logger);

        source.Verify(Body, Signed("generic", "wrong", Body));

        var line = Assert.Single(logger.Lines);
        Assert.Equal("Webhook from generic rejected: Invalid", line);
    }
}

internal static class HeaderLookupExtensions
{
    /// <summary>The same lookup with one header replaced.</summary>
    public static Func<string, string?> WithHeader(this Func<string, string?> headers, string name, string value)
        => n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase) ? value : headers(n);
}
