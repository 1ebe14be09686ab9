namespace BreachNotify.FunctionApp.Hosting;

/// <summary>Section <c>Api</c>: limits for every function that does not set its own.</summary>
public sealed class RequestLimitsOptions
{
    public const string SectionName = "Api";

    /// <summary>Default request body limit in bytes; uploads and webhooks have their own settings.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
