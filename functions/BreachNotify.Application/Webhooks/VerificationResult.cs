namespace BreachNotify.Application.Webhooks;

/// <summary>Outcome of checking a delivery's credentials. Anything but <see cref="Valid"/> is answered 401 with no detail.</summary>
public enum VerificationResult
{
    /// <summary>A configured secret or token matched.</summary>
    Valid,

    /// <summary>The signature, timestamp or Authorization header is absent.</summary>
    MissingCredentials,

    /// <summary>Credentials were presented and did not match (or could not be read).</summary>
    Invalid,

    /// <summary>Correctly signed, but the signed timestamp is outside the replay window (a replay or a skewed clock).</summary>
    Stale,

    /// <summary>No secret or token is configured for the source: nothing is accepted unsigned.</summary>
    NotConfigured,
}
